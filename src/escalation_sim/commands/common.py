"""What every command's orchestration shares: a loaded scenario and a command's output.

Loading a scenario (:func:`load`) is all that ``escsim validate`` and the other commands that
simulate nothing need, so this module imports the scenario layer only: what it needs of the
engine and the analysis (a scenario's record checked against its episode, a document's header)
is imported inside the function that needs it, and loading a scenario imports neither numba nor
scipy (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from escalation_sim.analysis.documents import DocumentHeader
from escalation_sim.scenario.bundled import file_sha256
from escalation_sim.scenario.edit import split_override, with_values
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Scenario

ScenarioSource = str | os.PathLike[str] | Scenario
"""A scenario file, the name of a bundled scenario (``"base"``), or a loaded :class:`Scenario`."""
Table = dict[str, list[Any]]
"""A command's table: column name -> values (``--out FILE.csv``)."""
D = TypeVar("D")


@dataclass(frozen=True)
class Loaded:
    """A scenario as a command loaded it, with where it came from.

    Attributes:
        scenario: The validated scenario, overrides applied.
        path: The file as the user named it (``None`` for a scenario built in memory).
        sha256: SHA-256 of the file's bytes (``None`` without a file).
        overrides: The ``--set`` items applied to it.
    """

    scenario: Scenario
    path: str | None
    sha256: str | None
    overrides: list[str] = field(default_factory=list)

    def header(self, runs: int, seed: int, runs_from: str | None) -> DocumentHeader:
        """The keys that open an analysis document (``sweep``, ``levers``, …)."""
        from escalation_sim.analysis.points import document_header  # imports the engine

        return document_header(self.scenario, self.path, self.sha256, self.overrides, runs,
                               seed, runs_from)


@dataclass(frozen=True)
class Output(Generic[D]):
    """What a command computed: its document and its table.

    Attributes:
        document: What ``--json`` prints.
        table: What ``--out FILE.csv`` writes (``None`` for a command without one).
    """

    document: D
    table: Table | None = None


def option_items(*, runs: int | None = None, days: int | None = None,
                 seed: int | None = None) -> list[str]:
    """``runs``, ``days`` and ``seed`` as ``PATH=VALUE`` items for the loader."""
    values = {"runs": runs, "horizon_days": days, "seed": seed}
    return [f"{key}={value}" for key, value in values.items() if value is not None]


def load(source: ScenarioSource, overrides: Sequence[str] = (), *, runs: int | None = None,
         days: int | None = None, seed: int | None = None) -> Loaded:
    """Load and validate a scenario with ``--set`` items and the common options.

    Args:
        source: A scenario file, a bundled scenario's name, or a loaded scenario.
        overrides: ``PATH=VALUE`` items, as ``--set``.
        runs: Runs, if given (sets ``runs``).
        days: Days, if given (sets ``horizon_days``).
        seed: Master seed, if given (sets ``seed``).

    A scenario with a ``record:`` has its record checked here, before any work is done.

    Raises:
        ScenarioError: The scenario or an item is not valid, or its record does not fit it
            (one line).
    """
    items = list(overrides)
    extra = option_items(runs=runs, days=days, seed=seed)
    if isinstance(source, Scenario):
        values = dict(split_override(item) for item in items + extra)
        resolved = with_values(source, values, "set") if values else source
        loaded = Loaded(resolved, None, None, items)
    else:
        path = os.fspath(source)
        loaded = Loaded(load_scenario(path, items + extra), path, file_sha256(path), items)
    if loaded.scenario.record is not None:
        from escalation_sim.engine.filter import record_of  # the engine, for a record only

        try:
            record_of(loaded.scenario)
        except ScenarioError as exc:
            exc.source = exc.source or loaded.path
            raise
    return loaded


def runs_from(runs: int | None) -> str | None:
    """``"--runs"`` when the user chose the runs, ``None`` for the command's default."""
    return "--runs" if runs is not None else None
