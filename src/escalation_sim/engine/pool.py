"""A pool of local worker processes that never hangs and never outlives escsim.

``concurrent.futures.ProcessPoolExecutor`` reads results in a manager thread; when a worker is
stopped halfway through sending a result, that thread blocks for ever in ``recv`` and the
interpreter waits for it at exit. This pool has no threads: the calling thread talks to each
worker over its own pipe, one task at a time, and waits on the pipes and the workers' exit
sentinels together with a timeout. So:

- Ctrl-C (or any exception) in the caller kills the workers (SIGKILL) and drops the pipes,
  whatever they were doing; nothing waits for a half-sent result.
- A :class:`WorkerPool` keeps its workers from one batch of tasks to the next (one pool for a
  whole command); ``close`` ends them.
- A worker that dies (e.g. the out-of-memory killer) is reported as :class:`WorkerError`,
  with its signal.
- A worker stopped (SIGSTOP) for ``STALL_S`` seconds is reported as :class:`WorkerError`
  rather than stalling the run (Linux, where ``/proc`` tells a process's state).
- Workers die with escsim: on Linux the kernel kills them when escsim ends, however it ends
  (``PR_SET_PDEATHSIG``); elsewhere a watchdog thread in each worker exits when its parent
  is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a process receives when the thread that forked it ends."""
POLL_S = 1.0
"""How often the caller looks at its workers while waiting for results (seconds)."""
STALL_S = 5.0
"""A worker found stopped (SIGSTOP) for this long fails the run (seconds)."""
WATCHDOG_S = 1.0
"""How often a worker without ``PR_SET_PDEATHSIG`` checks that its parent lives (seconds)."""
JOIN_S = 2.0
"""How long a worker may take to exit after the last task before it is killed (seconds)."""


class WorkerError(RuntimeError):
    """A worker process died or stalled (the message says which, in one line)."""


def die_with_parent(parent: int) -> None:
    """Make the calling process end when process ``parent`` ends.

    On Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere a daemon thread that polls
    ``getppid`` every ``WATCHDOG_S`` seconds. If the parent is already gone, exit at once.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(WATCHDOG_S)
            os._exit(1)

        threading.Thread(target=watch, name="escsim-watchdog", daemon=True).start()


def _worker_main(conn: multiprocessing.connection.Connection, parent: int,
                 function: Callable[[Any], Any]) -> None:
    """A worker: compute each task received on ``conn`` and send back ``("ok"|"error", …)``."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:  # a forked worker inherits the parent's handlers: undo them
            signal.signal(signum, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked by _start until the lines above ran
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply: tuple[str, Any] = ("ok", function(task))
        except BaseException as exc:  # noqa: BLE001 - sent back to the parent, raised there
            reply = ("error", exc)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - e.g. an exception that cannot be pickled
            conn.send(("error", RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}"
                                             if reply[0] == "error" else repr(exc))))
        del reply


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    task: int | None = None
    stopped_since: float | None = field(default=None)


def describe_exit(exitcode: int | None) -> str:
    """How a worker ended, for a message: ``signal 9; out of memory?`` or ``exit code 1``."""
    if exitcode is None:
        return "unknown cause"
    if exitcode < 0:
        signum = -exitcode
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        hint = "; out of memory?" if signum == signal.SIGKILL else ""
        return f"signal {signum}, {name}{hint}"
    return f"exit code {exitcode}"


def process_state(pid: int) -> str | None:
    """The state letter of a process from ``/proc/PID/stat`` (``T``: stopped), or ``None``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data[data.rfind(b")") + 2:][:1].decode("ascii", "replace") or None


class WorkerPool:
    """Worker processes that compute ``function(task)``, kept from one batch of tasks to the next.

    The workers start with the first batch (:meth:`imap_unordered`) and serve every later one,
    so a command that evaluates many batches (the points of an analysis, the generations of a
    calibration) forks them once; :meth:`close` ends them (also a context manager). A batch
    that fails, or that its caller leaves early (Ctrl-C included), kills every worker at once;
    the next batch starts new ones.

    Args:
        function: A module-level function (workers started with ``spawn`` import it).
        workers: How many processes.
        context: How they start (``fork`` or ``spawn``).
    """

    def __init__(self, function: Callable[[Any], Any], workers: int,
                 context: multiprocessing.context.BaseContext) -> None:
        self.function = function
        self.workers = workers
        self.context = context
        self._pool: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def imap_unordered(self, tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """Compute ``function(task)`` for every task; yield ``(task index, result)`` as they come.

        An exception raised by ``function`` in a worker is raised here.

        Raises:
            WorkerError: a worker died or stayed stopped for ``STALL_S`` seconds.
        """
        queue = iter(enumerate(tasks))
        done = False
        try:
            self._start(min(self.workers, len(tasks)))
            pool = self._pool
            for worker in pool:
                _give(worker, queue)
            while any(w.task is not None for w in pool):
                busy = [w for w in pool if w.task is not None]
                ready = multiprocessing.connection.wait(
                    [w.conn for w in busy] + [w.process.sentinel for w in busy],
                    timeout=POLL_S)
                for worker in busy:
                    if worker.conn in ready or worker.conn.poll():
                        try:
                            status, value = worker.conn.recv()
                        except (EOFError, OSError):
                            worker.process.join(JOIN_S)
                            raise _died(worker) from None
                        index, worker.task = worker.task, None
                        assert index is not None  # a worker that answers has a task
                        _give(worker, queue)  # before the caller works on the result
                        if status == "error":
                            raise value
                        yield index, value
                        del value
                    elif worker.process.sentinel in ready:
                        worker.process.join(JOIN_S)
                        raise _died(worker)
                _check_stalls(busy)
            done = True
        finally:
            if not done:  # an error, or the caller left: nothing waits for a half-sent result
                self._kill()

    def close(self) -> None:
        """Let the workers exit after their last task (killed if they take over ``JOIN_S``)."""
        for worker in self._pool:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._pool:
            worker.process.join(JOIN_S)
        self._kill()

    def _start(self, wanted: int) -> None:
        """Start workers up to ``wanted``; drop any that died between batches."""
        alive = [w for w in self._pool if w.process.exitcode is None]
        for worker in self._pool:
            if worker not in alive:
                worker.conn.close()
        self._pool = alive
        parent = os.getpid()
        while len(self._pool) < wanted:
            here, there = self.context.Pipe(duplex=True)
            process = cast(Any, self.context).Process(  # BaseContext's stubs lack Process
                target=_worker_main, args=(there, parent, self.function), name="escsim-worker",
                daemon=True)
            _start(process)
            there.close()
            self._pool.append(_Worker(process, here))

    def _kill(self) -> None:
        """End every worker at once (SIGKILL: a stopped or busy one too) and forget them."""
        pool, self._pool = self._pool, []
        for worker in pool:
            if worker.process.exitcode is None:
                with contextlib.suppress(OSError):
                    worker.process.kill()
        for worker in pool:
            worker.conn.close()
            worker.process.join(JOIN_S)


def imap_unordered(function: Callable[[Any], Any], tasks: Sequence[Any], workers: int,
                   context: multiprocessing.context.BaseContext
                   ) -> Iterator[tuple[int, Any]]:
    """Compute ``function(task)`` for every task in ``workers`` processes started for them.

    Yields ``(task index, result)`` as results arrive (see :class:`WorkerPool`, which keeps its
    workers for further batches).

    Raises:
        WorkerError: a worker died or stayed stopped for ``STALL_S`` seconds.
    """
    with WorkerPool(function, workers, context) as pool:
        yield from pool.imap_unordered(tasks)


_STOP_SIGNALS = {s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None))
                 if s is not None}
"""Signals a worker leaves to the parent (SIGINT) or ends by (SIGTERM, SIGHUP)."""


def _start(process: multiprocessing.process.BaseProcess) -> None:
    """Start a worker with the stop signals blocked until it has set its own handlers.

    A forked worker inherits the parent's handlers; a Ctrl-C to the process group that came
    before the worker ignored it would run the parent's handler in the worker (a stray
    ``Process escsim-worker:`` line). Blocked, the signal waits: SIGINT is then discarded by
    ``SIG_IGN``, and SIGTERM or SIGHUP ends the worker as it should.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: workers are spawned, nothing inherited
        process.start()
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _give(worker: _Worker, queue: Iterator[tuple[int, Any]]) -> None:
    nxt = next(queue, None)
    if nxt is not None:
        try:
            worker.conn.send(nxt[1])
        except OSError:  # the worker is gone (a broken pipe)
            worker.process.join(JOIN_S)
            raise _died(worker) from None
        worker.task = nxt[0]


def _died(worker: _Worker) -> WorkerError:
    return WorkerError(f"a worker process died ({describe_exit(worker.process.exitcode)}); "
                       "the run was stopped")


def _check_stalls(busy: list[_Worker]) -> None:
    now = time.monotonic()
    for worker in busy:
        pid = worker.process.pid
        if pid is None or process_state(pid) not in ("T", "t"):
            worker.stopped_since = None
            continue
        if worker.stopped_since is None:
            worker.stopped_since = now
        elif now - worker.stopped_since >= STALL_S:
            raise WorkerError(f"a worker process (pid {pid}) has been stopped for "
                              f"{STALL_S:.0f} s (SIGSTOP?); the run was stopped")
