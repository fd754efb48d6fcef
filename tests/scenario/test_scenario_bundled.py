"""The bundled scenarios: all valid, the documented names, the base figures, one lever per file."""

from __future__ import annotations

import pytest

from escalation_sim.scenario import bundled
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Levers

LEVERS = list(Levers.model_fields)
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/scenario.schema.json"


@pytest.fixture(scope="module")
def scenarios():
    return {p.stem: load_scenario(p) for p in bundled.scenario_files()}


def test_expected_files_are_bundled(scenarios):
    expected = {"base", "all_levers", "nationalist_surge", "corridor_crisis",
                *(f"lever_{name}" for name in LEVERS)}
    assert expected <= set(scenarios)


def test_every_file_starts_with_the_schema_line():
    for path in bundled.scenario_files():
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE, path.name


def test_names_are_unique(scenarios):
    names = [s.name for s in scenarios.values()]
    assert len(names) == len(set(names))


def test_every_scenario_uses_the_shared_names(scenarios):
    for scenario in scenarios.values():
        assert set(scenario.actors) == {"baku", "moscow"}
        assert set(scenario.issues) >= {"corridors", "karabakh", "border_security", "alliances",
                                        "energy_routes", "diplomatic_engagement"}


def test_base_figures(scenarios):
    base = scenarios["base"]
    baku, moscow = base.actors["baku"], base.actors["moscow"]
    assert str(base.start_date) == "2025-07-01"
    assert (baku.capability, baku.dependence, baku.initial_rung) == (4.9, 0.086, 6)
    assert baku.initial_measures == {"economic": 1, "legal": 2}
    assert [(d.actor, d.of, d.issue) for d in base.demands] == [
        ("baku", "moscow", "azal_accountability")]
    assert (moscow.capability, moscow.available_share, moscow.dependence) == (149, 0.3, 0.01)
    assert base.alliances[0].patron == "Türkiye" and base.alliances[0].backs == "baku"
    assert base.events[0].day == 38
    assert not any(getattr(base.levers, name).enabled for name in LEVERS)


@pytest.mark.parametrize("lever", LEVERS)
def test_each_lever_file_enables_only_its_lever(scenarios, lever):
    levers = scenarios[f"lever_{lever}"].levers
    assert [name for name in LEVERS if getattr(levers, name).enabled] == [lever]


def test_all_levers(scenarios):
    assert all(getattr(scenarios["all_levers"].levers, name).enabled for name in LEVERS)


def test_drivers_are_turned_up(scenarios):
    base = scenarios["base"]
    assert scenarios["nationalist_surge"].actors["baku"].nationalism > \
        base.actors["baku"].nationalism
    assert scenarios["corridor_crisis"].issues["corridors"].heat > base.issues["corridors"].heat


def test_find_scenario():
    assert bundled.find_scenario("base") == bundled.find_scenario("base.yaml")
    with pytest.raises(ScenarioError, match="did you mean 'base'"):
        bundled.find_scenario("bsae")
