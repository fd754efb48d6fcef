"""Streaming aggregates of an ensemble: exact, order-free sums.

Memory and results do not depend on how runs are chunked or which worker ran them.

Integer metrics are summed as integers; float metrics in fixed point (``QUANTUM`` units) as
64-bit integers. Both are exact and associative: any grouping of chunks gives the same bits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from escalation_sim.engine.record import QUANTUM, fixed
from escalation_sim.model.ladder import N_RUNGS
from escalation_sim.model.outcomes import OUTCOMES

if TYPE_CHECKING:  # a type only: the calendar imports the compiled kernel (numba)
    from escalation_sim.engine.calendar import ChunkResult


@dataclass
class Moments:
    """Count, sum and sum of squares of a per-run quantity, summed exactly."""

    n: np.ndarray | int = 0
    total: np.ndarray | int = 0
    squares: np.ndarray | int = 0
    scale: float = 1.0

    def add(self, values: np.ndarray, where: np.ndarray | None = None) -> None:
        """Add the runs' values (leading run axis); ``where`` keeps only some runs."""
        values = np.asarray(values)
        if where is not None:
            values = np.where(where, values, 0)
        if values.dtype.kind in "iub":
            q, q2 = values.astype(np.int64), values.astype(np.int64) ** 2
        else:
            self.scale = QUANTUM
            q, q2 = fixed(values), fixed(values.astype(float) ** 2)
        self.n = self.n + (values.shape[0] if where is None else np.asarray(where).sum(axis=0))
        self.total = self.total + q.sum(axis=0)
        self.squares = self.squares + q2.sum(axis=0)

    def merge(self, other: Moments) -> None:
        """Add the values another :class:`Moments` of the same quantity holds."""
        if np.any(np.asarray(other.n) > 0):
            self.scale = other.scale
        self.n = self.n + other.n
        self.total = self.total + other.total
        self.squares = self.squares + other.squares

    def mean(self) -> np.ndarray:
        """Mean of the values added (NaN where none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.asarray(self.total, dtype=float)
            return np.asarray(total * self.scale / np.asarray(self.n, float))

    def std(self) -> np.ndarray:
        """Sample standard deviation (NaN with fewer than two values)."""
        n = np.asarray(self.n, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self.mean()
            var = (np.asarray(self.squares, dtype=float) * self.scale - n * mean**2) / (n - 1)
        return np.asarray(np.sqrt(np.maximum(var, 0.0)))


SCALAR_METRICS = ("peak_rung", "final_rung", "days_reduced_relations", "days_coercion",
                  "days_military", "trade_loss", "energy_loss", "energy_loss_incidents",
                  "energy_low_days", "mediation_days", "summits", "war_days",
                  "containment_days", "containments", "misread_military")
ACTOR_METRICS = ("actor_peak", "actor_final", "actor_days_coercion", "actor_goldstein",
                 "actor_escalation_score", "actor_final_nationalism", "actor_days_words",
                 "actor_rally", "actor_days_measures", "actor_days_talking", "actor_imposed",
                 "actor_lifted", "actor_force", "actor_final_measures")
ANY_METRICS = ("energy_low_days", "war_days", "actor_days_measures", "actor_days_talking",
               "actor_imposed", "actor_lifted", "actor_force", "actor_final_measures")
"""Metrics whose share of runs with a non-zero value is kept (``Aggregate.runs_with``): e.g.
the runs in which an actor kept a measure in force while its words were at engagement."""
MAX_SET_KINDS = 62
"""Incident kinds tracked in ``Aggregate.incident_sets`` (bits of one int64)."""
EVENT_DAYS = ("first_legal_day", "first_force_day", "first_summit_day")
"""Per-run days of first occurrence; -1 where it never happened."""


FORCE_RUNG = 8
"""A run's highest chosen rung at or above this counts as force (limited force, §2)."""


@dataclass
class ParticleTally:
    """Runs, runs with force and outcomes per parameter set of a calibration's joint sample.

    ``index(first_run, n)`` gives the set each run of a chunk drew (``draws.particle_index``);
    ``counts[i]`` holds set ``i``'s runs, its runs with force and its runs of each outcome
    class. Exact integer sums: the result does not depend on the chunking.
    """

    index: Callable[[int, int], np.ndarray]
    size: int
    counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))

    def __post_init__(self) -> None:
        if self.counts.size == 0:
            self.counts = np.zeros((self.size, 2 + len(OUTCOMES)), np.int64)

    def add(self, first_run: int, runs: dict[str, np.ndarray]) -> None:
        """Tally one chunk's runs by the set each drew."""
        n = runs["outcome"].shape[0]
        sets = self.index(first_run, n)
        np.add.at(self.counts[:, 0], sets, 1)
        np.add.at(self.counts[:, 1], sets, (runs["peak_rung"] >= FORCE_RUNG).astype(np.int64))
        np.add.at(self.counts, (sets, 2 + np.asarray(runs["outcome"], dtype=np.intp)), 1)


@dataclass
class Aggregate:
    """Everything a summary needs about one scenario's ensemble, merged chunk by chunk."""

    n_actors: int
    n_incidents: int
    days: int
    runs: int = 0
    outcomes: np.ndarray = field(default_factory=lambda: np.zeros(len(OUTCOMES), np.int64))
    moments: dict[str, Moments] = field(default_factory=dict)
    peak_counts: np.ndarray | None = None  # (A, N_RUNGS)
    top_peak_counts: np.ndarray = field(default_factory=lambda: np.zeros(N_RUNGS, np.int64))
    incident_runs: np.ndarray | None = None  # (K,) runs with at least one
    mediated_runs: int = 0
    settled_runs: int = 0
    runs_with: dict[str, np.ndarray] = field(default_factory=dict)
    """Per ``ANY_METRICS`` name: runs with a non-zero value (per actor for actor metrics)."""
    daily: dict[str, np.ndarray] = field(default_factory=dict)
    incident_sets: dict[int, int] = field(default_factory=dict)
    """Runs per set of incident kinds that struck (bit k: kind k), so that the chance of "any
    of these kinds" can be read for any group of kinds; the first ``MAX_SET_KINDS`` kinds."""
    sets: ParticleTally | None = None
    """Per parameter set of a calibration the scenario draws from, when it has one."""

    def __post_init__(self) -> None:
        if self.peak_counts is None:
            self.peak_counts = np.zeros((self.n_actors, N_RUNGS), np.int64)
        if self.incident_runs is None:
            self.incident_runs = np.zeros(self.n_incidents, np.int64)
        for name in SCALAR_METRICS + ACTOR_METRICS + EVENT_DAYS + ("incidents",):
            self.moments.setdefault(name, Moments())

    def add(self, chunk: ChunkResult) -> None:
        """Merge one chunk's results."""
        r = chunk.runs
        if self.sets is not None:
            self.sets.add(chunk.first_run, r)
        self.runs += r["outcome"].shape[0]
        self.outcomes += np.bincount(r["outcome"], minlength=len(OUTCOMES))
        for name in SCALAR_METRICS + ACTOR_METRICS + ("incidents",):
            self.moments[name].add(r[name])
        for name in EVENT_DAYS:
            self.moments[name].add(r[name], where=r[name] >= 0)
        assert self.peak_counts is not None  # set above
        for a in range(self.n_actors):
            self.peak_counts[a] += np.bincount(r["actor_peak"][:, a], minlength=N_RUNGS)
        self.top_peak_counts += np.bincount(r["peak_rung"], minlength=N_RUNGS)
        self.incident_runs += (r["incidents"] > 0).sum(axis=0)
        hit = r["incidents"][:, :MAX_SET_KINDS] > 0
        masks = (hit.astype(np.int64) << np.arange(hit.shape[1], dtype=np.int64)).sum(axis=1)
        for mask, count in zip(*np.unique(masks, return_counts=True), strict=True):
            self.incident_sets[int(mask)] = self.incident_sets.get(int(mask), 0) + int(count)
        for name in ANY_METRICS:
            found = (r[name] > 0).sum(axis=0)
            self.runs_with[name] = self.runs_with.get(name, 0) + found
        self.mediated_runs += int((r["mediation_days"] > 0).sum())
        self.settled_runs += int((r["summits"] > 0).sum())
        for name, values in chunk.daily.items():
            if name in self.daily:
                self.daily[name] += values  # in place: no new long-lived arrays per chunk
            else:
                self.daily[name] = values.copy()

    def merge(self, other: Aggregate) -> None:
        """Add the runs another aggregate of the same scenario holds (another chunk of runs).

        Sums of integers, so merging chunk aggregates gives the very aggregate that adding the
        chunks one by one gives, in any grouping (a worker merges its chunk, the caller the
        workers' aggregates).
        """
        self.runs += other.runs
        self.outcomes += other.outcomes
        for name, moments in other.moments.items():
            self.moments.setdefault(name, Moments()).merge(moments)
        assert self.peak_counts is not None and self.incident_runs is not None
        self.peak_counts += other.peak_counts
        self.top_peak_counts += other.top_peak_counts
        self.incident_runs += other.incident_runs
        self.mediated_runs += other.mediated_runs
        self.settled_runs += other.settled_runs
        for name, found in other.runs_with.items():
            self.runs_with[name] = self.runs_with.get(name, 0) + found
        for name, values in other.daily.items():
            if name in self.daily:
                self.daily[name] += values
            else:
                self.daily[name] = values.copy()
        for mask, count in other.incident_sets.items():
            self.incident_sets[mask] = self.incident_sets.get(mask, 0) + count

    def runs_with_any(self, kinds: list[int]) -> int:
        """Runs in which at least one incident of the given kinds (indices) struck."""
        wanted = sum(1 << k for k in kinds if k < MAX_SET_KINDS)
        return sum(n for mask, n in self.incident_sets.items() if mask & wanted)

    def daily_mean(self, name: str) -> np.ndarray:
        """Per-day mean over runs of a summed daily quantity (e.g. nationalism, grievance)."""
        return self.daily[name] * QUANTUM / self.runs
