"""``escsim explore``: sample uncertain parameters, run an ensemble per sample, tabulate.

In EMA Workbench's words: the *uncertainties* are scenario parameters, each given a range
(``--param PATH=LO:HI``) or, with no ``--param``, the parameters an analyst can act on or
observe (:func:`default_uncertainties`): the scenario's own distributions outside the model's
weights, the drivers and the actors' traits over the ranges ``sensitivity`` uses, and the
strength of each lever in use. The model's weights (``model.*``) are sampled only when asked
(``--weights``); otherwise an uncertain weight is drawn run by run, as ``escsim run`` does.

A Latin hypercube (``scipy.stats.qmc``) draws ``N`` *experiments* across them: each parameter's
range (or its distribution's quantiles) is cut into ``N`` equally likely strata and every
stratum gets exactly one sample, so even a small ``N`` spans each parameter evenly. Each sample
is the scenario with those values set, run as an ensemble of ``R`` runs — all samples with one
seed over the same run indices, so they share their random numbers run by run (common random
numbers) and differences between samples come from the parameters, not from noise. The
*experiments table* has one row per sample: the sampled values, then each outcome measure with
its 95% interval.

Uncertain parameters of the scenario that are not sampled stay uncertain: each run of a sample
draws them as ``escsim run`` does.

The sample is seeded from the scenario's seed (``--seed``) on a stream of its own, so one seed
gives the same samples and the same table, whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.defaults import MAX_EXPLORE_SAMPLES
from escalation_sim.analysis.discovery import Condition, Discovery, discover, discovery_dict
from escalation_sim.analysis.documents import DocumentHeader, ExploreDocument
from escalation_sim.analysis.points import MEASURES, evaluate_measures
from escalation_sim.analysis.sensitivity import default_factors, parse_factor
from escalation_sim.analysis.stats import Interval, json_float
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario import priors
from escalation_sim.scenario.edit import with_values
from escalation_sim.scenario.errors import ScenarioError, term
from escalation_sim.scenario.schema import Scenario

SAMPLE_STREAM = 0x4C4853
"""Second entropy word of the Latin hypercube's generator (``"LHS"``), so that its draws are
apart from the engine's streams of the same seed."""
SHOWN = ("p_coercion_or_worse", "p_force", "peak_rung_mean", "trade_loss_mean")
"""Measures summarised across samples on the terminal (every measure is in the table)."""
QUANTILES = {"min": 0.0, "p10": 0.1, "median": 0.5, "p90": 0.9, "max": 1.0}
"""How the spread of a measure across samples is described."""


@dataclass(frozen=True)
class Uncertainty:
    """A parameter sampled by ``explore``.

    Attributes:
        path: Dotted path, e.g. ``actors.baku.nationalism``.
        low: Lowest value it may take (``LO``, or the distribution's lowest; ``None`` if
            unbounded).
        high: Highest value (``HI``, or the distribution's highest; ``None`` if unbounded).
        integer: Whether it takes whole numbers only (sampled values are rounded).
        prior: The scenario's distribution, when sampled from it rather than from a range.
    """

    path: str
    low: float | None
    high: float | None
    integer: bool = False
    prior: priors.Distribution | None = None

    def values(self, u: np.ndarray) -> np.ndarray:
        """The values at unit-interval positions ``u``: scaled to the range, or quantiles."""
        if self.prior is not None:
            return np.asarray(self.prior.ppf(u), dtype=float)
        assert self.low is not None and self.high is not None
        x = self.low + u * (self.high - self.low)
        return np.round(x) if self.integer else x

    def cast(self, x: float) -> int | float:
        """``x`` as the parameter's type."""
        return int(round(x)) if self.integer else float(x)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready ``{path, low, high, integer, distribution[, words]}``.

        ``distribution`` is the prior as written (``normal [1.01, 0.4812]``), ``words`` the same
        in words (``normal, mean 1.01, sd 0.48``); ``None`` and absent for a ``--param`` range.
        """
        return {"path": self.path, "low": json_float(self.low) if self.low is not None else None,
                "high": json_float(self.high) if self.high is not None else None,
                "integer": self.integer,
                "distribution": self.prior.describe() if self.prior is not None else None,
                **({"words": self.prior.words()} if self.prior is not None else {})}


def parse_param(item: str, scenario: Scenario) -> list[Uncertainty]:
    """Read ``PATH=LO:HI`` (``*`` in PATH for every key there), as ``sensitivity --param``.

    Raises:
        ScenarioError: Malformed item, unknown or non-numeric path, ``LO >= HI``, or a bound
            the parameter does not allow (one line naming the option, path and value).
    """
    return [Uncertainty(f.path, float(f.low), float(f.high), f.integer)
            for f in parse_factor(item, scenario)]


PRIOR_TAIL = 0.001
"""Quantile that bounds a distribution's shown range on each side (``prior_uncertainties``)."""


def prior_uncertainties(scenario: Scenario) -> list[Uncertainty]:
    """The scenario's own distributions as uncertainties (empty when it has none).

    ``low`` and ``high`` are a uniform's or triangular's ends, and a normal's or beta's 0.1% and
    99.9% quantiles: where the samples lie (their support can be the parameter's whole range),
    and what the limits' digits are set by.
    """
    found = []
    for path, dist in priors.priors_of(scenario).items():
        tail = 0.0 if dist.kind in ("uniform", "triangular") else PRIOR_TAIL
        ends = np.asarray(dist.ppf(np.array([tail, 1.0 - tail])), dtype=float)
        low, high = (float(v) if np.isfinite(v) else None for v in ends)
        found.append(Uncertainty(path, low, high, prior=dist))
    return found


WEIGHTS = "model."
"""Paths of the model's weights: sampled by default only with ``--weights``."""


def default_uncertainties(scenario: Scenario, *, weights: bool = False) -> list[Uncertainty]:
    """What ``explore`` samples without ``--param``: what an analyst can act on or observe.

    In order: the scenario's own distributions outside ``model.*``; the drivers and actors'
    traits of ``sensitivity``'s defaults (the issues' heat and the actors' nationalism over
    0–1, their reciprocity, rationality and dependence from half to 1.5 times their value);
    each lever in use's strength over 0–1. Ranges stay inside what the scenario's events allow.
    With ``weights``, the model's own distributions (``model.*``) come first.
    """
    found = [u for u in prior_uncertainties(scenario)
             if weights or not u.path.startswith(WEIGHTS)]
    taken = {u.path for u in found}
    factors = list(default_factors(scenario))
    for name in type(scenario.levers).model_fields:
        if getattr(scenario.levers, name).enabled:
            try:
                factors += parse_factor(f"levers.{name}.strength=0:1", scenario)
            except ScenarioError:
                continue
    for f in factors:
        if f.path not in taken:
            found.append(Uncertainty(f.path, float(f.low), float(f.high), f.integer))
            taken.add(f.path)
    return found


def check_uncertainties(found: Sequence[Uncertainty]) -> None:
    """Refuse no parameter at all, or one given twice.

    Raises:
        ValueError: One line saying what to give.
    """
    if not found:
        raise ValueError("nothing to explore: give --param PATH=LO:HI (e.g. --param "
                         "actors.baku.nationalism=0.3:0.9), or write distributions into the "
                         "scenario (e.g. nationalism: {uniform: [0.5, 0.7]})")
    paths = [u.path for u in found]
    for path in paths:
        if paths.count(path) > 1:
            raise ValueError(f"{term('--param')} {path} is given twice")


def latin_hypercube(dimensions: int, samples: int, seed: int) -> np.ndarray:
    """``samples`` points in the unit cube, one in each of ``samples`` strata per dimension.

    Shape ``(samples, dimensions)``, values strictly inside (0, 1); the same for one seed.
    """
    from scipy.stats import qmc

    rng = np.random.default_rng([int(seed), SAMPLE_STREAM])
    try:
        sampler = qmc.LatinHypercube(d=dimensions, rng=rng)
    except TypeError:  # scipy < 1.15 names it seed
        sampler = qmc.LatinHypercube(d=dimensions, seed=rng)
    unit = np.asarray(sampler.random(samples), dtype=float)
    tiny = float(np.finfo(float).eps)
    clipped: np.ndarray = np.clip(unit, tiny, 1.0 - tiny)
    return clipped


def design(uncertainties: Sequence[Uncertainty], samples: int, seed: int) -> np.ndarray:
    """The sampled values, shape ``(samples, parameters)`` (whole numbers rounded)."""
    unit = latin_hypercube(len(uncertainties), samples, seed)
    return np.column_stack([u.values(unit[:, k]) for k, u in enumerate(uncertainties)])


def sample_scenarios(scenario: Scenario, uncertainties: Sequence[Uncertainty],
                     values: np.ndarray) -> list[Scenario]:
    """The scenario with each sample's values set (distributions fixed to the sampled value).

    Raises:
        ScenarioError: A sampled value the scenario does not allow (e.g. with a scheduled
            event); the message names the sample.
    """
    found = []
    for k, row in enumerate(values):
        chosen = {u.path: u.cast(float(x)) for u, x in zip(uncertainties, row, strict=True)}
        found.append(with_values(scenario, chosen, f"explore sample {k}"))
    return found


@dataclass
class Exploration:
    """The samples, their measures and, if asked, the boxes found.

    Attributes:
        uncertainties: What was sampled.
        values: The sampled values, shape ``(samples, parameters)``.
        measures: Each sample's measures with their intervals.
        runs: Runs per sample.
        drawn: Uncertain parameters of the scenario left to be drawn run by run.
        discovery: The boxes of ``--discover``, or ``None``.
    """

    uncertainties: list[Uncertainty]
    values: np.ndarray
    measures: list[dict[str, Interval]]
    runs: int
    drawn: list[str]
    discovery: Discovery | None = None

    def estimates(self, measure: str) -> np.ndarray:
        """One measure's estimate in every sample."""
        return np.array([m[measure].estimate for m in self.measures], dtype=float)


def check_samples(samples: int) -> None:
    """Refuse fewer than 2 samples or more than ``MAX_EXPLORE_SAMPLES``, before any work.

    Raises:
        ValueError: One line saying what is allowed.
    """
    if not 2 <= samples <= MAX_EXPLORE_SAMPLES:
        raise ValueError(f"{term('--samples')} {samples}: give 2 to {MAX_EXPLORE_SAMPLES:,}")


def run_explore(scenario: Scenario, uncertainties: Sequence[Uncertainty], *, samples: int,
                runs: int, seed: int, executor: Executor, progress: Progress | None = None,
                condition: Condition | None = None) -> Exploration:
    """Sample, run every sample with ``seed``, and (with ``condition``) find the boxes.

    Raises:
        ValueError: As :func:`check_uncertainties`, or fewer than two samples or more than
            ``MAX_EXPLORE_SAMPLES``.
        ScenarioError: A sampled value the scenario does not allow.
    """
    check_uncertainties(uncertainties)
    check_samples(samples)
    values = design(uncertainties, samples, seed)
    points = sample_scenarios(scenario, uncertainties, values)
    measures = evaluate_measures(points, runs, seed, executor=executor, progress=progress)
    sampled = {u.path for u in uncertainties}
    drawn = [p for p in priors.priors_of(scenario) if p not in sampled]
    result = Exploration(list(uncertainties), values, measures, runs, drawn)
    if condition is not None:
        result.discovery = discover(values, [u.path for u in uncertainties],
                                    condition.holds(result.estimates(condition.measure)),
                                    condition)
    return result


def experiments_table(result: Exploration) -> dict[str, list[Any]]:
    """The experiments table: a row per sample, its values, then each measure and interval.

    Columns: ``sample``, each parameter's path, then for every measure ``M``: ``M``,
    ``M_ci_low``, ``M_ci_high`` (unrounded), and ``runs``.
    """
    table: dict[str, list[Any]] = {"sample": list(range(result.values.shape[0]))}
    for k, u in enumerate(result.uncertainties):
        table[u.path] = [u.cast(float(x)) for x in result.values[:, k]]
    for m in MEASURES:
        for suffix, attr in (("", "estimate"), ("_ci_low", "low"), ("_ci_high", "high")):
            table[f"{m}{suffix}"] = [json_float(getattr(found[m], attr))
                                     for found in result.measures]
    table["runs"] = [result.runs] * result.values.shape[0]
    return table


def spread(result: Exploration, measures: Sequence[str] = SHOWN) -> dict[str, dict[str, Any]]:
    """Each measure's estimates across samples: min, 10th percentile, median, 90th, max."""
    found: dict[str, dict[str, Any]] = {}
    for m in measures:
        y = result.estimates(m)
        y = y[np.isfinite(y)]
        found[m] = {name: (json_float(float(np.quantile(y, q))) if y.size else None)
                    for name, q in QUANTILES.items()}
    return found


SAMPLED = {"given": "the parameters given with --param",
           "actionable": "what an analyst can act on or observe: the drivers, the actors' "
                         "traits and the levers in use (--weights adds the model's weights)",
           "actionable and weights": "the drivers, the actors' traits, the levers in use and "
                                     "the model's uncertain weights (--weights)"}
"""What ``explore`` sampled -> in words."""


def explore_dict(result: Exploration, header: DocumentHeader,
                 sampled: str = "given") -> ExploreDocument:
    """The ``explore --json`` document (stable keys; docs/analysis.md).

    Keys: the header (scenario, runs per sample, days, seed…), ``command``, ``samples``,
    ``design``, ``sampled`` (a key of :data:`SAMPLED`: ``given`` with ``--param``,
    ``actionable`` by default, ``actionable and weights`` with ``--weights``), ``parameters``,
    ``drawn_per_run``, ``measures``, ``spread``, ``experiments``
    (per sample: ``sample``, ``parameters`` and each measure ``{value, ci_low, ci_high, n}``,
    rounded to the digits its interval supports) and ``discovery`` (``None`` without
    ``--discover``).
    """
    shown = list(SHOWN)
    if result.discovery is not None and result.discovery.condition.measure not in shown:
        shown.append(result.discovery.condition.measure)
    rows = []
    for k, found in enumerate(result.measures):
        rows.append({
            "sample": k,
            "parameters": {u.path: u.cast(float(result.values[k, j]))
                           for j, u in enumerate(result.uncertainties)},
            "measures": {m: found[m].rounded().to_dict() for m in MEASURES},
        })
    return {
        **header,
        "command": "explore",
        "samples": int(result.values.shape[0]),
        "design": "latin_hypercube",
        "sampled": sampled,
        "parameters": [u.to_dict() for u in result.uncertainties],
        "drawn_per_run": list(result.drawn),
        "measures": list(MEASURES),
        "spread": spread(result, shown),
        "experiments": rows,
        "discovery": discovery_dict(result.discovery) if result.discovery is not None
        else None,
    }

