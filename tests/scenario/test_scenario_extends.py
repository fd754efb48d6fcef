"""``extends:``: deep merge over a parent, lists replaced, errors located in the right file."""

from __future__ import annotations

import pytest

from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario, load_scenario_text


@pytest.fixture
def parent(write, minimal_text):
    return write(minimal_text, "parent.yaml")


def test_child_is_merged_over_parent(write, parent):
    child = write("extends: parent.yaml\nname: child\nactors:\n  baku: {nationalism: 0.9}\n"
                  "alliances: []\n")
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.actors["baku"].nationalism == 0.9
    assert scenario.actors["moscow"].nationalism == 0.5  # inherited
    assert scenario.alliances == []  # lists are replaced
    assert scenario.incidents["raid"].victim == "baku"


def test_error_in_child_is_reported_in_child(write, parent):
    child = write("extends: parent.yaml\nactors:\n  baku:\n    nationalism: 3\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert (info.value.source, info.value.line) == (str(child), 4)


def test_error_in_parent_is_reported_in_parent(write, minimal_text):
    parent = write(minimal_text.replace("commitment: 0.6", "commitment: 6"), "parent.yaml")
    child = write("extends: parent.yaml\nname: child\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert (info.value.source, info.value.line) == (str(parent), 16)


def test_replaced_values_forget_parent_lines(write, parent):
    child = write("extends: parent.yaml\nalliances:\n  - patron: X\n    backs: kyiv\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert (info.value.source, info.value.line, info.value.path) == (str(child), 4,
                                                                      "alliances[0].backs")


def test_cycles_are_detected(write):
    a = write("extends: b.yaml\nname: a\n", "a.yaml")
    write("extends: a.yaml\nname: b\n", "b.yaml")
    with pytest.raises(ScenarioError, match="extends itself: a.yaml → b.yaml → a.yaml"):
        load_scenario(a)
    with pytest.raises(ScenarioError, match="extends itself: c.yaml → c.yaml"):
        load_scenario(write("extends: c.yaml\nname: c\n", "c.yaml"))


def test_missing_parent(write):
    with pytest.raises(ScenarioError, match="no such file") as info:
        load_scenario(write("name: x\nextends: nothere.yaml\n"))
    assert (info.value.line, info.value.path) == (2, "extends")


def test_bad_extends_value(write):
    with pytest.raises(ScenarioError, match="must be the file"):
        load_scenario(write("extends: [a]\n"))


def test_falls_back_to_bundled_scenario(tmp_path):
    scenario = load_scenario_text("extends: base.yaml\nname: mine\n", base_dir=tmp_path)
    assert scenario.name == "mine" and set(scenario.actors) == {"baku", "moscow"}
