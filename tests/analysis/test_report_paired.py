"""Paired differences for the report: zero against itself, signed the right way, CRN-tight."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from escalation_sim.analysis.compare import paired_differences
from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"


def test_a_scenario_against_itself_differs_by_zero(small_result):
    diff = paired_differences(small_result.runs, small_result.runs)
    for entry in (*diff["outcomes"].values(), *diff["metrics"].values()):
        assert entry["value"] == 0.0 and entry["ci_low"] <= 0.0 <= entry["ci_high"]
        assert not entry["excludes_zero"]


def test_differences_are_variant_minus_reference_run_by_run():
    runs = 400
    a = {"outcome": np.zeros(runs, np.int8), "peak_rung": np.full(runs, 5),
         "final_rung": np.full(runs, 2),
         "days_coercion": np.full(runs, 10), "days_reduced_relations": np.full(runs, 10),
         "days_military": np.zeros(runs), "trade_loss": np.zeros(runs),
         "energy_loss": np.zeros(runs)}
    b = {**a, "peak_rung": np.where(np.arange(runs) % 4 == 0, 8, 5),
         "outcome": np.where(np.arange(runs) % 4 == 0, 3, 0).astype(np.int8),
         "days_coercion": np.full(runs, 25)}
    diff = paired_differences(a, b)
    assert diff["outcomes"]["armed_clashes"]["value"] == 0.25
    assert diff["outcomes"]["normalization"]["value"] == -0.25
    assert diff["metrics"]["p_force"]["value"] == 0.25
    assert diff["metrics"]["days_coercion_mean"]["value"] == 15
    assert diff["metrics"]["peak_rung_mean"]["value"] == 0.75
    # how bad it got moves from a coercive standoff to armed clashes; how it ends does not
    assert diff["worst"]["armed_clashes"]["value"] == 0.25
    assert diff["worst"]["coercive_standoff"]["value"] == -0.25
    assert diff["ends"]["calm"]["value"] == 0.0 and diff["ends"]["calm"]["differing_runs"] == 0


def test_common_random_numbers_make_the_interval_narrower_than_unpaired():
    scenario = load_scenario(BASE, ["runs=400", "horizon_days=60"])
    hotline = load_scenario(BASE, ["runs=400", "horizon_days=60",
                                   "levers.crisis_hotline.enabled=true"])
    a, b = (r.runs for r in evaluate([Point(scenario, 1), Point(hotline, 1)], 400,
                                     keep_runs=True))
    paired = paired_differences(a, b)["metrics"]["days_coercion_mean"]
    sd = np.hypot(a["days_coercion"].std(ddof=1), b["days_coercion"].std(ddof=1))
    unpaired_half = 1.96 * sd / np.sqrt(400)
    assert (paired["ci_high"] - paired["ci_low"]) / 2 < 0.8 * unpaired_half
