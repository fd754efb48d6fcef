"""The one entry point of the command line: ``escsim`` and ``python -m escalation_sim``.

Signal handlers first (``signals.install``, standard library only), then the command line
(``cli/app.py``, imported only now), then the process ends through ``signals.finish`` with the
command's exit code. Both ways of starting escsim call :func:`main`, so they behave the same,
signals included.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from escalation_sim.cli.signals import exit_code, finish, install, stop_message


def main() -> NoReturn:
    """Entry point of the ``escsim`` console script: signals first, then the command line.

    Ends the process itself with the command's exit code (see the module docstring).
    """
    install()
    try:
        try:
            code = _command()
        except KeyboardInterrupt as exc:  # the first signal, come as the command had ended
            code = _stopped(exc)
        finish(code)
    except KeyboardInterrupt as exc:  # the first signal, come between the two lines above
        finish(_stopped(exc))


def _command() -> int:
    """Run the command line; its exit code (128 + n for a stop outside a command's guard)."""
    try:
        from escalation_sim.cli.app import app

        app(prog_name="escsim")
    except SystemExit as exc:
        return _exit_code(exc.code)
    except KeyboardInterrupt as exc:  # before or after a command, outside its guard
        return _stopped(exc)
    return 0


def _stopped(exc: BaseException) -> int:
    """Say that a signal stopped escsim (one line) and return its exit code."""
    try:
        sys.stderr.write(f"error: {stop_message(exc)}\n")
    except (OSError, ValueError):  # stderr closed
        pass
    return exit_code(exc)


def _exit_code(code: object) -> int:
    """A ``SystemExit`` code as a process exit code (a message is printed, exit 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(f"{code}\n")
    except (OSError, ValueError):
        pass
    return 1
