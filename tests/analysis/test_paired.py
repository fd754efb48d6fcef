"""Paired differences for ``compare``: Newcombe's interval, and what pairing gains."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.stats import (
    difference_interval,
    mean_interval,
    paired_difference,
    paired_proportion_difference,
    wilson,
)


def test_unpaired_newcombe_matches_the_published_hybrid_score_interval():
    # Newcombe (1998) method 10 on 7/34 vs 1/34 (Perondi et al. 2004, as in Fagerland et al.)
    found = difference_interval(wilson(7, 34), wilson(1, 34))
    assert found.estimate == pytest.approx(0.1765, abs=1e-4)
    assert found.low == pytest.approx(0.0189, abs=1e-4)


def test_mover_with_the_runs_correlation_equals_the_paired_normal_interval():
    rng = np.random.default_rng(1)
    a = rng.normal(size=500)
    b = 0.8 * a + 0.3 * rng.normal(size=500)
    phi = float(np.corrcoef(a, b)[0, 1])
    mover = difference_interval(mean_interval(a.mean(), a.std(ddof=1), a.size),
                                mean_interval(b.mean(), b.std(ddof=1), b.size), phi)
    paired = paired_difference(a, b)
    assert (mover.low, mover.high) == pytest.approx((paired.low, paired.high), rel=1e-9)


def test_paired_proportion_interval_covers_the_true_difference():
    # 1000 paired experiments of 300 runs: b is a with 5% of its runs switched on
    rng = np.random.default_rng(7)
    covered = 0
    for _ in range(1000):
        a = rng.random(300) < 0.2
        b = a | (rng.random(300) < 0.05)
        true = -0.8 * 0.05  # P(a) - P(b) = -(1 - 0.2) * 0.05
        covered += paired_proportion_difference(a, b).contains(true)
    assert covered >= 930


def test_identical_runs_give_a_narrow_interval_around_zero_not_a_point():
    a = np.r_[np.ones(30), np.zeros(970)]
    found = paired_proportion_difference(a, a)
    unpaired = difference_interval(wilson(30, 1000), wilson(30, 1000))
    assert found.estimate == 0.0 and found.low < 0.0 < found.high
    assert found.half_width < unpaired.half_width / 3


def test_no_event_in_either_scenario_still_has_an_interval():
    found = paired_proportion_difference(np.zeros(2000), np.zeros(2000))
    assert found.low < 0 < found.high and not found.excludes(0.0)


def test_rare_event_removed_is_detected_once_enough_runs_see_it():
    base = np.zeros(50_000)
    base[::5600] = 1  # 9 runs in 50,000 reach the event; none do in the variant
    found = paired_proportion_difference(np.zeros(50_000), base)
    assert found.high < 0 and found.excludes(0.0)
    assert not paired_proportion_difference(np.zeros(2000), base[:2000]).excludes(0.0)
