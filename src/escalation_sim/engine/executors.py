"""Executors: where chunks of runs are computed.

A task is ``(blocks, first_run, n_runs)``: one chunk of runs of one or more structurally alike
points side by side, ``blocks`` their ``(scenario, seed)`` (``batch.py``); its result is a
``ChunkResult`` per block. A task's result depends on nothing else, so any executor gives the
same answer (``rng.py``). Every executor yields ``(task index, results)`` as tasks finish, in
any order; ``evaluate`` merges them.

- ``LocalExecutor``: the calling process (1 worker) or a local process pool (``pool.py``).
- ``DaskExecutor``: a Dask distributed cluster (optional extra ``dask``).

``make_executor`` builds one from the CLI's ``--executor``, ``--scheduler`` and ``--workers``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import sys
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from escalation_sim.engine.errors import ExecutorError
from escalation_sim.engine.pool import WorkerPool
from escalation_sim.engine.tasks import Task, default_workers, run_task

__all__ = ["EXECUTORS", "Executor", "ExecutorError", "LocalExecutor", "Task", "check_workers",
           "default_workers", "make_executor", "max_workers", "run_task"]
EXECUTORS = ("local", "dask")
"""The values ``--executor`` accepts."""


class Executor(Protocol):
    """Computes tasks and yields ``(task index, result)`` as they finish."""

    workers: int

    def map(self, tasks: Sequence[Task]) -> Iterator[tuple[int, list[Any]]]:
        """Compute every task once; yield each task's results with its index as they arrive."""


WORKERS_PER_CORE = 4
"""Most worker processes per core escsim starts on this machine: past one per core, more
processes only share the cores and add memory (each holds its own chunk and the engine)."""


def max_workers() -> int:
    """The most worker processes escsim starts here: ``WORKERS_PER_CORE`` per core."""
    return WORKERS_PER_CORE * default_workers()


def check_workers(workers: int | None) -> None:
    """Refuse a number of local workers that is not a whole number from 1 to :func:`max_workers`.

    Raises:
        ValueError: One line saying what is allowed.
    """
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise ValueError(f"--workers {workers!r}: give a whole number of worker processes")
    if not 1 <= workers <= max_workers():
        raise ValueError(f"--workers {workers}: give 1 to {max_workers()} on this machine "
                         f"({default_workers()} cores; more processes than cores only share "
                         "them and add memory)")


class LocalExecutor:
    """The calling process (``workers == 1``) or a pool of local worker processes.

    The pool starts with the first batch of several tasks and is kept for every later batch,
    so a command forks its workers once; ``close()`` ends them (the CLI and the API do so when
    the command ends; also a context manager).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool: WorkerPool | None = None

    def map(self, tasks: Sequence[Task]) -> Iterator[tuple[int, list[Any]]]:
        """Yield results as tasks finish (one task in flight per worker, see ``pool.py``)."""
        if self.workers <= 1 or len(tasks) <= 1:
            for i, task in enumerate(tasks):
                yield i, run_task(task)
            return
        if self._pool is None:
            self._pool = WorkerPool(run_task, self.workers, _pool_context())
        yield from self._pool.imap_unordered(tasks)

    def close(self) -> None:
        """End the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pool_context(platform: str = sys.platform) -> multiprocessing.context.BaseContext:
    """How worker processes start: chosen here, not by whatever a library set globally.

    On Linux, ``fork``: workers start at once, with the engine already imported, and scripts
    that call ``simulate`` need no ``if __name__ == "__main__"`` guard. (Importing Mesa, for
    one, switches the global default to ``spawn``.) Elsewhere ``spawn``: CPython documents
    ``fork`` as unsafe on macOS (system libraries may hold locks across it), and Windows has
    nothing else; scripts that run ensembles with several workers there need the
    ``if __name__ == "__main__":`` guard (docs/api.md).
    """
    if platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def make_executor(kind: str = "local", *, workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor the options ask for.

    Args:
        kind: ``local`` or ``dask``.
        workers: Local worker processes (``local``), or workers of a LocalCluster started by
            escsim (``dask`` without ``scheduler``). ``None``: one per core.
        scheduler: Address of a running Dask scheduler (``tcp://host:port``); ``dask`` only.

    A ``DaskExecutor`` holds a connection (and perhaps a cluster): ``close()`` it when done
    (the CLI does so when the command ends).

    Raises:
        ValueError: ``kind`` is not one of ``EXECUTORS``, ``scheduler`` is given without
            ``dask``, or ``workers`` is outside 1 to :func:`max_workers` (unless a scheduler,
            whose cluster has its own workers, is given).
        ExecutorError: the Dask extra is not installed, or the scheduler cannot be reached.
    """
    if kind not in EXECUTORS:
        raise ValueError(f"--executor {kind!r} is not known; use one of: {', '.join(EXECUTORS)}")
    if scheduler is None:
        check_workers(workers)
    if kind == "local":
        if scheduler is not None:
            raise ValueError("--scheduler needs --executor dask")
        return LocalExecutor(workers)
    from escalation_sim.engine.dask_executor import DaskExecutor  # lazy: Dask is heavy

    return DaskExecutor(scheduler, workers)
