"""The required properties of the model (docs/model.md §11), each as a test."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from conftest import actor, make, stake_issue
from escalation_sim.engine.ensemble import Point, evaluate, simulate
from escalation_sim.model.ladder import (
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    N_RUNGS,
    STATUS_QUO,
)
from escalation_sim.scenario.schema import Scenario


def with_changes(s: Scenario, **paths: object) -> Scenario:
    """Copy of ``s`` with dotted-path changes (``actors__a__nationalism=0.9``)."""
    data = s.model_dump()
    for path, value in paths.items():
        *head, last = path.split("__")
        node = data
        for key in head:
            node = node[key]
        node[last] = value
    return Scenario.model_validate(data)


def final_levels(s: Scenario) -> np.ndarray:
    return simulate(s, runs=1, keep_runs=True).runs["actor_final"][0]


# -- 1. Richardson --------------------------------------------------------------------------
DRIVES = (0.55, 0.65)  # above half a rung, so the discrete ladder leaves status quo; no ties
CEILING = MILITARY_SIGNALLING
"""Without force in play the ladder's top is military signalling: force is its own decision."""


@pytest.mark.parametrize("r1,r2", list(itertools.product((0.2, 0.5, 0.8, 1.3, 1.8), repeat=2)))
def test_richardson_settles_iff_product_below_one(r1: float, r2: float) -> None:
    d1, d2 = DRIVES
    s = make({"a": actor(reciprocity=r1), "b": actor(reciprocity=r2)},
             issues={"stake": stake_issue(d1, d2)}, model=dict(w_issue=1.0), horizon_days=150)
    levels = final_levels(s)
    if r1 * r2 < 1:
        # continuous fixed point of x_i - 2 = d_i + r_i (x_j - 2)
        x1 = (d1 + r1 * d2) / (1 - r1 * r2)
        x2 = d2 + r2 * x1
        star = np.clip(np.array([x1, x2]) + STATUS_QUO, 0, CEILING)
        # rounding to whole rungs can shift the discrete fixed point by up to 1/2 rung,
        # amplified through the other's reaction
        tol = 0.5 * (1 + max(r1, r2)) / (1 - r1 * r2) + 1e-9
        assert np.all(np.abs(levels - star) <= tol), (levels, star)
    else:
        # runaway: the spiral stops at the top of the ladder short of force; the steeper
        # reactor reaches it and the other stands at its best response to that
        assert levels.max() == CEILING, levels
        best = np.rint([2 + d1 + r1 * (levels[1] - 2), 2 + d2 + r2 * (levels[0] - 2)])
        np.testing.assert_array_equal(levels, np.clip(best, 0, CEILING))
    assert levels.max() < LIMITED_FORCE  # force is not on the ladder of words and measures


def test_richardson_fixed_point_is_a_mutual_best_response() -> None:
    s = make({"a": actor(reciprocity=0.5), "b": actor(reciprocity=0.6)},
             issues={"stake": stake_issue(1.0, 0.5)}, model=dict(w_issue=1.1))
    x = final_levels(s)
    # each level is the whole rung nearest the actor's desired rung given the other's level
    assert x[0] == round(2 + 1.1 + 0.5 * (x[1] - 2))
    assert x[1] == round(2 + 0.55 + 0.6 * (x[0] - 2))


# -- 2. Echo --------------------------------------------------------------------------------
def echo(misperception: float, hotline: bool) -> Scenario:
    pair = {k: actor(reciprocity=0.8, misperception=misperception, worst_case_bias=0.7,
                     review_days=5, lag_days=2) for k in ("a", "b")}
    # the hotline at full strength from day 0 (no build-up): the property is its steady effect
    return make(pair, horizon_days=365,
                levers={"crisis_hotline": {"enabled": hotline, "ramp_days": 0}})


def hostility(runs: dict[str, np.ndarray]) -> np.ndarray:
    """Per run: days with relations reduced plus the actors' summed mean hostile Goldstein."""
    return runs["days_reduced_relations"] - runs["actor_goldstein"].sum(axis=1)


def test_echo_misperception_breeds_hostility_and_the_hotline_cures_it() -> None:
    res = evaluate([Point(echo(0.0, False), 7), Point(echo(0.1, False), 7),
                    Point(echo(0.1, True), 7)], 400, keep_runs=True)
    clean, noisy, cured = (hostility(r.runs) for r in res)
    assert clean.max() == 0.0
    assert noisy.mean() > 10.0
    diff = cured - noisy  # paired: the same random numbers run by run
    assert diff.mean() + 1.96 * diff.std(ddof=1) / np.sqrt(diff.size) < 0


# -- 3. Null --------------------------------------------------------------------------------
def test_null_scenario_stays_at_status_quo() -> None:
    s = make({"a": actor(), "b": actor()}, horizon_days=365, runs=300)
    agg = simulate(s).aggregate
    assert np.all(agg.daily["rungs"][:, :, STATUS_QUO] == 300)
    assert agg.outcomes[0] == 300


# -- 4. Monotone drivers and 5. monotone levers (paired, same seed) --------------------------
def paired(low: Scenario, high: Scenario, runs: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    res = evaluate([Point(low, 5), Point(high, 5)], runs, keep_runs=True)
    return res[0].runs["peak_rung"], res[1].runs["peak_rung"]


def assert_not_lower(low: np.ndarray, high: np.ndarray) -> None:
    """High's peaks are stochastically at least low's: every tail P(peak >= k) not lower."""
    n = low.size
    for k in range(N_RUNGS):
        diff = (high >= k).astype(float) - (low >= k)
        se = diff.std(ddof=1) / np.sqrt(n) if diff.any() else 0.0
        assert diff.mean() >= -3 * se - 1e-12, (k, diff.mean(), se)
    assert high.mean() > low.mean()


@pytest.mark.parametrize("path,low,high", [
    ("issues__corridors__heat", 0.1, 1.0),
    ("issues__karabakh__heat", 0.0, 1.0),
    ("actors__a__nationalism", 0.2, 0.95),
    ("actors__b__nationalism", 0.2, 0.95),
    ("incidents__raid__rate_per_year", 0.0, 12.0),
])
def test_more_of_a_driver_gives_higher_peaks(dyad: Scenario, path: str, low: float,
                                             high: float) -> None:
    assert_not_lower(*paired(with_changes(dyad, **{path: low}),
                             with_changes(dyad, **{path: high})))


def test_more_salience_gives_higher_peaks(dyad: Scenario) -> None:
    lo = with_changes(dyad, issues__corridors__salience={"a": 0.1, "b": 0.1})
    hi = with_changes(dyad, issues__corridors__salience={"a": 1.0, "b": 1.0})
    assert_not_lower(*paired(lo, hi))


LEVERS = ("crisis_hotline", "economic_initiatives", "military_transparency",
          "cultural_exchanges", "multilateral_forum", "trusted_intermediaries")


@pytest.mark.parametrize("lever", LEVERS)
def test_each_lever_lowers_force_and_peaks(dyad: Scenario, lever: str) -> None:
    hot = with_changes(dyad, issues__corridors__heat=1.0, actors__a__nationalism=0.8)
    on = with_changes(hot, **{f"levers__{lever}": {"enabled": True, "strength": 1.0}})
    res = evaluate([Point(hot, 3), Point(on, 3)], 2000, keep_runs=True)
    off_peak, on_peak = res[0].runs["peak_rung"], res[1].runs["peak_rung"]
    for k in (5, 6, 7, 8):  # P(peak >= k), paired
        diff = (on_peak >= k).astype(float) - (off_peak >= k)
        se = diff.std(ddof=1) / np.sqrt(diff.size) if diff.any() else 0.0
        assert diff.mean() <= 3 * se + 1e-12, (lever, k, diff.mean(), se)
    diff = on_peak.astype(float) - off_peak
    assert diff.mean() <= 3 * diff.std(ddof=1) / np.sqrt(diff.size)


# -- 6. Symmetry ----------------------------------------------------------------------------
def test_swapping_the_actors_swaps_their_metrics(dyad: Scenario) -> None:
    data = dyad.model_dump()
    data["actors"] = dict(reversed(list(data["actors"].items())))
    swapped = Scenario.model_validate(data)
    runs = 3000
    m1 = simulate(dyad, runs=runs, seed=1).aggregate.moments
    m2 = simulate(swapped, runs=runs, seed=2).aggregate.moments
    for name in ("actor_peak", "actor_final", "actor_goldstein", "actor_days_coercion"):
        a, b = m1[name], m2[name]
        mean_a, mean_b = a.mean(), b.mean()[::-1]
        se = np.sqrt(a.std() ** 2 / runs + b.std()[::-1] ** 2 / runs)
        assert np.all(np.abs(mean_a - mean_b) <= 4 * se + 1e-9), (name, mean_a, mean_b, se)


# -- 7. Reproducibility ---------------------------------------------------------------------
def fingerprint(result) -> tuple:  # noqa: ANN001
    agg = result.aggregate
    moments = {k: (np.asarray(m.total).tolist(), np.asarray(m.squares).tolist())
               for k, m in agg.moments.items()}
    return (agg.outcomes.tolist(), moments,
            {k: v.tolist() for k, v in agg.daily.items()})


def test_same_seed_same_result_whatever_the_chunking_and_workers(dyad: Scenario) -> None:
    runs = 2500  # not a whole number of blocks
    ref = simulate(dyad, runs=runs, seed=9, chunk_runs=1024)
    for chunk, workers in ((2048, 1), (8192, 1), (1024, 2)):
        other = simulate(dyad, runs=runs, seed=9, chunk_runs=chunk, workers=workers)
        assert fingerprint(other) == fingerprint(ref), (chunk, workers)
    assert fingerprint(simulate(dyad, runs=runs, seed=10)) != fingerprint(ref)


def test_run_k_is_the_same_whatever_the_ensemble_size(dyad: Scenario) -> None:
    big = simulate(dyad, runs=1500, seed=4, keep_runs=True).runs
    small = simulate(dyad, runs=1100, seed=4, keep_runs=True).runs
    for name, values in small.items():
        np.testing.assert_array_equal(values, big[name][:1100], err_msg=name)
