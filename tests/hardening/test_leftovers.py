"""A failed write leaves nothing behind: no empty file, no staging folder; a full disk is a
runtime failure (exit 1); staging folders whose note could not be written are cleaned later.
"""

from __future__ import annotations

import errno
import json
import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.output import files

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
TINY = ("--runs", "30", "--days", "10", "--workers", "1", "--quiet")
DEAD = 2 ** 22 + 4321
"""A pid above the largest Linux hands out by default: no such process."""


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def runtime_failure(result, *phrases: str) -> str:
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "bug in escsim" not in lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def full(tmp_path):
    """A small tmpfs filled to the last byte (root only), unmounted afterwards."""
    mount = tmp_path / "full"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with (mount / "ballast").open("wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def without_ballast(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "ballast")


def test_new_on_a_full_disk_fails_with_1_and_leaves_no_empty_file(full):
    runtime_failure(run("new", "mine", "--dir", full, "--quiet"), "No space left on device")
    assert without_ballast(full) == []
    (full / "ballast").unlink()  # room again: the retry works, nothing blocks it
    again = run("new", "mine", "--dir", full, "--quiet")
    assert again.exit_code == 0, again.stderr
    assert (full / "mine.yaml").stat().st_size > 0


def test_new_leaves_no_empty_file_when_writing_fails(tmp_path, monkeypatch):
    def full_disk(path: Path, text: str) -> None:
        path.write_bytes(b"")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_write_text", full_disk)
    runtime_failure(run("new", "mine", "--dir", tmp_path, "--quiet"), "No space left")
    assert list(tmp_path.iterdir()) == []


def test_run_out_on_a_full_disk_leaves_no_staging_folder(full):
    runtime_failure(run("run", BASE, *TINY, "--out", full / "out"), "No space left")
    assert without_ballast(full) == []


def test_a_staging_note_that_could_not_be_written_leaves_no_folder(tmp_path, monkeypatch):
    real = files._write_text

    def note_fails(path: Path, text: str) -> None:
        if path.name == files.STAGING_FILE:
            path.write_bytes(b"")
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, text)

    monkeypatch.setattr(files, "_write_text", note_fails)
    runtime_failure(run("run", BASE, *TINY, "--out", tmp_path / "out"), "No space left")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("note", [b"", b'{"host": "', b"\xff\xfe"])
def test_a_stale_staging_folder_with_an_unreadable_note_is_cleaned(tmp_path, note):
    stale = tmp_path / f".out.tmp-{DEAD}-0123abcd"
    stale.mkdir()
    (stale / files.STAGING_FILE).write_bytes(note)
    kept = tmp_path / f".out.tmp-{DEAD}-4567abcd"  # more than a note: not shown to be escsim's
    kept.mkdir()
    (kept / files.STAGING_FILE).write_bytes(b"")
    (kept / "mine.txt").write_text("the user's")
    result = run("run", BASE, *TINY, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [kept.name, "out"]


def test_a_stale_staging_folder_of_another_host_is_kept(tmp_path):
    other = tmp_path / f".out.tmp-{DEAD}-89abcdef"
    other.mkdir()
    (other / files.STAGING_FILE).write_text(json.dumps({"host": socket.gethostname() + "-x",
                                                        "pid": DEAD}))
    assert run("run", BASE, *TINY, "--out", tmp_path / "out").exit_code == 0
    assert other.is_dir()


def test_a_full_disk_while_writing_a_table_leaves_the_earlier_one(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    args = ("compare", BASE, REPO / "scenarios" / "all_levers.yaml", *TINY, "--out", target)
    assert run(*args).exit_code == 0
    before = target.read_bytes()

    def full_disk(path: Path, table: object) -> None:
        path.write_bytes(b"measure")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "write_csv", full_disk)
    runtime_failure(run(*args), "No space left")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".escsim-files.json", "t.csv"]
