"""Scheduled events: checked at load time, applied by apply_event; path helpers."""

from __future__ import annotations

import pytest

from escalation_sim.scenario.edit import held_at_bounds
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import (
    apply_event,
    load_scenario_text,
    resolve_path,
    scenario_to_dict,
    set_path,
)
from escalation_sim.scenario.schema import Event

ADD = "      issues.corridors.heat: 0.2"


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "e.yaml")
    return info.value


@pytest.fixture(scope="module")
def scenario(request):
    text = (request.path.parent / "minimal.yaml").read_text()
    return load_scenario_text(text)


def test_apply_event_returns_a_new_validated_scenario(scenario):
    changed = apply_event(scenario, scenario.events[0])
    assert changed.issues["corridors"].heat == pytest.approx(0.8)
    assert scenario.issues["corridors"].heat == 0.6


def test_apply_event_set_and_add(scenario):
    event = Event(day=1, set={"levers.crisis_hotline.enabled": True,
                              "alliances[0].commitment": 0.9},
                  add={"actors.moscow.lag_days": 1, "model.w_nat": 0.5})
    changed = apply_event(scenario, event)
    assert changed.levers.crisis_hotline.enabled is True
    assert changed.alliances[0].commitment == 0.9
    assert changed.actors["moscow"].lag_days == 3 and isinstance(changed.actors["moscow"].lag_days,
                                                                 int)
    assert changed.model.w_nat == pytest.approx(scenario.model.w_nat + 0.5)


def test_apply_event_holds_an_add_at_the_bound_and_refuses_a_bad_set(scenario):
    held = apply_event(scenario, Event(day=3, add={"issues.corridors.heat": 0.5}))
    assert held.issues["corridors"].heat == 1.0
    lowered = apply_event(scenario, Event(day=3, add={"issues.corridors.heat": -5}))
    assert lowered.issues["corridors"].heat == 0.0
    with pytest.raises(ScenarioError, match="between 0 and 1") as info:
        apply_event(scenario, Event(day=3, set={"issues.corridors.heat": 1.5}))
    assert info.value.source == "event on day 3"


@pytest.mark.parametrize(("new", "words"), [
    ("      issues.corridors.hot: 0.2", "unknown key"),
    ("      name: 0.2", "events may change actors.*"),
    ("      runs: 2", "events may change actors.*"),
    ("      levers.crisis_hotline.enabled: 1", "'add' needs a numeric parameter"),
    ("      actors.kyiv.nationalism: 0.1", "valid ids: baku, moscow"),
])
def test_bad_event_paths_are_reported_at_the_event_key(minimal_text, new, words):
    err = error_of(minimal_text.replace(ADD, new))
    assert err.line == 26 and err.path.startswith("events[0].add.")
    assert words in str(err)


def test_events_apply_cumulatively_in_day_order(minimal_text):
    text = minimal_text + "  - day: 5\n    set:\n      issues.corridors.heat: 0.9\n"
    scenario = load_scenario_text(text)  # day 5 sets 0.9, then day 10 adds 0.2 -> held at 1
    assert [h["text"] for h in held_at_bounds(scenario)] == \
        ["day 10: corridors heat held at 1.0"]
    text = minimal_text + "  - day: 5\n    add:\n      model.w_nat: -0.5\n" \
        "  - day: 4\n    set:\n      actors.baku.reciprocity: 0.5\n"
    assert held_at_bounds(load_scenario_text(text)) == []


def test_event_set_value_must_validate(minimal_text):
    text = minimal_text.replace("    add:\n" + ADD, "    set:\n      actors.baku.lag_days: soon")
    err = error_of(text)
    assert err.line == 26 and "must be a whole number" in str(err)


def test_resolve_and_set_path(scenario):
    assert resolve_path(scenario, "actors.baku.nationalism") == 0.7
    assert resolve_path(scenario, "alliances[0].backs") == "baku"
    copy = scenario.model_copy(deep=True)
    set_path(copy, "actors.baku.nationalism", 0.2)
    assert copy.actors["baku"].nationalism == 0.2 and scenario.actors["baku"].nationalism == 0.7
    with pytest.raises(ScenarioError, match="between 0 and 1"):
        set_path(copy, "actors.baku.nationalism", 2)
    assert copy.actors["baku"].nationalism == 0.2
    with pytest.raises(ScenarioError, match="did you mean 'nationalism'"):
        resolve_path(scenario, "actors.baku.nationalsim")


def test_scenario_to_dict_is_resolved_and_json_able(scenario):
    import json

    data = scenario_to_dict(scenario)
    assert data["actors"]["baku"]["review_days"] == 10.0
    assert data["levers"]["multilateral_forum"]["period_days"] == 30
    assert load_scenario_text(json.dumps(data)) == scenario


@pytest.mark.parametrize("bad", [0, 1])
def test_an_event_of_several_numbers_names_the_change_that_breaks_it(minimal_text, bad):
    def with_event(baku: float, moscow: float) -> str:
        return minimal_text + "  - day: 5\n    set:\n" \
            f"      actors.baku.nationalism: {baku}\n      actors.moscow.nationalism: {moscow}\n"

    assert load_scenario_text(with_event(0.4, 0.6)).events[1].set == \
        {"actors.baku.nationalism": 0.4, "actors.moscow.nationalism": 0.6}
    err = error_of(with_event(1.5, 0.6) if bad == 0 else with_event(0.4, 1.5))
    actor = ("baku", "moscow")[bad]
    assert err.path == f"events[1].set.actors.{actor}.nationalism"
    assert err.line == 29 + bad and "this makes" in str(err) and "1.5" in str(err)
