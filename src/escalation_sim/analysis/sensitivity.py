"""``escsim sensitivity``: which parameters drive the outcome (global sensitivity, via SALib).

Each parameter (*factor*) is given a range; SALib draws points across the ranges, every point
is run as an ensemble (all with one seed: common random numbers, so the output is a smooth
function of the factors and not fresh noise at every point), and SALib apportions the variance
of each output among the factors:

- ``sobol`` (default): Saltelli's sampling, ``N·(D + 2)`` points for ``D`` factors; first-order
  indices ``S1`` (the share of variance a factor explains alone) and total indices ``ST`` (alone
  and with others), each with a bootstrap 95% interval. ``N`` must be a power of two.
- ``morris``: ``N`` elementary-effect trajectories, ``N·(D + 1)`` points; ``mu_star`` (the mean
  absolute effect of moving a factor across its range) with a bootstrap 95% interval, and
  ``sigma`` (its spread: interactions and non-linearity). Cheaper; a screening method.

Factors are ranked by ``ST`` (Sobol) or ``mu_star`` (Morris). The outputs are the measures
``p_coercion_or_worse``, ``p_force``, ``peak_rung_mean`` and ``trade_loss_mean`` of each
point's ensemble.

Defaults (no ``--param``): the three drivers named by the source analysis — the corridor and
Karabakh issues' heat and each actor's nationalism, over their whole range 0–1 — and each
actor's reciprocity, rationality and dependence from half to one and a half times their value
in the scenario (within the schema's range). Paths with ``*`` stand for every key there
(``actors.*.x``); default factors whose path the scenario lacks are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.defaults import MAX_SENSITIVITY_SAMPLES, METHODS, OUTPUTS
from escalation_sim.analysis.documents import DocumentHeader, SensitivityDocument
from escalation_sim.analysis.points import (
    Parameter,
    evaluate_measures,
    expand_path,
    parameter,
)
from escalation_sim.analysis.stats import Interval, json_float, round_significant
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.extras import require
from escalation_sim.scenario.edit import option_source, with_values
from escalation_sim.scenario.errors import ScenarioError, term
from escalation_sim.scenario.schema import Scenario

MORRIS_LEVELS = 4
RESAMPLES = 200
"""Bootstrap resamples for the intervals."""
DEFAULT_FACTORS: tuple[tuple[str, str, float, float], ...] = (
    ("issues.corridors.heat", "absolute", 0.0, 1.0),
    ("issues.karabakh.heat", "absolute", 0.0, 1.0),
    ("actors.*.nationalism", "absolute", 0.0, 1.0),
    ("actors.*.reciprocity", "relative", 0.5, 1.5),
    ("actors.*.rationality", "relative", 0.5, 1.5),
    ("actors.*.dependence", "relative", 0.5, 1.5),
)
"""Path, kind of range, low, high: ``absolute`` values, or ``relative`` factors of the value."""


@dataclass(frozen=True)
class Factor:
    """A parameter varied over a range."""

    path: str
    low: float
    high: float
    value: Any
    integer: bool


@dataclass
class Sensitivity:
    """Sample, outputs and indices of one analysis.

    Attributes:
        method: ``sobol`` or ``morris``.
        factors: What was varied.
        samples: SALib's base sample size ``N``.
        sample: The points, shape ``(points, factors)``.
        outputs: Output -> its value at each point.
        indices: Output -> factor path -> index name -> value (``S1``, ``S1_conf`` …); empty
            for an output that does not vary.
    """

    method: str
    factors: list[Factor]
    samples: int
    sample: np.ndarray
    outputs: dict[str, np.ndarray]
    indices: dict[str, dict[str, dict[str, float]]]

    def ranking(self, output: str) -> list[str]:
        """Factor paths, most influential first (by ``ST`` or ``mu_star``)."""
        found = self.indices.get(output) or {}
        key = "ST" if self.method == "sobol" else "mu_star"
        return sorted(found, key=lambda p: -_finite(found[p][key]))


def parse_factor(item: str, scenario: Scenario) -> list[Factor]:
    """Read ``PATH=LO:HI`` (``*`` in PATH for every key there) into factors.

    Raises:
        ScenarioError: Malformed item, unknown or non-numeric path, or a bound the parameter
            does not allow.
    """
    source = option_source("--param", item)
    path, sep, spec = item.partition("=")
    parts = spec.split(":")
    try:
        if not sep or len(parts) != 2:
            raise ValueError
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise ScenarioError("expected PATH=LO:HI, e.g. actors.baku.nationalism=0.2:0.9",
                            source=term("--param"), value=item) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ScenarioError("needs finite LO and HI, e.g. 0.2:0.9", source=source,
                            path=path.strip(), value=spec)
    if not low < high:
        raise ScenarioError("needs LO < HI", source=source, path=path.strip(), value=spec)
    try:
        paths = expand_path(scenario, path.strip())
    except ScenarioError as exc:
        raise exc.located(source) from None
    factors = []
    for p in paths:
        param = parameter(scenario, p, source)
        for bound in (low, high):
            with_values(scenario, {p: param.cast(bound)}, source)
        factors.append(Factor(p, low, high, param.value, param.integer))
    return factors


def default_factors(scenario: Scenario) -> list[Factor]:
    """The default factors that exist in the scenario (see the module docstring)."""
    factors = []
    for template, kind, low, high in DEFAULT_FACTORS:
        try:
            paths = expand_path(scenario, template)
        except ScenarioError:
            continue
        for path in paths:
            try:
                param = parameter(scenario, path, "default factors")
            except ScenarioError:
                continue
            lo, hi = (low, high) if kind == "absolute" else \
                (param.clip(param.value * low), param.clip(param.value * high))
            lo, hi = _valid(scenario, param, lo), _valid(scenario, param, hi)
            if lo < hi:
                factors.append(Factor(path, lo, hi, param.value, param.integer))
    return factors


def _valid(scenario: Scenario, param: Parameter, x: float, steps: int = 30) -> float:
    """``x``, or the nearest value towards the scenario's own that the scenario allows.

    A scheduled event may add to the parameter, so its top can be less than the schema's.
    """
    def ok(v: float) -> bool:
        try:
            with_values(scenario, {param.path: param.cast(v)})
        except ScenarioError:
            return False
        return True

    if ok(x):
        return x
    good, bad = float(param.value), x
    for _ in range(steps):
        mid = (good + bad) / 2.0
        good, bad = (mid, bad) if ok(mid) else (good, mid)
    if param.integer:
        return param.cast(math.floor(good) if bad > good else math.ceil(good))
    scaled = good * 1e6
    return (math.floor(scaled) if bad > good else math.ceil(scaled)) / 1e6


def design(factors: Sequence[Factor], method: str, samples: int, seed: int) -> np.ndarray:
    """SALib's sample of the factor space, shape ``(points, factors)``.

    Raises:
        ValueError: Unknown method, fewer than two factors, ``samples`` outside 2 to
            ``MAX_SENSITIVITY_SAMPLES``, or a Sobol ``samples`` that is not a power of two.
        MissingExtra: SALib is not installed (``escsim[sensitivity]``).
    """
    if not 2 <= samples <= MAX_SENSITIVITY_SAMPLES:
        raise ValueError(f"{term('--samples')} {samples}: give 2 to {MAX_SENSITIVITY_SAMPLES:,}")
    require("SALib", "sensitivity analysis")
    problem = _problem(factors)
    if method == "sobol":
        from SALib.sample import sobol

        if samples < 2 or samples & (samples - 1):
            raise ValueError(f"{term('--samples')} {samples}: Sobol sampling needs a power of two, "
                             "e.g. 32 or 64")
        return np.asarray(sobol.sample(problem, samples, calc_second_order=False,
                                       seed=seed % 2**32))
    if method == "morris":
        from SALib.sample import morris

        if samples < 2:
            raise ValueError(f"{term('--samples')} {samples}: Morris needs at least 2 "
                             "trajectories")
        return np.asarray(morris.sample(problem, samples, num_levels=MORRIS_LEVELS,
                                        seed=seed % 2**32))
    raise ValueError(f"{term('--method')} {method!r} is not known; use one of: "
                     f"{', '.join(METHODS)}")


def check_factors(factors: Sequence[Factor]) -> None:
    """Refuse fewer than two factors, or a factor given twice.

    Raises:
        ValueError: One line saying which.
    """
    if len(factors) < 2:
        raise ValueError(f"sensitivity needs at least two factors ({term('--param')} "
                         "PATH=LO:HI)")
    paths = [f.path for f in factors]
    if len(set(paths)) < len(paths):
        twice = next(p for p in paths if paths.count(p) > 1)
        raise ValueError(f"{term('--param')} {twice} is given twice")


def run_sensitivity(scenario: Scenario, factors: Sequence[Factor], *, method: str,
                    samples: int, runs: int, seed: int, executor: Executor,
                    progress: Progress | None = None) -> Sensitivity:
    """Sample the factors, run every point with ``seed``, and compute the indices.

    Raises:
        ValueError: As :func:`design` and :func:`check_factors`.
    """
    check_factors(factors)
    sample = design(factors, method, samples, seed)
    scenarios = [with_values(scenario, {f.path: _cast(f, x)
                                        for f, x in zip(factors, row, strict=True)},
                             "sensitivity sample") for row in sample]
    measures = evaluate_measures(scenarios, runs, seed, executor=executor, progress=progress)
    outputs = {o: np.array([m[o].estimate for m in measures], dtype=float) for o in OUTPUTS}
    indices = {o: analyse(factors, method, sample, y, seed) for o, y in outputs.items()}
    return Sensitivity(method, list(factors), samples, sample, outputs, indices)


def analyse(factors: Sequence[Factor], method: str, sample: np.ndarray, y: np.ndarray,
            seed: int) -> dict[str, dict[str, float]]:
    """Indices of one output per factor; ``{}`` when the output does not vary."""
    y = np.nan_to_num(np.asarray(y, dtype=float))
    if np.ptp(y) == 0.0:
        return {}
    problem = _problem(factors)
    if method == "sobol":
        from SALib.analyze import sobol

        found = sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                              seed=seed % 2**32)
        names = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        from SALib.analyze import morris

        found = morris.analyze(problem, sample, y, num_resamples=RESAMPLES,
                               num_levels=MORRIS_LEVELS, seed=seed % 2**32)
        names = ("mu_star", "mu_star_conf", "mu", "sigma")
    return {f.path: {n: float(found[n][i]) for n in names} for i, f in enumerate(factors)}


def sensitivity_dict(result: Sensitivity, header: DocumentHeader) -> SensitivityDocument:
    """The ``sensitivity --json`` document.

    Keys: ``header`` (scenario, runs, days, seed…), method, samples, points, factors, and per
    output its range, the ranking and each factor's indices with 95% intervals (``S1``/``ST``
    for Sobol, ``mu_star``/``sigma`` for Morris).
    """
    outputs: dict[str, Any] = {}
    for output in OUTPUTS:
        found = result.indices.get(output) or {}
        y = result.outputs[output]
        outputs[output] = {
            "min": json_float(round_significant(float(y.min()))),
            "max": json_float(round_significant(float(y.max()))),
            "ranking": result.ranking(output),
            "indices": {path: _index_entry(result.method, idx) for path, idx in found.items()},
        }
    return {
        **header,
        "command": "sensitivity",
        "method": result.method,
        "samples": result.samples,
        "points": int(result.sample.shape[0]),
        "factors": [{"path": f.path, "low": f.low, "high": f.high, "value": f.value}
                    for f in result.factors],
        "outputs": outputs,
    }


def sensitivity_table(result: Sensitivity) -> dict[str, list[Any]]:
    """One CSV row per output and factor, ranked: the indices and their 95% intervals."""
    rows: dict[str, list[Any]] = {"output": [], "rank": [], "factor": []}
    for output in OUTPUTS:
        found = result.indices.get(output) or {}
        for rank, path in enumerate(result.ranking(output), start=1):
            entry = _index_entry(result.method, found[path], rounded=False)
            rows["output"].append(output)
            rows["rank"].append(rank)
            rows["factor"].append(path)
            for key, value in _flatten(entry).items():
                rows.setdefault(key, []).append(value)
    return rows


def _index_entry(method: str, idx: dict[str, float], *, rounded: bool = True
                 ) -> dict[str, Any]:
    """Indices with their 95% intervals, rounded to the digits the interval supports."""
    def interval(name: str) -> dict[str, Any]:
        found = Interval(idx[name], idx[name] - idx[f"{name}_conf"],
                         idx[name] + idx[f"{name}_conf"], 0)
        return (found.rounded() if rounded else found).to_dict(with_n=False)

    def plain(name: str) -> dict[str, Any]:
        return {"value": json_float(round_significant(idx[name], 3) if rounded else idx[name])}

    if method == "sobol":
        return {"S1": interval("S1"), "ST": interval("ST")}
    return {"mu_star": interval("mu_star"), "mu": plain("mu"), "sigma": plain("sigma")}


def _flatten(entry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, parts in entry.items():
        for key, value in parts.items():
            out[name if key == "value" else f"{name}_{key}"] = value
    return out


def _problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": [f.path for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def _cast(factor: Factor, x: float) -> int | float:
    return int(round(x)) if factor.integer else float(x)


def _finite(x: float) -> float:
    return x if np.isfinite(x) else -np.inf
