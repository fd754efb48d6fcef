"""Per-run and per-day tables for the files of ``--out``."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.tables import _add, daily_table, runs_table
from escalation_sim.model.outcomes import OUTCOMES


def test_runs_table_has_one_row_per_run(small_result):
    scenario, runs = small_result.point.scenario, small_result.runs
    table = runs_table(runs, scenario)
    assert {len(col) for col in table.values()} == {300}
    assert table["run"][:3] == [0, 1, 2]
    assert set(table["outcome"]) <= set(OUTCOMES)
    assert table["peak_rung"] == runs["peak_rung"].tolist()
    assert table["baku_peak"] == runs["actor_peak"][:, 0].tolist()
    assert table["moscow_goldstein"][0] == pytest.approx(runs["actor_goldstein"][0, 1], abs=1e-6)
    for key in scenario.incidents:
        assert f"incidents_{key}" in table


def test_runs_table_leaves_days_of_events_that_never_happened_empty(small_result):
    table = runs_table(small_result.runs, small_result.point.scenario)
    never = small_result.runs["first_force_day"] < 0
    assert never.any()
    assert all(v is None for v, n in zip(table["first_force_day"], never, strict=True) if n)
    assert all(v is not None for v, n in zip(table["first_force_day"], never, strict=True)
               if not n)


def test_daily_table_has_one_row_per_day(small_result):
    agg, scenario = small_result.aggregate, small_result.point.scenario
    table = daily_table(agg, scenario)
    assert {len(col) for col in table.values()} == {60}
    assert table["day"][0] == 0 and table["date"][-1] == "2025-08-29"
    for col in ("baku_p_rung_ge5", "baku_p_rung_ge8", "p_top_rung_ge7", "p_mediating"):
        assert all(0.0 <= x <= 1.0 for x in table[col]), col
    # P(rung >= 5) on the last day, from the kept final rungs
    final = small_result.runs["actor_final"][:, 1]
    assert table["moscow_p_rung_ge5"][-1] == pytest.approx(np.mean(final >= 5), abs=1e-6)
    assert table["baku_rung_mean"][-1] == pytest.approx(
        small_result.runs["actor_final"][:, 0].mean(), abs=1e-6)
    assert all(0.0 < x <= 1.0 for x in table["energy_flow_p50"])


def test_a_column_never_appears_twice():
    table = {"a": [1]}
    with pytest.raises(ValueError, match="twice"):
        _add(table, "a", [2])
