"""Every bundled episode: it loads, each act has a CAMEO code and a source, the CSV record beside
it holds the same acts, and it backtests; together they span several dyads and endings."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.model.ladder import LIMITED_FORCE, cameo_table, rung_of_cameo
from escalation_sim.scenario import bundled
from escalation_sim.scenario.episode import LoadedEpisode, load_episode
from escalation_sim.scenario.schema import Scenario

EPISODES = sorted(p for p in bundled.episode_files() if p.suffix == ".yaml")


def acts(ep: LoadedEpisode) -> list[tuple[str, ...]]:
    """The acts of a loaded episode as the CSV writes them."""
    return [(e.date.isoformat(), e.actor, e.target, e.cameo or "", e.source, e.kind or "",
             e.chosen or "", "" if e.ends is None else str(e.ends)) for e in ep.episode.events]


@pytest.mark.slow
@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_bundled_episode_is_sourced_coded_and_backtests(path: Path) -> None:
    ep = load_episode(path)
    assert len(ep.episode.events) >= 15
    for n, e in enumerate(ep.episode.events):
        assert e.cameo in cameo_table(), (n, e.cameo)
        url = urlparse(e.source)
        assert url.scheme in ("http", "https") and url.netloc, (n, e.source)
        assert e.kind in ("declaratory", "material") and e.chosen is not None, n
    with path.with_suffix(".csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["date"], r["actor"], r["target"], r["cameo"], r["source"], r["kind"], r["chosen"],
             r["ends"]) for r in rows] == acts(ep)
    result = CliRunner().invoke(app, ["backtest", str(path), "--runs", "16", "--workers", "1",
                                      "--json"])
    assert result.exit_code == 0, result.stderr
    months = json.loads(result.stdout)["months"]
    assert [m["month"] for m in months] == ep.observed().labels


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_external_acts_are_external_incident_types(path: Path) -> None:
    # An act the record codes `chosen: external` (aimed elsewhere, suffered by the other side) is
    # an instance of an incident type with `control: external`, and only such acts are.
    ep = load_episode(path)
    for n, e in enumerate(ep.episode.events):
        if e.incident is not None:
            control = ep.scenario.incidents[e.incident].control
            assert (e.chosen == "external") == (control == "external"), (n, e.incident, control)


@pytest.mark.slow
def test_older_scenarios_carry_the_model_3_fields() -> None:
    def scenario(name: str) -> Scenario:
        return load_episode(name).scenario

    def demands(name: str) -> list[tuple[str, str, str]]:
        return [(d.actor, d.of, d.issue) for d in scenario(name).demands]

    def militarised(name: str) -> set[str]:
        return {key for key, issue in scenario(name).issues.items() if issue.militarised}

    contiguous = {"armenia_azerbaijan_2016", "china_japan_2012_2014",
                  "china_south_korea_2016_2017", "india_pakistan_2019", "russia_ukraine_2013",
                  "turkiye_israel_2010_2016", "azerbaijan_russia_2024_2026"}
    for name in contiguous | {"russia_czechia_2021", "russia_uk_2018_2019"}:
        sc = scenario(name)
        assert sc.contiguous == (name in contiguous), name
        assert sc.allied == (name == "azerbaijan_russia_2024_2026"), name
    assert demands("armenia_azerbaijan_2016") == []
    assert demands("china_japan_2012_2014") == [("beijing", "tokyo", "islands")]
    assert demands("china_south_korea_2016_2017") == [("beijing", "seoul", "missile_defence")]
    assert demands("india_pakistan_2019") == [("newdelhi", "islamabad", "militancy")]
    assert demands("russia_czechia_2021") == [
        ("prague", "moscow", "vrbetice_accountability"),
        ("prague", "moscow", "intelligence_presence")]
    assert demands("russia_uk_2018_2019") == [("london", "moscow", "salisbury_accountability")]
    assert demands("russia_ukraine_2013") == [("moscow", "kyiv", "eu_association")]
    assert demands("turkiye_israel_2010_2016") == [
        ("ankara", "jerusalem", "flotilla_accountability"),
        ("ankara", "jerusalem", "gaza_blockade")]
    assert militarised("armenia_azerbaijan_2016") == {"karabakh_status", "contact_line_security"}
    assert militarised("china_japan_2012_2014") == {"islands", "east_china_sea"}
    assert militarised("india_pakistan_2019") == {"kashmir", "militancy"}
    assert militarised("turkiye_israel_2010_2016") == set()
    ukr = scenario("russia_ukraine_2013")
    assert ukr.issues["gas"].domain == "energy"
    assert ukr.incidents["gas_dispute"].domain == "energy"
    assert ukr.actors["kyiv"].transit_leverage > 0.5 > ukr.actors["moscow"].transit_leverage
    # the trigger's issue is contested from day 0
    assert scenario("india_pakistan_2019").issues["militancy"].activation == 1.0
    # Baku kept no measure in force on 25 Dec 2024, whatever the base scenario's day 0 holds
    assert scenario("azerbaijan_russia_2024_2026").actors["baku"].initial_measures == {}


@pytest.mark.slow
def test_the_library_spans_dyads_and_endings() -> None:
    loaded = [load_episode(p) for p in EPISODES]
    dyads = {frozenset(ep.scenario.actors) | {ep.episode.start_date.year} for ep in loaded}
    pairs = {frozenset(e.actor for e in ep.episode.events) for ep in loaded}
    assert len(dyads) >= 9 and len(pairs) >= 8
    chosen_force = [ep for ep in loaded if any(
        e.chosen == "leadership" and rung_of_cameo(e.cameo or "") >= LIMITED_FORCE
        for e in ep.episode.events)]
    assert len(chosen_force) >= 2  # India–Pakistan 2019, Armenia–Azerbaijan 2016
