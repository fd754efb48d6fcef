"""The progress bar every ensemble command shows on stderr while it simulates.

Runs finish in chunks, often thousands at once and in bursts (a chunk of every scenario of a
comparison at the same moment), so the speed between two updates says little about the time
left: rich's own estimate, which reads it, can promise 3 seconds at 7 s of a 22 s command. The
estimate here is the plain one, from the start of the work: time left = time so far × runs
left / runs done (:func:`eta_seconds`); it is shown once some runs are done, and never as
less than nothing.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from escalation_sim.cli.common import err

PROGRESS_DELAY_S = 1.0
"""The progress bar appears only when a run takes longer than this."""


def eta_seconds(elapsed: float, done: int, total: int) -> float | None:
    """Seconds left at the average pace so far, or ``None`` before any run is done."""
    if done <= 0 or total <= 0:
        return None
    return max(0.0, elapsed * (total - done) / done)


def eta_text(seconds: float | None) -> str:
    """``eta 0:12`` or ``eta 1:02:03``; ``eta …`` while there is nothing to go on."""
    if seconds is None:
        return "eta …"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"eta {hours}:{minutes:02d}:{secs:02d}" if hours else f"eta {minutes}:{secs:02d}"


class EtaColumn(ProgressColumn):
    """The time left at the average pace since the work started (:func:`eta_seconds`)."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started

    def render(self, task: Task) -> Text:
        """The column's text for ``task``."""
        seconds = eta_seconds(time.monotonic() - self.started, int(task.completed),
                              int(task.total or 0))
        return Text(eta_text(seconds), style="progress.remaining")


class DelayedProgress:
    """A progress bar on stderr that appears only once a run has taken ``PROGRESS_DELAY_S``.

    Use as a context manager; the instance is the ``progress`` callback of ``simulate``
    (called with the number of runs just finished). The bar is removed when the run ends.
    """

    def __init__(self, total: int, *, enabled: bool, delay: float = PROGRESS_DELAY_S) -> None:
        self.total, self.enabled, self.delay = total, enabled, delay
        self.done = 0
        self._lock = threading.Lock()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None
        self._closed = False
        self.started = time.monotonic()

    def __enter__(self) -> DelayedProgress:
        self.started = time.monotonic()
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __call__(self, finished: int) -> None:
        """Record ``finished`` more runs."""
        with self._lock:
            self.done += finished
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=self.done)

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._bar = Progress(SpinnerColumn(), TextColumn("simulating"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("runs"), TimeElapsedColumn(),
                                 EtaColumn(self.started), console=err, transient=True)
            self._task = self._bar.add_task("runs", total=self.total, completed=self.done)
            self._bar.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()


def progress_bar(total: int, *, quiet: bool = False) -> DelayedProgress:
    """The progress bar of a command: on stderr when it is a terminal, never with ``--quiet``."""
    return DelayedProgress(total, enabled=not quiet and err.is_terminal)
