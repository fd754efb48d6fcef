"""The shipped ICB/MID base-rate table: it parses, its columns, ranges and derived rows agree."""

import io
import math
from importlib import resources

import pandas as pd
import pytest

COLUMNS = ["measure", "group_variable", "group_value", "n", "value", "ci_low", "ci_high",
           "unit", "note", "source"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    text = resources.files("escalation_sim").joinpath("data/icb_aggregates.csv").read_text()
    return pd.read_csv(io.StringIO(text), keep_default_na=False)


def test_columns_and_sources(table):
    assert list(table.columns) == COLUMNS
    assert len(table) > 100
    assert (table["source"].str.len() > 0).all()
    assert not table.duplicated(["measure", "group_variable", "group_value"]).any()


def test_counts_and_intervals(table):
    assert (table["n"] > 0).all()
    assert (table["ci_low"] <= table["value"]).all()
    assert (table["value"] <= table["ci_high"]).all()


def test_shares_are_probabilities(table):
    shares = table[table["unit"] == "share"]
    assert len(shares) > 50
    assert shares[["value", "ci_low", "ci_high"]].stack().between(0, 1).all()


def test_duration_quantiles_are_ordered(table):
    d = table[table["measure"].str.startswith("duration_days_p")]
    wide = d.pivot_table(index=["group_variable", "group_value"], columns="measure",
                         values="value")
    assert len(wide) > 10
    assert (wide["duration_days_p25"] <= wide["duration_days_p50"]).all()
    assert (wide["duration_days_p50"] <= wide["duration_days_p75"]).all()
    assert (wide["duration_days_p25"] >= 1).all()


def test_hazards_follow_from_shares_and_median_duration(table):
    key = table.set_index(["measure", "group_variable", "group_value"])["value"]
    hazards = table[table["measure"].str.startswith("hazard_per_year_")]
    assert len(hazards) > 20
    for _, r in hazards.iterrows():
        share = key[(r["measure"].replace("hazard_per_year_", "share_"), r["group_variable"],
                     r["group_value"])]
        median = key[("duration_days_p50", r["group_variable"], r["group_value"])]
        expected = -math.log(1 - share) / (median / 365.0)
        assert r["value"] == pytest.approx(expected, rel=1e-4)
        assert "DERIVED APPROXIMATION" in r["note"]


def test_crisis_management_shares_sum_to_one(table):
    crismg = table[table["measure"].str.startswith("share_crismg_")]
    sums = crismg.groupby(["group_variable", "group_value"])["value"].sum()
    assert len(sums) >= 1
    assert sums.to_numpy() == pytest.approx(1.0, abs=1e-4)


def test_reference_classes_present(table):
    classes = set(table.loc[table["group_variable"] == "reference_class", "group_value"])
    for prefix in ("a_great_power_vs_much_weaker", "b_near_peers", "c_nuclear_dyad"):
        assert any(c.startswith(prefix) for c in classes), prefix
