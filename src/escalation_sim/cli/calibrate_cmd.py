"""``escsim calibrate [EPISODES...]``: fit shared model weights to the episode library.

Episodes → training set (each cut to its first months) → ABC-SMC (pyabc) whose distance is the
model's RPS averaged over episodes (``analysis.calibrate``) → a calibration file (YAML): summary
priors in scenario format, the weighted posterior sample, settings, distance. ``--leave-one-out``
instead refits without each episode in turn and scores it out of sample
(``analysis.out_of_sample``) → a JSON table.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from escalation_sim.analysis.defaults import MAX_RUNS
from escalation_sim.cli.common import (
    EXIT_FAILURE,
    ExecutorOpt,
    ForceOpt,
    JsonOpt,
    QuietOpt,
    SchedulerOpt,
    WorkersOpt,
    check_out_file_or_exit,
    err,
    examples,
    executor_or_exit,
    fail,
    on_interrupt,
    out,
    output_error_code,
    print_json,
    require_or_exit,
)
from escalation_sim.scenario.errors import ScenarioError

HEADER = "# escsim calibrate"
"""First line of every calibration file the command writes."""
DEFAULT_OUT = Path("calibration.yaml")
DEFAULT_LOO_OUT = Path("out_of_sample.json")

HELP = (
    "Calibrate shared model weights across past crises with ABC-SMC (pyabc), or, with "
    "--leave-one-out, score the model on each crisis out of sample.\n\n"
    "EPISODES are episode files or bundled episode names (default: every bundled episode). "
    "Each parameter set is scored by simulating every episode with it (--runs runs, one seed: "
    "common random numbers) and averaging the model's RPS over episodes (each cut to its first "
    "--max-months months). ABC-SMC keeps the sets closest to the record, generation by "
    "generation. The parameters and their priors: docs/calibration.md.\n\n"
    "Writes --out (default calibration.yaml): priors in scenario format (a scenario can use "
    "them with calibration: FILE), the posterior sample with weights, the episodes, settings "
    "and distance. pyabc's history is kept beside it (FILE.db); --resume continues an "
    "interrupted calibration from it. Ctrl-C leaves --out as it was.\n\n"
    "--leave-one-out: for each episode, refit without it (ABC rejection on --design prior "
    "draws, keeping the best --accept share on the other episodes) and simulate it with "
    "--draws parameter sets drawn from that refit; prints per episode and pooled: RPS, skill "
    "against climatology, the other episodes' base rates, persistence and the uncalibrated "
    "model, Brier scores of force and of engagement, and coverage of the 50% and 90% bands; "
    "writes them as JSON to --out (default out_of_sample.json).\n\n"
    "Needs the calibrate extra (pyabc): pip install 'escsim\\[calibrate]'."
)
EPILOG = examples(
    "escsim calibrate",
    "escsim calibrate --population 60 --generations 5 --workers 2 \\\n"
    "    --out calibration.yaml",
    "escsim calibrate --resume --generations 6",
    "escsim calibrate --leave-one-out --json > loo.json",
)

OutFileOpt = Annotated[Path | None, typer.Option(
    "--out", metavar="FILE", help="Calibration file (YAML; default calibration.yaml), or with "
                                  "--leave-one-out the JSON table (default out_of_sample.json).")]


def calibrate_cmd(
    episodes: Annotated[list[str] | None, typer.Argument(
        metavar="[EPISODES]...", show_default=False,
        help="Episode files or bundled names (default: all bundled episodes).")] = None,
    out_file: OutFileOpt = None,
    population: Annotated[int, typer.Option("--population", min=2, metavar="N",
                                            help="Particles per generation.")] = 32,
    generations: Annotated[int, typer.Option("--generations", min=1, metavar="G",
                                             help="ABC-SMC generations.")] = 3,
    runs: Annotated[int, typer.Option("--runs", min=1, max=MAX_RUNS, metavar="R",
                                      help="Runs per episode and parameter set.")] = 64,
    max_months: Annotated[int, typer.Option("--max-months", min=1, metavar="M",
                                            help="Months of each episode scored in the fit "
                                                 "(the first M).")] = 12,
    seed: Annotated[int, typer.Option("--seed", min=0, metavar="S",
                                      help="Seed of the simulations and of pyabc.")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the calibration kept in "
                                                          "FILE.db.")] = False,
    leave_one_out: Annotated[bool, typer.Option(
        "--leave-one-out", help="Score each episode out of sample instead of calibrating.")
    ] = False,
    design: Annotated[int, typer.Option("--design", min=4, metavar="N",
                                        help="--leave-one-out: prior draws refitted on.")] = 96,
    accept: Annotated[float, typer.Option("--accept", min=0.01, max=1.0, metavar="Q",
                                          help="--leave-one-out: share of prior draws kept "
                                               "in each refit.")] = 0.2,
    draws: Annotated[int, typer.Option("--draws", min=1, metavar="N",
                                       help="--leave-one-out: posterior draws simulated on "
                                            "the held-out episode.")] = 16,
    runs_per_draw: Annotated[int, typer.Option(
        "--runs-per-draw", min=1, max=MAX_RUNS, metavar="R",
        help="--leave-one-out: runs per posterior draw.")] = 32,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Calibrate across episodes, or score them out of sample (help text: ``HELP``)."""
    require_or_exit("pyabc", "escsim calibrate")
    from escalation_sim.analysis.calibrate import DEFAULT_PRIORS, check_priors, load_training
    from escalation_sim.scenario.bundled import episode_files

    names: list[str | Path] = list(episodes) if episodes else \
        [p for p in episode_files() if p.suffix == ".yaml"]
    if len(names) < (3 if leave_one_out else 1):
        fail(f"{'--leave-one-out needs at least 3 episodes' if leave_one_out else 'no episodes'}"
             f"; got {len(names)}")
    if leave_one_out and resume:
        fail("--resume continues a calibration; --leave-one-out does not keep one")
    target = out_file or (DEFAULT_LOO_OUT if leave_one_out else DEFAULT_OUT)
    try:
        training = load_training(names, max_months)
        full = load_training(names, None) if leave_one_out else training
    except ScenarioError as exc:
        fail(exc)
    try:
        check_priors(DEFAULT_PRIORS, training[0].scenario)
    except ValueError as exc:
        fail(exc)
    inputs = [Path(n) for n in names if Path(n).exists()]
    check_out_file_or_exit(target, inputs=inputs, force=force, example=target.name)
    pool = executor_or_exit(executor, scheduler, workers)
    progress = _progress_factory(quiet)
    if leave_one_out:
        _leave_one_out(training, full, target, max_months=max_months, design=design,
                       accept=accept, draws=draws, runs_per_draw=runs_per_draw, runs=runs,
                       seed=seed, pool=pool, progress=progress, as_json=as_json, quiet=quiet,
                       force=force, inputs=inputs)
        return
    _calibrate(training, target, population=population, generations=generations, runs=runs,
               max_months=max_months, seed=seed, resume=resume, pool=pool, progress=progress,
               as_json=as_json, quiet=quiet, force=force, inputs=inputs)


def db_path(target: Path) -> Path:
    """Where pyabc's history of a calibration file is kept."""
    return target.with_name(target.name + ".db")


def _progress_factory(quiet: bool) -> Any:
    from escalation_sim.cli.progress import progress_bar

    def make(total: int) -> Any:
        bar = progress_bar(total, quiet=quiet)
        return _Once(bar)

    return make


class _Once:
    """A progress bar that opens itself on the first call and closes when the batch is done."""

    def __init__(self, bar: Any) -> None:
        self.bar, self.open = bar, False

    def __call__(self, finished: int) -> None:
        if not self.open:
            self.bar.__enter__()
            self.open = True
        self.bar(finished)
        if self.bar.done >= self.bar.total:
            self.bar.__exit__(None, None, None)


def _calibrate(training: list[Any], target: Path, *, population: int, generations: int,
               runs: int, max_months: int, seed: int, resume: bool, pool: Any,
               progress: Any, as_json: bool, quiet: bool, force: bool,
               inputs: list[Path]) -> None:
    from escalation_sim.analysis.calibrate import (
        DEFAULT_PRIORS,
        Settings,
        calibration_document,
        run_abc,
    )
    from escalation_sim.analysis.calibration_db import DatabaseRefused, check_db
    from escalation_sim.analysis.calibration_db import generations as finished
    from escalation_sim.render.calibrate import render_calibration

    db = db_path(target)
    if resume:
        if not os.path.lexists(db):
            fail(f"--resume: no calibration to continue ({db} does not exist)")
        try:
            check_db(db)
        except DatabaseRefused as exc:
            fail(f"--resume: {db} {exc}")
    elif os.path.lexists(db):
        try:
            check_db(db)
        except DatabaseRefused as exc:
            fail(f"{db} {exc}; give another --out, or remove it to start again")
        fail(f"{db} holds an earlier calibration: --resume continues it, or remove it (or give "
             "another --out) to start again")

    def interrupted() -> str:
        kept = finished(db)
        return (f"nothing written to {target}; " +
                (f"{db} keeps {kept} finished generation{'s' if kept > 1 else ''} (--resume "
                 "continues)" if kept else "no generation was finished, so none is kept"))

    on_interrupt(interrupted)
    settings = Settings(population=population, generations=generations, runs=runs, seed=seed,
                        max_months=max_months)

    def report(t: int, eps: float, accepted: int, evaluated: int) -> None:
        if not quiet:
            err.print(f"generation {t + 1}/{generations}: threshold {eps:.4f}, "
                      f"{accepted} kept of {evaluated} simulated", highlight=False)

    start = time.perf_counter()
    try:
        post = run_abc(training, list(DEFAULT_PRIORS), settings, db, resume=resume,
                       executor=pool, progress=progress, on_generation=report)
    except BaseException as exc:
        if not resume and finished(db) == 0:  # made by this run, with nothing in it
            with contextlib.suppress(OSError):
                db.unlink()
        if isinstance(exc, DatabaseRefused):
            fail(f"{db} {exc}")
        if _database_error(exc):
            fail(f"{db}: cannot write: {exc}", EXIT_FAILURE)
        raise
    doc = calibration_document(post, training, settings, training[0].scenario,
                               wall_s=time.perf_counter() - start, workers=pool.workers)
    _write_and_show(target, calibration_yaml(doc), "calibration.yaml", doc, render_calibration,
                    as_json=as_json, quiet=quiet, force=force, inputs=inputs)


def _database_error(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's or SQLAlchemy's (e.g. a full disk under pyabc's history)."""
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        return True
    try:
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:  # pragma: no cover - pyabc depends on SQLAlchemy
        return False
    return isinstance(exc, SQLAlchemyError)


def calibration_yaml(doc: dict[str, Any]) -> str:
    """The calibration file's text: a header line, then the document as YAML."""
    import yaml

    return (f"{HEADER}: priors for scenarios (calibration: FILE), and the posterior sample.\n"
            + yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=100,
                             allow_unicode=True))


def _leave_one_out(training: list[Any], full: list[Any], target: Path, *, max_months: int,
                   design: int,
                   accept: float, draws: int, runs_per_draw: int, runs: int, seed: int,
                   pool: Any, progress: Any, as_json: bool, quiet: bool, force: bool,
                   inputs: list[Path]) -> None:
    from escalation_sim.analysis.calibrate import DEFAULT_PRIORS
    from escalation_sim.analysis.out_of_sample import LooSettings, leave_one_out
    from escalation_sim.render.calibrate import render_loo

    on_interrupt(f"nothing written to {target}")
    settings = LooSettings(design=design, accept=accept, draws=draws,
                           runs_per_draw=runs_per_draw, runs=runs, seed=seed,
                           max_months=max_months)
    start = time.perf_counter()
    doc = leave_one_out(training, full, list(DEFAULT_PRIORS), settings, executor=pool,
                        progress=progress)
    doc["wall_seconds"] = round(time.perf_counter() - start, 1)
    doc["settings"]["workers"] = pool.workers
    _write_and_show(target, json.dumps(doc, indent=2) + "\n", "out_of_sample.json", doc,
                    render_loo, as_json=as_json, quiet=quiet, force=force, inputs=inputs)


def _write_and_show(target: Path, text: str, example: str, doc: dict[str, Any],
                    render: Callable[[dict[str, Any], Any], None], *, as_json: bool,
                    quiet: bool, force: bool, inputs: list[Path]) -> None:
    """Write ``text`` to ``target`` atomically, then print ``doc`` as JSON or rendered.

    ``example`` is the file name suggested when ``target`` is a folder.
    """
    from escalation_sim.output.files import OutputError, write_file_atomic

    try:
        write_file_atomic(target, text, example=example, force=force, inputs=inputs)
    except OutputError as exc:
        fail(exc, output_error_code(exc))
    if as_json:
        print_json(doc)
    elif not quiet:
        render(doc, out)
        err.print(f"wrote {target}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``escsim calibrate`` to the app."""
    app.command("calibrate", help=HELP, epilog=EPILOG,
                short_help="Fit shared model weights across past crises (ABC-SMC, pyabc); "
                           "score them out of sample.")(calibrate_cmd)
