"""Measure the draws of uncertain parameters: ten priors over 10,240 runs, cold and kept.

Usage: python benchmarks/bench_priors.py [--runs N] [--repeat K]

Ten priors on the base scenario (four uniform, two normal, two triangular, two beta); prints
the time of ``priors.draw`` for all runs, first with nothing kept (every block computed) and then
again (blocks kept by the per-process cache, as when the runs table re-draws what the engine
drew), per distribution kind, and the time to load the scenario with and without the priors.
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import time

from bench_engine import machine

from escalation_sim.scenario import priors
from escalation_sim.scenario.load import load_scenario

SETS = [
    "actors.baku.nationalism={uniform: [0.5, 0.8]}",
    "actors.moscow.nationalism={uniform: [0.4, 0.7]}",
    "actors.baku.reaction={uniform: [0.3, 0.7]}",
    "actors.moscow.reaction={uniform: [0.3, 0.7]}",
    "model.w_issue={normal: [1, 0.3]}",
    "model.trust_speed={normal: [0.02, 0.01]}",
    "model.c_mil={triangular: [4, 8, 14]}",
    "issues.corridors.salience.baku={triangular: [0.5, 0.8, 0.95]}",
    "model.patron_weight={beta: [2, 3]}",
    "issues.corridors.heat={beta: [3, 2]}",
]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_240)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(machine(), f"load average {os.getloadavg()[0]:.1f}")
    plain = best(lambda: load_scenario("base"), args.repeat)
    uncertain = best(lambda: load_scenario("base", SETS), args.repeat)
    print(f"load base: {plain * 1e3:.0f} ms; with ten priors: {uncertain * 1e3:.0f} ms")
    scenario = load_scenario("base", SETS)

    def cold() -> None:
        priors._block_values.cache_clear()
        priors.draw(scenario, 7, 0, args.runs)

    print(f"draw {len(SETS)} priors x {args.runs:,} runs: cold "
          f"{best(cold, args.repeat) * 1e3:.1f} ms, kept "
          f"{best(lambda: priors.draw(scenario, 7, 0, args.runs), args.repeat) * 1e3:.2f} ms")
    for kind in priors.KINDS:
        one = scenario.model_copy()
        one._priors = {p: d for p, d in scenario.priors.items() if d.kind == kind}

        def cold_kind(s=one) -> None:
            priors._block_values.cache_clear()
            priors.draw(s, 7, 0, args.runs)

        print(f"  {kind:<10} x {len(one.priors)}: {best(cold_kind, args.repeat) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
