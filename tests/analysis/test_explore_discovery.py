"""Scenario discovery: conditions, the box chosen from a trajectory, a planted box recovered."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.discovery import (
    Step,
    choose,
    discover,
    discovery_dict,
    parse_condition,
)
from escalation_sim.analysis.explore import latin_hypercube

NAMES = ["x1", "x2", "x3"]


def planted(n: int = 200, noise: float = 0.02, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """An experiments table: y holds where x1 > 0.6 and x2 < 0.4, with 2% of labels flipped."""
    x = latin_hypercube(3, n, seed)
    y = (x[:, 0] > 0.6) & (x[:, 1] < 0.4)
    flip = np.random.default_rng(seed).random(n) < noise
    return x, y ^ flip


def test_prim_recovers_a_planted_box():
    x, y = planted()
    found = discover(x, NAMES, y, parse_condition("p_force>0.05"))
    assert found.cases == int(y.sum()) and found.samples == 200
    box = found.boxes[0]
    limits = {lim.path: lim for lim in box.limits}
    assert set(limits) <= set(NAMES) and {"x1", "x2"} <= set(limits)
    assert limits["x1"].low == pytest.approx(0.6, abs=0.05)
    assert limits["x2"].high == pytest.approx(0.4, abs=0.05)
    assert box.coverage >= 0.7 and box.density >= 0.8
    # coverage, density and mass are those of the samples inside the reported limits
    inside = np.ones(len(y), dtype=bool)
    for k, name in enumerate(NAMES):
        if name in limits:
            lim = limits[name]
            inside &= x[:, k] >= (lim.low if lim.low is not None else -np.inf)
            inside &= x[:, k] <= (lim.high if lim.high is not None else np.inf)
    assert box.samples == int(inside.sum()) and box.cases == int(y[inside].sum())
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum())
    assert box.density == pytest.approx(y[inside].mean())
    assert box.mass == pytest.approx(inside.mean())
    assert limits["x1"].qp < 0.05 and limits["x2"].qp < 0.05
    doc = discovery_dict(found)
    assert doc["boxes"][0]["limits"]["x1"]["high"] is None
    assert doc["condition"] == {"text": "p_force>0.05", "measure": "p_force", "op": ">",
                                "threshold": 0.05}
    assert 0 <= doc["boxes"][0]["chosen_step"] < len(doc["boxes"][0]["trajectory"])


def test_no_cases_or_only_cases_give_no_box():
    x, _ = planted(40)
    condition = parse_condition("war>0.5")
    assert discover(x, NAMES, np.zeros(40, dtype=bool), condition).boxes == ()
    assert discover(x, NAMES, np.ones(40, dtype=bool), condition).boxes == ()


def test_a_condition_unrelated_to_the_parameters_gives_no_tight_box():
    x, _ = planted(120)
    y = np.random.default_rng(9).random(120) < 0.4
    found = discover(x, NAMES, y, parse_condition("p_force>0.05"))
    for box in found.boxes:
        assert box.density < 0.8


def test_the_densest_step_covering_half_the_cases_is_chosen():
    steps = [Step(1.0, 0.2, 1.0, 0), Step(0.9, 0.4, 0.5, 1), Step(0.6, 0.7, 0.2, 2),
             Step(0.4, 0.9, 0.1, 2)]
    assert choose(steps) == 2
    assert choose(steps, min_coverage=0.3) == 3
    assert choose(steps, min_coverage=0.95) == 0
    # a later box looks for the cases left by earlier ones: coverage of those that remain
    assert choose(steps, sought=0.8, min_coverage=0.5) == 3
    # a little density is given up for much more coverage
    near = [Step(1.0, 0.3, 1.0, 0), Step(0.8, 0.97, 0.3, 2), Step(0.55, 1.0, 0.2, 2)]
    assert choose(near) == 1 and choose(near, slack=0.0) == 2


@pytest.mark.parametrize(("text", "op", "threshold"), [
    ("p_force>0.05", ">", 0.05), ("p_force >= 5%", ">=", 0.05), ("peak_rung_mean<4", "<", 4.0),
    ("war<=1e-3", "<=", 0.001)])
def test_conditions_are_read(text, op, threshold):
    found = parse_condition(text)
    assert (found.op, found.threshold) == (op, pytest.approx(threshold))
    values = np.array([0.0, threshold, 10.0])
    expected = {">": [False, False, True], ">=": [False, True, True], "<": [True, False, False],
                "<=": [True, True, False]}[op]
    assert found.holds(values).tolist() == expected


@pytest.mark.parametrize(("text", "needle"), [
    ("p_forse>0.05", "did you mean 'p_force'"), ("p_force=0.05", "MEASURE>THRESHOLD"),
    ("p_force>high", "MEASURE>THRESHOLD")])
def test_bad_conditions_are_refused(text, needle):
    with pytest.raises(ValueError, match=needle):
        parse_condition(text)
