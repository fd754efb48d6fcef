"""``--out DIR``: every file written, folders replaced atomically, foreign folders left alone."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from escalation_sim.analysis.tables import daily_table, runs_table
from escalation_sim.output import files
from escalation_sim.output.files import (
    OUTPUT_FILES,
    OutputError,
    Outputs,
    check_out_dir,
    summary_json,
    write_outputs,
)
from escalation_sim.scenario.load import load_scenario, scenario_to_dict


@pytest.fixture
def outputs(base_result, base_summary) -> Outputs:
    scenario = base_result.point.scenario
    return Outputs(summary=base_summary, daily=daily_table(base_result.aggregate, scenario),
                   scenario=scenario_to_dict(scenario, dates=True),
                   runs=runs_table(base_result.runs, scenario))


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_all_files_are_written(tmp_path, outputs, base_result):
    target = tmp_path / "deep" / "out"
    written = write_outputs(target, outputs)
    expected = [f for f in OUTPUT_FILES if f != "runs.parquet" or files.parquet_available()]
    assert written == expected
    assert sorted(p.name for p in target.iterdir()) == sorted([*expected, files.MARKER_FILE])
    assert json.loads((target / "summary.json").read_text()) == outputs.summary
    with (target / "runs.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 300 and rows[0]["run"] == "0"
    with (target / "daily.csv").open() as fh:
        days = list(csv.DictReader(fh))
    assert len(days) == 60 and days[0]["date"] == "2025-07-01"
    assert leftovers(target.parent) == []


def test_resolved_scenario_loads_back_as_the_same_scenario(tmp_path, outputs, base_result):
    write_outputs(tmp_path / "out", outputs)
    path = tmp_path / "out" / "scenario.resolved.yaml"
    assert path.read_text().startswith("# The fully resolved scenario")
    assert load_scenario(path) == base_result.point.scenario


def test_parquet_matches_csv(tmp_path, outputs):
    pq = pytest.importorskip("pyarrow.parquet")
    write_outputs(tmp_path / "out", outputs)
    table = pq.read_table(tmp_path / "out" / "runs.parquet").to_pydict()
    assert table["peak_rung"] == outputs.runs["peak_rung"]
    assert table["outcome"] == outputs.runs["outcome"]


def test_an_earlier_output_folder_is_replaced_whole(tmp_path, outputs):
    target = tmp_path / "out"
    write_outputs(target, outputs)
    assert (target / "runs.csv").exists()  # a file the next write does not produce
    newer = Outputs(summary={**outputs.summary, "seed": 99}, daily=outputs.daily,
                    scenario=outputs.scenario, runs=None)
    written = write_outputs(target, newer)
    assert "runs.csv" not in written
    assert sorted(p.name for p in target.iterdir()) == sorted([*written, files.MARKER_FILE])
    assert json.loads((target / "summary.json").read_text())["seed"] == 99
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt])
def test_a_failed_write_leaves_the_earlier_folder_intact(tmp_path, outputs, monkeypatch, error):
    target = tmp_path / "out"
    write_outputs(target, outputs)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(path, table):
        path.write_text("half a table")
        raise error

    monkeypatch.setattr(files, "write_csv", broken)
    with pytest.raises(OutputError if isinstance(error, OSError) else KeyboardInterrupt):
        write_outputs(target, outputs)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_a_failed_first_write_leaves_nothing(tmp_path, outputs, monkeypatch):
    monkeypatch.setattr(files, "write_csv", lambda path, table: (_ for _ in ()).throw(
        OSError(13, "Permission denied")))
    with pytest.raises(OutputError, match="Permission denied"):
        write_outputs(tmp_path / "out", outputs)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_swap_puts_the_earlier_folder_back(tmp_path, outputs, monkeypatch):
    target = tmp_path / "out"
    write_outputs(target, outputs)
    before = sorted(p.name for p in target.iterdir())
    real_rename = files.os.rename
    calls = []

    def rename(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        if len(calls) == 2:  # old folder moved aside; the new one fails to move in
            raise OSError(16, "Device or resource busy")
        real_rename(src, dst)

    monkeypatch.setattr(files.os, "rename", rename)
    with pytest.raises(OutputError, match="busy"):
        write_outputs(target, outputs)
    assert sorted(p.name for p in target.iterdir()) == before
    assert leftovers(tmp_path) == []


def test_foreign_folders_and_files_are_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="did not write"):
        check_out_dir(tmp_path)
    with pytest.raises(OutputError, match="not a folder"):
        check_out_dir(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    check_out_dir(tmp_path / "empty")
    check_out_dir(tmp_path / "new")
    only_csv = tmp_path / "only_csv"
    only_csv.mkdir()
    (only_csv / "runs.csv").write_text("x")
    with pytest.raises(OutputError):  # no summary.json: not an escsim output folder
        check_out_dir(only_csv)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_location_is_refused_before_running(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot create"):
            check_out_dir(locked / "a" / "b")
    finally:
        locked.chmod(0o700)


def test_a_file_in_the_way_of_the_parent_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot create"):
        check_out_dir(tmp_path / "file" / "out")


def test_summary_json_refuses_nan():
    with pytest.raises(ValueError):
        summary_json({"x": float("nan")})
    assert summary_json({"a": "é"}) == '{\n  "a": "é"\n}\n'
