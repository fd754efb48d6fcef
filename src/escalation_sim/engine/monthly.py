"""Per-run monthly rungs, recorded only when asked (for ``escsim backtest``).

A backtest scores the simulated distribution of each actor's highest rung in each calendar month.
:class:`MonthlyRecorder` extends the chunk's :class:`Recorder` with two small per-run arrays; the
ordinary recorder, and so ``run``, ``compare`` and the rest, pay nothing for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from escalation_sim.engine.batch import Block
from escalation_sim.engine.calendar import ChunkResult, DaySim
from escalation_sim.engine.record import Recorder
from escalation_sim.engine.state import State
from escalation_sim.scenario.schema import Scenario

MONTHLY = "monthly"
"""The task option (see ``executors.run_task``) that asks for the monthly arrays."""


def month_of_day(start: dt.date | None, days: int) -> np.ndarray:
    """Month index of each simulated day: calendar months counted from ``start``'s month.

    Without a calendar start date, months are blocks of 30 days.
    """
    t = np.arange(days)
    if start is None:
        return t // 30
    dates = [start + dt.timedelta(days=int(d)) for d in t]
    return np.array([(d.year - start.year) * 12 + d.month - start.month for d in dates],
                    dtype=np.int64)


class MonthlyRecorder(Recorder):
    """A :class:`Recorder` that also keeps per-run monthly extremes.

    ``actor_month_max`` (R, A, M): each actor's highest rung in each month; ``month_min_top``
    (R, M): the lowest daily highest rung over actors in each month. The day-0 starting rungs
    count towards month 0.
    """

    def __init__(self, n_runs: int, n_actors: int, n_incidents: int, days: int,
                 months: np.ndarray, blocks: int = 1) -> None:
        super().__init__(n_runs, n_actors, n_incidents, days, blocks)
        self.months = months
        m = int(months[-1]) + 1 if days else 1
        self.month_max = np.zeros((n_runs, n_actors, m), dtype=np.int8)
        self.month_min_top = np.full((n_runs, m), 127, dtype=np.int8)

    def start(self, state: State) -> None:
        """Count the day-0 rungs towards the peaks and month 0."""
        super().start(state)
        self._note(0, state.level)

    def day(self, t: int, state: State, *args: Any, **kwargs: Any) -> None:
        """Record day ``t`` as the base recorder does, then the month's extremes."""
        super().day(t, state, *args, **kwargs)
        self._note(int(self.months[t]), state.level)

    def _note(self, m: int, level: np.ndarray) -> None:
        """Fold in today's rungs (``level`` is actors × runs, as in ``State``)."""
        np.maximum(self.month_max[:, :, m], level.T, out=self.month_max[:, :, m],
                   casting="unsafe")
        np.minimum(self.month_min_top[:, m], level.max(axis=0), out=self.month_min_top[:, m],
                   casting="unsafe")

    def finish(self, state: State) -> dict[str, np.ndarray]:
        """The base metrics plus ``actor_month_max`` and ``month_min_top``."""
        runs = super().finish(state)
        runs["actor_month_max"] = self.month_max
        runs["month_min_top"] = self.month_min_top
        return runs


def simulate_chunk_monthly(scenario: Scenario, seed: int, first_run: int,
                           n_runs: int) -> ChunkResult:
    """As ``calendar.simulate_chunk``, with the monthly arrays in the per-run results."""
    [result] = simulate_blocks_monthly([(scenario, seed)], first_run, n_runs)
    return result


def simulate_blocks_monthly(blocks: Sequence[Block], first_run: int,
                            n_runs: int) -> list[ChunkResult]:
    """As ``calendar.simulate_blocks``, with the monthly arrays in the per-run results."""
    scenario, seed = blocks[0]
    sim = DaySim(scenario, seed, first_run, n_runs, blocks=blocks)
    sim.recorder = MonthlyRecorder(sim.n_runs, len(scenario.actors), len(scenario.incidents),
                                   sim.days, month_of_day(scenario.start_date, sim.days),
                                   sim.n_blocks)
    return sim.run_blocks()
