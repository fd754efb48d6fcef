"""Backtest scores on small cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.backtest import (
    Simulated,
    _resampled_scores,
    backtest_scores,
    band,
    bootstrap_blocks,
    bootstrap_weights,
    brier,
    covered,
    forecasts,
    rps,
    rung_probs,
    scores,
    skill,
)
from escalation_sim.scenario.episode import Observed


def probs(**rungs: float) -> np.ndarray:
    p = np.zeros(10)
    for key, value in rungs.items():
        p[int(key[1:])] = value
    return p


def test_rps_of_a_sure_forecast_is_the_distance_in_rungs_over_nine():
    assert rps(probs(r3=1.0), 3) == 0.0
    assert rps(probs(r3=1.0), 5) == pytest.approx(2 / 9)
    assert rps(probs(r0=1.0), 9) == pytest.approx(1.0)


def test_rps_of_a_split_forecast_by_hand():
    # F = (0, 0, .5, 1, ...) against O = (0, 0, 0, 1, ...): only the k=2 threshold differs, by .5
    assert rps(probs(r2=0.5, r3=0.5), 3) == pytest.approx(0.25 / 9)
    # against an observed 5: k=2 -> .25, k=3 -> 1, k=4 -> 1
    assert rps(probs(r2=0.5, r3=0.5), 5) == pytest.approx(2.25 / 9)


def test_rps_prefers_the_closer_miss():
    assert rps(probs(r4=1.0), 5) < rps(probs(r2=1.0), 5)


def test_brier_by_hand():
    np.testing.assert_allclose(brier(np.array([0.0, 0.2, 0.7]), np.array([0, 1, 1])),
                               [0.0, 0.64, 0.09])


def test_rung_probs_counts_and_resamples():
    samples = np.array([[3], [3], [5], [2]])  # 4 runs, one cell
    np.testing.assert_allclose(rung_probs(samples)[0], probs(r2=0.25, r3=0.5, r5=0.25))
    w = np.array([[0.0, 0.0, 1.0, 0.0], [0.5, 0.5, 0.0, 0.0]])  # run 2 only; runs 0-1
    resampled = rung_probs(samples, w)
    assert resampled.shape == (2, 1, 10)
    np.testing.assert_allclose(resampled[0, 0], probs(r5=1.0))
    np.testing.assert_allclose(resampled[1, 0], probs(r3=1.0))


def test_bands_and_coverage_by_hand():
    p = probs(r2=0.1, r3=0.2, r4=0.4, r5=0.2, r6=0.1)  # CDF .1 .3 .7 .9 1.0
    assert band(p, 0.5) == (3, 5)  # 25% quantile 3, 75% quantile 5
    assert band(p, 0.9) == (2, 6)  # 5% quantile 2, 95% quantile 6
    assert [bool(covered(p, np.array(x), 0.5)) for x in (2, 3, 5, 6)] == \
        [False, True, True, False]


def test_skill_scores():
    assert skill(0.1, 0.2) == pytest.approx(0.5)
    assert skill(0.3, 0.2) == pytest.approx(-0.5)
    assert np.isnan(skill(0.1, 0.0))  # a perfect reference leaves skill undefined


def toy() -> tuple[Simulated, Observed]:
    # 4 runs, 1 actor, 2 months; run 3 uses force in month 1; runs 0-1 reach engagement in month 1
    month_max = np.array([[[3, 2]], [[3, 2]], [[4, 5]], [[4, 8]]])
    month_min_top = np.array([[3, 1], [2, 1], [4, 5], [4, 8]])
    observed = Observed(month_max=np.array([[3, 2]]), force_by=np.array([False, False]),
                        engaged_by=np.array([False, True]), start=np.array([2]),
                        labels=["2025-01", "2025-02"])
    return Simulated(month_max, month_min_top), observed


def test_event_forecasts_and_climatology_by_hand():
    sim, _ = toy()
    fc = forecasts(sim)
    np.testing.assert_allclose(fc["force"], [0.0, 0.25])
    np.testing.assert_allclose(fc["engaged"], [0.0, 0.5])
    np.testing.assert_allclose(fc["clim_force"], [0.125, 0.125])
    # climatology of rungs: months pooled, 8 actor-months: 3,3,4,4 | 2,2,5,8
    np.testing.assert_allclose(fc["clim_rung"][0, 1], probs(r2=.25, r3=.25, r4=.25, r5=.125,
                                                            r8=.125))


def test_scores_against_references_by_hand():
    sim, obs = toy()
    s = scores(forecasts(sim), obs)
    # model Brier, force: months (0-0)^2, (.25-0)^2 -> mean .03125; persistence (start 2) is 0
    assert s["model"]["brier_force"] == pytest.approx(0.03125)
    assert s["persistence"]["brier_force"] == 0.0
    # engaged: model (0, .5) vs observed (0, 1) -> (0 + .25)/2; persistence says never -> 0.5
    assert s["model"]["brier_engaged"] == pytest.approx(0.125)
    assert s["persistence"]["brier_engaged"] == pytest.approx(0.5)
    # persistence RPS: |2-3|/9 in month 0, 0 in month 1
    assert s["persistence"]["rps"] == pytest.approx(1 / 18)
    # model RPS month 0: F=(.5 at 3, 1 at 4) vs O=3 -> thresholds k=3: (.5-1)^2 = .25
    # month 1: probs r2 .5, r5 .25, r8 .25 vs O=2 -> k=2..4: 3*(.5-1)^2, k=5..7: 3*(.75-1)^2
    month1 = (3 * 0.25 + 3 * 0.0625) / 9
    assert s["model"]["rps"] == pytest.approx((0.25 / 9 + month1) / 2)
    assert s["model"]["rps_0"] == s["model"]["rps"]


def test_backtest_scores_shapes_and_intervals():
    sim, obs = toy()
    out = backtest_scores(sim, obs, boot=64, seed=1)
    boot = out["bootstrap"]
    assert boot["rps/climatology"].shape == (64,)
    assert boot["brier_engaged/persistence"].shape == (64,)
    row = out["brier_engaged"]
    assert row["skill_persistence"] == pytest.approx(1 - 0.125 / 0.5)
    lo, hi = row["skill_persistence_ci"]
    assert lo <= row["skill_persistence"] <= hi
    assert np.isnan(out["brier_force"]["skill_persistence"])  # persistence is perfect
    assert "skill_climatology" not in out["cover_50"]  # coverage has no skill score


def test_bootstrap_weights_resample_whole_runs():
    w = bootstrap_weights(5, 3, seed=0)
    assert w.shape == (3, 5)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    np.testing.assert_allclose((w * 5) % 1, 0.0)  # counts of runs drawn
    np.testing.assert_array_equal(w, bootstrap_weights(5, 3, seed=0))


def test_resamples_weighed_a_block_at_a_time_give_the_scores_of_all_at_once():
    """The bootstrap holds a block of weights per run, never all ``boot`` rows: same numbers."""
    rng = np.random.default_rng(1)
    month_max = rng.integers(0, 10, size=(300, 2, 5)).astype(np.uint8)
    sim = Simulated(month_max, month_max.min(axis=1))
    _, observed = toy()
    observed = Observed(month_max=np.array([[3, 2, 4, 4, 5], [2, 2, 3, 9, 1]]),
                        force_by=np.array([False] * 4 + [True]),
                        engaged_by=np.array([False, True, True, True, True]),
                        start=np.array([2, 2]), labels=[str(m) for m in range(5)])
    blocks = list(bootstrap_blocks(300, 20, seed=4, block=8))
    assert [b.shape[0] for b in blocks] == [8, 8, 4]
    np.testing.assert_array_equal(np.concatenate(blocks), bootstrap_weights(300, 20, seed=4))
    whole = scores(forecasts(sim, bootstrap_weights(300, 20, seed=4)), observed)
    parts = _resampled_scores(sim, observed, 20, 4)
    for name in whole:
        for key in whole[name]:
            np.testing.assert_allclose(parts[name][key], whole[name][key], rtol=1e-12)
