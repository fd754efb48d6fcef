"""Ensembles: split runs into chunks, hand them to an executor, merge the results as they come.

``evaluate`` is the one entry point that ``run``, ``compare``, ``sweep``, ``sensitivity`` and
``backtest`` stand on: it evaluates a batch of scenario points, each with its seed, over the
same run indices, and returns one ``Aggregate`` per point (plus per-run arrays when asked).

Points that are structurally alike (``batch.structure``: they differ only in numeric
parameters) are batched: a task computes one chunk of runs of several points side by side, each
point a block of rows with its own parameter values, its random numbers drawn once for all the
points that share its seed (``batch.py``, ``rng.py``). Each point's results are the ones it
gives alone, whatever the batching, the chunking or the workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from escalation_sim.engine.aggregate import Aggregate, ParticleTally
from escalation_sim.engine.batch import structure
from escalation_sim.engine.calendar import ChunkResult
from escalation_sim.engine.executors import Executor, LocalExecutor, Task
from escalation_sim.engine.monthly import MONTHLY
from escalation_sim.engine.rng import RNG_BLOCK
from escalation_sim.engine.state import Start
from escalation_sim.engine.tasks import FINAL_DAY, REDUCED
from escalation_sim.model import _jit
from escalation_sim.scenario.schema import Scenario

MAX_CHUNK_RUNS = 10 * RNG_BLOCK
"""Most runs per unit of work: large enough to amortise numpy's per-call cost (the cost per run
is flat from about 8k runs on), small enough for memory to stay flat: 10,000 runs are one chunk
of this size, so 1,000,000 runs need no larger working set. Results do not depend on the
chunking (see ``rng.py``)."""

MIN_TASK_ROWS = 8 * RNG_BLOCK
"""Rows a task should have at least, where the work allows: below this the fixed costs of a task
(its calendar, parameter compilation, sending it and its result) start to weigh."""

Progress = Callable[[int], None]
"""Called with the number of runs just finished."""
RunsSink = Callable[[int, ChunkResult], None]
"""Called with a point's index and one chunk of its per-run results, in run order."""


@dataclass(frozen=True)
class Point:
    """One scenario to evaluate, with its seed, and the runs' starting state if filtered.

    ``start``: every run's state and draws on day 0 (``engine/filter.py``), instead of the
    scenario's own starting state; such a point runs in tasks of its own.
    """

    scenario: Scenario
    seed: int
    start: Start | None = None


@dataclass
class PointResult:
    """The ensemble of one point: streaming aggregates and, if asked, per-run arrays."""

    point: Point
    aggregate: Aggregate
    runs: dict[str, np.ndarray] | None
    elapsed: float
    assimilation: dict[str, Any] | None = None
    """With a record (``scenario.record``): the filter's account (``filter.Filtered.to_dict``)
    and ``unfiltered``, the same forecast from the scenario's hand-set start (its aggregate)."""


def chunk_size(runs: int, workers: int = 1, points: int = 1) -> int:
    """Runs per chunk, a whole number of RNG blocks.

    As few chunks as ``MAX_CHUNK_RUNS`` allows (small chunks cost more per run), yet with
    several workers at least one task per worker over all ``points`` (a batch of many points
    is split across workers by point before any point is split) — two per worker when each
    still has ``MIN_TASK_ROWS`` rows, so that a slow worker holds up less — all of nearly equal
    size.
    """
    workers = max(1, workers)  # a cluster whose workers have not joined yet reports 0
    points = max(1, points)
    per_worker = 2 if runs * points >= 2 * workers * MIN_TASK_ROWS else 1
    wanted = -(-per_worker * workers // points) if workers > 1 else 1  # chunks per point
    chunks = max(wanted, -(-runs // MAX_CHUNK_RUNS))
    if points == 1:
        chunks = -(-chunks // workers) * workers
    per_chunk = -(-runs // chunks)
    return max(RNG_BLOCK, -(-per_chunk // RNG_BLOCK) * RNG_BLOCK)


def points_per_task(points: int, chunk_runs: int, chunks: int, workers: int = 1) -> int:
    """How many structurally alike points a task runs side by side, each ``chunk_runs`` runs.

    As many as fill ``MAX_CHUNK_RUNS`` rows, yet (with several workers) at least one task per
    worker over the ``chunks`` chunks of runs, and the points shared evenly among the tasks.
    (Tasks of many points are alike in cost, so one each keeps the workers evenly busy.)
    """
    per = max(1, MAX_CHUNK_RUNS // max(1, chunk_runs))
    if workers > 1:
        per = min(per, max(1, points * chunks // workers))
    tasks = -(-points // per)
    return -(-points // tasks)


def plan_chunks(runs: int, chunk_runs: int) -> list[tuple[int, int]]:
    """``(first_run, n_runs)`` of each chunk; chunk sizes are whole RNG blocks but the last."""
    if chunk_runs % RNG_BLOCK:
        raise ValueError(f"chunk_runs must be a multiple of {RNG_BLOCK}")
    return [(first, min(chunk_runs, runs - first)) for first in range(0, runs, chunk_runs)]


T = TypeVar("T")


def per_call(items: Sequence[T], per_worker: int, executor: Executor) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``per_worker`` for each of the executor's workers.

    What a caller hands :func:`evaluate` at a time when it reduces each call's results before the
    next, so that it holds only one call's per-point results; the results do not depend on the
    slicing.
    """
    step = per_worker * max(1, executor.workers)
    for start in range(0, len(items), step):
        yield items[start:start + step]


def evaluate(points: Sequence[Point], runs: int, *, workers: int = 1,
             executor: Executor | None = None, keep_runs: bool = False,
             chunk_runs: int | None = None, progress: Progress | None = None,
             on_runs: RunsSink | None = None, monthly: bool = False,
             final_day_only: bool = False) -> list[PointResult]:
    """Evaluate every point over runs ``0 .. runs-1`` and return one result per point.

    Points that share a seed share random numbers run by run (common random numbers), so their
    per-run arrays (``keep_runs=True``) can be compared pairwise. Chunks are computed by
    ``executor`` (default: a ``LocalExecutor`` of ``workers`` processes); the result does not
    depend on which. ``on_runs`` receives each chunk's per-run arrays in run order (chunks that
    finish early wait for the ones before them), so they can be streamed to a file.
    ``monthly=True`` adds per-run monthly rungs to the kept arrays (``engine/monthly.py``).

    Unless per-run arrays are wanted (``keep_runs``, ``on_runs``, ``monthly``) or a point draws
    a calibration's parameter sets (tallied per set from each run), each task's chunks are
    merged into aggregates where they are computed (``executors.run_task``), and only those
    cross from a worker. ``final_day_only=True`` keeps, of the daily histograms,
    only the highest rungs of the last day (``Aggregate.daily["top"]`` of one row): enough for
    a point's measures (``analysis/points.py``), a small fraction of the bytes.
    """
    own = executor is None
    executor = executor or LocalExecutor(workers)
    try:
        return _evaluate(points, runs, executor, keep_runs, chunk_runs, progress, on_runs,
                         monthly, final_day_only)
    finally:
        if own:
            close = getattr(executor, "close", None)
            if close is not None:
                close()


def _evaluate(points: Sequence[Point], runs: int, executor: Executor, keep_runs: bool,
              chunk_runs: int | None, progress: Progress | None, on_runs: RunsSink | None,
              monthly: bool, final_day_only: bool) -> list[PointResult]:
    """:func:`evaluate` with its executor."""
    chunks = plan_chunks(runs, chunk_runs or chunk_size(runs, executor.workers, len(points)))
    _jit.expect(runs * sum(p.scenario.horizon_days for p in points))  # before workers fork
    # a scenario drawing a calibration's parameter sets is tallied per set, run by run, here:
    # its chunks are not reduced in the workers
    tallies = [particle_tally(p) for p in points]
    reduced = not (keep_runs or on_runs is not None or monthly
                   or any(t is not None for t in tallies))
    option: tuple[str, ...] = (MONTHLY,) if monthly else ()
    if reduced:
        option = (REDUCED, FINAL_DAY) if final_day_only else (REDUCED,)
    tasks, members = _tasks(points, chunks, executor.workers, option)
    aggs = [Aggregate(len(p.scenario.actors), len(p.scenario.incidents), p.scenario.horizon_days,
                      sets=tally) for p, tally in zip(points, tallies, strict=True)]
    kept: list[dict[str, np.ndarray]] = [{} for _ in points]
    waiting: list[dict[int, ChunkResult]] = [{} for _ in points]
    next_chunk = [0] * len(points)
    start = time.perf_counter()
    for index, results in executor.map(tasks):
        chunk, which_points = members[index]
        for which, result in zip(which_points, results, strict=True):
            if reduced:
                aggs[which].merge(result)
                if progress is not None:
                    progress(result.runs)
                continue
            if final_day_only:  # as a worker reducing the chunk keeps it (engine/tasks.py)
                result.daily = {"top": result.daily["top"][-1:]}
            aggs[which].add(result)
            if keep_runs:
                _place(kept[which], result, runs)
            if on_runs is not None:
                waiting[which][chunk] = result
                while next_chunk[which] in waiting[which]:
                    on_runs(which, waiting[which].pop(next_chunk[which]))
                    next_chunk[which] += 1
            if progress is not None:
                progress(next(iter(result.runs.values())).shape[0])
        del results  # before the next chunk is computed: memory holds one chunk at a time
    elapsed = time.perf_counter() - start
    return [PointResult(p, agg, kept[k] if keep_runs else None, elapsed)
            for k, (p, agg) in enumerate(zip(points, aggs, strict=True))]


def particle_tally(point: Point) -> ParticleTally | None:
    """A tally by parameter set when the point's scenario draws from one calibration's sets.

    ``None`` without such sets, or with several joint samples (no one set per run to tally).
    """
    from escalation_sim.engine.draws import joint_samples, particle_index

    joints = joint_samples(point.scenario)
    if len(joints) != 1:
        return None
    (joint, paths), = joints.items()
    size = len(point.scenario.priors[paths[0]].args)

    def index(first_run: int, n: int) -> np.ndarray:
        return particle_index(point.scenario, point.seed, first_run, n)[joint]

    return ParticleTally(index, size)


def _tasks(points: Sequence[Point], chunks: list[tuple[int, int]], workers: int,
           option: tuple[str, ...]) -> tuple[list[Task], list[tuple[int, list[int]]]]:
    """The tasks of an evaluation, and each task's chunk index and points (in block order).

    Structurally alike points share tasks (``points_per_task`` of them each); tasks are
    chunk-major, so the points' chunks of the same runs come close together (paired sinks).
    """
    groups: dict[str, list[int]] = {}
    for k, point in enumerate(points):
        alone = f"filtered {k}" if point.start is not None else ""
        groups.setdefault(structure(point.scenario) + alone, []).append(k)
    longest = max(n for _, n in chunks)
    tasks: list[Task] = []
    members: list[tuple[int, list[int]]] = []
    for c, (first, n) in enumerate(chunks):
        for group in groups.values():
            per = points_per_task(len(group), longest, len(chunks), workers)
            for start in range(0, len(group), per):
                which = group[start:start + per]
                blocks = tuple((points[k].scenario, points[k].seed) for k in which)
                begun = points[which[0]].start
                tasks.append((blocks, first, n, *option,
                              *(() if begun is None else (begun.slice(first, n),))))
                members.append((c, which))
    return tasks, members


def _place(into: dict[str, np.ndarray], chunk: ChunkResult, runs: int) -> None:
    """Copy a chunk's per-run arrays into full-length arrays at the chunk's run indices."""
    for name, values in chunk.runs.items():
        if name not in into:
            into[name] = np.zeros((runs, *values.shape[1:]), dtype=values.dtype)
        into[name][chunk.first_run:chunk.first_run + values.shape[0]] = values


def simulate(scenario: Scenario, *, runs: int | None = None, seed: int | None = None,
             workers: int = 1, executor: Executor | None = None, keep_runs: bool = False,
             chunk_runs: int | None = None, progress: Progress | None = None,
             on_runs: Callable[[ChunkResult], None] | None = None) -> PointResult:
    """Run the ensemble of one scenario (runs and seed default to the scenario's own).

    A scenario with a ``record`` is forecast from its runs filtered through the record
    (``engine/filter.py``), and, for comparison, from its hand-set start with the same random
    numbers; ``PointResult.assimilation`` tells both.
    """
    point = Point(scenario, scenario.seed if seed is None else seed)
    n = scenario.runs if runs is None else runs
    sink = None if on_runs is None else (lambda k, chunk: on_runs(chunk) if k == 0 else None)
    if scenario.record is None:
        return evaluate([point], n, workers=workers, executor=executor, keep_runs=keep_runs,
                        chunk_runs=chunk_runs, progress=progress, on_runs=sink)[0]
    from escalation_sim.engine.filter import assimilate

    filtered = assimilate(scenario, n, point.seed)
    forecast, hand_set = evaluate([replace(point, start=filtered.start), point], n,
                                  workers=workers, executor=executor, keep_runs=keep_runs,
                                  chunk_runs=chunk_runs, progress=progress, on_runs=sink)
    forecast.assimilation = {**filtered.to_dict(), "unfiltered": hand_set.aggregate}
    return forecast
