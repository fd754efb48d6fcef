"""``escsim backtest EPISODE…``: score the model's forecast of real, dated episodes.

Episode file → its scenario moved to the episode's start (``load_episode``) → ensemble with
per-run monthly rungs (``evaluate(..., monthly=True)``) → scores beside climatology, the
empirical base rates of the other bundled episodes, and persistence → a table, or JSON on
stdout. One episode gets bootstrap intervals (``analysis.backtest.report``); several, or
``--all``, get point scores per episode and pooled (``episode_scores``, ``pooled_scores``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from escalation_sim.cli.common import (
    ExecutorOpt,
    FiguresOpt,
    JsonOpt,
    QuietOpt,
    RunsOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    check_figures_or_exit,
    examples,
    fail,
    out,
    print_json,
    write_figures_or_exit,
)
from escalation_sim.cli.steps import execute, planned

HELP = (
    "Backtest the model on dated episodes: simulate from each episode's start and score the "
    "observed path against the simulated distribution.\n\n"
    "EPISODE is an episode file (YAML, see docs/episodes.md) or the name of a bundled episode "
    "(escsim list); give several, or --all for every bundled episode, to get a table per "
    "episode and pooled. The observed path is read month by month (docs/episodes.md §6): an "
    "actor's rung is the highest of its chosen acts that month and its measures in force. "
    "Scores, lower is better: the ranked probability score (RPS) of each actor's observed rung "
    "in each month, Brier scores of 'force by month m' and 'back to engagement or better by "
    "month m', and the coverage of the observed monthly rungs by the central 50% and 90% "
    "bands. Each is shown beside three references: climatology (the same runs' frequencies "
    "pooled over months), empirical (the base rates of observed monthly rungs in the other "
    "bundled episodes) and persistence (the starting rungs carried forward), with the skill "
    "score 1 − score/reference; for one episode, with 95% intervals from resampling runs.\n\n"
    "--set changes each episode's scenario (after the episode's own changes), to try a "
    "calibration. With --json, stdout holds only the report. --figures DIR (one episode) "
    "writes, per actor, the observed monthly rung against the simulated 50% and 90% bands as "
    "PNG and SVG."
)
EPILOG = examples(
    "escsim backtest azerbaijan_russia_2024_2026",
    "escsim backtest my_episode.yaml --runs 4000 --seed 7 --workers 2",
    "escsim backtest azerbaijan_russia_2024_2026 \\\n"
    "    --set actors.moscow.reciprocity=0.4 --json",
    "escsim backtest --all --runs 500 --workers 2",
    "escsim backtest india_pakistan_2019 russia_uk_2018_2019 --json",
    "escsim backtest azerbaijan_russia_2024_2026 --from 2025-07-01",
    "escsim backtest russia_ukraine_2013 --origins every:2m --runs 200",
)


def backtest(
    episodes: Annotated[list[str] | None, typer.Argument(
        metavar="EPISODE...", show_default=False,
        help="Episode files (YAML) or bundled episode names.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Score every bundled episode (escsim "
                                        "list), each from its own scenario.")] = False,
    runs: RunsOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    figures: FiguresOpt = None,
    origin: Annotated[dt.datetime | None, typer.Option(
        "--from", formats=["%Y-%m-%d"], metavar="DATE",
        help="Forecast from DATE only: filter the runs through the record up to DATE, score "
             "the months after it at horizons of 1, 3, 6 and 12 months.")] = None,
    origins: Annotated[str | None, typer.Option(
        "--origins", metavar="every:Nm",
        help="Forecast from an origin every N months of each record (every:3m), each "
             "filtered up to its origin; scores by horizon, pooled.")] = None,
) -> None:
    """Backtest the model on one or more episodes (help text: ``HELP``)."""
    from escalation_sim.scenario import bundled

    names = list(episodes or [])
    if every:
        names += [str(p) for p in bundled.episode_files() if p.suffix == ".yaml"]
    if not names:
        fail("give an episode file or bundled episode name (escsim list), several, or --all")
    if origin is not None or origins is not None:
        if figures is not None:
            fail("--figures is for whole-window backtests, not --from or --origins")
        rolling_origins(names, origin.date() if origin else None, origins, runs=runs,
                        seed=seed, sets=sets, as_json=as_json, quiet=quiet)
        return
    if len(names) == 1 and not every:
        single(names[0], runs=runs, seed=seed, sets=sets, workers=workers, executor=executor,
               scheduler=scheduler, as_json=as_json, quiet=quiet, figures=figures)
        return
    if figures is not None:
        fail("--figures draws one episode; give a single EPISODE")
    library(names, runs=runs, seed=seed, sets=sets, workers=workers, executor=executor,
            scheduler=scheduler, as_json=as_json, quiet=quiet, every=every)


def single(episode: str, *, runs: int | None, seed: int | None, sets: list[str] | None,
           workers: int | None, executor: str, scheduler: str | None, as_json: bool,
           quiet: bool, figures: Path | None) -> None:
    """``escsim backtest EPISODE``: one episode's scores with bootstrap intervals."""
    from escalation_sim.commands import backtest as command
    from escalation_sim.render.backtest import render_backtest
    from escalation_sim.render.figures import backtest_figures

    plan = planned(lambda: command.plan(episode, sets or [], runs=runs, seed=seed))
    check_figures_or_exit(figures, "backtest")
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    write_figures_or_exit(figures, backtest_figures, output.document, quiet=quiet)
    if as_json:
        print_json(output.document)
    elif not quiet:
        render_backtest(output.document, out)


def library(names: list[str], *, runs: int | None, seed: int | None, sets: list[str] | None,
            workers: int | None, executor: str, scheduler: str | None, as_json: bool,
            quiet: bool, every: bool = False) -> None:
    """``escsim backtest --all`` or several episodes: per-episode and pooled point scores.

    Each episode runs from its own scenario at the current parameters; its empirical reference
    is the base rates of the other episodes, given and bundled (leave-one-out).
    """
    from escalation_sim.commands import backtest as command
    from escalation_sim.render.backtest import render_library

    plan = planned(lambda: command.plan_library(names, sets or [], runs=runs, seed=seed,
                                                every=every))
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    if as_json:
        print_json(output.document)
    elif not quiet:
        render_library(output.document, out)


def rolling_origins(names: list[str], origin: dt.date | None, spec: str | None, *,
                    runs: int | None, seed: int | None, sets: list[str] | None, as_json: bool,
                    quiet: bool) -> None:
    """``--from`` / ``--origins``: forecasts filtered up to each origin, scored by horizon."""
    from escalation_sim.commands import backtest as command
    from escalation_sim.render.backtest import render_rolling

    plan = planned(lambda: command.plan_rolling(names, origin=origin, origins=spec, runs=runs,
                                                seed=seed, sets=sets or []))
    output = plan.run()
    if as_json:
        print_json(output.document)
    elif not quiet:
        render_rolling(output.document, out)


def register(app: typer.Typer) -> None:
    """Add ``escsim backtest`` to the app."""
    app.command("backtest", help=HELP, epilog=EPILOG,
                short_help="Score the model against dated real episodes, with skill versus "
                           "climatology, empirical base rates and persistence.")(backtest)

