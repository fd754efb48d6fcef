"""Dates wherever a day is taken; messages and errors in the form the user wrote."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from escalation_sim.scenario.edit import held_at_bounds
from escalation_sim.scenario.errors import ScenarioError, ScenarioWarning
from escalation_sim.scenario.load import load_scenario_text

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"


def loaded(text: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        scenario = load_scenario_text(text, "variant.yaml", base_dir=SCENARIOS)
    return scenario, [str(w.message) for w in caught if w.category is ScenarioWarning]


def test_a_summit_may_give_a_date():
    scenario, _ = loaded("extends: base.yaml\nsummits:\n  - date: 2025-10-10\n"
                         "    label: CIS summit, Dushanbe\n")
    assert scenario.summits[0].day == 101  # start_date 2025-07-01
    assert str(scenario.summits[0].date) == "2025-10-10"


@pytest.mark.parametrize(("text", "words"), [
    ("extends: base.yaml\nstart_date: null\nsummits:\n  - date: 2025-10-10\n",
     "needs the scenario's start_date; give day: instead"),
    ("extends: base.yaml\nsummits:\n  - date: 2025-06-10\n", "before the scenario's start_date"),
    ("extends: base.yaml\nsummits:\n  - date: 2025-10-10\n    day: 100\n",
     "is day 101 from start_date 2025-07-01, but day: says 100"),
])
def test_a_bad_summit_date_is_named_at_its_key(text, words):
    with pytest.raises(ScenarioError) as info:
        loaded(text)
    assert words in str(info.value) and info.value.path == "summits[0].date"
    assert info.value.line is not None


def test_a_lever_may_start_on_a_date_and_a_variant_may_move_it():
    scenario, _ = loaded("extends: base.yaml\nlevers:\n  crisis_hotline:\n    enabled: true\n"
                         "    start_date: 2025-09-01\n")
    lever = scenario.levers.crisis_hotline
    assert (lever.start_day, str(lever.start_date)) == (62, "2025-09-01")
    # a variant's day replaces its parent's date, and a date its parent's day
    again, _ = loaded("extends: all_levers.yaml\nlevers:\n  crisis_hotline:\n"
                      "    start_date: 2025-07-11\n")
    assert again.levers.crisis_hotline.start_day == 10
    with pytest.raises(ScenarioError, match=r"levers\.crisis_hotline\.start_date .*before"):
        loaded("extends: base.yaml\nlevers:\n  crisis_hotline:\n    start_date: 2025-01-01\n")


def test_messages_name_the_day_as_the_file_wrote_it():
    dated, _ = loaded("extends: base.yaml\nadd_events:\n  - date: 2025-11-15\n"
                      "    label: later\n    add:\n      issues.corridors.heat: 0.9\n")
    texts = [h["text"] for h in held_at_bounds(dated)]
    assert "2025-11-15: corridors heat held at 1.0" in texts
    assert not any(t.startswith("day 137") for t in texts)
    by_day, _ = loaded("extends: base.yaml\nadd_events:\n  - day: 137\n"
                       "    add:\n      issues.corridors.heat: 0.9\n")
    assert "day 137: corridors heat held at 1.0" in [h["text"] for h in held_at_bounds(by_day)]


def test_errors_name_the_key_the_user_wrote():
    with pytest.raises(ScenarioError) as info:
        loaded("extends: base.yaml\nadd_events:\n  - day: 20\n"
               "    add: {issues.corridors.heet: 0.1}\n")
    assert info.value.path.startswith("add_events[0]."), info.value.path
    assert "events[1]" not in str(info.value)
    _, said = loaded("extends: base.yaml\nadd_events:\n  - date: 2026-08-01\n"
                     "    add: {issues.corridors.heat: 0.1}\n")
    assert len(said) == 1 and "add_events[0] — 2026-08-01 is after the horizon" in said[0]


def test_days_runs_and_seed_errors_name_the_option(run):
    result = run("run", "base", "--days", "5000")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: --days 5000: must be between 1 and 3650"), line
    assert "--set" not in line and "horizon_days" not in line
    result = run("compare", "base", "all_levers", "--days", "5000")
    assert re.match(r"error: --days 5000: must be between 1 and 3650", result.stderr)


@pytest.fixture
def run():
    from typer.testing import CliRunner

    from escalation_sim.cli.app import app

    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])
