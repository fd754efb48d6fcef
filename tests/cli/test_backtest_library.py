"""``escsim backtest`` on several episodes or ``--all``: per-episode and pooled scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from escalation_sim.analysis.backtest import empirical_climatology, rps
from escalation_sim.cli.app import app
from escalation_sim.scenario import bundled
from escalation_sim.scenario.episode import load_episode

TWO = ["india_pakistan_2019", "russia_ukraine_2013"]
REPO = Path(__file__).resolve().parents[2]


def invoke(*args: str):
    return CliRunner().invoke(app, ["backtest", *args])


@pytest.fixture(scope="module")
def two() -> dict:
    result = invoke(*TWO, "--runs", "16", "--workers", "1", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_several_episodes_give_per_episode_and_pooled_scores(two):
    assert [e["episode"] for e in two["episodes"]] == TWO
    assert two["runs"] == 16
    pooled = two["pooled"]
    assert pooled["episodes"] == 2 and pooled["weighting"] == "actor-month"
    weights = np.array([e["actor_months"] for e in two["episodes"]], dtype=float)
    for ref in ("model", "climatology", "empirical", "persistence"):
        values = np.array([e["scores"][ref]["rps"] for e in two["episodes"]])
        assert pooled["scores"][ref]["rps"] == pytest.approx(weights @ values / weights.sum())
    for ref in ("climatology", "empirical", "persistence"):
        assert pooled["skill"][ref]["rps"] == pytest.approx(
            1 - pooled["scores"]["model"]["rps"] / pooled["scores"][ref]["rps"])
    model = pooled["scores"]["model"]
    rps_terms = np.mean([model[k] for k in ("rps", "rps_material", "rps_declaratory")])
    expected = (rps_terms + 0.05 * model["measures"] + 0.05 * model["spells"]
                + 0.25 * model["brier_force_episode"] + 0.25 * model["brier_meeting"])
    assert two["distance"] == pytest.approx(expected)
    assert two["pooled_by_episode"]["weighting"] == "episode"


def test_every_episode_is_scored_with_the_same_calibration(two):
    said = two["calibration"]
    assert said["calibrated"] == said["scenarios"] == 2  # none at its defaults, none left out
    assert said["joint"] is not None and "calibrated model" in said["text"]


@pytest.mark.slow
def test_the_empirical_reference_leaves_the_scored_episode_out(two):
    files = [p for p in bundled.episode_files() if p.suffix == ".yaml"]
    paths = {p.stem: load_episode(p).observed() for p in files}
    ip = paths.pop("india_pakistan_2019")
    expected = rps(empirical_climatology(list(paths.values())), ip.rung).mean()
    assert two["episodes"][0]["scores"]["empirical"]["rps"] == pytest.approx(expected)
    with_it = rps(empirical_climatology([*paths.values(), ip]), ip.rung).mean()
    assert with_it != pytest.approx(expected)  # the test can tell the two apart


@pytest.mark.slow
def test_the_library_table(two):
    result = invoke(*TWO, "--runs", "16", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    for word in ("RPS", "Brier force", "pooled", "india_pakistan_2019", "vs emp.", "cov 90"):
        assert word in result.stdout, word


def test_all_scores_every_bundled_episode(monkeypatch):
    files = [p for p in bundled.episode_files() if p.stem in TWO]  # two short ones, for speed
    monkeypatch.setattr(bundled, "episode_files", lambda: [*files, files[0].with_suffix(".csv")])
    result = invoke("--all", "india_pakistan_2019", "--runs", "4", "--workers", "1", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [e["episode"] for e in data["episodes"]] == TWO  # named twice, scored once
    assert data["pooled"]["episodes"] == 2


@pytest.mark.parametrize(("args", "words"), [
    ([], ["give an episode", "--all"]),
    ([*TWO, "--figures", "figs"], ["--figures", "single EPISODE"]),
    (["india_pakistan_2019", "no_such_episode"], ["no_such_episode", "bundled episode"]),
])
def test_bad_calls_exit_2_with_one_line(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args, "--runs", "4")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert not Path("figs").exists()


def test_a_malformed_episode_among_several_names_its_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (REPO / "episodes" / "russia_ukraine_2013.yaml").read_text("utf-8")
    scenario = REPO / "scenarios" / "episodes" / "russia_ukraine_2013.yaml"
    text = text.replace("../scenarios/episodes/russia_ukraine_2013.yaml", str(scenario))
    bad.write_text(text.replace("cameo: \"1312\"", "cameo: \"9999\"", 1), encoding="utf-8")
    result = invoke("india_pakistan_2019", str(bad), "--runs", "4")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith(f"error: {bad}") and "cameo" in line and "9999" in line
