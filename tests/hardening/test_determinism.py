"""One question, one answer: the summary's seed plus ``scenario.resolved.yaml`` give it again,
and identical inputs give identical files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.output import files

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "corridor_crisis.yaml"
ABOUT_THE_FILE = ("path", "sha256", "overrides")
"""Summary fields that name how the scenario was given, not what it is."""


def comparable(summary: dict) -> dict:
    summary = dict(summary)
    assert "timing" not in summary  # nothing that varies from run to run
    summary["scenario"] = {k: v for k, v in summary["scenario"].items()
                           if k not in ABOUT_THE_FILE}
    return summary


def test_seed_and_resolved_scenario_reproduce_the_numbers_exactly(tmp_path):
    runner = CliRunner()
    out = tmp_path / "first"
    first = runner.invoke(app, ["run", str(BASE), "--runs", "1500", "--days", "90",
                                "--set", "actors.baku.nationalism=0.83",
                                "--set", "model.w_issue=0.31", "--workers", "2",
                                "--json", "--out", str(out)])
    assert first.exit_code == 0, first.stderr
    summary = json.loads(first.stdout)
    assert json.loads((out / files.SUMMARY_FILE).read_text(encoding="utf-8")) == summary

    again = runner.invoke(app, ["run", str(out / files.SCENARIO_FILE),
                                "--seed", str(summary["seed"]), "--workers", "1", "--json"])
    assert again.exit_code == 0, again.stderr
    repeated = json.loads(again.stdout)
    assert repeated["scenario"]["overrides"] == []  # nothing but the file and the seed
    assert comparable(repeated) == comparable(summary)
    assert repeated["scenario"]["resolved_sha256"] == summary["scenario"]["resolved_sha256"]


def test_a_different_seed_gives_different_numbers(tmp_path):
    """The comparison above can fail: the numbers do depend on the seed."""
    runner = CliRunner()
    texts = [runner.invoke(app, ["run", str(BASE), "--runs", "1500", "--days", "90", "--seed",
                                 seed, "--workers", "1", "--json"]).stdout for seed in ("1", "2")]
    a, b = (comparable(json.loads(t)) for t in texts)
    a.pop("seed"), b.pop("seed")
    assert a["timeline"] != b["timeline"] or a["metrics"] != b["metrics"]


def test_identical_inputs_give_identical_output_files(tmp_path, monkeypatch):
    """Byte for byte, however the runs were chunked: the summary holds no timing, and
    ``runs.parquet`` has fixed row groups (made small here, so that there are several)."""
    monkeypatch.setattr(files, "ROW_GROUP_ROWS", 1000)
    runner = CliRunner()
    outs = {}
    for workers in ("1", "2"):
        out = tmp_path / "out"
        result = runner.invoke(app, ["run", str(BASE), "--runs", "3100", "--days", "20",
                                     "--workers", workers, "--quiet", "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        outs[workers] = {p.name: p.read_bytes() for p in out.iterdir()}
        shutil.rmtree(out)
    assert outs["1"] == outs["2"]
    if files.parquet_available():
        import io

        import pyarrow.parquet as pq

        meta = pq.ParquetFile(io.BytesIO(outs["1"][files.RUNS_PARQUET])).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == \
            [1000, 1000, 1000, 100]
