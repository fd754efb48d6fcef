"""``escsim compare``: common random numbers, paired intervals, variants, JSON, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalation_sim.analysis.compare import (
    MEASURES,
    Variant,
    compare,
    difference,
    estimate,
    parse_variant,
)
from escalation_sim.analysis.defaults import COMPARE_RUNS
from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
LEVERS = REPO / "scenarios" / "all_levers.yaml"
HOT = ["actors.baku.reciprocity=1.0", "actors.moscow.reciprocity=0.9", "horizon_days=90"]
"""A hotter base, where force is common enough to measure with a few hundred runs."""


def base_vs_levers(sets: list[str], runs: int):
    variants = [Variant(name, load_scenario(path, sets))
                for name, path in (("base", BASE), ("all_levers", LEVERS))]
    return compare(variants, runs, 5, executor=LocalExecutor(1))


@pytest.fixture(scope="module")
def hot_comparison():
    return base_vs_levers(HOT, 600)


def test_levers_lower_p_force_with_an_interval_that_excludes_zero(hot_comparison):
    d = hot_comparison.differences["all_levers"]["p_force"]
    assert d.estimate < 0 and d.high < 0 and d.excludes(0.0)


def test_paired_intervals_are_narrower_than_unpaired_ones():
    points = [Point(load_scenario(path, ["horizon_days=120"]), 5) for path in (BASE, LEVERS)]
    base, levers = (r.runs for r in evaluate(points, 600, keep_runs=True))
    narrower = 0
    for measure in MEASURES:
        paired = difference(levers, base, measure)
        unpaired = difference(levers, base, measure, paired=False)
        assert paired.estimate == pytest.approx(unpaired.estimate)
        narrower += paired.half_width < unpaired.half_width
    assert narrower >= 10  # of 14; classes that a scenario never reaches gain nothing
    for measure in ("p_coercion_or_worse", "peak_rung_mean", "days_coercion_mean"):
        paired = difference(levers, base, measure).half_width
        assert paired < 0.9 * difference(levers, base, measure, paired=False).half_width, measure


def test_streamed_estimates_and_differences_equal_those_of_all_runs_at_once():
    """compare keeps counts and moments, not runs: the numbers are those of the full arrays."""
    variants = [Variant(name, load_scenario(path, ["horizon_days=60"]))
                for name, path in (("base", BASE), ("all_levers", LEVERS))]
    streamed = compare(variants, 2500, 5, executor=LocalExecutor(2))  # 2 chunks each
    base, levers = (r.runs for r in evaluate([Point(v.scenario, 5) for v in variants], 2500,
                                             keep_runs=True))
    for measure in MEASURES:
        for label, runs in (("base", base), ("all_levers", levers)):
            got, want = streamed.estimates[label][measure], estimate(runs, measure)
            assert got.n == want.n == 2500
            assert got.estimate == pytest.approx(want.estimate, rel=1e-12, abs=1e-12), measure
            assert got.high == pytest.approx(want.high, rel=1e-9, abs=1e-12), measure
        got, want = streamed.differences["all_levers"][measure], difference(levers, base, measure)
        assert got.estimate == pytest.approx(want.estimate, rel=1e-12, abs=1e-12), measure
        assert (got.low, got.high) == pytest.approx((want.low, want.high), rel=1e-9, abs=1e-12)


@pytest.mark.slow
def test_all_levers_lower_p_force_in_the_bundled_base_at_the_default_run_count(run):
    result = run("compare", BASE, LEVERS, "--json", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["runs"] == COMPARE_RUNS
    d = doc["differences"]["all_levers"]["metrics"]["p_force"]
    assert d["value"] < 0 and d["ci_high"] < 0 and d["excludes_zero"]


def test_json_holds_each_summary_and_the_paired_differences(run):
    result = run("compare", BASE, LEVERS, "--runs", "300", "--days", "60", "--json",
                 "--seed", "3")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["command"] == "compare" and doc["baseline"] == "base"
    assert list(doc["scenarios"]) == ["base", "all_levers"]
    for summary in doc["scenarios"].values():
        assert (summary["runs"], summary["days"], summary["seed"]) == (300, 60, 3)
        assert set(summary["outcomes"]) == set(doc["differences"]["all_levers"]["outcomes"])
    diffs = doc["differences"]["all_levers"]
    assert diffs["vs"] == "base"
    for entry in [*diffs["outcomes"].values(), *diffs["metrics"].values()]:
        assert entry["ci_low"] <= entry["value"] <= entry["ci_high"]
        assert entry["excludes_zero"] == (entry["ci_low"] > 0 or entry["ci_high"] < 0) or \
            entry["ci_low"] == 0 or entry["ci_high"] == 0  # rounding may touch zero
    base_p = doc["estimates"]["base"]["p_coercion_or_worse"]["value"]
    levers_p = doc["estimates"]["all_levers"]["p_coercion_or_worse"]["value"]
    assert diffs["metrics"]["p_coercion_or_worse"]["value"] == pytest.approx(levers_p - base_p,
                                                                            abs=0.0101)


def test_one_file_with_set_is_compared_with_itself(run):
    result = run("compare", BASE, "--set", "levers.crisis_hotline.enabled=true", "--runs", "200",
                 "--days", "40", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc["scenarios"]) == ["base", "variant"]
    assert doc["scenarios"]["base"]["scenario"]["overrides"] == []
    assert doc["scenarios"]["variant"]["scenario"]["overrides"] == [
        "levers.crisis_hotline.enabled=true"]
    assert doc["scenarios"]["variant"]["levers"] and not doc["scenarios"]["base"]["levers"]


def test_named_variants_and_the_table(run):
    result = run("compare", BASE, "--variant", "calm: issues.corridors.heat=0.1, "
                 "issues.karabakh.heat=0.1", "--variant", "issues.karabakh.heat=0.9",
                 "--runs", "200", "--days", "40", env={"NO_COLOR": "1", "COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "Δ calm [95% CI]" in result.stdout and "Δ variant [95% CI]" in result.stdout
    assert "P(force)" in result.stdout and "paired run by run" in result.stdout


def test_parse_variant():
    assert parse_variant("hot: issues.corridors.heat=0.8, actors.baku.nationalism=1") == (
        "hot", ["issues.corridors.heat=0.8", "actors.baku.nationalism=1"])
    assert parse_variant("events[0].label=a, b") == (None, ["events[0].label=a, b"])
    with pytest.raises(ScenarioError, match="NAME: PATH=VALUE"):
        parse_variant("just a name:")


@pytest.mark.parametrize(("args", "message"), [
    ((BASE,), "two or more scenarios"),
    ((BASE, "--set", "actors.baku.nationalsm=1"), "did you mean 'nationalism'"),
    ((BASE, LEVERS, "--executor", "spark"), "--executor"),
    ((BASE, "--variant", "x: actors.baku.nationalism=7"), "between 0 and 1"),
])
def test_bad_input_exits_2_with_one_line(run, args, message):
    result = run("compare", *args, "--runs", "10")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_different_horizons_need_days(run, tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text("extends: base.yaml\nname: short\nhorizon_days: 30\n", encoding="utf-8")
    result = run("compare", BASE, short, "--runs", "10")
    assert result.exit_code == 2 and "--days" in result.stderr
    assert run("compare", BASE, short, "--runs", "10", "--days", "20", "--json").exit_code == 0


def test_out_writes_the_table_as_csv(run, tmp_path):
    target = tmp_path / "cmp.csv"
    result = run("compare", BASE, LEVERS, "--runs", "100", "--days", "30", "--out", target,
                 "--quiet")
    assert result.exit_code == 0, result.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("measure,base,base_ci_low,base_ci_high,all_levers,")
    assert "diff_all_levers_ci_high" in lines[0] and len(lines) == 1 + len(MEASURES)
    assert result.stdout == "" and not list(tmp_path.glob(".cmp.csv.tmp-*"))
