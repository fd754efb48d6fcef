"""The ensemble state: numpy arrays with a trailing run axis (docs/model.md §3, §7).

Arrays are actor-major, ``(A, R)``, so that each actor's values over runs are contiguous; what one
actor perceives of another is kept per ordered pair ``(i, j)``, ``i != j`` (``pairs``), and the
measures in force per actor and domain, ``(A, N_DOMAINS, R)`` counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from escalation_sim.model.ladder import (
    DOMAIN_RUNG,
    DOMAINS,
    LIMITED_FORCE,
    MAX_MEASURES,
    MILITARY_SIGNALLING,
    N_DOMAINS,
    VERBAL_HOSTILITY,
    domain_of_rung,
)
from escalation_sim.scenario.schema import Scenario

HISTORY = 64
"""Days of history kept for perception lags (the schema caps ``lag_days`` at 60)."""
NO_ACT = -1
"""In ``State.acts``: no new measure imposed nor lifted that day."""
REPLIED = 8
"""In ``State.acts``: ``REPLIED + k`` means a measure of domain ``k`` was imposed in reply to
one of the same kind: it closes the round, and gives the other nothing new to answer in kind."""
LIFTED = 16
"""In ``State.acts``: ``LIFTED + k`` means a measure of domain ``k`` was lifted that day."""
NEVER = -(10**6)
"""A day long before the run: no settlement, no hit, no force met yet."""
OPEN, MET, DROPPED = 0, 1, 2
"""States of a demand (``State.demand``)."""


def pairs(n_actors: int) -> list[tuple[int, int]]:
    """Ordered pairs (observer, other) of distinct actors, observer-major."""
    return [(i, j) for i in range(n_actors) for j in range(n_actors) if i != j]


class State(NamedTuple):
    """What every run of a chunk carries from one day to the next."""

    level: np.ndarray  # (A, R) int64: the reading, max of stance, measures and force (§2)
    stance: np.ndarray  # (A, R) int64: the declaratory track, 0-3
    measures: np.ndarray  # (A, N_DOMAINS, R) int64: measures in force by domain
    measures_since: np.ndarray  # (A, N_DOMAINS, R) int64: day the domain's measures in force
    # began to stand (the last day its count rose from 0; for those in force at the start, day 0
    # less their initial_measures_age_days)
    war: np.ndarray  # (A, R) bool: at open war
    history: np.ndarray  # (HISTORY, A, R) int8: the reading at the end of each recent day
    acts: np.ndarray  # (HISTORY, A, R) int8: domain of a measure imposed (k), imposed in
    # reply in kind (REPLIED + k) or lifted (LIFTED + k) on each recent day, NO_ACT for none
    prev_lagged: np.ndarray  # (P, R) int64: what the observer's lagged view showed yesterday
    seen: np.ndarray  # (P, R) int64: the rung each observer saw of each other today
    grievance: np.ndarray  # (A, R) rungs
    nationalism: np.ndarray  # (A, R) index 0-1
    trust: np.ndarray  # (P, R) index 0-1: trust of observer i in actor j, per pair (i, j)
    activation: np.ndarray  # (Q, R) contention of each issue, 0-1
    gap_left: np.ndarray  # (Q, R) share of each issue's gap of positions still open (a demand
    # met closes it)
    trade: np.ndarray  # (R,) fraction of the pre-crisis flow
    energy_supply: np.ndarray  # (R,) energy flow as measures and war leave it
    energy_damage: np.ndarray  # (R,) share of energy flow left after incidents on assets
    crisis_days: np.ndarray  # (R,) int64 consecutive days of reduced relations
    mediating: np.ndarray  # (R,) bool
    talks_left: np.ndarray  # (R,) int64 days of hotline talks still to run
    settled_day: np.ndarray  # (R,) int64 day of the last leader-level settlement
    flare_day: np.ndarray  # (R,) int64 day of the last new measure, use of force or trigger
    hit_domain: np.ndarray  # (A, R) int64 domain the actor was last hit in, -1 none
    hit_day: np.ndarray  # (A, R) int64
    force_met_day: np.ndarray  # (A, R) int64 last day the actor suffered the other's force
    demand: np.ndarray  # (D, R) int64: OPEN, MET or DROPPED
    closed_day: np.ndarray  # (D, R) int64 day the demand was met or dropped
    top: np.ndarray  # (R,) int64 highest reading at the end of the previous day

    @classmethod
    def initial(cls, scenario: Scenario, n_runs: int) -> State:
        """Day-0 state of ``n_runs`` runs.

        Identical runs, unless ``scenario`` carries per-run arrays (``compile.with_run_values``):
        then each run starts from its own values. ``initial_rung`` is the reading at day 0: the
        stance is ``min(initial_rung, 3)``; measures above it are dropped, and from diplomatic
        retaliation up one measure of the rung's domain (military posture for force) is in force
        unless ``initial_measures`` holds one at that rung. At 9 the actor is at war.
        """
        actors = list(scenario.actors.values())
        a, r = len(actors), n_runs

        def column(values: list[Any], dtype: type = float) -> np.ndarray:
            cols: list[np.ndarray] = [np.asarray(v, dtype=dtype).reshape(-1) for v in values]
            return np.array(np.broadcast_to(np.stack(np.broadcast_arrays(*cols)), (a, r)))

        rung = column([x.initial_rung for x in actors], np.int64)
        measures = np.zeros((a, N_DOMAINS, r), dtype=np.int64)
        since = np.zeros((a, N_DOMAINS, r), dtype=np.int64)  # minus the age of day 0's measures
        rungs = np.array([DOMAIN_RUNG[d] for d in DOMAINS])
        for i, actor in enumerate(actors):
            for name, age in actor.initial_measures_age_days.items():
                since[i, DOMAINS.index(name)] = -round(age)
            for name, count in actor.initial_measures.items():
                measures[i, DOMAINS.index(name)] = np.where(DOMAIN_RUNG[name] <= rung[i],
                                                            min(count, MAX_MEASURES), 0)
            # the reading's own rung, if no measure stands there (force reads as posture)
            top = np.minimum(rung[i], MILITARY_SIGNALLING)
            held = (measures[i] > 0) & (rungs[:, None] == top[None, :])
            for run_rung in np.unique(top[(top > VERBAL_HOSTILITY) & ~held.any(axis=0)]):
                rows = (top == run_rung) & ~held.any(axis=0)
                measures[i, domain_of_rung(int(run_rung)), rows] = 1
        stance = np.minimum(rung, VERBAL_HOSTILITY)
        level = rung.copy()
        history = np.broadcast_to(level.astype(np.int8), (HISTORY, a, r)).copy()
        m = scenario.model
        n_pairs = len(pairs(a))
        q = len(scenario.issues)
        activation = np.array(np.broadcast_to(np.stack(np.broadcast_arrays(
            *[np.asarray(i.activation, float).reshape(-1) for i in scenario.issues.values()]))
            if q else np.zeros((0, 1)), (q, r)))
        return cls(
            level=level,
            stance=stance,
            measures=measures,
            measures_since=since,
            war=column([x.initial_rung >= 9 for x in actors], bool),
            history=history,
            acts=np.full((HISTORY, a, r), NO_ACT, dtype=np.int8),
            prev_lagged=np.array([level[j] for _, j in pairs(a)]).reshape(n_pairs, r),
            seen=np.array([level[j] for _, j in pairs(a)]).reshape(n_pairs, r),
            grievance=column([x.initial_grievance for x in actors]),
            nationalism=column([x.nationalism for x in actors]),
            trust=np.array(np.broadcast_to(np.asarray(m.initial_trust, float).reshape(-1),
                                           (n_pairs, r))),
            activation=activation,
            gap_left=np.ones((q, r)),
            trade=np.array(np.broadcast_to(np.asarray(m.initial_trade_flow, float), (r,))),
            energy_supply=np.array(np.broadcast_to(np.asarray(m.initial_energy_flow, float),
                                                   (r,))),
            energy_damage=np.ones(r),
            crisis_days=np.zeros(r, dtype=np.int64),
            mediating=np.zeros(r, dtype=bool),
            talks_left=np.zeros(r, dtype=np.int64),
            settled_day=np.full(r, NEVER, dtype=np.int64),
            flare_day=np.where(measures.sum(axis=(0, 1)) > 0, 0, NEVER).astype(np.int64),
            hit_domain=np.full((a, r), -1, dtype=np.int64),
            hit_day=np.full((a, r), NEVER, dtype=np.int64),
            # a reading of force on day 0 (an opening operation) is force the others have met
            force_met_day=np.where([(np.delete(rung, i, axis=0) >= LIMITED_FORCE).any(axis=0)
                                    for i in range(a)], 0, NEVER).astype(np.int64),
            demand=np.zeros((len(scenario.demands), r), dtype=np.int64),
            closed_day=np.full((len(scenario.demands), r), NEVER, dtype=np.int64),
            top=level.max(axis=0),
        )

    def take(self, runs: np.ndarray) -> State:
        """The state of runs ``runs`` (indices, with repeats), in that order.

        Row ``k`` is run ``runs[k]``'s; every field keeps its run axis last.
        """
        return State(*(np.ascontiguousarray(np.take(x, runs, axis=-1)) for x in self))

    def copy(self) -> State:
        """A copy that the kernel may change without touching this one."""
        return State(*(np.array(x, copy=True) for x in self))

    def slice(self, first: int, n: int) -> State:
        """Runs ``first .. first + n - 1`` (a copy)."""
        return State(*(np.array(x[..., first:first + n], copy=True) for x in self))


@dataclass(frozen=True)
class Start:
    """Runs as they stand on a forecast's day 0, instead of a scenario's starting state.

    The state of every run and the per-run values (dotted path -> ``(R,)``) its parameters were
    drawn with: a filtered ensemble travels with its draws (``engine/filter.py``).
    """

    state: State
    values: dict[str, np.ndarray]

    @property
    def runs(self) -> int:
        """How many runs."""
        return int(self.state.level.shape[-1])

    def slice(self, first: int, n: int) -> Start:
        """Runs ``first .. first + n - 1``."""
        return Start(self.state.slice(first, n),
                     {path: np.asarray(v)[first:first + n] for path, v in self.values.items()})
