"""Measure default ``escsim sensitivity`` against a plain run of the same run-days.

Usage: python benchmarks/bench_sensitivity.py [SCENARIO] [--samples N] [--runs R] [--days D]
       [--workers W] [--repeat K] [--only sensitivity|run|setup]

The sensitivity analysis evaluates ``N·(D + 2)`` points of ``R`` runs each (768 × 256 with the
base's ten default factors); the plain run simulates the same number of run-days as one
ensemble of ``points × R`` runs. Prints wall-clock and CPU seconds (this process and its worker
processes) of each, the best of ``K`` repeats, their ratio, the machine and its load average.
``--only setup`` loads and samples but simulates nothing: run under ``valgrind --tool=callgrind``
it gives the instructions to subtract from the other two (independent of the machine's load).
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable

from bench_engine import machine

from escalation_sim.analysis.defaults import DEFAULT_RUNS, DEFAULT_SAMPLES
from escalation_sim.analysis.sensitivity import default_factors, design, run_sensitivity
from escalation_sim.engine.ensemble import simulate
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.scenario.load import load_scenario


def cpu_seconds() -> float:
    """User + system seconds of this process and of its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, repeat: int, work: Callable[[], object],
          executor: object = None) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``repeat`` calls of ``work``.

    The executor's worker processes are ended after each call (as when a command ends), so
    that their CPU seconds are counted (a process's CPU counts once it has been waited for).
    """
    best = best_cpu = float("inf")
    for k in range(repeat):
        t0, c0 = time.perf_counter(), cpu_seconds()
        work()
        close = getattr(executor, "close", None)
        if close is not None:
            close()
        dt, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        best, best_cpu = min(best, dt), min(best_cpu, cpu)
        print(f"  {label} repeat {k + 1}: {dt:.2f} s wall, {cpu:.2f} s CPU, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    return best, best_cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/base.yaml")
    ap.add_argument("--samples", type=int, default=DEFAULT_SAMPLES["sobol"])
    ap.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--only", choices=("sensitivity", "run", "setup"))
    args = ap.parse_args()
    scenario = load_scenario(args.scenario,
                             [] if args.days is None else [f"horizon_days={args.days}"])
    factors = default_factors(scenario)
    points = design(factors, "sobol", args.samples, scenario.seed).shape[0]
    total = points * args.runs
    executor = LocalExecutor(args.workers)
    print(f"machine: {machine()}")
    print(f"scenario: {args.scenario}  factors={len(factors)} points={points} "
          f"runs/point={args.runs} days={scenario.horizon_days} workers={args.workers} "
          f"load at start {os.getloadavg()[0]:.1f}")
    found = {}
    if args.only is None or args.only == "sensitivity":
        found["sensitivity"] = timed("sensitivity", args.repeat, lambda: run_sensitivity(
            scenario, factors, method="sobol", samples=args.samples, runs=args.runs,
            seed=scenario.seed, executor=executor), executor)
    if args.only is None or args.only == "run":
        found["run"] = timed(f"run of {total} runs", args.repeat, lambda: simulate(
            scenario, runs=total, executor=executor), executor)
    run_days = total * scenario.horizon_days
    for name, (wall, cpu) in found.items():
        print(f"best {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"{cpu / run_days * 1e9:.0f} ns CPU per run-day")
    if len(found) == 2:
        print(f"sensitivity / run: {found['sensitivity'][0] / found['run'][0]:.2f}x wall, "
              f"{found['sensitivity'][1] / found['run'][1]:.2f}x CPU")


if __name__ == "__main__":
    main()
