"""The JSON summary: its keys, its arithmetic, and that only ``timing`` depends on the clock."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from escalation_sim.analysis.summary import (
    FIXED_NOTE,
    QUANTILES,
    SCHEMA_VERSION,
    UNCERTAIN_NOTE,
    _pct,
    _spread_text,
    check_actor_ids,
    scenario_digest,
    summarize,
    timeline_days,
    timing_of,
    uncertainty,
)
from escalation_sim.engine.aggregate import Moments
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.bundled import file_sha256
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"

TOP_KEYS = ["schema_version", "escsim_version", "numpy_version", "scenario", "runs", "days",
            "seed", "start_date", "outcomes", "ends", "worst", "metrics", "actors", "impacts",
            "incidents", "incident_force", "incident_external", "levers", "held_at_bound",
            "uncertainty", "timeline"]


@pytest.fixture(scope="module")
def summary(small_result):
    return summarize(small_result, str(BASE), file_sha256(BASE), overrides=["runs=300"],
                     workers=1)


def test_top_level_keys_and_header(summary, small_result):
    assert list(summary) == TOP_KEYS
    assert summary["schema_version"] == SCHEMA_VERSION == 2
    assert (summary["runs"], summary["days"], summary["seed"]) == (300, 60, 20250701)
    assert summary["start_date"] == "2025-07-01"
    sc = summary["scenario"]
    assert sc["path"] == str(BASE) and len(sc["sha256"]) == 64
    assert sc["resolved_sha256"] == scenario_digest(small_result.point.scenario)
    assert sc["overrides"] == ["runs=300"]


def test_json_has_no_nan_and_round_trips(summary):
    text = json.dumps(summary, allow_nan=False)
    assert json.loads(text) == summary


def test_outcomes_are_the_counts_with_wilson_intervals(summary, small_result):
    agg = small_result.aggregate
    assert list(summary["outcomes"]) == list(OUTCOMES)
    total = 0.0
    for name, k in zip(OUTCOMES, agg.outcomes, strict=True):
        entry = summary["outcomes"][name]
        assert set(entry) == {"p", "ci_low", "ci_high"}
        assert entry["ci_low"] <= entry["p"] <= entry["ci_high"]
        assert entry["p"] == pytest.approx(k / agg.runs, abs=0.01)
        total += entry["p"]
    assert total == pytest.approx(1.0, abs=0.02)


def test_every_metric_interval_contains_its_value(summary):
    for key, entry in summary["metrics"].items():
        assert set(entry) == {"value", "ci_low", "ci_high", "n"}, key
        if entry["ci_low"] is not None:
            assert entry["ci_low"] <= entry["value"] <= entry["ci_high"], key


def test_metrics_agree_with_the_per_run_arrays(summary, small_result):
    runs, m = small_result.runs, summary["metrics"]
    assert m["p_force"]["value"] == pytest.approx(np.mean(runs["peak_rung"] >= 8), abs=0.01)
    assert m["p_military_signalling"]["value"] == pytest.approx(
        np.mean(runs["peak_rung"] >= 7), abs=0.01)
    assert m["peak_rung_mean"]["value"] == pytest.approx(runs["peak_rung"].mean(), abs=0.05)
    assert m["trade_loss_mean"]["value"] == pytest.approx(runs["trade_loss"].mean(), abs=0.005)
    forced = runs["first_force_day"] >= 0
    assert m["first_force_day_mean"]["n"] == int(forced.sum())
    assert m["p_mediation"]["value"] == pytest.approx(
        np.mean(runs["mediation_days"] > 0), abs=0.01)


def test_impacts_repeat_metrics_by_domain(summary):
    impacts = summary["impacts"]
    assert list(impacts) == ["military", "economic", "diplomatic"]
    assert impacts["military"]["p_force"] == summary["metrics"]["p_force"]
    assert "trade_loss_mean" in impacts["economic"]
    assert "days_reduced_relations_mean" in impacts["diplomatic"]


def test_actors(summary, small_result):
    agg, runs = small_result.aggregate, small_result.runs
    assert list(summary["actors"]) == ["baku", "moscow"]
    baku = summary["actors"]["baku"]
    assert baku["name"] == "Azerbaijan (Baku)"
    assert baku["peak_rung_mean"] == pytest.approx(runs["actor_peak"][:, 0].mean(), abs=0.05)
    assert baku["peak_distribution"] == pytest.approx(
        (agg.peak_counts[0] / agg.runs).tolist(), abs=1e-3)
    assert sum(baku["peak_distribution"]) == pytest.approx(1.0, abs=5e-3)
    for key in ("goldstein_mean", "escalation_score_mean", "days_coercion_mean",
                "final_nationalism_mean", "final_rung_mean", "p_force"):
        assert isinstance(baku[key], float), key


def test_incidents_and_levers(summary, small_result):
    scenario = small_result.point.scenario
    assert list(summary["incidents"]) == list(scenario.incidents)
    for entry in summary["incidents"].values():
        assert entry["label"] and 0.0 <= entry["p_any"] <= 1.0 and entry["mean_count"] >= 0
    assert summary["levers"] == {}  # no lever in the base scenario


def test_levers_list_only_enabled_ones(small_result):
    scenario = load_scenario(BASE, ["levers.crisis_hotline.enabled=true",
                                    "levers.multilateral_forum.enabled=true",
                                    "levers.multilateral_forum.start_day=30"])
    result = dataclasses.replace(small_result, point=dataclasses.replace(
        small_result.point, scenario=scenario))
    levers = summarize(result)["levers"]
    assert levers == {"crisis_hotline": {"strength": 1.0, "start_day": 0, "ramp_days": 14.0},
                      "multilateral_forum": {"strength": 1.0, "start_day": 30,
                                             "ramp_days": 0.0, "period_days": 30}}


def test_timeline_is_weekly_with_quantile_bands(summary, small_result):
    tl = summary["timeline"]
    assert tl["day"] == [0, 7, 14, 21, 28, 35, 42, 49, 56, 59]
    assert tl["date"][:2] == ["2025-07-01", "2025-07-08"] and tl["date"][-1] == "2025-08-29"
    keys = [f"p{q:02d}" for q in QUANTILES]
    for series in ("baku", "moscow", "trade", "energy"):
        assert list(tl[series]) == keys
        for a, b in zip(keys, keys[1:], strict=False):  # quantiles never cross
            assert all(x <= y for x, y in zip(tl[series][a], tl[series][b], strict=True))
        assert all(len(v) == len(tl["day"]) for v in tl[series].values())
    assert all(0.0 < x <= 1.0 for x in tl["trade"]["p50"])


def test_timeline_median_on_the_last_day_is_the_median_final_rung(summary, small_result):
    finals = small_result.runs["actor_final"]
    for a, actor in enumerate(("baku", "moscow")):
        for q in (10, 50, 90):
            expected = np.quantile(finals[:, a], q / 100, method="inverted_cdf")
            assert summary["timeline"][actor][f"p{q}"][-1] == expected


def test_nothing_depends_on_the_clock_unless_timing_is_asked_for(small_result):
    slower = dataclasses.replace(small_result, elapsed=small_result.elapsed * 3 + 1)
    a = summarize(small_result, "x.yaml", "abc", workers=1)
    b = summarize(slower, "x.yaml", "abc", workers=4)
    assert json.dumps(a) == json.dumps(b)
    timed = summarize(slower, "x.yaml", "abc", workers=4, timing=True)
    assert timed["timing"] == timing_of(slower, 4) and timed["timing"]["workers"] == 4
    timed.pop("timing")
    assert json.dumps(timed) == json.dumps(a)


def test_timeline_days():
    assert timeline_days(365)[-2:] == [357, 364] and len(timeline_days(365)) == 53
    assert timeline_days(1) == [0]
    assert timeline_days(8) == [0, 7]
    assert timeline_days(9) == [0, 7, 8]


def test_reserved_actor_ids_are_refused():
    scenario = load_scenario(BASE)
    actors = {("trade" if k == "moscow" else k): v for k, v in scenario.actors.items()}
    clash = scenario.model_construct(**{**dict(scenario), "actors": actors})
    with pytest.raises(ValueError, match="'trade' is reserved"):
        check_actor_ids(clash)


def test_resolved_digest_changes_with_overrides():
    plain, changed = load_scenario(BASE), load_scenario(BASE, ["actors.baku.nationalism=0.2"])
    assert scenario_digest(plain) == scenario_digest(load_scenario(BASE))
    assert scenario_digest(plain) != scenario_digest(changed)


def test_undefined_means_are_null_not_nan(small_result):
    agg = copy.deepcopy(small_result.aggregate)
    agg.moments["first_force_day"] = Moments()  # force in no run
    one = Moments()
    one.add(np.array([12]))
    agg.moments["first_legal_day"] = one  # legal coercion in one run only
    summary = summarize(dataclasses.replace(small_result, aggregate=agg))
    metrics = json.loads(json.dumps(summary, allow_nan=False))["metrics"]
    assert metrics["first_force_day_mean"] == {"value": None, "ci_low": None, "ci_high": None,
                                               "n": 0}
    assert metrics["first_legal_day_mean"] == {"value": 12.0, "ci_low": None, "ci_high": None,
                                               "n": 1}


def test_a_point_valued_scenario_says_its_intervals_are_chance_alone(summary):
    section = dict(summary["uncertainty"])
    # a scenario that draws from no calibration quotes no out-of-sample record
    assert section == {"parameters": {}, "intervals_include": ["chance"], "note": FIXED_NOTE,
                       "out_of_sample": None}


def test_a_calibrated_scenario_says_what_its_calibration_scored(small_result):
    from escalation_sim.engine.aggregate import ParticleTally
    from escalation_sim.scenario.priors import Distribution

    scenario = small_result.point.scenario.model_copy(deep=True)
    sets = {"joint": "c.yaml:test", "weights": (1.0, 1.0, 2.0)}
    scenario._priors = {
        "model.c_measure": Distribution("particles", (1.0, 2.0, 3.0), **sets),
        "model.w_demand": Distribution("particles", (3.0, 2.0, 1.0), **sets)}
    agg = small_result.aggregate
    tally = ParticleTally(lambda first, n: np.arange(first, first + n) % 3, 3)
    tally.add(0, small_result.runs)
    agg = type(agg)(**{**agg.__dict__, "sets": tally})
    section = uncertainty(scenario, agg)
    calibration = section["calibration"]
    assert calibration["parameter_sets"] == 3
    assert calibration["parameters"] == ["model.c_measure", "model.w_demand"]
    assert calibration["out_of_sample_line"] is None  # no table made for this calibration
    assert section["out_of_sample"] is None
    assert calibration["p_force"]["value"] == pytest.approx(
        float(np.mean(small_result.runs["peak_rung"] >= 8)), abs=1e-3)
    assert calibration["headline"]["outcome"] in OUTCOMES
    said = " ".join(calibration["sentences"])
    assert "each run drew one of 3 weighted parameter sets" in said
    assert "not known here" in said and "P(force)" in said


def test_uncertain_parameters_are_listed_with_what_intervals_include(small_result):
    from escalation_sim.scenario.priors import Distribution

    scenario = small_result.point.scenario.model_copy(deep=True)
    scenario._priors = {"model.c_mil": Distribution("uniform", (4.0, 12.0), 0.0, 100.0)}
    section = uncertainty(scenario)
    assert section["parameters"] == {"model.c_mil": {
        "distribution": "uniform", "args": [4.0, 12.0], "median": 8.0,
        "text": "uniform [4, 12]", "words": "uniform, from 4 to 12, median 8.0"}}
    assert section["intervals_include"] == ["chance", "parameters"]
    assert section["note"] == UNCERTAIN_NOTE


# -- the calibrated sets' spread in words ------------------------------------------------
def test_shares_are_written_with_at_most_one_decimal_and_tiny_ones_as_such() -> None:
    assert _pct(0.038) == "3.8%"
    assert _pct(0.12) == "12%"
    assert _pct(0.0) == "0.0%"
    assert _pct(2.2e-308) == "< 0.1%"
    assert _pct(0.0004) == "< 0.1%"


def test_a_spread_below_the_digits_shown_is_said_in_words() -> None:
    text = _spread_text("P(force)", {"value": 0.0005, "p05": 2.2e-308, "p95": 3.5e-7}, 10.5)
    assert "below 0.1%" in text and "e-" not in text
    text = _spread_text("P(force)", {"value": 0.038, "p05": 0.0011, "p95": 0.12}, 10.5)
    assert "0.1%–12%" in text
