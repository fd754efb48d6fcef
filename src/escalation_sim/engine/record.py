"""Recording: per-run metrics (docs/model.md §11) and per-day histograms that merge by addition.

The day kernel (``engine/kernel.py``) writes into a :class:`Record`; :func:`finish` turns it into
the per-run metrics a chunk hands back. Daily aggregates are counts (rung histograms per actor,
flow histograms) and fixed-point sums, so chunks of runs can be summed in any grouping and memory
does not grow with the number of runs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from escalation_sim.engine.state import State
from escalation_sim.model.ladder import N_RUNGS
from escalation_sim.model.outcomes import classify

QUANTUM = 2.0**-24
"""Resolution at which float quantities are summed over runs (exact, order-free int64 sums)."""
FLOW_BINS = 125
"""Bins of the daily flow histograms: 1% of the pre-crisis flow each, up to 125% (joint
projects can raise trade above its pre-crisis level)."""
STANCES = 4
"""Stances of the declaratory track: cooperation, engagement, status quo, verbal hostility."""
ENERGY_INTERRUPTED = 0.9
"""Energy flows below this share of the pre-crisis level count as interrupted (§11)."""


class Record(NamedTuple):
    """What the kernel accumulates for one chunk: per-run arrays ``(.., R)`` and daily counts."""

    peak: np.ndarray  # (A, R) int64
    first_legal: np.ndarray  # (R,) int64, -1 until it happens
    first_force: np.ndarray  # (R,)
    days_reduced: np.ndarray  # (R,) int64: highest reading >= 4
    days_coercion: np.ndarray  # (R,): >= 5
    days_military: np.ndarray  # (R,): >= 7
    actor_days_coercion: np.ndarray  # (A, R)
    actor_days_words: np.ndarray  # (A, R): hostile words, no measure in force
    actor_days_measures: np.ndarray  # (A, R): some measure in force
    actor_days_talking: np.ndarray  # (A, R): engagement stance with a measure in force
    goldstein: np.ndarray  # (A, R) float sum
    rivera: np.ndarray  # (A, R) int64 sum
    trade_loss: np.ndarray  # (R,) float sum of the share lost
    energy_loss: np.ndarray  # (R,)
    energy_loss_incidents: np.ndarray  # (R,) the part of energy lost to incidents on assets
    energy_low_days: np.ndarray  # (R,) int64 days below ENERGY_INTERRUPTED
    mediation_days: np.ndarray  # (R,) int64
    summits: np.ndarray  # (R,) int64
    first_summit: np.ndarray  # (R,)
    imposed: np.ndarray  # (A, R) int64 measures imposed
    lifted: np.ndarray  # (A, R) int64 measures lifted
    force_acts: np.ndarray  # (A, R) int64 days the actor chose force
    war_days: np.ndarray  # (R,) int64
    demand_met: np.ndarray  # (D, R) int64 day the demand was met, -1 if not
    rally: np.ndarray  # (A, R) nationalism gained from hostility and incidents
    misread_military: np.ndarray  # (R,) int64
    incidents: np.ndarray  # (R, K) int64
    contain_ref: np.ndarray  # (R,) int64 rung to get back to; -1 none open
    contain_from: np.ndarray  # (R,)
    contain_days: np.ndarray  # (R,)
    contained: np.ndarray  # (R,)
    # daily, (days, blocks, ...)
    rungs: np.ndarray  # (T, B, A, N_RUNGS) int32
    top: np.ndarray  # (T, B, N_RUNGS) int32
    stance: np.ndarray  # (T, B, A, STANCES) int32
    measures_in_force: np.ndarray  # (T, B, A) int32 runs with some measure in force
    trade: np.ndarray  # (T, B, FLOW_BINS) int32
    energy: np.ndarray  # (T, B, FLOW_BINS) int32
    nationalism: np.ndarray  # (T, B, A) int64 sums in QUANTUM units
    grievance: np.ndarray  # (T, B, A) int64 sums in QUANTUM units
    mediating: np.ndarray  # (T, B) int32
    # monthly, (R, A, M) int8, empty unless asked for (backtests)
    month_max: np.ndarray
    month_material: np.ndarray  # highest measure or force, -1 where none
    month_stance: np.ndarray
    month_min_top: np.ndarray  # (R, M)
    month_of_day: np.ndarray  # (T,) int64


def new_record(n_runs: int, n_actors: int, n_incidents: int, n_demands: int, days: int,
               blocks: int = 1, months: np.ndarray | None = None) -> Record:
    """An empty record; with ``months`` (each day's month index) also the monthly arrays."""
    r, a, b = n_runs, n_actors, blocks
    m = int(months[-1]) + 1 if months is not None and days else 0

    def zeros(*shape: int, dtype: type = np.int64) -> np.ndarray:
        return np.zeros(shape, dtype=dtype)

    def never(*shape: int) -> np.ndarray:
        return np.full(shape, -1, dtype=np.int64)

    return Record(
        peak=zeros(a, r), first_legal=never(r), first_force=never(r),
        days_reduced=zeros(r), days_coercion=zeros(r), days_military=zeros(r),
        actor_days_coercion=zeros(a, r), actor_days_words=zeros(a, r),
        actor_days_measures=zeros(a, r), actor_days_talking=zeros(a, r),
        goldstein=zeros(a, r, dtype=np.float64), rivera=zeros(a, r),
        trade_loss=zeros(r, dtype=np.float64), energy_loss=zeros(r, dtype=np.float64),
        energy_loss_incidents=zeros(r, dtype=np.float64), energy_low_days=zeros(r),
        mediation_days=zeros(r), summits=zeros(r), first_summit=never(r),
        imposed=zeros(a, r), lifted=zeros(a, r), force_acts=zeros(a, r), war_days=zeros(r),
        demand_met=never(n_demands, r), rally=zeros(a, r, dtype=np.float64),
        misread_military=zeros(r), incidents=zeros(r, n_incidents),
        contain_ref=never(r), contain_from=zeros(r), contain_days=zeros(r), contained=zeros(r),
        rungs=zeros(days, b, a, N_RUNGS, dtype=np.int32),
        top=zeros(days, b, N_RUNGS, dtype=np.int32),
        stance=zeros(days, b, a, STANCES, dtype=np.int32),
        measures_in_force=zeros(days, b, a, dtype=np.int32),
        trade=zeros(days, b, FLOW_BINS, dtype=np.int32),
        energy=zeros(days, b, FLOW_BINS, dtype=np.int32),
        nationalism=zeros(days, b, a), grievance=zeros(days, b, a),
        mediating=zeros(days, b, dtype=np.int32),
        month_max=zeros(r, a, m, dtype=np.int8),
        month_material=np.full((r, a, m), -1, dtype=np.int8),
        month_stance=zeros(r, a, m, dtype=np.int8),
        month_min_top=np.full((r, m), 127, dtype=np.int8),
        month_of_day=np.zeros(days, dtype=np.int64) if months is None
        else np.asarray(months, dtype=np.int64),
    )


DAILY = ("rungs", "top", "stance", "measures_in_force", "trade", "energy", "nationalism",
         "grievance", "mediating")
"""The daily histograms and sums of a :class:`Record`."""


def finish(rec: Record, state: State, days: int, monthly: bool) -> dict[str, np.ndarray]:
    """Per-run metrics of the chunk, keyed by metric name; (R,), (R, A), (R, K) or (R, A, M).

    Containments still open at the horizon count with their days so far (censored).
    """
    span = float(days)
    still = rec.contain_ref >= 0
    rec.contain_days[still] += days - rec.contain_from[still]
    rec.contained[still] += 1
    top_peak, top_final = rec.peak.max(axis=0), state.level.max(axis=0)

    def runs_first(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x.T)

    out = {
        "outcome": classify(top_peak, top_final),
        "peak_rung": top_peak,
        "final_rung": top_final,
        "first_legal_day": rec.first_legal,
        "first_force_day": rec.first_force,
        "days_reduced_relations": rec.days_reduced,
        "days_coercion": rec.days_coercion,
        "days_military": rec.days_military,
        "trade_loss": rec.trade_loss / span,
        "energy_loss": rec.energy_loss / span,
        "energy_loss_incidents": rec.energy_loss_incidents / span,
        "energy_low_days": rec.energy_low_days,
        "mediation_days": rec.mediation_days,
        "summits": rec.summits,
        "first_summit_day": rec.first_summit,
        "war_days": rec.war_days,
        "containment_days": rec.contain_days,
        "containments": rec.contained,
        "misread_military": rec.misread_military,
        "actor_peak": runs_first(rec.peak),
        "actor_final": runs_first(state.level),
        "actor_final_stance": runs_first(state.stance),
        "actor_final_measures": runs_first(state.measures.sum(axis=1)),
        "actor_days_coercion": runs_first(rec.actor_days_coercion),
        "actor_goldstein": runs_first(rec.goldstein / span),
        "actor_escalation_score": runs_first(rec.rivera / span),
        "actor_final_nationalism": runs_first(state.nationalism),
        "actor_days_words": runs_first(rec.actor_days_words),
        "actor_days_measures": runs_first(rec.actor_days_measures),
        "actor_days_talking": runs_first(rec.actor_days_talking),
        "actor_imposed": runs_first(rec.imposed),
        "actor_lifted": runs_first(rec.lifted),
        "actor_force": runs_first(rec.force_acts),
        "actor_rally": runs_first(rec.rally),
        "incidents": rec.incidents,
        "demand_met_day": runs_first(rec.demand_met),
    }
    if monthly:
        out["actor_month_max"] = rec.month_max
        out["actor_month_material"] = rec.month_material
        out["actor_month_stance"] = rec.month_stance
        out["month_min_top"] = rec.month_min_top
    return out


def daily(rec: Record, block: int) -> dict[str, np.ndarray]:
    """The daily histograms and sums of one block, ``(days, ...)``."""
    return {name: getattr(rec, name)[:, block] for name in DAILY}


def fixed(x: np.ndarray) -> np.ndarray:
    """Float values as int64 multiples of ``QUANTUM``, for exact sums over runs."""
    return np.rint(np.asarray(x, dtype=float) / QUANTUM).astype(np.int64)
