"""Model 3's mechanisms, each as a test at the documented defaults (docs/model.md §2-§10).

A calm start stays calm without triggers; force needs a militarised issue, force met or a
military posture; a measure stays in force while words turn conciliatory; a reply comes in the
domain it answers, and a reply closes the round; a much stronger side absorbs; a met demand
lifts the compelling measures; a settlement lifts measures one by one and shelves open demands
until a trigger.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalation_sim.engine import kernel
from escalation_sim.engine.calendar import DaySim
from escalation_sim.engine.ensemble import Point, evaluate, simulate
from escalation_sim.model.ladder import DOMAINS, LIMITED_FORCE, VERBAL_HOSTILITY
from escalation_sim.scenario.schema import Scenario


def scenario(actors: dict[str, dict[str, Any]], **top: Any) -> Scenario:
    """A dyad at the documented defaults (no quiet limit): every mechanism on."""
    data: dict[str, Any] = dict(name="m3", horizon_days=365, runs=1, seed=3, actors=actors)
    data.update(top)
    return Scenario.model_validate(data)


def pair(a: dict[str, Any] | None = None, b: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"a": {"capability": 10, "dependence": 0.1, **(a or {})},
            "b": {"capability": 10, "dependence": 0.1, **(b or {})}}


HOT = dict(heat=1.0, activation=1.0, position=dict(a=0.0, b=1.0), salience=dict(a=1.0, b=1.0))
"""A fully contested issue with the widest gap."""


class Rows:
    """Collects the kernel's event rows for run 0 (the trace's observer)."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []

    def note(self, day: int, kind: str, text: str) -> None:  # noqa: D102
        pass

    def happened(self, row: np.ndarray) -> None:  # noqa: D102
        self.rows.append(row.copy())

    def of(self, kind: int) -> list[np.ndarray]:
        return [r for r in self.rows if int(r[1]) == kind]


def observe(s: Scenario, run: int, seed: int = 1) -> Rows:
    rows = Rows()
    DaySim(s, seed, run, 1, observer=rows).run()
    return rows


# -- a status quo that holds ------------------------------------------------------------------
def test_a_calm_start_stays_calm_without_triggers() -> None:
    # issues in dispute but not contested, nationalism above neutral with its daily noise,
    # misperception, reciprocity: everything but a trigger
    s = scenario(pair(dict(nationalism=0.7), dict(nationalism=0.6)), horizon_days=3 * 365,
                 issues={"corridors": dict(HOT, activation=0.0)})
    runs = simulate(s, runs=500, seed=2, keep_runs=True).runs
    # deeds only from the logit's noise (a measure of no gain at a review: about 0.02%)
    assert (runs["actor_imposed"].sum(axis=1) > 0).mean() < 0.03
    assert runs["actor_force"].sum() == 0
    # misread moves make words flare now and then (the echo of §5), but not most of the time
    assert runs["actor_days_words"].mean() < 0.5 * s.horizon_days


def test_a_trigger_on_an_issue_breaks_the_calm() -> None:
    calm = scenario(pair(), issues={"corridors": dict(HOT, activation=0.0)})
    struck = scenario(pair(), issues={"corridors": dict(HOT, activation=0.0)},
                      incidents={"blockade": dict(rate_per_year=6, perpetrator="b", victim="a",
                                                  severity=2.0, rung=6, cameo="163",
                                                  issue="corridors")})
    quiet, hit = (r.runs["peak_rung"] for r in evaluate([Point(calm, 4), Point(struck, 4)], 400,
                                                          keep_runs=True))
    assert quiet.max() <= VERBAL_HOSTILITY
    assert (hit >= 4).mean() > 0.5


# -- force as its own decision ----------------------------------------------------------------
def test_force_needs_a_militarised_issue_force_met_or_posture() -> None:
    # desire far above military signalling, but nothing puts force in play
    actors = pair(dict(initial_rung=6, initial_grievance=4.0, reciprocity=1.0),
                  dict(initial_rung=6, initial_grievance=4.0, reciprocity=1.0))
    closed = scenario(actors, issues={"border": dict(HOT, domain="legal")}, contiguous=True,
                      model=dict(posture_gate=0.0, c_posture=20.0))
    runs = simulate(closed, runs=500, seed=5, keep_runs=True).runs
    assert runs["actor_force"].sum() == 0
    opened = scenario(actors, issues={"border": dict(HOT, domain="legal", militarised=True)},
                      contiguous=True, model=dict(posture_gate=0.0, c_posture=20.0))
    runs = simulate(opened, runs=500, seed=5, keep_runs=True).runs
    assert (runs["peak_rung"] >= LIMITED_FORCE).mean() > 0.2


def test_every_side_pays_for_force_and_a_nuclear_other_side_deters() -> None:
    actors = pair(dict(initial_grievance=3.0), dict(initial_grievance=3.0))
    base = scenario(actors, issues={"border": dict(HOT, militarised=True)}, contiguous=True)
    nuclear = scenario(dict(actors, b=dict(actors["b"], nuclear=True)),
                       issues={"border": dict(HOT, militarised=True)}, contiguous=True)
    res = evaluate([Point(base, 8), Point(nuclear, 8)], 2000, keep_runs=True)
    a_force = [r.runs["actor_force"][:, 0] > 0 for r in res]
    assert a_force[1].mean() < a_force[0].mean()


# -- two tracks ------------------------------------------------------------------------------
def test_a_measure_stays_in_force_while_words_turn_conciliatory() -> None:
    # a keeps its measure (lifting off: the question is whether words can reach engagement while
    # a measure stands, which one rung for both could not); a summit on day 10 puts words at
    # engagement
    actors = pair(dict(initial_rung=6, initial_measures={"economic": 1}),
                  dict(initial_rung=3))
    s = scenario(actors, summits=[dict(day=10, label="meeting")], horizon_days=120,
                 model=dict(summit_value=20.0, lift_rate=0.0))
    runs = simulate(s, runs=300, seed=6, keep_runs=True).runs
    assert (runs["summits"] > 0).mean() > 0.9
    talking = runs["actor_days_talking"][:, 0] > 0  # engagement in words, a measure in force
    assert talking.mean() > 0.8


def test_a_reply_comes_in_the_domain_it_answers() -> None:
    hits = (("diplomatic", 4, "161"), ("legal", 5, "172"), ("economic", 6, "163"))
    shares = np.zeros((len(hits), len(DOMAINS)))
    for h, (domain, rung, cameo) in enumerate(hits):
        s = scenario(pair(dict(initial_grievance=1.5)),
                     incidents={"hit": dict(rate_per_year=4, perpetrator="b", victim="a",
                                            severity=2.0, rung=rung, cameo=cameo,
                                            domain=domain)},
                     horizon_days=200)
        # economic replies are rare (rung 6 costs more than 4 or 5): enough runs to count them
        for run in range(600):
            for row in observe(s, run).of(kernel.EV_IMPOSE):
                if int(row[2]) == 0:
                    shares[h, int(row[3])] += 1
        assert shares[h].sum() > 0
        shares[h] /= shares[h].sum()
    # each domain's share of the replies is highest when the hit came in that domain
    for h, (domain, _, _) in enumerate(hits):
        k = DOMAINS.index(domain)
        others = [shares[g, k] for g in range(len(hits)) if g != h]
        assert shares[h, k] > max(others), (domain, shares)


def test_a_reply_in_kind_closes_the_round() -> None:
    # b expels a's diplomats on day 0; a answers in kind; b has nothing new to answer in kind
    s = scenario(pair(dict(initial_grievance=1.0), dict(initial_grievance=1.0)),
                 incidents={"expulsion": dict(rate_per_year=0, perpetrator="b", victim="a",
                                              severity=2.0, rung=4, cameo="161",
                                              domain="diplomatic")},
                 opening=["expulsion"], horizon_days=90)
    replies = {0: 0, 1: 0}
    for run in range(150):
        for row in observe(s, run).of(kernel.EV_IMPOSE):
            replies[int(row[2])] += int(row[3]) == DOMAINS.index("diplomatic")
    assert replies[0] > 30
    assert replies[1] < 0.5 * replies[0]


def test_a_much_stronger_side_absorbs_the_weaker_sides_measures() -> None:
    def replies(capability: float) -> float:
        actors = pair(dict(initial_rung=6, initial_measures={"economic": 1, "legal": 1},
                           capability=10),
                      dict(capability=capability))
        s = scenario(actors, horizon_days=180)
        runs = simulate(s, runs=600, seed=7, keep_runs=True).runs
        return float(runs["actor_imposed"][:, 1].mean())

    assert replies(1000.0) < 0.5 * replies(10.0)


# -- compellence ----------------------------------------------------------------------------
def test_a_met_demand_lifts_the_compelling_measures() -> None:
    actors = pair(dict(initial_rung=6, initial_measures={"economic": 2}))
    issue = {"deal": dict(HOT, domain="economic")}

    def still_held(concede_rate: float) -> np.ndarray:
        s = scenario(actors, issues=issue, horizon_days=240,
                     demands=[dict(actor="a", of="b", issue="deal")],
                     model=dict(concede_rate=concede_rate, drop_rate=0.0))
        return simulate(s, runs=400, seed=9, keep_runs=True).runs

    met = still_held(60.0)  # conceded within days
    unmet = still_held(0.0)
    assert (met["demand_met_day"][:, 0] >= 0).mean() > 0.95
    assert (unmet["demand_met_day"][:, 0] >= 0).sum() == 0
    held = {name: r["actor_final_measures"][:, 0].mean() for name, r in (("met", met),
                                                                        ("unmet", unmet))}
    assert held["met"] < 0.25 * held["unmet"]


def test_a_measure_that_has_stood_for_months_is_lifted_less_readily() -> None:
    # one measure in force from day 0, with and without entrenchment at the same hazard on the
    # day it is imposed (paired runs): with it, the measure outlasts the year far more often
    actors = pair(dict(initial_rung=6, initial_grievance=2.0, initial_measures={"economic": 1}))

    def still_held(strength: float) -> float:
        s = scenario(actors, horizon_days=365, model=dict(lift_entrenchment=strength))
        runs = simulate(s, runs=400, seed=4, keep_runs=True).runs
        return float((runs["actor_final_measures"][:, 0] > 0).mean())

    assert still_held(1.5) > still_held(0.0) + 0.1


def test_a_measure_that_stood_before_day_0_keeps_its_age() -> None:
    def still_held(age: float) -> float:
        actors = pair(dict(initial_rung=6, initial_grievance=2.0,
                           initial_measures={"economic": 1},
                           initial_measures_age_days={"economic": age}))
        s = scenario(actors, horizon_days=90, model=dict(lift_entrenchment=0.8))
        runs = simulate(s, runs=400, seed=4, keep_runs=True).runs
        return float((runs["actor_final_measures"][:, 0] > 0).mean())

    assert still_held(365.0) > still_held(0.0) + 0.1


def test_an_open_demand_drives_its_demander_to_deeds() -> None:
    issue = {"deal": dict(HOT, activation=0.0, domain="economic", salience=dict(a=1.0, b=0.2))}
    with_demand = scenario(pair(), issues=issue, horizon_days=180,
                           demands=[dict(actor="a", of="b", issue="deal")],
                           model=dict(concede_rate=0.0, drop_rate=0.0))
    without = scenario(pair(), issues=issue, horizon_days=180)
    res = evaluate([Point(with_demand, 2), Point(without, 2)], 400, keep_runs=True)
    imposed = [r.runs["actor_imposed"][:, 0] for r in res]
    assert imposed[0].mean() > 1.0
    assert imposed[1].sum() == 0


# -- settlements ------------------------------------------------------------------------------
def test_a_settlement_lifts_measures_one_by_one() -> None:
    actors = pair(dict(initial_rung=6, initial_measures={"economic": 2, "legal": 2,
                                                         "diplomatic": 1}),
                  dict(initial_rung=5, initial_measures={"legal": 1}))
    s = scenario(actors, summits=[dict(day=5, label="meeting")], horizon_days=365,
                 model=dict(summit_value=20.0))
    lifted_days = []
    for run in range(40):
        rows = observe(s, run)
        if not rows.of(kernel.EV_SUMMIT):
            continue
        days = [int(r[0]) for r in rows.of(kernel.EV_LIFT) if int(r[2]) == 0]
        lifted_days.append(days)
    several = [d for d in lifted_days if len(d) >= 2]
    assert len(several) >= 10
    # one a day at most, spread over weeks, not all at once
    assert all(len(set(d)) == len(d) for d in several)
    assert np.median([max(d) - min(d) for d in several]) >= 14


def test_a_settlement_shelves_a_demand_until_a_trigger() -> None:
    # a presses a demand with measures; leaders settle on day 5; while the settlement holds the
    # demand is shelved, and only triggers (incidents not explained away) take a back to deeds
    actors = pair(dict(initial_rung=6, initial_measures={"economic": 1}))
    issue = {"deal": dict(HOT, domain="economic", salience=dict(a=1.0, b=0.2))}
    base = dict(issues=issue, demands=[dict(actor="a", of="b", issue="deal")],
                summits=[dict(day=5, label="meeting")], horizon_days=240,
                model=dict(summit_value=20.0, concede_rate=0.0, drop_rate=0.0))
    harassment = {"harass": dict(rate_per_year=12, perpetrator="b", victim="a", severity=0.5,
                                 rung=3, cameo="11")}
    runs = {name: simulate(scenario(actors, **base, **extra), runs=300, seed=5,
                           keep_runs=True).runs
            for name, extra in (("quiet", {}), ("triggers", dict(incidents=harassment)))}
    settled = {name: r["summits"] > 0 for name, r in runs.items()}
    assert settled["quiet"].mean() > 0.9
    imposed = {name: r["actor_imposed"][settled[name], 0].mean() for name, r in runs.items()}
    assert imposed["quiet"] < 0.5
    assert imposed["triggers"] > 2 * imposed["quiet"] + 0.5


def test_summits_settle_once_per_flare_up() -> None:
    actors = pair(dict(initial_rung=6, initial_measures={"economic": 1}),
                  dict(initial_rung=5, initial_measures={"legal": 1}))
    s = scenario(actors, model=dict(summit_rate=12.0, summit_value=20.0), horizon_days=365)
    runs = simulate(s, runs=300, seed=4, keep_runs=True).runs
    # with no new measure or force after the first settlement there is nothing to settle
    flare_free = runs["actor_imposed"].sum(axis=1) == 0
    assert flare_free.any()
    assert runs["summits"][flare_free].max() <= 1


@pytest.mark.parametrize("control", ["uncontrolled", "external"])
def test_external_incidents_are_counted_apart(control: str) -> None:
    s = scenario(pair(), incidents={"strike": dict(rate_per_year=4, perpetrator="b", victim="a",
                                                   severity=1.0, rung=8, cameo="195",
                                                   control=control)}, horizon_days=200)
    from escalation_sim.analysis.summary import summarize
    summary = summarize(simulate(s, runs=200, seed=1))
    if control == "external":
        assert summary["incident_external"]["p"] > 0.5
        assert summary["incident_force"]["p"] == 0
    else:
        assert summary["incident_force"]["p"] > 0.5
        assert summary["incident_external"]["kinds"] == []
