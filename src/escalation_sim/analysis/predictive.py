"""Posterior predictive check against the ICB's crisis-level base rates (docs/calibration.md).

Each library episode's scenario, with the calibration it names (one weighted parameter set per
run), is simulated from its trigger over :data:`HORIZON_DAYS`. Each actor of each episode is a
*crisis actor* of the model, placed in the International Crisis Behavior groupings that
``src/escalation_sim/data/icb_aggregates.csv`` holds (docs/icb.md) by its scenario:

- power discrepancy, from the ratio of the two sides' capabilities (``near_parity`` within a
  factor 2, ``stronger``/``weaker`` up to 10, ``much_stronger``/``much_weaker`` beyond; ICB's
  POWDIS is a composite score, so the bins are this table's approximation);
- nuclear status of the actor and of the other side (the scenario's ``nuclear`` flags);
- contiguity (the scenario's ``contiguous``: ICB's ``geogrel`` contiguous, else distant).

Per class it gives the model's share of actor-runs in which the actor chose force (rung 8 or
more) and the median duration of its crisis: the days from the trigger to the first month in
which it neither kept a measure in force nor used force (its monthly reading at verbal
hostility or below), among the actor-runs in which it took a measure or used force (censored
at the horizon); beside them the same two statistics read from the record (over the episode's
window) and ICB's share of actors that used violence (SEVVIO >= 2) and median TRGTERRA.

ICB counts a crisis only when a state perceives a threat, time pressure and a higher chance of
hostilities; most library episodes are coercion in which nobody expected to fight, so the
library and the model are expected to sit below ICB's violence shares. The table says how far.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.engine.executors import Executor, LocalExecutor
from escalation_sim.model.ladder import LIMITED_FORCE, VERBAL_HOSTILITY
from escalation_sim.scenario.edit import with_values
from escalation_sim.scenario.episode import LoadedEpisode
from escalation_sim.scenario.schema import Scenario

HORIZON_DAYS = 730
"""Days each episode is simulated from its trigger: two years, past ICB's 75% quantile."""
DAYS_PER_MONTH = 365.25 / 12
GROUPS = ("powdis_class", "dyad_nuclear", "geogrel")
"""The ICB groupings compared, in order."""


def power_class(own: float, other: float) -> str:
    """ICB's power-discrepancy group of an actor by its capability against the other's."""
    ratio = own / other if other > 0 else float("inf")
    if 0.5 <= ratio <= 2.0:
        return "near_parity"
    if ratio > 10.0:
        return "actor_much_stronger"
    if ratio > 2.0:
        return "actor_stronger"
    return "actor_much_weaker" if ratio < 0.1 else "actor_weaker"


def nuclear_class(own: bool, other: bool) -> str:
    """ICB's nuclear grouping of a dyad seen from the actor."""
    return {(True, True): "both_nuclear", (True, False): "actor_only_nuclear",
            (False, True): "adversary_only_nuclear", (False, False): "neither_nuclear"}[
        (own, other)]


def classes(scenario: Scenario, actor: int) -> dict[str, str]:
    """The actor's group in each of :data:`GROUPS` (a dyad: the other is the other actor)."""
    acts = list(scenario.actors.values())
    me, other = acts[actor], acts[1 - actor]
    return {"powdis_class": power_class(me.capability, other.capability),
            "dyad_nuclear": nuclear_class(me.nuclear, other.nuclear),
            "geogrel": "contiguous" if scenario.contiguous else "distant"}


def crisis_months(months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether the actor was in crisis, and the month its crisis ended.

    From monthly readings ``(..., M)``: in crisis if it took a measure or used force; ended in
    the first month after the first read at verbal hostility or below (``M`` where none came:
    censored).
    """
    acted = (months > VERBAL_HOSTILITY).any(axis=-1)
    calm = months <= VERBAL_HOSTILITY
    calm[..., 0] = False  # the trigger's month is in the crisis
    ended = np.where(calm.any(axis=-1), calm.argmax(axis=-1), months.shape[-1])
    return np.asarray(acted), np.asarray(ended)


@dataclass
class ActorStats:
    """One actor of one episode: its classes, the model's and the record's statistics."""

    episode: str
    actor: str
    groups: dict[str, str]
    runs: int
    force_runs: int
    durations: np.ndarray  # days of each crisis run, censored at the horizon
    censored: np.ndarray
    record_force: bool
    record_days: float | None  # None: no crisis in the record (no measure, no force)
    record_censored: bool


def simulate_actors(episodes: Sequence[LoadedEpisode], runs: int, seed: int, *,
                    executor: Executor | None = None) -> list[ActorStats]:
    """Simulate every episode from its trigger over :data:`HORIZON_DAYS`; read each actor."""
    scenarios = [with_values(ep.scenario, {"horizon_days": HORIZON_DAYS}) for ep in episodes]
    results = evaluate([Point(sc, seed) for sc in scenarios], runs,
                       executor=executor or LocalExecutor(1), monthly=True, keep_runs=True)
    out = []
    for ep, sc, res in zip(episodes, scenarios, results, strict=True):
        per_run = res.runs or {}
        months = np.asarray(per_run["actor_month_max"])
        peak = np.asarray(per_run["actor_peak"])
        observed = ep.observed().rung
        for a, actor in enumerate(sc.actors):
            acted, ended = crisis_months(months[:, a])
            days = ended[acted] * DAYS_PER_MONTH
            rec_acted, rec_ended = crisis_months(observed[a])
            out.append(ActorStats(
                ep.source, actor, classes(sc, a), int(months.shape[0]),
                int((peak[:, a] >= LIMITED_FORCE).sum()), days,
                ended[acted] >= months.shape[-1], bool((observed[a] >= LIMITED_FORCE).any()),
                float(rec_ended * DAYS_PER_MONTH) if rec_acted else None,
                bool(rec_acted and rec_ended >= observed.shape[-1])))
    return out


def icb_rows() -> dict[tuple[str, str, str], dict[str, str]]:
    """The shipped ICB aggregates by (measure, group variable, group value)."""
    text = resources.files("escalation_sim.data").joinpath("icb_aggregates.csv").read_text(
        encoding="utf-8")
    return {(r["measure"], r["group_variable"], r["group_value"]): r
            for r in csv.DictReader(text.splitlines())}


def median_days(days: np.ndarray, censored: np.ndarray) -> tuple[float | None, bool]:
    """The median of durations some of which are censored: ``(days, above)``.

    ``above`` when half or more are censored (the median lies beyond the horizon).
    """
    if len(days) == 0:
        return None, False
    if censored.mean() >= 0.5:
        return float(np.min(days[censored])), True
    return float(np.median(days)), False


def table(stats: Sequence[ActorStats]) -> list[dict[str, Any]]:
    """One row per ICB group that some library actor falls in, model beside record and ICB."""
    icb = icb_rows()
    rows = []
    for group in GROUPS:
        values = sorted({s.groups[group] for s in stats})
        for value in values:
            members = [s for s in stats if s.groups[group] == value]
            runs = sum(s.runs for s in members)
            force = sum(s.force_runs for s in members)
            days = np.concatenate([s.durations for s in members])
            cens = np.concatenate([s.censored for s in members])
            median, beyond = median_days(days, cens)
            rec = [s for s in members if s.record_days is not None]
            rec_median, rec_beyond = median_days(
                np.array([s.record_days for s in rec], dtype=float),
                np.array([s.record_censored for s in rec], dtype=bool))
            share = icb.get(("share_actor_used_violence", group, value))
            dur = icb.get(("duration_days_p50", group, value))
            rows.append({
                "group": group, "value": value, "actors": len(members),
                "episodes": len({s.episode for s in members}),
                "model_force": force / runs if runs else None,
                "model_median_days": median, "model_median_beyond": beyond,
                "model_crisis_share": len(days) / runs if runs else None,
                "record_force": sum(s.record_force for s in members),
                "record_median_days": rec_median, "record_median_beyond": rec_beyond,
                "record_crises": len(rec),
                "icb_n": int(share["n"]) if share else None,
                "icb_force": float(share["value"]) if share else None,
                "icb_force_ci": [float(share["ci_low"]), float(share["ci_high"])]
                if share else None,
                "icb_median_days": float(dur["value"]) if dur else None})
    return rows


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The table as Markdown (docs/calibration.md)."""
    lines = ["| ICB grouping | group | library actors (episodes) | ICB actors | ICB used "
             "violence | model: chose force | record: chose force | ICB median days | model: "
             "median days of a crisis | record: median days |",
             "|---|---|---|---:|---|---|---|---:|---:|---:|"]
    for r in rows:
        icb = "—" if r["icb_force"] is None else \
            f"{r['icb_force']:.0%} [{r['icb_force_ci'][0]:.0%}, {r['icb_force_ci'][1]:.0%}]"
        model = "—" if r["model_force"] is None else f"{100 * r['model_force']:.1f}%"
        med = "—" if r["model_median_days"] is None else \
            (">" if r["model_median_beyond"] else "") + f"{r['model_median_days']:.0f}"
        rec = "—" if r["record_median_days"] is None else \
            (">" if r["record_median_beyond"] else "") + f"{r['record_median_days']:.0f}"
        icb_days = "—" if r["icb_median_days"] is None else f"{r['icb_median_days']:.0f}"
        lines.append(
            f"| {r['group']} | {r['value']} | {r['actors']} ({r['episodes']}) | "
            f"{r['icb_n'] or '—'} | {icb} | {model} | {r['record_force']} of {r['actors']} | "
            f"{icb_days} | {med} | {rec} |")
    return "\n".join(lines)
