"""Every command's API function gives the CLI's numbers; ids that prefix each other; manners."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import escalation_sim as es
from escalation_sim.cli.app import app

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"


def cli(*args: str) -> dict:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# -- every command has an API function with the CLI's numbers ---------------------------------
def test_levers_gives_the_cli_document():
    analysis = es.levers(BASE, runs=64, days=20, seed=4, by="force", workers=1)
    assert analysis.document == cli("levers", BASE, "--runs", "64", "--days", "20", "--seed",
                                    "4", "--by", "force", "--workers", "1", "--json")
    assert len(analysis.table) == len(analysis.document["levers"])
    columns = set(analysis.table.columns)
    assert {"rank", "lever", "effect_p_force", "effect_p_force_ci_low"} <= columns


def test_explore_gives_the_cli_document():
    params = ["actors.baku.nationalism=0.3:0.9", "issues.corridors.heat=0:1"]
    analysis = es.explore(BASE, params, samples=4, runs=16, days=10, seed=3, workers=1)
    assert analysis.document == cli("explore", BASE, "--param", params[0], "--param", params[1],
                                    "--samples", "4", "--runs", "16", "--days", "10", "--seed",
                                    "3", "--workers", "1", "--json")
    assert len(analysis.table) == 4
    assert list(analysis.table.columns[:3]) == ["sample", *[p.split("=")[0] for p in params]]


def test_trace_gives_the_cli_document():
    analysis = es.trace(BASE, run=3, days=40, seed=9)
    doc = cli("trace", BASE, "--run", "3", "--days", "40", "--seed", "9", "--json")
    assert analysis.document == doc
    assert len(analysis.table) == len(doc["events"]) and "kind" in analysis.table.columns
    picked = es.trace(BASE, pick="median", runs=32, days=20, workers=1)
    assert picked.document == cli("trace", BASE, "--pick", "median", "--runs", "32", "--days",
                                  "20", "--workers", "1", "--json")


@pytest.mark.slow
def test_backtest_of_several_episodes_gives_the_cli_document():
    names = ["india_pakistan_2019", "russia_uk_2018_2019"]
    analysis = es.backtest(names, runs=16, seed=2, workers=1)
    assert analysis.document == cli("backtest", *names, "--runs", "16", "--seed", "2",
                                    "--workers", "1", "--json")
    assert list(analysis.table["episode"]) == names


@pytest.mark.slow
def test_rolling_origin_backtest_gives_the_cli_document():
    analysis = es.backtest("azerbaijan_russia_2024_2026", origin="2025-07-01", runs=64, seed=3)
    assert analysis.document == cli("backtest", "azerbaijan_russia_2024_2026", "--from",
                                    "2025-07-01", "--runs", "64", "--seed", "3", "--json")
    assert analysis.document["kind"] == "rolling origin"
    assert list(analysis.table["horizon_months"]) == [1, 3, 6]
    assert list(analysis.table["model"]) == [row["model"] for row in
                                             analysis.document["pooled"].values()]
    with pytest.raises(es.ScenarioError, match="^origins: \"every:x\" — expected every:Nm"):
        es.backtest("azerbaijan_russia_2024_2026", origins="every:x")
    with pytest.raises(ValueError, match="origin and origins: give one"):
        es.backtest("azerbaijan_russia_2024_2026", origin="2025-07-01", origins="every:3m")


def test_calibrate_gives_the_cli_document(tmp_path):
    pytest.importorskip("pyabc")
    analysis = es.calibrate(["india_pakistan_2019"], population=3, generations=1, runs=4,
                            max_months=1, workers=1)
    doc = cli("calibrate", "india_pakistan_2019", "--population", "3", "--generations", "1",
              "--runs", "4", "--max-months", "1", "--workers", "1", "--out",
              tmp_path / "c.yaml", "--json")
    for d in (analysis.document, doc):  # when and how long, not what
        d.pop("created")
        d["distance"].pop("wall_seconds")
    assert analysis.document == doc
    assert list(analysis.table.columns[:2]) == ["weight", "distance"]
    assert len(analysis.table) == 3


# -- actor ids that prefix each other ---------------------------------------------------------
@pytest.fixture(scope="module")
def prefixed(tmp_path_factory) -> Path:
    """The base scenario with Moscow renamed ``baku_ru``: ``baku`` is a prefix of it."""
    folder = tmp_path_factory.mktemp("prefix")
    path = folder / "prefix.yaml"
    path.write_text(BASE.read_text(encoding="utf-8").replace("moscow", "baku_ru"),
                    encoding="utf-8")
    return path


def test_ids_that_prefix_each_other_round_trip_through_every_table(prefixed, tmp_path):
    result = es.run(prefixed, runs=60, days=15, seed=5, workers=1)
    ids = ["baku", "baku_ru"]
    assert result.actor_ids == ids
    daily = result.daily
    assert sorted(set(daily["actor"])) == ["", *ids]
    per_actor = daily[daily["actor"] != ""].groupby("actor")["measure"].nunique()
    assert per_actor["baku"] == per_actor["baku_ru"] == 6  # rung + five other measures
    for aid in ids:
        rows = daily[(daily["actor"] == aid) & (daily["measure"] == "rung")
                     & (daily["quantile"] == 0.5)]
        by_day = dict(zip(rows["day"], rows["value"], strict=True))
        timeline = result.summary["timeline"]
        assert [by_day[d] for d in timeline["day"]] == timeline[aid]["p50"]
    assert list(result.actors["actor"].cat.categories) == ids
    out = tmp_path / "res"
    cli("run", prefixed, "--runs", "60", "--days", "15", "--seed", "5", "--workers", "1",
        "--out", out, "--json")
    loaded = es.load(out)  # the CSV, and the Parquet file when pyarrow is there
    pd.testing.assert_frame_equal(loaded.daily, result.daily)
    pd.testing.assert_frame_equal(loaded.runs, result.runs)
    pd.testing.assert_frame_equal(loaded.actors, result.actors)
    if (out / "runs.parquet").exists():
        pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"),
                                      pd.read_csv(out / "runs.csv"), check_dtype=False)
    pytest.importorskip("xarray")
    ds = loaded.to_xarray()
    assert list(ds["actor"].to_numpy()) == ids
    for aid in ids:
        assert (ds["actor_peak"].sel(actor=aid).to_numpy()
                == result.runs[f"{aid}_peak"].to_numpy()).all()
        assert not np.isnan(ds["daily_rung"].sel(actor=aid).to_numpy()).any()


# -- manners ----------------------------------------------------------------------------------
def test_repr_is_short():
    result = es.run(BASE, runs=16, days=5, workers=1)
    assert len(repr(result)) < 200 and "Result(" in repr(result)
    analysis = es.sweep(BASE, "actors.baku.nationalism=0:1:2", runs=8, days=5, workers=1)
    assert len(repr(analysis)) < 200 and "sweep" in repr(analysis)


def test_errors_speak_of_arguments_not_options():
    with pytest.raises(es.ScenarioError) as info:
        es.run(BASE, runs=8, days=3, workers=1, set={"actors.baku.nationalism": 2})
    assert "--" not in str(info.value) and "set item" in str(info.value)
    with pytest.raises(es.ScenarioError) as info:
        es.sweep(BASE, ["actors.baku.nationalism=a"], runs=8, days=3, workers=1)
    assert "--" not in str(info.value) and "vary item" in str(info.value)
    with pytest.raises(ValueError, match="^method 'x' is not known"):
        es.sensitivity(BASE, method="x")
    with pytest.raises(ValueError, match="^by 'x'|^by x"):
        es.levers(BASE, by="x")
    with pytest.raises(ValueError, match="^run and pick exclude each other"):
        es.trace(BASE, run=1, pick="war")


def test_a_misspelt_bundled_name_gets_the_bundled_names():
    with pytest.raises(es.ScenarioError, match="did you mean 'base'"):
        es.run("bse")


def test_arguments_are_checked_at_the_door():
    with pytest.raises(ValueError, match="workers must be from 1"):
        es.run(BASE, workers=0)
    with pytest.raises(TypeError, match="runs must be a whole number"):
        es.run(BASE, runs="5")
    with pytest.raises(TypeError, match="method must be text"):
        es.sensitivity(BASE, method=1)
    with pytest.raises(TypeError, match="weights must be True or False"):
        es.explore(BASE, weights="yes")
    with pytest.raises(ValueError, match="give two or more scenarios"):
        es.compare(BASE)
    with pytest.raises(TypeError, match="record must be a file path"):
        es.run(BASE, record=3)
    with pytest.raises(TypeError, match="episode must be a file path, a bundled name or a list"):
        es.backtest(3)
    with pytest.raises(TypeError, match="origin must be a date"):
        es.backtest("azerbaijan_russia_2024_2026", origin=3)
