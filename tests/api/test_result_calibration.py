"""``Result.calibration``: the summary's account of the calibration a scenario draws from."""

from __future__ import annotations

import pandas as pd

from escalation_sim.api import Result


def result(uncertainty: dict) -> Result:
    summary = {"scenario": {"name": "s"}, "runs": 1, "days": 1, "seed": 1, "actors": {},
               "uncertainty": uncertainty}
    return Result(summary, pd.DataFrame(), pd.DataFrame(), {})  # type: ignore[arg-type]


def test_a_calibrated_result_gives_its_calibration_section() -> None:
    section = {"joint": "calibration.yaml:abc", "parameter_sets": 200,
               "sentences": ["Calibrated: each run drew one of 200 weighted parameter sets."],
               "p_force": {"value": 0.03, "p05": 0.007, "p95": 0.07}}
    found = result({"parameters": {}, "calibration": section}).calibration
    assert found == section and found is not section  # a copy


def test_a_scenario_without_calibration_gives_none() -> None:
    assert result({"parameters": {}, "out_of_sample": None}).calibration is None
