"""Interval estimates and reporting digits, against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation_sim.analysis.stats import (
    Z95,
    Interval,
    decimals_for,
    hist_mean,
    hist_quantiles,
    hist_share_at_least,
    json_float,
    mean_interval,
    moments_interval,
    paired_difference,
    resolution_decimals,
    round_interval,
    round_significant,
    wilson,
)
from escalation_sim.engine.aggregate import Moments


def approx(x: float) -> pytest.approx:
    return pytest.approx(x, abs=5e-5)


# -- Wilson ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (0, 10, 0.0, 0.2775),       # upper = z^2 / (n + z^2) = 3.8415 / 13.8415
    (5, 10, 0.2366, 0.7634),    # textbook value (Newcombe 1998, table I)
    (10, 10, 0.7225, 1.0),
    (27, 100, 0.1927, 0.3643),  # centre 0.27851, half-width 0.08581
])
def test_wilson_matches_hand_computed_values(k, n, low, high):
    iv = wilson(k, n)
    assert iv.estimate == k / n and iv.n == n
    assert (iv.low, iv.high) == (approx(low), approx(high))


def test_wilson_without_runs_is_undefined():
    iv = wilson(0, 0)
    assert math.isnan(iv.estimate) and math.isnan(iv.low) and iv.n == 0


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="0 <= k <= n"):
        wilson(11, 10)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_its_estimate_before_and_after_rounding(kn):
    k, n = kn
    iv = wilson(k, n)
    assert 0.0 <= iv.low <= iv.estimate <= iv.high <= 1.0
    r = iv.rounded()
    assert r.low <= r.estimate <= r.high


# -- means and paired differences --------------------------------------------------------------
def test_mean_interval_is_mean_plus_minus_z_standard_errors():
    iv = mean_interval(10.0, 2.0, 100)
    assert (iv.low, iv.high) == (approx(10 - Z95 * 0.2), approx(10 + Z95 * 0.2))
    assert iv.low == approx(9.608)


def test_mean_interval_needs_two_values():
    assert math.isnan(mean_interval(3.0, math.nan, 1).low)
    assert mean_interval(3.0, math.nan, 1).estimate == 3.0
    assert math.isnan(mean_interval(0.0, 0.0, 0).estimate)


def test_moments_interval_from_streamed_sums():
    m = Moments()
    m.add(np.array([1, 2, 3, 4, 5]))
    iv = moments_interval(m)
    # mean 3, s = sqrt(2.5) = 1.58114, half-width 1.96 * 1.58114 / sqrt(5) = 1.38590
    assert (iv.estimate, iv.low, iv.high, iv.n) == (3.0, approx(1.61410), approx(4.38590), 5)


def test_moments_interval_picks_one_actor():
    m = Moments()
    m.add(np.array([[1.0, 10.0], [3.0, 10.0]]))
    assert moments_interval(m, 0).estimate == approx(2.0)
    iv = moments_interval(m, 1)
    assert (iv.estimate, iv.low, iv.high) == (approx(10.0), approx(10.0), approx(10.0))


def test_paired_difference_of_means():
    iv = paired_difference([1, 2, 3, 4], [0, 0, 0, 0])
    # d = 1..4: mean 2.5, s = 1.29099, half-width 1.96 * 1.29099 / 2 = 1.26517
    assert (iv.estimate, iv.low, iv.high, iv.n) == (2.5, approx(1.23483), approx(3.76517), 4)


def test_paired_difference_of_proportions_uses_indicators():
    a = np.array([1, 1, 1, 0, 1, 0, 1, 1, 0, 1])
    b = np.array([1, 0, 1, 0, 0, 0, 1, 0, 0, 1])
    iv = paired_difference(a, b)
    # d has three 1s and seven 0s: mean 0.3, s = sqrt(0.21 * 10 / 9) = 0.48305
    assert iv.estimate == approx(0.3)
    assert iv.high - iv.estimate == approx(Z95 * 0.48305 / math.sqrt(10))


def test_paired_difference_needs_equal_lengths():
    with pytest.raises(ValueError, match="equal shapes"):
        paired_difference([1, 2], [1, 2, 3])


# -- reporting digits --------------------------------------------------------------------------
@pytest.mark.parametrize(("half_width", "decimals"), [
    (0.0195, 3),   # leading digit 1: two figures, 0.020
    (0.0219, 2),   # one figure, 0.02
    (0.25, 1),
    (0.1, 2),      # 0.10
    (4.4, 0),
    (15.0, 0),     # two figures, 15
    (45.0, -1),    # one figure, 50: round to tens
    (0.00305, 3),
])
def test_decimals_follow_taylors_rule(half_width, decimals):
    assert decimals_for(half_width) == decimals


@pytest.mark.parametrize("half_width", [0.0, 1e-12, math.nan, math.inf])
def test_no_decimals_without_a_width(half_width):
    assert decimals_for(half_width) is None


def test_round_interval_shares_one_decimal_place():
    assert round_interval(Interval(0.2712, 0.2518, 0.2906, 2000)) == \
        Interval(0.271, 0.252, 0.291, 2000)
    assert round_interval(Interval(0.5012, 0.4793, 0.5231, 2000)) == \
        Interval(0.5, 0.48, 0.52, 2000)
    assert round_interval(Interval(234.19, 229.8, 238.6, 2000)) == \
        Interval(234.0, 230.0, 239.0, 2000)


def test_round_interval_without_width_keeps_six_figures():
    r = round_interval(Interval(1 / 3, 1 / 3, 1 / 3, 10))
    assert r.estimate == r.low == r.high == 0.333333


def test_round_significant_and_negative_zero():
    assert round_significant(123456789.0, 3) == 123000000.0
    assert str(round_significant(-0.0000001, 1)) == "-1e-07"
    r = round_interval(Interval(-0.0004, -0.03, 0.03, 100))
    assert str(r.estimate) == "0.0"  # never "-0.0"


def test_resolution_decimals():
    assert [resolution_decimals(n) for n in (200, 2000, 1)] == [3, 4, 1]


def test_to_dict_turns_nan_into_none():
    d = Interval(math.nan, math.nan, math.nan, 0).to_dict("p", with_n=False)
    assert d == {"p": None, "ci_low": None, "ci_high": None}
    assert json_float(float("inf")) is None and json_float(0.5) == 0.5


# -- histograms --------------------------------------------------------------------------------
def test_hist_quantiles_invert_the_cdf():
    counts = np.array([0, 2, 3, 5])  # cumulative 0, 2, 5, 10
    q = hist_quantiles(counts, (0, 10, 20, 21, 50, 51, 90, 100))
    assert q.tolist() == [1, 1, 1, 2, 2, 3, 3, 3]


def test_hist_quantiles_over_leading_axes_and_empty_histograms():
    counts = np.array([[[1, 0, 0], [0, 0, 4]], [[0, 0, 0], [2, 2, 0]]])  # (T=2, A=2, B=3)
    q = hist_quantiles(counts, (50,))
    assert q.shape == (1, 2, 2)
    assert q[0].tolist() == [[0, 2], [-1, 0]]


def test_hist_share_and_mean():
    counts = np.array([[1, 1, 2], [0, 0, 0]])
    share = hist_share_at_least(counts, 2)
    assert share[0] == 0.5 and math.isnan(share[1])
    assert hist_mean(counts)[0] == approx(1.25)
    assert hist_mean(counts[:1], [0.0, 10.0, 20.0])[0] == approx(12.5)
