"""escsim from Python: run a scenario, load an ``--out`` folder, get pandas tables.

The functions here are what a notebook needs (see docs/api.md)::

    import escalation_sim as es

    result = es.run("base", runs=2000, seed=7, set={"actors.baku.nationalism": 0.8})
    result.summary["outcomes"]          # the dict ``escsim run --json`` prints
    result.runs                         # one row per run (DataFrame)
    result.actors                       # one row per run and actor
    result.daily                        # per-day distributions, long form
    es.load("results/base")             # the same Result from an ``escsim run --out`` folder

``compare``, ``sweep``, ``sensitivity`` and ``backtest`` return an :class:`Analysis`: the
document their ``--json`` prints and their table as a DataFrame. They stand on the same analysis
functions as the commands, so the same arguments give the same numbers.

Tables are built from the column tables of :mod:`escalation_sim.analysis.tables` (the ones
``--out`` writes), so a column added there appears in ``runs.csv`` and ``Result.runs`` alike.

Every function checks its arguments before any work, by the rules of the command line: a
``runs`` that is not a whole number from 1 to 10,000,000, a ``workers`` outside 1 to four per
core, text where a number belongs, raise ``TypeError`` or ``ValueError`` naming the argument
and what it allows; a bad scenario or override raises ``ScenarioError``, as the CLI reports it.
"""

from __future__ import annotations

import datetime as dt
import json
import numbers
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from escalation_sim.analysis import compare as compare_mod
from escalation_sim.analysis import defaults
from escalation_sim.analysis import sensitivity as sensitivity_mod
from escalation_sim.analysis import sweep as sweep_mod
from escalation_sim.analysis.backtest import (
    Simulated,
    calibration_words,
    library_reference,
    report,
    report_verdict,
)
from escalation_sim.analysis.classes import LEVEL_KEYS, LEVELS
from escalation_sim.analysis.points import check_measure, document_header
from escalation_sim.analysis.summary import file_sha256, summarize, timing_of
from escalation_sim.analysis.tables import RUN_ACTOR, daily_table, runs_columns
from escalation_sim.engine.ensemble import Point, evaluate, simulate
from escalation_sim.engine.executors import EXECUTORS, Executor, make_executor, max_workers
from escalation_sim.extras import require
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.render.files import (
    DAILY_CSV,
    RUNS_CSV,
    RUNS_PARQUET,
    SCENARIO_FILE,
    SUMMARY_FILE,
    parquet_available,
)
from escalation_sim.render.numbers import estimate
from escalation_sim.scenario import bundled
from escalation_sim.scenario.edit import split_override, with_values
from escalation_sim.scenario.episode import LoadedEpisode, load_episode
from escalation_sim.scenario.load import load_scenario, scenario_to_dict
from escalation_sim.scenario.paths import schema_node
from escalation_sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray

__all__ = [
    "Analysis",
    "Result",
    "backtest",
    "compare",
    "load",
    "run",
    "sensitivity",
    "sweep",
]

ScenarioLike = str | os.PathLike[str] | Scenario
"""A scenario file, the name of a bundled scenario (``"base"``), or a loaded :class:`Scenario`."""
Overrides = Mapping[str, Any] | Sequence[str] | None
"""``{"actors.baku.nationalism": 0.8}``, or ``["actors.baku.nationalism=0.8"]`` as for ``--set``."""
ExecutorLike = str | Executor | None
"""``None`` or ``"local"`` (local processes), ``"dask"`` (a local Dask cluster), or an executor
object, e.g. ``make_executor("dask", scheduler="tcp://host:8786")``."""
DAY_KEYS = ("day", "date")
"""Columns of the daily table that are not measures."""


@dataclass(frozen=True, eq=False)
class Result:
    """The result of one ensemble, as ``escsim run`` computes it.

    Attributes:
        summary: The summary, the same dict as ``escsim run --json`` prints.
        runs: One row per run: outcome class, per-run metrics, per-actor columns
            ``<actor>_<metric>`` and incident counts (the columns of ``runs.csv``).
        daily: Per-day distributions over runs, long form: ``day``, ``date`` (when the scenario
            has a start date), ``actor`` (empty for ensemble-wide measures such as
            ``p_mediating`` or ``trade_flow_p50``), ``measure`` and ``value``.
        scenario: The fully resolved scenario as plain data (``scenario.resolved.yaml``).
        timing: How long the ensemble took: ``{elapsed_s, runs_per_s, workers}`` (kept out
            of ``summary``, which identical inputs make identical; empty for :func:`load`).
    """

    summary: dict[str, Any]
    runs: pd.DataFrame
    daily: pd.DataFrame
    scenario: dict[str, Any]
    timing: dict[str, Any] = field(default_factory=dict)

    @property
    def actor_ids(self) -> list[str]:
        """The scenario's actor ids, in scenario order."""
        return list(self.summary["actors"])

    @property
    def calibration(self) -> dict[str, Any] | None:
        """What the calibration the scenario draws from says, or ``None`` if it draws none.

        ``sentences`` in plain words; ``out_of_sample`` (skill against the library's base
        rates and against no change, coverage of the 90% bands), ``p_force`` and ``headline``
        (with their 5–95% spread across the calibrated parameter sets). The summary's
        ``uncertainty.calibration``.
        """
        found = (self.summary.get("uncertainty") or {}).get("calibration")
        return dict(found) if isinstance(found, dict) else None

    @property
    def actors(self) -> pd.DataFrame:
        """One row per run and actor: ``run``, ``actor`` and the per-actor metrics."""
        return actors_frame(self.runs, self.actor_ids)

    @property
    def outcomes(self) -> pd.DataFrame:
        """Outcome probabilities with their 95% intervals, one row per outcome class.

        An outcome class combines the two questions (force at any time by how bad it got,
        otherwise how it ends); :attr:`ends` and :attr:`worst` give them apart.
        """
        rows = [{"outcome": name, **values} for name, values in self.summary["outcomes"].items()]
        return pd.DataFrame(rows)

    @property
    def ends(self) -> pd.DataFrame:
        """How it ends: per level, its probability and interval, and ``shown`` as printed."""
        return levels_frame(self.summary, "ends")

    @property
    def worst(self) -> pd.DataFrame:
        """How bad it got: per level, its probability and interval, and ``shown`` as printed."""
        return levels_frame(self.summary, "worst")

    def to_xarray(self) -> xarray.Dataset:
        """The result as an ``xarray.Dataset`` with dimensions ``run``, ``day`` and ``actor``.

        Per-run columns are variables over ``run`` (``first_*_day``: float, NaN where the
        event never came), per-actor ones ``actor_<metric>`` over ``run`` and ``actor``, and
        the daily measures ``daily_<measure>`` over ``day`` (and ``actor``).

        Raises:
            MissingExtra: xarray is not installed (``pip install 'escsim[xarray]'``).
        """
        require("xarray", "Result.to_xarray")
        import xarray as xr

        actors = self.actor_ids
        per_actor = self.actors
        data: dict[str, Any] = {}
        for column in self.runs.columns:
            if column == "run" or any(column == f"{a}_{s}" for a in actors for s in RUN_ACTOR):
                continue
            values = self.runs[column]
            data[column] = ("run", values.to_numpy(dtype="float64", na_value=np.nan)
                            if values.dtype == "Int64" else values.to_numpy())
        shape = (len(self.runs), len(actors))
        for suffix in RUN_ACTOR:
            data[f"actor_{suffix}"] = (("run", "actor"),
                                       per_actor[suffix].to_numpy().reshape(shape))
        wide = self.daily.pivot_table(index="day", columns=["actor", "measure"], values="value",
                                      dropna=False, sort=False)
        days = wide.index.to_numpy()
        for measure in self.daily.loc[self.daily["actor"] != "", "measure"].unique():
            data[f"daily_{measure}"] = (("day", "actor"), np.column_stack(
                [wide[(a, measure)].to_numpy() for a in actors]))
        for measure in self.daily.loc[self.daily["actor"] == "", "measure"].unique():
            data[f"daily_{measure}"] = ("day", wide[("", measure)].to_numpy())
        coords: dict[str, Any] = {"run": self.runs["run"].to_numpy(), "day": days,
                                  "actor": actors}
        if "date" in self.daily:
            coords["date"] = ("day", self.daily.drop_duplicates("day")["date"].to_numpy())
        return xr.Dataset(data, coords=coords,
                          attrs={"scenario": self.summary["scenario"]["name"],
                                 "seed": self.summary["seed"],
                                 "escsim_version": self.summary["escsim_version"]})


@dataclass(frozen=True, eq=False)
class Analysis:
    """The result of ``compare``, ``sweep``, ``sensitivity`` or ``backtest``.

    Attributes:
        document: The dict the command's ``--json`` prints.
        table: The command's table as a DataFrame (the CSV of ``--out FILE.csv``; for
            ``backtest``, one row per score).
        results: For ``compare``, each scenario's :class:`Result`, by label.
    """

    document: dict[str, Any]
    table: pd.DataFrame
    results: dict[str, Result] = field(default_factory=dict)


def run(scenario: ScenarioLike, *, runs: int | None = None, days: int | None = None,
        seed: int | None = None, set: Overrides = None, workers: int | None = None,  # noqa: A002
        executor: ExecutorLike = None, record: str | None = None) -> Result:
    """Run an ensemble of a scenario, as ``escsim run`` does.

    Args:
        scenario: A scenario file, a bundled scenario's name, or a loaded scenario.
        runs: Runs in the ensemble (default: the scenario's).
        days: Days to simulate (default: the scenario's ``horizon_days``).
        seed: Master seed (default: the scenario's).
        set: Overrides by dotted path, as ``--set`` (``{"levers.crisis_hotline.enabled": True}``).
        workers: Worker processes (default: one per core). Results do not depend on it.
        executor: Where chunks run: ``"local"`` (default), ``"dask"``, or an executor object.
        record: An episode (bundled name or file) that records the crisis up to the scenario's
            start_date: the runs are filtered through it before the forecast, as ``record:``
            in the scenario does (docs/analysis.md, Nowcasting); the summary's
            ``assimilation`` tells how.

    Returns:
        The summary and the per-run, per-actor and per-day tables. Every run's row is kept in
        memory (about 1 kB per run for two actors).

    Raises:
        ScenarioError: The scenario or an override is not valid (one-line message).
        TypeError: An argument of the wrong type.
        ValueError: An argument out of its range.
    """
    _check("run", scenario=scenario, runs=runs, days=days, seed=seed, set=set,
           workers=workers, executor=executor)
    if record is not None:
        _path_arg("run", "record", record)
        set = [*_items(set), f"record={os.fspath(record)}"]  # noqa: A001
    loaded = _load(scenario, set, runs=runs, days=days, seed=seed)
    with _executor(executor, workers) as pool:
        result = simulate(loaded.scenario, executor=pool, keep_runs=True)
        summary = summarize(result, loaded.path, loaded.sha256, overrides=loaded.overrides)
        took = timing_of(result, pool.workers)
    assert result.runs is not None
    return Result(summary=summary,
                  runs=runs_frame(columns_frame(runs_columns(result.runs, loaded.scenario))),
                  daily=daily_frame(pd.DataFrame(daily_table(result.aggregate, loaded.scenario)),
                                    list(loaded.scenario.actors)),
                  scenario=scenario_to_dict(loaded.scenario), timing=took)


def load(folder: str | os.PathLike[str]) -> Result:
    """Load the :class:`Result` of an ``escsim run --out DIR`` folder.

    Per-run rows are read from ``runs.parquet`` when it is there and pyarrow is installed
    (exact types), else from ``runs.csv``.

    Raises:
        FileNotFoundError: The folder lacks ``summary.json``, ``runs.csv`` or ``daily.csv``.
        TypeError: ``folder`` is not a path.
        ValueError: ``summary.json`` is not the summary of an escsim run.
    """
    _path_arg("load", "folder", folder, "a folder's path")
    path = Path(folder)
    try:
        summary = json.loads((path / SUMMARY_FILE).read_text(encoding="utf-8"))
        actors = list(summary["actors"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"escsim.load: {path / SUMMARY_FILE} is not the summary of an escsim "
                         f"run ({type(exc).__name__}: {exc})") from None
    parquet = path / RUNS_PARQUET
    runs = runs_frame(pd.read_parquet(parquet) if parquet.exists() and parquet_available()
                      else pd.read_csv(path / RUNS_CSV))
    daily = daily_frame(pd.read_csv(path / DAILY_CSV), actors)
    resolved = path / SCENARIO_FILE
    scenario = yaml.safe_load(resolved.read_text(encoding="utf-8")) if resolved.exists() else {}
    scenario = json.loads(json.dumps(scenario, default=str))  # dates as text, as run() gives
    return Result(summary=summary, runs=runs, daily=daily, scenario=scenario)


def compare(*scenarios: ScenarioLike, variants: Mapping[str, Overrides] | None = None,
            runs: int | None = None, days: int | None = None, seed: int | None = None,
            set: Overrides = None, workers: int | None = None,  # noqa: A002
            executor: ExecutorLike = None) -> Analysis:
    """Compare scenarios run with one seed (common random numbers), as ``escsim compare``.

    Args:
        scenarios: Scenarios; the first is the baseline.
        variants: Named variants of the first scenario: label -> overrides (``--variant``).
        runs: Runs per scenario (default: ``escsim compare``'s).
        days: Days to simulate.
        seed: Master seed (default: the first scenario's).
        set: Overrides for every scenario; with one scenario and no ``variants``, the
            variant to compare it with.
        workers: Worker processes.
        executor: Where chunks run.

    Returns:
        ``document`` as ``compare --json``, ``table`` as its CSV, ``results`` each scenario's
        :class:`Result`.

    Raises:
        ScenarioError: A scenario or override is not valid.
        TypeError: An argument of the wrong type.
        ValueError: Fewer than two scenarios, they simulate different numbers of days, or an
            argument out of its range.
    """
    if not scenarios:
        raise ValueError("escsim.compare: give at least one scenario")
    for given in scenarios:
        _check("compare", scenario=given)
    _check("compare", runs=runs, days=days, seed=seed, set=set, workers=workers,
           executor=executor)
    if variants is not None:
        if not isinstance(variants, Mapping):
            raise TypeError(f"escsim.compare: variants must be a mapping of name -> overrides, "
                            f"not {type(variants).__name__}")
        for name, items in variants.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"escsim.compare: a variant's name must be text, not {name!r}")
            _overrides_arg("compare", f"variants[{name!r}]", items)
    if len(scenarios) == 1 and not variants and not _items(set):
        raise ValueError("escsim.compare: give two or more scenarios, or one with set= or "
                         "variants=")
    shared = _items(set)
    inline = len(scenarios) == 1 and not variants
    specs: list[tuple[str, ScenarioLike, list[str]]] = [
        (_label(s), s, [] if inline else shared) for s in scenarios]
    if inline:
        specs.append(("variant", scenarios[0], shared))
    for name, items in (variants or {}).items():
        specs.append((name, scenarios[0], shared + _items(items)))
    labels = compare_mod.unique_labels([label for label, _, _ in specs])
    chosen: list[compare_mod.Variant] = []
    for label, (_, given, items) in zip(labels, specs, strict=True):
        loaded = _load(given, items, days=days)
        chosen.append(compare_mod.Variant(label, loaded.scenario, loaded.path, loaded.sha256,
                                          tuple(items)))
    n = runs or defaults.COMPARE_RUNS
    master = chosen[0].scenario.seed if seed is None else seed
    with _executor(executor, workers) as pool:
        comparison = compare_mod.compare(chosen, n, master, executor=pool, keep_runs=True)
        summaries = [summarize(r, v.path, v.sha256, overrides=list(v.overrides))
                     for v, r in zip(chosen, comparison.results, strict=True)]
        workers = pool.workers
    results: dict[str, Result] = {}
    for v, r, s in zip(chosen, comparison.results, summaries, strict=True):
        assert r.runs is not None
        runs_ = runs_columns(r.runs, v.scenario, seed=r.point.seed)
        results[v.label] = Result(s, runs_frame(columns_frame(runs_)),
                                  daily_frame(pd.DataFrame(daily_table(r.aggregate, v.scenario)),
                                              list(v.scenario.actors)),
                                  scenario_to_dict(v.scenario), timing_of(r, workers))
    return Analysis(compare_mod.comparison_dict(comparison, summaries,
                                                "--runs" if runs is not None else None),
                    pd.DataFrame(compare_mod.comparison_table(comparison)), results)


def sweep(scenario: ScenarioLike, vary: Sequence[str], *, metrics: Sequence[str] | None = None,
          runs: int | None = None, days: int | None = None, seed: int | None = None,
          set: Overrides = None, workers: int | None = None,  # noqa: A002
          executor: ExecutorLike = None) -> Analysis:
    """Run a scenario over a grid of one or two parameters, as ``escsim sweep``.

    Args:
        scenario: The scenario.
        vary: One or two ``"PATH=LO:HI:N"`` or ``"PATH=V1,V2,…"`` items (``--vary``).
        metrics: Measures to report (default ``p_coercion_or_worse``), as ``--metric``.
        runs: Runs per point (default: the scenario's).
        days: Days to simulate.
        seed: Master seed (default: the scenario's).
        set: Overrides applied before the grid.
        workers: Worker processes.
        executor: Where chunks run.

    Raises:
        ScenarioError: The scenario, an override or a ``vary`` item is not valid.
        TypeError: An argument of the wrong type.
        ValueError: An unknown metric, not one or two axes, or an argument out of its range.
    """
    _check("sweep", scenario=scenario, runs=runs, days=days, seed=seed, set=set,
           workers=workers, executor=executor)
    vary = _texts("sweep", "vary", vary, least=1, most=sweep_mod.MAX_AXES)
    if metrics is not None:
        metrics = _texts("sweep", "metrics", metrics, least=1)
    loaded = _load(scenario, set, runs=runs, days=days, seed=seed)
    resolved = loaded.scenario
    chosen = [check_measure(m) for m in (metrics or [defaults.DEFAULT_METRIC])]
    axes = [sweep_mod.parse_axis(item, resolved) for item in vary]
    with _executor(executor, workers) as pool:
        result = sweep_mod.run_sweep(resolved, axes, resolved.runs, resolved.seed, executor=pool)
    header = document_header(resolved, loaded.path, loaded.sha256, loaded.overrides,
                             resolved.runs, resolved.seed,
                             "--runs" if runs is not None else None)
    return Analysis(sweep_mod.sweep_dict(result, chosen, header),
                    pd.DataFrame(sweep_mod.sweep_table(result, chosen)))


def sensitivity(scenario: ScenarioLike, params: Sequence[str] | None = None, *,
                method: str = "sobol", samples: int | None = None, runs: int | None = None,
                days: int | None = None, seed: int | None = None, set: Overrides = None,  # noqa: A002
                workers: int | None = None, executor: ExecutorLike = None) -> Analysis:
    """Global sensitivity of the outcome to parameters (SALib), as ``escsim sensitivity``.

    Args:
        scenario: The scenario.
        params: ``"PATH=LO:HI"`` factors (``--param``; default: the main drivers).
        method: ``"sobol"`` or ``"morris"``.
        samples: SALib's base sample size (default: the command's).
        runs: Runs per sample point (default: the command's).
        days: Days to simulate.
        seed: Master seed (default: the scenario's).
        set: Overrides applied first.
        workers: Worker processes.
        executor: Where chunks run.

    Raises:
        ScenarioError: The scenario, an override or a factor is not valid.
        TypeError: An argument of the wrong type.
        ValueError: An unknown method, an unusable sample size, or an argument out of its
            range.
    """
    _check("sensitivity", scenario=scenario, runs=runs, days=days, seed=seed, set=set,
           workers=workers, executor=executor)
    if params is not None:
        params = _texts("sensitivity", "params", params, least=1)
    if samples is not None:
        _whole("sensitivity", "samples", samples, 2, defaults.MAX_SENSITIVITY_SAMPLES)
    if not isinstance(method, str):
        raise TypeError(f"escsim.sensitivity: method must be text, not {method!r}")
    loaded = _load(scenario, set, days=days, seed=seed)
    resolved = loaded.scenario
    if method not in defaults.METHODS:
        raise ValueError(f"method {method!r} is not known; use one of: "
                         f"{', '.join(defaults.METHODS)}")
    factors = ([f for item in params for f in sensitivity_mod.parse_factor(item, resolved)]
               if params else sensitivity_mod.default_factors(resolved))
    n = samples or defaults.DEFAULT_SAMPLES[method]
    per_point = runs or defaults.DEFAULT_RUNS
    with _executor(executor, workers) as pool:
        result = sensitivity_mod.run_sensitivity(resolved, factors, method=method, samples=n,
                                                 runs=per_point, seed=resolved.seed,
                                                 executor=pool)
    header = document_header(resolved, loaded.path, loaded.sha256, loaded.overrides,
                             per_point, resolved.seed,
                             "--runs" if runs is not None else None)
    return Analysis(sensitivity_mod.sensitivity_dict(result, header),
                    pd.DataFrame(sensitivity_mod.sensitivity_table(result)))


def backtest(episode: str | os.PathLike[str], *, runs: int | None = None,
             seed: int | None = None, set: Overrides = None,  # noqa: A002
             workers: int | None = None, executor: ExecutorLike = None,
             origin: str | dt.date | None = None, origins: str | None = None) -> Analysis:
    """Score the model against a dated episode, as ``escsim backtest``.

    Args:
        episode: An episode file or the name of a bundled episode.
        runs: Runs (default: the episode scenario's).
        seed: Master seed (default: the episode scenario's).
        set: Overrides of the episode's scenario.
        workers: Worker processes.
        executor: Where chunks run.
        origin: Forecast from this date only, filtered through the record up to it, as
            ``--from`` (a date or ``"YYYY-MM-DD"``).
        origins: Forecast from an origin every N months, as ``--origins`` (``"every:3m"``).

    Returns:
        ``document`` as ``backtest --json``; ``table`` one row per score (model, references,
        skills with their intervals). With ``origin`` or ``origins``: the rolling-origin
        document, and one row per horizon.

    Raises:
        ScenarioError: The episode or an override is not valid.
        TypeError: An argument of the wrong type.
        ValueError: An argument out of its range.
    """
    _path_arg("backtest", "episode", episode)
    _check("backtest", runs=runs, seed=seed, set=set, workers=workers, executor=executor)
    loaded = load_episode(os.fspath(episode))
    if origin is not None or origins is not None:
        return _rolling(loaded, origin, origins, runs=runs, seed=seed, set=set)
    items = _items(set)
    scenario = loaded.scenario
    if items:
        scenario = _load(scenario, items).scenario
    n = runs or scenario.runs
    point = Point(scenario, scenario.seed if seed is None else seed)
    with _executor(executor, workers) as pool:
        result = evaluate([point], n, executor=pool, keep_runs=True, monthly=True)[0]
    assert result.runs is not None
    sim = Simulated.from_runs(result.runs, scenario.start_date)
    empirical, rates = library_reference(exclude=loaded.source)
    data = {"episode": loaded.episode.name, "source": loaded.source,
            "scenario": scenario.name, "start_date": str(loaded.episode.start_date),
            "end_date": str(loaded.episode.end_date), "seed": point.seed,
            "overrides": items,
            **report(sim, loaded.observed(), list(scenario.actors), seed=point.seed,
                     empirical=empirical, empirical_rates=rates),
            "runs_from": "--runs" if runs is not None else "default",
            "calibration": calibration_words([scenario], [Path(loaded.source).stem])}
    data["verdict"] = report_verdict(data)
    return Analysis(data, scores_frame(data["scores"]))


def _rolling(loaded: LoadedEpisode, origin: str | dt.date | None, origins: str | None, *,
             runs: int | None, seed: int | None, set: Overrides) -> Analysis:  # noqa: A002
    """``backtest(origin=…)`` / ``backtest(origins=…)``: rolling-origin scores by horizon."""
    from escalation_sim.analysis.rolling import origins_of, rolling

    if origin is not None and origins is not None:
        raise ValueError("backtest: give origin or origins, not both")
    if _items(set):
        raise ValueError("backtest: set is for whole-window backtests, not origin or origins")
    if isinstance(origin, str):
        try:
            origin = dt.date.fromisoformat(origin)
        except ValueError:
            raise ValueError(f"backtest: origin {origin!r} is not a date (YYYY-MM-DD)") from None
    empirical, _ = library_reference(exclude=loaded.source)
    found = origins_of(loaded, origins, origin)
    n = runs or loaded.scenario.runs
    data = rolling(loaded, found, n, loaded.scenario.seed if seed is None else seed, empirical)
    table = pd.DataFrame([{"horizon_months": int(h), **row}
                          for h, row in data["pooled"].items()])
    return Analysis({"kind": "rolling origin", "runs": n, **data}, table)


# -- tables ------------------------------------------------------------------------------------
def runs_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The per-run table with its dtypes fixed, whether built in memory or read from CSV.

    ``outcome`` is categorical (classes in ladder order), and so are ``ends`` and ``worst``
    (levels, mildest first); ``first_*_day`` columns are nullable integers (missing: the event
    never came); other columns keep their integer or float dtype.
    """
    frame = frame.copy()
    frame["outcome"] = pd.Categorical(frame["outcome"], categories=list(OUTCOMES))
    for column in LEVEL_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.Categorical(frame[column], categories=list(LEVEL_KEYS))
    for column in frame.columns:
        if column.startswith("first_") and column.endswith("_day"):
            frame[column] = frame[column].astype("Int64")
        elif column not in ("outcome", *LEVEL_COLUMNS) and frame[column].dtype == object:
            frame[column] = pd.to_numeric(frame[column])
    return frame


LEVEL_COLUMNS = ("ends", "worst")
"""Per-run columns holding a level (``calm`` … ``war``)."""


def levels_frame(summary: Mapping[str, Any], question: str) -> pd.DataFrame:
    """One question's levels (``ends`` or ``worst``): probability, interval, words, as shown.

    Columns: ``level``, ``name``, ``rungs``, ``p``, ``ci_low``, ``ci_high``, ``shown`` (the
    probability and interval as the terminal, report and figures write them, ``48% [46,
    50]``) and ``meaning``.
    """
    rows = []
    for level in LEVELS:
        entry = summary[question][level.key]
        shown, ci = estimate(entry, "p", as_percent=True)
        rows.append({"level": level.key, "name": level.name, "rungs": level.rungs,
                     **entry, "shown": f"{shown} {ci}".strip(), "meaning": level.meaning})
    return pd.DataFrame(rows)


def columns_frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame of numpy columns; masked integer columns become nullable ``Int64``."""
    data: dict[str, Any] = {}
    for name, values in columns.items():
        if isinstance(values, np.ma.MaskedArray):
            data[name] = pd.arrays.IntegerArray(np.asarray(values.data, dtype=np.int64),
                                                np.ma.getmaskarray(values))
        else:
            data[name] = values
    return pd.DataFrame(data)


def actors_frame(runs: pd.DataFrame, actors: Sequence[str]) -> pd.DataFrame:
    """The per-actor columns of a per-run table in long form: ``run``, ``actor``, metrics."""
    n, k = len(runs), len(actors)
    out: dict[str, Any] = {
        "run": np.repeat(runs["run"].to_numpy(), k),
        "actor": pd.Categorical(np.tile(np.asarray(actors, dtype=object), n),
                                categories=list(actors)),
    }
    for suffix in RUN_ACTOR:
        out[suffix] = np.column_stack([runs[f"{a}_{suffix}"].to_numpy() for a in actors]
                                      ).reshape(n * k)
    return pd.DataFrame(out)


def daily_frame(wide: pd.DataFrame, actors: Sequence[str]) -> pd.DataFrame:
    """The per-day table (``daily.csv``'s columns) in long form.

    Columns: ``day``, ``date`` (when present), ``actor`` (``""`` for ensemble-wide measures),
    ``measure`` and ``value`` (float).
    """
    keys = [k for k in DAY_KEYS if k in wide.columns]
    long = wide.melt(id_vars=keys, var_name="column", value_name="value")
    split = [_split_column(c, actors) for c in long["column"]]
    long.insert(len(keys), "actor", [a for a, _ in split])
    long.insert(len(keys) + 1, "measure", [m for _, m in split])
    long = long.drop(columns="column")
    long["value"] = long["value"].astype("float64")
    if "date" in long:
        long["date"] = pd.to_datetime(long["date"])
    return long.reset_index(drop=True)


def scores_frame(scores: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The backtest's score rows, flattened: ``model``, ``model_ci_low``, … one row each."""
    rows = []
    for entry in scores:
        row: dict[str, Any] = {}
        for key, value in entry.items():
            if isinstance(value, Mapping):
                row[key] = value.get("value")
                row[f"{key}_ci_low"] = value.get("ci_low")
                row[f"{key}_ci_high"] = value.get("ci_high")
            else:
                row[key] = value
        rows.append(row)
    return pd.DataFrame(rows)


def _split_column(column: str, actors: Sequence[str]) -> tuple[str, str]:
    for actor in actors:
        if column.startswith(f"{actor}_"):
            return actor, column.removeprefix(f"{actor}_")
    return "", column


# -- loading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Loaded:
    scenario: Scenario
    path: str | None
    sha256: str | None
    overrides: list[str]


def _items(overrides: Overrides) -> list[str]:
    """Overrides as ``--set`` items (``PATH=VALUE``).

    A mapping's values are Python values: text stays text (written quoted, so ``"173"`` is a
    code, not a number), a date stays a date, and numbers, true/false, lists and distributions
    (``{"uniform": [0.5, 0.7]}``) are written so that YAML reads back the same values. Items
    given as ``"PATH=VALUE"`` text are read as ``--set`` reads them.
    """
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{path}={_yaml_value(value)}" for path, value in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return list(overrides)


def _yaml_value(value: Any) -> str:
    """A Python value as YAML flow text that reads back as the same value.

    Raises:
        TypeError: A value no scenario holds (an object, a date with a time, …).
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_yaml_value(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if value is None or isinstance(value, str | bool | int | float):
        return json.dumps(value)
    raise TypeError(f"a value of type {type(value).__name__} is not a scenario value")


# -- arguments ---------------------------------------------------------------------------------
def _whole(function: str, name: str, value: Any, low: int, high: int) -> None:
    """Refuse a ``value`` that is not a whole number from ``low`` to ``high`` (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"escsim.{function}: {name} must be a whole number, not {value!r}")
    if not low <= int(value) <= high:
        raise ValueError(f"escsim.{function}: {name} must be from {low:,} to {high:,}, not "
                         f"{int(value):,}")


def _path_arg(function: str, name: str, value: Any,
              what: str = "a file path or a bundled name") -> None:
    """Refuse a ``value`` that is not a path (text or ``os.PathLike``)."""
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        raise TypeError(f"escsim.{function}: {name} must be {what}, not {value!r}")


def _texts(function: str, name: str, value: Any, *, least: int = 0,
           most: int | None = None) -> list[str]:
    """``value`` as a list of text items (one text is one item), or ``TypeError``/``ValueError``."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence) or not all(isinstance(i, str) for i in items):
        raise TypeError(f"escsim.{function}: {name} must be a list of text items, not "
                        f"{value!r}")
    if len(items) < least or (most is not None and len(items) > most):
        span = f"{least} to {most}" if most is not None else f"at least {least}"
        raise ValueError(f"escsim.{function}: {name} needs {span} item(s), not {len(items)}")
    return list(items)


def _overrides_arg(function: str, name: str, value: Any) -> None:
    """Refuse overrides that are not a mapping of path -> value or a list of ``PATH=VALUE``."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for path, item in value.items():
            if not isinstance(path, str) or not path:
                raise TypeError(f"escsim.{function}: {name} keys must be parameter paths "
                                f"(text), not {path!r}")
            try:
                _yaml_value(item)
            except TypeError as exc:
                raise TypeError(f"escsim.{function}: {name}[{path!r}]: {exc}") from None
        return
    items = _texts(function, name, value)
    for item in items:
        if "=" not in item:
            raise ValueError(f"escsim.{function}: {name} items must be PATH=VALUE, e.g. "
                             f"'actors.baku.nationalism=0.8', not {item!r}")


def _check(function: str, *, scenario: Any = None, runs: Any = None, days: Any = None,
           seed: Any = None, set: Any = None, workers: Any = None,  # noqa: A002
           executor: Any = None) -> None:
    """Check the arguments the functions share, before any work (the CLI's rules).

    Raises:
        TypeError: An argument of the wrong type.
        ValueError: An argument out of its range.
    """
    if scenario is not None and not isinstance(scenario, Scenario):
        _path_arg(function, "scenario", scenario)
    if runs is not None:
        _whole(function, "runs", runs, 1, defaults.MAX_RUNS)
    if days is not None:
        _whole(function, "days", days, 1, MAX_DAYS)
    if seed is not None:
        _whole(function, "seed", seed, 0, MAX_SEED)
    _overrides_arg(function, "set", set)
    if workers is not None:
        _whole(function, "workers", workers, 1, max_workers())
    if executor is not None and not isinstance(executor, str) and \
            not (hasattr(executor, "map") and hasattr(executor, "workers")):
        raise TypeError(f"escsim.{function}: executor must be 'local', 'dask' or an executor "
                        f"object, not {executor!r}")
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ValueError(f"escsim.{function}: executor must be one of {', '.join(EXECUTORS)}, "
                         f"not {executor!r}")


MAX_DAYS = int(schema_node(("horizon_days",)).bounds[1] or 0)
"""The longest horizon a scenario may have (``horizon_days``' upper bound)."""
MAX_SEED = int(schema_node(("seed",)).bounds[1] or 0)
"""The largest seed (``seed``'s upper bound)."""


def _label(scenario: ScenarioLike) -> str:
    if isinstance(scenario, Scenario):
        return scenario.name or "scenario"
    return Path(scenario).stem


def _load(scenario: ScenarioLike, overrides: Overrides, *, runs: int | None = None,
          days: int | None = None, seed: int | None = None) -> _Loaded:
    """Load and validate a scenario with overrides, as the commands do."""
    items = _items(overrides)
    extra = [f"{key}={value}" for key, value in
             (("runs", runs), ("horizon_days", days), ("seed", seed)) if value is not None]
    if isinstance(scenario, Scenario):
        values: dict[str, Any] = {}
        for item in items + extra:
            key, value = split_override(item)
            values[key] = value
        resolved = with_values(scenario, values, "set") if values else scenario
        return _Loaded(resolved, None, None, items)
    path = bundled.scenario_source(os.fspath(scenario))
    return _Loaded(load_scenario(path, items + extra), os.fspath(scenario), file_sha256(path),
                   items)


@contextmanager
def _executor(executor: ExecutorLike, workers: int | None) -> Iterator[Executor]:
    """The executor asked for; one made here is closed when the block ends."""
    if executor is not None and not isinstance(executor, str):
        yield executor
        return
    pool = make_executor(executor or "local", workers=workers)
    try:
        yield pool
    finally:
        close = getattr(pool, "close", None)
        if close is not None:
            close()
