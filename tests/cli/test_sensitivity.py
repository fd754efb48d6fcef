"""``escsim sensitivity``: index computation, default factors, JSON, tables, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalation_sim.analysis.sensitivity import (
    default_factors,
    parse_factor,
    run_sensitivity,
)
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
NATIONALISM = "actors.baku.nationalism"
IDLE = "levers.crisis_hotline.strength"  # the hotline is off in the base: its strength is idle


def test_a_factor_without_effect_gets_zero_indices_and_ranks_last():
    scenario = load_scenario(BASE, ["horizon_days=40"])
    factors = [*parse_factor(f"{IDLE}=0:1", scenario), *parse_factor(f"{NATIONALISM}=0:1",
                                                                      scenario)]
    result = run_sensitivity(scenario, factors, method="sobol", samples=8, runs=64, seed=3,
                             executor=LocalExecutor(1))
    assert result.sample.shape == (8 * (2 + 2), 2)
    for output in ("peak_rung_mean", "trade_loss_mean"):
        idx = result.indices[output]
        assert idx[IDLE]["ST"] == pytest.approx(0.0, abs=1e-12)
        assert idx[IDLE]["S1"] == pytest.approx(0.0, abs=1e-12)
        assert idx[NATIONALISM]["ST"] > 0.5
        assert result.ranking(output) == [NATIONALISM, IDLE]


def test_default_factors_cover_the_named_drivers_within_allowed_ranges():
    scenario = load_scenario(BASE)
    factors = {f.path: f for f in default_factors(scenario)}
    for path in ("issues.corridors.heat", "issues.karabakh.heat", "actors.baku.nationalism",
                 "actors.moscow.nationalism", "actors.baku.reciprocity",
                 "actors.moscow.rationality", "actors.baku.dependence"):
        assert path in factors
    # a scheduled event adds 0.2 to the corridors' heat on day 38; it is held at 1, so the
    # factor's range reaches the schema's bound
    assert factors["issues.corridors.heat"].high == pytest.approx(1.0)
    reciprocity = factors["actors.baku.reciprocity"]
    assert reciprocity.low < reciprocity.value < reciprocity.high


def test_wildcards_expand_to_every_actor():
    scenario = load_scenario(BASE)
    assert [f.path for f in parse_factor("actors.*.nationalism=0:1", scenario)] == [
        "actors.baku.nationalism", "actors.moscow.nationalism"]
    with pytest.raises(ScenarioError, match="LO < HI"):
        parse_factor("actors.baku.nationalism=1:0", scenario)


def test_morris_json_ranks_every_factor(run):
    result = run("sensitivity", BASE, "--method", "morris", "--samples", "4", "--runs", "32",
                 "--days", "30", "--param", "actors.*.nationalism=0:1", "--param",
                 "actors.baku.reciprocity=0.3:0.9", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["command"] == "sensitivity" and doc["method"] == "morris"
    assert doc["points"] == 4 * (3 + 1) and len(doc["factors"]) == 3
    peak = doc["outputs"]["peak_rung_mean"]
    assert sorted(peak["ranking"]) == sorted(f["path"] for f in doc["factors"])
    first = peak["indices"][peak["ranking"][0]]["mu_star"]
    assert first["ci_low"] <= first["value"] <= first["ci_high"]


def test_sobol_table_with_tornado_bars(run, tmp_path):
    target = tmp_path / "indices.csv"
    result = run("sensitivity", BASE, "--samples", "4", "--runs", "32", "--days", "30",
                 "--out", target, env={"NO_COLOR": "1", "COLUMNS": "140"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "sobol · 48 points × 32 runs" in text  # 10 default factors: 4 · (10 + 2) points
    assert "S1" in text and "ST" in text and "mean peak rung" in text and "█" in text
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header == "output,rank,factor,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high"


@pytest.mark.parametrize(("args", "message"), [
    (("--samples", "6"), "power of two"),
    (("--method", "fast"), "--method 'fast'"),
    (("--param", "actors.baku.nationalsm=0:1"), "did you mean 'nationalism'"),
    (("--param", "actors.baku.nationalism=0:2", "--param", "issues.karabakh.heat=0:1"),
     "between 0 and 1"),
    (("--param", "actors.baku.nationalism=0.5"), "PATH=LO:HI"),
    (("--param", "actors.baku.nationalism=0:1"), "at least two factors"),
])
def test_bad_input_exits_2_with_one_line(run, args, message):
    result = run("sensitivity", BASE, *args, "--runs", "8", "--days", "5")
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
