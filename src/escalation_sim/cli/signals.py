"""Ctrl-C, SIGTERM and SIGHUP end a command the same way: one line, exit 128 + the signal.

The entry point (``cli/main.py``, both ``escsim`` and ``python -m escalation_sim``) installs
:func:`install` before it imports anything heavy, so a signal in the first moments of start-up
is handled too. The first signal raises :class:`Stopped` (a
``KeyboardInterrupt``, so every ``except KeyboardInterrupt``/``finally`` cleans up as for
Ctrl-C); signals that follow while escsim cleans up are absorbed, unless cleaning up takes
longer than ``FORCE_AFTER_S``, in which case the next one ends the process at once.

The handlers stay in place until the last byte: once the command has ended, :func:`finish`
flushes stdout and stderr and ends the process there (``os._exit``) with the command's exit
code, rather than through the interpreter's shutdown, during which Python puts the default
handlers back (a signal then would kill escsim without its ``error:`` line) and libraries'
exit hooks may wait for seconds. Everything escsim writes is complete and closed before the
command ends; worker processes have been stopped by then (and die with escsim in any case).

This module uses the standard library only.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType
from typing import NoReturn

HANDLED = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None),
                            getattr(signal, "SIGHUP", None)) if s is not None)
"""The signals that stop a command: Ctrl-C, ``kill``/``timeout``/schedulers, terminal closed."""
FORCE_AFTER_S = 5.0
"""A further signal this long after the first ends the process without waiting for cleanup."""
_first: list[float] = []


class Stopped(KeyboardInterrupt):
    """A signal stopped escsim; ``Stopped(signum)`` (exit code ``128 + signum``)."""

    @property
    def signum(self) -> int:
        """The signal's number (the exception's only argument, so a copy keeps it)."""
        first = self.args[0] if self.args else signal.SIGINT
        return int(signal.Signals[first]) if isinstance(first, str) else int(first)

    def __str__(self) -> str:
        return signal.Signals(self.signum).name


def signal_number(exc: BaseException) -> int:
    """The signal behind a ``KeyboardInterrupt`` (SIGINT unless it is a :class:`Stopped`)."""
    return int(getattr(exc, "signum", signal.SIGINT))


def exit_code(exc: BaseException) -> int:
    """The exit code for a stop by signal: 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP)."""
    return 128 + signal_number(exc)


def stop_message(exc: BaseException) -> str:
    """``interrupted`` for Ctrl-C, ``stopped by SIGTERM`` (…) for the others."""
    signum = signal_number(exc)
    return "interrupted" if signum == signal.SIGINT else \
        f"stopped by {signal.Signals(signum).name}"


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _first:  # cleaning up after an earlier signal
        if time.monotonic() - _first[0] > FORCE_AFTER_S:
            os.write(2, b"error: stopped again while cleaning up; exiting at once\n")
            os._exit(128 + signum)
        return
    _first.append(time.monotonic())
    raise Stopped(signum)


def install() -> None:
    """Handle SIGINT, SIGTERM and SIGHUP with :class:`Stopped` (main thread only).

    A signal that is ignored when escsim starts (e.g. SIGINT in a background job, SIGHUP
    under ``nohup``) stays ignored.
    """
    for signum in HANDLED:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _on_signal)


def finish(code: int) -> NoReturn:
    """End the process now with ``code``: stdout and stderr flushed, no interpreter shutdown.

    From here a signal is absorbed (the command is over; its result and exit code stand),
    unless flushing takes longer than ``FORCE_AFTER_S`` (a stalled pipe), when it ends the
    process at once.
    """
    if not _first:
        _first.append(time.monotonic())
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)
