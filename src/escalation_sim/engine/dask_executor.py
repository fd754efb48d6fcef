"""``DaskExecutor``: chunks of runs computed on a Dask distributed cluster (extra ``dask``).

Imported only when ``--executor dask`` is asked for, so Dask never slows down escsim's start.

- With a scheduler address, escsim connects to a running cluster (``dask scheduler`` and
  ``dask worker`` processes; the workers need escsim installed). An unreachable scheduler is an
  ``ExecutorError`` after ``CONNECT_TIMEOUT_S``.
- Without one, escsim starts a ``LocalCluster`` of ``workers`` processes (one thread each, no
  dashboard, only critical log lines: a task's error reaches escsim as its exception, and the
  workers' complaints while the cluster shuts down are noise) and shuts it down in ``close``.
  The workers ignore Ctrl-C (``dask_preload.py``): escsim handles it.

Each chunk (of one or more points side by side) is submitted as its own task under a unique
key with its seeds and run indices in its arguments, so no result is ever taken from Dask's
cache of earlier tasks. At most
``IN_FLIGHT_PER_THREAD`` tasks per worker thread are submitted at once; results are yielded as
they complete. Tasks of a lost worker are rescheduled by Dask; a task that raises is retried
``RETRIES`` times. Interrupting (Ctrl-C) cancels every submitted task.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from types import ModuleType, TracebackType
from typing import Any, cast

from escalation_sim.engine.errors import ExecutorError
from escalation_sim.engine.tasks import Task, default_workers, run_task

CONNECT_TIMEOUT_S = 3
"""Seconds to keep trying to reach a scheduler before giving up."""
IN_FLIGHT_PER_THREAD = 2
"""Tasks submitted ahead per worker thread: enough to keep workers busy, few enough that
results stream back and memory stays flat."""
RETRIES = 2
"""Times a task that raised is resubmitted (a lost worker's tasks are rescheduled by Dask)."""
REFRESH_S = 2.0
"""How often the number of worker threads (the in-flight bound) is read again from the cluster."""
KEEP_MALLOC_DEFAULTS = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
"""Dask starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's adaptive
mmap threshold: every large numpy temporary is then mapped and unmapped afresh, and the engine
spends twice the CPU on page faults. LocalClusters of escsim keep glibc's defaults."""
PRELOAD = "escalation_sim.engine.dask_preload"
"""Module Dask runs in each worker of a LocalCluster started by escsim."""
INSTALL_HINT = "install it with: pip install 'escsim[dask]'"
QUIET_LOGGERS = ("distributed", "tornado")
CLOSE_TIMEOUT_S = 5
"""Seconds the client and the local cluster each get to close (a bounded shutdown)."""


def import_distributed() -> ModuleType:
    """``dask.distributed``, or an ``ExecutorError`` saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorError(f"--executor dask needs Dask distributed ({exc}); "
                            f"{INSTALL_HINT}") from None
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    return distributed


def tcp_host_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a ``tcp://HOST:PORT`` (or ``HOST:PORT``) address.

    ``None`` for other protocols (``tls://`` …), which Dask checks itself.

    Raises:
        ValueError: the address has no valid port.
    """
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp"):
        return None
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--scheduler {address!r} is not a scheduler address; use "
                         f"tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")
    return host, int(port)


def _abandon_client(dd: ModuleType, exc: BaseException) -> None:
    """Stop the half-made ``Client`` of a failed connection (found in the traceback).

    Otherwise its finaliser hangs for seconds trying to close a connection that never opened.
    """
    tb = exc.__traceback__
    while tb is not None:
        client = tb.tb_frame.f_locals.get("self")
        if isinstance(client, dd.Client) and client.status != "closed":
            client.status = "closed"
            runner = getattr(client, "_loop_runner", None)
            if runner is not None:
                runner.stop()
            return
        tb = tb.tb_next


def dask_config() -> ModuleType:
    """``dask.config`` (imported only when a Dask executor is made)."""
    import dask.config

    return dask.config


class DaskExecutor:
    """Computes tasks on a Dask cluster: a running one (``scheduler``) or a LocalCluster."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        dd = import_distributed()
        self._dd = dd
        self._cluster: Any = None
        self.scheduler = scheduler
        if scheduler is None:
            self.workers = workers or default_workers()
            with dask_config().set({**KEEP_MALLOC_DEFAULTS,
                                    "distributed.worker.preload": [PRELOAD]}):
                self._cluster = dd.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    host="127.0.0.1", silence_logs=logging.CRITICAL,
                    dashboard_address=None,  # no dashboard, and its HTTP server on any free
                    scheduler_kwargs={"dashboard_address": ":0"})  # port rather than 8787
            self.client = dd.Client(self._cluster, set_as_default=False)
        else:
            self.client = self._connect(dd, scheduler)
            self.workers = self._threads()
        self._checked = time.monotonic()

    @staticmethod
    def _connect(dd: ModuleType, address: str) -> Any:
        host_port = tcp_host_port(address)
        try:
            if host_port is not None:  # fail fast, before Dask starts its own retries
                socket.create_connection(host_port, timeout=CONNECT_TIMEOUT_S).close()
        except OSError as exc:
            raise ExecutorError(f"cannot reach a Dask scheduler at {address} ({exc}); start one "
                                f"with 'dask scheduler', or leave out --scheduler to use a "
                                f"local cluster") from None
        try:
            return dd.Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except Exception as exc:  # timed out, or something that is not a Dask scheduler
            _abandon_client(dd, exc)
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise ExecutorError(f"no Dask scheduler answers at {address} ({reason}); start "
                                f"one with 'dask scheduler', or leave out --scheduler to use "
                                f"a local cluster") from None

    def _threads(self) -> int:
        """Worker threads in the cluster now (0 while no worker has joined)."""
        return int(sum(self.client.nthreads().values()))

    def _in_flight(self) -> int:
        if self.scheduler is not None and time.monotonic() - self._checked > REFRESH_S:
            self.workers, self._checked = self._threads(), time.monotonic()
        return IN_FLIGHT_PER_THREAD * max(1, self.workers)

    def map(self, tasks: Sequence[Task]) -> Iterator[tuple[int, list[Any]]]:
        """Yield ``(task index, result)`` as tasks complete, keeping a bounded number in flight."""
        token = uuid.uuid4().hex[:12]
        queue = iter(enumerate(tasks))
        pending: dict[Any, int] = {}
        done = self._dd.as_completed(loop=self.client.loop)

        def submit_more() -> None:
            while len(pending) < self._in_flight():
                nxt = next(queue, None)
                if nxt is None:
                    return
                index, task = nxt
                future = self.client.submit(run_task, task, key=f"escsim-chunk-{token}-{index}",
                                            pure=False, retries=RETRIES)
                pending[future] = index
                done.add(future)

        try:
            submit_more()
            for future in done:
                index = pending.pop(future)
                result = self._result(future)
                future.release()
                submit_more()
                yield index, result
            if self.scheduler is not None:
                self.workers = self._threads()  # as reported in summaries
        except BaseException:  # Ctrl-C, an error, or the consumer stopped early
            if pending:
                with contextlib.suppress(Exception):  # the scheduler may be gone
                    self.client.cancel(list(pending), force=True)
            raise

    def _result(self, future: Any) -> list[Any]:
        try:
            return cast("list[Any]", future.result())
        except ImportError as exc:
            raise ExecutorError(f"a Dask worker cannot import escsim ({exc}); install the same "
                                f"escsim version in the workers' environment") from None
        except self._dd.KilledWorker as exc:
            raise ExecutorError(f"Dask gave up on a chunk after it was lost with several "
                                f"workers in turn ({exc})") from None
        except (OSError, self._dd.CancelledError) as exc:
            where = self.scheduler or "the local cluster"
            raise ExecutorError(f"lost the Dask scheduler at {where} mid-run "
                                f"({type(exc).__name__}: {exc})") from None

    def close(self) -> None:
        """Disconnect from the scheduler; shut a LocalCluster down (idempotent).

        Each step gets ``CLOSE_TIMEOUT_S`` seconds; one that fails or times out is left (the
        workers of a local cluster die with escsim).
        """
        client, cluster, self.client, self._cluster = self.client, self._cluster, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=CLOSE_TIMEOUT_S)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=CLOSE_TIMEOUT_S)

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
