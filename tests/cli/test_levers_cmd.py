"""``escsim levers``: the ranked document and the table at 80 columns."""

from __future__ import annotations

import json

from escalation_sim.analysis.levers import ALL_LEVERS


def test_levers_command_json_is_ranked(run):
    result = run("levers", "base", "--runs", "150", "--days", "90", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    rows = doc["levers"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5, 6, None]
    assert rows[-1]["lever"] == ALL_LEVERS
    first = [r["effects"]["p_coercion_or_worse"]["value"] for r in rows[:-1]]
    assert all(a <= b + 0.01 for a, b in zip(first[:-1], first[1:], strict=True))  # near-ties
    assert set(doc["baseline"]) == {"p_coercion_or_worse", "p_force"}


def test_levers_table_fits_80_columns(run):
    result = run("levers", "base", "--runs", "100", "--days", "60", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert "all six together" in result.stdout and "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
