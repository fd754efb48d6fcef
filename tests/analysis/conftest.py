"""A small ensemble of the bundled base scenario, shared by the analysis tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalation_sim.engine.ensemble import PointResult, simulate
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"


@pytest.fixture(scope="session")
def small_result() -> PointResult:
    """300 runs x 60 days of the base scenario, weights at their medians; per-run arrays kept."""
    scenario = point_valued(load_scenario(BASE, ["runs=300", "horizon_days=60"]))
    return simulate(scenario, keep_runs=True)
