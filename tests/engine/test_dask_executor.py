"""The Dask executor gives the local executor's answer: LocalCluster, real scheduler, lost worker.

To check another command on Dask, add its arguments to ``CLI_CASES``: the case runs once on the
local executor and once on the shared 2-worker LocalCluster, and the JSON must be identical
apart from ``VOLATILE`` keys.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from multiprocessing import resource_tracker
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")

import psutil  # noqa: E402  (a dependency of distributed)
from typer.testing import CliRunner  # noqa: E402

from escalation_sim.analysis.summary import summarize  # noqa: E402
from escalation_sim.cli.app import app  # noqa: E402
from escalation_sim.engine import ensemble  # noqa: E402
from escalation_sim.engine.dask_executor import DaskExecutor  # noqa: E402
from escalation_sim.engine.ensemble import Point, evaluate  # noqa: E402
from escalation_sim.engine.executors import LocalExecutor, make_executor  # noqa: E402
from escalation_sim.engine.rng import RNG_BLOCK  # noqa: E402
from escalation_sim.scenario.load import load_scenario  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
LEVERS = REPO / "scenarios" / "all_levers.yaml"
BIN = Path(sys.executable).parent
FAST = ("--runs", "3000", "--days", "60", "--seed", "11")
CHUNK = RNG_BLOCK
"""Small chunks, so every ensemble here is several tasks."""
VOLATILE = {"timing"}
"""JSON keys that may differ between executors (wall-clock figures and worker counts)."""

CLI_CASES = [
    pytest.param(("run", BASE, *FAST), id="run"),
    pytest.param(("run", BASE, *FAST, "--set", "actors.baku.nationalism=0.9"), id="run-set"),
    pytest.param(("compare", BASE, LEVERS, *FAST), id="compare"),
    pytest.param(("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:3", "--runs", "1000",
                  "--days", "60", "--seed", "11"), id="sweep"),
    pytest.param(("sensitivity", BASE, "--param", "actors.baku.nationalism=0:1", "--param",
                  "issues.karabakh.heat=0:1", "--samples", "4", "--runs", "64", "--days", "30",
                  "--seed", "11"), id="sensitivity"),
]


def stable(data):
    """The JSON without its ``VOLATILE`` keys, at any depth."""
    if isinstance(data, dict):
        return {k: stable(v) for k, v in data.items() if k not in VOLATILE}
    if isinstance(data, list):
        return [stable(v) for v in data]
    return data


def cli_json(*args, env: dict[str, str] | None = None) -> dict:
    """Run escsim in-process with ``--json``; the parsed stdout."""
    result = CliRunner().invoke(app, [str(a) for a in (*args, "--json")], env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes, shared by this module."""
    with DaskExecutor(workers=2) as executor:
        yield executor


@pytest.fixture
def small_chunks(monkeypatch):
    """Commands run in-process split their runs into ``CHUNK``-run tasks."""
    for func in (ensemble.evaluate, ensemble.simulate):
        monkeypatch.setitem(func.__kwdefaults__, "chunk_runs", CHUNK)


def points() -> list[Point]:
    """Three points as a sweep makes them: one seed (common random numbers), one value varied."""
    return [Point(load_scenario(BASE, ["horizon_days=60", f"actors.baku.nationalism={v}"]), 11)
            for v in (0.4, 0.6, 0.9)]


def assert_same(local, dask) -> None:
    """Per-run arrays and summaries of two ``evaluate`` results are identical."""
    assert len(local) == len(dask)
    for a, b in zip(local, dask, strict=True):
        assert a.runs.keys() == b.runs.keys()
        for name in a.runs:
            np.testing.assert_array_equal(a.runs[name], b.runs[name], err_msg=name)
        assert stable(summarize(a)) == stable(summarize(b))


@pytest.mark.slow
@pytest.mark.parametrize("args", CLI_CASES)
def test_cli_on_local_cluster_matches_local(args, cluster, small_chunks):
    local = cli_json(*args, "--executor", "local", "--workers", "1")
    dask = cli_json(*args, "--executor", "dask", "--scheduler", cluster.client.scheduler.address)
    assert stable(dask) == stable(local)


def child_pids() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True) if p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE}


def test_run_starts_and_stops_its_own_local_cluster(small_chunks):
    # multiprocessing's resource tracker, started with the cluster's first worker, serves the
    # test process for the rest of its life: it is no process of the cluster's
    resource_tracker.ensure_running()
    before = child_pids()
    result = CliRunner().invoke(app, ["run", str(BASE), *FAST, "--json", "--executor", "dask",
                                      "--workers", "2"])
    assert result.exit_code == 0, result.stderr
    deadline = time.monotonic() + 30
    while child_pids() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not child_pids() - before  # the cluster's processes are gone
    assert result.stderr == ""  # quiet: no Dask logging
    dask = json.loads(result.stdout)
    assert "timing" not in dask  # the same bytes as a local run's (compared below)
    assert stable(dask) == stable(cli_json("run", BASE, *FAST, "--workers", "1"))


def test_evaluate_of_several_points_matches_local(cluster):
    runs = 2 * CHUNK + 500  # two whole chunks and a short one per point
    local = evaluate(points(), runs, executor=LocalExecutor(1), keep_runs=True, chunk_runs=CHUNK)
    dask = evaluate(points(), runs, executor=cluster, keep_runs=True, chunk_runs=CHUNK)
    assert_same(local, dask)


def test_results_stream_back_with_a_bounded_number_in_flight(cluster):
    tasks = [(((p.scenario, p.seed),), k * CHUNK, CHUNK) for p in points() for k in range(4)]
    seen, held = [], []
    for index, _ in cluster.map(tasks):
        seen.append(index)
        held.append(len(cluster.client.run_on_scheduler(_escsim_tasks)))
    assert sorted(seen) == list(range(len(tasks)))
    # 2 per worker in flight, plus finished chunks whose release is still on its way
    assert max(held) <= 2 * cluster.workers + 2 < len(tasks)


def _escsim_tasks(dask_scheduler):
    """Keys of escsim chunks the scheduler holds (run on the scheduler)."""
    return [k for k in dask_scheduler.tasks if str(k).startswith("escsim-chunk-")]


def test_interrupt_cancels_submitted_chunks(cluster):
    tasks = [(((p.scenario, p.seed),), first, CHUNK) for p in points() for first in (0, CHUNK)]
    stream = cluster.map(tasks)
    next(stream)
    with pytest.raises(KeyboardInterrupt):
        stream.throw(KeyboardInterrupt)
    deadline = time.monotonic() + 30
    while cluster.client.run_on_scheduler(_escsim_tasks) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cluster.client.run_on_scheduler(_escsim_tasks) == []


def test_killing_a_worker_mid_run_still_gives_the_same_answer(cluster):
    runs = 3 * CHUNK
    killed: list[int] = []

    def kill_a_busy_worker(_finished: int) -> None:
        if killed:
            return
        busy = [w for w, keys in cluster.client.processing().items() if keys]
        if not busy:
            return
        pids = cluster.client.run(os.getpid, workers=busy[:1])
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    dask = evaluate(points(), runs, executor=cluster, keep_runs=True, chunk_runs=CHUNK,
                    progress=kill_a_busy_worker)
    assert len(killed) == 1
    local = evaluate(points(), runs, executor=LocalExecutor(1), keep_runs=True, chunk_runs=CHUNK)
    assert_same(local, dask)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"dask scheduler did not listen on {port}: {log.read_text()}")


@pytest.mark.slow
def test_real_scheduler_and_worker_processes(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p)}
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []
    try:
        for name, cmd in (
                ("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"]),
                ("worker", ["worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                            "--nworkers", "1", "--no-dashboard"])):
            log = tmp_path / f"{name}.log"
            procs.append(subprocess.Popen([str(BIN / "dask"), *cmd], env=env, cwd=tmp_path,
                                          stdout=log.open("w"), stderr=subprocess.STDOUT))
            if name == "scheduler":
                wait_for_port(port, procs[0], log)
        args = ["run", str(BASE), "--runs", "9000", "--days", "30", "--seed", "11", "--json"]
        done = subprocess.run([str(BIN / "escsim"), *args, "--executor", "dask",
                               "--scheduler", address], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert stable(json.loads(done.stdout)) == stable(cli_json(*args[:-1], "--workers", "1"))
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_unreachable_scheduler_is_one_line_and_exit_1():
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(app, ["run", str(BASE), "--runs", "10", "--executor", "dask",
                                      "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], result.stderr
    assert "dask scheduler" in lines[0]


def test_malformed_scheduler_address_is_bad_input():
    result = CliRunner().invoke(app, ["run", str(BASE), "--runs", "10", "--executor", "dask",
                                      "--scheduler", "cluster-head"])
    assert result.exit_code == 2
    assert "tcp://HOST:PORT" in result.stderr


def test_missing_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(Exception, match=r"pip install 'escsim\[dask\]'"):
        make_executor("dask", workers=1)
    result = CliRunner().invoke(app, ["run", str(BASE), "--runs", "10", "--executor", "dask"])
    assert result.exit_code == 1
    assert "pip install 'escsim[dask]'" in result.stderr


def test_escsim_does_not_import_dask_until_asked():
    code = ("import sys, escalation_sim.cli.app; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
