"""Tasks: what an executor computes, and the function a worker runs on one.

A leaf of the engine that both executors (``executors.py`` and ``dask_executor.py``) import,
so that neither imports the other at module level.
"""

from __future__ import annotations

import os
from typing import Any

from escalation_sim.engine.calendar import ChunkResult, simulate_blocks
from escalation_sim.engine.monthly import MONTHLY, simulate_blocks_monthly
from escalation_sim.engine.state import Start

Task = tuple[Any, ...]
"""``(blocks, first_run, n_runs, *options)``: one chunk of runs of one or more scenario points
side by side (``blocks``: their ``(scenario, seed)``), optionally followed by a recording option
(``"monthly"``: per-run monthly rungs, see ``monthly.py``) and the chunk's filtered starting
state (a ``state.Start``, ``engine/filter.py``)."""


def run_task(task: Task) -> list[ChunkResult]:
    """Compute one task (a module-level function, so worker processes can import it)."""
    blocks, first, n, *option = task
    start = next((o for o in option if isinstance(o, Start)), None)
    if MONTHLY in option:
        return simulate_blocks_monthly(blocks, first, n, start)
    return simulate_blocks(blocks, first, n, start=start)


def default_workers() -> int:
    """Worker processes used when the user does not say: one per core."""
    return max(1, os.cpu_count() or 1)
