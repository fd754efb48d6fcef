"""The engine against a plain Mesa implementation of the same model, side by side.

Usage: python benchmarks/bench_vs_mesa.py [SCENARIO] [--repeat K] [--mesa-runs N] [--quick]

Prints, for the scenario (default scenarios/base.yaml):

- engine and Mesa reference (``mesa_reference.py``) on one core: runs/s, actor-days/s, cost per
  run-day, and the ratio (Mesa is measured on a few runs and extrapolated per run-day);
- the engine's scaling in runs (1k, 10k, 100k at 365 days) and in days (90, 365, 730 at 10k);
- 1 against 2 worker processes at 100k runs, and whether their results are identical;
- peak memory (peak RSS of a fresh process) of 10k against 1M runs, without and with ``--out``.

Times are best of ``--repeat`` wall-clock runs (CPU seconds of this process in brackets, which
other jobs on the machine disturb less). This is a measurement, not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_engine import machine  # noqa: E402
from mesa_reference import run_reference  # noqa: E402

from escalation_sim.engine.ensemble import simulate  # noqa: E402
from escalation_sim.scenario.load import load_scenario  # noqa: E402

MEMORY_SCRIPT = """
import sys
from escalation_sim.cli.app import main
sys.argv = ["escsim", "run", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
# VmHWM: peak RSS of this process image (ru_maxrss would include the parent's, kept over exec)
with open("/proc/self/status") as fh:
    print(next(line.split()[1] for line in fh if line.startswith("VmHWM")), file=sys.stderr)
"""


def timed(fn, repeat: int) -> tuple[float, float, object]:  # noqa: ANN001
    """Best wall and CPU seconds of ``repeat`` calls, and the last result."""
    wall = cpu = float("inf")
    result = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, result


def row(label: str, runs: int, days: int, actors: int, wall: float, cpu: float | None) -> str:
    run_days = runs * days
    cpu_text = f"({cpu:7.2f})" if cpu is not None else " " * 9
    return (f"  {label:<22} {runs:>9,} {days:>5} {wall:9.3f} {cpu_text} {runs / wall:>11,.0f} "
            f"{run_days * actors / wall / 1e6:>9.2f} {wall / run_days * 1e9:>10,.0f}")


HEADER = (f"  {'':<22} {'runs':>9} {'days':>5} {'wall s':>9} {'(cpu s)':>9} {'runs/s':>11} "
          f"{'M a-d/s':>9} {'ns/run-day':>10}")


def engine_time(path: str, runs: int, days: int, repeat: int, workers: int = 1):  # noqa: ANN201
    scenario = load_scenario(path, [f"horizon_days={days}"])
    return timed(lambda: simulate(scenario, runs=runs, workers=workers), repeat)


def fingerprint(result) -> tuple:  # noqa: ANN001
    agg = result.aggregate
    return (agg.outcomes.tobytes(),
            tuple((k, np.asarray(m.total).tobytes(), np.asarray(m.squares).tobytes())
                  for k, m in sorted(agg.moments.items())),
            tuple((k, v.tobytes()) for k, v in sorted(agg.daily.items())))


def peak_rss_mb(path: str, runs: int, out: bool) -> float:
    """Peak RSS (MB) of a fresh ``escsim run`` process (Linux: ``VmHWM``)."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [path, "--runs", str(runs), "--workers", "1", "--quiet"]
        if out:
            args += ["--out", str(Path(tmp) / "out")]
        proc = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, *args], check=True,
                              capture_output=True, text=True, env=os.environ.copy())
    return int(proc.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/base.yaml")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mesa-runs", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    ap.add_argument("--no-memory", action="store_true", help="skip the 1M-run memory runs")
    args = ap.parse_args()
    path, repeat = args.scenario, args.repeat
    scenario = load_scenario(path)
    actors = len(scenario.actors)
    scale = 10 if args.quick else 1
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"scenario: {path}  actors={actors}")

    print("\nEngine against the Mesa reference, one core, 365 days")
    print(HEADER)
    runs = 10_000 // scale
    e_wall, e_cpu, _ = engine_time(path, runs, 365, repeat)
    print(row("engine (1 worker)", runs, 365, actors, e_wall, e_cpu))
    mesa_scenario = load_scenario(path, ["horizon_days=365"])
    m_wall, m_cpu, _ = timed(lambda: run_reference(mesa_scenario, args.mesa_runs, seed=1), 1)
    print(row("Mesa reference", args.mesa_runs, 365, actors, m_wall, m_cpu))
    per_run_day = m_wall / (args.mesa_runs * 365)
    print(f"  Mesa extrapolated to {runs:,} runs x 365 days: {per_run_day * runs * 365:,.0f} s; "
          f"engine/Mesa speed ratio per run-day: {per_run_day / (e_wall / (runs * 365)):,.0f}x "
          f"(CPU: {(m_cpu / (args.mesa_runs * 365)) / (e_cpu / (runs * 365)):,.0f}x)")

    print("\nEngine scaling in runs (365 days, 1 worker)")
    print(HEADER)
    for runs in (1_000, 10_000, 100_000):
        runs //= scale
        wall, cpu, _ = engine_time(path, runs, 365, repeat if runs <= 10_000 else 1)
        print(row("runs", runs, 365, actors, wall, cpu))

    print("\nEngine scaling in days (10k runs, 1 worker)")
    print(HEADER)
    for days in (90, 365, 730):
        wall, cpu, _ = engine_time(path, 10_000 // scale, days, repeat)
        print(row("days", 10_000 // scale, days, actors, wall, cpu))

    print("\nWorkers (100k runs, 365 days)")
    print(HEADER)
    runs = 100_000 // scale
    w1, c1, r1 = engine_time(path, runs, 365, 1, workers=1)
    print(row("1 worker", runs, 365, actors, w1, c1))
    w2, _, r2 = engine_time(path, runs, 365, 1, workers=2)
    print(row("2 workers", runs, 365, actors, w2, None))
    same = fingerprint(r1) == fingerprint(r2)
    print(f"  speed-up with 2 workers: {w1 / w2:.2f}x; results identical to 1 worker: {same}")

    if not args.no_memory:
        print("\nPeak memory (peak RSS of a fresh `escsim run` process, 1 worker)")
        big = 1_000_000 // scale
        for out in (False, True):
            small_mb, big_mb = peak_rss_mb(path, 10_000, out), peak_rss_mb(path, big, out)
            label = "with --out" if out else "summary only"
            print(f"  {label:<13} 10,000 runs: {small_mb:6.0f} MB   {big:,} runs: {big_mb:6.0f} MB"
                  f"   ratio {big_mb / small_mb:.2f}")
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
