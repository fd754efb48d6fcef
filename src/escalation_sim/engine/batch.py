"""Analysis points batched on the run axis: which points can share a chunk, and their values.

An analysis (``compare``, ``sweep``, ``sensitivity`` …) evaluates many scenarios that mostly
differ in a few numbers. Points that are *structurally alike* — the same actors, issues,
incident types, events, summits, lever schedules and horizon; only numeric parameters differ —
run as one chunk: each point a *block* of rows, the numbers in which its scenario differs from
the first block's given as per-run values (``engine/compile.py``), its uncertain parameters
drawn for its own runs, its random numbers those of its own seed and runs (``rng.run_keys``).
So every point's results are the very ones it gives alone.

Numbers that are structure, not parameters: the horizon, lever start days, build-up times and
forum periods, and every number outside the parameter sections (``events``, ``summits`` …).
``name``, ``description``, ``runs`` and ``seed`` of a scenario do not enter a simulation (the
seed is the point's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from escalation_sim.engine import draws
from escalation_sim.engine.compile import RunValues
from escalation_sim.scenario.edit import event_changes
from escalation_sim.scenario.paths import parse_path, schema_node
from escalation_sim.scenario.schema import Event, Scenario

Block = tuple[Scenario, int]
"""One point of a batched chunk: its scenario and seed."""
SECTIONS = ("actors", "issues", "alliances", "clients", "incidents", "levers", "model")
"""Sections whose numbers are parameters (``engine/compile.py``); elsewhere they are structure."""
STRUCTURE_KEYS = ("horizon_days", "start_day", "ramp_days", "period_days")
"""Numeric fields that shape the calendar (when things happen), so never per run."""
IGNORED = ("name", "description", "runs", "seed")
"""Top-level fields that do not enter a chunk's simulation."""


def structure(scenario: Scenario) -> str:
    """A key equal for scenarios that differ only in numeric parameters (can share a chunk)."""
    data = scenario.model_dump(mode="json")
    for key in IGNORED:
        data.pop(key, None)
    return json.dumps(_blank(data, ()), sort_keys=True)


def numbers(scenario: Scenario) -> dict[str, float]:
    """Every numeric parameter that may differ within a batch: dotted path -> value."""
    found: dict[str, float] = {}
    _collect(scenario.model_dump(mode="python"), (), found)
    return found


def _per_run(loc: tuple[Any, ...], value: Any) -> bool:
    """Whether the leaf at ``loc`` is a number that may differ from run to run."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and bool(loc) and loc[0] in SECTIONS and loc[-1] not in STRUCTURE_KEYS)


def _blank(node: Any, loc: tuple[Any, ...]) -> Any:
    """``node`` with every per-run-able number replaced by ``None``."""
    if isinstance(node, Mapping):
        return {k: _blank(v, (*loc, k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_blank(v, (*loc, n)) for n, v in enumerate(node)]
    return None if _per_run(loc, node) else node


def _collect(node: Any, loc: tuple[Any, ...], found: dict[str, float]) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            _collect(v, (*loc, k), found)
    elif isinstance(node, list):
        for n, v in enumerate(node):
            _collect(v, (*loc, n), found)
    elif _per_run(loc, node):
        found[".".join(str(x) for x in loc)] = node


def block_values(blocks: list[Block], first_run: int, n_runs: int,
                 values: RunValues | None = None) -> dict[str, np.ndarray]:
    """Per-run values of a chunk of ``blocks`` side by side, ``n_runs`` rows each.

    For each block, its scenario's draws of its uncertain parameters for runs ``first_run ..``
    (``draws.draw``), and the numbers in which its scenario differs from the first block's.
    ``values`` (one block only) are explicit per-run values laid over the draws.

    Raises:
        ValueError: ``values`` given for several blocks.
    """
    drawn = [draws.draw(scenario, seed, first_run, n_runs) for scenario, seed in blocks]
    if len(blocks) == 1:
        return {**drawn[0], **(values or {})}
    if values:
        raise ValueError("explicit per-run values are for a chunk of one block")
    found = [numbers(scenario) for scenario, _ in blocks]
    paths = {p for f in found[1:] for p, v in f.items() if v != found[0][p]}
    paths.update(p for d in drawn for p in d)
    out = {}
    for path in sorted(paths):
        parts = [d[path] if path in d else np.full(n_runs, float(f[path]))
                 for d, f in zip(drawn, found, strict=True)]
        out[path] = np.concatenate(parts)
    return out


def event_values(values: Mapping[str, np.ndarray], event: Event) -> dict[str, np.ndarray]:
    """Per-run values after a scheduled event (see ``calendar.py``).

    ``set`` of a path with per-run values removes them (the scenario's new number holds for
    every run); ``add`` adds to each run's value, held within the parameter's range.
    """
    out = dict(values)
    if not out:
        return out
    where = {_loc(path): path for path in out}
    for path, value, is_add in event_changes(event):
        key = where.get(_loc(path))
        if key is None:
            continue
        if not is_add:
            del out[key]
            del where[_loc(path)]
            continue
        lo, hi = schema_node(parse_path(path)).bounds
        new = out[key] + value
        out[key] = np.clip(new, -np.inf if lo is None else lo, np.inf if hi is None else hi)
    return out


def _loc(path: str) -> tuple[str, ...]:
    """A path's segments as text, so ``alliances[0].x`` and ``alliances.0.x`` are one."""
    return tuple(str(x) for x in parse_path(path))
