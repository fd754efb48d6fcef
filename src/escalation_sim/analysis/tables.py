"""Tables for the files an analyst keeps: one row per run, and one row per day.

Both are plain column dicts so that writers need no statistics: ``output/files.py`` writes them
as CSV (and Parquet when pyarrow is present). The per-run table also comes as numpy columns
(``runs_columns``), which pyarrow writes without a detour through Python objects.

``runs_table`` — per-run metrics (docs/model.md §11)::

    run, outcome, ends, worst, peak_rung, final_rung, first_legal_day, first_force_day
    (empty: never),
    days_reduced_relations, days_coercion, days_military, trade_loss, energy_loss,
    mediation_days, <actor>_peak, <actor>_final, <actor>_days_coercion, <actor>_goldstein,
    <actor>_escalation_score, <actor>_final_nationalism, incidents_<key>,
    <path> … (one per uncertain parameter, e.g. actors.baku.nationalism: the run's drawn value)

``ends`` and ``worst`` are the run's level of how it ends and how bad it got (``calm`` …
``war``, :mod:`escalation_sim.analysis.classes`).

``daily_table`` — per-day distributions over runs::

    day, date (when the scenario has a start_date),
    <actor>_rung_p05 … <actor>_rung_p95, <actor>_rung_mean, <actor>_p_rung_ge5,
    <actor>_p_rung_ge8, <actor>_nationalism_mean, <actor>_grievance_mean,
    p_top_rung_ge5, p_top_rung_ge7, p_top_rung_ge8, p_mediating,
    trade_flow_p05 … trade_flow_p95, energy_flow_p05 … energy_flow_p95
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from escalation_sim.analysis.classes import LEVEL_KEYS, level_of
from escalation_sim.analysis.stats import (
    hist_mean,
    hist_quantiles,
    hist_share_at_least,
    json_float,
    round_to,
)
from escalation_sim.analysis.summary import QUANTILES, day_dates, flow_value
from escalation_sim.engine.aggregate import Aggregate
from escalation_sim.engine.draws import draw, particle_index
from escalation_sim.model.ladder import LEGAL_COERCION, LIMITED_FORCE, MILITARY_SIGNALLING
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.schema import Scenario

Table = dict[str, list[Any]]
"""Column name -> values, all columns of equal length."""
FLOAT_DECIMALS = 6
"""Decimals kept for per-run and per-day floats in the files."""
RUN_SCALARS = ("peak_rung", "final_rung", "first_legal_day", "first_force_day",
               "days_reduced_relations", "days_coercion", "days_military", "trade_loss",
               "energy_loss", "mediation_days")
RUN_ACTOR = {"peak": "actor_peak", "final": "actor_final",
             "days_coercion": "actor_days_coercion", "goldstein": "actor_goldstein",
             "escalation_score": "actor_escalation_score",
             "final_nationalism": "actor_final_nationalism"}
"""Column suffix -> per-run (R, A) array of ``PointResult.runs``."""
RUN_UNITS = {"peak_rung": "rung (0-9)", "final_rung": "rung (0-9)", "first_legal_day": "day",
             "first_force_day": "day", "days_reduced_relations": "days",
             "days_coercion": "days", "days_military": "days",
             "trade_loss": "share of pre-crisis flow lost, mean over days",
             "energy_loss": "share of pre-crisis flow lost, mean over days",
             "mediation_days": "days"}
"""Unit of each per-run column (``runs.csv``)."""
ACTOR_UNITS = {"peak": "rung (0-9)", "final": "rung (0-9)", "days_coercion": "days",
               "goldstein": "Goldstein weight, mean over days",
               "escalation_score": "escalation-score points, mean over days",
               "final_nationalism": "index (0-1)"}
"""Unit of each per-run, per-actor metric (the suffixes of :data:`RUN_ACTOR`)."""
DAILY_UNITS = {"rung": "rung (0-9)", "rung_mean": "rung (0-9)",
               **{f"p_rung_ge{r}": "share of runs" for r in (LEGAL_COERCION, LIMITED_FORCE)},
               "nationalism_mean": "index (0-1)", "grievance_mean": "index",
               **{f"p_top_rung_ge{r}": "share of runs"
                  for r in (LEGAL_COERCION, MILITARY_SIGNALLING, LIMITED_FORCE)},
               "p_mediating": "share of runs", "trade_flow": "share of pre-crisis flow",
               "energy_flow": "share of pre-crisis flow"}
"""Unit of each daily measure (:func:`daily_columns`)."""
OUTCOME_NAMES = np.array(OUTCOMES, dtype=object)
LEVEL_NAMES = np.array(LEVEL_KEYS, dtype=object)


def runs_columns(runs: dict[str, np.ndarray], scenario: Scenario,
                 first_run: int = 0, *, seed: int | None = None) -> dict[str, np.ndarray]:
    """One row per run from per-run arrays, as numpy columns (what writers and the API read).

    The arrays are all of an ensemble's (``keep_runs=True``), or one chunk's, whose first run is
    ``first_run``. ``outcome`` holds the class names; floats are rounded to ``FLOAT_DECIMALS``
    (NaN: missing); ``first_*_day`` columns are masked arrays, masked where the event never
    came. Per-run columns the engine adds are listed here, so that ``runs.csv``,
    ``runs.parquet`` and ``Result.runs`` gain them together.

    Each uncertain parameter (``scenario.priors``) adds a column named by its path holding the
    value each run drew, drawn again here with ``seed`` (default: the scenario's) exactly as
    the engine drew it (:func:`escalation_sim.engine.draws.draw`): an experiments table. A
    scenario that draws a calibration's parameter sets adds ``parameter_set``, the set each run
    drew.
    """
    n = runs["outcome"].shape[0]
    table: dict[str, np.ndarray] = {
        "run": np.arange(first_run, first_run + n, dtype=np.int64),
        "outcome": OUTCOME_NAMES[np.asarray(runs["outcome"], dtype=np.intp)],
        "ends": LEVEL_NAMES[level_of(runs["final_rung"]).astype(np.intp)],
        "worst": LEVEL_NAMES[level_of(runs["peak_rung"]).astype(np.intp)]}
    for name in RUN_SCALARS:
        values = runs[name]
        if name.startswith("first_"):
            values = np.asarray(values, dtype=np.int64)
            table[name] = np.ma.masked_array(values, mask=values < 0)
        else:
            table[name] = _numbers(values)
    for a, aid in enumerate(scenario.actors):
        for suffix, name in RUN_ACTOR.items():
            _add(table, f"{aid}_{suffix}", _numbers(runs[name][:, a]))
    for k, key in enumerate(scenario.incidents):
        _add(table, f"incidents_{key}", _numbers(runs["incidents"][:, k]))
    drawn = draw(scenario, scenario.seed if seed is None else seed, first_run, n)
    for path, values in drawn.items():
        _add(table, path, _numbers(values))
    sets = particle_index(scenario, scenario.seed if seed is None else seed, first_run, n)
    if len(sets) == 1:
        _add(table, PARAMETER_SET, next(iter(sets.values())).astype(np.int64))
    return table


PARAMETER_SET = "parameter_set"
"""Column of the calibration's parameter set each run drew (its row in ``particles:``)."""


def runs_table(runs: dict[str, np.ndarray], scenario: Scenario, first_run: int = 0, *,
               seed: int | None = None) -> Table:
    """:func:`runs_columns` as Python lists (``None`` for missing), for the csv module."""
    return {name: as_list(values) for name, values in
            runs_columns(runs, scenario, first_run, seed=seed).items()}


def as_list(values: np.ndarray) -> list[Any]:
    """A numpy column as Python values, ``None`` where masked or NaN."""
    if values.dtype.kind == "f":
        return [None if v != v else v for v in values.tolist()]  # v != v: NaN
    return list(values.tolist())


def daily_table(agg: Aggregate, scenario: Scenario) -> Table:
    """One row per simulated day: distributions over runs of rungs, flows, mediation."""
    days = list(range(agg.days))
    table: Table = {"day": days}
    dates = day_dates(scenario.start_date, days)
    if dates is not None:
        table["date"] = dates
    rungs = agg.daily["rungs"]  # (T, A, 10)
    quantiles = hist_quantiles(rungs, QUANTILES)  # (Q, T, A)
    nationalism, grievance = agg.daily_mean("nationalism"), agg.daily_mean("grievance")
    for a, aid in enumerate(scenario.actors):
        for i, q in enumerate(QUANTILES):
            _add(table, f"{aid}_rung_p{q:02d}", [int(x) for x in quantiles[i, :, a]])
        _add(table, f"{aid}_rung_mean", _column(hist_mean(rungs[:, a])))
        for rung in (LEGAL_COERCION, LIMITED_FORCE):
            _add(table, f"{aid}_p_rung_ge{rung}",
                 _column(hist_share_at_least(rungs[:, a], rung)))
        _add(table, f"{aid}_nationalism_mean", _column(nationalism[:, a]))
        _add(table, f"{aid}_grievance_mean", _column(grievance[:, a]))
    for rung in (LEGAL_COERCION, MILITARY_SIGNALLING, LIMITED_FORCE):
        _add(table, f"p_top_rung_ge{rung}", _column(hist_share_at_least(agg.daily["top"], rung)))
    _add(table, "p_mediating", _column(agg.daily["mediating"] / agg.runs))
    for flow in ("trade", "energy"):
        values = flow_value(hist_quantiles(agg.daily[flow], QUANTILES))
        for i, q in enumerate(QUANTILES):
            _add(table, f"{flow}_flow_p{q:02d}", _column(values[i], 2))
    return table


def daily_columns(actors: Sequence[str]) -> dict[str, tuple[str, str, float | None]]:
    """The measure columns of :func:`daily_table`: name -> (actor, measure, quantile).

    ``actor`` is ``""`` for ensemble-wide measures; ``quantile`` is 0.05 … 0.95 for the
    quantiles of a distribution (``rung``, ``trade_flow``, ``energy_flow``), else ``None``.
    Readers of ``daily.csv`` use it to tell an actor's columns by their exact names, whatever
    the actor ids (``baku`` and ``baku_ru`` both).
    """
    found: dict[str, tuple[str, str, float | None]] = {}
    for aid in actors:
        for q in QUANTILES:
            found[f"{aid}_rung_p{q:02d}"] = (aid, "rung", q / 100)
        found[f"{aid}_rung_mean"] = (aid, "rung_mean", None)
        for rung in (LEGAL_COERCION, LIMITED_FORCE):
            found[f"{aid}_p_rung_ge{rung}"] = (aid, f"p_rung_ge{rung}", None)
        found[f"{aid}_nationalism_mean"] = (aid, "nationalism_mean", None)
        found[f"{aid}_grievance_mean"] = (aid, "grievance_mean", None)
    for rung in (LEGAL_COERCION, MILITARY_SIGNALLING, LIMITED_FORCE):
        found[f"p_top_rung_ge{rung}"] = ("", f"p_top_rung_ge{rung}", None)
    found["p_mediating"] = ("", "p_mediating", None)
    for flow in ("trade", "energy"):
        for q in QUANTILES:
            found[f"{flow}_flow_p{q:02d}"] = ("", f"{flow}_flow", q / 100)
    return found


def _column(values: np.ndarray, decimals: int = FLOAT_DECIMALS) -> list[Any]:
    """Python numbers for a file column: ints as ints, floats rounded, NaN as ``None``."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        return [int(v) for v in values]
    return [json_float(round_to(float(v), decimals)) for v in values]


def _numbers(values: np.ndarray, decimals: int = FLOAT_DECIMALS) -> np.ndarray:
    """A numeric column for the files: integers as int64, floats rounded (``-0.0`` as 0)."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    return np.round(values.astype(np.float64), decimals) + 0.0


def _add(table: dict[str, Any], name: str, column: Any) -> None:
    if name in table:
        raise ValueError(f"column {name!r} would appear twice; rename the actor or incident")
    table[name] = column
