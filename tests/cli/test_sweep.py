"""``escsim sweep``: grids checked by the loader, monotone curves under CRN, heatmaps, CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"


def test_nationalism_raises_p_coercion_or_worse_monotonically(run):
    # Baku starts at words, without the measures of the winter (in base they stand most of the
    # year whatever its nationalism): how far nationalism pushes it to coercion
    result = run("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:6", "--runs", "400",
                 "--days", "120", "--json", "--workers", "2",
                 "--set", "actors.baku.initial_rung=3", "--set", "actors.baku.initial_measures={}")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["metrics"] == ["p_coercion_or_worse"]
    assert [p["values"]["actors.baku.nationalism"] for p in doc["points"]] == \
        [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    curve = [p["p_coercion_or_worse"]["value"] for p in doc["points"]]
    assert all(b >= a - 0.01 for a, b in zip(curve, curve[1:], strict=False)), curve
    assert curve[-1] > curve[0] + 0.1, curve


def test_one_parameter_table_has_a_row_and_a_bar_per_value(run):
    result = run("sweep", BASE, "--vary", "actors.baku.nationalism=0.2,0.9", "--metric",
                 "p_force", "--metric", "peak_rung_mean", "--runs", "100", "--days", "30",
                 env={"NO_COLOR": "1", "COLUMNS": "140"})
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.strip().startswith(("0.2", "0.9"))]
    assert len(rows) == 2 and all("█" in row for row in rows)
    assert "P(force) [95% CI]" in result.stdout and "peak rung [95% CI]" in result.stdout


def test_two_parameter_sweep_renders_a_heatmap(run):
    args = ("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:3", "--vary",
            "issues.corridors.heat=0:0.8:2", "--runs", "100", "--days", "30")
    plain = run(*args, env={"NO_COLOR": "1", "COLUMNS": "120"})
    assert plain.exit_code == 0, plain.stderr
    text = plain.stdout
    assert "P(coercive standoff or worse)" in text
    assert "across: actors.baku.nationalism" in text and "up: issues.corridors.heat" in text
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.strip().startswith("0.8"))
    bottom = next(i for i, line in enumerate(lines) if line.strip().startswith("0 "))
    assert top < bottom  # the second parameter grows upwards
    assert any(mark in text for mark in "░▒▓█")
    doc = json.loads(run(*args, "--json").stdout)
    assert len(doc["points"]) == 6 and [a["path"] for a in doc["vary"]] == [
        "actors.baku.nationalism", "issues.corridors.heat"]


def test_integer_parameters_get_whole_values_and_booleans_a_list(run):
    doc = json.loads(run("sweep", BASE, "--vary", "actors.baku.lag_days=0:5:4", "--vary",
                         "levers.crisis_hotline.enabled=false,true", "--runs", "20", "--days",
                         "10", "--json").stdout)
    assert doc["vary"][0]["values"] == [0, 2, 3, 5]
    assert doc["vary"][1]["values"] == [False, True]


def test_out_writes_one_csv_row_per_point(run, tmp_path):
    target = tmp_path / "sweep.csv"
    result = run("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:3", "--runs", "50",
                 "--days", "20", "--out", target, "--quiet")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["actors.baku.nationalism"] for r in rows] == ["0.0", "0.5", "1.0"]
    assert float(rows[0]["p_coercion_or_worse_ci_low"]) <= float(rows[0]["p_coercion_or_worse"])
    assert result.stdout == ""


@pytest.mark.parametrize(("vary", "message"), [
    ("actors.baku.nationalsm=0:1:3", "did you mean 'nationalism'"),
    ("actors.baku.nationalism=0:2:3", "between 0 and 1"),
    ("issues.corridors.heat=0:1.2:3", "between 0 and 1"),
    ("actors.baku.nationalism=0:1", "LO:HI:N"),
    ("actors.baku.name=0:1:3", "not a number"),
    ("actors.baku.nationalism", "PATH=LO:HI:N"),
])
def test_bad_vary_exits_2_with_one_line(run, vary, message):
    result = run("sweep", BASE, "--vary", vary, "--runs", "10")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_metric_and_three_axes_exit_2(run):
    result = run("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:2", "--metric", "p_forc")
    assert result.exit_code == 2 and "did you mean 'p_force'" in result.stderr
    result = run("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:2", "--vary",
                 "actors.moscow.nationalism=0:1:2", "--vary", "issues.karabakh.heat=0:1:2")
    assert result.exit_code == 2 and "one or two --vary" in result.stderr
