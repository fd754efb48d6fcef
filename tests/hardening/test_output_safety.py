"""Nothing of the user's is deleted or replaced, and a target that cannot work is refused
before the simulation, not after it.

``--out DIR``: a folder is escsim's own only by its marker; files added during a run are kept;
staging folders of a killed escsim are cleaned. ``--out FILE``: never an input, never a file
escsim did not write unless ``--force``, never a pipe or device.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.engine import ensemble
from escalation_sim.output import files
from escalation_sim.output.files import MARKER_FILE, OutputError, Outputs, StagedOutput
from escalation_sim.output.manifest import MANIFEST_FILE

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
TINY = ("--runs", "30", "--days", "10", "--workers", "1", "--quiet")


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a command gets as far as simulating."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the command simulated before refusing its --out")

    # every ensemble (run's simulate, report's evaluate) plans its chunks first; the commands
    # import the engine when they run, so the module's own global is the one to replace
    monkeypatch.setattr(ensemble, "plan_chunks", refuse)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def earlier_output(folder: Path) -> Path:
    result = run("run", BASE, *TINY, "--out", folder)
    assert result.exit_code == 0, result.stderr
    assert (folder / MARKER_FILE).is_file()
    return folder


def tiny_outputs() -> Outputs:
    return Outputs(summary={"escsim_version": "test", "seed": 2}, daily={"day": [0, 1]},
                   scenario={"name": "x"})


# --- --out DIR ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["summary.json", "daily.csv"])
def test_a_users_file_named_like_escsims_is_not_replaced(tmp_path, name):
    out = tmp_path / "mine"
    out.mkdir()
    (out / name).write_text("the user's own")
    before = snapshot(out)
    result = run("run", BASE, *TINY, "--out", out)
    assert result.exit_code == 2 and "no escsim marker" in result.stderr
    assert snapshot(out) == before


def test_an_edited_file_in_an_earlier_output_is_not_replaced(tmp_path):
    out = earlier_output(tmp_path / "res")
    with (out / "daily.csv").open("a") as fh:
        fh.write("my note\n")
    before = snapshot(out)
    result = run("run", BASE, *TINY, "--out", out)
    assert result.exit_code == 2 and "changed since escsim wrote them (daily.csv)" in \
        result.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize("added", ["NOTES.txt", "figs/plot.png"])
def test_files_added_during_the_run_survive_the_swap(tmp_path, added):
    """DIR is checked again at the swap: DIR is kept whole and the new result goes beside it."""
    out = earlier_output(tmp_path / "res")
    with StagedOutput(out) as staged:
        (out / added).parent.mkdir(exist_ok=True)
        (out / added).write_text("added while the run went on")
        before = snapshot(out)
        with pytest.raises(OutputError, match=r"left as it was; this run's result is in .*res-1"):
            staged.commit(tiny_outputs())
    assert snapshot(out) == before
    assert json.loads((tmp_path / "res-1" / "summary.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res", "res-1"]


def test_an_earlier_escsim_output_is_still_replaced(tmp_path):
    out = earlier_output(tmp_path / "res")
    result = run("run", BASE, *TINY, "--seed", "9", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / "summary.json").read_text())["seed"] == 9
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_stale_staging_folders_of_a_dead_escsim_are_removed(tmp_path):
    dead = 2 ** 22 + 12345  # above the largest pid Linux hands out by default
    mine = {"host": socket.gethostname(), "pid": dead}
    stale = tmp_path / f".res.tmp-{dead}-0123abcd"
    stale.mkdir()
    (stale / files.STAGING_FILE).write_text(json.dumps(mine))
    (stale / "runs.csv").write_text("gigabytes")
    alive = tmp_path / f".res.tmp-{os.getppid()}-0123abcd"  # a live process: left alone
    alive.mkdir()
    (alive / files.STAGING_FILE).write_text(json.dumps({**mine, "pid": os.getppid()}))
    unmarked = tmp_path / f".res.tmp-{dead}-4567abcd"  # not escsim's: left alone
    unmarked.mkdir()
    elsewhere = tmp_path / f".res.tmp-{dead}-89abcdef"  # another host's: left alone
    elsewhere.mkdir()
    (elsewhere / files.STAGING_FILE).write_text(json.dumps({**mine, "host": "other"}))
    earlier_output(tmp_path / "res")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["res", alive.name, unmarked.name, elsewhere.name])


def test_a_full_disk_while_abandoning_still_removes_the_staging_folder(tmp_path, monkeypatch):
    """Closing runs.csv on a full disk flushes, and fails: the folder must go all the same."""
    out = tmp_path / "a" / "b" / "res"

    class FullDisk:
        def write(self, text: str) -> int:
            return len(text)

        def close(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(KeyboardInterrupt), StagedOutput(out) as staged:
        staged.append_runs({"run": [0, 1]})
        staged._runs._csv = FullDisk()  # type: ignore[union-attr]
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []  # nor the folders a/ and a/b/ made for it


def test_enospc_mid_run_exits_1_with_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "res"
    real = files.RunsWriter.append

    def full(self, table):
        real(self, table)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.RunsWriter, "append", full)
    result = run("run", BASE, *TINY, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: --out {out}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ["dot", "cwd-parent", "dangling", "loop", "file"])
def test_impossible_out_dirs_are_refused_before_simulating(tmp_path, monkeypatch, no_simulation,
                                                           case):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    (tmp_path / "file").write_text("x")
    target, phrase = {"dot": (".", "current folder"),
                      "cwd-parent": (str(tmp_path.parent), "current folder"),
                      "dangling": ("dangling", "broken or looping symbolic link"),
                      "loop": ("loop", "broken or looping symbolic link"),
                      "file": ("file", "not a folder")}[case]
    if case == "cwd-parent":
        monkeypatch.chdir(tmp_path / "sub")
    result = run("run", BASE, *TINY, "--out", target)
    assert result.exit_code == 2, result.stderr
    assert phrase in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_symlink_to_an_output_folder_is_followed(tmp_path):
    real = earlier_output(tmp_path / "real")
    os.symlink(real, tmp_path / "link")
    result = run("run", BASE, *TINY, "--seed", "4", "--out", tmp_path / "link")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "link").is_symlink()
    assert json.loads((real / "summary.json").read_text())["seed"] == 4


@pytest.fixture
def mounted(tmp_path):
    """A small tmpfs (root only), unmounted afterwards."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_empty_mount_point_is_refused_before_simulating(mounted, no_simulation):
    result = run("run", BASE, *TINY, "--out", mounted)
    assert result.exit_code == 2 and "mount point" in result.stderr


@pytest.mark.parametrize("command", ["run", "report", "schema"])
def test_a_read_only_filesystem_is_refused_before_simulating(mounted, no_simulation, command):
    (mounted / "empty").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)
    target = {"run": mounted / "empty", "report": mounted / "r.html",
              "schema": mounted / "s.json"}[command]
    args = {"run": ["run", BASE, *TINY], "report": ["report", BASE, *TINY],
            "schema": ["schema"]}[command]
    result = run(*args, "--out", target)
    assert result.exit_code in (1, 2), result.stderr
    assert "Read-only file system" in result.stderr or "not a writable" in result.stderr
    assert "bug" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- --out FILE ----------------------------------------------------------------------------

FILE_COMMANDS = {
    "report": ["report", BASE, *TINY],
    "compare": ["compare", BASE, BASE, "--set", "actors.baku.nationalism=0.9", *TINY],
    "sweep": ["sweep", BASE, "--vary", "actors.baku.nationalism=0.2:0.8:2", *TINY],
    "schema": ["schema"],
}


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_out_file_never_replaces_an_input_even_with_force(tmp_path, command):
    scenario = tmp_path / "my.yaml"
    scenario.write_text(BASE.read_text(encoding="utf-8"))
    args = [scenario if a == BASE else a for a in FILE_COMMANDS[command]]
    before = scenario.read_bytes()
    result = run(*args, "--out", scenario, "--force")
    if command == "schema":  # schema reads no file: --force replaces it
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 2 and "is an input of this command" in result.stderr
    assert scenario.read_bytes() == before


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_out_file_replaces_a_foreign_file_only_with_force(tmp_path, command):
    target = tmp_path / "target"
    target.write_text("the user's own\n")
    refused = run(*FILE_COMMANDS[command], "--out", target)
    assert refused.exit_code == 2 and "escsim did not write it" in refused.stderr
    assert target.read_text() == "the user's own\n"
    forced = run(*FILE_COMMANDS[command], "--out", target, "--force")
    assert forced.exit_code == 0, forced.stderr
    again = run(*FILE_COMMANDS[command], "--out", target)  # now escsim's own: replaced
    assert again.exit_code == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_FILE, "target"]


def test_out_file_refuses_a_pipe(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("schema", "--out", fifo, "--force")
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_the_atomic_writer_keeps_a_new_files_usual_mode_and_leaves_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        files.write_file_atomic(tmp_path / "x.txt", "text")
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(old)
    assert (tmp_path / "x.txt").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_FILE, "x.txt"]
