"""Per-run monthly readings, recorded only when asked (for ``escsim backtest``).

A backtest scores the simulated distribution of each actor's reading in each calendar month, and
of its two tracks: the highest measure (or force) in force and the highest stance. The kernel keeps
these extremes when the chunk is run with ``monthly=True`` (``calendar.DaySim``); the ordinary
run, and so ``run``, ``compare`` and the rest, pay nothing for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from escalation_sim.engine.batch import Block
from escalation_sim.engine.calendar import ChunkResult, month_of_day, simulate_blocks
from escalation_sim.engine.state import Start

MONTHLY = "monthly"
"""The task option (see ``executors.run_task``) that asks for the monthly arrays."""

__all__ = ["MONTHLY", "month_of_day", "simulate_blocks_monthly"]


def simulate_blocks_monthly(blocks: Sequence[Block], first_run: int, n_runs: int,
                            start: Start | None = None) -> list[ChunkResult]:
    """As ``calendar.simulate_blocks``, with the monthly arrays in the per-run results."""
    return simulate_blocks(blocks, first_run, n_runs, monthly=True, start=start)
