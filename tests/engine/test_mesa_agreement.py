"""The engine against the plain Mesa implementation of model 3 (benchmarks/mesa_reference.py).

The reference shares the scenario, the compiled parameters, the day-0 state and the model's
equations with the engine, but orchestrates the day on its own and draws its own random numbers,
so the check is distributional: outcome classes, peak rungs and measures imposed per run (the
material track) of a few hundred Mesa runs against the engine's, by a chi-square test of
homogeneity with fixed seeds, for the base scenario and all levers at 180 days. Adjacent classes
are pooled until the Mesa row expects at least five runs in each (Cochran's rule), so sparse
tails (war, many measures) do not dominate the statistic.

The same check must reject a reference with one parameter changed: Moscow's reaction slope
(``reciprocity``) from 0.5 to 0.65, to which model 3's outcomes and measures are sensitive.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from escalation_sim.engine.ensemble import simulate
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario

pytest.importorskip("mesa")
chi2_contingency = pytest.importorskip("scipy.stats").chi2_contingency

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "benchmarks/mesa_reference.py"
Scripts = Callable[[str], ModuleType]
DAYS, MESA_RUNS, ENGINE_RUNS = 180, 200, 5_000
ALPHA = 0.01
LEAST = 5.0
"""Fewest runs the Mesa row of a pooled class must expect under homogeneity."""
CHANGE = "actors.moscow.reciprocity=0.8"
"""The negative control's change (base: 0.5): large enough for 200 Mesa runs to show it with
the calibrated weights at their medians."""


def metrics(runs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The compared per-run values: outcome class, peak rung, measures imposed (all actors)."""
    return {"outcome": runs["outcome"].astype(np.int64),
            "peak_rung": runs["peak_rung"].astype(np.int64),
            "measures_imposed": runs["actor_imposed"].sum(axis=1).astype(np.int64)}


def pooled(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Counts of ordered classes ``a`` (Mesa) and ``b`` (engine), adjacent classes pooled until
    ``a``'s expected count is at least ``LEAST``; ``(2, classes)``."""
    share = a.sum() / (a.sum() + b.sum())
    rows: list[list[int]] = []
    ca = cb = 0
    for x, y in zip(a, b, strict=True):
        ca, cb = ca + int(x), cb + int(y)
        if share * (ca + cb) >= LEAST:
            rows.append([ca, cb])
            ca = cb = 0
    if rows:
        rows[-1][0] += ca
        rows[-1][1] += cb
    else:
        rows.append([ca, cb])
    return np.array(rows).T


def p_values(mesa_runs: dict[str, np.ndarray], engine_runs: dict[str, np.ndarray]) -> dict:
    """Chi-square homogeneity p-value of each compared metric."""
    out = {}
    mesa, engine = metrics(mesa_runs), metrics(engine_runs)
    for name in mesa:
        n = int(max(mesa[name].max(), engine[name].max())) + 1
        table = pooled(np.bincount(mesa[name], minlength=n),
                       np.bincount(engine[name], minlength=n))
        out[name] = chi2_contingency(table)[1] if table.shape[1] > 1 else 1.0
    return out


def scenario(name: str, *changes: str):  # noqa: ANN201
    return point_valued(load_scenario(ROOT / "scenarios" / f"{name}.yaml",
                                      [f"horizon_days={DAYS}", *changes]))


@cache
def engine_runs(name: str) -> dict[str, np.ndarray]:
    return simulate(scenario(name), runs=ENGINE_RUNS, seed=5, keep_runs=True).runs


def test_pooling_keeps_every_run_and_merges_sparse_classes() -> None:
    table = pooled(np.array([0, 30, 20, 2, 1]), np.array([5, 300, 200, 10, 1]))
    # the empty first class joins the next, the sparse tail the last full one
    assert table.tolist() == [[30, 23], [305, 211]]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["base", "all_levers"])
def test_engine_agrees_with_the_mesa_reference(name: str, repo_script: Scripts) -> None:
    mesa_runs = repo_script(REFERENCE).run_reference(scenario(name), MESA_RUNS, seed=1)
    p = p_values(mesa_runs, engine_runs(name))
    assert min(p.values()) > ALPHA, p


@pytest.mark.slow
def test_the_check_detects_a_reference_with_one_parameter_changed(repo_script: Scripts) -> None:
    changed = repo_script(REFERENCE).run_reference(scenario("base", CHANGE), MESA_RUNS, seed=1)
    p = p_values(changed, engine_runs("base"))
    assert min(p.values()) < ALPHA / 10, p  # the agreement test would fail, by far
