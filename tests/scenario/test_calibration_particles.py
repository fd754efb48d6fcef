"""A calibration's weighted parameter sets: drawn jointly, inside the range searched, per run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from escalation_sim.engine.draws import draw, joint_samples, particle_index
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario, load_scenario_text, scenario_to_dict
from escalation_sim.scenario.priors import PARTICLES

MINIMAL = Path(__file__).with_name("minimal.yaml")
X, Y = "model.c_measure", "model.grievance_half_life_days"
SEARCHED = {X: (0.25, 5.0), Y: (5.0, 90.0)}


def planted(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Parameter sets with a planted correlation (about -0.8), inside the searched ranges."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(*SEARCHED[X], n)
    y = np.clip(90.0 - 15.0 * x + rng.normal(0.0, 8.0, n), *SEARCHED[Y])
    weights = rng.uniform(0.1, 1.0, n)
    return np.column_stack([x, y]), weights / weights.sum()


def write_calibration(folder: Path, values: np.ndarray, weights: np.ndarray) -> Path:
    doc = {"calibration_version": 2,
           "parameters": {p: {"prior": {"uniform": list(SEARCHED[p])}} for p in (X, Y)},
           "particles": {"parameters": [X, Y], "weights": weights.tolist(),
                         "values": values.tolist()}}
    (folder / "calibration").mkdir(exist_ok=True)
    path = folder / "calibration" / "c.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    (folder / "s.yaml").write_text("calibration: calibration/c.yaml\n"
                                   + MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    return folder / "s.yaml"


def weighted_corr(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    a, b = a - w @ a, b - w @ b
    return float((w * a * b).sum() / np.sqrt((w * a * a).sum() * (w * b * b).sum()))


def test_joint_draws_stay_in_the_searched_range_and_keep_the_correlation(
        tmp_path: Path) -> None:
    values, weights = planted()
    scenario = load_scenario(write_calibration(tmp_path, values, weights))
    assert {d.kind for d in scenario.priors.values()} == {PARTICLES}
    assert list(joint_samples(scenario).values()) == [[X, Y]]
    n = 40_000
    drawn = draw(scenario, 11, 0, n)
    x, y = drawn[X], drawn[Y]
    for path, got in drawn.items():  # never outside the range the calibration searched
        assert SEARCHED[path][0] <= got.min() and got.max() <= SEARCHED[path][1]
    rows = {tuple(r) for r in values.tolist()}
    assert all((a, b) in rows for a, b in zip(x[:2000], y[:2000], strict=True))  # real sets
    planted_corr = weighted_corr(values[:, 0], values[:, 1], weights)
    assert planted_corr < -0.7
    assert abs(np.corrcoef(x, y)[0, 1] - planted_corr) < 0.02  # the correlation is kept
    # each set is drawn in proportion to its weight
    picks = particle_index(scenario, 11, 0, n)[next(iter(joint_samples(scenario)))]
    counts = np.bincount(picks, minlength=len(weights))
    assert np.corrcoef(counts, weights)[0, 1] > 0.8


def test_joint_draws_do_not_depend_on_chunking(tmp_path: Path) -> None:
    values, weights = planted(50)
    scenario = load_scenario(write_calibration(tmp_path, values, weights))
    whole = draw(scenario, 3, 0, 3000)
    parts = [draw(scenario, 3, first, n) for first, n in ((0, 1), (1, 1023), (1024, 1976))]
    for path in (X, Y):
        np.testing.assert_array_equal(whole[path], np.concatenate([p[path] for p in parts]))


def test_a_single_parameter_reads_its_weighted_column(tmp_path: Path) -> None:
    values, weights = planted(100)
    scenario = load_scenario(write_calibration(tmp_path, values, weights))
    dist = scenario.priors[X]
    order = np.argsort(values[:, 0])
    cdf = np.cumsum(weights[order])
    median = values[order, 0][np.searchsorted(cdf, 0.5)]
    assert dist.central() == pytest.approx(median)
    assert scenario.model.c_measure == pytest.approx(median)
    assert dist.support() == (pytest.approx(values[:, 0].min()),
                              pytest.approx(values[:, 0].max()))
    assert "100 weighted parameter sets" in dist.words()


def test_the_resolved_scenario_round_trips_with_its_sets(tmp_path: Path) -> None:
    values, weights = planted(30)
    scenario = load_scenario(write_calibration(tmp_path, values, weights))
    again = load_scenario_text(yaml.safe_dump(scenario_to_dict(scenario)))
    assert again.priors == scenario.priors
    np.testing.assert_array_equal(draw(again, 5, 0, 500)[Y], draw(scenario, 5, 0, 500)[Y])


def test_a_set_outside_the_searched_range_is_refused(tmp_path: Path) -> None:
    values, weights = planted(10)
    values[3, 1] = 95.0  # inside the parameter's range, outside the one searched
    with pytest.raises(ScenarioError, match="outside the range searched") as info:
        load_scenario(write_calibration(tmp_path, values, weights))
    assert "\n" not in str(info.value)


def test_parameters_of_one_joint_sample_share_their_weights() -> None:
    text = MINIMAL.read_text(encoding="utf-8") + (
        "model:\n"
        "  c_measure: {particles: {joint: j, values: [1.0, 2.0], weights: [1, 1]}}\n"
        "  w_demand: {particles: {joint: j, values: [1.0, 2.0], weights: [1, 3]}}\n")
    with pytest.raises(ScenarioError, match="joint sample 'j'"):
        load_scenario_text(text)


@pytest.mark.parametrize(("spec", "words"), [
    ("{particles: {joint: j, values: [1.0], weights: [1, 2]}}", "as many"),
    ("{particles: {joint: j, values: [1.0, 30.0], weights: [1, 2]}}", "outside the "
                                                                       "parameter's range"),
    ("{particles: {joint: j, values: [1.0, 2.0], weights: [0, 0]}}", "some above 0"),
    ("{particles: {joint: '', values: [1.0], weights: [1]}}", "needs joint"),
    ("{particles: [1.0, 2.0]}", "takes a mapping"),
])
def test_bad_particles_are_refused(spec: str, words: str) -> None:
    text = MINIMAL.read_text(encoding="utf-8") + f"model:\n  c_measure: {spec}\n"
    with pytest.raises(ScenarioError, match=words):
        load_scenario_text(text)


def test_the_runs_table_names_the_set_each_run_drew(tmp_path: Path) -> None:
    from escalation_sim.analysis.tables import PARAMETER_SET, runs_columns

    values, weights = planted(40)
    scenario = load_scenario(write_calibration(tmp_path, values, weights))
    from escalation_sim.engine.ensemble import Point, evaluate

    n = 300
    runs = evaluate([Point(scenario, 9)], n, keep_runs=True)[0].runs
    assert runs is not None
    table = runs_columns(runs, scenario, 0, seed=9)
    sets = table[PARAMETER_SET]
    assert sets.dtype == np.int64 and 0 <= sets.min() and sets.max() < len(weights)
    # each run's values are its set's own (as the table rounds them)
    np.testing.assert_allclose(np.asarray(table[X], dtype=float), values[sets, 0], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(table[Y], dtype=float), values[sets, 1], rtol=1e-5)
    assert len(set(sets.tolist())) > 10  # many sets drawn, not one
