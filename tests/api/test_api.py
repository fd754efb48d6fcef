"""The Python API: the CLI's numbers, ``load`` round trips, the tables' shapes and dtypes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import escalation_sim as es
from escalation_sim.analysis.tables import RUN_ACTOR
from escalation_sim.cli.app import app
from escalation_sim.model.outcomes import OUTCOMES

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
ARGS = {"runs": 300, "days": 45, "seed": 11, "workers": 1}
SET = {"actors.baku.nationalism": 0.8, "levers.crisis_hotline.enabled": True}
CLI_ARGS = ["--runs", "300", "--days", "45", "--seed", "11", "--workers", "1",
            "--set", "actors.baku.nationalism=0.8", "--set", "levers.crisis_hotline.enabled=true"]


def cli(*args: str) -> dict:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def without_timing(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "timing"}


@pytest.fixture(scope="module")
def result() -> es.Result:
    return es.run(BASE, **ARGS, set=SET)


def test_public_names_and_version():
    assert set(es.__all__) >= {"run", "load", "compare", "sweep", "sensitivity", "backtest",
                               "Result", "Analysis", "__version__"}
    for name in es.__all__:
        assert getattr(es, name) is not None
    assert es.__version__ == es.run(BASE, runs=8, days=3, workers=1).summary["escsim_version"]
    assert (Path(es.__file__).parent / "py.typed").is_file()
    with pytest.raises(AttributeError):
        es.no_such_name  # noqa: B018


def test_run_gives_the_cli_numbers(result):
    doc = cli("run", str(BASE), *CLI_ARGS, "--json")
    assert without_timing(result.summary) == without_timing(doc)


def test_bundled_name_and_loaded_scenario_give_the_same_numbers(result):
    by_name = es.run("base", **ARGS, set=SET)
    loaded = es.run(es.load_scenario(BASE), **ARGS, set=SET)
    for other in (by_name, loaded):
        assert other.summary["outcomes"] == result.summary["outcomes"]
        assert other.summary["scenario"]["resolved_sha256"] == \
            result.summary["scenario"]["resolved_sha256"]
        pd.testing.assert_frame_equal(other.runs, result.runs)
    assert by_name.summary["scenario"]["sha256"] == result.summary["scenario"]["sha256"]


def test_load_round_trips_an_out_folder(result, tmp_path):
    out = tmp_path / "res"
    cli("run", str(BASE), *CLI_ARGS, "--json", "--out", str(out))
    loaded = es.load(out)
    assert without_timing(loaded.summary) == without_timing(result.summary)
    pd.testing.assert_frame_equal(loaded.runs, result.runs)
    pd.testing.assert_frame_equal(loaded.daily, result.daily)
    pd.testing.assert_frame_equal(loaded.actors, result.actors)
    assert loaded.scenario == result.scenario


def test_runs_table_shape_and_dtypes(result):
    runs = result.runs
    assert len(runs) == 300 and runs["run"].tolist() == list(range(300))
    assert isinstance(runs["outcome"].dtype, pd.CategoricalDtype)
    assert list(runs["outcome"].cat.categories) == list(OUTCOMES)
    assert runs["first_force_day"].dtype == "Int64"
    assert runs["peak_rung"].dtype == np.int64 and runs["trade_loss"].dtype == np.float64
    assert runs["peak_rung"].between(0, 9).all()
    shares = runs["outcome"].value_counts(normalize=True)
    for name, entry in result.summary["outcomes"].items():
        assert entry["ci_low"] <= shares[name] <= entry["ci_high"]


def test_actors_table_is_long_with_actor_column(result):
    actors = result.actors
    ids = list(result.summary["actors"])
    assert list(actors.columns) == ["run", "actor", *RUN_ACTOR]
    assert len(actors) == 300 * len(ids)
    assert list(actors["actor"].cat.categories) == ids
    baku = actors[actors["actor"] == "baku"].reset_index(drop=True)
    assert (baku["peak"].to_numpy() == result.runs["baku_peak"].to_numpy()).all()
    mean = actors.groupby("actor", observed=True)["peak"].mean()
    for aid in ids:
        assert mean[aid] == pytest.approx(result.summary["actors"][aid]["peak_rung_mean"],
                                          abs=0.05)


def test_daily_table_is_long_form(result):
    daily = result.daily
    assert list(daily.columns) == ["day", "date", "actor", "measure", "quantile", "value"]
    assert daily["value"].dtype == np.float64 and daily["quantile"].dtype == np.float64
    assert pd.api.types.is_datetime64_any_dtype(daily["date"])
    assert daily["day"].nunique() == 45
    assert set(daily["actor"]) == {"", *result.summary["actors"]}
    quantiles = sorted(daily.loc[daily["measure"] == "rung", "quantile"].unique())
    assert quantiles == [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    assert daily.loc[daily["measure"] == "rung_mean", "quantile"].isna().all()
    assert set(daily.loc[daily["measure"] == "trade_flow", "actor"]) == {""}
    median = daily[(daily["measure"] == "rung") & (daily["quantile"] == 0.5)
                   & (daily["actor"] == "baku")]
    timeline = result.summary["timeline"]
    by_day = dict(zip(median["day"], median["value"], strict=True))
    assert [by_day[d] for d in timeline["day"]] == timeline["baku"]["p50"]


def test_set_may_be_items_and_errors_are_scenario_errors():
    a = es.run(BASE, runs=64, days=10, workers=1, set=["actors.baku.nationalism=0.8"])
    b = es.run(BASE, runs=64, days=10, workers=1, set={"actors.baku.nationalism": 0.8})
    assert without_timing(a.summary) == without_timing(b.summary)
    with pytest.raises(es.ScenarioError, match="nationalism"):
        es.run(BASE, runs=8, days=3, workers=1, set={"actors.baku.nationalism": 7})
    with pytest.raises(es.ScenarioError):
        es.run("no_such_scenario", runs=8)


def test_compare_gives_the_cli_document():
    analysis = es.compare(BASE, variants={"hot": {"issues.corridors.heat": 0.8}}, runs=256,
                          days=30, seed=3, workers=1)
    doc = cli("compare", str(BASE), "--variant", "hot: issues.corridors.heat=0.8", "--runs",
              "256", "--days", "30", "--seed", "3", "--workers", "1", "--json")
    for d in (analysis.document, doc):
        d["scenarios"] = {k: without_timing(s) for k, s in d["scenarios"].items()}
    assert analysis.document == doc
    assert list(analysis.results) == ["base", "hot"]
    assert {"measure"} <= set(analysis.table.columns) and len(analysis.table) > 5


def test_sweep_and_sensitivity_give_the_cli_documents():
    grid = es.sweep(BASE, ["issues.corridors.heat=0:0.8:3"], metrics=["p_force"], runs=64,
                    days=15, seed=2, workers=1)
    assert grid.document == cli("sweep", str(BASE), "--vary", "issues.corridors.heat=0:0.8:3",
                                "--metric", "p_force", "--runs", "64", "--days", "15",
                                "--seed", "2", "--workers", "1", "--json")
    assert len(grid.table) == 3
    sens = es.sensitivity(BASE, ["actors.baku.nationalism=0:1", "issues.corridors.heat=0:0.8"],
                          method="morris", samples=4, runs=32, days=10, workers=1)
    assert sens.document == cli("sensitivity", str(BASE), "--param",
                                "actors.baku.nationalism=0:1", "--param",
                                "issues.corridors.heat=0:0.8", "--method", "morris",
                                "--samples", "4", "--runs", "32", "--days", "10",
                                "--workers", "1", "--json")
    assert {"output", "factor"} <= set(sens.table.columns)


@pytest.mark.slow
def test_backtest_gives_the_cli_document():
    analysis = es.backtest("azerbaijan_russia_2024_2026", runs=64, seed=5, workers=1)
    doc = cli("backtest", "azerbaijan_russia_2024_2026", "--runs", "64", "--seed", "5",
              "--workers", "1", "--json")
    assert analysis.document == doc
    assert list(analysis.table["score"]) == [row["score"] for row in doc["scores"]]
    assert {"model", "model_ci_low", "model_ci_high"} <= set(analysis.table.columns)


def test_to_xarray(result):
    pytest.importorskip("xarray")
    ds = result.to_xarray()
    assert dict(ds.sizes) == {"run": 300, "day": 45, "actor": 2, "quantile": 7}
    assert (ds["actor_peak"].sel(actor="baku").to_numpy() == result.runs["baku_peak"]).all()
    assert ds["daily_rung"].dims == ("day", "actor", "quantile")
    assert ds["daily_trade_flow"].dims == ("day", "quantile")
    assert ds["first_force_day"].dtype == np.float64
    assert ds["daily_p_mediating"].dims == ("day",)
    median = ds["daily_rung"].sel(actor="baku", quantile=0.5)
    timeline = result.summary["timeline"]
    assert median.sel(day=timeline["day"]).to_numpy().tolist() == timeline["baku"]["p50"]
    for name, variable in ds.data_vars.items():
        assert "units" in variable.attrs, name
    assert ds["daily_rung"].attrs["units"] == "rung (0-9)"
    assert ds["actor_days_coercion"].attrs["units"] == "days"
    assert ds.attrs["escsim_version"] == es.__version__ and ds.attrs["seed"] == 11


def test_load_reads_the_csv_when_there_is_no_parquet(result, tmp_path, monkeypatch):
    from escalation_sim.output import files

    monkeypatch.setattr(files, "parquet_available", lambda: False)
    monkeypatch.setattr("escalation_sim.api.parquet_available", lambda: False)
    out = tmp_path / "res"
    cli("run", str(BASE), *CLI_ARGS, "--json", "--out", str(out))
    assert not (out / "runs.parquet").exists()
    pd.testing.assert_frame_equal(es.load(out).runs, result.runs)
