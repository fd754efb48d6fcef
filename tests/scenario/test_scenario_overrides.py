"""``--set PATH=VALUE`` overrides: paths, creation of missing levels, errors with their source."""

from __future__ import annotations

import copy

import pytest

from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import apply_overrides, load_scenario_text
from escalation_sim.scenario.yaml_io import parse_yaml


@pytest.fixture
def raw(minimal_text):
    return parse_yaml(minimal_text, "minimal.yaml")[0]


def test_values_are_read_as_yaml_scalars(raw):
    out = apply_overrides(raw, ["actors.baku.nationalism=0.9", "start_date=2025-08-01",
                                "name=new name", "levers.crisis_hotline.enabled=true"])
    assert out["actors"]["baku"]["nationalism"] == 0.9
    assert str(out["start_date"]) == "2025-08-01"
    assert out["name"] == "new name"
    assert out["levers"] == {"crisis_hotline": {"enabled": True}}  # created: the schema has it


def test_input_is_not_modified(raw):
    before = copy.deepcopy(raw)
    apply_overrides(raw, ["actors.baku.nationalism=0.9"])
    assert raw == before


@pytest.mark.parametrize("path", ["alliances[0].commitment", "alliances.0.commitment"])
def test_list_items_by_index(raw, path):
    assert apply_overrides(raw, [f"{path}=0.9"])["alliances"][0]["commitment"] == 0.9


def test_issue_position_for_a_defined_actor_may_be_added(raw):
    del raw["issues"]["corridors"]["position"]["moscow"]
    out = apply_overrides(raw, ["issues.corridors.position.moscow=0.1"])
    assert out["issues"]["corridors"]["position"] == {"baku": 0.8, "moscow": 0.1}


def test_text_is_quoted_in_set_as_in_a_file(minimal_text):
    """A code typed bare is a number to YAML, in a file and in --set alike: refused both ways."""
    scenario = load_scenario_text(minimal_text, overrides=['incidents.raid.cameo="195"'])
    assert scenario.incidents["raid"].cameo == "195"
    with pytest.raises(ScenarioError, match="in quotes"):
        load_scenario_text(minimal_text, overrides=["incidents.raid.cameo=195"])


@pytest.mark.parametrize(("item", "path", "words"), [
    ("actors.baku.nationalsim=0.9", "actors.baku.nationalsim", "did you mean 'nationalism'"),
    ("actors.kyiv.nationalism=0.9", "actors.kyiv", "valid ids: baku, moscow"),
    ("levers.hotline.enabled=true", "levers.hotline", "did you mean 'crisis_hotline'"),
    ("issues.karabakh.heat=0.3", "issues.karabakh", "valid ids: corridors"),
    ("issues.corridor.heat=0.3", "issues.corridor", "did you mean 'corridors'"),
    ("alliances[4].commitment=1", "alliances[4]", "the list has 1 item"),
    ("actors.baku.nationalism.x=1", "actors.baku.nationalism", "no keys below it"),
    ("actors..x=1", "actors..x", "not a parameter path"),
])
def test_bad_paths_name_the_option_and_the_path(raw, item, path, words):
    with pytest.raises(ScenarioError) as info:
        apply_overrides(raw, [item])
    err = info.value
    assert err.source == f"--set {item}" and err.path == path and err.line is None
    assert words in str(err)


@pytest.mark.parametrize("item", ["novalue", "=1"])
def test_malformed_items(raw, item):
    with pytest.raises(ScenarioError, match="expected PATH=VALUE"):
        apply_overrides(raw, [item])


def test_unsafe_value_is_refused(raw):
    with pytest.raises(ScenarioError, match="not allowed"):
        apply_overrides(raw, ["name=!!python/name:os.system"])


def test_bad_value_is_reported_against_the_option(minimal_text):
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(minimal_text, "m.yaml", ["actors.baku.nationalism=1.4"])
    assert str(info.value) == (
        "--set actors.baku.nationalism=1.4: actors.baku.nationalism = 1.4 — must be between 0 "
        "and 1 (index 0-1: Baseline domestic nationalist pressure, to which nationalism relaxes)")


def test_later_overrides_win(minimal_text):
    scenario = load_scenario_text(minimal_text, overrides=["runs=5", "runs=7"])
    assert scenario.runs == 7
