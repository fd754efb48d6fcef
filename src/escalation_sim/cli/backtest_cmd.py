"""``escsim backtest EPISODE``: score the model's forecast of a real, dated episode.

Episode file → its scenario moved to the episode's start (``load_episode``) → ensemble with
per-run monthly rungs (``evaluate(..., monthly=True)``) → scores beside climatology and
persistence (``analysis.backtest.report``) → a table, or JSON on stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
    executor_or_exit,
    fail,
    out,
    print_json,
    write_figures_or_exit,
)
from escalation_sim.scenario.errors import ScenarioError

if TYPE_CHECKING:
    from escalation_sim.engine.calendar import ChunkResult
    from escalation_sim.scenario.episode import LoadedEpisode
    from escalation_sim.scenario.schema import Scenario

HELP = (
    "Backtest the model on a dated episode: simulate from the episode's start and score the "
    "observed path against the simulated distribution.\n\n"
    "EPISODE is an episode file (YAML, see docs/episodes.md) or the name of a bundled episode "
    "(escsim list). Scores, lower is better: the ranked probability score (RPS) of each actor's "
    "observed highest rung in each month, Brier scores of 'force by month m' and 'back to "
    "engagement or better by month m', and the coverage of the observed monthly rungs by the "
    "central 50% and 90% bands. Each is shown beside climatology (the same runs' frequencies "
    "pooled over months) and persistence (the starting rungs carried forward), with the skill "
    "score 1 − score/reference and 95% intervals from resampling runs.\n\n"
    "--set changes the episode's scenario (after the episode's own changes), to try a "
    "calibration. With --json, stdout holds only the report. --figures DIR writes, per actor, "
    "the observed monthly rung against the simulated 50% and 90% bands as PNG and SVG."
)
EPILOG = """Examples:

  escsim backtest azerbaijan_russia_2024_2026

  escsim backtest my_episode.yaml --runs 4000 --seed 7 --workers 2

  escsim backtest azerbaijan_russia_2024_2026 --set actors.moscow.reciprocity=0.4 --json
"""


def backtest(
    episode: Annotated[str, typer.Argument(metavar="EPISODE", show_default=False,
                                           help="Episode file (YAML) or bundled episode name.")],
    runs: RunsOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    figures: FiguresOpt = None,
) -> None:
    """Backtest the model on an episode (help text: ``HELP``)."""
    from escalation_sim.analysis.backtest import Simulated, report
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.engine.ensemble import Point, evaluate
    from escalation_sim.render.backtest import render_backtest
    from escalation_sim.render.figures import backtest_figures
    from escalation_sim.scenario.episode import load_episode

    try:
        loaded = load_episode(episode)
        scenario = with_sets(loaded, sets or [])
    except ScenarioError as exc:
        fail(exc)
    check_figures_or_exit(figures, "backtest")
    n = runs or scenario.runs
    point = Point(scenario, scenario.seed if seed is None else seed)
    pool = executor_or_exit(executor, scheduler, workers)
    months = MonthlyRungs(n)
    with progress_bar(n, quiet=quiet) as progress:
        evaluate([point], n, executor=pool, monthly=True, progress=progress,
                 on_runs=months.add)
    sim = Simulated(months.month_max, months.month_min_top)
    data = {"episode": loaded.episode.name, "source": loaded.source,
            "scenario": scenario.name, "start_date": str(loaded.episode.start_date),
            "end_date": str(loaded.episode.end_date), "seed": point.seed,
            "overrides": list(sets or []),
            **report(sim, loaded.observed(), list(scenario.actors), seed=point.seed)}
    write_figures_or_exit(figures, backtest_figures, data, quiet=quiet)
    if as_json:
        print_json(data)
    elif not quiet:
        render_backtest(data, out)


class MonthlyRungs:
    """Keeps only what the scores need of each run: its monthly rungs, one byte each."""

    def __init__(self, runs: int) -> None:
        import numpy as np

        self.runs = runs
        self.month_max = np.zeros((0, 0, 0), dtype=np.uint8)
        self.month_min_top = np.zeros((0, 0), dtype=np.uint8)

    def add(self, _: int, chunk: ChunkResult) -> None:
        """Copy one chunk's monthly rungs into place (an ``evaluate`` runs sink)."""
        import numpy as np

        top, low = chunk.runs["actor_month_max"], chunk.runs["month_min_top"]
        if not self.month_max.size:
            self.month_max = np.zeros((self.runs, *top.shape[1:]), dtype=np.uint8)
            self.month_min_top = np.zeros((self.runs, *low.shape[1:]), dtype=np.uint8)
        end = chunk.first_run + top.shape[0]
        self.month_max[chunk.first_run:end] = top
        self.month_min_top[chunk.first_run:end] = low


def with_sets(loaded: LoadedEpisode, sets: list[str]) -> Scenario:
    """The episode's scenario with ``--set`` items applied (validated)."""
    from escalation_sim.scenario.edit import set_path, set_source, split_override

    scenario = loaded.scenario.model_copy(deep=True)
    for item in sets:
        path, value = split_override(item)
        try:
            set_path(scenario, path, value)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=set_source(item), path=path,
                                value=value) from None
    return scenario


def register(app: typer.Typer) -> None:
    """Add ``escsim backtest`` to the app."""
    app.command("backtest", help=HELP, epilog=EPILOG,
                short_help="Score the model against a dated real episode, with skill versus "
                           "climatology and persistence.")(backtest)

