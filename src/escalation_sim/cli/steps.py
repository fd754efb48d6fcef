"""The steps every command takes, in one place: check the inputs, run, show.

A command body reads as its story::

    loaded = loaded_or_exit(scenario, sets, runs=runs, days=days, seed=seed)
    plan = planned(lambda: command.plan(loaded, vary, metrics))   # bad input: exit 2
    check_out_file_or_exit(out_file, inputs=[scenario], force=force)
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    finish(output, render=render_sweep, as_json=as_json, quiet=quiet, out_file=out_file)

The plan is the command's orchestration (:mod:`escalation_sim.commands`), the same that the
Python API runs; the CLI adds only the executor's options, the progress bar and rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from rich.console import Console

from escalation_sim.cli.common import (
    as_option_error,
    emit_document,
    executor_or_exit,
    fail,
    scenario_warnings,
    write_figures_or_exit,
)
from escalation_sim.scenario.errors import ScenarioError

if TYPE_CHECKING:  # the engine, pydantic and numpy load when a command runs, not for --help
    from escalation_sim.commands.common import Loaded, Output
    from escalation_sim.engine.ensemble import Progress
    from escalation_sim.engine.executors import Executor
    from escalation_sim.scenario.schema import Scenario

P = TypeVar("P")
T_co = TypeVar("T_co", covariant=True)


def planned(make: Callable[[], P]) -> P:
    """A command's checked inputs (a scenario loaded, a plan made), or one line and exit 2.

    ``make`` loads and checks; a bad scenario, override or option value (``ScenarioError``,
    ``ValueError``) is reported in one line, named by its option where an option caused it.
    Scenario warnings are printed once it succeeds.
    """
    try:
        with scenario_warnings():
            return make()
    except ScenarioError as exc:
        fail(as_option_error(exc))
    except ValueError as exc:
        fail(exc)


def loaded_or_exit(path: str | Path, sets: Sequence[str] | None = (), *,
                   runs: int | None = None, days: int | None = None,
                   seed: int | None = None) -> Loaded:
    """Load a scenario for a command with ``--set``, ``--runs``, ``--days``, ``--seed``, or exit 2.

    Args:
        path: The scenario file, or the name of a bundled scenario.
        sets: ``--set PATH=VALUE`` items.
        runs: ``--runs``, if given (overrides the scenario's ``runs``).
        days: ``--days``, if given (overrides ``horizon_days``).
        seed: ``--seed``, if given (overrides ``seed``).
    """
    from escalation_sim.commands.common import load

    return planned(lambda: load(path, list(sets or ()), runs=runs, days=days, seed=seed))


def load_or_exit(path: str | Path, sets: Sequence[str] | None = (), *, runs: int | None = None,
                 days: int | None = None, seed: int | None = None) -> Scenario:
    """The scenario of :func:`loaded_or_exit`."""
    return loaded_or_exit(path, sets, runs=runs, days=days, seed=seed).scenario


class Runnable(Protocol[T_co]):
    """A command's plan (``escalation_sim.commands``): its runs and how to run them."""

    @property
    def total(self) -> int:
        """Runs to simulate."""

    def run(self, executor: Executor, progress: Progress | None = None) -> T_co:
        """Run the command on ``executor``."""


def execute(plan: Runnable[T_co], *, executor: str, scheduler: str | None,
            workers: int | None, quiet: bool) -> T_co:
    """Run a command's plan: its one executor, a progress bar of its runs, one-line failures.

    The executor is made once for the command (closed when the command ends, however it
    ends); a ``ValueError`` the run raises exits 2 with its line.
    """
    from escalation_sim.cli.progress import progress_bar

    pool = executor_or_exit(executor, scheduler, workers)
    with progress_bar(plan.total, quiet=quiet) as bar:
        try:
            return plan.run(pool, bar)
        except ValueError as exc:
            fail(exc)


def finish(output: Output[Any], *, render: Callable[[Any, Console], None], as_json: bool,
           quiet: bool, out_file: Path | None = None, figures: Path | None = None,
           draw: Callable[[Any, Path], list[str]] | None = None, force: bool = False,
           inputs: Sequence[Path] = ()) -> None:
    """The end of an analysis command: figures, ``--out FILE.csv``, then JSON or the tables."""
    if draw is not None:
        write_figures_or_exit(figures, draw, output.document, quiet=quiet)
    emit_document(output.document, table=output.table if out_file is not None else None,
                  out_file=out_file, as_json=as_json, quiet=quiet, render=render, force=force,
                  inputs=inputs)
