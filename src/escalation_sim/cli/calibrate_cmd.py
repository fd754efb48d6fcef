"""``escsim calibrate [EPISODES...]``: fit shared model weights to the episode library.

Episodes → training set (each cut to its first months) → ABC-SMC (pyabc) on the backtest
distance (``analysis.calibrate``, ``analysis.backtest.distance``) → a calibration file (YAML):
the weighted parameter sets that scenarios draw from, per-parameter summaries, the epsilon
schedule and effective sample sizes. ``--leave-one-out`` instead refits a finished calibration
without each episode in turn, by importance reweighting of every set it simulated, and scores
it out of sample (``analysis.out_of_sample``) → a JSON table.
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

def _help() -> str:
    from escalation_sim.analysis.distance_terms import distance_text

    return (
        "Calibrate shared model weights across past crises with ABC-SMC (pyabc), or, with "
        "--leave-one-out, score the model on each crisis out of sample.\n\n"
        "EPISODES are episode files or bundled episode names (default: every bundled episode), "
        "each read without its scenario's calibration and cut to its first --max-months "
        "months. Each parameter set is scored by simulating every episode with it (--runs runs, "
        "one seed: common random numbers) and pooling the scores into one distance, "
        + distance_text().removeprefix("distance: one number for calibration, ") + ". "
        "ABC-SMC keeps the sets closest to the record, generation by generation, each "
        "threshold the median distance of the generation before. The parameters and their "
        "priors: docs/calibration.md.\n\n"
        "Writes --out (default calibration.yaml): the weighted parameter sets (a scenario with "
        "calibration: FILE draws one set per run, keeping their correlations), each parameter's "
        "posterior summary and sd against its prior's, the epsilon schedule and effective "
        "sample sizes, episodes and settings. pyabc's history and every set simulated are kept "
        "beside it (FILE.db); --resume continues an interrupted calibration from it. Ctrl-C "
        "leaves --out as it was.\n\n"
        "--leave-one-out: refits the calibration in --calibration FILE (and FILE.db) without "
        "each of its episodes in turn, by importance reweighting of every set it simulated, "
        "simulates the held-out episode's whole window with that refit (--runs runs, default "
        "512) and prints per episode and pooled: RPS of the readings and of each track, skill "
        "against climatology, the other episodes' base rates, persistence (no change) and the "
        "uncalibrated model, Brier scores of force and of engagement, the summary statistics, "
        "and coverage of the 50% and 90% bands; writes them as JSON to --out (default "
        "out_of_sample.json).\n\n"
        "Needs the calibrate extra (pyabc): pip install 'escsim\\[calibrate]'."
    )


HELP = _help()
EPILOG = examples(
    "escsim calibrate --workers 2",
    "escsim calibrate --population 60 --generations 3 --runs 64 --workers 2 \\\n"
    "    --out calibration.yaml",
    "escsim calibrate --resume --generations 8",
    "escsim calibrate --leave-one-out --calibration calibration.yaml \\\n"
    "    --out out_of_sample.json",
)
CALIBRATE_RUNS = 128
"""Runs per episode and parameter set when calibrating and --runs is not given."""
LOO_RUNS = 512
"""Runs of each held-out episode with --leave-one-out when --runs is not given."""

OutFileOpt = Annotated[Path | None, typer.Option(
    "--out", metavar="FILE", help="Calibration file (YAML; default calibration.yaml), or with "
                                  "--leave-one-out the JSON table (default out_of_sample.json).")]


def calibrate_cmd(
    episodes: Annotated[list[str] | None, typer.Argument(
        metavar="[EPISODES]...", show_default=False,
        help="Episode files or bundled names (default: all bundled episodes).")] = None,
    out_file: OutFileOpt = None,
    population: Annotated[int, typer.Option("--population", min=2, metavar="N",
                                            help="Particles per generation.")] = 200,
    generations: Annotated[int, typer.Option("--generations", min=1, metavar="G",
                                             help="ABC-SMC generations.")] = 6,
    runs: Annotated[int | None, typer.Option(
        "--runs", min=1, max=MAX_RUNS, metavar="R",
        help=f"Runs per episode and parameter set (default {CALIBRATE_RUNS}); with "
             f"--leave-one-out, runs of each held-out episode (default {LOO_RUNS}).",
        show_default=False)] = None,
    max_months: Annotated[int, typer.Option("--max-months", min=1, metavar="M",
                                            help="Months of each episode scored in the fit "
                                                 "(the first M).")] = 12,
    seed: Annotated[int, typer.Option("--seed", min=0, metavar="S",
                                      help="Seed of the simulations and of pyabc.")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the calibration kept in "
                                                          "FILE.db.")] = False,
    leave_one_out: Annotated[bool, typer.Option(
        "--leave-one-out", help="Score each episode of a finished calibration out of sample "
                                "instead of calibrating.")] = False,
    calibration: Annotated[Path | None, typer.Option(
        "--calibration", metavar="FILE", help="--leave-one-out: the calibration file refitted "
                                              "(its FILE.db beside it; default "
                                              "calibration.yaml).", show_default=False)] = None,
    min_ess: Annotated[float, typer.Option(
        "--min-ess", min=2.0, metavar="N", help="--leave-one-out: smallest effective sample "
                                                "size of a refit (its threshold is raised "
                                                "until it is reached).")] = 50.0,
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

    if leave_one_out:
        if resume:
            fail("--resume continues a calibration; --leave-one-out does not keep one")
        if episodes:
            fail("--leave-one-out scores the episodes of the calibration it refits; give "
                 "--calibration FILE, not EPISODES")
        _leave_one_out(calibration or DEFAULT_OUT, out_file or DEFAULT_LOO_OUT,
                       runs=runs or LOO_RUNS, min_ess=min_ess, seed=seed,
                       pool=executor_or_exit(executor, scheduler, workers),
                       progress=_progress_factory(quiet), as_json=as_json, quiet=quiet,
                       force=force)
        return
    if calibration is not None:
        fail("--calibration names the calibration --leave-one-out refits; to calibrate, give "
             "--out")
    names: list[str | Path] = list(episodes) if episodes else \
        [p for p in episode_files() if p.suffix == ".yaml"]
    if not names:
        fail("no episodes")
    target = out_file or DEFAULT_OUT
    try:
        training = load_training(names, max_months)
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
    _calibrate(training, target, population=population, generations=generations,
               runs=runs or CALIBRATE_RUNS, max_months=max_months, seed=seed, resume=resume,
               pool=pool, progress=progress, as_json=as_json, quiet=quiet, force=force,
               inputs=inputs)


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

    return (f"{HEADER}: the weighted parameter sets scenarios draw from (calibration: FILE), "
            "and how they were found.\n"
            + yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=100,
                             allow_unicode=True))


def _leave_one_out(calibration: Path, target: Path, *, runs: int, min_ess: float, seed: int,
                   pool: Any, progress: Any, as_json: bool, quiet: bool, force: bool) -> None:
    import yaml

    from escalation_sim.analysis.calibrate import load_training, posterior_of
    from escalation_sim.analysis.calibration_db import DatabaseRefused, check_db
    from escalation_sim.analysis.out_of_sample import LooSettings, leave_one_out
    from escalation_sim.render.calibrate import render_loo

    db = db_path(calibration)
    try:
        check_db(db)
    except DatabaseRefused as exc:
        fail(f"{db} {exc}; --leave-one-out needs the database of the calibration it refits")
    try:
        doc = yaml.safe_load(calibration.read_text(encoding="utf-8"))
        post = posterior_of(doc)
        names = list(doc["episodes"])
    except OSError as exc:
        fail(f"--calibration {calibration}: cannot be read ({exc.strerror or exc})")
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        fail(f"--calibration {calibration}: not a calibration file escsim wrote ({exc})")
    try:
        episodes = load_training(names, None)
    except ScenarioError as exc:
        fail(exc)
    inputs = [calibration, db]
    check_out_file_or_exit(target, inputs=inputs, force=force, example=target.name)
    on_interrupt(f"nothing written to {target}")
    start = time.perf_counter()
    try:
        refit = load_refit(db, post)
    except ValueError as exc:
        fail(f"{db} {exc}")
    table = leave_one_out(refit, episodes, LooSettings(runs=runs, min_ess=min_ess, seed=seed),
                          executor=pool, progress=progress)
    table["calibration"] = {"file": calibration.name, "joint": calibration_joint(calibration),
                            "episodes": len(names), "settings": doc.get("settings")}
    table["wall_seconds"] = round(time.perf_counter() - start, 1)
    table["settings"]["workers"] = pool.workers
    _write_and_show(target, json.dumps(table, indent=2) + "\n", "out_of_sample.json", table,
                    render_loo, as_json=as_json, quiet=quiet, force=force, inputs=inputs)


def load_refit(db: Path, post: Any) -> Any:
    """The calibration's simulated sets in ``db`` with their importance weights.

    Raises:
        ValueError: ``db`` keeps no simulated sets, or not of these parameters.
    """
    import numpy as np
    import pyabc

    from escalation_sim.analysis.calibrate import _last_run
    from escalation_sim.analysis.evaluations import load, log_proposals
    from escalation_sim.analysis.out_of_sample import refit_of

    evaluations = load(db)
    if evaluations.values.shape[1] != len(post.priors):
        raise ValueError("keeps parameter sets of other parameters than the calibration file's")
    url = f"sqlite:///{db}"
    history = pyabc.History(url, _id=_last_run(url))
    keys = [p.key for p in post.priors]
    lows = np.array([p.low for p in post.priors])
    highs = np.array([p.high for p in post.priors])
    log_q = log_proposals(history, keys, lows, highs, evaluations.values,
                          int(evaluations.generation.max()) + 1)
    return refit_of(post, evaluations, log_q)


def calibration_joint(calibration: Path) -> str | None:
    """The joint name scenarios give the calibration's parameter sets (``None``: none)."""
    from escalation_sim.scenario.load import PARTICLES_KEY, particle_specs
    from escalation_sim.scenario.yaml_io import read_document, read_file

    doc = read_document(read_file(calibration), str(calibration))
    if PARTICLES_KEY not in doc.data:
        return None
    specs = particle_specs(doc)
    return str(next(iter(specs.values()))["particles"]["joint"]) if specs else None


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
