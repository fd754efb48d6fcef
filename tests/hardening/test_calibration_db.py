"""``calibrate --resume`` opens only a database escsim made, and touches nothing else.

Another application's SQLite file, an empty or truncated file, a folder, a pipe or
``/dev/zero`` under the name of the database: one ``error:`` line, exit 2, the file as it was.
A calibration interrupted before its first generation leaves no database behind, and says so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.analysis import calibrate as calibrate_mod
from escalation_sim.cli.app import app

pytest.importorskip("pyabc")

EPISODE = "azerbaijan_russia_2024_2026"
TINY = ("--population", "2", "--generations", "1", "--runs", "1", "--max-months", "1",
        "--workers", "1", "--quiet")


def calibrate(*args: object):
    return CliRunner().invoke(app, ["calibrate", EPISODE, *TINY, *map(str, args)])


def one_error(result, *phrases: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "bug in escsim" not in lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def foreign_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO notes (text) VALUES ('the user''s')")
    con.commit()
    con.close()


def snapshot(path: Path) -> bytes | str:
    if path.is_symlink():
        return f"link to {os.readlink(path)}"
    if path.is_dir():
        return "folder: " + ",".join(sorted(p.name for p in path.iterdir()))
    if path.is_fifo():
        return "fifo"
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["foreign", "empty", "text", "folder", "fifo", "dev-zero",
                                  "unmarked-pyabc"])
def test_resume_refuses_a_database_escsim_did_not_make(tmp_path, kind):
    out = tmp_path / "cal.yaml"
    db = tmp_path / "cal.yaml.db"
    if kind == "foreign":
        foreign_db(db)
    elif kind == "empty":
        db.write_bytes(b"")
    elif kind == "text":
        db.write_text("SQLite format 3 — my notes about it\n" * 10)
    elif kind == "folder":
        db.mkdir()
        (db / "inside.txt").write_text("mine")
    elif kind == "fifo":
        os.mkfifo(db)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", db)
    else:  # pyabc's tables, made by another program: not marked as escsim's
        import pyabc

        pyabc.History(f"sqlite:///{db}")
    before = snapshot(db)
    line = one_error(calibrate("--resume", "--out", out), str(db))
    assert "--resume" in line
    assert snapshot(db) == before
    assert not out.exists()


@pytest.mark.parametrize("kind", ["foreign", "folder"])
def test_a_new_calibration_leaves_something_else_at_the_database_name_alone(tmp_path, kind):
    db = tmp_path / "cal.yaml.db"
    if kind == "foreign":
        foreign_db(db)
    else:
        db.mkdir()
    before = snapshot(db)
    one_error(calibrate("--out", tmp_path / "cal.yaml"), "escsim leaves it alone"
              if kind == "foreign" else "not a regular file")
    assert snapshot(db) == before


def test_an_interrupt_before_the_first_generation_leaves_no_database(tmp_path, monkeypatch):
    real = calibrate_mod.Evaluator.prefetch

    def interrupted(self, thetas, generation=0):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibrate_mod.Evaluator, "prefetch", interrupted)
    result = calibrate("--out", tmp_path / "cal.yaml")
    monkeypatch.setattr(calibrate_mod.Evaluator, "prefetch", real)
    assert result.exit_code == 130, result.stderr
    assert "--resume continues" not in result.stderr
    assert "no generation was finished" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A calibration of one generation (its database is escsim's)."""
    folder = tmp_path_factory.mktemp("calibrated")
    result = calibrate("--out", folder / "cal.yaml")
    assert result.exit_code == 0, result.stderr
    return folder


def test_escsim_marks_its_database_and_resumes_it(made, tmp_path):
    from escalation_sim.analysis.calibration_db import APPLICATION_ID, check_db

    for name in ("cal.yaml", "cal.yaml.db"):
        shutil.copy(made / name, tmp_path / name)
    db = tmp_path / "cal.yaml.db"
    with db.open("rb") as fh:
        assert int.from_bytes(fh.read(100)[68:72], "big") == APPLICATION_ID
    assert check_db(db) == 1
    result = CliRunner().invoke(app, ["calibrate", EPISODE, *TINY[:2], "--generations", "2",
                                      *TINY[4:], "--resume", "--out", str(tmp_path / "cal.yaml"),
                                      "--force"])
    assert result.exit_code == 0, result.stderr
    assert check_db(db) == 2


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_resume_refuses_a_truncated_database(made, tmp_path, keep):
    data = (made / "cal.yaml.db").read_bytes()
    db = tmp_path / "cal.yaml.db"
    db.write_bytes(data[:int(len(data) * keep)])
    before = db.read_bytes()
    one_error(calibrate("--resume", "--out", tmp_path / "cal.yaml"), "damaged")
    assert db.read_bytes() == before


def test_a_full_disk_under_the_database_is_a_runtime_failure(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(calibrate_mod, "mark_db", full, raising=False)
    result = calibrate("--out", tmp_path / "cal.yaml")
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0] and "disk is full" in lines[0]
    assert list(tmp_path.iterdir()) == []
