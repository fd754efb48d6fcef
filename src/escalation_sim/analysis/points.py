"""Scenario points for ``sweep`` and ``sensitivity``: parameters set by path, measures per point.

A *point* is the scenario with some parameters set to given values; every point of an analysis
is run with the same seed over the same run indices, so points share their random numbers run
by run (common random numbers) and differences between points come from the parameters, not
from noise. Points are evaluated in batches of ``POINT_BATCH`` through
:func:`escalation_sim.engine.ensemble.evaluate`, and each ensemble is reduced at once to its
*measures* (an interval per measure), so memory does not grow with the number of points.

Measures (``--metric``): every key of the summary's ``metrics`` (``p_force``,
``peak_rung_mean``, ``trade_loss_mean`` …), the probability of each outcome class
(``normalization`` … ``war``), the probability of each level of how a run ends and how bad it
got (``ends_calm`` … ``ends_war``, ``worst_calm`` … ``worst_war``;
:mod:`escalation_sim.analysis.classes`), and ``p_coercion_or_worse`` — the chance that a run
ends in a coercive standoff or comes to force (outcome class coercive standoff, armed clashes
or war).

How each measure is called and in which unit it is shown (:func:`measure_label`,
:func:`short_label`, :func:`unit`) is decided here, for every command and the figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from escalation_sim.analysis.classes import (
    COERCION_OR_WORSE,
    LEVEL_KEYS,
    LEVEL_MEASURES,
    OUTCOME_WORDS,
    measure_key,
    split_measure,
)
from escalation_sim.analysis.documents import DocumentHeader
from escalation_sim.analysis.stats import Interval, wilson
from escalation_sim.analysis.summary import (
    METRICS,
    SCHEMA_VERSION,
    ends_counts,
    metric_intervals,
    numpy_version,
    scenario_digest,
    worst_counts,
)
from escalation_sim.engine.aggregate import Aggregate
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.errors import ScenarioError, did_you_mean, term
from escalation_sim.scenario.paths import parse_path, walk
from escalation_sim.scenario.schema import Scenario
from escalation_sim.versions import escsim_version

if TYPE_CHECKING:  # types only: the ensemble imports the compiled kernel (numba)
    from escalation_sim.engine.ensemble import Progress
    from escalation_sim.engine.executors import Executor

POINT_BATCH = 32
"""Points per worker handed to ``evaluate`` at once: a task of 32 points of 256 runs has 8,192
rows (``ensemble.MIN_TASK_ROWS``), and their aggregates (without the daily histograms, see
``evaluate(final_day_only=True)``) are small."""
OUTCOME_GROUPS = {"p_coercion_or_worse": ("coercive_standoff", "armed_clashes", "war")}
"""Measures that add up outcome classes."""
MEASURES = (*OUTCOME_GROUPS, *OUTCOMES, *LEVEL_MEASURES, *METRICS)
"""Every measure a point has, in the order they are listed."""
MEASURE_LABELS = {
    "p_coercion_or_worse": COERCION_OR_WORSE[0],
    "p_force": "P(force)",
    "p_war": "P(war)",
    "p_legal_coercion": "P(legal coercion or more)",
    "p_economic_coercion": "P(economic coercion or more)",
    "p_military_signalling": "P(military signalling or more)",
    "p_mediation": "P(a mediator engages)",
    "peak_rung_mean": "mean peak rung",
    "final_rung_mean": "mean final rung",
    "trade_loss_mean": "trade lost (mean % of pre-crisis flow)",
    "energy_loss_mean": "energy lost (mean % of pre-crisis flow)",
    "energy_loss_incidents_mean": "energy lost to incidents on assets (mean %)",
    "p_energy_interrupted": "P(energy flow interrupted: below 90%)",
    "settlements_mean": "leader-level settlements (a run)",
    "days_reduced_relations_mean": "days with relations reduced",
    "days_coercion_mean": "days at legal coercion or more",
    "days_military_mean": "days at military signalling or more",
    "mediation_days_mean": "days of mediation",
    "first_legal_day_mean": "first day of legal coercion (runs with it)",
    "first_force_day_mean": "first day of force (runs with it)",
}
"""Display names of the measures that are not outcome classes or levels."""


def measure_label(key: str) -> str:
    """What a measure is called in tables and figures."""
    if key in OUTCOME_WORDS:
        return f"P({OUTCOME_WORDS[key].name})"
    found = split_measure(key)
    if found is not None:
        return f"P({found[0].label(found[1])})"
    return MEASURE_LABELS.get(key, key)


SHORT_LABELS = {
    "p_coercion_or_worse": "P(standoff or worse)",
    "p_military_signalling": "P(military signalling+)",
    "peak_rung_mean": "peak rung",
    "final_rung_mean": "final rung",
    "days_reduced_relations_mean": "days relations reduced",
    "days_coercion_mean": "days at coercion+",
    "days_military_mean": "days at mil. signalling+",
    "trade_loss_mean": "trade lost",
    "energy_loss_mean": "energy lost",
    "p_energy_interrupted": "P(energy interrupted)",
    "settlements_mean": "settlements",
}
"""Names short enough for table columns."""


def short_label(key: str) -> str:
    """What a measure is called where room is short."""
    found = split_measure(key)
    if found is not None:
        return found[0].label(found[1])
    return SHORT_LABELS.get(key) or measure_label(key)


SHARES = ("trade_loss_mean", "energy_loss_mean", "energy_loss_incidents_mean")
"""Mean measures that are fractions of a flow (shown as percentages, like probabilities)."""
DAY_MEASURES = ("days_reduced_relations_mean", "days_coercion_mean", "days_military_mean",
                "mediation_days_mean", "first_legal_day_mean", "first_force_day_mean")
"""Mean measures counted in days."""


def is_probability(key: str) -> bool:
    """Whether a measure is a probability (shown as a percentage)."""
    return (key in OUTCOMES or key in OUTCOME_GROUPS or key in LEVEL_MEASURES
            or key.startswith("p_"))


def as_percent(key: str) -> bool:
    """Whether a measure is shown as a percentage: probabilities and shares of a flow."""
    return is_probability(key) or key in SHARES


def unit(key: str) -> str:
    """The unit a measure is shown in: ``%`` (probabilities, shares), ``days``, ``rung``."""
    if as_percent(key):
        return "%"
    if key in DAY_MEASURES:
        return "days"
    return "rung" if "rung" in key else ""


def check_measure(key: str) -> str:
    """Return ``key`` if it names a measure, else raise ``ValueError`` with a hint."""
    if key not in MEASURES:
        raise ValueError(f"{term('--metric')} {key!r} is not a measure; "
                         f"{did_you_mean(key, MEASURES, what='measures')}")
    return key


def point_measures(agg: Aggregate) -> dict[str, Interval]:
    """Every measure of one ensemble with its (unrounded) interval."""
    found: dict[str, Interval] = {}
    for key, group in OUTCOME_GROUPS.items():
        found[key] = wilson(int(sum(agg.outcomes[OUTCOMES.index(c)] for c in group)), agg.runs)
    for k, name in enumerate(OUTCOMES):
        found[name] = wilson(int(agg.outcomes[k]), agg.runs)
    for question, counts in (("ends", ends_counts(agg)), ("worst", worst_counts(agg))):
        for level, k in zip(LEVEL_KEYS, counts, strict=True):
            found[measure_key(question, level)] = wilson(k, agg.runs)
    found.update(metric_intervals(agg))
    return found


def evaluate_measures(scenarios: Sequence[Scenario], runs: int, seed: int, *,
                      executor: Executor, progress: Progress | None = None,
                      batch: int = POINT_BATCH) -> list[dict[str, Interval]]:
    """The measures of each scenario, all run with one seed (common random numbers).

    ``batch`` points per worker go to ``evaluate`` at once; each worker merges its runs into
    aggregates and sends only what the measures need.
    """
    # Here, not at the top: the ensemble imports the compiled kernel (numba), and the measures'
    # names and labels above serve commands that simulate nothing (``escsim explain``).
    from escalation_sim.engine.ensemble import Point, evaluate, per_call

    measures: list[dict[str, Interval]] = []
    for some in per_call(scenarios, batch, executor):
        points = [Point(s, seed) for s in some]
        for result in evaluate(points, runs, executor=executor, progress=progress,
                               final_day_only=True):
            measures.append(point_measures(result.aggregate))
    return measures


@dataclass(frozen=True)
class Parameter:
    """A scenario parameter an analysis varies.

    Attributes:
        path: Dotted path, e.g. ``actors.baku.nationalism``.
        value: Its value in the scenario.
        integer: Whether it takes whole numbers only (varied values are rounded).
        bounds: Closed range allowed by the schema; ``None`` where unbounded.
    """

    path: str
    value: Any
    integer: bool
    bounds: tuple[float | None, float | None]

    def clip(self, x: float) -> float:
        """``x`` moved inside the schema's range."""
        lo, hi = self.bounds
        if lo is not None:
            x = max(lo, x)
        if hi is not None:
            x = min(hi, x)
        return x

    def cast(self, x: float) -> int | float:
        """``x`` as the parameter's type (whole numbers rounded)."""
        return int(round(x)) if self.integer else float(x)


RUN_SETTINGS = {"runs": "--runs", "seed": "--seed"}
"""Scenario keys that say how an analysis runs, the same at every point: not parameters to
vary (a point with other runs or another seed would report values it did not run)."""


def parameter(scenario: Scenario, path: str, source: str, *, numeric: bool = True) -> Parameter:
    """Look up a parameter of the scenario by path.

    Raises:
        ScenarioError: The path does not exist (with a did-you-mean hint), names how the
            analysis runs (``runs``, ``seed``), or, with ``numeric``, is not a number.
    """
    if path.strip() in RUN_SETTINGS:
        raise ScenarioError("sets how every point is run, not a parameter to vary; give "
                            f"{RUN_SETTINGS[path.strip()]} instead", source=source,
                            path=path.strip())
    try:
        node, value = walk(scenario, parse_path(path))[-1]
    except ScenarioError as exc:
        raise exc.located(source) from None
    if numeric and not node.numeric:
        raise ScenarioError(f"is {node.type_text()}, not a number; give a list of values "
                            "instead", source=source, path=path)
    return Parameter(path, value, node.base is int, node.bounds)


def expand_path(scenario: Scenario, path: str) -> list[str]:
    """Paths with each ``*`` segment replaced by every key found there (``actors.*.x``)."""
    if "*" not in path.split("."):
        return [path]
    done: list[str] = []
    head, _, tail = path.partition("*")
    container = walk(scenario, parse_path(head.rstrip("."))) if head.strip(".") else []
    keys = container[-1][1] if container else {}
    if not isinstance(keys, Mapping):
        raise ScenarioError("'*' stands for the keys of a section such as actors or issues",
                            path=path)
    for key in keys:
        done += expand_path(scenario, f"{head}{key}{tail}")
    return done


def document_header(scenario: Scenario, path: str | None, sha256: str | None,
                    overrides: Sequence[str], runs: int, seed: int,
                    runs_from: str | None = None) -> DocumentHeader:
    """The keys that open the JSON of ``sweep`` and ``sensitivity``, as in the run summary.

    ``runs_from`` is ``"--runs"`` when the user chose the runs, else ``"default"`` (the
    command's default, :data:`escalation_sim.analysis.defaults.RUNS_WHY`).
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "escsim_version": escsim_version(),
        "numpy_version": numpy_version(),
        "scenario": {"name": scenario.name, "path": path, "sha256": sha256,
                     "resolved_sha256": scenario_digest(scenario), "overrides": list(overrides)},
        "runs": int(runs),
        "runs_from": runs_from or "default",
        "days": int(scenario.horizon_days),
        "seed": int(seed),
        "start_date": scenario.start_date.isoformat() if scenario.start_date else None,
    }
