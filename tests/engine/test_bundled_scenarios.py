"""The bundled scenarios as forecasts: the base is not degenerate and every lever helps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.scenario.load import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
LEVER_FILES = sorted(SCENARIOS.glob("lever_*.yaml")) + [SCENARIOS / "all_levers.yaml"]
RUNS = 3000


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, np.ndarray]]:
    files = [SCENARIOS / "base.yaml", *LEVER_FILES]
    points = [Point(load_scenario(f), 20250701) for f in files]
    res = evaluate(points, RUNS, keep_runs=True, workers=2)
    return {f.name: r.runs for f, r in zip(files, res, strict=True)}


def test_base_is_not_degenerate(results: dict[str, dict[str, np.ndarray]]) -> None:
    shares = np.bincount(results["base.yaml"]["outcome"], minlength=5) / RUNS
    assert shares.max() <= 0.8, shares
    assert (shares > 0.005).sum() >= 3, shares  # at least three classes carry weight


@pytest.mark.parametrize("lever", [f.name for f in LEVER_FILES])
def test_each_lever_lowers_force_or_peak_versus_base(results, lever: str) -> None:
    base, on = results["base.yaml"], results[lever]
    found = False
    for metric in (on["peak_rung"] - base["peak_rung"].astype(float),
                   (on["peak_rung"] >= 8).astype(float) - (base["peak_rung"] >= 8)):
        half = 1.96 * metric.std(ddof=1) / np.sqrt(RUNS)
        assert metric.mean() - half <= 0, lever  # never significantly worse
        found |= metric.mean() + half < 0  # significantly better on this metric
    assert found, lever
