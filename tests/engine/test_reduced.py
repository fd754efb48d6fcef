"""Results reduced in the worker, and one pool for a whole command.

A worker merges its chunk into an ``Aggregate`` before it crosses the pipe; the caller's
aggregate must be the very one that adding the per-run chunks gives, whatever the workers
and chunks. A ``LocalExecutor`` keeps its worker processes from one batch to the next.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.engine.aggregate import Aggregate
from escalation_sim.engine.ensemble import (
    MIN_TASK_ROWS,
    Point,
    _tasks,
    chunk_size,
    evaluate,
    plan_chunks,
)
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.engine.rng import RNG_BLOCK
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"


@pytest.fixture(scope="module")
def points() -> list[Point]:
    base = load_scenario(BASE, ["horizon_days=30"])
    other = load_scenario(BASE, ["horizon_days=30", "actors.baku.reciprocity=0.3"])
    return [Point(base, 5), Point(other, 5)]


def _assert_same(a: Aggregate, b: Aggregate) -> None:
    assert a.runs == b.runs
    np.testing.assert_array_equal(a.outcomes, b.outcomes)
    np.testing.assert_array_equal(a.peak_counts, b.peak_counts)
    np.testing.assert_array_equal(a.top_peak_counts, b.top_peak_counts)
    np.testing.assert_array_equal(a.incident_runs, b.incident_runs)
    assert (a.mediated_runs, a.settled_runs) == (b.mediated_runs, b.settled_runs)
    assert a.incident_sets == b.incident_sets
    assert a.moments.keys() == b.moments.keys()
    for name, m in a.moments.items():
        other = b.moments[name]
        for field in ("n", "total", "squares"):
            np.testing.assert_array_equal(getattr(m, field), getattr(other, field),
                                          err_msg=f"{name}.{field}")
        assert m.scale == other.scale, name
    assert a.runs_with.keys() == b.runs_with.keys()
    for name, found in a.runs_with.items():
        np.testing.assert_array_equal(found, b.runs_with[name], err_msg=name)
    assert a.daily.keys() == b.daily.keys()
    for name, values in a.daily.items():
        np.testing.assert_array_equal(values, b.daily[name], err_msg=name)


def test_reduced_aggregates_equal_the_chunk_by_chunk_ones(points) -> None:
    whole = evaluate(points, 3000, workers=1, keep_runs=True)  # per-run arrays, not reduced
    with LocalExecutor(2) as pool:
        reduced = evaluate(points, 3000, executor=pool, chunk_runs=1024)
    for a, b in zip(whole, reduced, strict=True):
        assert b.runs is None
        _assert_same(a.aggregate, b.aggregate)


def test_final_day_only_keeps_the_last_day_of_the_top_rungs(points) -> None:
    whole = evaluate(points[:1], 2000, workers=1)[0].aggregate
    last = evaluate(points[:1], 2000, workers=1, final_day_only=True)[0].aggregate
    assert list(last.daily) == ["top"]
    np.testing.assert_array_equal(last.daily["top"], whole.daily["top"][-1:])
    np.testing.assert_array_equal(last.outcomes, whole.outcomes)


def test_one_pool_serves_every_batch_of_a_command(points) -> None:
    pool = LocalExecutor(2)
    try:
        first = evaluate(points, 2048, executor=pool, chunk_runs=1024)
        assert pool._pool is not None
        pids = sorted(w.process.pid for w in pool._pool._pool)
        again = evaluate(points, 2048, executor=pool, chunk_runs=1024)
        assert sorted(w.process.pid for w in pool._pool._pool) == pids
        processes = [w.process for w in pool._pool._pool]
    finally:
        pool.close()
    assert all(p.exitcode is not None for p in processes)
    for a, b in zip(first, again, strict=True):
        _assert_same(a.aggregate, b.aggregate)


@pytest.mark.parametrize(("runs", "workers", "n_points"),
                         [(256, 2, 64), (2048, 2, 1), (10_240, 2, 1), (256, 2, 200),
                          (100_000, 2, 1), (128, 1, 32), (2048, 2, 8)])
def test_tasks_have_enough_rows_where_the_work_allows(points, runs, workers, n_points) -> None:
    alike = [points[0]] * n_points
    chunks = plan_chunks(runs, chunk_size(runs, workers, n_points))
    tasks, _ = _tasks(alike, chunks, workers, ())
    rows = [n * len(blocks) for blocks, _, n, *_ in tasks]
    assert sum(rows) == runs * n_points
    assert len(tasks) >= min(workers, runs * n_points // RNG_BLOCK)  # every worker has work
    if runs * n_points >= 2 * workers * MIN_TASK_ROWS:
        assert len(tasks) >= 2 * workers  # two per worker once each still has enough rows
    elif workers > 1:
        assert len(tasks) <= workers or min(rows) >= MIN_TASK_ROWS // 2
