"""Memory is bounded: fewer runs never need more memory, and incident types are capped.

Peak memory is the child's peak resident set (``getrusage``), taken from a fresh process per
run, so the figures do not depend on what this test process holds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.scenario.schema import MAX_INCIDENT_TYPES

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_kb(*args: str) -> int:
    escsim = str(Path(sys.executable).with_name("escsim"))
    done = subprocess.run([sys.executable, "-c", PEAK, escsim, *args], capture_output=True,
                          text=True, timeout=600, check=True)
    return int(done.stdout.split()[-1])


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux")
def test_one_run_needs_no_more_memory_than_two_thousand():
    """Draws are sized for the random blocks drawn, not for a full block per simulated run."""
    common = ("run", str(BASE), "--workers", "1", "--json")
    one = peak_kb(*common, "--runs", "1", "--days", "3650")
    many = peak_kb(*common, "--runs", "2000")  # the scenario's 365 days
    print(f"peak RSS: 1 run x 3650 days {one / 1024:.0f} MB, 2000 runs x 365 days "
          f"{many / 1024:.0f} MB")
    assert one <= 1.5 * many


def incidents_text(n: int) -> str:
    base = BASE.read_text(encoding="utf-8")
    block = "incidents:\n" + "".join(
        f"  inc_{i}:\n    rate_per_year: 1.0\n    perpetrator: moscow\n    victim: baku\n"
        f"    cameo: \"173\"\n" for i in range(n))
    text, found = re.subn(r"^incidents:\n(?:(?:[ #].*)?\n)*", block, base, count=1,
                          flags=re.MULTILINE)
    assert found == 1
    return text


@pytest.mark.parametrize("n", [MAX_INCIDENT_TYPES, 200])
def test_incident_types_are_capped(tmp_path, n):
    path = tmp_path / "many.yaml"
    path.write_text(incidents_text(n), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    if n <= MAX_INCIDENT_TYPES:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2
        assert f"incidents — has {n} entries; must have 0 to {MAX_INCIDENT_TYPES}" in \
            result.stderr


@pytest.mark.slow
def test_compare_memory_is_flat_in_runs():
    """compare keeps counts and paired moments, never per-run arrays: four times the runs
    (past the largest chunk) need no more memory."""
    import tracemalloc

    from escalation_sim.analysis.compare import Variant, compare
    from escalation_sim.engine.ensemble import MAX_CHUNK_RUNS
    from escalation_sim.engine.executors import LocalExecutor
    from escalation_sim.scenario.load import load_scenario

    variants = [Variant(name, load_scenario(name, ["horizon_days=5"]))
                for name in ("base", "all_levers")]
    compare(variants, MAX_CHUNK_RUNS, 1, executor=LocalExecutor(1))  # caches warm
    peaks = []
    for runs in (2 * MAX_CHUNK_RUNS, 8 * MAX_CHUNK_RUNS):
        tracemalloc.start()
        result = compare(variants, runs, 1, executor=LocalExecutor(1))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert all(r.runs is None for r in result.results)
    print(f"compare peak: {peaks[0] / 1e6:.0f} MB at 2 chunks, {peaks[1] / 1e6:.0f} MB at 8")
    assert peaks[1] <= 1.2 * peaks[0]
