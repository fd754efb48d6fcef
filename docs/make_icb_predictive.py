"""Print the ICB posterior predictive table of docs/calibration.md.

Every bundled episode's scenario, with the calibration it names, is simulated from its trigger
over two years (``analysis/predictive.py``); each actor's chance of choosing force and the
length of its crisis are set beside ICB's rates for actors of its class and beside the record.

    python docs/make_icb_predictive.py --runs 256 --workers 2
"""

from __future__ import annotations

import argparse

from escalation_sim.analysis.predictive import markdown, simulate_actors, table
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.scenario import bundled
from escalation_sim.scenario.episode import load_episode


def main() -> None:
    """Simulate, tabulate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    episodes = [load_episode(p) for p in bundled.episode_files() if p.suffix == ".yaml"]
    stats = simulate_actors(episodes, args.runs, args.seed,
                            executor=LocalExecutor(args.workers))
    print(markdown(table(stats)))


if __name__ == "__main__":
    main()
