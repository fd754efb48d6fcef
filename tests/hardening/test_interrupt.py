"""Ctrl-C during ``escsim run --out DIR``: prompt exit 130, one line, DIR whole or untouched.

The run is started in its own process group and the group is sent SIGINT, as a terminal does
on Ctrl-C, so the worker processes receive it too. (Other signals, dead and stopped workers:
``test_signals.py``.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from escalation_sim.output import files

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
ESCSIM = Path(sys.executable).with_name("escsim")
LONG = ("--runs", "2000000", "--workers", "2")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT")


def _default_sigint() -> None:
    # A shell that starts jobs in the background ignores SIGINT in them; a user's Ctrl-C does not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args: object) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen([str(ESCSIM), "run", str(BASE), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)


def wait_for(ready: Callable[[], bool], proc: subprocess.Popen[str], limit: float = 60) -> None:
    """Wait until ``ready()`` (e.g. the run has begun writing), while the process runs."""
    deadline = time.monotonic() + limit
    while not ready():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "escsim did not get going"
        time.sleep(0.05)


def staging(folder: Path) -> list[Path]:
    """The staging folders of escsim in ``folder``."""
    return [p for p in folder.iterdir() if ".tmp-" in p.name]


def interrupt(proc: subprocess.Popen[str], after: float,
              ready: Callable[[], bool] | None = None) -> tuple[int, str, float]:
    """Send the process group SIGINT ``after`` seconds after ``ready()``; (code, stderr, s)."""
    if ready is not None:
        wait_for(ready, proc)
    time.sleep(after)
    assert proc.poll() is None, proc.communicate()[1]  # still working: a long run
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    try:
        _, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("escsim did not stop within 30 s of SIGINT")
    return proc.returncode, stderr, time.monotonic() - sent


def no_worker_left(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def check_one_line(stderr: str, expected: str) -> None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert lines == [expected], stderr


def test_sigint_before_any_output_leaves_nothing(tmp_path):
    out = tmp_path / "result"
    proc = start(*LONG, "--out", out)
    code, stderr, took = interrupt(proc, after=0.5, ready=lambda: bool(staging(tmp_path)))
    assert code == 130
    check_one_line(stderr, f"error: interrupted — nothing written to {out}")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left either
    print(f"stopped {took:.2f} s after SIGINT")
    deadline = time.monotonic() + 10
    while not no_worker_left(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert no_worker_left(proc.pid), "worker processes outlived the interrupted run"


@pytest.mark.slow
def test_sigint_keeps_the_previous_result_intact(tmp_path):
    out = tmp_path / "result"
    first = subprocess.run([str(ESCSIM), "run", str(BASE), "--runs", "300", "--days", "30",
                            "--seed", "5", "--out", str(out), "--quiet"],
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert files.SUMMARY_FILE in before and files.SCENARIO_FILE in before

    proc = start(*LONG, "--out", out)
    code, stderr, _ = interrupt(proc, after=0.5, ready=lambda: bool(staging(tmp_path)))
    assert code == 130
    check_one_line(stderr, f"error: interrupted — {out} left as it was (the earlier result)")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["result"]  # no temp folders beside it
    assert json.loads(before[files.SUMMARY_FILE])["runs"] == 300


def test_sigint_without_out_says_interrupted(tmp_path):
    proc = start("--runs", "2000000", "--workers", "1", "--json")
    code, stderr, _ = interrupt(proc, after=2.0)
    assert code == 130
    check_one_line(stderr, "error: interrupted")


def test_every_command_turns_ctrl_c_into_one_line(monkeypatch, tmp_path):
    """Whatever a command is doing, Ctrl-C gives exit 130 and one line (here: validate)."""
    from typer.testing import CliRunner

    from escalation_sim.cli.app import app
    from escalation_sim.commands import common as commands_common
    from escalation_sim.scenario import load as scenario_load

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    for module in (scenario_load, commands_common):  # the commands' loader holds its own name
        monkeypatch.setattr(module, "load_scenario", interrupted)
    result = CliRunner().invoke(app, ["validate", str(BASE)])
    assert result.exit_code == 130
    check_one_line(result.stderr, "error: interrupted")


def test_ctrl_c_during_the_swap_completes_it_and_says_so(monkeypatch, tmp_path):
    """SIGINT while the new folder replaces the old one: the swap finishes, then the run stops."""
    from typer.testing import CliRunner

    from escalation_sim.cli.app import app

    out = tmp_path / "result"
    runner = CliRunner()
    fast = ["run", str(BASE), "--runs", "50", "--days", "10", "--workers", "1", "--quiet",
            "--out", str(out)]
    assert runner.invoke(app, [*fast, "--seed", "1"]).exit_code == 0
    real_rename = files.os.rename
    calls = []

    def rename(src, dst):
        calls.append(dst)
        if len(calls) == 1:  # the earlier folder is being moved aside: Ctrl-C now
            os.kill(os.getpid(), signal.SIGINT)
        real_rename(src, dst)

    monkeypatch.setattr(files.os, "rename", rename)
    result = runner.invoke(app, [*fast, "--seed", "2"])
    assert result.exit_code == 130, result.stderr
    check_one_line(result.stderr, f"error: interrupted — {out} holds this run's complete result")
    assert len(calls) == 2  # the swap went through
    assert json.loads((out / files.SUMMARY_FILE).read_text(encoding="utf-8"))["seed"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["result"]
