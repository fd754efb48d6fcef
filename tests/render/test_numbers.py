"""The one number style: the digits the interval supports, a cap per unit, tiny as "< 0.1%"."""

from __future__ import annotations

import pytest

from escalation_sim.render.numbers import (
    bar,
    decimals,
    estimate,
    number,
    percent,
    places,
    signed,
    sparkline,
    value,
)


@pytest.mark.parametrize(("values", "places"), [
    ((0.27,), 2), ((0.0035,), 4), ((234.0,), 0), ((0.27, 0.251, 0.29), 3), ((None, 1.5), 1),
    ((-5.2,), 1), ((1e-05,), 5),
])
def test_decimals_are_read_from_the_numbers(values, places):
    assert decimals(*values) == places


def test_number_keeps_what_it_is_given():
    assert number(1234.5) == "1,234.5"
    assert number(None) == "—"
    assert number(0.5, 3) == "0.500"


@pytest.mark.parametrize(("share", "shown"), [
    (0.48, "48%"),          # two digits given: not padded to 48.0%
    (0.270, "27%"),         # a float has no trailing zero: the interval's digits decide
    (0.828, "82.8%"),
    (0.0035, "0.4%"),       # at most one decimal of a percentage
    (0.0004, "< 0.1%"),     # tiny, not 0.0% and not six decimals
    (0.0, "0%"),
    (1.0, "100%"),
    (None, "—"),
])
def test_percent(share, shown):
    assert percent(share) == shown


def test_an_estimate_and_its_bounds_share_their_digits():
    # 0.4775 with 2,000 runs: the summary holds 0.48 [0.46, 0.50]
    assert estimate({"p": 0.48, "ci_low": 0.46, "ci_high": 0.5}, "p", as_percent=True) == \
        ("48%", "[46, 50]")
    assert estimate({"p": 0.27, "ci_low": 0.251, "ci_high": 0.29}, "p", as_percent=True) == \
        ("27.0%", "[25.1, 29.0]")
    assert estimate({"p": 0.0005, "ci_low": 0.0001, "ci_high": 0.0028}, "p",
                    as_percent=True) == ("0.1%", "[0.0, 0.3]")
    assert estimate({"p": 0.0002, "ci_low": 0.0001, "ci_high": 0.0011}, "p",
                    as_percent=True) == ("< 0.1%", "[0.0, 0.1]")  # a bound is never "< 0.1"
    assert estimate({"value": 234.0, "ci_low": 231.0, "ci_high": 237.0}) == ("234", "[231, 237]")
    assert estimate({"value": 6.5, "ci_low": None, "ci_high": None}) == ("6.5", "")


@pytest.mark.parametrize(("x", "unit", "shown"), [
    (297.9, "days", "298"),           # days are whole days, next to 229
    (229.0, "days", "229"),
    (6.995, "rung", "7.0"),           # a mean rung to one decimal, beside 6.66 -> 6.7
    (6.66, "rung", "6.7"),
    (-5.08, "tone", "-5.1"),
    (0.512, "index", "0.51"),
    (0.000008, "score", "< 0.001"),   # a Brier score of 8e-6
    (0.0016, "score", "0.002"),
    (0.05, "%", "5%"),                # a share of a flow is a percentage too
])
def test_units_cap_the_digits(x, unit, shown):
    assert value(x, unit) == shown


def test_places_never_add_digits():
    assert places("%", 0.48, 0.46, 0.5) == 0
    assert places("%", 0.270, 0.251, 0.290) == 1
    assert places("days", 297.9, 296.3, 299.5) == 0
    assert places("score", 0.000008, 0.000001, 0.000024) == 3


def test_differences_in_points_are_signed():
    assert signed({"value": 0.012, "ci_low": 0.008, "ci_high": 0.016}) == ("+1.2", "[+0.8, +1.6]")
    assert signed({"value": -0.31, "ci_low": -0.33, "ci_high": -0.28}) == ("-31", "[-33, -28]")
    assert signed({"value": 0.0, "ci_low": -0.001, "ci_high": 0.001}) == ("0.0", "[-0.1, +0.1]")
    assert signed({"value": -44.3, "ci_low": -46.1, "ci_high": -42.9}, "days") == \
        ("-44", "[-46, -43]")


def test_bar_is_proportional_in_eighths():
    assert bar(0.5, 10) == "█████"
    assert bar(1.0, 4) == "████"
    assert bar(0.0, 10) == ""
    assert bar(0.0625, 2) == "▏"
    assert len(bar(0.33, 24)) == 8


def test_sparkline_scales_to_the_largest_value():
    assert sparkline([0.0, 0.5, 1.0]) == " ▄█"
    assert sparkline([0.0, 0.0]) == "  "
    assert sparkline([0.001, 1.0])[0] == "▁"  # a value above zero is never blank
