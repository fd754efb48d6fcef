"""``escsim compare``: scenarios run with one seed, and their paired differences.

Every scenario is run over the same run indices with the same seed, so run ``i`` of each sees
the same random numbers (common random numbers): incidents strike on the same days, the same
reviews fall due, the same draws decide. A difference between scenarios is then estimated from
the per-run differences, whose noise is much smaller than that of two independent ensembles:

- probabilities (outcome classes, ``p_force`` …): Newcombe's paired score interval
  (:func:`~escalation_sim.analysis.stats.paired_proportion_difference`);
- means (peak rung, trade lost, days at coercion …): the normal interval of the mean per-run
  difference (:func:`~escalation_sim.analysis.stats.paired_difference`).

Each difference is the scenario minus the first (the baseline), with a 95% interval and
whether that interval excludes zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from escalation_sim.analysis.stats import (
    Interval,
    difference_interval,
    json_float,
    mean_interval,
    paired_difference,
    paired_proportion_difference,
    wilson,
)
from escalation_sim.engine.ensemble import Point, PointResult, Progress, evaluate
from escalation_sim.engine.executors import Executor
from escalation_sim.model.ladder import LIMITED_FORCE, MILITARY_SIGNALLING
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.schema import Scenario

COMPARE_RUNS = 10_000
"""Runs per scenario when ``--runs`` is not given: enough to resolve differences of about one
percentage point in common outcomes (paired intervals of ±0.2–0.8 points)."""
COERCION_OR_WORSE = OUTCOMES.index("coercive_standoff")

Indicator = Callable[[dict[str, np.ndarray]], np.ndarray]
PROPORTIONS: dict[str, Indicator] = {
    **{name: (lambda r, k=k: r["outcome"] == k) for k, name in enumerate(OUTCOMES)},
    "p_coercion_or_worse": lambda r: r["outcome"] >= COERCION_OR_WORSE,
    "p_military_signalling": lambda r: r["peak_rung"] >= MILITARY_SIGNALLING,
    "p_force": lambda r: r["peak_rung"] >= LIMITED_FORCE,
}
"""Probability measure -> per-run 0/1 indicator (outcome classes first)."""
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
        results: Their ensembles (per-run arrays kept).
        estimates: Per label, measure -> interval of the estimate.
        differences: Per label other than the baseline, measure -> interval of the paired
            difference (scenario minus baseline).
    """

    variants: list[Variant]
    results: list[PointResult]
    estimates: dict[str, dict[str, Interval]] = field(default_factory=dict)
    differences: dict[str, dict[str, Interval]] = field(default_factory=dict)

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


def compare(variants: Sequence[Variant], runs: int, seed: int, *, executor: Executor,
            progress: Progress | None = None) -> Comparison:
    """Run every variant with ``seed`` over runs ``0 .. runs-1`` and compare with the first.

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
    results = evaluate([Point(v.scenario, seed) for v in variants], runs, executor=executor,
                       keep_runs=True, progress=progress)
    comparison = Comparison(list(variants), results)
    base = results[0].runs
    assert base is not None
    for variant, result in zip(variants, results, strict=True):
        assert result.runs is not None
        comparison.estimates[variant.label] = {m: estimate(result.runs, m) for m in MEASURES}
        if variant is not variants[0]:
            comparison.differences[variant.label] = {m: difference(result.runs, base, m)
                                                     for m in MEASURES}
    return comparison


def difference_dict(interval: Interval) -> dict[str, Any]:
    """JSON entry of a difference: rounded value and interval, ``n``, ``excludes_zero``."""
    return {**interval.rounded().to_dict(), "excludes_zero": interval.excludes(0.0)}


def differences_dict(diffs: dict[str, Interval]) -> dict[str, Any]:
    """``{"outcomes": {class: d}, "metrics": {key: d}}`` of ``difference_dict`` entries."""
    return {"outcomes": {m: difference_dict(diffs[m]) for m in OUTCOMES},
            "metrics": {m: difference_dict(d) for m, d in diffs.items() if m not in OUTCOMES}}


def paired_differences(base: dict[str, np.ndarray], runs: dict[str, np.ndarray]
                       ) -> dict[str, Any]:
    """Every measure of ``runs`` minus ``base``, paired run by run, as ``differences_dict``."""
    return differences_dict({m: difference(runs, base, m) for m in MEASURES})


def comparison_dict(comparison: Comparison, summaries: Sequence[dict[str, Any]]
                    ) -> dict[str, Any]:
    """The ``compare --json`` document.

    Keys: ``schema_version``, ``escsim_version``, ``numpy_version``, ``command``, ``runs``,
    ``days``, ``seed``,
    ``baseline`` (label), ``scenarios`` {label: summary of ``escsim run --json``},
    ``estimates`` {label: {measure: {value, ci_low, ci_high, n}}} (the measures compared),
    ``differences`` {label: {vs, outcomes {class: d}, metrics {key: d}}} with each ``d`` =
    ``{value, ci_low, ci_high, n, excludes_zero}`` (the scenario minus the baseline).
    """
    first = summaries[0]
    differences = {label: {"vs": comparison.baseline, **differences_dict(diffs)}
                   for label, diffs in comparison.differences.items()}
    return {
        "schema_version": first["schema_version"],
        "escsim_version": first["escsim_version"],
        "numpy_version": first["numpy_version"],
        "command": "compare",
        "runs": first["runs"],
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
                            "'hotline: levers.crisis_hotline.enabled=true'", source="--variant",
                            value=text)
    return label.strip() or None, items
