"""The latest scenario: it starts where the bundled AZ–RU record ends, in the state it records."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.model.ladder import N_RUNGS
from escalation_sim.scenario import bundled
from escalation_sim.scenario.episode import load_episode
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Scenario

REPO = Path(__file__).resolve().parents[2]
RECORD = REPO / "episodes" / "azerbaijan_russia_2024_2026.csv"
ALIASES = {"AZE": "baku", "RUS": "moscow"}


@pytest.fixture(scope="module")
def latest() -> Scenario:
    return load_scenario(bundled.find_scenario("latest"))


@pytest.fixture(scope="module")
def record() -> list[dict[str, str]]:
    with RECORD.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def reading_at(record: list[dict[str, str]], actor: str, day0: dt.date) -> int | None:
    """An actor's rung on day0 by the reading of docs/episodes.md §6, applied by hand.

    The highest rung among the actor's leadership measures still in force on day0 (``ends``
    open or later) and its leadership acts of the month (30 days) before day0; None when there
    are neither, which §6 reads as the actor's starting rung. Incidents never count.
    """
    rungs = []
    for row in record:
        if ALIASES[row["actor"]] != actor or row["chosen"] != "leadership":
            continue
        when = _date(row["date"])
        ends = row["ends"]
        in_force = bool(ends) and when < day0 and (ends == "open" or _date(ends) > day0)
        recent = day0 - dt.timedelta(days=30) <= when < day0
        if in_force or recent:
            rungs.append(int(row["rung"]))
    return max(rungs) if rungs else None


def test_latest_is_bundled_and_loads_by_name(latest):
    assert bundled.find_scenario("latest").name == "latest.yaml"
    assert set(latest.actors) == {"baku", "moscow"}
    assert latest.horizon_days == 365


def test_latest_starts_the_day_after_the_records_last_act(latest, record):
    last = max(_date(row["date"]) for row in record)
    assert latest.start_date == last + dt.timedelta(days=1)


def test_record_csv_and_episode_yaml_hold_the_same_acts(record):
    events = load_episode("azerbaijan_russia_2024_2026").episode.events
    fields = ("actor", "target", "rung", "cameo", "kind", "chosen", "source")
    in_yaml = [(e.date.isoformat(), *(str(getattr(e, f)) for f in fields)) for e in events]
    in_csv = [(row["date"], *(row[f] for f in fields)) for row in record]
    assert in_yaml == in_csv


@pytest.mark.parametrize("actor", ["baku", "moscow"])
def test_initial_rungs_follow_the_reading_of_the_record(latest, record, actor):
    rung = latest.actors[actor].initial_rung
    assert 0 <= rung < N_RUNGS
    assert latest.start_date is not None
    read = reading_at(record, actor, latest.start_date)
    assert read is not None, f"{actor}: the record holds nothing to read at day 0"
    assert rung == read


def test_reading_counts_measures_in_force_and_not_incidents(record):
    # Baku's suspension of AZAL flights (rung 6, open) outlasts its conciliatory acts of Mar 2026;
    # Moscow's Yekaterinburg sentences (5 Mar 2026, rung 5) are an incident and do not count.
    assert reading_at(record, "baku", dt.date(2026, 3, 6)) == 6
    assert reading_at(record, "moscow", dt.date(2026, 3, 6)) == 1
    # Before Baku's first measure nothing of its is in force, and nothing recent: no reading.
    assert reading_at(record, "baku", dt.date(2024, 12, 25)) is None


def test_meetings_ahead_fall_inside_the_year_on_their_dates(latest):
    assert latest.start_date is not None
    dates = {s.label: latest.start_date + dt.timedelta(days=s.day) for s in latest.summits}
    cis = [d for label, d in dates.items() if "Avaza" in label]
    assert cis == [dt.date(2026, 10, 9)]
    assert all(0 < s.day < latest.horizon_days for s in latest.summits)
    assert all(0 < e.day < latest.horizon_days for e in latest.events)


def test_escsim_run_latest_forecasts_the_next_year():
    result = CliRunner().invoke(app, ["run", "latest", "--runs", "64", "--workers", "1",
                                      "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["start_date"] == "2026-03-06"
    assert data["days"] == 365
    assert set(data["outcomes"]) >= {"normalization", "coercive_standoff", "war"}
    assert all(0 <= o["ci_low"] <= o["p"] <= o["ci_high"] <= 1 for o in data["outcomes"].values())
    # forecast from the runs filtered through the record, Dec 2024 to Feb 2026
    found = data["assimilation"]
    assert found["record"] == "azerbaijan_russia_2024_2026"
    assert found["months"][0] == "2024-12" and found["months"][-1] == "2026-02"
    assert 1 < found["ess_end"] <= 64
