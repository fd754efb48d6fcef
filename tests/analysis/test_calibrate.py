"""Calibration: recovery of known parameters, the calibration file, leave-one-out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("pyabc")

from calibrate_synthetic import synthetic_episodes  # noqa: E402

from escalation_sim.analysis.calibrate import (  # noqa: E402
    DEFAULT_PRIORS,
    Posterior,
    Prior,
    Settings,
    bounds_of,
    calibration_document,
    check_priors,
    distance,
    posterior_of,
    run_abc,
    simulate,
    summary_prior,
)
from escalation_sim.analysis.out_of_sample import (  # noqa: E402
    REFERENCES,
    SCORES,
    LooSettings,
    leave_one_out,
    out_of_sample_line,
    refit,
)
from escalation_sim.cli.calibrate_cmd import calibration_yaml  # noqa: E402

TRUTH = {"model.w_demand": 2.0, "model.w_nat": 3.0}
PRIORS = [Prior("model.w_demand", 0.0, 6.0), Prior("model.w_nat", 0.0, 6.0)]


@pytest.fixture(scope="module")
def synthetic() -> list:
    return synthetic_episodes(TRUTH, days=31, count=3)


def test_calibration_recovers_known_parameters(synthetic: list, tmp_path: Path) -> None:
    post = run_abc(synthetic, PRIORS, Settings(population=10, generations=2, runs=16, seed=3),
                   tmp_path / "h.db")
    assert post.values.shape == (10, 2)
    assert np.isclose(post.weights.sum(), 1.0)
    for j, prior in enumerate(PRIORS):
        m = post.marginal(j)
        assert m["q05"] <= TRUTH[prior.path] <= m["q95"], (prior.path, m)
    assert post.distances.max() <= post.epsilons[-1] + 1e-12  # all kept within the threshold


def test_distance_is_smaller_at_the_truth(synthetic: list) -> None:
    far = {"model.w_demand": 6.0, "model.w_nat": 0.0}
    sims = simulate(synthetic, [TRUTH, far], 64, 5)
    assert distance(sims[0], synthetic) < distance(sims[1], synthetic)


def test_calibration_file_round_trips_with_valid_priors(synthetic: list) -> None:
    scenario = synthetic[0].scenario
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.uniform(p.low, p.high, 20) for p in DEFAULT_PRIORS])
    post = Posterior(list(DEFAULT_PRIORS), values, np.full(20, 0.05), rng.random(20),
                     [0.3, 0.2], 40)
    doc = calibration_document(post, synthetic, Settings(), scenario, wall_s=1.0, workers=1)
    text = calibration_yaml(doc)
    assert text.startswith("# escsim calibrate")
    back = yaml.safe_load(text)
    assert back["episodes"] == ["synthetic_0", "synthetic_1", "synthetic_2"]
    assert set(back["priors"]) == {p.path for p in DEFAULT_PRIORS}
    for path, spec in back["priors"].items():
        (kind, (mean, sd)), = spec.items()
        lo, hi = bounds_of(path, scenario)
        assert kind == "normal" and sd > 0
        assert (lo is None or mean >= lo) and (hi is None or mean <= hi)
    again = posterior_of(back)
    assert [p.path for p in again.priors] == [p.path for p in DEFAULT_PRIORS]
    np.testing.assert_allclose(again.values, values, rtol=1e-3)
    np.testing.assert_allclose(again.weights, 0.05)


def test_summary_prior_stays_in_range() -> None:
    prior = Prior("model.summit_rate", 0.0, 6.0)
    spec = summary_prior(prior, {"mean": -1.0, "sd": 0.0}, (0.0, 365.0))
    assert spec == {"normal": [0.0, 0.06]}


def test_default_priors_are_inside_the_documented_ranges(synthetic: list) -> None:
    check_priors(DEFAULT_PRIORS, synthetic[0].scenario)
    with pytest.raises(ValueError, match="inside"):
        check_priors([Prior("model.audience", -1.0, 2.0)], synthetic[0].scenario)
    with pytest.raises(ValueError, match="model.nope"):
        check_priors([Prior("model.nope", 0.0, 1.0)], synthetic[0].scenario)


def test_refit_keeps_the_best_on_the_other_episodes() -> None:
    matrix = np.array([[0.1, 0.9], [0.5, 0.1], [0.3, 0.3], [0.9, 0.0]])
    assert list(refit(matrix, 0, 0.5)) == [3, 1]  # by episode 1 alone
    assert list(refit(matrix, 1, 0.5)) == [0, 2]


def test_leave_one_out_gives_the_table(synthetic: list, tmp_path: Path) -> None:
    episodes = synthetic
    doc = leave_one_out(episodes, episodes, PRIORS,
                        LooSettings(design=4, accept=0.5, draws=2, runs_per_draw=8, runs=8))
    assert doc["n_episodes"] == 3 and len(doc["episodes"]) == 3
    for row in [*doc["episodes"], doc["pooled"]]:
        for key in SCORES:
            assert "model" in row[key]
            for ref in REFERENCES:
                assert ref in row[key]
                if not key.startswith("cover"):
                    assert f"skill_{ref}" in row[key]
        assert 0.0 <= row["cover_50"]["model"] <= row["cover_90"]["model"] <= 1.0
    assert set(doc["episodes"][0]["posterior_mean"]) == {p.path for p in PRIORS}
    path = tmp_path / "loo.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    line = out_of_sample_line(path)
    assert line is not None and line.startswith("on 3 past crises")
    assert f"{doc['pooled']['cover_90']['model']:.0%}" in line
    assert out_of_sample_line(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert out_of_sample_line(tmp_path / "bad.json") is None


def test_the_bundled_calibration_has_valid_priors() -> None:
    from escalation_sim.scenario.bundled import calibration_file

    path = calibration_file("calibration.yaml")
    if not path.exists():
        pytest.skip("no bundled calibration")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    from calibrate_synthetic import BASE

    from escalation_sim.scenario.load import load_scenario

    scenario = load_scenario(BASE)
    assert set(doc["priors"]) == {p.path for p in DEFAULT_PRIORS}
    for path_, spec in doc["priors"].items():
        (kind, (mean, sd)), = spec.items()
        lo, hi = bounds_of(path_, scenario)
        assert kind == "normal" and sd > 0 and (lo is None or lo <= mean)
        assert hi is None or mean <= hi
    post = posterior_of(doc)
    assert np.isclose(post.weights.sum(), 1.0)


def test_the_bundled_out_of_sample_table_gives_a_line() -> None:
    from escalation_sim.scenario.bundled import calibration_file

    table = calibration_file("out_of_sample.json")
    if not table.exists():
        pytest.skip("no bundled leave-one-out table")
    n = json.loads(table.read_text(encoding="utf-8"))["n_episodes"]
    line = out_of_sample_line()
    assert line is not None and line.startswith(f"on {n} past crises, each held out in turn")
