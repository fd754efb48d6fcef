"""The per-run table as an experiments table: one column per uncertain parameter."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from escalation_sim.analysis.tables import runs_columns, runs_table
from escalation_sim.cli.app import app
from escalation_sim.engine.draws import draw
from escalation_sim.scenario.edit import fix
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "scenario" / "minimal.yaml"
PRIORS = ["actors.baku.nationalism={uniform: [0.5, 0.9]}", "model.c_mil={normal: [8, 2]}"]


def test_runs_columns_gain_the_drawn_values(small_result):
    scenario = load_scenario(MINIMAL, PRIORS)
    runs = small_result.runs
    columns = runs_columns(runs, scenario, first_run=1000, seed=5)
    drawn = draw(scenario, 5, 1000, 300)
    for path in ("actors.baku.nationalism", "model.c_mil"):
        assert np.allclose(columns[path], drawn[path], atol=1e-6)
    assert not np.allclose(columns["actors.baku.nationalism"],
                           runs_columns(runs, scenario, first_run=1000)["actors.baku.nationalism"])
    plain = runs_table(runs, fix(scenario, {"actors.baku.nationalism": 0.6}))
    assert "actors.baku.nationalism" not in plain and "model.c_mil" in plain


def test_runs_csv_has_a_column_per_uncertain_parameter(tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(MINIMAL), "--runs", "40", "--days", "20",
                                      "--seed", "3", "--quiet", "--out", str(out),
                                      *[a for s in PRIORS for a in ("--set", s)]])
    assert result.exit_code == 0, result.stderr
    with (out / "runs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40
    scenario = load_scenario(MINIMAL, PRIORS)
    drawn = draw(scenario, 3, 0, 40)
    for path, values in drawn.items():
        assert [float(r[path]) for r in rows] == pytest.approx(values, abs=1e-6)
    resolved = load_scenario(out / "scenario.resolved.yaml")
    assert resolved.priors == scenario.priors
    parquet = out / "runs.parquet"
    if parquet.exists():
        import pandas as pd

        frame = pd.read_parquet(parquet)
        assert np.allclose(frame["model.c_mil"], drawn["model.c_mil"], atol=1e-6)
