"""``escsim explore``: the experiments table on disk, JSON, discovery, one-line refusals."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from escalation_sim.analysis.points import MEASURES
from escalation_sim.output.files import parquet_available

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
NATIONALISM = "actors.baku.nationalism"
HEAT = "issues.corridors.heat"
SMALL = ("--runs", "32", "--days", "30", "--workers", "1")


def test_out_dir_gets_one_row_per_sample(run, tmp_path):
    target = tmp_path / "explore"
    result = run("explore", BASE, "--param", f"{NATIONALISM}=0.3:0.9", "--param", f"{HEAT}=0:1",
                 "--samples", "5", *SMALL, "--out", target, env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    with (target / "experiments.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5
    header = list(rows[0])
    assert header[:3] == ["sample", NATIONALISM, HEAT] and header[-1] == "runs"
    for m in MEASURES:
        assert {m, f"{m}_ci_low", f"{m}_ci_high"} <= set(header)
    assert [int(r["sample"]) for r in rows] == list(range(5))
    assert all(0.3 <= float(r[NATIONALISM]) <= 0.9 for r in rows)
    assert all(float(r["p_force_ci_low"]) <= float(r["p_force"]) <= float(r["p_force_ci_high"])
               for r in rows)
    doc = json.loads((target / "explore.json").read_text(encoding="utf-8"))
    assert doc["command"] == "explore" and len(doc["experiments"]) == 5
    assert (target / "scenario.resolved.yaml").exists()
    if parquet_available():
        import pyarrow.parquet as pq

        assert pq.read_table(target / "experiments.parquet").num_rows == 5
    assert "Across the samples" in result.stdout
    # a second run replaces escsim's own folder
    again = run("explore", BASE, "--param", f"{HEAT}=0:1", "--samples", "3", *SMALL,
                "--out", target)
    assert again.exit_code == 0, again.stderr
    with (target / "experiments.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 3


def test_a_folder_escsim_did_not_write_is_refused(run, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("explore", BASE, "--param", f"{HEAT}=0:1", "--samples", "3", *SMALL,
                 "--out", target)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "did not write" in result.stderr
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_json_with_discovery(run):
    result = run("explore", BASE, "--param", f"{NATIONALISM}=0:1", "--param", f"{HEAT}=0:1",
                 "--samples", "12", *SMALL, "--discover", "peak_rung_mean>6.5", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["samples"] == 12 and doc["runs"] == 32 and doc["days"] == 30
    assert [p["path"] for p in doc["parameters"]] == [NATIONALISM, HEAT]
    assert doc["parameters"][0]["low"] == 0.0 and doc["parameters"][0]["high"] == 1.0
    row = doc["experiments"][0]
    assert set(row) == {"sample", "parameters", "measures"}
    assert set(row["measures"]) == set(MEASURES)
    assert set(row["measures"]["p_force"]) >= {"value", "ci_low", "ci_high"}
    found = doc["discovery"]
    assert found["condition"]["measure"] == "peak_rung_mean"
    peaks = [r["measures"]["peak_rung_mean"]["value"] for r in doc["experiments"]]
    assert found["samples"] == 12
    if all(abs(p - 6.5) > 0.05 for p in peaks):  # the JSON's values are rounded
        assert found["cases"] == sum(p > 6.5 for p in peaks)
    for box in found["boxes"]:
        assert set(box) >= {"limits", "coverage", "density", "mass", "trajectory"}
        assert 0 < box["coverage"] <= 1 and 0 < box["density"] <= 1


@pytest.mark.parametrize(("args", "needle"), [
    (("--param", "actors.baku.nationalsm=0:1"), "did you mean"),
    (("--param", f"{NATIONALISM}=0.9:0.1"), "LO < HI"),
    (("--param", f"{NATIONALISM}=0:2"), f"{NATIONALISM}"),
    (("--param", f"{NATIONALISM}=0.5"), "PATH=LO:HI"),
    (("--param", "levers.crisis_hotline.enabled=0:1"), "not a number"),
    (("--param", f"{HEAT}=0:1", "--param", f"{HEAT}=0:0.5"), "given twice"),
    (("--param", f"{HEAT}=0:1", "--discover", "p_forse>0.05"), "did you mean 'p_force'"),
    (("--param", f"{HEAT}=0:1", "--discover", "p_force"), "MEASURE>THRESHOLD"),
])
def test_bad_input_exits_2_with_one_line(run, args, needle):
    result = run("explore", BASE, *args, "--samples", "3", *SMALL)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert needle in result.stderr


def test_without_params_it_samples_what_an_analyst_can_act_on(run):
    """Drivers, traits and levers in use; the model's weights only with --weights."""
    result = run("explore", "base", "--samples", "3", *SMALL, "--json",
                 "--set", "levers.crisis_hotline.enabled=true")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    paths = [p["path"] for p in doc["parameters"]]
    assert doc["sampled"] == "actionable"
    assert {HEAT, NATIONALISM, "actors.moscow.reciprocity",
            "levers.crisis_hotline.strength"} <= set(paths)
    assert not [p for p in paths if p.startswith("model.")]
    assert {"model.w_demand", "model.c_measure"} <= set(doc["drawn_per_run"])  # run by run
    weighted = json.loads(run("explore", "base", "--samples", "3", *SMALL, "--json",
                              "--weights").stdout)
    assert weighted["sampled"] == "actionable and weights"
    assert "model.w_demand" in [p["path"] for p in weighted["parameters"]]
    assert "model.w_demand" not in weighted["drawn_per_run"]
