"""The summary of one ensemble: the JSON contract that every renderer reads (docs/model.md §11).

``summarize`` turns a :class:`~escalation_sim.engine.ensemble.PointResult` into plain data —
dicts, lists, numbers, strings and ``None``, never NaN — that ``escsim run --json`` prints and
the terminal, file and HTML renderers draw. Renderers compute no statistics; everything they
show is here. Keys (``schema_version`` 2)::

    schema_version, escsim_version, numpy_version,
    scenario   {name, path, sha256, resolved_sha256, overrides[]},
    runs, days, seed, start_date,
    outcomes   {<class>: {p, ci_low, ci_high}}                      (Wilson; the five p sum to 1)
    ends       {<level>: {p, ci_low, ci_high}}   how it ends: the level of the higher side's
                           rung on the last day (calm, cold_tension, coercive_standoff,
                           armed_clashes, war; the five p sum to 1)
    worst      {<level>: {p, ci_low, ci_high}}   how bad it got: the level of the highest rung
                           either side stood on (the same levels)
    metrics    {<metric>: {value, ci_low, ci_high, n}}              (see METRICS)
    actors     {<id>: {name, peak_rung_mean, final_rung_mean, goldstein_mean,
                       escalation_score_mean, days_coercion_mean, final_nationalism_mean,
                       p_force, peak_distribution[10], measures_imposed_mean,
                       measures_lifted_mean, days_measures_mean, p_measures_while_talking,
                       p_measures_at_end}}
    impacts    {military|economic|diplomatic: {<metric>: {value, ci_low, ci_high, n}}}
    incidents  {<key>: {label, mean_count, p_any}}
    incident_force {p, ci_low, ci_high, rung, kinds[]}  runs struck by an incident of the dyad
                           at a force rung (``rung`` or more; ``kinds``: those incidents), apart
                           from the chosen rungs that outcomes and ``p_force`` count
    incident_external {p, ci_low, ci_high, kinds[]}  runs struck by an external incident
                           (fallout of acts aimed elsewhere), reported apart from the dyad's
    levers     {<lever>: {strength, start_day[, start_date], ramp_days[, period_days]}}
                           (enabled levers only; ``start_date`` where the file gave a date)
    held_at_bound [text]   scheduled ``add``s held at a range bound ("day 38: corridors heat
                           held at 1.0")
    uncertainty {parameters {<path>: {distribution, args[], median, text, words}},
                 intervals_include[], note, out_of_sample}
                           the parameters written as distributions, each drawn once per run
                           (docs/analysis.md): ``text`` as written (``normal [1.01,
                           0.4812]``), ``words`` in words (``normal, mean 1.01, sd 0.48,
                           median 1.02``); ``intervals_include`` is ``["chance"]``, or
                           ``["chance", "parameters"]`` when some are uncertain; ``note`` says
                           so in a sentence; ``out_of_sample`` is one line on the model's
                           leave-one-out scores on past crises (or null)
    timeline   {day[], date[] (when start_date is set),
                <actor id>: {p05[], p10[], p25[], p50[], p75[], p90[], p95[]},   (rungs)
                trade: {p05[] … p95[]}, energy: {p05[] … p95[]}}    (fraction of pre-crisis)
    assimilation {record, months[], runs, ess[], ess_end, resamplings, log_evidence,
                 simulated_days, parameters {<path>: {before_mean, before_sd, after_mean,
                 after_sd}}, moved[], filtered {p_force, ends_most_likely},
                 unfiltered {p_force, ends, ends_most_likely}}
                           only for a scenario with a ``record``: the runs were filtered
                           through it before the forecast (docs/analysis.md, Nowcasting);
                           ``unfiltered`` is the same forecast from the hand-set start
    timing     {elapsed_s, runs_per_s, workers}     only with ``timing=True`` (opt-in)

The levels and the two questions are defined in :mod:`escalation_sim.analysis.classes`; an
outcome class combines them (force at any time by how bad it got, otherwise how it ends).
``ends`` and ``worst`` were added within ``schema_version`` 1: ``outcomes`` keeps its keys and
meaning.

``numpy_version`` (added within ``schema_version`` 1) is recorded because one seed gives one
answer within a numpy version: numpy does not promise its random streams across versions.
``schema_version`` 2 differs from 1 only in ``timing``, no longer in the default summary.

Everything depends only on the scenario as given (its path and bytes), the overrides, the seed
and the run count, so identical inputs give byte-identical JSON. How long the run took and on
how many workers is not part of it: ``timing`` is added only when asked for (``timing=True``);
``escsim run`` shows it in its terminal summary (not with ``--json``), and the Python API as
``Result.timing`` (:func:`timing_of`). Estimates with an interval are rounded to
the digits the interval supports (:mod:`escalation_sim.analysis.stats`); means without a shown
interval (actors, incidents) are rounded the same way from their own interval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from escalation_sim.analysis.classes import LEVEL_KEYS, level_counts
from escalation_sim.analysis.documents import Summary
from escalation_sim.analysis.stats import (
    Interval,
    between_sets,
    hist_quantiles,
    json_float,
    moments_interval,
    resolution_decimals,
    round_to,
    wilson,
)
from escalation_sim.engine.aggregate import Aggregate
from escalation_sim.engine.record import FLOW_BINS
from escalation_sim.model.ladder import (
    ECONOMIC_COERCION,
    LEGAL_COERCION,
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    OPEN_WAR,
)
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.edit import held_at_bounds
from escalation_sim.scenario.load import scenario_to_dict
from escalation_sim.scenario.priors import PARTICLES, priors_of
from escalation_sim.scenario.schema import RESERVED_ACTOR_IDS, Scenario
from escalation_sim.versions import escsim_version

if TYPE_CHECKING:  # a type only: the ensemble imports the compiled kernel (numba)
    from escalation_sim.engine.ensemble import PointResult

SCHEMA_VERSION = 2
"""Version of the summary's JSON layout; bumped when a key changes meaning or disappears
(2: ``timing`` left the default summary, so that identical inputs give identical bytes)."""
TIMELINE_STEP_DAYS = 7
"""The timeline has one point a week (and the last day)."""
QUANTILES = (5, 10, 25, 50, 75, 90, 95)
"""Percentiles given for each day of the timeline: median, 50%, 80% and 90% bands."""
RESERVED_TIMELINE_KEYS = RESERVED_ACTOR_IDS
"""Keys of ``timeline`` that are not actor ids (the schema keeps actors off them)."""
PEAK_THRESHOLDS = {
    "p_legal_coercion": LEGAL_COERCION,
    "p_economic_coercion": ECONOMIC_COERCION,
    "p_military_signalling": MILITARY_SIGNALLING,
    "p_force": LIMITED_FORCE,
    "p_war": OPEN_WAR,
}
"""Probabilities that the highest rung any actor chose reached a threshold."""
MEAN_METRICS = {
    "peak_rung_mean": "peak_rung",
    "final_rung_mean": "final_rung",
    "days_reduced_relations_mean": "days_reduced_relations",
    "days_coercion_mean": "days_coercion",
    "days_military_mean": "days_military",
    "trade_loss_mean": "trade_loss",
    "energy_loss_mean": "energy_loss",
    "mediation_days_mean": "mediation_days",
    "first_legal_day_mean": "first_legal_day",
    "first_force_day_mean": "first_force_day",
    "settlements_mean": "summits",
    "energy_loss_incidents_mean": "energy_loss_incidents",
}
"""Metric key -> streamed per-run metric whose mean it is (event days: over runs with the event)."""
METRICS = ("peak_rung_mean", "final_rung_mean", *PEAK_THRESHOLDS, "days_reduced_relations_mean",
           "days_coercion_mean", "days_military_mean", "trade_loss_mean", "energy_loss_mean",
           "energy_loss_incidents_mean", "p_energy_interrupted", "p_mediation",
           "mediation_days_mean", "settlements_mean", "first_legal_day_mean",
           "first_force_day_mean")
"""Keys of ``metrics``, in the order they are listed."""
IMPACTS = {
    "military": ("p_military_signalling", "p_force", "days_military_mean"),
    "economic": ("trade_loss_mean", "energy_loss_mean", "p_energy_interrupted"),
    "diplomatic": ("days_reduced_relations_mean", "days_coercion_mean", "p_mediation"),
}
"""The source's three domains and the metrics that measure each (docs/model.md §11)."""
ACTOR_MEANS = {
    "peak_rung_mean": "actor_peak",
    "final_rung_mean": "actor_final",
    "goldstein_mean": "actor_goldstein",
    "escalation_score_mean": "actor_escalation_score",
    "days_coercion_mean": "actor_days_coercion",
    "final_nationalism_mean": "actor_final_nationalism",
}
"""Per-actor key -> streamed per-actor metric whose mean it is."""
TRACK_MEANS = {
    "measures_imposed_mean": "actor_imposed",
    "measures_lifted_mean": "actor_lifted",
    "days_measures_mean": "actor_days_measures",
}
"""Per-actor means of the material track (docs/model.md §2, §6)."""
TRACK_SHARES = {
    "p_measures_while_talking": "actor_days_talking",
    "p_measures_at_end": "actor_final_measures",
}
"""Per-actor shares of runs: kept some measure in force on a day its words were at engagement
or better (its leaders meeting the other's); some measure still in force at the horizon."""


def summarize(result: PointResult, scenario_path: str | None = None,
              scenario_sha256: str | None = None, *, overrides: list[str] | None = None,
              workers: int | None = None, timing: bool = False) -> Summary:
    """Build the JSON summary of one ensemble (layout in the module docstring).

    Args:
        result: The ensemble's result.
        scenario_path: The scenario file as the user named it (``None`` if built in memory).
        scenario_sha256: SHA-256 of the file's bytes (see
            :func:`escalation_sim.scenario.bundled.file_sha256`).
        overrides: The ``--set`` items applied to the file.
        workers: Worker processes used (reported under ``timing``: results do not depend on it).
        timing: Add the ``timing`` section (:func:`timing_of`); off by default, so that
            identical inputs give identical summaries.

    Raises:
        ValueError: An actor id clashes with a fixed key of ``timeline``.
    """
    scenario, agg = result.point.scenario, result.aggregate
    check_actor_ids(scenario)
    metrics = _metrics(agg)
    summary: Summary = {
        "schema_version": SCHEMA_VERSION,
        "escsim_version": escsim_version(),
        "numpy_version": numpy_version(),
        "scenario": {
            "name": scenario.name,
            "path": scenario_path,
            "sha256": scenario_sha256,
            "resolved_sha256": scenario_digest(scenario),
            "overrides": list(overrides or []),
        },
        "runs": int(agg.runs),
        "days": int(agg.days),
        "seed": int(result.point.seed),
        "start_date": scenario.start_date.isoformat() if scenario.start_date else None,
        "outcomes": {name: wilson(int(k), agg.runs).rounded().to_dict("p", with_n=False)
                     for name, k in zip(OUTCOMES, agg.outcomes, strict=True)},
        "ends": level_distribution(ends_counts(agg), agg.runs),
        "worst": level_distribution(worst_counts(agg), agg.runs),
        "metrics": metrics,
        "actors": _actors(scenario, agg),
        "impacts": {domain: {key: metrics[key] for key in keys}
                    for domain, keys in IMPACTS.items()},
        "incidents": _incidents(scenario, agg),
        "incident_force": _incident_force(scenario, agg),
        "incident_external": _incident_external(scenario, agg),
        "levers": _levers(scenario),
        "held_at_bound": [h["text"] for h in held_at_bounds(scenario)],
        "uncertainty": uncertainty(scenario, agg, scenario_path),
        "timeline": _timeline(scenario, agg),
    }
    if result.assimilation is not None:
        summary["assimilation"] = _assimilation(result.assimilation, metrics, summary["ends"])
    if timing:
        summary["timing"] = timing_of(result, workers)
    return summary


def _assimilation(found: dict[str, Any], metrics: dict[str, Any],
                  ends: dict[str, Any]) -> dict[str, Any]:
    """The filter's account, and the forecast against the same forecast from the hand-set start.

    ``unfiltered``: P(force) and how it ends from the scenario's own starting state, with the
    same random numbers; ``moved``: the drawn parameters whose mean the record shifted by at
    least a fifth of their sd before the filter.
    """
    out = {key: value for key, value in found.items() if key != "unfiltered"}
    agg = found["unfiltered"]
    plain = _metrics(agg)
    plain_ends = level_distribution(ends_counts(agg), agg.runs)
    out["unfiltered"] = {"p_force": plain["p_force"], "ends": plain_ends,
                         "ends_most_likely": max(plain_ends, key=lambda k: plain_ends[k]["p"])}
    out["filtered"] = {"p_force": metrics["p_force"],
                       "ends_most_likely": max(ends, key=lambda k: ends[k]["p"])}
    out["moved"] = sorted(path for path, m in found["parameters"].items()
                          if m["before_sd"] > 0
                          and abs(m["after_mean"] - m["before_mean"]) >= 0.2 * m["before_sd"])
    return out


def timing_of(result: PointResult, workers: int | None = None) -> dict[str, Any]:
    """How long an ensemble took: ``{elapsed_s, runs_per_s, workers}``.

    Not part of the summary unless asked for: it changes from run to run.
    """
    runs = result.aggregate.runs
    return {"elapsed_s": round(result.elapsed, 3),
            "runs_per_s": round(runs / result.elapsed) if result.elapsed > 0 else None,
            "workers": workers}


FIXED_NOTE = ("Every parameter has one value: the probabilities and their 95% intervals reflect "
              "chance alone (incidents, misperception, reviews, decisions), not doubt about the "
              "parameters.")
UNCERTAIN_NOTE = ("Each run draws its own values of the uncertain parameters: the probabilities "
                  "and their 95% intervals include that uncertainty as well as chance.")


def uncertainty(scenario: Scenario, agg: Aggregate | None = None,
                scenario_path: str | None = None) -> dict[str, Any]:
    """The ``uncertainty`` section: the scenario's distributions and what intervals include.

    ``calibration`` is present only for a scenario that draws from a calibration's parameter
    sets (:func:`calibration_section`); ``out_of_sample`` is then one line on how that
    calibration scored on past crises held out of it, and ``None`` for any other scenario.
    """
    priors = priors_of(scenario)
    calibrated = calibration_section(scenario, agg, scenario_path)
    section = {
        "parameters": {path: {"distribution": d.kind,
                              "args": [float(a) for a in d.args] if d.kind != PARTICLES
                              else [float(v) for v in d.ppf(np.array([0.05, 0.5, 0.95]))],
                              "median": float(f"{d.central():.4g}"),
                              "text": d.describe(), "words": d.words(median=True)}
                       for path, d in priors.items()},
        "intervals_include": ["chance", "parameters"] if priors else ["chance"],
        "note": UNCERTAIN_NOTE if priors else FIXED_NOTE,
        "out_of_sample": (calibrated or {}).get("out_of_sample_line"),
    }
    if calibrated is not None:
        section["calibration"] = calibrated
    return section


def calibration_section(scenario: Scenario, agg: Aggregate | None,
                        scenario_path: str | None = None) -> dict[str, Any] | None:
    """What the calibration a scenario draws from says, in numbers and plain words.

    ``None`` unless the scenario draws from one calibration's weighted parameter sets
    (``calibration: FILE``). Otherwise: how many sets and which parameters; the leave-one-out
    table made for this very calibration (its ``joint`` name matches), when one is found beside
    the bundled calibration or the scenario — what was scored, the RPS skill against the
    library's base rates and against no change, and whether the 90% bands were too narrow or
    too wide; and, from the runs, P(force) and the most likely outcome with their 5–95% spread
    across the parameter sets (:func:`escalation_sim.analysis.stats.between_sets`).
    """
    # Here, not at the top: the engine's draws import its random streams (numba), and the
    # summary's constants and words serve commands that simulate nothing (``escsim explain``).
    from escalation_sim.engine.draws import joint_samples

    joints = joint_samples(scenario)
    if len(joints) != 1:
        return None
    (joint, paths), = joints.items()
    sets = len(scenario.priors[paths[0]].args)
    table = matching_table(joint, scenario_path)
    section: dict[str, Any] = {"joint": joint, "parameters": paths, "parameter_sets": sets}
    sentences = [f"Calibrated: each run drew one of {sets} weighted parameter sets fitted to "
                 "past crises (" + ", ".join(p.removeprefix("model.") for p in paths) + ")."]
    if table is not None:
        section.update(out_of_sample_section(table))
        sentences.append(section["out_of_sample_text"])
    else:
        section["out_of_sample_line"] = None
        sentences.append("No leave-one-out table was found for this calibration: how it "
                         "scores out of sample is not known here.")
    tally = agg.sets if agg is not None else None
    if tally is not None and int(tally.counts[:, 0].sum()) > 0:
        counts = tally.counts
        force = between_sets(counts[:, 0], counts[:, 1])
        top = int(np.argmax(counts[:, 2:].sum(axis=0)))
        headline = between_sets(counts[:, 0], counts[:, 2 + top])
        section["runs_per_set"] = round(float(counts[:, 0].sum()) / max(force["sets"] or 1, 1),
                                        1)
        section["p_force"] = _spread(force)
        section["headline"] = {"outcome": OUTCOMES[top], **_spread(headline)}
        sentences.append(_spread_text("P(force)", force, section["runs_per_set"]))
        sentences.append(_spread_text(f"Most likely outcome, {OUTCOMES[top].replace('_', ' ')}",
                                      headline, section["runs_per_set"]))
    section["sentences"] = sentences
    return section


def _spread(found: Mapping[str, float | None]) -> dict[str, float | None]:
    return {key: None if found.get(key) is None else float(f"{found[key]:.3g}")
            for key in ("value", "p05", "p95")}


def _spread_text(what: str, found: Mapping[str, float | None], per_set: float) -> str:
    value, low, high = found.get("value"), found.get("p05"), found.get("p95")
    if value is None:
        return f"{what}: no runs."
    head = f"{what} {_pct(value)}"
    if low is None or high is None:
        return (f"{head}; across the calibrated parameter sets no spread is told apart from "
                f"chance at {per_set:g} runs a set.")
    spread = "below 0.1%" if _pct(high) == "< 0.1%" else f"{_pct(low)}–{_pct(high)}"
    return (f"{head}; 5–95% across the calibrated parameter sets: {spread} "
            f"(estimated from {per_set:g} runs a set).")


def _pct(p: float) -> str:
    """A share as the summary's sentences write it: at most one decimal, ``< 0.1%`` if tiny."""
    if p != 0 and round(100 * p, 1) == 0:
        return "< 0.1%"
    return f"{100 * p:.1f}%" if p < 0.1 else f"{100 * p:.0f}%"


def matching_table(joint: str, scenario_path: str | None) -> dict[str, Any] | None:
    """The leave-one-out table made for the calibration named ``joint``, if one is found.

    Looked for beside the bundled calibration, and beside the scenario file (and in its
    ``calibration/`` folder).
    """
    from escalation_sim.analysis.out_of_sample_note import BUNDLED, read_table
    from escalation_sim.scenario.bundled import calibration_file

    places = [calibration_file(BUNDLED)]
    if scenario_path:
        folder = Path(scenario_path).parent
        places += [folder / BUNDLED, folder / "calibration" / BUNDLED]
    for place in places:
        table = read_table(place)
        if table is not None and (table.get("calibration") or {}).get("joint") == joint:
            return table
    return None


def out_of_sample_section(table: Mapping[str, Any]) -> dict[str, Any]:
    """The leave-one-out table's verdict in numbers and one plain sentence."""
    from escalation_sim.analysis.out_of_sample_note import line_of
    from escalation_sim.analysis.verdict import verdict

    pooled, n = table["pooled"], int(table["n_episodes"])
    rps = pooled["rps"]
    c90 = pooled["cover_90"]["model"]
    judged = verdict({ref: rps.get(f"skill_{ref}") for ref in ("empirical", "persistence")},
                     c90)
    base, still = rps.get("skill_empirical"), rps.get("skill_persistence")
    words = {"beats": "better than", "loses to": "worse than", "ties with": "no better than"}

    def against(ref: str, skill: float | None, name: str) -> str:
        if skill is None:
            return f"no skill against {name} could be computed"
        return f"{words.get(judged['rps'].get(ref, ''), 'against')} {name} (RPS skill " \
               f"{skill:+.2f})"

    bands = judged["bands"] or "of unknown width"
    text = (f"Out of sample, on {n} past crises each held out in turn ({pooled['months']} "
            "months; scored: each side's monthly reading, its deeds and words, force, the "
            f"leaders' first meeting), the model forecast "
            f"{against('empirical', base, 'the library’s base rates')} and "
            f"{against('persistence', still, 'no change')}; its 90% bands held {c90:.0%} of "
            f"observed months: they are {bands}.")
    return {"out_of_sample": {"episodes": n, "months": pooled["months"],
                              "rps_skill_base_rates": base, "rps_skill_no_change": still,
                              "cover_90": c90, "cover_50": pooled["cover_50"]["model"],
                              "bands": judged["bands"]},
            "out_of_sample_text": text, "out_of_sample_line": line_of(table)}


def check_actor_ids(scenario: Scenario) -> None:
    """Raise ``ValueError`` if an actor id clashes with a fixed key of the summary's timeline."""
    clash = sorted(set(scenario.actors) & set(RESERVED_TIMELINE_KEYS))
    if clash:
        raise ValueError(f"actor id {clash[0]!r} is reserved in summaries (timeline keys: "
                         f"{', '.join(RESERVED_TIMELINE_KEYS)}); rename the actor")


def numpy_version() -> str:
    """The numpy version in use: random streams are promised only within one version."""
    return str(np.__version__)


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the fully resolved scenario (canonical JSON): equal digests, equal inputs."""
    text = json.dumps(scenario_to_dict(scenario), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def timeline_days(days: int, step: int = TIMELINE_STEP_DAYS) -> list[int]:
    """Days of the timeline: every ``step`` days from day 0, and the last day."""
    points = list(range(0, days, step))
    if points[-1] != days - 1:
        points.append(days - 1)
    return points


def day_dates(start: dt.date | None, days: list[int]) -> list[str] | None:
    """ISO dates of day indices counted from ``start`` (day 0), or ``None`` without a start."""
    if start is None:
        return None
    return [(start + dt.timedelta(days=d)).isoformat() for d in days]


def flow_value(bins: np.ndarray) -> np.ndarray:
    """Flow (fraction of pre-crisis) of flow-histogram bins: each bin's upper edge (1% steps)."""
    return np.where(bins >= 0, (bins + 1) / FLOW_BINS, np.nan)


# -- sections ----------------------------------------------------------------------------------
def metric_intervals(agg: Aggregate) -> dict[str, Interval]:
    """Every key of ``metrics`` with its unrounded interval, in the order of ``METRICS``."""
    found: dict[str, Interval] = {}
    for key, rung in PEAK_THRESHOLDS.items():
        found[key] = wilson(int(agg.top_peak_counts[rung:].sum()), agg.runs)
    for key, name in MEAN_METRICS.items():
        found[key] = moments_interval(agg.moments[name])
    found["p_mediation"] = wilson(int(agg.mediated_runs), agg.runs)
    found["p_energy_interrupted"] = wilson(int(agg.runs_with.get("energy_low_days", 0)),
                                           agg.runs)
    return {key: found[key] for key in METRICS}


def ends_counts(agg: Aggregate) -> list[int]:
    """Runs per level of how it ends: the higher side's rung on the last day."""
    if not agg.runs:
        return [0] * len(LEVEL_KEYS)
    return level_counts(agg.daily["top"][-1])  # the last day (all days, or only the last)


def worst_counts(agg: Aggregate) -> list[int]:
    """Runs per level of how bad it got: the highest rung either side stood on."""
    return level_counts(agg.top_peak_counts)


def level_distribution(counts: list[int], runs: int) -> dict[str, dict[str, Any]]:
    """``{level: {p, ci_low, ci_high}}``: each level's share of runs with its Wilson interval."""
    return {key: wilson(int(k), runs).rounded().to_dict("p", with_n=False)
            for key, k in zip(LEVEL_KEYS, counts, strict=True)}


def _metrics(agg: Aggregate) -> dict[str, dict[str, Any]]:
    return {key: found.rounded().to_dict() for key, found in metric_intervals(agg).items()}


def _actors(scenario: Scenario, agg: Aggregate) -> dict[str, dict[str, Any]]:
    actors: dict[str, dict[str, Any]] = {}
    decimals = resolution_decimals(agg.runs)
    for a, (aid, actor) in enumerate(scenario.actors.items()):
        entry: dict[str, Any] = {"name": actor.name or aid}
        for key, name in ACTOR_MEANS.items():
            entry[key] = json_float(moments_interval(agg.moments[name], a).rounded().estimate)
        counts = _set(agg.peak_counts)[a]
        entry["p_force"] = json_float(
            wilson(int(counts[LIMITED_FORCE:].sum()), agg.runs).rounded().estimate)
        entry["peak_distribution"] = [json_float(round_to(c / agg.runs, decimals))
                                      for c in counts] if agg.runs else [None] * len(counts)
        for key, name in TRACK_MEANS.items():
            entry[key] = json_float(moments_interval(agg.moments[name], a).rounded().estimate)
        for key, name in TRACK_SHARES.items():
            runs = np.asarray(agg.runs_with.get(name, np.zeros(agg.n_actors, np.int64)))
            entry[key] = json_float(wilson(int(runs[a]), agg.runs).rounded().estimate)
        actors[aid] = entry
    return actors


def _incidents(scenario: Scenario, agg: Aggregate) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for k, (key, incident) in enumerate(scenario.incidents.items()):
        out[key] = {
            "label": incident.label or key.replace("_", " "),
            "control": incident.control,
            "mean_count": json_float(moments_interval(agg.moments["incidents"], k)
                                     .rounded().estimate),
            "p_any": json_float(wilson(int(_set(agg.incident_runs)[k]), agg.runs)
                                .rounded().estimate),
        }
    return out


def _incident_force(scenario: Scenario, agg: Aggregate) -> dict[str, Any]:
    """Runs struck by an incident of the dyad at a force rung (limited force or more).

    The outcome classes and ``p_force`` count the rungs the actors chose; an incident (a strike
    neither capital ordered as policy, in the model) is counted here, apart from them, and an
    external incident (fallout of acts aimed elsewhere) apart from both (``_incident_external``).
    """
    kinds = [k for k, inc in enumerate(scenario.incidents.values())
             if inc.rung >= LIMITED_FORCE and inc.control != "external"]
    found = wilson(agg.runs_with_any(kinds), agg.runs).rounded().to_dict("p", with_n=False)
    return {**found, "rung": LIMITED_FORCE,
            "kinds": [key for k, key in enumerate(scenario.incidents) if k in kinds]}


def _incident_external(scenario: Scenario, agg: Aggregate) -> dict[str, Any]:
    """Runs struck by an external incident: a third party's war, acts aimed elsewhere (§9)."""
    kinds = [k for k, inc in enumerate(scenario.incidents.values()) if inc.control == "external"]
    found = wilson(agg.runs_with_any(kinds), agg.runs).rounded().to_dict("p", with_n=False)
    return {**found, "kinds": [key for k, key in enumerate(scenario.incidents) if k in kinds]}


def _levers(scenario: Scenario) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in type(scenario.levers).model_fields:
        lever = getattr(scenario.levers, name)
        if lever.enabled:
            found = lever.model_dump(mode="json", exclude={"enabled"})
            if found.get("start_date") is None:  # only where the file gave a date
                found.pop("start_date", None)
            out[name] = found
    return out


def _timeline(scenario: Scenario, agg: Aggregate) -> dict[str, Any]:
    days = timeline_days(agg.days)
    timeline: dict[str, Any] = {"day": days}
    dates = day_dates(scenario.start_date, days)
    if dates is not None:
        timeline["date"] = dates
    rungs = hist_quantiles(agg.daily["rungs"][days], QUANTILES)  # (Q, T, A)
    for a, aid in enumerate(scenario.actors):
        timeline[aid] = {f"p{q:02d}": [int(x) if x >= 0 else None for x in rungs[i, :, a]]
                         for i, q in enumerate(QUANTILES)}
    for flow in ("trade", "energy"):
        values = flow_value(hist_quantiles(agg.daily[flow][days], QUANTILES))  # (Q, T)
        timeline[flow] = {f"p{q:02d}": [json_float(round_to(x, 2)) for x in values[i]]
                          for i, q in enumerate(QUANTILES)}
    return timeline


def _set(counts: np.ndarray | None) -> np.ndarray:
    """Counts an aggregate sets when it takes its first chunk (every summary has one)."""
    assert counts is not None
    return counts
