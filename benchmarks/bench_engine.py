"""Measure the ensemble engine on a scenario: runs/s and actor-days/s.

Usage: python benchmarks/bench_engine.py [SCENARIO] [--runs N] [--days D] [--workers W] [--repeat K]
       [--uncertain K]

Prints one line per repeat and the best, with the machine (cores, CPU model, numpy version).
``--uncertain K`` gives the first K of ``UNCERTAIN`` (ten paths) per-run values, each run its
own (a spread of ±20 % around the scenario's number), and simulates the chunks in this process
(``simulate_chunk(..., values=...)``); ``--uncertain 0`` simulates the same chunks without.
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from escalation_sim.engine.calendar import simulate_chunk
from escalation_sim.engine.ensemble import MAX_CHUNK_RUNS, plan_chunks, simulate
from escalation_sim.scenario.edit import resolve_path
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Scenario

UNCERTAIN = ("model.c_mil", "model.audience", "model.w_nat", "actors.baku.nationalism",
             "actors.moscow.nationalism", "actors.baku.reciprocity", "actors.moscow.rationality",
             "issues.corridors.heat", "issues.karabakh.heat",
             "incidents.trade_harassment.rate_per_year")
"""Parameters given per-run values by ``--uncertain``."""


def run_values(scenario: Scenario, k: int, runs: int) -> dict[str, np.ndarray]:
    """Per-run values of the first ``k`` of ``UNCERTAIN``: ±20 % around the scenario's value."""
    rng = np.random.default_rng(1)
    out = {}
    for path in UNCERTAIN[:k]:
        value = float(resolve_path(scenario, path))
        spread = value * rng.uniform(0.8, 1.2, runs)
        out[path] = np.minimum(spread, 1.0) if path.endswith(("heat", "nationalism")) else spread
    return out


def simulate_in_process(scenario: Scenario, runs: int, values: dict[str, np.ndarray]) -> None:
    """The ensemble's chunks in this process, with the given per-run values."""
    for first, n in plan_chunks(runs, MAX_CHUNK_RUNS):
        simulate_chunk(scenario, scenario.seed, first, n,
                       values={k: v[first:first + n] for k, v in values.items()})


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
    ap.add_argument("--uncertain", type=int, default=None, metavar="K")
    args = ap.parse_args()
    scenario = load_scenario(args.scenario, [f"horizon_days={args.days}"])
    actors = len(scenario.actors)
    print(f"machine: {machine()}")
    print(f"scenario: {args.scenario}  runs={args.runs} days={args.days} actors={actors} "
          f"workers={args.workers} uncertain={args.uncertain}")
    values = run_values(scenario, args.uncertain or 0, args.runs)
    best = best_cpu = float("inf")
    for k in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        if args.uncertain is None:
            simulate(scenario, runs=args.runs, seed=scenario.seed, workers=args.workers)
        else:
            simulate_in_process(scenario, args.runs, values)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        best, best_cpu = min(best, dt), min(best_cpu, cpu)
        print(f"  repeat {k + 1}: {dt:.3f} s (CPU of this process {cpu:.3f} s)")
    actor_days = args.runs * args.days * actors
    print(f"best: {best:.3f} s  {args.runs / best:,.0f} runs/s  "
          f"{actor_days / best / 1e6:.2f} M actor-days/s  "
          f"{best / (args.runs * args.days) * 1e9:.0f} ns per run-day; best CPU {best_cpu:.3f} s")


if __name__ == "__main__":
    main()
