"""escsim trace: the story of run K is run K of the ensemble, and the log accounts for it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.analysis.trace import main_reason, pick_run, run_metrics, trace_run
from escalation_sim.engine.ensemble import simulate
from escalation_sim.model.decision import TERMS
from escalation_sim.model.ladder import LEGAL_COERCION, N_RUNGS, RUNGS
from escalation_sim.model.outcomes import OUTCOMES, classify
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"

RUNS = 1100  # run indices beyond the first random block of 1024
DAYS = 150


@pytest.fixture(scope="module")
def ensemble():
    scenario = load_scenario(BASE, [f"runs={RUNS}", f"horizon_days={DAYS}"])
    return scenario, simulate(scenario, keep_runs=True).runs


def replay(trace, actors):
    """Rung of each actor at the end of each day, rebuilt from the logged moves alone."""
    level = {e["actor"]: e["new"] for e in trace.events if e["kind"] == "start"}
    moves = {}
    for e in trace.events:
        if e["kind"] in ("move", "settlement"):  # in order: a day's settlement comes first
            moves.setdefault(e["day"], []).append(e)
    days = np.zeros((trace.scenario.horizon_days, len(actors)), dtype=int)
    for t in range(trace.scenario.horizon_days):
        for e in moves.get(t, []):
            if e["kind"] == "settlement":  # a summit puts every side at its new rung
                level.update(zip(actors, e["levels"], strict=True))
                continue
            assert e["old"] == level[e["actor"]], "a move starts where the last one ended"
            level[e["actor"]] = e["new"]
        days[t] = [level[a] for a in actors]
    return days


@pytest.mark.parametrize("k", [0, 3, 1030, RUNS - 1])
def test_trace_of_run_k_reproduces_its_ensemble_metrics(ensemble, k):
    scenario, runs = ensemble
    trace = trace_run(scenario, k)
    assert trace.metrics == run_metrics(runs, k, scenario)  # every per-run metric, bit for bit
    actors = list(scenario.actors)
    levels = replay(trace, actors)
    start = np.array([scenario.actors[a].initial_rung for a in actors])
    peak = np.maximum(levels.max(axis=0), start)
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
    trace = trace_run(scenario, 1030)
    moves = [e for e in trace.events if e["kind"] == "move"]
    assert moves
    for e in moves:
        rung = RUNGS[e["new"]]
        assert (e["rung_name"], e["cameo"], e["goldstein"]) == (rung.name, rung.cameo,
                                                                rung.goldstein)
        assert e["reason"] in (*TERMS, "chance") and e["reason_text"]
        assert e["date"] == str(np.datetime64(scenario.start_date) + e["day"])
    assert trace.events[0]["date"] == scenario.start_date.isoformat()
    assert any(e["kind"] == "event" and e["day"] == 38 for e in trace.events)


def test_the_same_run_gives_the_same_story(ensemble):
    scenario, _ = ensemble
    assert trace_run(scenario, 7).events == trace_run(scenario, 7).events
    assert trace_run(scenario, 7).events != trace_run(scenario, 8).events


def _terms(**by_term):
    terms = np.zeros((len(TERMS), N_RUNGS))
    for name, row in by_term.items():
        terms[TERMS.index(name)] = row
    return terms


def test_main_reason_is_the_term_that_gained_most():
    x = np.arange(N_RUNGS, dtype=float)
    fit = -(x - 6.0) ** 2  # wants rung 6
    move = -0.1 * np.abs(x - 4)
    assert main_reason(_terms(fit=fit, move=move), 4, 5) == ("fit", False)
    audience = np.where(x < 4, -3.0, 0.0)  # stepping down costs face
    assert main_reason(_terms(fit=-(x - 3.2) ** 2, audience=audience), 4, 4) == ("audience",
                                                                                 False)
    econ = np.where(x >= 6, -0.5, 0.0)  # favours stepping down, but less than fit opposes
    assert main_reason(_terms(fit=fit, economic=econ), 6, 5) == ("economic", True)
    assert main_reason(_terms(move=move), 4, 5) == ("chance", True)


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
