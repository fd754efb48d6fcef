"""What every escsim command shares: options, output sinks, scenario loading and the error guard.

- Options have the same names everywhere (``--runs``, ``--days``, ``--seed``, ``--set``,
  ``--workers``, ``--executor``, ``--scheduler``, ``--json``, ``--quiet``, ``--out``); use the
  ``…Opt`` annotations below in command signatures.
- ``out`` prints results to stdout, ``err`` messages to stderr; colour is off under ``NO_COLOR``,
  ``TERM=dumb`` or when the stream is not a terminal. With ``--json`` stdout holds only JSON.
- :class:`GuardedGroup` turns every failure into one line on stderr: usage errors and bad
  scenarios exit 2, anything unexpected exits 1 (``ESCSIM_DEBUG=1`` shows the traceback),
  Ctrl-C (SIGINT) exits 130 with ``error: interrupted``, SIGTERM 143 and SIGHUP 129 with
  ``error: stopped by SIG…`` (``signals.py``; a command may say what it leaves behind with
  :func:`on_interrupt`).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from escalation_sim.analysis.defaults import MAX_RUNS
from escalation_sim.cli.signals import exit_code, stop_message
from escalation_sim.engine.errors import ExecutorError, FilterCollapse
from escalation_sim.engine.pool import WorkerError
from escalation_sim.extras import MissingExtra, require
from escalation_sim.scenario.errors import ScenarioError, ScenarioWarning

if TYPE_CHECKING:  # the engine, pydantic and numpy load when a command runs, not for --help
    from escalation_sim.engine.executors import Executor

try:  # Typer >= 0.20 ships its own copy of Click
    from typer._click import exceptions as click_errors
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older Typer depends on Click
    from click import exceptions as click_errors  # type: ignore[no-redef]
    from click import get_current_context  # type: ignore[no-redef]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
DEBUG_ENV = "ESCSIM_DEBUG"

RunsOpt = Annotated[int | None, typer.Option("--runs", min=1, max=MAX_RUNS, metavar="N",
                                             help="Runs in the ensemble (default: the "
                                                  "scenario's).")]
DaysOpt = Annotated[int | None, typer.Option("--days", min=1, metavar="D",
                                             help="Days to simulate (default: the scenario's "
                                                  "horizon_days).")]
SeedOpt = Annotated[int | None, typer.Option("--seed", min=0, metavar="S",
                                             help="Master seed (default: the scenario's).")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", metavar="PATH=VALUE",
    help="Override a scenario value; repeatable. E.g. --set actors.baku.nationalism=0.8 "
         "--set levers.crisis_hotline.enabled=true")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, metavar="W",
                                                help="Worker processes (default: CPU count); with "
                                                     "--scheduler, the cluster's own.")]
ExecutorOpt = Annotated[str, typer.Option("--executor", metavar="local|dask",
                                          help="Where chunks of runs are computed: local "
                                               "processes, or a Dask cluster.")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS",
                                                  help="Dask scheduler, e.g. tcp://host:8786.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout "
                                                      "(and nothing else there).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
OutOpt = Annotated[Path | None, typer.Option("--out", metavar="DIR",
                                             help="Write output files here.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --out file that "
                                                        "escsim did not write (never one of "
                                                        "the command's inputs).")]
FiguresOpt = Annotated[Path | None, typer.Option(
    "--figures", metavar="DIR",
    help="Also write the charts as PNG and SVG files into DIR (needs escsim\\[report]: pip "
         "install 'escsim\\[report]').")]
CsvOutOpt = Annotated[Path | None, typer.Option("--out", metavar="FILE.csv",
                                                help="Write the table as CSV to this file "
                                                     "(replaced whole, never half-written).")]


EXAMPLE_WIDTH = 76
"""Longest line of an example in help: it prints whole at 80 columns (rich indents by one)."""


def examples(*lines: str) -> str:
    r"""A help epilog of examples, one a paragraph, each copyable as printed.

    Each example must fit in :data:`EXAMPLE_WIDTH` characters a line; a longer one is written
    over several lines, each but the last ending in `` \\`` (the shell's continuation).
    """
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines) + "\n"



def colour_off() -> bool:
    """Whether the environment asks for no colour.

    ``NO_COLOR`` set to a non-empty value (as no-color.org defines it), or ``TERM=dumb``.
    """
    return os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb"


class _Console(Console):
    """A rich console that ends quietly (exit 0) when its reader goes away (``| head``)."""

    def on_broken_pipe(self) -> None:
        """The pipe closed: stop with exit 0, as ``git log | head`` does (rich exits 1)."""
        _drop_stdout()
        raise SystemExit(EXIT_OK)


def make_console(*, stderr: bool) -> Console:
    """A rich console on stdout or stderr that never wraps lines and honours ``colour_off``."""
    return _Console(stderr=stderr, highlight=False, soft_wrap=True, no_color=colour_off(),
                    color_system=None if colour_off() else "auto")


out = make_console(stderr=False)
"""Results (tables, ``ok`` lines, JSON)."""
err = make_console(stderr=True)
"""Messages and errors."""


def print_json(data: Any) -> None:
    """Write data as JSON on stdout (plain, no markup or colour)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def error_line(message: str | BaseException) -> None:
    """Print one error line on stderr: ``error: <message>``."""
    text = " ".join(str(message).split())
    err.print(Text.assemble(("error: ", "bold red"), text), soft_wrap=True)


_WARNED: set[str] = set()


def warning_line(message: str) -> None:
    """Print one warning line on stderr, ``warning: <message>``, once per run."""
    text = " ".join(str(message).split())
    if text not in _WARNED:
        _WARNED.add(text)
        err.print(Text.assemble(("warning: ", "bold yellow"), text), soft_wrap=True)


@contextmanager
def scenario_warnings() -> Iterator[None]:
    """Print the scenario warnings issued inside the block, if it ends without an error.

    A scenario that fails to load gets its one ``error:`` line and nothing else; other
    warnings pass on as usual.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        yield
    for item in caught:
        if issubclass(item.category, ScenarioWarning):
            warning_line(str(item.message))
        else:  # pragma: no cover - a library's own warning
            warnings.showwarning(item.message, item.category, item.filename, item.lineno)


def fail(message: str | BaseException, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one error line and stop with ``code`` (2 = bad input, 1 = runtime failure)."""
    error_line(message)
    raise typer.Exit(code)


def executor_or_exit(kind: str, scheduler: str | None, workers: int | None) -> Executor:
    """The executor of ``--executor``/``--scheduler``/``--workers``, or a one-line exit.

    Bad values exit 2 (more workers than ``max_workers`` too); more workers than cores get a
    warning. An executor that cannot be set up or reached exits 1. The executor is closed (a
    Dask cluster shut down) when the command ends, however it ends.
    """
    from escalation_sim.engine.executors import default_workers, make_executor

    try:
        pool = make_executor(kind, workers=workers, scheduler=scheduler)
    except ValueError as exc:
        fail(exc)
    except ExecutorError as exc:
        fail(exc, EXIT_FAILURE)
    if scheduler is None and workers is not None and workers > default_workers():
        warning_line(f"--workers {workers} is more than the {default_workers()} cores here: the "
                     "extra processes share them and only add memory")
    close = getattr(pool, "close", None)
    ctx = get_current_context(silent=True)
    if close is not None and ctx is not None:
        ctx.call_on_close(lambda: _close_whole(close))
    return pool


def _close_whole(close: Callable[[], None]) -> None:
    """Close an executor with Ctrl-C, SIGTERM and SIGHUP held until it is closed.

    A signal in the middle would leave a Dask cluster half shut down; held, it stops the
    command right after (exit 128 + n, with its ``error:`` line). The close is bounded
    (``dask_executor.CLOSE_TIMEOUT_S``).
    """
    from escalation_sim.output.files import interrupts_deferred

    with interrupts_deferred():
        close()


def emit_document(doc: Any, *, table: Mapping[str, Sequence[Any]] | None,
                  out_file: Path | None, as_json: bool, quiet: bool,
                  render: Callable[[Any, Console], None], force: bool = False,
                  inputs: Sequence[Path] = ()) -> None:
    """The end of an analysis command: ``--out FILE.csv`` (atomic), then JSON or the tables.

    Args:
        doc: The command's JSON document.
        table: Its CSV table (columns), written when ``out_file`` is given.
        out_file: ``--out``; a file that cannot be written exits 1, one that may no longer
            be replaced (it changed during the run) exits 2.
        as_json: ``--json``: print ``doc`` on stdout instead of rendering it.
        quiet: ``--quiet``: print nothing but the JSON, if asked.
        render: Draws ``doc`` on a console.
        force: ``--force`` (never replaces an input).
        inputs: The command's input files.
    """
    from escalation_sim.output.files import OutputError, summary_json, write_csv_file

    if out_file is not None and table is not None:
        try:
            write_csv_file(out_file, table, force=force, inputs=inputs)
        except OutputError as exc:
            fail(exc, output_error_code(exc))
        if not quiet:
            err.print(f"wrote {out_file}", highlight=False)
    if as_json:
        sys.stdout.write(summary_json(doc))
    elif not quiet:
        render(doc, out)


def output_error_code(exc: BaseException) -> int:
    """The exit code of a failed write.

    2 (bad input) when escsim refused to replace what is there (``OutputRefused``), 1 (a
    runtime failure) when writing failed: a full disk, an I/O error.
    """
    from escalation_sim.output.files import OutputRefused

    return EXIT_BAD_INPUT if isinstance(exc, OutputRefused) else EXIT_FAILURE


def check_out_file_or_exit(path: Path, *, inputs: Sequence[Path] = (), force: bool = False,
                           example: str = "results.csv") -> None:
    """``output.files.check_out_file`` before any work, or one line and exit 2.

    Call it after the command's inputs are loaded: every file read so far counts as an input.
    """
    from escalation_sim.output.files import OutputError, check_out_file

    try:
        check_out_file(path, inputs=inputs, force=force, example=example)
    except OutputError as exc:
        fail(exc)


def require_or_exit(module: str, what: str) -> None:
    """Exit 1 with an install hint when an optional dependency is missing (``extras.py``)."""
    try:
        require(module, what)
    except MissingExtra as exc:
        fail(exc, EXIT_FAILURE)


def check_figures_or_exit(folder: Path | None, command: str) -> None:
    """Before running: ``--figures DIR`` is usable and matplotlib is installed, or exit."""
    if folder is None:
        return
    require_or_exit("matplotlib", "--figures")
    from escalation_sim.output.files import OutputError
    from escalation_sim.render.figures import check_folder

    try:
        check_folder(folder, command)
    except OutputError as exc:
        fail(exc)


def write_figures_or_exit(folder: Path | None, draw: Callable[[Any, Path], list[str]],
                          doc: Any, *, quiet: bool) -> None:
    """Draw a command's figures into ``--figures DIR`` (a write failure exits 1)."""
    if folder is None:
        return
    from escalation_sim.output.files import OutputError

    try:
        names = draw(doc, folder)
    except OutputError as exc:
        fail(exc, output_error_code(exc))
    if not quiet:
        err.print(f"wrote {folder}/: {', '.join(names) or 'no figures (nothing varied)'}",
                  highlight=False)


OPTION_KEYS = {"runs": "--runs", "horizon_days": "--days", "seed": "--seed"}
"""Scenario keys that an option of every command sets, and the option."""


def as_option_error(exc: ScenarioError) -> ScenarioError | str:
    """An error as a command reports it, in one line.

    Named by its option (``--days 5000: …``) when an item of :func:`option_items` caused it;
    with the count of further problems, if any (``escsim validate`` lists them).
    """
    from escalation_sim.scenario.edit import set_source

    for key, option in OPTION_KEYS.items():
        if exc.path == key and exc.source == set_source(f"{key}={exc.value}"):
            return ScenarioError(exc.message, source=f"{option} {exc.value}")
    if exc.more:
        n = len(exc.more)
        return f"{exc} (and {n} more problem{'s' if n > 1 else ''}: escsim validate lists them)"
    return exc


def _help_without_type_names() -> None:
    """Typer's help shows a type column (``<bool>``, ``<list[Path]>``); show words instead.

    A flag shows nothing there, an option its metavar (``N``, ``PATH=VALUE``), and an argument
    nothing more than its name. Typer versions without this column are left as they are.
    """
    from typer import core

    def option_type(self: Any, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return cast("str | None", self.metavar)

    # a patch of typer's help rendering, as the docstring says: assigned, not overridden
    if hasattr(core, "TyperOption") and hasattr(core.TyperOption, "display_type_rich"):
        core.TyperOption.display_type_rich = option_type  # type: ignore[method-assign]
    if hasattr(core, "TyperArgument") and hasattr(core.TyperArgument, "display_type_rich"):
        core.TyperArgument.display_type_rich = (  # type: ignore[method-assign]
            lambda self, ctx: None)


_help_without_type_names()

def _drop_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit finds no closed pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


INTERRUPT_NOTE = "escsim.interrupt_note"


class Interrupted(click_errors.ClickException):
    """A signal stopped a command: one line saying what was (not) kept, exit 128 + signal.

    130 for Ctrl-C (SIGINT), 143 for SIGTERM, 129 for SIGHUP.
    """

    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str, code: int = EXIT_INTERRUPTED) -> None:
        super().__init__(message)
        self.exit_code = code


def on_interrupt(note: str | Callable[[], str]) -> None:
    """Say what Ctrl-C from now on leaves behind: ``error: interrupted — <note>``.

    ``note`` may be a function, called when the interrupt comes, to look at what is there then.
    """
    ctx = get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[INTERRUPT_NOTE] = note


class GuardedGroup(TyperGroup):
    """The command group of ``escsim``: one-line errors, exit codes 0/1/2/130, never a traceback."""

    def main(self, args: Sequence[str] | None = None,  # type: ignore[override]  # click's varies
             prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the CLI; in standalone mode turn every exception into a message and exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as exc:  # bare `escsim`: the help was asked for
            if self.rich_markup_mode is None:
                exc.show()
            sys.exit(EXIT_OK)
        except click_errors.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            error_line(f"{exc.format_message()}{hint}")
            sys.exit(EXIT_BAD_INPUT)
        except click_errors.ClickException as exc:
            error_line(exc.format_message())
            sys.exit(exc.exit_code)
        except typer.Abort:
            error_line("aborted")
            sys.exit(EXIT_FAILURE)
        except ScenarioError as exc:
            error_line(exc)
            sys.exit(EXIT_BAD_INPUT)
        except (ExecutorError, WorkerError, FilterCollapse) as exc:  # a scheduler lost, a
            # worker died, a record the model cannot follow
            error_line(exc)
            sys.exit(EXIT_FAILURE)
        except BrokenPipeError:  # `escsim … | head`: the reader has all it wants
            _drop_stdout()
            sys.exit(EXIT_OK)
        except Exception as exc:  # the guard: one line, not a traceback
            if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                raise
            error_line(f"unexpected {type(exc).__name__}: {exc} — this is a bug in escsim; "
                       f"set {DEBUG_ENV}=1 to see the traceback")
            sys.exit(EXIT_FAILURE)
        if code == EXIT_INTERRUPTED:  # Ctrl-C outside a command (Typer turns it into a code)
            error_line("interrupted")
        sys.exit(code if isinstance(code, int) else EXIT_OK)

    def invoke(self, ctx: Any) -> Any:
        """Run the command; Ctrl-C, SIGTERM, SIGHUP become :class:`Interrupted` (one line).

        The files the command reads are tracked (``yaml_io.track_reads``): its outputs never
        replace one of them.
        """
        from escalation_sim.scenario.yaml_io import track_reads

        try:
            with track_reads():
                return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            note = ctx.meta.get(INTERRUPT_NOTE)
            note = note() if callable(note) else note
            what = stop_message(exc)
            raise Interrupted(f"{what} — {note}" if note else what, exit_code(exc)) from None
