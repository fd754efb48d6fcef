"""Scenario editing traps: dated events, a variant's events, events after the horizon."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from escalation_sim.scenario.errors import ScenarioError, ScenarioWarning
from escalation_sim.scenario.load import load_scenario, load_scenario_text

REPO = Path(__file__).resolve().parents[2]
EVENT = "    label: later\n    add:\n      actors.baku.nationalism: 0.05\n"


def loaded(text: str, folder: Path = REPO / "scenarios"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        scenario = load_scenario_text(text, "variant.yaml", base_dir=folder)
    return scenario, [str(w.message) for w in caught if w.category is ScenarioWarning]


def test_an_event_may_give_a_date_when_the_scenario_has_a_start_date():
    scenario, said = loaded(f"extends: base.yaml\nadd_events:\n  - date: 2025-08-20\n{EVENT}")
    assert [e.day for e in scenario.events] == [38, 50]  # start_date 2025-07-01
    assert said == []


@pytest.mark.parametrize(("text", "words"), [
    ("extends: base.yaml\nstart_date: null\nadd_events:\n  - date: 2025-08-20\n",
     "needs the scenario's start_date"),
    ("extends: base.yaml\nadd_events:\n  - date: 2025-06-20\n", "before the scenario's "
                                                                 "start_date"),
    ("extends: base.yaml\nadd_events:\n  - date: 2025-08-20\n    day: 49\n",
     "is day 50 from start_date 2025-07-01, but day: says 49"),
])
def test_bad_dates_are_reported_at_the_event(text, words):
    with pytest.raises(ScenarioError) as info:
        loaded(text + EVENT)
    assert words in str(info.value) and info.value.path == "add_events[0].date"  # as written
    assert info.value.line is not None


def test_events_replacing_the_parents_warn_and_add_events_adds():
    scenario, said = loaded(f"extends: base.yaml\nevents:\n  - day: 50\n{EVENT}")
    assert [e.day for e in scenario.events] == [50]
    assert len(said) == 1 and "dropping day 38 (Washington declaration" in said[0]
    assert "add_events:" in said[0] and said[0].startswith("variant.yaml:2: events")
    scenario, said = loaded(f"extends: base.yaml\nadd_events:\n  - day: 50\n{EVENT}")
    assert [e.day for e in scenario.events] == [38, 50] and said == []


@pytest.mark.parametrize("name", ["nationalist_surge.yaml", "corridor_crisis.yaml"])
def test_bundled_variants_restate_the_parents_events_without_a_warning(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario(REPO / "scenarios" / name)


def test_an_event_after_the_horizon_warns_but_a_shorter_run_does_not():
    scenario, said = loaded(f"extends: base.yaml\nadd_events:\n  - day: 400\n{EVENT}")
    assert len(said) == 1 and "add_events[0] — day 400 is after the horizon (365 days)" in said[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario(REPO / "scenarios" / "base.yaml", ["horizon_days=20"])  # --days 20
