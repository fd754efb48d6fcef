"""A small ensemble of the base scenario and its summary, shared by renderer and output tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from escalation_sim.analysis.summary import summarize
from escalation_sim.engine.ensemble import PointResult, simulate
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"


@pytest.fixture(scope="session")
def base_result() -> PointResult:
    """300 runs x 60 days of the base scenario, weights at their medians; per-run arrays kept."""
    return simulate(point_valued(load_scenario(BASE, ["runs=300", "horizon_days=60"])),
                    keep_runs=True)


@pytest.fixture(scope="session")
def base_summary(base_result: PointResult) -> dict[str, Any]:
    """The summary of ``base_result``."""
    return summarize(base_result, "scenarios/base.yaml", "0" * 64, workers=1)
