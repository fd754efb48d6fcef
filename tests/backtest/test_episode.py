"""Episode files: loading, the observed path, and one-line errors for malformed episodes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.model.ladder import rung_of_cameo
from escalation_sim.scenario.episode import load_episode

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml"
SMALL = """\
name: small
scenario: base
start_date: 2025-01-30
end_date: 2025-03-10
set:
  actors.baku.initial_rung: 3
  actors.moscow.initial_rung: 2
actors: {AZE: baku}
trigger: {incident: aviation_incident}
events:
  - {date: 2025-01-30, actor: AZE, target: moscow, rung: 5, source: "https://a.example/1"}
  - {date: 2025-02-03, actor: AZE, target: moscow, cameo: "041", source: "https://a.example/2"}
  - {date: 2025-02-10, actor: moscow, target: AZE, rung: 8, incident: energy_asset_strike,
     source: "https://a.example/3"}
  - {date: 2025-03-05, actor: moscow, target: baku, cameo: "111", source: "https://a.example/4"}
"""
# Three months, two actors: a ban in force (lifted 1 Mar), phone calls, an incident.
HAND = """\
name: by hand
scenario: base
start_date: 2025-01-01
end_date: 2025-03-31
set: {actors.baku.initial_rung: 2, actors.moscow.initial_rung: 2}
events:
  - {date: 2025-01-10, actor: baku, target: moscow, cameo: "163", kind: material,
     chosen: leadership, ends: 2025-03-01, source: "https://a.example/ban"}
  - {date: 2025-01-20, actor: moscow, target: baku, cameo: "041", source: "https://a.example/c"}
  - {date: 2025-02-05, actor: baku, target: moscow, cameo: "041", source: "https://a.example/c2"}
  - {date: 2025-02-15, actor: moscow, target: baku, cameo: "173", incident: diaspora_crackdown,
     chosen: uncontrolled, source: "https://a.example/raid"}
  - {date: 2025-03-01, actor: baku, target: moscow, cameo: "085", source: "https://a.example/lift"}
  - {date: 2025-03-10, actor: moscow, target: baku, cameo: "042", source: "https://a.example/v"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "episode.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cameo_codes_map_to_rungs():
    assert [rung_of_cameo(c) for c in ("041", "161", "163", "173", "195", "138", "131", "194")] \
        == [1, 4, 6, 5, 8, 7, 3, 9]
    with pytest.raises(KeyError):
        rung_of_cameo("999")


def test_small_episode_observed_path(tmp_path):
    ep = load_episode(write(tmp_path, SMALL))
    assert ep.scenario.start_date.isoformat() == "2025-01-30"
    assert ep.scenario.horizon_days == 40
    assert ep.scenario.actors["baku"].initial_rung == 3
    assert ep.scenario.actors["baku"].initial_grievance == pytest.approx(2.0)
    assert ep.scenario.opening == ["aviation_incident"]  # the trigger strikes on day 0
    assert ep.scenario.events == []  # base's event (8 Aug 2025) lies beyond the window
    obs = ep.observed()
    assert obs.labels == ["2025-01", "2025-02", "2025-03"]
    # baku: a one-off 5 in January (rung given, no code: material), the call (1) in February,
    # nothing in March: its starting rung 3. moscow: the strike is an incident; 3 in March.
    np.testing.assert_array_equal(obs.rung, [[5, 1, 3], [2, 2, 3]])
    np.testing.assert_array_equal(obs.incidents, [[0, 0, 0], [0, 1, 0]])
    assert not obs.force_by.any()
    np.testing.assert_array_equal(obs.start, [3, 2])


def test_the_reading_by_hand(tmp_path):
    obs = load_episode(write(tmp_path, HAND)).observed()
    # baku: the ban (6) is in force from 10 Jan to 28 Feb; the call of 5 Feb does not lower
    # February; the lifting (085, rung 0) is baku's only act in March and nothing is in force.
    # moscow: the call of 20 Jan reads 1; February holds only the raid, an incident: the
    # starting rung 2; the visit of 10 Mar reads 1.
    np.testing.assert_array_equal(obs.rung, [[6, 6, 0], [1, 2, 1]])
    np.testing.assert_array_equal(obs.material, [[6, 6, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(obs.declaratory, [[-1, 1, -1], [1, -1, 1]])
    np.testing.assert_array_equal(obs.incidents, [[0, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(obs.force_by, [False, False, False])
    np.testing.assert_array_equal(obs.engaged_by, [False, False, True])  # both <= 1 in March


@pytest.mark.parametrize(("ends", "rungs"), [
    ("open", [6, 6, 6]),  # never lifted: in force to the window's end
    ("2025-02-01", [6, 1, 0]),  # lifted 1 Feb: in force in January only
    ("2025-01-10", [6, 1, 0]),  # lifted the same day: the act still counts in its month
])
def test_a_measure_counts_in_every_month_it_is_in_force(tmp_path, ends, rungs):
    text = HAND.replace("ends: 2025-03-01", f"ends: {ends}")
    obs = load_episode(write(tmp_path, text)).observed()
    np.testing.assert_array_equal(obs.rung[0], rungs)


def test_defaults_for_kind_and_chosen():
    from escalation_sim.scenario.episode import ObservedEvent, act_kind, is_chosen

    def event(**kw):
        return ObservedEvent(date=dt.date(2025, 1, 1), actor="a", target="b", source="s", **kw)

    assert act_kind(event(cameo="163")) == "material"  # root 16
    assert act_kind(event(cameo="112")) == "declaratory"  # root 11
    assert act_kind(event(cameo="138")) == "declaratory"  # a threat of force: words
    assert act_kind(event(cameo="163", kind="declaratory")) == "declaratory"  # as given
    assert act_kind(event(rung=5)) == "material" and act_kind(event(rung=3)) == "declaratory"
    assert is_chosen(event(cameo="010")) and not is_chosen(event(cameo="010", incident="x"))
    assert not is_chosen(event(cameo="010", chosen="external", incident="x"))


def test_bundled_episode_loads_by_name_and_keeps_event_dates():
    ep = load_episode("azerbaijan_russia_2024_2026")
    assert ep.source == str(BUNDLED) or ep.source.endswith("azerbaijan_russia_2024_2026.yaml")
    # the Washington declaration (8 Aug 2025) keeps its date: day 226 after 25 Dec 2024
    assert [e.day for e in ep.scenario.events] == [226]
    obs = ep.observed()
    assert len(obs.labels) == 16 and not obs.force_by.any()
    # Baku's suspended flights and closures (6, 5) stay in force: Dushanbe (Oct 2025) and
    # Zakharova's statement (Feb 2026) lower only Moscow's months, and the two sides never read
    # engagement together; Moscow's rejoinder on compensation (Sep 2025) reads 3
    np.testing.assert_array_equal(obs.rung[0, :16], [6] * 16)
    np.testing.assert_array_equal(obs.rung[1, :16],
                                  [1, 2, 2, 2, 2, 2, 2, 3, 2, 3, 1, 2, 2, 2, 1, 2])
    assert not obs.engaged_by.any()


@pytest.mark.parametrize(("old", "new", "words"), [
    ("actor: AZE, target: moscow, rung: 5", "actor: AZR, target: moscow, rung: 5",
     ["events[0].actor", '"AZR"', "did you mean 'AZE'"]),
    ("date: 2025-03-05", "date: 2025-04-05",
     ["events[3].date", "2025-04-05", "outside the episode window 2025-01-30 to 2025-03-10"]),
    ("rung: 5,", "rung: 12,", ["events[0].rung", "12", "0 to 9"]),
    ('cameo: "111",', 'cameo: "999",', ["events[3].cameo", '"999"', "CAMEO"]),
    ('cameo: "111",', 'cameo: 161,', ["events[3].cameo", "in quotes"]),
    ("incident: energy_asset_strike", "incident: drone_strike",
     ["events[2].incident", "not an incident type"]),
    ("trigger: {incident: aviation_incident}", "trigger: {incident: plane}",
     ["trigger.incident", "not an incident type"]),
    ("scenario: base", "scenario: bsae", ["scenario", "did you mean 'base'"]),
    ("  actors.baku.initial_rung: 3", "  actors.baku.initial_rung: 11",
     ["set.actors.baku.initial_rung", "11"]),
    ("name: small\n", "name: small\nwhen: now\n", ["when", "unknown key"]),
    ("rung: 5,", "rung: 5, kind: words,", ["events[0].kind", "declaratory", "material"]),
    ("rung: 5,", "rung: 5, ends: 2025-01-20,", ["events[0].ends", "2025-01-20", "between"]),
    ("rung: 5,", "rung: 5, chosen: uncontrolled,", ["events[0].chosen", "`incident:` type"]),
    ("incident: energy_asset_strike,", "incident: energy_asset_strike, chosen: leadership,",
     ["events[2].chosen", "no `incident:`"]),
    (', source: "https://a.example/2"}', "}", ["events[1].source", "required", "source"]),
    (', source: "https://a.example/2"}', ', source: ""}', ["events[1].source", "public source"]),
    ("date: 2025-03-05", "date: 2025-03-32", ["events[3].date", "2025-03-32"]),
    ('cameo: "041"', 'cameo: "041", ends: open', ["events[1].ends", "declaratory",
                                                  "material"]),
    ("rung: 5,", "rung: 5, chosen: accident,", ["events[0].chosen", "leadership",
                                                "uncontrolled", "external"]),
])
def test_malformed_episode_exits_2_with_one_line(tmp_path, old, new, words):
    assert old in SMALL
    path = write(tmp_path, SMALL.replace(old, new, 1))
    result = CliRunner().invoke(app, ["backtest", str(path), "--runs", "16"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {path}")
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_monthly_arrays_agree_with_the_run_metrics():
    ep = load_episode("azerbaijan_russia_2024_2026")
    res = evaluate([Point(ep.scenario, 5)], 64, keep_runs=True, monthly=True)[0]
    runs = res.runs
    assert runs["actor_month_max"].shape == (64, 2, 16)
    np.testing.assert_array_equal(runs["actor_month_max"].max(axis=2), runs["actor_peak"])
    assert (runs["month_min_top"] <= runs["actor_month_max"].max(axis=1)).all()
    plain = evaluate([Point(ep.scenario, 5)], 64, keep_runs=True)[0].runs
    np.testing.assert_array_equal(plain["actor_peak"], runs["actor_peak"])  # same runs
    assert "actor_month_max" not in plain


@pytest.mark.slow
def test_backtest_end_to_end_json(tmp_path):
    result = CliRunner().invoke(app, ["backtest", "azerbaijan_russia_2024_2026", "--runs", "256",
                                      "--workers", "1", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    keys = [row["score"] for row in data["scores"]]
    assert keys == ["rps_0", "rps_1", "rps", "brier_force", "brier_engaged", "cover_50",
                    "cover_90", "rps_material", "rps_declaratory"]
    rps = data["scores"][2]
    assert 0 < rps["model"]["value"] < 1
    assert rps["model"]["ci_low"] <= rps["model"]["value"] <= rps["model"]["ci_high"]
    assert set(rps) >= {"climatology", "persistence", "skill_climatology", "skill_persistence"}
    assert [m["month"] for m in data["months"]][:2] == ["2024-12", "2025-01"]
    again = CliRunner().invoke(app, ["backtest", "azerbaijan_russia_2024_2026", "--runs", "256",
                                     "--workers", "1", "--json"])
    assert json.loads(again.stdout) == data  # one seed, one answer


@pytest.mark.slow
def test_backtest_table_and_set(tmp_path):
    result = CliRunner().invoke(app, ["backtest", "azerbaijan_russia_2024_2026", "--runs", "64",
                                      "--workers", "1", "--set", "actors.moscow.reciprocity=0.2"])
    assert result.exit_code == 0, result.stderr
    for word in ("RPS baku", "Brier", "climatology", "persistence", "2025-10"):
        assert word in result.stdout
    bad = CliRunner().invoke(app, ["backtest", "azerbaijan_russia_2024_2026", "--runs", "8",
                                   "--set", "actors.moscow.reciprocity=7"])
    assert bad.exit_code == 2 and "--set actors.moscow.reciprocity=7" in bad.stderr


def test_scenario_file_relative_to_the_episode_and_coding_fields(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "episodes").mkdir()
    minimal = (REPO / "tests" / "scenario" / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenarios" / "dyad.yaml").write_text(minimal, encoding="utf-8")
    path = tmp_path / "episodes" / "rel.yaml"
    path.write_text("""\
name: relative
scenario: ../scenarios/dyad.yaml
start_date: 2025-01-01
end_date: 2025-02-28
events:
  - {date: 2025-01-05, actor: baku, target: moscow, cameo: "163", kind: material,
     chosen: leadership, ends: 2025-02-10, source: "https://a.example/1"}
  - {date: 2025-01-06, actor: moscow, target: baku, cameo: "173", incident: raid,
     kind: material, chosen: uncontrolled, ends: open, source: "https://a.example/2"}
  - {date: 2025-02-10, actor: baku, target: moscow, cameo: "085", kind: material,
     source: "https://a.example/3"}
""", encoding="utf-8")
    ep = load_episode(path)
    assert ep.scenario.name == "minimal" and ep.scenario.horizon_days == 59
    assert [e.ends for e in ep.episode.events] == [dt.date(2025, 2, 10), "open", None]
    assert [e.chosen for e in ep.episode.events] == ["leadership", "uncontrolled", None]
    missing = path.with_name("bad.yaml")
    missing.write_text(path.read_text().replace("../scenarios/dyad.yaml", "../scenarios/no.yaml"),
                       encoding="utf-8")
    result = CliRunner().invoke(app, ["backtest", str(missing), "--runs", "8"])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
