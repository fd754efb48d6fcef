"""Recording: per-run metrics (docs/model.md §11) and per-day histograms that merge by addition.

Daily aggregates are counts (rung histograms per actor, flow histograms), so chunks of runs can
be summed in any grouping and memory does not grow with the number of runs.
"""

from __future__ import annotations

import numpy as np

from escalation_sim.engine.state import State
from escalation_sim.model.ladder import (
    GOLDSTEIN,
    LEGAL_COERCION,
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    N_RUNGS,
    RIVERA_POINTS,
)
from escalation_sim.model.outcomes import classify

QUANTUM = 2.0**-24
"""Resolution at which float quantities are summed over runs (exact, order-free int64 sums)."""
FLOW_BINS = 100
"""Bins of the daily flow histograms: 1% of the pre-crisis flow each."""
DIPLOMATIC_RUNG = 4
"""Relations count as reduced while some side is at diplomatic retaliation or above."""


class Recorder:
    """Accumulates one chunk's metrics day by day."""

    def __init__(self, n_runs: int, n_actors: int, n_incidents: int, days: int) -> None:
        r, a = n_runs, n_actors
        self.days = days
        self.peak = np.zeros((r, a), dtype=np.int64)
        self.first_legal = np.full(r, -1, dtype=np.int64)
        self.first_force = np.full(r, -1, dtype=np.int64)
        self.days_ge = {k: np.zeros(r, dtype=np.int64)
                        for k in (DIPLOMATIC_RUNG, LEGAL_COERCION, MILITARY_SIGNALLING)}
        self.days_coercion = np.zeros((r, a), dtype=np.int64)
        self.goldstein = np.zeros((r, a))
        self.rivera = np.zeros((r, a))
        self.trade_loss = np.zeros(r)
        self.energy_loss = np.zeros(r)
        self.mediation_days = np.zeros(r, dtype=np.int64)
        self.incidents = np.zeros((r, n_incidents), dtype=np.int64)
        self.daily = {
            "rungs": np.zeros((days, a, N_RUNGS), dtype=np.int64),
            "top": np.zeros((days, N_RUNGS), dtype=np.int64),
            "trade": np.zeros((days, FLOW_BINS), dtype=np.int64),
            "energy": np.zeros((days, FLOW_BINS), dtype=np.int64),
            "nationalism": np.zeros((days, a), dtype=np.int64),  # sums in QUANTUM units
            "grievance": np.zeros((days, a), dtype=np.int64),
            "mediating": np.zeros(days, dtype=np.int64),
        }
        self._offsets = np.arange(a) * N_RUNGS

    def start(self, state: State) -> None:
        """Count the day-0 rungs towards the peaks."""
        np.maximum(self.peak, state.level, out=self.peak)

    def day(self, t: int, state: State, hits: np.ndarray) -> None:
        """Record the state at the end of day ``t``; ``hits`` are today's incidents (R, K)."""
        level = state.level
        top = np.maximum.reduce([level[:, i] for i in range(level.shape[1])])
        np.maximum(self.peak, level, out=self.peak)
        self.first_legal[(self.first_legal < 0) & (top >= LEGAL_COERCION)] = t
        self.first_force[(self.first_force < 0) & (top >= LIMITED_FORCE)] = t
        for k, count in self.days_ge.items():
            count += top >= k
        self.days_coercion += level >= LEGAL_COERCION
        self.goldstein += GOLDSTEIN[level]
        self.rivera += RIVERA_POINTS[level]
        self.trade_loss += 1.0 - state.trade
        self.energy_loss += 1.0 - state.energy
        self.mediation_days += state.mediating
        self.incidents += hits
        d = self.daily
        a = level.shape[1]
        d["rungs"][t] = np.bincount((level + self._offsets).ravel(),
                                    minlength=a * N_RUNGS).reshape(a, N_RUNGS)
        d["top"][t] = np.bincount(top, minlength=N_RUNGS)
        d["trade"][t] = np.bincount(_flow_bin(state.trade), minlength=FLOW_BINS)
        d["energy"][t] = np.bincount(_flow_bin(state.energy), minlength=FLOW_BINS)
        d["nationalism"][t] = fixed(state.nationalism).sum(axis=0)
        d["grievance"][t] = fixed(state.grievance).sum(axis=0)
        d["mediating"][t] = state.mediating.sum()

    def finish(self, state: State) -> dict[str, np.ndarray]:
        """Per-run metrics of the chunk, keyed by metric name; (R,) or (R, A) or (R, K)."""
        days = float(self.days)
        top_peak, top_final = self.peak.max(axis=1), state.level.max(axis=1)
        return {
            "outcome": classify(top_peak, top_final),
            "peak_rung": top_peak,
            "final_rung": top_final,
            "first_legal_day": self.first_legal,
            "first_force_day": self.first_force,
            "days_reduced_relations": self.days_ge[DIPLOMATIC_RUNG],
            "days_coercion": self.days_ge[LEGAL_COERCION],
            "days_military": self.days_ge[MILITARY_SIGNALLING],
            "trade_loss": self.trade_loss / days,
            "energy_loss": self.energy_loss / days,
            "mediation_days": self.mediation_days,
            "actor_peak": self.peak,
            "actor_final": state.level.copy(),
            "actor_days_coercion": self.days_coercion,
            "actor_goldstein": self.goldstein / days,
            "actor_escalation_score": self.rivera / days,
            "actor_final_nationalism": state.nationalism.copy(),
            "incidents": self.incidents,
        }


def _flow_bin(flow: np.ndarray) -> np.ndarray:
    return np.minimum((flow * FLOW_BINS).astype(np.int64), FLOW_BINS - 1)


def fixed(x: np.ndarray) -> np.ndarray:
    """Float values as int64 multiples of ``QUANTUM``, for exact sums over runs."""
    return np.rint(np.asarray(x, dtype=float) / QUANTUM).astype(np.int64)
