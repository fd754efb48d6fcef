"""The one-line messages of input that used to crash, be misreported, pass as a number, or block.

Dates past the calendar, an episode that sets its own window, an inverted window, a huge
``--set`` value, a folder given as an episode; strict numbers (``true``, ``yes`` or a quoted
number is not a number); ``extends`` kept to the scenario's folder; named pipes refused.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.scenario import bundled

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
BASE_TEXT = BASE.read_text(encoding="utf-8")
ESCSIM = Path(sys.executable).with_name("escsim")
EPISODE = next(p for p in bundled.episode_files() if p.name == "azerbaijan_russia_2024_2026.yaml")
EPISODE_TEXT = EPISODE.read_text(encoding="utf-8")


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_error(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "bug in escsim" not in lines[0]
    return lines[0]


def write(folder: Path, name: str, text: str, old: str, new: str) -> Path:
    assert re.search(old, text, flags=re.MULTILINE), old
    path = folder / name
    path.write_text(re.sub(old, new, text, count=1, flags=re.MULTILINE), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["validate"], ["run", "--runs", "5", "--days", "5"]])
def test_a_start_date_past_the_calendar_is_refused_by_validate_and_run(tmp_path, command):
    path = write(tmp_path, "far.yaml", BASE_TEXT, r"^start_date:.*$", "start_date: 9999-12-01")
    line = one_error(run(command[0], path, *command[1:]))
    assert "start_date = 9999-12-01" in line and "9999-12-31" in line


def test_the_latest_start_date_allowed_runs(tmp_path):
    path = write(tmp_path, "far.yaml", BASE_TEXT, r"^start_date:.*$", "start_date: 9998-10-30")
    result = run("run", path, "--runs", "5", "--workers", "1", "--json")
    assert result.exit_code == 0, result.stderr


def test_an_episode_may_not_set_its_own_horizon(tmp_path):
    path = write(tmp_path, "ep.yaml", EPISODE_TEXT, r"^set:\n", "set:\n  horizon_days: 5\n")
    line = one_error(run("backtest", path, "--runs", "5"))
    assert "set.horizon_days = 5" in line and "fixed by the episode's start_date" in line


def test_an_end_date_before_the_start_date_is_named_as_such(tmp_path):
    path = write(tmp_path, "ep.yaml", EPISODE_TEXT, r"^end_date:.*$", "end_date: 2024-01-01")
    line = one_error(run("backtest", path, "--runs", "5"))
    assert "end_date = 2024-01-01" in line and "before start_date" in line
    assert "horizon_days" not in line


def test_a_huge_set_value_is_not_echoed_whole():
    huge = "x" * 100_000
    line = one_error(run("validate", BASE, "--set", f"actors.baku.nationalism={huge}"))
    assert len(line) < 400 and "…" in line


def test_a_folder_given_to_backtest_is_called_a_folder(tmp_path):
    line = one_error(run("backtest", tmp_path))
    assert "is a folder" in line and "CSV" not in line


@pytest.mark.parametrize(("old", "new", "path"), [
    (r"^(\s+)rationality: 3$", r"\1rationality: true", "rationality = true"),
    (r"^(\s+)review_days: 7$", r"\1review_days: yes", "review_days = true"),
    (r"^runs: 2000$", "runs: '2000'", 'runs = "2000"'),
])
def test_booleans_and_quoted_numbers_are_not_numbers(tmp_path, old, new, path):
    file = write(tmp_path, "s.yaml", BASE_TEXT, old, new)
    line = one_error(run("validate", file))
    assert path in line and "must be" in line


def test_a_boolean_set_on_a_number_is_refused():
    line = one_error(run("validate", BASE, "--set", "actors.baku.nationalism=true"))
    assert "nationalism = true" in line and "must be a number" in line


def test_an_episode_rung_of_true_is_refused(tmp_path):
    path = write(tmp_path, "ep.yaml", EPISODE_TEXT, r"(\s)rung: \d+", r"\1rung: true")
    line = one_error(run("backtest", path, "--runs", "5"))
    assert ".rung = true" in line


def test_scientific_notation_is_a_number(tmp_path):
    path = write(tmp_path, "s.yaml", BASE_TEXT, r"^(\s+)rationality: 3$", r"\1rationality: 3e0")
    result = run("validate", path)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("ref", ["/etc/hostname", "../base.yaml", "sub/../../base.yaml"])
def test_extends_reaches_no_further_than_the_scenarios_folder(tmp_path, ref):
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.yaml"
    child.write_text(f"extends: {ref}\nname: child\n", encoding="utf-8")
    (tmp_path / "base.yaml").write_text(BASE_TEXT, encoding="utf-8")
    line = one_error(run("validate", child))
    assert "extends" in line and "no absolute path, no '..'" in line


def test_extends_into_a_subfolder_and_by_bundled_name_still_work(tmp_path):
    (tmp_path / "parents").mkdir()
    (tmp_path / "parents" / "mine.yaml").write_text(BASE_TEXT, encoding="utf-8")
    for ref in ("parents/mine.yaml", "base.yaml"):
        child = tmp_path / "child.yaml"
        child.write_text(f"extends: {ref}\nname: child\n", encoding="utf-8")
        result = run("validate", child)
        assert result.exit_code == 0, result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("how", ["scenario", "extends", "episode"])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path, how):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    target = fifo
    if how == "extends":
        target = tmp_path / "child.yaml"
        target.write_text("extends: pipe.yaml\nname: child\n", encoding="utf-8")
    command = ["backtest", str(target)] if how == "episode" else ["validate", str(target)]
    done = subprocess.run([str(ESCSIM), *command], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {fifo}: is not a regular file (a pipe, device or " \
        "socket); give a scenario file"
