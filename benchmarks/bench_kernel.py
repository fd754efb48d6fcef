"""Measure the engine's cost per run-day on one chunk: CPU ns per run-day, priors on and off.

Usage: python benchmarks/bench_kernel.py [SCENARIO] [--rows 2048,10240] [--days 365]
       [--repeat 3] [--priors on,off] [--seed 1]

For each chunk size (rows) and each priors setting, simulates one chunk of that many runs in this
process (``calendar.simulate_chunk``: the calendar, the kernel, recording and the per-run
metrics; no pool, no aggregation) after one warm-up (which also loads or compiles the kernel),
``--repeat`` times, and prints the CPU time of this process per run-day, the median and the
lowest. ``--priors off`` replaces every prior of the scenario by its median (a point-valued
copy): no parameter differs from run to run. Written so that it also runs on earlier versions of
the engine (put their ``src`` first on ``PYTHONPATH``) for paired before/after figures.
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench_engine import machine

from escalation_sim.engine.calendar import simulate_chunk
from escalation_sim.scenario.load import load_scenario


def point_valued(scenario):
    """The scenario with every prior at its median (where this version of escsim has priors)."""
    try:
        from escalation_sim.scenario.edit import point_valued as fix
    except ImportError:
        try:
            from escalation_sim.scenario.priors import point_valued as fix
        except ImportError:
            return scenario
    return fix(scenario)


def measure(scenario, rows: int, repeat: int, seed: int) -> list[float]:
    """CPU ns per run-day of ``repeat`` chunks of ``rows`` runs (after one warm-up)."""
    simulate_chunk(scenario, seed, 0, min(rows, 1024))
    out = []
    for _ in range(repeat):
        c0 = time.process_time()
        simulate_chunk(scenario, seed, 0, rows)
        out.append((time.process_time() - c0) / (rows * scenario.horizon_days) * 1e9)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/base.yaml")
    ap.add_argument("--rows", default="2048,10240")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--priors", default="on,off")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    base = load_scenario(args.scenario, [f"horizon_days={args.days}"])
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    for priors in args.priors.split(","):
        scenario = base if priors == "on" else point_valued(base)
        for rows in (int(x) for x in args.rows.split(",")):
            ns = measure(scenario, rows, args.repeat, args.seed)
            print(f"priors {priors:3} rows {rows:6,}: {statistics.median(ns):7.0f} ns CPU per "
                  f"run-day (median of {len(ns)}; lowest {min(ns):.0f})", flush=True)
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
