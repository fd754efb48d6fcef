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

    Each episode's record is one simulated run (run k of seed ``seed``), read as a record is:
    the monthly readings, their deeds (measures in force) and words (stance), the measures
    imposed and lifted, and the month of the leaders' first settlement. The record is a draw
    from the model with the true parameters, as a real record would be if the model were right.
    """
    scenario = point_valued(load_scenario(BASE, [f"horizon_days={days}", *sets]))
    probe = TrainingEpisode("probe", "probe", scenario, None, list(scenario.actors))  # type: ignore[arg-type]
    sim = simulate([probe], [dict(truth)], count, seed)[0][0]
    start = np.array([a.initial_rung for a in scenario.actors.values()])
    months = sim.month_max.shape[-1]
    episodes = []
    for k in range(count):
        labels = [f"m{m}" for m in range(months)]
        per_month = np.zeros((len(start), months), dtype=np.int64)
        imposed, lifted = per_month.copy(), per_month.copy()
        assert sim.imposed is not None and sim.lifted is not None
        imposed[:, 0], lifted[:, 0] = sim.imposed[k], sim.lifted[k]
        assert sim.first_meeting is not None and sim.month_material is not None
        meeting = np.zeros(months, dtype=bool)
        if sim.first_meeting[k] >= 0:
            meeting[sim.first_meeting[k]] = True
        observed = Observed(sim.month_max[k].astype(np.int64), start, labels,
                            np.asarray(sim.month_material[k], dtype=np.int64),
                            np.asarray(sim.month_stance[k], dtype=np.int64), None, imposed,
                            lifted, meeting)
        episodes.append(TrainingEpisode(f"synthetic {k}", f"synthetic_{k}", scenario, observed,
                                        list(scenario.actors)))
    return episodes
