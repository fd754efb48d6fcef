"""escsim trace: the story of run K is run K of the ensemble, and the log accounts for it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.analysis.trace import TERM_WORDS, main_reason, pick_run, run_metrics, trace_run
from escalation_sim.engine.ensemble import simulate
from escalation_sim.model.ladder import DOMAIN_RUNG, LEGAL_COERCION, OPEN_WAR, RUNGS
from escalation_sim.model.outcomes import OUTCOMES, classify
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"

RUNS = 1100  # run indices beyond the first block of 1024 runs
DAYS = 150


@pytest.fixture(scope="module")
def ensemble():
    scenario = load_scenario(BASE, [f"runs={RUNS}", f"horizon_days={DAYS}"])
    return scenario, simulate(scenario, keep_runs=True).runs


def replay(trace, actors):
    """Each actor's reading at the end of each day, rebuilt from the logged events alone.

    The reading is the higher of the actor's stance (words) and its measures in force
    (deeds), limited force on the day it is used, open war until the ceasefire (§2).
    """
    starts = {e["actor"]: e for e in trace.events if e["kind"] == "start"}
    stance = {a: starts[a]["stance"] for a in actors}
    held = {a: dict(starts[a]["held"]) for a in actors}
    at_war = set()
    by_day = {}
    for e in trace.events:
        by_day.setdefault(e["day"], []).append(e)
    days = np.zeros((trace.scenario.horizon_days, len(actors)), dtype=int)
    for t in range(trace.scenario.horizon_days):
        struck = set()
        for e in by_day.get(t, []):
            if e["kind"] == "settlement":  # words at engagement at once, measures stay
                for a in actors:
                    stance[a] = min(stance[a], 1)
                at_war.clear()
            elif e["kind"] == "war_end":
                at_war.clear()
            elif e["kind"] == "move" and e["track"] == "words":
                assert e["old"] == stance[e["actor"]], "words move from where they stood"
                stance[e["actor"]] = e["new"]
            elif e["kind"] == "move" and e["track"] == "deeds":
                held[e["actor"]][e["measure"]] += -1 if e["lifted"] else 1
                assert held[e["actor"]][e["measure"]] >= 0
            elif e["kind"] == "move" and e["track"] == "force":
                if e["new"] == OPEN_WAR:
                    at_war.update((e["actor"], e["target"]))
                else:
                    struck.add(e["actor"])
        for i, a in enumerate(actors):
            deeds = [DOMAIN_RUNG[d] for d, n in held[a].items() if n > 0]
            level = max([stance[a], *deeds])
            if a in struck:
                level = max(level, 8)
            days[t, i] = OPEN_WAR if a in at_war else level
    return days


@pytest.mark.parametrize("k", [0, 3, 1030, RUNS - 1])
def test_trace_of_run_k_reproduces_its_ensemble_metrics(ensemble, k):
    scenario, runs = ensemble
    trace = trace_run(scenario, k)
    assert trace.metrics == run_metrics(runs, k, scenario)  # every per-run metric, bit for bit
    actors = list(scenario.actors)
    levels = replay(trace, actors)
    peak = levels.max(axis=0)  # the days simulated: the starting reading is given
    final, top = levels[-1], levels.max(axis=1)
    assert peak.max() == runs["peak_rung"][k]
    assert list(peak) == list(runs["actor_peak"][k])
    assert list(final) == list(runs["actor_final"][k])
    assert (top >= LEGAL_COERCION).sum() == runs["days_coercion"][k]
    assert list((levels >= LEGAL_COERCION).sum(axis=0)) == list(runs["actor_days_coercion"][k])
    assert OUTCOMES[classify(peak.max(), final.max())] == OUTCOMES[runs["outcome"][k]]
    assert trace.events[-1] == {**trace.events[-1], "kind": "outcome",
                                "outcome": OUTCOMES[runs["outcome"][k]]}
    struck = [e["key"] for e in trace.events if e["kind"] == "incident"]
    assert [struck.count(key) for key in scenario.incidents] == list(runs["incidents"][k])
    moves = [e for e in trace.events if e["kind"] == "move" and e["track"] == "deeds"]
    for i, a in enumerate(actors):
        mine = [e for e in moves if e["actor"] == a]
        assert sum(not e["lifted"] for e in mine) == runs["actor_imposed"][k][i]
        assert sum(e["lifted"] for e in mine) == runs["actor_lifted"][k][i]
    engaged, mediated = None, 0
    for e in trace.events:
        if e["kind"] == "mediation":
            if e["engaged"]:
                engaged = e["day"]
            else:
                mediated, engaged = mediated + e["day"] - engaged, None
    mediated += 0 if engaged is None else DAYS - engaged
    assert mediated == runs["mediation_days"][k]


def test_log_lines_carry_dates_ladder_codes_and_reasons(ensemble):
    scenario, _ = ensemble
    events = [e for k in range(20) for e in trace_run(scenario, k).events]
    moves = [e for e in events if e["kind"] == "move"]
    assert {e["track"] for e in moves} >= {"words", "deeds"}
    for e in moves:
        if e["track"] == "words":
            rung = RUNGS[e["new"]]
            assert (e["rung_name"], e["cameo"], e["goldstein"]) == (rung.name, rung.cameo,
                                                                    rung.goldstein)
            assert e["act"] == "declaratory"
        else:
            assert e["act"] == "material" and e["cameo"]
        assert e["reason"] in TERM_WORDS and e["reason_text"]
        assert e["date"] == str(np.datetime64(scenario.start_date) + e["day"])
    assert events[0]["date"] == scenario.start_date.isoformat()
    assert any(e["kind"] == "event" and e["day"] == 38 for e in events)


def test_the_same_run_gives_the_same_story(ensemble):
    scenario, _ = ensemble
    assert trace_run(scenario, 7).events == trace_run(scenario, 7).events
    assert trace_run(scenario, 7).events != trace_run(scenario, 8).events


def test_main_reason_is_the_term_that_gained_most():
    # gains of (fit, move, audience, cooperation and talks)
    assert main_reason(np.array([1.2, -0.2, 0.0, 0.0]), 1.0) == ("fit", False)
    assert main_reason(np.array([-0.5, -0.2, 0.0, 0.9]), 0.2) == ("cooperation", False)
    assert main_reason(np.array([-0.3, -0.2, -0.5, 0.0]), -1.0) == ("chance", True)


def test_pick_run_chooses_by_outcome_or_the_median():
    outcome = np.array([1, 2, 3, 1, 3, 0], dtype=np.int8)
    runs = {"outcome": outcome, "peak_rung": np.array([4, 6, 8, 5, 8, 2]),
            "actor_goldstein": np.array([[-2, -2], [-4, -4], [-6, -6], [-3, -3], [-6, -6],
                                         [0, 0]], dtype=float)}
    assert pick_run(runs, "clashes") == 2
    assert pick_run(runs, "normalization") == 5
    assert pick_run(runs, "war") is None
    assert pick_run(runs, "median") == 3  # lower median peak 5 -> run 3
    with pytest.raises(ValueError, match="choose from"):
        pick_run(runs, "peace")
