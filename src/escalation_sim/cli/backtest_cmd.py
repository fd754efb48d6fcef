"""``escsim backtest EPISODE``: score the model's forecast of a real, dated episode.

Episode file → its scenario moved to the episode's start (``load_episode``) → ensemble with
per-run monthly rungs (``evaluate(..., monthly=True)``) → scores beside climatology and
persistence (``analysis.backtest.report``) → a table, or JSON on stdout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from escalation_sim.analysis.backtest import Simulated, report
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
from escalation_sim.cli.progress import progress_bar
from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.render.figures import backtest_figures
from escalation_sim.render.numbers import MISSING, decimals, estimate, number, percent
from escalation_sim.scenario.edit import set_path, split_override
from escalation_sim.scenario.episode import LoadedEpisode, load_episode
from escalation_sim.scenario.errors import ScenarioError
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
    try:
        loaded = load_episode(episode)
        scenario = with_sets(loaded, sets or [])
    except ScenarioError as exc:
        fail(exc)
    check_figures_or_exit(figures, "backtest")
    n = runs or scenario.runs
    point = Point(scenario, scenario.seed if seed is None else seed)
    pool = executor_or_exit(executor, scheduler, workers)
    with progress_bar(n, quiet=quiet) as progress:
        result = evaluate([point], n, executor=pool, keep_runs=True, monthly=True,
                          progress=progress)[0]
    assert result.runs is not None
    sim = Simulated(result.runs["actor_month_max"].astype(np.int64),
                    result.runs["month_min_top"].astype(np.int64))
    data = {"episode": loaded.episode.name, "source": loaded.source,
            "scenario": scenario.name, "start_date": str(loaded.episode.start_date),
            "end_date": str(loaded.episode.end_date), "seed": point.seed,
            "overrides": list(sets or []),
            **report(sim, loaded.observed(), list(scenario.actors), seed=point.seed)}
    write_figures_or_exit(figures, backtest_figures, data, quiet=quiet)
    if as_json:
        print_json(data)
    elif not quiet:
        render_report(data, out)


def with_sets(loaded: LoadedEpisode, sets: list[str]) -> Scenario:
    """The episode's scenario with ``--set`` items applied (validated)."""
    scenario = loaded.scenario.model_copy(deep=True)
    for item in sets:
        path, value = split_override(item)
        try:
            set_path(scenario, path, value)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=f"--set {item}", path=path,
                                value=value) from None
    return scenario


def render_report(data: Mapping[str, Any], console: Console) -> None:
    """The score table and the month-by-month path."""
    console.print(f"[bold]{escape(data['episode'])}[/bold] — {data['start_date']} to "
                  f"{data['end_date']}; scenario {escape(repr(data['scenario']))}, "
                  f"{data['runs']:,} runs, seed {data['seed']}")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  title="Scores, lower is better (RPS per actor-month, Brier per month); "
                        "skill = 1 − score/reference, 95% CI", title_justify="left")
    for name in ("score", "model", "climatology", "skill", "persistence", "skill"):
        table.add_column(name, justify="left" if name == "score" else "right")
    for row in data["scores"]:
        coverage = row["score"].startswith("cover")
        cells = [row["label"], _cell(row["model"], as_percent=coverage)]
        model = row["model"]
        places = decimals(model["value"], model["ci_low"], model["ci_high"])
        for ref in ("climatology", "persistence"):
            value = row[ref]
            cells.append(percent(value, places) if coverage else number(value, places))
            skill = row.get(f"skill_{ref}")
            if skill is None:
                cells.append("")
            elif skill["value"] is None:
                cells.append(f"{MISSING}\nreference 0")
            else:
                cells.append(_cell(skill))
        table.add_row(*cells)
    console.print(table)
    actors = list(data["months"][0]["observed"]) if data["months"] else []
    months = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                   title=escape("By month: observed rung [simulated 50% band]; observed and "
                                "simulated P(by month)"), title_justify="left")
    months.add_column("month")
    for a in actors:
        months.add_column(a, justify="right")
    months.add_column("force", justify="right")
    months.add_column("engaged ≤ 1", justify="right")
    for m in data["months"]:
        cells = [m["month"]] + [escape(f"{m['observed'][a]} [{m['band_50'][a][0]}–"
                                       f"{m['band_50'][a][1]}]") for a in actors]
        for key in ("force_by", "engaged_by"):
            cells.append(f"{'yes' if m[key]['observed'] else 'no'} {percent(m[key]['p'], 3)}")
        months.add_row(*cells)
    console.print(months)


def _cell(entry: Mapping[str, Any], *, as_percent: bool = False) -> str:
    value, bounds = estimate(entry, as_percent=as_percent)
    return escape(f"{value}\n{bounds}" if bounds else value)


def register(app: typer.Typer) -> None:
    """Add ``escsim backtest`` to the app."""
    app.command("backtest", help=HELP, epilog=EPILOG,
                short_help="Score the model against a dated real episode, with skill versus "
                           "climatology and persistence.")(backtest)

