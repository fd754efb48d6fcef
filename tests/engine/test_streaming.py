"""Per-run results stream chunk by chunk, in run order, and files written that way are the same."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from escalation_sim.analysis.tables import runs_columns, runs_table
from escalation_sim.engine.ensemble import Point, evaluate, simulate
from escalation_sim.output import files as files_module
from escalation_sim.output.files import RUNS_CSV, RUNS_PARQUET, RunsWriter, StagedOutput
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"


@pytest.fixture(scope="module")
def scenario():  # noqa: ANN201
    return load_scenario(BASE, ["horizon_days=40"])


def test_chunks_arrive_in_run_order_and_add_up_to_the_kept_runs(scenario) -> None:
    seen = []
    whole = evaluate([Point(scenario, 3)], 3500, workers=2, chunk_runs=1024, keep_runs=True,
                     on_runs=lambda which, chunk: seen.append((which, chunk)))[0].runs
    assert [c.first_run for _, c in seen] == [0, 1024, 2048, 3072]
    assert {which for which, _ in seen} == {0}
    for name, values in whole.items():
        np.testing.assert_array_equal(np.concatenate([c.runs[name] for _, c in seen]), values)


def test_streamed_runs_files_equal_the_whole_table(scenario, tmp_path) -> None:
    chunks = []
    result = simulate(scenario, runs=2500, seed=4, chunk_runs=1024, keep_runs=True,
                      on_runs=chunks.append)
    target = tmp_path / "out"
    with StagedOutput(target) as staged:
        for chunk in chunks:
            staged.append_runs(runs_columns(chunk.runs, scenario, chunk.first_run))
        files = staged.commit(_outputs())
    (tmp_path / "whole").mkdir()
    writer = RunsWriter(tmp_path / "whole")
    writer.append(runs_columns(result.runs, scenario))
    writer.close()
    assert (target / RUNS_CSV).read_bytes() == (tmp_path / "whole" / RUNS_CSV).read_bytes()
    with (target / RUNS_CSV).open() as fh:
        assert sum(1 for _ in csv.reader(fh)) == 2501
    assert files[:2] == ["summary.json", RUNS_CSV]
    if RUNS_PARQUET in files:
        pq = pytest.importorskip("pyarrow.parquet")
        table = pq.read_table(target / RUNS_PARQUET).to_pydict()
        assert table == runs_table(result.runs, scenario)


@pytest.mark.parametrize("arrow", [True, False])
def test_arrow_and_csv_module_write_the_same_values(scenario, tmp_path, monkeypatch,
                                                   arrow) -> None:
    if arrow:
        pytest.importorskip("pyarrow")
    monkeypatch.setattr(files_module, "parquet_available", lambda: arrow)
    result = simulate(scenario, runs=600, seed=5, keep_runs=True)
    writer = RunsWriter(tmp_path)
    writer.append(runs_columns(result.runs, scenario))
    assert (RUNS_PARQUET in writer.close()) == arrow
    with (tmp_path / RUNS_CSV).open() as fh:
        rows = list(csv.reader(fh))
    expected = runs_table(result.runs, scenario)
    assert rows[0] == list(expected)
    assert len(rows) == 601
    for k, name in enumerate(expected):
        for row, value in zip(rows[1:], expected[name], strict=True):
            cell = row[k]
            if value is None:
                assert cell == "", name
            elif isinstance(value, str):
                assert cell == value, name
            else:
                assert float(cell) == value, name


def test_leaving_without_commit_removes_the_staging_folder(tmp_path) -> None:
    with pytest.raises(KeyboardInterrupt), StagedOutput(tmp_path / "out") as staged:
        staged.append_runs({"run": [0, 1], "outcome": ["war", "war"]})
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_same_results_with_one_or_two_workers(scenario) -> None:
    one = simulate(scenario, runs=5000, seed=8, workers=1, keep_runs=True)
    two = simulate(scenario, runs=5000, seed=8, workers=2, keep_runs=True)
    for name, values in one.runs.items():
        np.testing.assert_array_equal(two.runs[name], values, err_msg=name)
    for name, values in one.aggregate.daily.items():
        np.testing.assert_array_equal(two.aggregate.daily[name], values, err_msg=name)


def _outputs():  # noqa: ANN202
    from escalation_sim.output.files import Outputs

    return Outputs(summary={"ok": True}, daily={"day": [0]}, scenario={"name": "x"})
