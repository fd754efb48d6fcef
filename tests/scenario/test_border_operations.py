"""The source's own crisis: Baku's operation near Russian forces, as a variant of the base."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.engine.state import State
from escalation_sim.model.ladder import (
    DOMAINS,
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    VERBAL_HOSTILITY,
)
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILE = SCENARIOS / "border_operations.yaml"
RUNS = 500
CLASSES = ("calm", "cold tension", "coercive standoff", "armed clashes", "war")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(FILE)


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario(SCENARIOS / "base.yaml")


def test_is_a_variant_of_the_base(scenario, base):
    assert "\nextends: base.yaml\n" in FILE.read_text(encoding="utf-8")
    assert scenario.start_date == base.start_date
    assert scenario.name != base.name
    assert set(scenario.issues) == set(base.issues)
    assert scenario.events == base.events  # the Washington declaration is kept


def test_opens_with_baku_at_limited_force_on_alert(scenario):
    baku, moscow = scenario.actors["baku"], scenario.actors["moscow"]
    assert baku.initial_rung == LIMITED_FORCE
    assert moscow.initial_rung == VERBAL_HOSTILITY  # Moscow condemns: words, no measure
    state = State.initial(scenario, 3)
    names = list(scenario.actors)
    b, m = names.index("baku"), names.index("moscow")
    military = DOMAINS.index("military")
    assert (state.level[b] == LIMITED_FORCE).all()
    assert (state.measures[b, military] >= 1).all()  # the alert: a posture measure (rung 7)
    assert (state.level[m] == VERBAL_HOSTILITY).all() and state.measures[m].sum() == 0


def test_moscow_starts_aggrieved_by_the_operation(scenario, base):
    assert scenario.actors["moscow"].initial_grievance > base.actors["moscow"].initial_grievance


def test_the_border_issue_is_militarised_and_contested_on_day_0(scenario):
    border = scenario.issues["border_security"]
    assert border.militarised and border.domain == "military"
    assert border.activation == 1.0
    state = State.initial(scenario, 2)
    q = list(scenario.issues).index("border_security")
    assert (state.activation[q] == 1.0).all()
    assert not any(i.militarised for k, i in scenario.issues.items() if k != "border_security")


def test_the_sources_impacts_have_their_mechanisms(scenario):
    assert scenario.allied and scenario.contiguous
    assert [a.patron for a in scenario.alliances if a.backs == "baku"] == ["Türkiye"]
    energy = [i for i in scenario.incidents.values() if i.domain == "energy"]
    assert any(i.issue == "energy_routes" and i.control == "leadership" for i in energy)
    hit = scenario.incidents["russian_forces_hit"]
    assert (hit.perpetrator, hit.victim, hit.issue) == ("baku", "moscow", "border_security")
    # the diaspora crackdowns keep base's effective rate, no longer tied to the border question
    assert scenario.incidents["diaspora_crackdown"].issue is None


def test_a_500_run_ensemble_gives_its_outcome_table(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(FILE), "--runs", str(RUNS), "--workers", "1",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "Outcomes" in result.stdout
    assert all(name in result.stdout for name in CLASSES)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["runs"] == RUNS
    outcomes = summary["outcomes"]
    assert sum(o["p"] for o in outcomes.values()) == pytest.approx(1.0, abs=0.02)  # rounded
    # the opening's force is Baku's reading on day 0, given, not forecast: the peaks count the
    # days simulated, where Baku's troops stand on alert and Moscow has met force
    assert summary["actors"]["baku"]["peak_distribution"][MILITARY_SIGNALLING] > 0.5
    state = State.initial(load_scenario(FILE), 4)
    assert (state.force_met_day[1] == 0).all() and (state.force_met_day[0] < 0).all()
    metrics = summary["metrics"]
    # the alert holds after the operation: days at military signalling or more
    assert metrics["days_military_mean"]["value"] > 30
    assert 0.0 <= metrics["p_energy_interrupted"]["value"] <= 1.0
    # force after day 0 is a chosen act of some runs, not a repetition of the opening
    assert metrics["first_force_day_mean"]["n"] < RUNS
    # after day 0 the operation is over and the alert stands: Baku's median reading is posture
    with (out / "daily.csv").open(newline="", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first["day"] == "0" and float(first["baku_rung_p50"]) == MILITARY_SIGNALLING
