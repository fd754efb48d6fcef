"""Recording: per-run metrics (docs/model.md §11) and per-day histograms that merge by addition.

Daily aggregates are counts (rung histograms per actor, flow histograms), so chunks of runs can
be summed in any grouping and memory does not grow with the number of runs.
"""

from __future__ import annotations

import numpy as np

from escalation_sim.engine.day import Today
from escalation_sim.engine.state import State
from escalation_sim.model.ladder import (
    GOLDSTEIN,
    LEGAL_COERCION,
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    N_RUNGS,
    RIVERA_POINTS,
    VERBAL_HOSTILITY,
)
from escalation_sim.model.outcomes import classify

QUANTUM = 2.0**-24
"""Resolution at which float quantities are summed over runs (exact, order-free int64 sums)."""
FLOW_BINS = 100
"""Bins of the daily flow histograms: 1% of the pre-crisis flow each."""
DIPLOMATIC_RUNG = 4
"""Relations count as reduced while some side is at diplomatic retaliation or above."""
_RIVERA_INT = RIVERA_POINTS.astype(np.int32)


class Recorder:
    """Accumulates one chunk's metrics day by day (state arrays are actor-major, ``(A, R)``).

    A chunk of ``blocks`` points side by side (``engine/batch.py``) keeps its daily histograms
    per block: ``daily[name]`` has shape ``(days, blocks, ...)``, block ``b`` counting rows
    ``[b R / blocks, (b + 1) R / blocks)``.
    """

    def __init__(self, n_runs: int, n_actors: int, n_incidents: int, days: int,
                 blocks: int = 1) -> None:
        r, a = n_runs, n_actors
        self.days, self.blocks = days, blocks
        self.peak = np.zeros((a, r), dtype=np.int64)
        self.first_legal = np.full(r, -1, dtype=np.int64)
        self.first_force = np.full(r, -1, dtype=np.int64)
        # day counts and escalation points are whole numbers: int32 halves the memory traffic
        self.days_ge = {k: np.zeros(r, dtype=np.int32)
                        for k in (DIPLOMATIC_RUNG, LEGAL_COERCION, MILITARY_SIGNALLING)}
        self.days_coercion = np.zeros((a, r), dtype=np.int32)
        self.goldstein = np.zeros((a, r))
        self.rivera = np.zeros((a, r), dtype=np.int32)
        self.trade_loss = np.zeros(r)
        self.energy_loss = np.zeros(r)
        self.mediation_days = np.zeros(r, dtype=np.int32)
        self.incidents = np.zeros((r, n_incidents), dtype=np.int64)
        self.summits = np.zeros(r, dtype=np.int32)
        self.first_summit = np.full(r, -1, dtype=np.int64)
        self.days_words = np.zeros((a, r), dtype=np.int32)
        self.rally = np.zeros((a, r))
        self.misread_military = np.zeros(r, dtype=np.int64)
        # containment (§10): from an incident until the highest rung is back where it stood
        self.contain_ref = np.full(r, -1, dtype=np.int64)  # rung to get back to; -1: none open
        self.contain_from = np.zeros(r, dtype=np.int64)
        self.contain_days = np.zeros(r, dtype=np.int64)
        self.contained = np.zeros(r, dtype=np.int64)
        self.open_containments = False
        b = blocks
        self.daily = {
            "rungs": np.zeros((days, b, a, N_RUNGS), dtype=np.int64),
            "top": np.zeros((days, b, N_RUNGS), dtype=np.int64),
            "trade": np.zeros((days, b, FLOW_BINS), dtype=np.int64),
            "energy": np.zeros((days, b, FLOW_BINS), dtype=np.int64),
            "nationalism": np.zeros((days, b, a), dtype=np.int64),  # sums in QUANTUM units
            "grievance": np.zeros((days, b, a), dtype=np.int64),
            "mediating": np.zeros((days, b), dtype=np.int64),
        }
        # histogram bins of each row: its block's, then its actor's (rungs) or its own
        block = np.repeat(np.arange(b), r // b) if b > 1 else np.zeros(1, np.int64)
        self._offsets = (block[None, :] * a + np.arange(a)[:, None]) * N_RUNGS
        self._top_offset = block * N_RUNGS if b > 1 else 0
        self._flow_offset = block * FLOW_BINS if b > 1 else 0
        self._not_yet = {LEGAL_COERCION: np.arange(r), LIMITED_FORCE: np.arange(r)}

    def start(self, state: State) -> None:
        """Count the day-0 rungs towards the peaks."""
        np.maximum(self.peak, state.level, out=self.peak)

    def _contain(self, t: int, top: np.ndarray) -> None:
        """Close the containments whose run is back at or below its pre-incident highest rung."""
        done = np.flatnonzero((self.contain_ref >= 0) & (top <= self.contain_ref))
        if done.size:
            self.contain_days[done] += t - self.contain_from[done]
            self.contained[done] += 1
            self.contain_ref[done] = -1
            self.open_containments = bool((self.contain_ref >= 0).any())

    def day(self, t: int, state: State, today: Today) -> None:
        """Record the state at the end of day ``t`` and what happened during it."""
        level, top = state.level, state.top
        np.maximum(self.peak, level, out=self.peak)
        self._firsts(t, top)
        for k, count in self.days_ge.items():
            count += top >= k
        self.days_coercion += level >= LEGAL_COERCION
        self.days_words += level == VERBAL_HOSTILITY
        self.goldstein += GOLDSTEIN.take(level)
        self.rivera += _RIVERA_INT.take(level)
        self.trade_loss += 1.0 - state.trade
        self.energy_loss += 1.0 - state.energy
        self.mediation_days += state.mediating
        if today.rally is not None:
            self.rally += today.rally
        if today.jumps is not None:
            np.add.at(self.rally.reshape(-1), *today.jumps)
        if today.misread_military:
            np.add.at(self.misread_military, np.concatenate(today.misread_military), 1)
        if today.settled.size:
            self.summits[today.settled] += 1
            new = today.settled[self.first_summit[today.settled] < 0]
            self.first_summit[new] = t
        if today.hit_rows.size:
            np.add.at(self.incidents, (today.hit_rows, today.hit_kinds), 1)
            opened = today.hit_rows[self.contain_ref[today.hit_rows] < 0]
            assert today.top_before is not None
            self.contain_ref[opened] = today.top_before[opened]
            self.contain_from[opened] = t
            self.open_containments = True
        if self.open_containments:
            self._contain(t, top)
        d, b = self.daily, self.blocks
        a = level.shape[0]
        d["rungs"][t] = np.bincount((level + self._offsets).ravel(),
                                    minlength=b * a * N_RUNGS).reshape(b, a, N_RUNGS)
        d["top"][t] = np.bincount(top + self._top_offset,
                                  minlength=b * N_RUNGS).reshape(b, N_RUNGS)
        d["trade"][t] = np.bincount(_flow_bin(state.trade) + self._flow_offset,
                                    minlength=b * FLOW_BINS).reshape(b, FLOW_BINS)
        d["energy"][t] = np.bincount(_flow_bin(state.energy) + self._flow_offset,
                                     minlength=b * FLOW_BINS).reshape(b, FLOW_BINS)
        d["nationalism"][t] = _fixed_sum(state.nationalism, b)
        d["grievance"][t] = _fixed_sum(state.grievance, b)
        d["mediating"][t] = (np.count_nonzero(state.mediating) if b == 1
                             else state.mediating.reshape(b, -1).sum(axis=1))

    def _firsts(self, t: int, top: np.ndarray) -> None:
        """Days of first legal coercion and first force (-1 until they happen)."""
        for rung, first in ((LEGAL_COERCION, self.first_legal), (LIMITED_FORCE, self.first_force)):
            runs = self._not_yet[rung]
            if runs.size:
                reached = top[runs] >= rung
                if reached.any():
                    first[runs[reached]] = t
                    self._not_yet[rung] = runs[~reached]

    def finish(self, state: State) -> dict[str, np.ndarray]:
        """Per-run metrics of the chunk, keyed by metric name; (R,) or (R, A) or (R, K).

        Containments still open at the horizon count with their days so far (censored).
        """
        days = float(self.days)
        still = self.contain_ref >= 0
        self.contain_days[still] += self.days - self.contain_from[still]
        self.contained[still] += 1
        top_peak, top_final = self.peak.max(axis=0), state.level.max(axis=0)

        def runs_first(x: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(x.T)

        return {
            "outcome": classify(top_peak, top_final),
            "peak_rung": top_peak,
            "final_rung": top_final,
            "first_legal_day": self.first_legal,
            "first_force_day": self.first_force,
            "days_reduced_relations": self.days_ge[DIPLOMATIC_RUNG].astype(np.int64),
            "days_coercion": self.days_ge[LEGAL_COERCION].astype(np.int64),
            "days_military": self.days_ge[MILITARY_SIGNALLING].astype(np.int64),
            "trade_loss": self.trade_loss / days,
            "energy_loss": self.energy_loss / days,
            "mediation_days": self.mediation_days.astype(np.int64),
            "summits": self.summits.astype(np.int64),
            "first_summit_day": self.first_summit,
            "containment_days": self.contain_days,
            "containments": self.contained,
            "misread_military": self.misread_military,
            "actor_peak": runs_first(self.peak),
            "actor_final": runs_first(state.level),
            "actor_days_coercion": runs_first(self.days_coercion.astype(np.int64)),
            "actor_goldstein": runs_first(self.goldstein / days),
            "actor_escalation_score": runs_first(self.rivera / days),  # exact: whole points
            "actor_final_nationalism": runs_first(state.nationalism),
            "actor_days_words": runs_first(self.days_words.astype(np.int64)),
            "actor_rally": runs_first(self.rally),
            "incidents": self.incidents,
        }


def _flow_bin(flow: np.ndarray) -> np.ndarray:
    return np.minimum((flow * FLOW_BINS).astype(np.int64), FLOW_BINS - 1)


def _fixed_sum(x: np.ndarray, blocks: int = 1) -> np.ndarray:
    """``fixed(x).sum(axis=1)`` of an ``(A, R)`` array, per block of runs: ``(blocks, A)``.

    Whole numbers below 2**53 add exactly in float64, so the float sum equals the integer one.
    """
    q = np.rint(x * (1.0 / QUANTUM))
    if blocks == 1:
        return q.sum(axis=1).astype(np.int64)[None]
    return q.reshape(x.shape[0], blocks, -1).sum(axis=2).T.astype(np.int64)


def fixed(x: np.ndarray) -> np.ndarray:
    """Float values as int64 multiples of ``QUANTUM``, for exact sums over runs."""
    return np.rint(np.asarray(x, dtype=float) / QUANTUM).astype(np.int64)
