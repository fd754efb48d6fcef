"""Synthetic episodes made by escsim itself, for the calibration tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from escalation_sim.analysis.calibrate import TrainingEpisode, simulate
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.episode import Observed
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"


def synthetic_episodes(truth: Mapping[str, float], *, days: int, count: int, seed: int = 99,
                       sets: tuple[str, ...] = ()) -> list[TrainingEpisode]:
    """``count`` episodes: the base scenario over ``days``, each observed path one run at ``truth``.

    Each episode's record is one simulated run (run k of seed ``seed``), so the record is a
    draw from the model with the true parameters, as a real record would be if the model were
    right.
    """
    scenario = point_valued(load_scenario(BASE, [f"horizon_days={days}", *sets]))
    probe = TrainingEpisode("probe", "probe", scenario, None, list(scenario.actors))  # type: ignore[arg-type]
    sim = simulate([probe], [dict(truth)], count, seed)[0][0]
    start = np.array([a.initial_rung for a in scenario.actors.values()])
    episodes = []
    for k in range(count):
        labels = [f"m{m}" for m in range(sim.month_max.shape[-1])]
        observed = Observed(sim.month_max[k].astype(np.int64), start, labels)
        episodes.append(TrainingEpisode(f"synthetic {k}", f"synthetic_{k}", scenario, observed,
                                        list(scenario.actors)))
    return episodes
