"""Rolling-origin scores: forecasts from many origins of a record, each filtered up to its origin.

For each origin the runs are filtered through the episode's record up to the origin
(``engine/filter.py``) and go on from there without further weighing; the months that start on
or after the origin are scored at horizons of 1, 3, 6 and 12 months (the first month of the
forecast is horizon 1) by the ranked probability score of each actor's observed monthly rung,
against persistence (the reading of the last month before the origin carried forward) and the
library's base rates (the other episodes' monthly rungs), with the coverage of the 90% band.
This is how forecasters are judged: from many origins, at several horizons (Tashman 2000;
Hyndman & Athanasopoulos 2021, §5.10).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from escalation_sim.analysis.backtest import covered, rps, rung_probs, skill
from escalation_sim.engine.errors import FilterCollapse
from escalation_sim.engine.filter import FilterRun, month_ends
from escalation_sim.model.ladder import N_RUNGS
from escalation_sim.scenario.episode import LoadedEpisode
from escalation_sim.scenario.errors import ScenarioError, term

HORIZONS = (1, 3, 6, 12)
"""Months ahead scored: the first month of the forecast is horizon 1."""
REFERENCES = ("persistence", "empirical")
EVERY = re.compile(r"^every:(\d{1,3})m$")


def origins_of(loaded: LoadedEpisode, spec: str | None = None,
               first: dt.date | None = None) -> list[dt.date]:
    """The origins of an episode: ``first`` (``--from``), or every N months (``every:Nm``).

    Origins are first days of months, from the record's second month to its last (a forecast
    needs at least one month of record before it and one after).

    Raises:
        ScenarioError: A malformed spec, or an origin outside the record.
    """
    episode = loaded.episode
    months = [episode.start_date.replace(day=1)]
    for end in month_ends(episode.start_date, episode.end_date):
        months.append(episode.start_date + dt.timedelta(days=end))
    candidates = months[1:]
    if first is not None:
        if not candidates or not candidates[0] <= first <= candidates[-1]:
            raise ScenarioError(f"must lie between {candidates[0] if candidates else '?'} and "
                                f"{candidates[-1] if candidates else '?'}: the forecast needs a "
                                "month of record before it and one after", source=term("--from"),
                                value=str(first))
        return [first]
    match = EVERY.match(spec or "")
    if not match or int(match.group(1)) < 1:
        raise ScenarioError("expected every:Nm, e.g. every:3m (an origin every 3 months)",
                            source=term("--origins"), value=spec)
    step = int(match.group(1))
    return candidates[::step]


def origin_scores(loaded: LoadedEpisode, origin: dt.date, runs: int, seed: int,
                  empirical: np.ndarray) -> dict[str, Any]:
    """Scores of the forecast from one origin, by horizon (each averaged over actors)."""
    episode = loaded.episode
    first = episode.start_date
    observed = loaded.observed()
    m0 = _month_index(first, origin if origin.day == 1 else
                      (origin.replace(day=1) + dt.timedelta(days=32)).replace(day=1))
    months = observed.rung.shape[1]
    last = min(months, m0 + max(HORIZONS))
    end = min((episode.end_date - first).days + 1, _day_of_month(first, last))
    run = FilterRun(loaded, end, runs, seed, loaded.scenario.assimilation)
    run.weigh_until(origin)
    run.sim.advance((origin - first).days)
    run.equalise()
    run.sim.advance(end)
    month_max = run.sim.record.month_max  # (R, A, M)
    run.sim.close()
    before = observed.rung[:, m0 - 1]
    by_horizon = {}
    for h in HORIZONS:
        m = m0 + h - 1
        if m >= last:
            continue
        obs = observed.rung[:, m]
        probs = rung_probs(month_max[:, :, m])  # (A, K)
        table = {"model": float(rps(probs, obs).mean()),
                 "persistence": float(rps(np.eye(N_RUNGS)[before], obs).mean()),
                 "empirical": float(rps(np.broadcast_to(empirical, probs.shape), obs).mean()),
                 "cover_90": float(covered(probs, obs, 0.9).mean())}
        by_horizon[str(h)] = {**table, "month": observed.labels[m], "actors": int(obs.size)}
    return {"origin": origin.isoformat(), "assimilated": len(run.ess),
            "ess_end": round(run.ess[-1], 1) if run.ess else float(runs), "horizons": by_horizon}


def _month_index(first: dt.date, day: dt.date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def _day_of_month(first: dt.date, m: int) -> int:
    """Day index (from ``first``) of the first day of month ``m``."""
    year, month = divmod(first.month - 1 + m, 12)
    return (dt.date(first.year + year, month + 1, 1) - first).days


def pooled(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Scores by horizon pooled over origins (and episodes), each actor-month weighing the same.

    With the model's skill against persistence and the library's base rates.
    """
    out: dict[str, Any] = {}
    for h in HORIZONS:
        found = [r["horizons"][str(h)] for r in rows if str(h) in r["horizons"]]
        if not found:
            continue
        w = np.array([f["actors"] for f in found], dtype=float)
        mean = {key: float(np.sum(w * [f[key] for f in found]) / w.sum())
                for key in ("model", *REFERENCES, "cover_90")}
        out[str(h)] = {**mean, "forecasts": len(found),
                       **{f"skill_{ref}": float(skill(mean["model"], mean[ref]))
                          for ref in REFERENCES}}
    return out


def rolling(loaded: LoadedEpisode, origins: Sequence[dt.date], runs: int, seed: int,
            empirical: np.ndarray) -> dict[str, Any]:
    """Every origin's scores of one episode, and their pooled scores by horizon.

    An origin whose filter collapses (the record up to it is all but impossible under the
    model) is kept with its reason under ``collapsed`` and left out of the pooled scores.
    """
    rows, collapsed = [], []
    for origin in origins:
        try:
            rows.append(origin_scores(loaded, origin, runs, seed, empirical))
        except FilterCollapse as exc:
            collapsed.append({"origin": origin.isoformat(), "reason": str(exc)})
    return {"episode": Path(loaded.source).stem, "name": loaded.episode.name,
            "origins": rows, "collapsed": collapsed, "pooled": pooled(rows)}
