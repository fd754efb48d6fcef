"""escsim from Python: run a scenario, load an ``--out`` folder, get pandas tables.

The functions here are what a notebook needs (see docs/api.md)::

    import escalation_sim as es

    result = es.run("base", runs=2000, seed=7, set={"actors.baku.nationalism": 0.8})
    result.summary["outcomes"]          # the dict ``escsim run --json`` prints
    result.runs                         # one row per run (DataFrame)
    result.actors                       # one row per run and actor
    result.daily                        # per day, actor, measure and quantile (long form)
    es.load("results/base")             # the same Result from an ``escsim run --out`` folder

``compare``, ``sweep``, ``sensitivity``, ``levers``, ``explore``, ``trace``, ``backtest`` and
``calibrate`` return an :class:`Analysis`: the document their ``--json`` prints and their table
as a DataFrame. Each runs the same orchestration as its command (:mod:`escalation_sim.commands`),
so the same arguments give the same numbers.

Every function checks its arguments before any work, by the rules of the command line: a
``runs`` that is not a whole number from 1 to 10,000,000, a ``workers`` outside 1 to four per
core, text where a number belongs, raise ``TypeError`` or ``ValueError`` naming the argument
and what it allows; a bad scenario or override raises ``ScenarioError``. Messages name the
function's arguments (``set item 'actors.baku.nationalism=2': …``), not the command's options.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import numbers
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import yaml

from escalation_sim.analysis import defaults
from escalation_sim.analysis.tables import runs_columns
from escalation_sim.commands import backtest as backtest_command
from escalation_sim.commands import compare as compare_command
from escalation_sim.commands import explore as explore_command
from escalation_sim.commands import levers as levers_command
from escalation_sim.commands import run as run_command
from escalation_sim.commands import sensitivity as sensitivity_command
from escalation_sim.commands import sweep as sweep_command
from escalation_sim.commands import trace as trace_command
from escalation_sim.commands.common import ScenarioSource, runs_from
from escalation_sim.commands.common import load as load_source
from escalation_sim.engine.executors import EXECUTORS, Executor, make_executor, max_workers
from escalation_sim.extras import require
from escalation_sim.frames import (
    actors_frame,
    columns_frame,
    daily_frame,
    dataset,
    levels_frame,
    runs_frame,
    table_frame,
)
from escalation_sim.output.files import (
    DAILY_CSV,
    RUNS_CSV,
    RUNS_PARQUET,
    SCENARIO_FILE,
    SUMMARY_FILE,
    parquet_available,
)
from escalation_sim.scenario.errors import python_terms
from escalation_sim.scenario.load import scenario_to_dict
from escalation_sim.scenario.paths import schema_node
from escalation_sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray

    from escalation_sim.analysis.documents import Summary
    from escalation_sim.engine.ensemble import PointResult

__all__ = [
    "Analysis",
    "Result",
    "backtest",
    "calibrate",
    "compare",
    "explore",
    "levers",
    "load",
    "run",
    "sensitivity",
    "sweep",
    "trace",
]

ScenarioLike = ScenarioSource
"""A scenario file, the name of a bundled scenario (``"base"``), or a loaded :class:`Scenario`."""
Overrides = Mapping[str, Any] | Sequence[str] | None
"""``{"actors.baku.nationalism": 0.8}``, or ``["actors.baku.nationalism=0.8"]`` as for ``--set``."""
ExecutorLike = str | Executor | None
"""``None`` or ``"local"`` (local processes), ``"dask"`` (a local Dask cluster), or an executor
object, e.g. ``make_executor("dask", scheduler="tcp://host:8786")``."""
Params = ParamSpec("Params")
R = TypeVar("R")


@dataclass(frozen=True, eq=False, repr=False)
class Result:
    """The result of one ensemble, as ``escsim run`` computes it.

    Attributes:
        summary: The summary, the same dict as ``escsim run --json`` prints.
        runs: One row per run: outcome class, per-run metrics, per-actor columns
            ``<actor>_<metric>`` and incident counts (the columns of ``runs.csv``);
            :attr:`actors` has the per-actor metrics in long form.
        daily: Per-day distributions over runs, long form: ``day``, ``date`` (when the scenario
            has a start date), ``actor`` (empty for ensemble-wide measures such as
            ``p_mediating`` or ``trade_flow``), ``measure``, ``quantile`` (0.05 … 0.95 for the
            quantiles of ``rung``, ``trade_flow`` and ``energy_flow``; NaN otherwise) and
            ``value``.
        scenario: The fully resolved scenario as plain data (``scenario.resolved.yaml``).
        timing: How long the ensemble took: ``{elapsed_s, runs_per_s, workers}`` (kept out
            of ``summary``, which identical inputs make identical; empty for :func:`load`).
    """

    summary: Summary
    runs: pd.DataFrame
    daily: pd.DataFrame
    scenario: dict[str, Any]
    timing: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        s = self.summary
        return (f"Result(scenario={s['scenario']['name']!r}, runs={s['runs']}, "
                f"days={s['days']}, seed={s['seed']}, actors={self.actor_ids})")

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
        uncertainty: Any = self.summary.get("uncertainty") or {}
        found = uncertainty.get("calibration")
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
        """The result as an ``xarray.Dataset`` over ``run``, ``actor``, ``day`` and ``quantile``.

        Every variable has ``units`` (:func:`escalation_sim.frames.dataset`).

        Raises:
            MissingExtra: xarray is not installed (``pip install 'escsim[xarray]'``).
        """
        require("xarray", "Result.to_xarray")
        return dataset(self.summary, self.runs, self.daily)


@dataclass(frozen=True, eq=False, repr=False)
class Analysis:
    """The result of an analysis command run from Python.

    ``compare``, ``sweep``, ``sensitivity``, ``levers``, ``explore``, ``trace``, ``backtest``
    and ``calibrate`` return one.

    Attributes:
        document: The dict the command's ``--json`` prints.
        table: The command's table as a DataFrame (the CSV of ``--out FILE.csv``; for
            ``explore`` the experiments, ``trace`` the events, ``backtest`` one row per
            score, ``calibrate`` the posterior sample).
        results: For ``compare``, each scenario's :class:`Result`, by label.
    """

    document: Mapping[str, Any]
    table: pd.DataFrame
    results: dict[str, Result] = field(default_factory=dict)

    def __repr__(self) -> str:
        command = self.document.get("command") or self.document.get("episode") or "analysis"
        more = f", results={list(self.results)}" if self.results else ""
        return (f"Analysis({command!r}, table={len(self.table)} rows x "
                f"{len(self.table.columns)} columns{more})")


def _in_python_terms(function: Callable[Params, R]) -> Callable[Params, R]:
    """Run ``function`` with messages naming its arguments rather than the options."""
    @functools.wraps(function)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> R:
        with python_terms():
            return function(*args, **kwargs)

    return wrapper


def _result(point: PointResult | None, summary: Summary, scenario: Scenario,
            timing: Mapping[str, Any] | None) -> Result:
    """A :class:`Result` of an ensemble whose per-run arrays were kept."""
    from escalation_sim.analysis.tables import daily_table

    assert point is not None and point.runs is not None
    return Result(summary=summary,
                  runs=runs_frame(columns_frame(runs_columns(point.runs, scenario,
                                                             seed=point.point.seed))),
                  daily=daily_frame(pd.DataFrame(daily_table(point.aggregate, scenario)),
                                    list(scenario.actors)),
                  scenario=scenario_to_dict(scenario), timing=dict(timing or {}))


@_in_python_terms
def run(scenario: ScenarioLike, *, runs: int | None = None, days: int | None = None,
        seed: int | None = None, set: Overrides = None, workers: int | None = None,  # noqa: A002
        executor: ExecutorLike = None, record: str | os.PathLike[str] | None = None) -> Result:
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
    items = _items(set)
    if record is not None:
        _path_arg("run", "record", record)
        items.append(f"record={os.fspath(record)}")
    loaded = load_source(scenario, items, runs=runs, days=days, seed=seed)
    with _executor(executor, workers) as pool:
        output = run_command.plan(loaded).run(pool, keep_runs=True)
    return _result(output.result, output.document, loaded.scenario, output.timing)


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


@_in_python_terms
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
        ValueError: One scenario with neither ``set`` nor ``variants`` (nothing to compare it
            with), scenarios that simulate different numbers of days, or an argument out of
            its range.
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
    named = [compare_command.Named(name, _items(items), f"variants[{name!r}]")
             for name, items in (variants or {}).items()]
    chosen = compare_command.load_variants(scenarios, _items(set), named, days=days)
    plan = compare_command.plan(chosen, runs=runs, seed=seed)
    with _executor(executor, workers) as pool:
        output = plan.run(pool, keep_runs=True)
        used = pool.workers
    assert output.comparison is not None
    results = {}
    for v, r, s in zip(chosen, output.comparison.results, output.summaries, strict=True):
        from escalation_sim.analysis.summary import timing_of

        results[v.label] = _result(r, s, v.scenario, timing_of(r, used))
    return Analysis(output.document, table_frame(output.table), results)


@_in_python_terms
def sweep(scenario: ScenarioLike, vary: Sequence[str], *, metrics: Sequence[str] | None = None,
          runs: int | None = None, days: int | None = None, seed: int | None = None,
          set: Overrides = None, workers: int | None = None,  # noqa: A002
          executor: ExecutorLike = None) -> Analysis:
    """Run a scenario over a grid of one or two parameters, as ``escsim sweep``.

    Args:
        scenario: The scenario.
        vary: One or two ``"PATH=LO:HI:N"`` or ``"PATH=V1,V2,…"`` items (``--vary``); one
            text is one item.
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
    items = _texts("sweep", "vary", vary, least=1, most=2)
    chosen = _texts("sweep", "metrics", metrics, least=1) if metrics is not None else None
    loaded = load_source(scenario, _items(set), runs=runs, days=days, seed=seed)
    plan = sweep_command.plan(loaded, items, chosen, runs_from=runs_from(runs))
    return _analysis(plan, executor, workers)


@_in_python_terms
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
    factors = _texts("sensitivity", "params", params, least=1) if params is not None else None
    if samples is not None:
        _whole("sensitivity", "samples", samples, 2, defaults.MAX_SENSITIVITY_SAMPLES)
    _text("sensitivity", "method", method)
    require("SALib", "escalation_sim.sensitivity")
    loaded = load_source(scenario, _items(set), days=days, seed=seed)
    plan = sensitivity_command.plan(loaded, factors, method=method, samples=samples, runs=runs)
    return _analysis(plan, executor, workers)


@_in_python_terms
def levers(scenario: ScenarioLike, *, runs: int | None = None, by: str = "standoff",
           days: int | None = None, seed: int | None = None, set: Overrides = None,  # noqa: A002
           workers: int | None = None, executor: ExecutorLike = None) -> Analysis:
    """Rank the de-escalation levers by their paired effect, as ``escsim levers``.

    Args:
        scenario: The scenario.
        runs: Runs per variant (default: the command's, 10,000).
        by: ``"standoff"`` (P(coercive standoff or worse)) or ``"force"`` (P(force)).
        days: Days to simulate.
        seed: Master seed (default: the scenario's).
        set: Overrides applied first.
        workers: Worker processes.
        executor: Where chunks run.

    Returns:
        ``document`` as ``levers --json``; ``table`` one row per lever, each effect with its
        interval.

    Raises:
        ScenarioError: The scenario or an override is not valid.
        TypeError: An argument of the wrong type.
        ValueError: An unknown ``by``, or an argument out of its range.
    """
    _check("levers", scenario=scenario, runs=runs, days=days, seed=seed, set=set,
           workers=workers, executor=executor)
    _text("levers", "by", by)
    loaded = load_source(scenario, _items(set), days=days, seed=seed)
    return _analysis(levers_command.plan(loaded, runs=runs, by=by), executor, workers)


@_in_python_terms
def explore(scenario: ScenarioLike, params: Sequence[str] | None = None, *,
            samples: int = defaults.EXPLORE_SAMPLES, runs: int | None = None,
            discover: str | None = None, weights: bool = False, days: int | None = None,
            seed: int | None = None, set: Overrides = None,  # noqa: A002
            workers: int | None = None, executor: ExecutorLike = None) -> Analysis:
    """Explore a scenario under uncertainty (Latin hypercube), as ``escsim explore``.

    Args:
        scenario: The scenario.
        params: ``"PATH=LO:HI"`` ranges (``--param``; default: what an analyst can act on or
            observe).
        samples: Latin hypercube samples.
        runs: Runs per sample (default: the command's).
        discover: A condition such as ``"p_force>0.05"``: find the boxes where it holds (PRIM).
        weights: Without ``params``, also sample the model's uncertain weights.
        days: Days to simulate.
        seed: Master seed (default: the scenario's).
        set: Overrides applied first.
        workers: Worker processes.
        executor: Where chunks run.

    Returns:
        ``document`` as ``explore --json``; ``table`` the experiments, one row per sample.

    Raises:
        ScenarioError: The scenario, an override or a range is not valid.
        TypeError: An argument of the wrong type.
        ValueError: A malformed condition, a bad sample size, or an argument out of its range.
    """
    _check("explore", scenario=scenario, runs=runs, days=days, seed=seed, set=set,
           workers=workers, executor=executor)
    ranges = _texts("explore", "params", params, least=1) if params is not None else None
    _whole("explore", "samples", samples, 2, defaults.MAX_EXPLORE_SAMPLES)
    if discover is not None:
        _text("explore", "discover", discover)
    if not isinstance(weights, bool):
        raise TypeError(f"escsim.explore: weights must be True or False, not {weights!r}")
    loaded = load_source(scenario, _items(set), days=days, seed=seed)
    plan = explore_command.plan(loaded, ranges, samples=samples, runs=runs, discover=discover,
                                weights=weights)
    return _analysis(plan, executor, workers)


@_in_python_terms
def trace(scenario: ScenarioLike, *, run: int | None = None, pick: str | None = None,
          holds: bool = False, runs: int | None = None, days: int | None = None,
          seed: int | None = None, set: Overrides = None,  # noqa: A002
          workers: int | None = None, executor: ExecutorLike = None) -> Analysis:
    """Tell one run as a dated event log, as ``escsim trace``.

    Args:
        scenario: The scenario.
        run: The run to tell (default 0): the same story as run ``run`` of :func:`run`.
        pick: ``"war"``, ``"clashes"``, ``"normalization"`` or ``"median"``: run the ensemble
            and tell the first run of that outcome, or the median run.
        holds: Keep the reviews that kept the rung among the events.
        runs: Runs in the ensemble (default: the scenario's).
        days: Days to simulate.
        seed: Master seed (default: the scenario's).
        set: Overrides applied first.
        workers: Worker processes (for ``pick``).
        executor: Where chunks run (for ``pick``).

    Returns:
        ``document`` as ``trace --json``; ``table`` the events, one row each.

    Raises:
        ScenarioError: The scenario or an override is not valid.
        TypeError: An argument of the wrong type.
        ValueError: ``run`` with ``pick``, an unknown ``pick``, a run past the ensemble.
        LookupError: No run ended as ``pick`` asks.
    """
    _check("trace", scenario=scenario, runs=runs, days=days, seed=seed, set=set,
           workers=workers, executor=executor)
    if run is not None:
        _whole("trace", "run", run, 0, defaults.MAX_RUNS - 1)
    if pick is not None:
        _text("trace", "pick", pick)
    loaded = load_source(scenario, _items(set), runs=runs, days=days, seed=seed)
    plan = trace_command.plan(loaded, run=run, pick=pick, holds=bool(holds))
    if plan.pick is None:
        output = plan.run(None)
    else:
        with _executor(executor, workers) as pool:
            output = plan.run(pool)
    return Analysis(output.document, pd.DataFrame(output.document["events"]))


@_in_python_terms
def backtest(episode: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], *,
             runs: int | None = None, seed: int | None = None,
             set: Overrides = None,  # noqa: A002
             workers: int | None = None, executor: ExecutorLike = None,
             origin: str | dt.date | None = None, origins: str | None = None) -> Analysis:
    """Score the model against dated episodes, as ``escsim backtest``.

    Args:
        episode: An episode file or the name of a bundled episode; or a list of them, scored
            per episode and pooled (as ``escsim backtest A B …``).
        runs: Runs (default: the episode scenario's; for a list, the command's 500).
        seed: Master seed (default: each episode scenario's).
        set: Overrides of each episode's scenario.
        workers: Worker processes.
        executor: Where chunks run.
        origin: Forecast from this date only, filtered through the record up to it, as
            ``--from`` (a date or ``"YYYY-MM-DD"``).
        origins: Forecast from an origin every N months of each record, as ``--origins``
            (``"every:3m"``). With ``origin`` or ``origins``, runs default to the command's 500.

    Returns:
        ``document`` as ``backtest --json``; ``table`` one row per score (model, references,
        skills with their intervals), or for a list one row per episode. With ``origin`` or
        ``origins``: the rolling-origin document, and one row per horizon.

    Raises:
        ScenarioError: An episode or an override is not valid, or an origin outside a record.
        TypeError: An argument of the wrong type.
        ValueError: An argument out of its range; both ``origin`` and ``origins``, or either
            with ``set``.
    """
    _check("backtest", runs=runs, seed=seed, set=set, workers=workers, executor=executor)
    if isinstance(episode, str | os.PathLike):
        _path_arg("backtest", "episode", episode)
        names = [os.fspath(episode)]
    elif not isinstance(episode, Sequence):
        raise TypeError("escsim.backtest: episode must be a file path, a bundled name or a list "
                        f"of them, not {episode!r}")
    else:
        names = [os.fspath(e) for e in _texts("backtest", "episode",
                                              [os.fspath(e) if isinstance(e, os.PathLike)
                                               else e for e in episode], least=1)]
    if origin is not None or origins is not None:
        return _rolling(names, origin, origins, runs=runs, seed=seed, set=set)
    plan: Any
    if isinstance(episode, str | os.PathLike):
        plan = backtest_command.plan(names[0], _items(set), runs=runs, seed=seed)
    else:
        plan = backtest_command.plan_library(names, _items(set), runs=runs, seed=seed)
    return _analysis(plan, executor, workers)


def _rolling(names: list[str], origin: Any, origins: Any, *, runs: int | None,
             seed: int | None, set: Overrides) -> Analysis:  # noqa: A002
    """``backtest(origin=…)`` / ``backtest(origins=…)``: rolling-origin scores by horizon."""
    if origins is not None:
        _text("backtest", "origins", origins)
    if isinstance(origin, dt.datetime):
        origin = origin.date()
    elif isinstance(origin, str):
        try:
            origin = dt.date.fromisoformat(origin)
        except ValueError:
            raise ValueError(f"escsim.backtest: origin {origin!r} is not a date "
                             "(YYYY-MM-DD)") from None
    elif origin is not None and not isinstance(origin, dt.date):
        raise TypeError(f"escsim.backtest: origin must be a date or 'YYYY-MM-DD', not "
                        f"{origin!r}")
    plan = backtest_command.plan_rolling(names, origin=origin, origins=origins, runs=runs,
                                         seed=seed, sets=_items(set))
    output = plan.run()
    return Analysis(output.document, pd.DataFrame(output.table))


@_in_python_terms
def calibrate(episodes: Sequence[str | os.PathLike[str]] | None = None, *,
              population: int = 200, generations: int = 6, runs: int = 128,
              max_months: int = 12, seed: int = 1,
              history: str | os.PathLike[str] | None = None, resume: bool = False,
              workers: int | None = None, executor: ExecutorLike = None) -> Analysis:
    """Calibrate the shared model weights across episodes (ABC-SMC), as ``escsim calibrate``.

    A thin wrapper of :mod:`escalation_sim.analysis.calibrate`: the same training set, priors,
    settings and document as the command's calibration file.

    Args:
        episodes: Episode files or bundled names (default: every bundled episode).
        population: Particles per generation.
        generations: ABC-SMC generations.
        runs: Runs per episode and parameter set.
        max_months: Months of each episode scored (the first ones).
        seed: Seed of the simulations and of pyabc.
        history: pyabc's history database (default: a temporary one, removed afterwards).
        resume: Continue the calibration kept in ``history``.
        workers: Worker processes.
        executor: Where chunks run.

    Returns:
        ``document`` as the calibration file; ``table`` its weighted parameter sets (one row
        per particle of the last generation: its weight, distance and parameter values).

    Raises:
        ScenarioError: An episode is not valid.
        TypeError: An argument of the wrong type.
        ValueError: An argument out of its range, or ``resume`` without ``history``.
        MissingExtra: pyabc is not installed (``pip install 'escsim[calibrate]'``).
    """
    import time

    for name, value, low in (("population", population, 2), ("generations", generations, 1),
                             ("runs", runs, 1), ("max_months", max_months, 1), ("seed", seed, 0)):
        _whole("calibrate", name, value, low, MAX_SEED if name == "seed" else defaults.MAX_RUNS)
    _check("calibrate", workers=workers, executor=executor)
    if history is not None:
        _path_arg("calibrate", "history", history, "a file path")
    if resume and history is None:
        raise ValueError("escsim.calibrate: resume continues the calibration kept in history=; "
                         "give its path")
    require("pyabc", "escalation_sim.calibrate")
    from escalation_sim.analysis.calibrate import (
        DEFAULT_PRIORS,
        Settings,
        calibration_document,
        check_priors,
        load_training,
        run_abc,
    )
    from escalation_sim.scenario.bundled import episode_files

    names: list[str | Path] = ([os.fspath(e) for e in _texts(
        "calibrate", "episodes", [os.fspath(e) if isinstance(e, os.PathLike) else e
                                  for e in episodes], least=1)]
        if episodes is not None else [p for p in episode_files() if p.suffix == ".yaml"])
    training = load_training(names, max_months)
    check_priors(DEFAULT_PRIORS, training[0].scenario)
    settings = Settings(population=population, generations=generations, runs=runs, seed=seed,
                        max_months=max_months)
    with tempfile.TemporaryDirectory(prefix="escsim-calibrate-") as scratch, \
            _executor(executor, workers) as pool:
        db = Path(history) if history is not None else Path(scratch) / "history.db"
        start = time.perf_counter()
        post = run_abc(training, list(DEFAULT_PRIORS), settings, db, resume=resume,
                       executor=pool)
        doc = calibration_document(post, training, settings, training[0].scenario,
                                   wall_s=time.perf_counter() - start, workers=pool.workers)
    sample = doc["particles"]
    table = pd.DataFrame(sample["values"], columns=sample["parameters"])
    table.insert(0, "distance", sample["distances"])
    table.insert(0, "weight", sample["weights"])
    return Analysis(doc, table)


def _analysis(plan: Any, executor: ExecutorLike, workers: int | None) -> Analysis:
    """Run a command's plan on the executor asked for; its document and table."""
    with _executor(executor, workers) as pool:
        output = plan.run(pool)
    return Analysis(output.document, table_frame(output.table))


# -- arguments -----------------------------------------------------------------------------------
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


def _text(function: str, name: str, value: Any) -> None:
    """Refuse a ``value`` that is not text."""
    if not isinstance(value, str):
        raise TypeError(f"escsim.{function}: {name} must be text, not {value!r}")


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


@contextmanager
def _executor(executor: ExecutorLike, workers: int | None) -> Iterator[Executor]:
    """The executor asked for, one for the whole call; one made here is closed at the end."""
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
