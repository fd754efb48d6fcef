"""The ensemble state: numpy arrays with a trailing run axis (docs/model.md §3, §7).

Arrays are actor-major, ``(A, R)``, so that each actor's values over runs are contiguous; what
one actor perceives of another is kept per ordered pair ``(i, j)``, ``i != j`` (``pairs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.scenario.schema import Scenario

HISTORY = 64
"""Days of rung history kept for perception lags (the schema caps ``lag_days`` at 60)."""


def pairs(n_actors: int) -> list[tuple[int, int]]:
    """Ordered pairs (observer, other) of distinct actors, observer-major."""
    return [(i, j) for i in range(n_actors) for j in range(n_actors) if i != j]


@dataclass
class State:
    """What every run of a chunk carries from one day to the next."""

    level: np.ndarray  # (A, R) int: rung each actor stands on
    history: np.ndarray  # (HISTORY, A, R) int8: rung at the start of each recent day (ring)
    prev_lagged: list[np.ndarray]  # per pair (R,): what the observer's lagged view showed yesterday
    grievance: np.ndarray  # (A, R) rungs
    nationalism: np.ndarray  # (A, R) index 0-1
    trust: np.ndarray  # (P, R) index 0-1: trust of observer i in actor j, per pair (i, j)
    trade: np.ndarray  # (R,) fraction of pre-crisis flow
    energy: np.ndarray  # (R,) fraction of pre-crisis flow
    crisis_days: np.ndarray  # (R,) consecutive days with a side at diplomatic retaliation or above
    mediating: np.ndarray  # (R,) bool: a mediator is engaged
    talks_left: np.ndarray  # (R,) days of hotline talks still to run
    top: np.ndarray  # (R,) highest rung at the end of the previous day

    @classmethod
    def initial(cls, scenario: Scenario, n_runs: int) -> State:
        """Day-0 state of ``n_runs`` runs.

        Identical runs, unless ``scenario`` carries per-run arrays (``params.with_run_values``):
        then each run starts from its own values (nationalism, initial rungs, trust, flows …).
        """
        actors = list(scenario.actors.values())
        a = len(actors)

        def column(values: list[Any], dtype: type = float) -> np.ndarray:
            cols = [np.asarray(v, dtype=dtype).reshape(-1) for v in values]
            return np.array(np.broadcast_to(np.stack(np.broadcast_arrays(*cols)), (a, n_runs)))

        level = column([x.initial_rung for x in actors], np.int64)
        history = np.broadcast_to(level.astype(np.int8), (HISTORY, a, n_runs)).copy()
        m = scenario.model
        return cls(
            level=level,
            history=history,
            prev_lagged=[history[0, j] for _, j in pairs(a)],
            grievance=column([x.initial_grievance for x in actors]),
            nationalism=column([x.nationalism for x in actors]),
            trust=np.full((len(pairs(a)), n_runs), m.initial_trust, dtype=float),
            trade=np.full(n_runs, m.initial_trade_flow),
            energy=np.full(n_runs, m.initial_energy_flow),
            crisis_days=np.zeros(n_runs, dtype=np.int64),
            mediating=np.zeros(n_runs, dtype=bool),
            talks_left=np.zeros(n_runs, dtype=np.int64),
            top=level.max(axis=0),
        )

    def talking(self, rows: np.ndarray) -> np.ndarray:
        """Whether a mediator or the hotline's talks are engaged in each of ``rows``."""
        return self.mediating[rows] | (self.talks_left[rows] > 0)
