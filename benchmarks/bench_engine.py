"""Measure the ensemble engine on a scenario: runs/s and actor-days/s.

Usage: python benchmarks/bench_engine.py [SCENARIO] [--runs N] [--days D] [--workers W] [--repeat K]

Prints one line per repeat and the best, with the machine (cores, CPU model, numpy version).
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from escalation_sim.engine.ensemble import simulate
from escalation_sim.scenario.load import load_scenario


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    py = platform.python_version()
    return f"{os.cpu_count()} cores, {cpu}, Python {py}, numpy {np.__version__}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/base.yaml")
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    scenario = load_scenario(args.scenario, [f"horizon_days={args.days}"])
    actors = len(scenario.actors)
    print(f"machine: {machine()}")
    print(f"scenario: {args.scenario}  runs={args.runs} days={args.days} actors={actors} "
          f"workers={args.workers}")
    best = best_cpu = float("inf")
    for k in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        simulate(scenario, runs=args.runs, seed=scenario.seed, workers=args.workers)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        best, best_cpu = min(best, dt), min(best_cpu, cpu)
        print(f"  repeat {k + 1}: {dt:.3f} s (CPU of this process {cpu:.3f} s)")
    actor_days = args.runs * args.days * actors
    print(f"best: {best:.3f} s  {args.runs / best:,.0f} runs/s  "
          f"{actor_days / best / 1e6:.2f} M actor-days/s  "
          f"{best / (args.runs * args.days) * 1e9:.0f} ns per run-day; best CPU {best_cpu:.3f} s")


if __name__ == "__main__":
    main()
