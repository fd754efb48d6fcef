"""The local pool chooses how its workers start, whatever a library set globally."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from unittest.mock import patch

import pytest

from escalation_sim.engine.executors import LocalExecutor, _pool_context, make_executor


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_pool_forks_even_after_a_library_set_spawn():
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)  # what importing Mesa does
    try:
        assert _pool_context().get_start_method() == "fork"
    finally:
        multiprocessing.set_start_method(before, force=True)


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_pool_spawns_where_fork_is_unsafe_or_absent(platform):
    assert _pool_context(platform).get_start_method() == "spawn"


def test_spawned_workers_give_the_same_numbers():
    from escalation_sim.engine.ensemble import Point, evaluate
    from escalation_sim.scenario.load import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml",
                             ["horizon_days=20"])
    point = [Point(scenario, 3)]
    alone = evaluate(point, 2048, workers=1, keep_runs=True, chunk_runs=1024)[0]
    pool = LocalExecutor(2)
    with patch("escalation_sim.engine.executors._pool_context",
               lambda: multiprocessing.get_context("spawn")):
        spawned = evaluate(point, 2048, executor=pool, keep_runs=True, chunk_runs=1024)[0]
    assert alone.runs is not None and spawned.runs is not None
    for name, values in alone.runs.items():
        assert (spawned.runs[name] == values).all(), name


def test_unknown_executor_and_stray_scheduler_are_refused():
    with pytest.raises(ValueError, match="not known"):
        make_executor("threads")
    with pytest.raises(ValueError, match="--scheduler needs --executor dask"):
        make_executor("local", scheduler="tcp://127.0.0.1:8786")
