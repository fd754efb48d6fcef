"""The engine against the plain Mesa implementation of the same rules (benchmarks/).

The reference draws its own random numbers, so the check is distributional: outcome classes and
peak rungs of a few hundred Mesa runs against the engine's, by a chi-square test of
homogeneity, with fixed seeds. The same check must reject a reference with one actor's
reaction slope changed from 0.5 to 0.65.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from escalation_sim.engine.ensemble import simulate
from escalation_sim.model.ladder import N_RUNGS
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.priors import point_valued

pytest.importorskip("mesa")
chi2_contingency = pytest.importorskip("scipy.stats").chi2_contingency

ROOT = Path(__file__).resolve().parents[2]
DAYS, MESA_RUNS, ENGINE_RUNS = 180, 300, 20_000
ALPHA = 0.01
METRICS = (("outcome", len(OUTCOMES)), ("peak_rung", N_RUNGS))


def reference():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("mesa_reference",
                                                  ROOT / "benchmarks" / "mesa_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def p_values(mesa_runs: dict[str, np.ndarray], engine_runs: dict[str, np.ndarray]) -> dict:
    out = {}
    for name, classes in METRICS:
        a = np.bincount(mesa_runs[name], minlength=classes)
        b = np.bincount(engine_runs[name], minlength=classes)
        seen = (a + b) > 0
        out[name] = chi2_contingency(np.array([a[seen], b[seen]]))[1]
    return out


@pytest.fixture(scope="module")
def mesa_reference():  # noqa: ANN201
    return reference()


@pytest.mark.parametrize("name", ["base", "all_levers"])
def test_engine_agrees_with_the_mesa_reference(mesa_reference, name: str) -> None:
    scenario = point_valued(load_scenario(ROOT / "scenarios" / f"{name}.yaml",
                                          [f"horizon_days={DAYS}"]))
    mesa_runs = mesa_reference.run_reference(scenario, MESA_RUNS, seed=1)
    engine_runs = simulate(scenario, runs=ENGINE_RUNS, seed=5, keep_runs=True).runs
    p = p_values(mesa_runs, engine_runs)
    assert min(p.values()) > ALPHA, p


def test_the_check_detects_a_reference_with_one_parameter_changed(mesa_reference) -> None:
    path = ROOT / "scenarios" / "base.yaml"
    scenario = point_valued(load_scenario(path, [f"horizon_days={DAYS}"]))
    changed = point_valued(load_scenario(path, [f"horizon_days={DAYS}",
                                                "actors.moscow.reciprocity=0.65"]))
    engine_runs = simulate(scenario, runs=ENGINE_RUNS, seed=5, keep_runs=True).runs
    p = p_values(mesa_reference.run_reference(changed, MESA_RUNS, seed=1), engine_runs)
    assert min(p.values()) < ALPHA / 10, p  # the agreement test would fail, by far
