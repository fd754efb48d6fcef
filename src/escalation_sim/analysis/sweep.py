"""``escsim sweep``: a grid over one or two parameters, with outcome probabilities at each point.

``--vary PATH=LO:HI:N`` gives ``N`` evenly spaced values from ``LO`` to ``HI`` (whole numbers for
integer parameters, repeats dropped); ``--vary PATH=V1,V2,…`` gives the values themselves (any
type the parameter takes, e.g. ``levers.crisis_hotline.enabled=false,true``). Every value is
checked by the scenario loader before anything runs. All grid points run with one seed (common
random numbers, :mod:`escalation_sim.analysis.points`), so a curve along the grid is smooth:
its wiggles are the parameter's effect, not fresh noise at each point.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.documents import DocumentHeader, SweepDocument
from escalation_sim.analysis.points import evaluate_measures, parameter
from escalation_sim.analysis.stats import Interval, json_float
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.edit import option_source, with_values
from escalation_sim.scenario.errors import ScenarioError, term
from escalation_sim.scenario.schema import Scenario
from escalation_sim.scenario.yaml_io import parse_yaml

MAX_AXES = 2
MAX_STEPS = 101
"""Most values along one axis."""


@dataclass(frozen=True)
class Axis:
    """One parameter of the grid and its values."""

    path: str
    values: tuple[Any, ...]
    source: str


@dataclass
class Sweep:
    """The grid and the measures at each point.

    Attributes:
        axes: One or two axes; points run over the first axis fastest.
        points: Per point, the parameter values (one per axis).
        measures: Per point, measure -> interval.
    """

    axes: list[Axis]
    points: list[tuple[Any, ...]]
    measures: list[dict[str, Interval]]


def parse_axis(item: str, scenario: Scenario) -> Axis:
    """Read ``PATH=LO:HI:N`` or ``PATH=V1,V2,…`` and check every value against the scenario.

    Raises:
        ScenarioError: Malformed item, unknown path, or a value the parameter does not allow.
    """
    source = option_source("--vary", item)
    path, sep, spec = item.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise ScenarioError("expected PATH=LO:HI:N (e.g. actors.baku.nationalism=0:1:11) or "
                            "PATH=V1,V2,…", source=term("--vary"), value=item)
    if ":" in spec:
        values = _range_values(scenario, path, spec, source)
    else:
        parameter(scenario, path, source, numeric=False)
        texts = spec.split(",", MAX_STEPS)  # never more pieces than one past the limit
        _check_count(len(texts), source, path, spec)
        values = [parse_yaml(text, source)[0] for text in texts]
    for value in values:
        with_values(scenario, {path: value}, source)  # every value checked before any run
    return Axis(path, tuple(values), source)


def _check_count(n: int, source: str, path: str, spec: str) -> None:
    """Refuse an axis of more than ``MAX_STEPS`` values (``n`` past it: too many)."""
    if n > MAX_STEPS:
        raise ScenarioError(f"gives more than {MAX_STEPS} values; give 1 to {MAX_STEPS}",
                            source=source, path=path, value=spec)


def _range_values(scenario: Scenario, path: str, spec: str, source: str) -> list[Any]:
    param = parameter(scenario, path, source)
    parts = spec.split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ScenarioError("expected LO:HI:N, two numbers and a count, e.g. 0:1:11",
                            source=source, path=path, value=spec) from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or n < 1:
        raise ScenarioError("expected finite LO and HI and a count N of at least 1",
                            source=source, path=path, value=spec)
    _check_count(n, source, path, spec)  # before the grid is built
    grid = np.linspace(lo, hi, n) if n > 1 else np.array([lo])
    values = [param.cast(float(x)) for x in grid]
    return list(dict.fromkeys(values)) if param.integer else [round(v, 12) for v in values]


def check_axes(axes: Sequence[Axis]) -> None:
    """Refuse no axis, more than ``MAX_AXES``, or one path varied twice.

    Raises:
        ValueError: One line saying which.
    """
    if not 1 <= len(axes) <= MAX_AXES:
        raise ValueError(f"give one or two {term('--vary')} items, not {len(axes)}")
    if len({a.path for a in axes}) < len(axes):
        raise ValueError(f"{term('--vary')} {axes[0].path} is given twice")


def run_sweep(scenario: Scenario, axes: Sequence[Axis], runs: int, seed: int, *,
              executor: Executor, progress: Progress | None = None) -> Sweep:
    """Evaluate every grid point with one seed (common random numbers).

    Raises:
        ValueError: As :func:`check_axes`.
    """
    check_axes(axes)
    points = [tuple(reversed(p)) for p in
              itertools.product(*(a.values for a in reversed(axes)))]
    scenarios = [with_values(scenario, {a.path: v for a, v in zip(axes, p, strict=True)},
                             "--vary") for p in points]
    measures = evaluate_measures(scenarios, runs, seed, executor=executor, progress=progress)
    return Sweep(list(axes), points, measures)


def sweep_dict(sweep: Sweep, metrics: Sequence[str], header: DocumentHeader) -> SweepDocument:
    """The ``sweep --json`` document.

    Keys: ``header`` (scenario, runs, days, seed…), the axes, and per point its values and each
    chosen measure ``{value, ci_low, ci_high, n}``.
    """
    return {
        **header,
        "command": "sweep",
        "vary": [{"path": a.path, "values": list(a.values)} for a in sweep.axes],
        "metrics": list(metrics),
        "points": [{"values": {a.path: v for a, v in zip(sweep.axes, p, strict=True)},
                    **{m: found[m].rounded().to_dict() for m in metrics}}
                   for p, found in zip(sweep.points, sweep.measures, strict=True)],
    }


def sweep_table(sweep: Sweep, metrics: Sequence[str]) -> dict[str, list[Any]]:
    """The CSV table: one row per grid point, the parameter values, then each measure.

    Measures come with their intervals, unrounded, so that files keep full precision.
    """
    table: dict[str, list[Any]] = {a.path: [p[i] for p in sweep.points]
                                   for i, a in enumerate(sweep.axes)}
    for m in metrics:
        for suffix, attr in (("", "estimate"), ("_ci_low", "low"), ("_ci_high", "high")):
            table[f"{m}{suffix}"] = [json_float(getattr(found[m], attr))
                                     for found in sweep.measures]
    table["runs"] = [found[metrics[0]].n for found in sweep.measures]
    return table

