"""``escsim compare``: scenarios run with one seed, and their paired differences.

Every scenario is run over the same run indices with the same seed, so run ``i`` of each sees
the same random numbers (common random numbers): incidents strike on the same days, the same
reviews fall due, the same draws decide. A difference between scenarios is then estimated from
the per-run differences, whose noise is much smaller than that of two independent ensembles:

- probabilities (outcome classes, the levels of how a run ends and how bad it got,
  ``p_force`` …): Newcombe's paired score interval
  (:func:`~escalation_sim.analysis.stats.paired_proportion_difference`);
- means (peak rung, trade lost, days at coercion …): the normal interval of the mean per-run
  difference (:func:`~escalation_sim.analysis.stats.paired_difference`).

Each difference is the scenario minus the first (the baseline), with a 95% interval and
whether that interval excludes zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from escalation_sim.analysis.classes import LEVEL_KEYS, LEVELS, level_of, measure_key
from escalation_sim.analysis.documents import Comparison as ComparisonDocument
from escalation_sim.analysis.documents import Summary
from escalation_sim.analysis.stats import (
    Interval,
    difference_interval,
    json_float,
    mean_interval,
    paired_difference,
    paired_proportion_difference,
    paired_proportion_from_counts,
    wilson,
)
from escalation_sim.engine.calendar import ChunkResult
from escalation_sim.engine.ensemble import Point, PointResult, Progress, evaluate
from escalation_sim.engine.executors import Executor
from escalation_sim.model.ladder import LIMITED_FORCE, MILITARY_SIGNALLING
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.errors import ScenarioError, term
from escalation_sim.scenario.schema import Scenario

COERCION_OR_WORSE = OUTCOMES.index("coercive_standoff")

Indicator = Callable[[dict[str, np.ndarray]], np.ndarray]


def _outcome_is(k: int) -> Indicator:
    """Whether each run's outcome class is ``k``."""
    return lambda r: np.asarray(r["outcome"] == k)


def _level_is(column: str, k: int) -> Indicator:
    """Whether each run's level (of its final or peak rung) is ``k``."""
    return lambda r: np.asarray(level_of(r[column]) == k)


def _table(counts: list[int]) -> tuple[int, int, int]:
    """A paired 2×2 table's counts: both, only the first, only the second."""
    both, only_a, only_b = counts
    return both, only_a, only_b


PROPORTIONS: dict[str, Indicator] = {
    **{name: _outcome_is(k) for k, name in enumerate(OUTCOMES)},
    **{measure_key("ends", key): _level_is("final_rung", k) for k, key in enumerate(LEVEL_KEYS)},
    **{measure_key("worst", key): _level_is("peak_rung", k) for k, key in enumerate(LEVEL_KEYS)},
    "p_coercion_or_worse": lambda r: r["outcome"] >= COERCION_OR_WORSE,
    "p_military_signalling": lambda r: r["peak_rung"] >= MILITARY_SIGNALLING,
    "p_force": lambda r: r["peak_rung"] >= LIMITED_FORCE,
}
"""Probability measure -> per-run 0/1 indicator (outcome classes, then the levels of how a run
ends and how bad it got)."""
assert len(LEVELS) == len(LEVEL_KEYS)
MEANS = {
    "peak_rung_mean": "peak_rung",
    "days_reduced_relations_mean": "days_reduced_relations",
    "days_coercion_mean": "days_coercion",
    "days_military_mean": "days_military",
    "trade_loss_mean": "trade_loss",
    "energy_loss_mean": "energy_loss",
}
"""Mean measure -> per-run metric (the key names of the summary's ``metrics``)."""
MEASURES = (*PROPORTIONS, *MEANS)
VARIANT_SPLIT = re.compile(r",\s*(?=[A-Za-z_][\w.\[\]]*\s*=)")
"""Commas that separate ``PATH=VALUE`` items (a comma inside a value is kept)."""


@dataclass(frozen=True)
class Variant:
    """One scenario of a comparison and where it came from.

    Attributes:
        label: Short unique name (file stem, or the variant's name).
        scenario: The validated scenario.
        path: The file it was loaded from.
        sha256: SHA-256 of that file's bytes.
        overrides: ``--set`` items applied to the file.
    """

    label: str
    scenario: Scenario
    path: str | None = None
    sha256: str | None = None
    overrides: tuple[str, ...] = ()


@dataclass
class Comparison:
    """The result of ``compare``: each scenario's ensemble, estimates and paired differences.

    Attributes:
        variants: The scenarios, the first being the baseline.
        results: Their ensembles (aggregates; per-run arrays only with ``keep_runs``).
        estimates: Per label, measure -> interval of the estimate.
        differences: Per label other than the baseline, measure -> interval of the paired
            difference (scenario minus baseline).
    """

    variants: list[Variant]
    results: list[PointResult]
    estimates: dict[str, dict[str, Interval]] = field(default_factory=dict)
    differences: dict[str, dict[str, Interval]] = field(default_factory=dict)
    differing: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per label other than the baseline, measure -> runs whose value differs from the
    baseline's run (0: the two are the same run by run, and the difference is exactly 0)."""

    @property
    def baseline(self) -> str:
        """Label of the first scenario, which the others are compared with."""
        return self.variants[0].label


def unique_labels(names: Sequence[str]) -> list[str]:
    """``names`` made unique by numbering repeats: ``base``, ``base#2``."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def estimate(runs: dict[str, np.ndarray], measure: str) -> Interval:
    """Interval of one measure from a scenario's per-run arrays."""
    if measure in PROPORTIONS:
        hits = PROPORTIONS[measure](runs)
        return wilson(int(hits.sum()), hits.size)
    values = np.asarray(runs[MEANS[measure]], dtype=float)
    std = float(values.std(ddof=1)) if values.size > 1 else float("nan")
    return mean_interval(float(values.mean()), std, values.size)


def difference(runs: dict[str, np.ndarray], base: dict[str, np.ndarray], measure: str, *,
               paired: bool = True) -> Interval:
    """Interval of ``measure(runs) − measure(base)``.

    With ``paired`` (the default) runs are paired by index, as common random numbers allow;
    otherwise the two ensembles are treated as independent (for contrast only).
    """
    if not paired:
        return difference_interval(estimate(runs, measure), estimate(base, measure))
    if measure in PROPORTIONS:
        indicator = PROPORTIONS[measure]
        return paired_proportion_difference(indicator(runs), indicator(base))
    return paired_difference(runs[MEANS[measure]], base[MEANS[measure]])


def differing_runs(runs: dict[str, np.ndarray], base: dict[str, np.ndarray], measure: str
                   ) -> int:
    """How many runs have a different value of ``measure`` than the same run of ``base``."""
    if measure in PROPORTIONS:
        indicator = PROPORTIONS[measure]
        return int((indicator(runs) != indicator(base)).sum())
    return int((np.asarray(runs[MEANS[measure]]) != np.asarray(base[MEANS[measure]])).sum())


def compare(variants: Sequence[Variant], runs: int, seed: int, *, executor: Executor,
            progress: Progress | None = None, keep_runs: bool = False) -> Comparison:
    """Run every variant with ``seed`` over runs ``0 .. runs-1`` and compare with the first.

    The estimates and differences come from counts and moments gathered chunk by chunk, so
    memory does not grow with ``runs``; ``keep_runs`` also keeps each scenario's per-run arrays
    in its result (for the Python API's tables).

    Raises:
        ValueError: Fewer than two variants, or they simulate different numbers of days.
    """
    if len(variants) < 2:
        raise ValueError("compare needs at least two scenarios")
    horizons = {v.scenario.horizon_days for v in variants}
    if len(horizons) > 1:
        shown = ", ".join(f"{v.label} {v.scenario.horizon_days}" for v in variants)
        raise ValueError(f"the scenarios simulate different numbers of days ({shown}); "
                         "pass --days to compare them over one horizon")
    stats = PairedStats(len(variants))
    results = evaluate([Point(v.scenario, seed) for v in variants], runs, executor=executor,
                       progress=progress, on_runs=stats.add, keep_runs=keep_runs)
    comparison = Comparison(list(variants), results)
    for k, variant in enumerate(variants):
        comparison.estimates[variant.label] = stats.estimates(k)
        if k:
            comparison.differences[variant.label] = stats.differences(k)
            comparison.differing[variant.label] = stats.differing(k)
    return comparison


@dataclass
class Moments:
    """Count, mean and sum of squared deviations of values added chunk by chunk.

    Chunks are merged with the pairwise update of Chan, Golub and LeVeque (1979), so the result
    is that of all the values at once, to rounding.
    """

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, values: np.ndarray) -> None:
        """Take in a chunk of values."""
        values = np.asarray(values, dtype=float).ravel()
        k = values.size
        if not k:
            return
        mean = float(values.mean())
        m2 = float(np.square(values - mean).sum())
        n, delta = self.n + k, mean - self.mean
        self.mean += delta * k / n
        self.m2 += m2 + delta * delta * self.n * k / n
        self.n = n

    def interval(self) -> Interval:
        """Normal interval of the mean (as :func:`estimate` gives from all the values)."""
        if not self.n:
            return Interval(math.nan, math.nan, math.nan, 0)
        std = math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else math.nan
        return mean_interval(self.mean, std, self.n)


class PairedStats:
    """Every measure's estimate and paired difference, from chunks of runs as they come.

    ``add`` is an ``evaluate`` runs sink. A chunk waits until every scenario's chunk of the
    same runs has come, then only counts and moments are kept: memory does not grow with runs.
    Besides the intervals it counts, per measure, the runs whose value differs from the same
    run of the first scenario (0: the two agree run by run).
    """

    def __init__(self, points: int) -> None:
        self.points = points
        self._waiting: dict[int, dict[int, dict[str, np.ndarray]]] = {}
        self._hits = [dict.fromkeys(PROPORTIONS, 0) for _ in range(points)]
        self._n = [0] * points
        self._means = [{m: Moments() for m in MEANS} for _ in range(points)]
        self._tables = [{m: [0, 0, 0] for m in PROPORTIONS} for _ in range(points)]
        self._diffs = [{m: Moments() for m in MEANS} for _ in range(points)]
        self._differing = [dict.fromkeys(MEASURES, 0) for _ in range(points)]

    def add(self, point: int, chunk: ChunkResult) -> None:
        """Take in one scenario's chunk of per-run results."""
        slot = self._waiting.setdefault(chunk.first_run, {})
        slot[point] = chunk.runs
        if len(slot) < self.points:
            return
        del self._waiting[chunk.first_run]
        base = slot[0]
        for k in range(self.points):
            runs = slot[k]
            self._n[k] += runs["outcome"].shape[0]
            for m, indicator in PROPORTIONS.items():
                hits = indicator(runs)
                self._hits[k][m] += int(hits.sum())
                if k:
                    ref = indicator(base)
                    table = self._tables[k][m]
                    table[0] += int((hits & ref).sum())
                    table[1] += int((hits & ~ref).sum())
                    table[2] += int((~hits & ref).sum())
                    self._differing[k][m] += int((hits != ref).sum())
            for m, metric in MEANS.items():
                self._means[k][m].add(runs[metric])
                if k:
                    self._diffs[k][m].add(np.asarray(runs[metric], dtype=float)
                                          - np.asarray(base[metric], dtype=float))
                    self._differing[k][m] += int(
                        (np.asarray(runs[metric]) != np.asarray(base[metric])).sum())

    def estimates(self, point: int) -> dict[str, Interval]:
        """Measure -> interval of the estimate, for scenario ``point`` (as :func:`estimate`)."""
        out = {m: wilson(self._hits[point][m], self._n[point]) for m in PROPORTIONS}
        out.update({m: self._means[point][m].interval() for m in MEANS})
        return out

    def differences(self, point: int) -> dict[str, Interval]:
        """Measure -> paired difference of scenario ``point`` minus the first scenario."""
        out = {m: paired_proportion_from_counts(*_table(self._tables[point][m]), self._n[point])
               for m in PROPORTIONS}
        out.update({m: self._diffs[point][m].interval() for m in MEANS})
        return out

    def differing(self, point: int) -> dict[str, int]:
        """Measure -> runs of scenario ``point`` whose value differs from the first's run."""
        return dict(self._differing[point])


def difference_dict(interval: Interval, differing: int | None = None) -> dict[str, Any]:
    """JSON entry of a difference: rounded value and interval, ``n``, ``excludes_zero``.

    With ``differing`` (runs whose value differs from the baseline's), also
    ``differing_runs``; where it is 0 the two scenarios agree run by run.
    """
    entry = {**interval.rounded().to_dict(), "excludes_zero": interval.excludes(0.0)}
    if differing is not None:
        entry["differing_runs"] = int(differing)
    return entry


def differences_dict(diffs: dict[str, Interval],
                     differing: dict[str, int] | None = None) -> dict[str, Any]:
    """``{"outcomes": {class: d}, "ends": {level: d}, "worst": {level: d}, "metrics": {key: d}}``.

    Each ``d`` is a :func:`difference_dict` entry; ``ends`` and ``worst`` hold the levels of
    how a run ends and how bad it got (added beside ``outcomes``, which keeps its classes).
    """
    counts = differing or {}
    levels = {measure_key(q, key) for q in ("ends", "worst") for key in LEVEL_KEYS}
    out: dict[str, Any] = {"outcomes": {m: difference_dict(diffs[m], counts.get(m))
                                        for m in OUTCOMES}}
    for question in ("ends", "worst"):
        keys = [(key, measure_key(question, key)) for key in LEVEL_KEYS]
        if all(m in diffs for _, m in keys):
            out[question] = {key: difference_dict(diffs[m], counts.get(m)) for key, m in keys}
    out["metrics"] = {m: difference_dict(d, counts.get(m)) for m, d in diffs.items()
                      if m not in OUTCOMES and m not in levels}
    return out


def paired_differences(base: dict[str, np.ndarray], runs: dict[str, np.ndarray]
                       ) -> dict[str, Any]:
    """Every measure of ``runs`` minus ``base``, paired run by run, as ``differences_dict``."""
    return differences_dict({m: difference(runs, base, m) for m in MEASURES},
                            {m: differing_runs(runs, base, m) for m in MEASURES})


def comparison_dict(comparison: Comparison, summaries: Sequence[Summary],
                    runs_from: str | None = None) -> ComparisonDocument:
    """The ``compare --json`` document.

    Keys: ``schema_version``, ``escsim_version``, ``numpy_version``, ``command``, ``runs``,
    ``runs_from`` (``"--runs"`` or ``"default"``), ``days``, ``seed``,
    ``baseline`` (label), ``scenarios`` {label: summary of ``escsim run --json``},
    ``estimates`` {label: {measure: {value, ci_low, ci_high, n}}} (the measures compared),
    ``differences`` {label: {vs, outcomes {class: d}, ends {level: d}, worst {level: d},
    metrics {key: d}}} with each ``d`` =
    ``{value, ci_low, ci_high, n, excludes_zero, differing_runs}`` (the scenario minus the
    baseline; ``differing_runs`` 0 where the two agree in every run).
    """
    first = summaries[0]
    differences = {label: {"vs": comparison.baseline,
                           **differences_dict(diffs, comparison.differing.get(label))}
                   for label, diffs in comparison.differences.items()}
    return {
        "schema_version": first["schema_version"],
        "escsim_version": first["escsim_version"],
        "numpy_version": first["numpy_version"],
        "command": "compare",
        "runs": first["runs"],
        "runs_from": runs_from or "default",
        "days": first["days"],
        "seed": first["seed"],
        "baseline": comparison.baseline,
        "scenarios": {v.label: s for v, s in zip(comparison.variants, summaries, strict=True)},
        "estimates": {label: {m: found.rounded().to_dict() for m, found in estimates.items()}
                      for label, estimates in comparison.estimates.items()},
        "differences": differences,
    }


def comparison_table(comparison: Comparison) -> dict[str, list[Any]]:
    """The CSV table: one row per measure, unrounded.

    Columns: each scenario's estimate and interval, then each paired difference from the
    baseline with its interval.
    """
    table: dict[str, list[Any]] = {"measure": list(MEASURES)}

    def add(prefix: str, found: dict[str, Interval]) -> None:
        for suffix, attr in (("", "estimate"), ("_ci_low", "low"), ("_ci_high", "high")):
            table[f"{prefix}{suffix}"] = [json_float(getattr(found[m], attr)) for m in MEASURES]

    for label, found in comparison.estimates.items():
        add(label, found)
    for label, found in comparison.differences.items():
        add(f"diff_{label}", found)
    return table


def parse_variant(text: str) -> tuple[str | None, list[str]]:
    """Read ``--variant 'NAME: PATH=VALUE[, PATH=VALUE…]'`` (``NAME:`` optional).

    Returns:
        The name (``None`` when not given) and the ``PATH=VALUE`` items.

    Raises:
        ScenarioError: No ``PATH=VALUE`` item, or an item without ``=``.
    """
    label, sep, body = text.partition(":")
    if not sep or "=" in label:
        label, body = "", text
    items = [i.strip() for i in VARIANT_SPLIT.split(body) if i.strip()]
    if not items or any("=" not in i for i in items):
        raise ScenarioError("expected 'NAME: PATH=VALUE[, PATH=VALUE…]', e.g. "
                            "'hotline: levers.crisis_hotline.enabled=true'",
                            source=term("--variant"), value=text)
    return label.strip() or None, items
