"""Measure executors on a sweep-like batch: 1 local worker, a local pool, a Dask LocalCluster.

Usage: python benchmarks/bench_executors.py [SCENARIO] [--points P] [--runs N] [--workers W]
       [--repeat K]

Evaluates P points (``actors.baku.nationalism`` from 0.3 in steps of 0.03, one seed, as a sweep
does) with N runs each, on each executor in turn, K rounds interleaved so that load from other
jobs spreads over all of them. The Dask cluster is started once; its start-up and shut-down are
reported apart. Checks that every executor gives the same summaries. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import time

from bench_engine import machine

from escalation_sim.analysis.summary import summarize
from escalation_sim.engine.dask_executor import DaskExecutor
from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.scenario.load import load_scenario


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/base.yaml")
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    points = [Point(load_scenario(args.scenario,
                                  [f"actors.baku.nationalism={0.3 + 0.03 * i:.2f}"]), 7)
              for i in range(args.points)]
    print(machine())
    print(f"{args.points} points x {args.runs} runs")
    start = time.perf_counter()
    dask = DaskExecutor(workers=args.workers)
    print(f"dask LocalCluster start: {time.perf_counter() - start:.1f} s")
    executors = {"local, 1 worker": LocalExecutor(1),
                 f"local pool, {args.workers} workers": LocalExecutor(args.workers),
                 f"dask LocalCluster, {args.workers} workers": dask}
    times: dict[str, list[float]] = {name: [] for name in executors}
    answers = {}
    for _ in range(args.repeat):
        for name, executor in executors.items():
            start = time.perf_counter()
            results = evaluate(points, args.runs, executor=executor)
            times[name].append(time.perf_counter() - start)
            answers[name] = [{k: v for k, v in summarize(r).items() if k != "timing"}
                             for r in results]
            print(f"  {name}: {times[name][-1]:.1f} s", flush=True)
    start = time.perf_counter()
    dask.close()
    print(f"dask LocalCluster shut-down: {time.perf_counter() - start:.1f} s")
    base = min(times["local, 1 worker"])
    for name, ts in times.items():
        print(f"{name}: best {min(ts):.1f} s, speed-up {base / min(ts):.2f}x")
    print("identical answers:", len({repr(a) for a in answers.values()}) == 1)


if __name__ == "__main__":
    main()
