"""``escsim backtest`` / ``escalation_sim.backtest``: the model scored on dated episodes.

One episode gets scores with bootstrap intervals (:func:`plan`); several, or every bundled
one, get point scores per episode and pooled (:func:`plan_library`); forecasts filtered
through each record up to an origin (``--from``) or to origins every N months
(``--origins``) get scores by horizon (:func:`plan_rolling`, ``analysis/rolling.py``). Each
episode runs from its own scenario; only each run's monthly readings are kept
(:class:`MonthlyRungs`), so memory does not grow with the number of runs beyond one byte a
reading.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from escalation_sim.analysis.backtest import (
    Simulated,
    calibration_words,
    distance,
    empirical_climatology,
    empirical_episode_rates,
    empirical_events,
    episode_scores,
    library_reference,
    pooled_scores,
    report,
    report_verdict,
)
from escalation_sim.analysis.defaults import LIBRARY_RUNS
from escalation_sim.analysis.distance_terms import distance_text
from escalation_sim.analysis.documents import BacktestDocument, LibraryDocument, RollingDocument
from escalation_sim.analysis.rolling import origins_of, pooled, rolling
from escalation_sim.analysis.stats import json_float
from escalation_sim.analysis.verdict import verdict
from escalation_sim.commands.common import Output, Table
from escalation_sim.engine.calendar import ChunkResult
from escalation_sim.engine.ensemble import Point, Progress, evaluate
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario import bundled
from escalation_sim.scenario.edit import set_path, set_source, split_override
from escalation_sim.scenario.episode import LoadedEpisode, Observed, load_episode
from escalation_sim.scenario.errors import ScenarioError, ScenarioWarning, term
from escalation_sim.scenario.schema import Scenario
from escalation_sim.versions import escsim_version


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
        self.arrays: dict[str, np.ndarray] = {}

    def add(self, chunk: ChunkResult) -> None:
        """Copy one chunk's readings into place (an ``evaluate`` runs sink)."""
        for key in self.KEYS:
            if key not in chunk.runs:
                continue
            values = chunk.runs[key]
            if key not in self.arrays:
                self.arrays[key] = np.zeros((self.runs, *values.shape[1:]),
                                            dtype=np.int32 if key in self.WIDE else np.int8)
            self.arrays[key][chunk.first_run:chunk.first_run + values.shape[0]] = values

    @property
    def month_max(self) -> np.ndarray:
        """(R, A, M) each actor's highest reading in each month."""
        return self.arrays["actor_month_max"]

    def simulated(self, start_date: dt.date | None = None) -> Simulated:
        """The runs' monthly arrays for the scores (``start_date``: the scenario's day 0)."""
        return Simulated.from_runs(self.arrays, start_date)


def with_sets(loaded: LoadedEpisode, sets: Sequence[str]) -> Scenario:
    """The episode's scenario with ``--set`` items applied (validated).

    Raises:
        ScenarioError: An item names no parameter or a value it cannot take.
    """
    scenario = loaded.scenario.model_copy(deep=True)
    for item in sets:
        path, value = split_override(item)
        try:
            set_path(scenario, path, value)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=set_source(item), path=path,
                                value=value) from None
    return scenario


def json_ready(value: Any) -> Any:
    """``value`` with NaN and infinite floats as ``None`` (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, float):
        return json_float(value)
    return value


def scores_table(scores: Sequence[dict[str, Any]]) -> Table:
    """The score rows as columns: ``score``, ``model``, ``model_ci_low``, … one row each."""
    rows = []
    for entry in scores:
        row: dict[str, Any] = {}
        for key, value in entry.items():
            if isinstance(value, dict):
                row[key] = value.get("value")
                row[f"{key}_ci_low"] = value.get("ci_low")
                row[f"{key}_ci_high"] = value.get("ci_high")
            else:
                row[key] = value
        rows.append(row)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return {c: [row.get(c) for row in rows] for c in columns}


@dataclass(frozen=True)
class BacktestPlan:
    """One episode, its scenario with the overrides, and the runs to score it with."""

    loaded: LoadedEpisode
    scenario: Scenario
    overrides: list[str]
    runs: int
    seed: int
    runs_from: str

    @property
    def total(self) -> int:
        """Runs to simulate."""
        return self.runs

    def run(self, executor: Executor, progress: Progress | None = None
            ) -> Output[BacktestDocument]:
        """Simulate the episode and score it, with bootstrap intervals."""
        empirical, rates = library_reference(exclude=self.loaded.source)
        months = MonthlyRungs(self.runs)
        point = Point(self.scenario, self.seed)
        evaluate([point], self.runs, executor=executor, monthly=True, progress=progress,
                 on_runs=lambda _, chunk: months.add(chunk))
        episode = self.loaded.episode
        data: dict[str, Any] = {
            "escsim_version": escsim_version(), "episode": episode.name,
            "source": self.loaded.source, "scenario": self.scenario.name,
            "start_date": str(episode.start_date), "end_date": str(episode.end_date),
            "seed": self.seed, "overrides": list(self.overrides),
            **report(months.simulated(self.scenario.start_date), self.loaded.observed(),
                     list(self.scenario.actors), seed=self.seed, empirical=empirical,
                     empirical_rates=rates),
            "runs_from": self.runs_from,
            "calibration": calibration_words([self.scenario],
                                             [Path(self.loaded.source).stem])}
        data["verdict"] = report_verdict(data)
        doc: BacktestDocument = data  # type: ignore[assignment]  # keys as listed above
        return Output(doc, scores_table(data["scores"]))


def plan(episode: str | Path, sets: Sequence[str] = (), *, runs: int | None = None,
         seed: int | None = None) -> BacktestPlan:
    """Load an episode (a file or a bundled name) and apply ``sets`` to its scenario.

    Raises:
        ScenarioError: The episode or an override is not valid.
    """
    loaded = load_episode(str(episode))
    scenario = with_sets(loaded, sets)
    return BacktestPlan(loaded, scenario, list(sets), runs or scenario.runs,
                        scenario.seed if seed is None else seed,
                        "--runs" if runs is not None else "default")


@dataclass(frozen=True)
class LibraryPlan:
    """Several episodes, each from its own scenario, scored per episode and pooled."""

    episodes: list[LoadedEpisode]
    points: list[Point]
    overrides: list[str]
    runs: int
    runs_from: str

    @property
    def total(self) -> int:
        """Runs to simulate: ``runs`` for every episode."""
        return self.runs * len(self.points)

    def run(self, executor: Executor, progress: Progress | None = None
            ) -> Output[LibraryDocument]:
        """Simulate every episode and score it against the others' base rates."""
        sinks = [MonthlyRungs(self.runs) for _ in self.points]
        evaluate(self.points, self.runs, executor=executor, monthly=True, progress=progress,
                 on_runs=lambda which, chunk: sinks[which].add(chunk))
        paths = [ep.observed() for ep in self.episodes]
        keys = [str(Path(ep.source).resolve()) for ep in self.episodes]
        pool: dict[str, Observed] = dict(zip(keys, paths, strict=True))
        for file in bundled.episode_files():
            if file.suffix == ".yaml" and str(file.resolve()) not in pool:
                pool[str(file.resolve())] = load_episode(file).observed()
        rows, per_episode = [], []
        for k, (ep, path, point) in enumerate(zip(self.episodes, paths, self.points,
                                                   strict=True)):
            others = [p for key, p in pool.items() if key != keys[k]]
            empirical = (empirical_climatology(others), empirical_events(others),
                         empirical_episode_rates(others)) if others else (None, None, None)
            scored = episode_scores(sinks[k].simulated(point.scenario.start_date), path,
                                    *empirical)
            per_episode.append(scored)
            rows.append({"episode": Path(ep.source).stem, "name": ep.episode.name,
                         "source": ep.source, "scenario": point.scenario.name,
                         "start_date": str(ep.episode.start_date),
                         "end_date": str(ep.episode.end_date), "seed": point.seed,
                         "actors": list(point.scenario.actors), **scored})
        pooled = pooled_scores(per_episode)
        doc: LibraryDocument = json_ready({
            "escsim_version": escsim_version(),
            "runs": self.runs, "runs_from": self.runs_from, "overrides": list(self.overrides),
            "verdict": verdict({ref: pooled["skill"][ref]["rps"] for ref in pooled["skill"]},
                               pooled["scores"]["model"]["cover_90"]),
            "empirical": "base rates of the other episodes, given and bundled (leave-one-out)",
            "episodes": rows, "pooled": pooled,
            "pooled_by_episode": pooled_scores(per_episode, weighting="episode"),
            "distance": distance(pooled), "distance_meaning": distance_text(),
            "calibration": calibration_words([p.scenario for p in self.points],
                                             [Path(ep.source).stem for ep in self.episodes])})
        table = {key: [row.get(key) for row in doc["episodes"]]
                 for key in ("episode", "name", "scenario", "start_date", "end_date", "seed")}
        return Output(doc, table)


def plan_library(names: Sequence[str | Path], sets: Sequence[str] = (), *,
                 runs: int | None = None, seed: int | None = None,
                 every: bool = False) -> LibraryPlan:
    """Load the episodes (each once; a repeat is warned of) and apply ``sets`` to each.

    Raises:
        ScenarioError: An episode or an override is not valid.
    """
    episodes: list[LoadedEpisode] = []
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for name in names:
        ep = load_episode(str(name))
        key = str(Path(ep.source).resolve())
        if key in seen:  # named twice, or by name and by --all
            warnings.warn(f"episode {Path(ep.source).stem} is named twice"
                          f"{' (or named and in --all)' if every else ''}; it is scored once",
                          ScenarioWarning, stacklevel=2)
            continue
        seen.add(key)
        episodes.append(ep)
        scenarios.append(with_sets(ep, sets))
    n = runs or LIBRARY_RUNS
    points = [Point(sc, sc.seed if seed is None else seed) for sc in scenarios]
    return LibraryPlan(episodes, points, list(sets), n,
                       "--runs" if runs is not None else "default")


@dataclass(frozen=True)
class RollingPlan:
    """Episodes and their origins: forecasts filtered through each record up to an origin."""

    episodes: list[LoadedEpisode]
    origins: list[list[dt.date]]
    spec: str | None
    runs: int
    runs_from: str
    seed: int | None

    @property
    def total(self) -> int:
        """Runs to simulate: ``runs`` for every origin of every episode."""
        return self.runs * sum(len(found) for found in self.origins)

    def run(self, executor: Executor | None = None, progress: Progress | None = None
            ) -> Output[RollingDocument]:
        """Filter, forecast and score from every origin.

        The filter weighs all runs together month by month, in this process: ``executor`` is
        not used.
        """
        episodes = []
        for loaded, found in zip(self.episodes, self.origins, strict=True):
            empirical, _ = library_reference(exclude=loaded.source)
            seed = loaded.scenario.seed if self.seed is None else self.seed
            episodes.append(rolling(loaded, found, self.runs, seed, empirical))
            if progress is not None:
                progress(self.runs * len(found))
        rows = [row for ep in episodes for row in ep["origins"]]
        doc: RollingDocument = json_ready({
            "escsim_version": escsim_version(), "kind": "rolling origin", "runs": self.runs,
            "runs_from": self.runs_from, "origins": self.spec,
            "empirical": "base rates of the other bundled episodes",
            "episodes": episodes, "pooled": pooled(rows)})
        table = {"horizon_months": [int(h) for h in doc["pooled"]]}
        for key in ("model", "persistence", "empirical", "cover_90", "forecasts",
                    "skill_persistence", "skill_empirical"):
            table[key] = [row[key] for row in doc["pooled"].values()]
        return Output(doc, table)


def plan_rolling(names: Sequence[str | Path], *, origin: dt.date | None = None,
                 origins: str | None = None, runs: int | None = None, seed: int | None = None,
                 sets: Sequence[str] = ()) -> RollingPlan:
    """Load the episodes (each once) and find their origins: ``origin`` or ``every:Nm``.

    Raises:
        ScenarioError: An episode is not valid, a malformed ``origins``, or an origin outside
            a record.
        ValueError: Both ``origin`` and ``origins``, neither, or ``sets`` given.
    """
    if (origin is None) == (origins is None):
        raise ValueError(f"{term('--from')} and {term('--origins')}: give one")
    if sets:
        raise ValueError(f"{term('--set')} is for whole-window backtests, not "
                         f"{term('--from')} or {term('--origins')}")
    episodes = [load_episode(str(name)) for name in dict.fromkeys(names)]
    found = [origins_of(ep, origins, origin) for ep in episodes]
    spec = origins if origins is not None else origin.isoformat() if origin else None
    return RollingPlan(episodes, found, spec, runs or LIBRARY_RUNS,
                       "--runs" if runs is not None else "default", seed)
