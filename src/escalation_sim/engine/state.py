"""The ensemble state: numpy arrays with a leading run axis (docs/model.md §3, §7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation_sim.scenario.schema import Scenario

HISTORY = 64
"""Days of rung history kept for perception lags (the schema caps ``lag_days`` at 60)."""


@dataclass
class State:
    """What every run of a chunk carries from one day to the next."""

    level: np.ndarray  # (R, A) int: rung each actor stands on
    history: np.ndarray  # (HISTORY, R, A) int8: rung at the start of each recent day (ring)
    prev_lagged: np.ndarray  # (R, A, A): what each observer's lagged view showed yesterday
    grievance: np.ndarray  # (R, A) rungs
    nationalism: np.ndarray  # (R, A) index 0-1
    trust: np.ndarray  # (R, A, A) index 0-1: trust of observer i in actor j
    trade: np.ndarray  # (R,) fraction of pre-crisis flow
    energy: np.ndarray  # (R,) fraction of pre-crisis flow
    crisis_days: np.ndarray  # (R,) consecutive days with a side at legal coercion or above
    mediating: np.ndarray  # (R,) bool: a mediator is engaged

    @classmethod
    def initial(cls, scenario: Scenario, n_runs: int) -> State:
        """Day-0 state of ``n_runs`` identical runs."""
        actors = list(scenario.actors.values())
        a = len(actors)
        level = np.tile(np.array([x.initial_rung for x in actors], dtype=np.int64), (n_runs, 1))
        m = scenario.model
        return cls(
            level=level,
            history=np.broadcast_to(level.astype(np.int8), (HISTORY, n_runs, a)).copy(),
            prev_lagged=np.broadcast_to(level[:, None, :], (n_runs, a, a)).copy(),
            grievance=np.tile([x.initial_grievance for x in actors], (n_runs, 1)).astype(float),
            nationalism=np.tile([x.nationalism for x in actors], (n_runs, 1)).astype(float),
            trust=np.full((n_runs, a, a), m.initial_trust),
            trade=np.full(n_runs, m.initial_trade_flow),
            energy=np.full(n_runs, m.initial_energy_flow),
            crisis_days=np.zeros(n_runs, dtype=np.int64),
            mediating=np.zeros(n_runs, dtype=bool),
        )
