"""escsim ends cleanly whatever stops it: Ctrl-C at any moment, SIGTERM, SIGHUP, SIGKILL, a
worker that dies or is stopped, a full disk. No hang, no worker left, no staging folder left.

Each run starts in its own process group with SIGINT at its default, as from a terminal.
Ctrl-C is sent to the whole group (as a terminal does), SIGTERM and SIGHUP to escsim alone (as
``kill``, ``timeout`` or a closed terminal's shell do). The number of random Ctrl-C trials is
``ESCSIM_CTRL_C_TRIALS`` (default 3; the stress figure is taken with 30).

The time bounds below catch hangs; they are not speed measurements.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
ESCSIM = Path(sys.executable).with_name("escsim")
LONG = ("--runs", "2000000", "--workers", "2")
HANG_S = 15.0
"""A run not over this long after the signal is taken to hang."""
TRIALS = int(os.environ.get("ESCSIM_CTRL_C_TRIALS", "3"))

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="process groups, /proc and PR_SET_PDEATHSIG")


def _terminal_like() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


PYTHON_M = (sys.executable, "-m", "escalation_sim")
"""The other way in: ``python -m escalation_sim`` (docs/api.md), the same entry point."""


def start(*args: object, cwd: Path | None = None,
          launcher: tuple[str, ...] = (str(ESCSIM),)) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ESCSIM_DEBUG", None)
    return subprocess.Popen([*launcher, *map(str, args)], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_terminal_like)


def processes() -> dict[int, tuple[str, int, int]]:
    """Every process but zombies: pid -> (state, parent pid, process group), from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid, pgrp = stat[stat.rfind(")") + 2:].split()[:3]
        if state not in ("Z", "X"):
            found[int(entry.name)] = (state, int(ppid), int(pgrp))
    return found


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid``."""
    return sorted(p for p, (_, ppid, _) in processes().items() if ppid == pid)


def signal_mask(pid: int, field: str) -> int:
    """A signal mask of ``pid`` from /proc (``SigCgt``: caught, ``SigIgn``: ignored); 0 if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(re.search(rf"^{field}:\s*([0-9a-f]+)", status, re.MULTILINE)[1], 16)


def handles_sigterm(pid: int) -> bool:
    """Whether ``pid`` catches SIGTERM: escsim's handlers are in (its very first step).

    Before that, Python itself is starting (under a second): a Ctrl-C then is Python's.
    """
    return bool(signal_mask(pid, "SigCgt") >> (signal.SIGTERM - 1) & 1)


def group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process is left in process group ``pgid``."""
    return any(pgrp == pgid for _, _, pgrp in processes().values())


def wait_until(check, proc: subprocess.Popen[str] | None, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"escsim ended early: {proc.communicate()[1]}")
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def finish(proc: subprocess.Popen[str], limit: float = HANG_S) -> tuple[int, str, float]:
    """Wait for escsim to end; (exit code, stderr, seconds). Fails (and kills it) on a hang."""
    sent = time.monotonic()
    try:
        _, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"escsim still running {limit:.0f} s after the signal")
    return proc.returncode, stderr, time.monotonic() - sent


def no_worker_left(pgid: int) -> None:
    deadline = time.monotonic() + 5
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(pgid), "worker processes outlived escsim"


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def staging(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_ctrl_c_at_a_random_moment(tmp_path, trial):
    """Any moment: start-up, the pool starting, mid-run (two workers, results in flight).

    Every third trial presses Ctrl-C twice, the second time while escsim cleans up.
    """
    rng = random.Random(trial)
    out = tmp_path / "result"
    proc = start("run", BASE, *LONG, "--out", out)
    if trial % 3 == 0:  # during start-up (imports), once escsim's first line has run
        wait_until(lambda: handles_sigterm(proc.pid), proc)
        time.sleep(rng.uniform(0.0, 0.6))
    else:
        wait_until(lambda: len(children(proc.pid)) >= 2, proc)
        time.sleep(rng.uniform(0.0, 2.0))
    assert proc.poll() is None
    os.killpg(proc.pid, signal.SIGINT)
    if trial % 3 == 2:
        time.sleep(rng.uniform(0.0, 0.2))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
    code, stderr, took = finish(proc)
    print(f"trial {trial}: exit {code} {took:.2f} s after SIGINT")
    assert code == 130, stderr
    assert one_line(stderr).startswith("error: interrupted")
    no_worker_left(proc.pid)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("signum", "code", "name"), [(signal.SIGTERM, 143, "SIGTERM"),
                                                     (signal.SIGHUP, 129, "SIGHUP")])
def test_sigterm_and_sighup_end_like_ctrl_c(tmp_path, signum, code, name):
    out = tmp_path / "a" / "b"
    proc = start("run", BASE, *LONG, "--out", out)
    wait_until(lambda: len(children(proc.pid)) >= 2, proc)
    time.sleep(0.5)
    proc.send_signal(signum)  # escsim alone, not its group: the workers must be ended by it
    got, stderr, _ = finish(proc)
    assert got == code, stderr
    assert one_line(stderr) == f"error: stopped by {name} — nothing written to {out}"
    no_worker_left(proc.pid)
    assert list(tmp_path.iterdir()) == []  # no staging folder, and not the new folder a/


@pytest.mark.parametrize("launcher", [(str(ESCSIM),), PYTHON_M], ids=["escsim", "python-m"])
def test_python_m_handles_sigterm_like_escsim(tmp_path, launcher):
    """``python -m escalation_sim`` installs the same handlers: SIGTERM, at start-up or during
    a run, gives exit 143 and its one line."""
    early = start("run", BASE, *LONG, launcher=launcher)
    wait_until(lambda: handles_sigterm(early.pid), early)  # its very first step
    early.send_signal(signal.SIGTERM)
    got, stderr, _ = finish(early)
    assert got == 143, stderr
    assert one_line(stderr).startswith("error: stopped by SIGTERM")
    late = start("run", BASE, *LONG, "--out", tmp_path / "out", launcher=launcher)
    wait_until(lambda: len(children(late.pid)) >= 2, late)
    late.send_signal(signal.SIGTERM)
    got, stderr, _ = finish(late)
    assert got == 143, stderr
    assert one_line(stderr) == f"error: stopped by SIGTERM — nothing written to {tmp_path / 'out'}"
    no_worker_left(late.pid)


@pytest.mark.slow
def test_sigkill_of_escsim_ends_its_workers_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "result"
    proc = start("run", BASE, *LONG, "--out", out)
    wait_until(lambda: len(children(proc.pid)) >= 2, proc)
    proc.kill()
    proc.communicate()
    no_worker_left(proc.pid)  # within 5 s
    assert staging(tmp_path)  # nothing could remove it: the next --out here does
    again = subprocess.run([str(ESCSIM), "run", str(BASE), "--runs", "50", "--days", "10",
                            "--workers", "1", "--quiet", "--out", str(out)],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["result"]


def test_a_killed_worker_is_reported_as_such(tmp_path):
    proc = start("run", BASE, *LONG)
    wait_until(lambda: len(children(proc.pid)) >= 2, proc)
    os.kill(children(proc.pid)[0], signal.SIGKILL)  # as the out-of-memory killer does
    code, stderr, _ = finish(proc)
    assert code == 1
    assert one_line(stderr) == ("error: a worker process died (signal 9, SIGKILL; out of "
                                "memory?); the run was stopped")
    no_worker_left(proc.pid)


@pytest.mark.slow
def test_a_stopped_worker_fails_the_run_instead_of_stalling_it(tmp_path):
    proc = start("run", BASE, *LONG)
    wait_until(lambda: len(children(proc.pid)) >= 2, proc)
    stopped = children(proc.pid)[0]
    os.kill(stopped, signal.SIGSTOP)
    code, stderr, _ = finish(proc)
    assert code == 1
    assert one_line(stderr) == (f"error: a worker process (pid {stopped}) has been stopped for "
                                "5 s (SIGSTOP?); the run was stopped")
    no_worker_left(proc.pid)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs (root only), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (test_files.py injects ENOSPC instead)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_ends_promptly_with_one_line_and_leaves_nothing(small_disk):
    out = small_disk / "result"
    proc = start("run", BASE, "--runs", "200000", "--days", "60", "--workers", "2",
                 "--out", out)
    try:
        code, stderr, _ = proc.wait(timeout=300), proc.communicate()[1], 0
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("escsim hung on a full disk")
    assert code == 1, stderr
    assert one_line(stderr) == f"error: --out {out}: cannot write: No space left on device"
    no_worker_left(proc.pid)
    assert list(small_disk.iterdir()) == []


@pytest.mark.slow
def test_ctrl_c_with_a_local_dask_cluster_gives_one_line(tmp_path):
    """The cluster's worker processes ignore Ctrl-C: no tracebacks of theirs."""
    pytest.importorskip("distributed")
    proc = start("run", BASE, "--runs", "2000000", "--workers", "2", "--executor", "dask")
    wait_until(lambda: len(children(proc.pid)) >= 3, proc)  # a resource tracker, 2 workers
    time.sleep(5)  # the workers are computing
    for pid in children(proc.pid):  # whatever moment a Ctrl-C comes, they ignore it
        assert signal_mask(pid, "SigIgn") >> (signal.SIGINT - 1) & 1, f"worker {pid}"
    os.killpg(proc.pid, signal.SIGINT)
    code, stderr, took = finish(proc, limit=90)  # the cluster lets running chunks finish
    print(f"dask: exit {code} {took:.1f} s after SIGINT")
    assert code == 130, stderr
    assert one_line(stderr) == "error: interrupted"
    no_worker_left(proc.pid)


# --- signals as escsim finishes -------------------------------------------------------------

SHUTDOWN_TRIALS = int(os.environ.get("ESCSIM_SHUTDOWN_TRIALS", "8"))
"""Signals sent around the moment a short run finishes (the stress figure is taken with 40;
``ESCSIM_SHUTDOWN_SEED`` draws other moments)."""
LATE_SIGNAL = """
import os, signal, sys, threading
from escalation_sim.cli import app as app_module, main as entry

def command(prog_name):  # a command that has finished, with a thread still to end
    print("result", flush=True)
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
    sys.exit(0)

app_module.app = command
entry.main()
"""


def test_a_signal_after_the_command_has_ended_kills_nothing():
    """Once the command is over escsim leaves at once with its code: the handlers are still
    in place, and no thread or library hook keeps the process in Python's shutdown."""
    done = subprocess.run([sys.executable, "-c", LATE_SIGNAL], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert done.stdout == "result\n" and done.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(SHUTDOWN_TRIALS))
def test_a_signal_as_a_run_finishes_ends_it_with_its_line(tmp_path, trial):
    """A signal in the last moments — the result written, the pool gone, escsim exiting —
    gives exit 0 (it came too late to matter) or 128 + n with its ``error:`` line; escsim is
    never killed by it."""
    rng = random.Random(int(os.environ.get("ESCSIM_SHUTDOWN_SEED", "100")) + trial)
    signum = (signal.SIGINT, signal.SIGTERM)[trial % 2]
    out = tmp_path / "result"
    proc = start("run", BASE, "--runs", "400", "--days", "60", "--workers", "2", "--out", out)
    wait_until(lambda: handles_sigterm(proc.pid), proc)
    started = time.monotonic()
    while proc.poll() is None and not (out / "summary.json").exists():
        assert time.monotonic() - started < 60
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.15))  # the result is in place: escsim is finishing
    if proc.poll() is None:
        (os.killpg if signum == signal.SIGINT else os.kill)(proc.pid, signum)
    code, stderr, took = finish(proc)
    print(f"shutdown trial {trial}: {signal.Signals(signum).name}, exit {code}, "
          f"{took:.2f} s")
    assert code in (0, 128 + signum), (code, stderr)  # never killed by the signal (< 0)
    if code:
        assert one_line(stderr).startswith("error: ")
    assert (out / "summary.json").is_file()  # the complete result stays
    no_worker_left(proc.pid)


@pytest.mark.slow
def test_ctrl_c_as_a_dask_run_finishes_exits_promptly(tmp_path):
    """The cluster's shutdown is bounded, and a Ctrl-C during it waits for it, then exits."""
    pytest.importorskip("distributed")
    out = tmp_path / "result"
    proc = start("run", BASE, "--runs", "2000", "--days", "30", "--workers", "2",
                 "--executor", "dask", "--out", out)
    started = time.monotonic()
    while proc.poll() is None and not (out / "summary.json").exists():
        assert time.monotonic() - started < 120
        time.sleep(0.01)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    code, stderr, took = finish(proc, limit=30)
    print(f"dask shutdown: exit {code} {took:.1f} s after SIGINT")
    assert code in (0, 130), (code, stderr)
    assert took < 8.0  # it took about 10 s
    if code:
        assert one_line(stderr).startswith("error: interrupted")
    no_worker_left(proc.pid)
