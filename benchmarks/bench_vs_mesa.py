"""The engine against a plain Mesa implementation of model 3, side by side.

Usage: python benchmarks/bench_vs_mesa.py [SCENARIO] [--repeat K] [--mesa-runs N] [--quick]
       [--only mesa,runs,days,workers,memory]

Prints, for the scenario (default scenarios/base.yaml):

- the cost per run-day on one core at 365 days of the engine at the Mesa reference's own run
  count (``--mesa-runs``: equal sizes), at 1,000 and at 10,000 runs, and of the Mesa reference
  (``mesa_reference.py``) on its ``--mesa-runs`` runs, every label with its run count, and the
  Mesa/engine ratio per run-day at each engine size. The engine pays some
  costs once per call or chunk (the calendar, the parameter compilation, the kernel's call) and
  others per run in cache-sized batches, so its cost per run-day depends on the run count; Mesa's
  does not (each run is its own model), so the ratio is stated for each engine size, not
  extrapolated from one. Both run the scenario's point values (no per-run draws), after a
  warm-up that loads the compiled code;
- the engine's scaling in runs (1k, 10k, 100k at 365 days) and in days (90, 365, 730 at 10k);
- 1 against 2 worker processes at 100k runs, and whether their results are identical;
- peak memory (peak RSS of a fresh process) of 10k against 1M runs, without and with ``--out``.

``--only`` runs some of these sections (``mesa``, ``runs``, ``days``, ``workers``, ``memory``).
``--quick`` divides the engine's run counts by 10 (the memory runs compare 10,000 runs with
100,000); every label states the sizes used.

Times are best of ``--repeat`` wall-clock runs (CPU seconds of this process in brackets, which
other jobs on the machine disturb less). This is a measurement, not a test: nothing asserts.

What the scalar reference changes. Up to model 2 the reference called the engine's vectorised
equations on one-element numpy arrays: several numpy operations per call, about a microsecond
each, dozens of calls a run-day, so much of Mesa's time was numpy's fixed cost per operation and
the ratio overstated what a plain Mesa model costs. Model 3's equations are scalar functions
(``model/``), which the reference now calls with plain floats (about 0.2 microseconds a call,
compiled; the same expression in plain Python costs about as much). Its time is now Python's
own orchestration, Mesa's agents and the ``DataCollector``, as in a Mesa model written from
scratch, and the ratio compares the engine's compiled loop over runs with per-run Python rather
than with numpy's overhead. It is not comparable with model 1's and model 2's ratios: model 3's
day does far more (five domains of measures, lifting, force, demands).
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
from escalation_sim.scenario.edit import point_valued  # noqa: E402
from escalation_sim.scenario.load import load_scenario  # noqa: E402

MEMORY_SCRIPT = """
import sys
from escalation_sim.cli.app import app
sys.argv = ["escsim", "run", *sys.argv[1:]]
try:
    app(prog_name="escsim")
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
    return (f"  {label:<24} {runs:>9,} {days:>5} {wall:9.3f} {cpu_text} {runs / wall:>11,.0f} "
            f"{run_days * actors / wall / 1e6:>9.2f} {wall / run_days * 1e9:>10,.0f}")


HEADER = (f"  {'':<24} {'runs':>9} {'days':>5} {'wall s':>9} {'(cpu s)':>9} {'runs/s':>11} "
          f"{'M a-d/s':>9} {'ns/run-day':>10}")


def engine_time(path: str, runs: int, days: int, repeat: int, workers: int = 1,  # noqa: ANN201
                point: bool = False):
    """Time ``simulate``; ``point``: with the scenario's point values, as the Mesa reference
    runs it (otherwise each run draws the scenario's uncertain parameters)."""
    scenario = load_scenario(path, [f"horizon_days={days}"])
    if point:
        scenario = point_valued(scenario)
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
    ap.add_argument("--only", default="mesa,runs,days,workers,memory",
                    help="sections to run, comma-separated")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if args.no_memory:
        only.discard("memory")
    path, repeat = args.scenario, args.repeat
    scenario = load_scenario(path)
    actors = len(scenario.actors)
    scale = 10 if args.quick else 1
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"scenario: {path}  actors={actors}")

    if "mesa" in only:
        print("\nEngine against the Mesa reference, one core, 365 days, the scenario's point "
              "values: cost per run-day")
        print(HEADER)
        sizes = sorted({args.mesa_runs, 1_000 // scale, 10_000 // scale})
        mesa_scenario = point_valued(load_scenario(path, ["horizon_days=365"]))
        engine_time(path, 10, 30, 1, point=True)  # load the compiled code before timing
        run_reference(load_scenario(path, ["horizon_days=30"]), 1, seed=1)  # point values
        engine: dict[int, tuple[float, float]] = {}
        for runs in sizes:
            e_wall, e_cpu, _ = engine_time(path, runs, 365, repeat, point=True)
            engine[runs] = (e_wall / (runs * 365), e_cpu / (runs * 365))
            print(row(f"engine, {runs:,} runs", runs, 365, actors, e_wall, e_cpu))
        m_wall, m_cpu, _ = timed(lambda: run_reference(mesa_scenario, args.mesa_runs, seed=1), 1)
        print(row(f"Mesa, {args.mesa_runs:,} runs", args.mesa_runs, 365, actors, m_wall, m_cpu))
        mesa_wall, mesa_cpu = m_wall / (args.mesa_runs * 365), m_cpu / (args.mesa_runs * 365)
        for runs in sizes:
            e_wall, e_cpu = engine[runs]
            print(f"  Mesa ({args.mesa_runs:,} runs) / engine ({runs:,} runs), cost per run-day: "
                  f"{mesa_wall / e_wall:,.0f}x wall (CPU: {mesa_cpu / e_cpu:,.0f}x)")

    if "runs" in only:
        print("\nEngine scaling in runs (365 days, 1 worker, uncertain parameters drawn per run)")
        print(HEADER)
        for runs in (1_000, 10_000, 100_000):
            runs //= scale
            wall, cpu, _ = engine_time(path, runs, 365, repeat if runs <= 10_000 else 1)
            print(row(f"engine, {runs:,} runs", runs, 365, actors, wall, cpu))

    if "days" in only:
        runs = 10_000 // scale
        print(f"\nEngine scaling in days ({runs:,} runs, 1 worker)")
        print(HEADER)
        for days in (90, 365, 730):
            wall, cpu, _ = engine_time(path, runs, days, repeat)
            print(row(f"engine, {days} days", runs, days, actors, wall, cpu))

    if "workers" in only:
        runs = 100_000 // scale
        print(f"\nWorkers ({runs:,} runs, 365 days)")
        print(HEADER)
        w1, c1, r1 = engine_time(path, runs, 365, 1, workers=1)
        print(row(f"1 worker, {runs:,} runs", runs, 365, actors, w1, c1))
        w2, _, r2 = engine_time(path, runs, 365, 1, workers=2)
        print(row(f"2 workers, {runs:,} runs", runs, 365, actors, w2, None))
        same = fingerprint(r1) == fingerprint(r2)
        print(f"  speed-up with 2 workers: {w1 / w2:.2f}x; results identical to 1 worker: {same}")

    if "memory" in only:
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
