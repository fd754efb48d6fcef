"""Formatting keeps the digits the summary gave, and nothing more."""

from __future__ import annotations

import pytest

from escalation_sim.render.numbers import bar, decimals, estimate, number, percent, sparkline


@pytest.mark.parametrize(("values", "places"), [
    ((0.27,), 2), ((0.0035,), 4), ((234.0,), 0), ((0.27, 0.251, 0.29), 3), ((None, 1.5), 1),
    ((-5.2,), 1), ((1e-05,), 5),
])
def test_decimals_are_read_from_the_numbers(values, places):
    assert decimals(*values) == places


def test_number_and_percent():
    assert number(1234.5) == "1,234.5"
    assert number(None) == "—"
    assert number(0.5, 3) == "0.500"
    assert percent(0.27) == "27.0%"  # one rule: one decimal for every percentage
    assert percent(0.0035) == "0.4%"
    assert percent(0.0004) == "<0.1%" and percent(0.0) == "0.0%"
    assert percent(0.828) == "82.8%"
    assert percent(None) == "—"


def test_estimate_shares_decimals_between_value_and_bounds():
    assert estimate({"p": 0.27, "ci_low": 0.251, "ci_high": 0.29}, "p", as_percent=True) == \
        ("27.0%", "[25.1, 29.0]")
    assert estimate({"value": 234.0, "ci_low": 231.0, "ci_high": 237.0}) == ("234", "[231, 237]")
    assert estimate({"value": 6.5, "ci_low": None, "ci_high": None}) == ("6.5", "")


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
