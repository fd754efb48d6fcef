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

EPISODES = sorted(p for p in bundled.episode_files() if p.suffix == ".yaml")


def acts(ep: LoadedEpisode) -> list[tuple[str, ...]]:
    """The acts of a loaded episode as the CSV writes them."""
    return [(e.date.isoformat(), e.actor, e.target, e.cameo or "", e.source, e.kind or "",
             e.chosen or "", "" if e.ends is None else str(e.ends)) for e in ep.episode.events]


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


def test_the_library_spans_dyads_and_endings() -> None:
    loaded = [load_episode(p) for p in EPISODES]
    dyads = {frozenset(ep.scenario.actors) | {ep.episode.start_date.year} for ep in loaded}
    pairs = {frozenset(e.actor for e in ep.episode.events) for ep in loaded}
    assert len(dyads) >= 9 and len(pairs) >= 8
    chosen_force = [ep for ep in loaded if any(
        e.chosen == "leadership" and rung_of_cameo(e.cameo or "") >= LIMITED_FORCE
        for e in ep.episode.events)]
    assert len(chosen_force) >= 2  # India–Pakistan 2019, Armenia–Azerbaijan 2016
