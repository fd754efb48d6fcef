"""Validation errors: one line naming file, line, key path, value and what is allowed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation_sim.scenario.errors import ScenarioError, ScenarioWarning
from escalation_sim.scenario.load import load_scenario, load_scenario_text


def error_of(text: str, source: str = "x.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, source)
    return info.value


def test_minimal_scenario_loads(minimal_text):
    scenario = load_scenario_text(minimal_text)
    assert list(scenario.actors) == ["baku", "moscow"]
    assert scenario.actors["baku"].nationalism == 0.7
    assert scenario.actors["baku"].review_days == 10.0  # a default filled in


def test_out_of_range_message_is_exactly_one_clear_line(minimal_text):
    err = error_of(minimal_text.replace("nationalism: 0.7", "nationalism: 1.4"))
    assert str(err) == ("x.yaml:5: actors.baku.nationalism = 1.4 — must be between 0 and 1 "
                        "(index 0-1: Baseline domestic nationalist pressure, to which "
                        "nationalism relaxes)")
    assert (err.source, err.line, err.path, err.value) == ("x.yaml", 5, "actors.baku.nationalism",
                                                           1.4)


def test_unknown_key_has_did_you_mean(minimal_text):
    err = error_of(minimal_text.replace("nationalism: 0.7", "nationalsim: 0.7"))
    assert err.line == 5 and err.path == "actors.baku.nationalsim"
    assert "unknown key" in str(err) and "did you mean 'nationalism'" in str(err)


def test_unknown_top_level_key_has_did_you_mean(minimal_text):
    err = error_of(minimal_text.replace("horizon_days: 100", "horizon_day: 100"))
    assert (err.line, err.path) == (2, "horizon_day") and "'horizon_days'" in str(err)


@pytest.mark.parametrize(("old", "new", "line", "path", "words"), [
    ("nationalism: 0.7", "nationalism: high", 5, "actors.baku.nationalism",
     "must be a number between 0 and 1"),
    ("horizon_days: 100", "horizon_days: 1.5", 2, "horizon_days", "must be a whole number"),
    ('cameo: "173"', "cameo: 173", 22, "incidents.raid.cameo", "CAMEO code of 2-4 digits"),
    ("heat: 0.6", "heat: .inf", 10, "issues.corridors.heat", "must be a number"),
    ("  moscow:", "  Moscow:", 6, "actors.Moscow", "the key must be an actor id"),
    ("    backs: baku\n", "", 14, "alliances[0].backs", "required key is missing"),
    ("  moscow:\n    nationalism: 0.5\n", "", 3, "actors", "has 1 entry; must have 2 to 8"),
    ("name: minimal", "name: " + "x" * 201, 1, "name", "at most 200 characters"),
])
def test_type_and_shape_errors(minimal_text, old, new, line, path, words):
    err = error_of(minimal_text.replace(old, new, 1))
    assert (err.line, err.path) == (line, path)
    assert words in str(err)
    assert "\n" not in str(err)


def test_undefined_actor_reference_names_the_choices(minimal_text):
    err = error_of(minimal_text.replace("victim: baku", "victim: bakku"))
    assert (err.line, err.path, err.value) == (21, "incidents.raid.victim", "bakku")
    assert "one of baku, moscow" in str(err) and "did you mean 'baku'" in str(err)


def test_undefined_actor_in_issue_position(minimal_text):
    text = minimal_text.replace("{baku: 0.8, moscow: 0.3}", "{baku: 0.8, moscow: 0.3, kyiv: 0.1}")
    err = error_of(text)
    assert err.path == "issues.corridors.position.kyiv" and err.line == 11


def test_issue_must_cover_every_actor(minimal_text):
    err = error_of(minimal_text.replace("salience: {baku: 0.8, moscow: 0.6}",
                                        "salience: {baku: 0.8}"))
    assert (err.line, err.path) == (12, "issues.corridors.salience.moscow")
    assert "every actor" in str(err)


def test_incident_cameo_must_exist(minimal_text):
    err = error_of(minimal_text.replace('cameo: "173"', 'cameo: "1739"'))
    assert (err.line, err.path, err.value) == (22, "incidents.raid.cameo", "1739")
    assert "CAMEO/Goldstein table" in str(err) and "did you mean" in str(err)


def test_first_error_in_file_order_is_reported(minimal_text):
    text = minimal_text.replace("cameo: \"173\"", "cameo: \"1739\"").replace(
        "nationalism: 0.5", "nationalism: 5").replace("commitment: 0.6", "commitment: 6")
    assert error_of(text).line == 7


def test_event_after_the_horizon_is_accepted_with_a_warning(minimal_text):
    # not an error (a shortened run simply ends before it), but the file's own horizon is
    # passed: the event never happens, and the loader says so
    with pytest.warns(ScenarioWarning, match="day 100 is after the horizon"):
        scenario = load_scenario_text(minimal_text.replace("day: 10", "day: 100"))
    assert scenario.events[0].day == 100 >= scenario.horizon_days


def test_load_scenario_reads_files_and_names_them(tmp_path, minimal_text):
    path = tmp_path / "s.yaml"
    path.write_text(minimal_text.replace("heat: 0.6", "heat: 2"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}:10: issues.corridors.heat = 2 — ")


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5, allow_nan=False))
def test_nationalism_is_accepted_exactly_in_its_range(minimal_text, value):
    text = minimal_text.replace("nationalism: 0.7", f"nationalism: {value!r}")
    if 0 <= value <= 1:
        assert load_scenario_text(text).actors["baku"].nationalism == value
    else:
        assert "between 0 and 1" in str(error_of(text))


def test_actor_ids_used_by_the_summary_timeline_are_reserved(minimal_text):
    err = error_of(minimal_text.replace("moscow", "trade"))
    assert err.path == "actors.trade" and "reserved" in str(err)
    assert "\n" not in str(err)
