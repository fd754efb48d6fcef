"""The progress bar every ensemble command shows on stderr while it simulates."""

from __future__ import annotations

import threading
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from escalation_sim.cli.common import err

PROGRESS_DELAY_S = 1.0
"""The progress bar appears only when a run takes longer than this."""


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
        self._task: int | None = None
        self._timer: threading.Timer | None = None
        self._closed = False

    def __enter__(self) -> DelayedProgress:
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
                                 TextColumn("eta"), TimeRemainingColumn(), console=err,
                                 transient=True)
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
