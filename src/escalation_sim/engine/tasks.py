"""Tasks: what an executor computes, and the function a worker runs on one.

A leaf of the engine that both executors (``executors.py`` and ``dask_executor.py``) import,
so that neither imports the other at module level.
"""

from __future__ import annotations

import os
from typing import Any

from escalation_sim.engine.aggregate import Aggregate
from escalation_sim.engine.calendar import ChunkResult, simulate_blocks
from escalation_sim.engine.monthly import MONTHLY, simulate_blocks_monthly
from escalation_sim.engine.state import Start

Task = tuple[Any, ...]
"""``(blocks, first_run, n_runs, *options)``: one chunk of runs of one or more scenario points
side by side (``blocks``: their ``(scenario, seed)``), then options: ``"monthly"`` (per-run
monthly rungs, see ``monthly.py``); ``"reduced"`` (the worker merges each block's chunk into an
``Aggregate`` and sends that, not the per-run arrays); ``"final-day"`` (with ``"reduced"``:
of the daily histograms only the highest rungs of the last day, all a point's measures need);
the chunk's filtered starting state (a ``state.Start``, ``engine/filter.py``)."""
REDUCED = "reduced"
FINAL_DAY = "final-day"


def run_task(task: Task) -> list[ChunkResult] | list[Aggregate]:
    """Compute one task (a module-level function, so worker processes can import it).

    Returns a ``ChunkResult`` per block, or with the ``"reduced"`` option an ``Aggregate`` per
    block: what crosses the pipe from a worker is then a few histograms and sums per point.
    """
    blocks, first, n, *options = task
    start = next((o for o in options if isinstance(o, Start)), None)
    if MONTHLY in options:
        results = simulate_blocks_monthly(blocks, first, n, start)
    else:
        results = simulate_blocks(blocks, first, n, start=start)
    if REDUCED not in options:
        return results
    out = []
    for (scenario, _), result in zip(blocks, results, strict=True):
        if FINAL_DAY in options:
            result.daily = {"top": result.daily["top"][-1:]}
        agg = Aggregate(len(scenario.actors), len(scenario.incidents), scenario.horizon_days)
        agg.add(result)
        out.append(agg)
    return out


def default_workers() -> int:
    """Worker processes used when the user does not say: one per core."""
    return max(1, os.cpu_count() or 1)
