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
from typing import TYPE_CHECKING, Annotated, Any

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
    executor_or_exit,
    fail,
    out,
    print_json,
    warning_line,
    write_figures_or_exit,
)
from escalation_sim.scenario.errors import ScenarioError

if TYPE_CHECKING:
    from escalation_sim.analysis.backtest import Simulated
    from escalation_sim.engine.calendar import ChunkResult
    from escalation_sim.scenario.episode import LoadedEpisode
    from escalation_sim.scenario.schema import Scenario

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
LIBRARY_RUNS = 500
"""Runs per episode when several are scored and --runs is not given."""


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
        if origin is not None and origins is not None:
            fail("--from and --origins: give one")
        if figures is not None or sets:
            fail("--figures and --set are for whole-window backtests, not --from or --origins")
        rolling_origins(names, origin.date() if origin else None, origins, runs=runs,
                        seed=seed, as_json=as_json, quiet=quiet)
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
    from escalation_sim.analysis.backtest import (
        calibration_words,
        library_reference,
        report,
        report_verdict,
    )
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.engine.ensemble import Point, evaluate
    from escalation_sim.render.backtest import render_backtest
    from escalation_sim.render.figures import backtest_figures
    from escalation_sim.scenario.episode import load_episode

    try:
        loaded = load_episode(episode)
        scenario = with_sets(loaded, sets or [])
        empirical, rates = library_reference(exclude=loaded.source)
    except ScenarioError as exc:
        fail(exc)
    check_figures_or_exit(figures, "backtest")
    n = runs or scenario.runs
    point = Point(scenario, scenario.seed if seed is None else seed)
    pool = executor_or_exit(executor, scheduler, workers)
    months = MonthlyRungs(n)
    with progress_bar(n, quiet=quiet) as progress:
        evaluate([point], n, executor=pool, monthly=True, progress=progress,
                 on_runs=lambda _, chunk: months.add(chunk))
    sim = months.simulated(scenario.start_date)
    data = {"episode": loaded.episode.name, "source": loaded.source,
            "scenario": scenario.name, "start_date": str(loaded.episode.start_date),
            "end_date": str(loaded.episode.end_date), "seed": point.seed,
            "overrides": list(sets or []),
            **report(sim, loaded.observed(), list(scenario.actors), seed=point.seed,
                     empirical=empirical, empirical_rates=rates),
            "runs_from": "--runs" if runs is not None else "default",
            "calibration": calibration_words([scenario], [Path(loaded.source).stem])}
    data["verdict"] = report_verdict(data)
    write_figures_or_exit(figures, backtest_figures, data, quiet=quiet)
    if as_json:
        print_json(data)
    elif not quiet:
        render_backtest(data, out)


def library(names: list[str], *, runs: int | None, seed: int | None, sets: list[str] | None,
            workers: int | None, executor: str, scheduler: str | None, as_json: bool,
            quiet: bool, every: bool = False) -> None:
    """``escsim backtest --all`` or several episodes: per-episode and pooled point scores.

    Each episode runs from its own scenario at the current parameters; its empirical reference
    is the base rates of the other episodes, given and bundled (leave-one-out).
    """
    from escalation_sim.analysis.backtest import (
        calibration_words,
        distance,
        distance_text,
        empirical_climatology,
        empirical_episode_rates,
        empirical_events,
        episode_scores,
        pooled_scores,
        verdict,
    )
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.engine.ensemble import Point, evaluate
    from escalation_sim.render.backtest import render_library
    from escalation_sim.scenario import bundled
    from escalation_sim.scenario.episode import load_episode

    loaded: list[LoadedEpisode] = []
    scenarios: list[Scenario] = []
    seen: list[str] = []
    try:
        for name in names:
            ep = load_episode(name)
            if str(Path(ep.source).resolve()) in seen:  # named twice, or by name and by --all
                warning_line(f"episode {Path(ep.source).stem} is named twice"
                             f"{' (or named and in --all)' if every else ''}; it is scored once")
                continue
            seen.append(str(Path(ep.source).resolve()))
            loaded.append(ep)
            scenarios.append(with_sets(ep, sets or []))
    except ScenarioError as exc:
        fail(exc)
    paths = [ep.observed() for ep in loaded]
    n = runs or LIBRARY_RUNS
    points = [Point(sc, sc.seed if seed is None else seed) for sc in scenarios]
    pool = executor_or_exit(executor, scheduler, workers)
    sinks = [MonthlyRungs(n) for _ in points]
    with progress_bar(n * len(points), quiet=quiet) as progress:
        evaluate(points, n, executor=pool, monthly=True, progress=progress,
                 on_runs=lambda which, chunk: sinks[which].add(chunk))
    pool_paths = dict(zip(seen, paths, strict=True))
    try:
        for file in bundled.episode_files():
            if file.suffix == ".yaml" and str(file.resolve()) not in pool_paths:
                pool_paths[str(file.resolve())] = load_episode(file).observed()
    except ScenarioError as exc:
        fail(exc)
    rows = []
    per_episode = []
    for k, (ep, path, point) in enumerate(zip(loaded, paths, points, strict=True)):
        others = [p for key, p in pool_paths.items() if key != str(Path(ep.source).resolve())]
        empirical = (empirical_climatology(others), empirical_events(others),
                     empirical_episode_rates(others)) if others else (None, None, None)
        scored = episode_scores(sinks[k].simulated(point.scenario.start_date), path, *empirical)
        per_episode.append(scored)
        rows.append({"episode": Path(ep.source).stem, "name": ep.episode.name,
                     "source": ep.source, "scenario": point.scenario.name,
                     "start_date": str(ep.episode.start_date),
                     "end_date": str(ep.episode.end_date), "seed": point.seed,
                     "actors": list(point.scenario.actors), **scored})
    pooled = pooled_scores(per_episode)
    data = json_ready({
        "runs": n, "runs_from": "--runs" if runs is not None else "default",
        "overrides": list(sets or []),
        "verdict": verdict({ref: pooled["skill"][ref]["rps"] for ref in pooled["skill"]},
                           pooled["scores"]["model"]["cover_90"]),
        "empirical": "base rates of the other episodes, given and bundled (leave-one-out)",
        "episodes": rows, "pooled": pooled,
        "pooled_by_episode": pooled_scores(per_episode, weighting="episode"),
        "distance": distance(pooled), "distance_meaning": distance_text(),
        "calibration": calibration_words(scenarios, [Path(ep.source).stem for ep in loaded])})
    if as_json:
        print_json(data)
    elif not quiet:
        render_library(data, out)


def rolling_origins(names: list[str], origin: dt.date | None, spec: str | None, *,
                    runs: int | None, seed: int | None, as_json: bool, quiet: bool) -> None:
    """``--from`` / ``--origins``: forecasts filtered up to each origin, scored by horizon."""
    from escalation_sim.analysis.backtest import library_reference
    from escalation_sim.analysis.rolling import origins_of, pooled, rolling
    from escalation_sim.render.backtest import render_rolling
    from escalation_sim.scenario.episode import load_episode

    n = runs or LIBRARY_RUNS
    episodes = []
    try:
        for name in dict.fromkeys(names):
            loaded = load_episode(name)
            found = origins_of(loaded, spec, origin)
            empirical, _ = library_reference(exclude=loaded.source)
            episodes.append(rolling(loaded, found, n,
                                    loaded.scenario.seed if seed is None else seed, empirical))
    except ScenarioError as exc:
        fail(exc)
    rows = [row for ep in episodes for row in ep["origins"]]
    data = json_ready({"kind": "rolling origin", "runs": n,
                       "origins": spec or (origin.isoformat() if origin else None),
                       "empirical": "base rates of the other bundled episodes",
                       "episodes": episodes, "pooled": pooled(rows)})
    if as_json:
        print_json(data)
    elif not quiet:
        render_rolling(data, out)


def json_ready(value: Any) -> Any:
    """``value`` with NaN and infinite floats as ``None`` (JSON has no NaN)."""
    from escalation_sim.analysis.stats import json_float

    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, float):
        return json_float(value)
    return value


class MonthlyRungs:
    """Keeps only what the scores need of each run.

    Its monthly readings (one byte each), the measures imposed and lifted, and the day of its
    first summit.
    """

    KEYS = ("actor_month_max", "month_min_top", "actor_month_material", "actor_month_stance",
            "actor_imposed", "actor_lifted", "first_summit_day")
    WIDE = ("actor_imposed", "actor_lifted", "first_summit_day")
    """Per-run counts and days: more than a byte holds."""

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.arrays: dict[str, Any] = {}

    def add(self, chunk: ChunkResult) -> None:
        """Copy one chunk's readings into place (an ``evaluate`` runs sink)."""
        import numpy as np

        for key in self.KEYS:
            if key not in chunk.runs:
                continue
            values = chunk.runs[key]
            if key not in self.arrays:
                self.arrays[key] = np.zeros((self.runs, *values.shape[1:]),
                                            dtype=np.int32 if key in self.WIDE else np.int8)
            self.arrays[key][chunk.first_run:chunk.first_run + values.shape[0]] = values

    @property
    def month_max(self) -> Any:
        """(R, A, M) each actor's highest reading in each month."""
        return self.arrays["actor_month_max"]

    def simulated(self, start_date: Any = None) -> Simulated:
        """The runs' monthly arrays for the scores (``start_date``: the scenario's day 0)."""
        from escalation_sim.analysis.backtest import Simulated

        return Simulated.from_runs(self.arrays, start_date)


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
                short_help="Score the model against dated real episodes, with skill versus "
                           "climatology, empirical base rates and persistence.")(backtest)

