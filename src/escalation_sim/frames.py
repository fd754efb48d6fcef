"""pandas and xarray views of a result: long tables keyed by columns, never by name prefixes.

The column tables of :mod:`escalation_sim.analysis.tables` (the ones ``--out`` writes) become
DataFrames here, for the Python API (``api.py``):

- :func:`runs_frame`: one row per run, dtypes fixed (categorical classes, nullable days);
- :func:`actors_frame`: one row per run and actor (``run``, ``actor``, the metrics);
- :func:`daily_frame`: one row per day, actor, measure and quantile;
- :func:`dataset`: all three as an ``xarray.Dataset`` with dimensions ``run``, ``actor``,
  ``day`` and ``quantile``, each variable with its ``units``.

An actor's columns are found by the exact names the tables give them
(:func:`escalation_sim.analysis.tables.daily_columns`), so actor ids that prefix each other
(``baku`` and ``baku_ru``) are told apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from escalation_sim.analysis.classes import LEVEL_KEYS, LEVELS
from escalation_sim.analysis.tables import (
    ACTOR_UNITS,
    DAILY_UNITS,
    RUN_ACTOR,
    RUN_UNITS,
    daily_columns,
)
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.render.numbers import estimate

if TYPE_CHECKING:
    import xarray

DAY_KEYS = ("day", "date")
"""Columns of the daily table that are not measures."""
LEVEL_COLUMNS = ("ends", "worst")
"""Per-run columns holding a level (``calm`` … ``war``)."""


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
    ``measure`` (``rung``, ``rung_mean``, ``p_rung_ge5``, …, ``trade_flow``), ``quantile``
    (0.05 … 0.95 for a distribution's quantiles, NaN for other measures) and ``value``
    (float).
    """
    keys = [k for k in DAY_KEYS if k in wide.columns]
    named = daily_columns(actors)
    long = wide.melt(id_vars=keys, var_name="column", value_name="value")
    found = [named.get(c, ("", c, None)) for c in long["column"]]
    long.insert(len(keys), "actor", [a for a, _, _ in found])
    long.insert(len(keys) + 1, "measure", [m for _, m, _ in found])
    long.insert(len(keys) + 2, "quantile",
                np.array([np.nan if q is None else q for _, _, q in found], dtype=np.float64))
    long = long.drop(columns="column")
    long["value"] = long["value"].astype("float64")
    if "date" in long:
        long["date"] = pd.to_datetime(long["date"])
    return long.reset_index(drop=True)


def table_frame(table: Mapping[str, Sequence[Any]] | None) -> pd.DataFrame:
    """A command's table (columns) as a DataFrame (empty when the command has none)."""
    return pd.DataFrame(dict(table or {}))


def dataset(summary: Mapping[str, Any], runs: pd.DataFrame, daily: pd.DataFrame
            ) -> xarray.Dataset:
    """A result as an ``xarray.Dataset`` with named dimensions and ``units`` on every variable.

    Per-run columns are variables over ``run`` (``first_*_day``: float, NaN where the event
    never came), per-actor ones ``actor_<metric>`` over ``run`` and ``actor``, and the daily
    measures ``daily_<measure>`` over ``day`` (and ``actor``, and ``quantile`` for a
    distribution: ``daily_rung`` over ``day``, ``actor``, ``quantile``).
    """
    import xarray as xr

    actors = list(summary["actors"])
    per_actor = {f"{a}_{s}" for a in actors for s in RUN_ACTOR}
    data: dict[str, Any] = {}
    for column in runs.columns:
        if column == "run" or column in per_actor:
            continue
        values = runs[column]
        array = (values.to_numpy(dtype="float64", na_value=np.nan) if values.dtype == "Int64"
                 else np.asarray(values.astype(str)) if isinstance(values.dtype,
                                                                    pd.CategoricalDtype)
                 else values.to_numpy())
        data[column] = xr.Variable("run", array, attrs={"units": _run_unit(column)})
    shape = (len(runs), len(actors))
    long = actors_frame(runs, actors)
    for suffix in RUN_ACTOR:
        data[f"actor_{suffix}"] = xr.Variable(("run", "actor"),
                                              long[suffix].to_numpy().reshape(shape),
                                              attrs={"units": ACTOR_UNITS[suffix]})
    days = np.sort(daily["day"].unique())
    quantiles = np.sort(daily["quantile"].dropna().unique())
    for measure in daily["measure"].unique():
        part = daily[daily["measure"] == measure]
        has_actor = bool((part["actor"] != "").any())
        has_q = bool(part["quantile"].notna().any())
        axes: list[tuple[str, Any]] = [("day", days)]
        if has_actor:
            axes.append(("actor", actors))
        if has_q:
            axes.append(("quantile", quantiles))
        full = pd.MultiIndex.from_product([values for _, values in axes],
                                          names=[name for name, _ in axes])
        values = part.set_index(list(full.names))["value"].reindex(full).to_numpy()
        data[f"daily_{measure}"] = xr.Variable(
            tuple(name for name, _ in axes), values.reshape([len(v) for _, v in axes]),
            attrs={"units": DAILY_UNITS.get(measure, "")})
    coords: dict[str, Any] = {"run": runs["run"].to_numpy(), "actor": actors, "day": days,
                              "quantile": quantiles}
    if "date" in daily:
        coords["date"] = ("day", daily.drop_duplicates("day").sort_values("day")["date"]
                          .to_numpy())
    ds = xr.Dataset(data, coords=coords,
                    attrs={"scenario": summary["scenario"]["name"],
                           "seed": summary["seed"], "runs": summary["runs"],
                           "days": summary["days"],
                           "escsim_version": summary["escsim_version"],
                           "schema_version": summary["schema_version"]})
    ds["day"].attrs["units"] = "days since the start"
    ds["quantile"].attrs["units"] = "1 (share of runs at or below)"
    return ds


def _run_unit(column: str) -> str:
    """The unit of a per-run column (an incident count, or the value a run drew)."""
    if column in RUN_UNITS:
        return RUN_UNITS[column]
    if column.startswith("incidents_"):
        return "incidents"
    return ""
