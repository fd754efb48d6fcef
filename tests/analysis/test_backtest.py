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
    distance,
    empirical_climatology,
    empirical_events,
    episode_scores,
    forecasts,
    pooled_scores,
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
    month_max = np.array([[[3, 1]], [[3, 1]], [[4, 5]], [[4, 8]]])
    observed = Observed(rung=np.array([[3, 1]]), start=np.array([2]),
                        labels=["2025-01", "2025-02"])
    return Simulated(month_max), observed


def test_observed_events_are_read_from_the_rungs():
    obs = Observed(rung=np.array([[2, 1, 8, 1], [3, 1, 2, 1]]), start=np.array([2, 2]),
                   labels=list("abcd"))
    np.testing.assert_array_equal(obs.force_by, [False, False, True, True])
    np.testing.assert_array_equal(obs.engaged_by, [False, True, True, True])  # both <= 1 in b


def test_event_forecasts_and_climatology_by_hand():
    sim, _ = toy()
    fc = forecasts(sim)
    np.testing.assert_allclose(fc["force"], [0.0, 0.25])
    np.testing.assert_allclose(fc["engaged"], [0.0, 0.5])
    np.testing.assert_allclose(fc["clim_force"], [0.125, 0.125])
    # climatology of rungs: months pooled, 8 actor-months: 3,3,4,4 | 1,1,5,8
    np.testing.assert_allclose(fc["clim_rung"][0, 1], probs(r1=.25, r3=.25, r4=.25, r5=.125,
                                                            r8=.125))


MONTH0 = 0.25 / 9  # probs r3 .5, r4 .5 vs O=3: only the k=3 threshold differs, by .5
MONTH1 = (4 * 0.25 + 3 * 0.0625) / 9  # r1 .5, r5 .25, r8 .25 vs O=1: k=1..4 by .5, k=5..7 by .25


def test_scores_against_references_by_hand():
    sim, obs = toy()
    s = scores(forecasts(sim), obs)
    # model Brier, force: months (0-0)^2, (.25-0)^2 -> mean .03125; persistence (start 2) is 0
    assert s["model"]["brier_force"] == pytest.approx(0.03125)
    assert s["persistence"]["brier_force"] == 0.0
    # engaged: model (0, .5) vs observed (0, 1) -> (0 + .25)/2; persistence says never -> 0.5
    assert s["model"]["brier_engaged"] == pytest.approx(0.125)
    assert s["persistence"]["brier_engaged"] == pytest.approx(0.5)
    # persistence RPS: |2-3|/9 in month 0, |2-1|/9 in month 1
    assert s["persistence"]["rps"] == pytest.approx(1 / 9)
    assert s["model"]["rps"] == pytest.approx((MONTH0 + MONTH1) / 2)
    assert s["model"]["rps_0"] == s["model"]["rps"]
    assert "empirical" not in s


def test_empirical_climatology_by_hand():
    a = Observed(rung=np.array([[2, 3], [2, 2]]), start=np.array([2, 2]), labels=["x", "y"])
    b = Observed(rung=np.array([[8], [5]]), start=np.array([2, 2]), labels=["z"])
    # 6 actor-months: rung 2 three times, 3 once, 5 once, 8 once
    np.testing.assert_allclose(empirical_climatology([a, b]),
                               probs(r2=3 / 6, r3=1 / 6, r5=1 / 6, r8=1 / 6))
    np.testing.assert_allclose(empirical_climatology([a]), probs(r2=0.75, r3=0.25))
    # 3 months: force by then in b's one month; engagement in none
    np.testing.assert_allclose(empirical_events([a, b]), [1 / 3, 0.0])
    with pytest.raises(ValueError):
        empirical_climatology([])


def test_episode_scores_with_an_empirical_reference_by_hand():
    sim, obs = toy()
    emp = probs(r1=0.5, r3=0.5)
    out = episode_scores(sim, obs, emp, np.array([0.2, 0.4]))
    assert out["actor_months"] == 2 and out["months"] == 2
    e = out["scores"]["empirical"]
    # vs O=3: F=.5 at k=1,2 against O=0 -> 2*.25; vs O=1: F=.5 at k=1,2 against 1 -> 2*.25
    assert e["rps"] == pytest.approx(0.5 / 9)
    # force .2 vs (0, 0) -> .04; engaged .4 vs (0, 1) -> (.16 + .36) / 2
    assert e["brier_force"] == pytest.approx(0.04)
    assert e["brier_engaged"] == pytest.approx(0.26)
    # its 50% band: 25% quantile rung 1, 75% quantile rung 3 -> both observed rungs covered
    assert e["cover_50"] == 1.0
    assert out["skill"]["empirical"]["rps"] == pytest.approx(1 - (MONTH0 + MONTH1) / 2 / (0.5 / 9))
    assert out["skill"]["persistence"]["brier_engaged"] == pytest.approx(1 - 0.125 / 0.5)
    assert "cover_90" not in out["skill"]["climatology"]
    # without event rates the empirical Brier scores are undefined, the rest stands
    alone = episode_scores(sim, obs, emp)["scores"]["empirical"]
    assert np.isnan(alone["brier_force"]) and alone["rps"] == pytest.approx(0.5 / 9)


def fake(months: int, model: float, ref: float, cover: float, actors: int = 2) -> dict:
    row = {"rps": model, "brier_force": model, "brier_engaged": model, "cover_50": cover,
           "cover_90": cover}
    return {"actor_months": actors * months, "months": months,
            "scores": {"model": row, "persistence": {**row, "rps": ref, "brier_force": ref,
                                                    "brier_engaged": 0.0}}}


def test_pooled_scores_weigh_actor_months_and_skill_the_pooled_scores():
    short, long = fake(2, 0.1, 0.2, 1.0), fake(6, 0.3, 0.2, 0.5)
    pooled = pooled_scores([short, long])
    assert pooled["actor_months"] == 16 and pooled["months"] == 8 and pooled["episodes"] == 2
    m = pooled["scores"]["model"]
    assert m["rps"] == pytest.approx((4 * 0.1 + 12 * 0.3) / 16)  # 0.25
    assert m["brier_force"] == pytest.approx((2 * 0.1 + 6 * 0.3) / 8)
    assert m["cover_90"] == pytest.approx((4 * 1.0 + 12 * 0.5) / 16)
    # skill of the pooled scores: 1 - .25 / .2 = -.25; the mean of the skills would be 0
    assert pooled["skill"]["persistence"]["rps"] == pytest.approx(-0.25)
    assert np.isnan(pooled["skill"]["persistence"]["brier_engaged"])  # a perfect reference
    by_episode = pooled_scores([short, long], weighting="episode")
    assert by_episode["scores"]["model"]["rps"] == pytest.approx(0.2)
    assert by_episode["skill"]["persistence"]["rps"] == pytest.approx(0.0)
    with pytest.raises(ValueError):
        pooled_scores([])


def test_pooled_scores_keep_only_references_every_episode_has():
    sim, obs = toy()
    with_emp = episode_scores(sim, obs, probs(r3=1.0), np.array([0.0, 0.0]))
    without = episode_scores(sim, obs)
    assert "empirical" in pooled_scores([with_emp, with_emp])["scores"]
    assert set(pooled_scores([with_emp, without])["scores"]) == \
        {"model", "climatology", "persistence"}


def test_distance_by_hand():
    pooled = pooled_scores([fake(2, 0.1, 0.2, 0.5)])
    assert distance(pooled) == pytest.approx(0.1)
    # the bands' coverage is reported, not fitted: it moves no distance
    for cover in (0.5, 0.9, 1.0):
        assert distance(pooled_scores([fake(2, 0.1, 0.2, cover)])) == pytest.approx(0.1)


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
    emp = backtest_scores(sim, obs, boot=16, seed=1, empirical=probs(r1=0.5, r3=0.5),
                          empirical_rates=np.array([0.2, 0.4]))
    assert emp["rps"]["empirical"] == pytest.approx(0.5 / 9)
    assert emp["brier_engaged"]["skill_empirical"] == pytest.approx(1 - 0.125 / 0.26)
    lo, hi = emp["rps"]["skill_empirical_ci"]
    assert lo <= emp["rps"]["skill_empirical"] <= hi


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
    sim = Simulated(month_max)
    observed = Observed(rung=np.array([[3, 2, 4, 4, 5], [2, 2, 3, 9, 1]]),
                        start=np.array([2, 2]), labels=[str(m) for m in range(5)])
    blocks = list(bootstrap_blocks(300, 20, seed=4, block=8))
    assert [b.shape[0] for b in blocks] == [8, 8, 4]
    np.testing.assert_array_equal(np.concatenate(blocks), bootstrap_weights(300, 20, seed=4))
    whole = scores(forecasts(sim, bootstrap_weights(300, 20, seed=4)), observed)
    parts = _resampled_scores(sim, observed, 20, 4)
    assert set(parts) == {"model", "climatology", "persistence"}
    for name in whole:
        for key in whole[name]:
            np.testing.assert_allclose(parts[name][key], whole[name][key], rtol=1e-12)


# -- summary statistics beyond the monthly RPS ---------------------------------------------------
def test_spells_at_rung_five_are_measured_in_months():
    from escalation_sim.analysis.backtest import spell_lengths

    rungs = np.array([[2, 5, 6, 2, 5, 5, 5, 2],     # spells of 2 and 3 months: mean 2.5
                      [2, 2, 2, 2, 2, 2, 2, 2],     # none
                      [6, 6, 6, 6, 6, 6, 6, 6]])    # one spell of the whole window
    np.testing.assert_allclose(spell_lengths(rungs), [2.5, 0.0, 8.0])


def test_meeting_and_force_by_episode_are_scored():
    from escalation_sim.analysis.backtest import (
        empirical_episode_rates,
        force_in_episode,
        meeting_brier,
        spell_error,
    )

    start = np.array([2, 2])
    meeting = np.array([False, False, True, False])
    path = Observed(np.array([[2, 5, 5, 2], [2, 2, 2, 2]]), start, ["a", "b", "c", "d"],
                    meeting=meeting)
    month_max = np.tile(path.rung, (4, 1, 1))
    month_max[0, 0, 3] = 8  # one run of four reads force
    sim = Simulated(month_max, first_meeting=np.array([2, 2, -1, 0]))
    scored = meeting_brier(sim, path)
    # P(met by month m) = 1/4, 1/4, 3/4, 3/4 against 0, 0, 1, 1
    assert scored["model"] == pytest.approx(np.mean([1 / 16, 1 / 16, 1 / 16, 1 / 16]))
    assert scored["persistence"] == pytest.approx(0.5)
    forced = force_in_episode(sim, path, np.array([0.5, 0.25]))
    assert forced == {"model": pytest.approx(1 / 16), "persistence": 0.0,
                      "empirical": pytest.approx(0.25)}
    # actor 0: one run's spell is 3 months (the run with force), three runs' 2 months, against
    # 2: CRPS = E|X - y| - E|X - X'| / 2 = log(4/3)/4 - (2 * 3/16 * log(4/3)) / 2
    gap = np.log(4 / 3)
    assert spell_error(sim, path)["model"] == pytest.approx((gap / 4 - 3 / 16 * gap) / 2)
    np.testing.assert_allclose(empirical_episode_rates([path]), [0.0, 0.5])
    cut = sim.cut(2)
    np.testing.assert_array_equal(cut.first_meeting, [-1, -1, -1, 0])  # after the window: none


def test_crps_of_an_ensemble():
    from escalation_sim.analysis.backtest import crps

    # one member: the absolute error
    assert crps(np.array([[2.0]]), 5.0)[0] == pytest.approx(3.0)
    # members 0 and 1 against 0: E|X - y| = 1/2, E|X - X'| = 1/2, CRPS 1/4
    assert crps(np.array([0.0, 1.0]), 0.0) == pytest.approx(0.25)
    # proper: drawing the outcome from the ensemble's own law scores better than a shifted one
    rng = np.random.default_rng(2)
    truth = rng.normal(size=(400, 1))
    outcomes = rng.normal(size=2000)
    assert crps(truth, outcomes).mean() < crps(truth + 0.5, outcomes).mean()
    assert crps(truth, outcomes).mean() < crps(truth * 0.3, outcomes).mean()


def test_the_distance_sums_its_documented_terms():
    from escalation_sim.analysis.backtest import distance_terms
    from escalation_sim.analysis.distance_terms import DISTANCE_TERMS, distance_text

    model = {"rps": 0.1, "rps_material": 0.2, "rps_declaratory": 0.3, "cover_90": 0.7,
             "measures": 1.0, "spells": 2.0, "brier_force_episode": 0.4, "brier_meeting": 0.2}
    terms = distance_terms({"scores": {"model": model}})
    assert terms == pytest.approx({"rps": 0.2, "measures": 0.05, "spells": 0.1,
                                   "brier_force_episode": 0.1, "brier_meeting": 0.05})
    assert distance({"scores": {"model": model}}) == pytest.approx(sum(terms.values()))
    text = distance_text()
    for term in DISTANCE_TERMS:
        assert term.words in text
