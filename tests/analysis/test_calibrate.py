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
    calibration_document,
    check_priors,
    distance,
    posterior_of,
    run_abc,
    simulate,
)
from escalation_sim.analysis.evaluations import (  # noqa: E402
    abc_weights,
    ess,
    load,
    mixture_log_weights,
    threshold,
)
from escalation_sim.analysis.out_of_sample import (  # noqa: E402
    REFERENCES,
    LooSettings,
    leave_one_out,
    out_of_sample_line,
)
from escalation_sim.cli.calibrate_cmd import calibration_yaml, load_refit  # noqa: E402

TRUTH = {"model.w_demand": 2.0, "model.c_measure": 1.5}
PRIORS = [Prior("model.w_demand", 0.0, 6.0), Prior("model.c_measure", 0.25, 5.0)]


@pytest.fixture(scope="module")
def synthetic() -> list:
    return synthetic_episodes(TRUTH, days=62, count=3)


@pytest.fixture(scope="module")
def recovered(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Four synthetic libraries made by escsim at ``TRUTH``, each calibrated (small settings)."""
    folder = tmp_path_factory.mktemp("recovery")
    out = []
    for seed in (1, 2, 3, 4):
        episodes = synthetic_episodes(TRUTH, days=92, count=4, seed=100 + seed)
        out.append(run_abc(episodes, PRIORS, Settings(population=24, generations=3, runs=16,
                                                      seed=seed), folder / f"h{seed}.db"))
    return out


@pytest.mark.slow
def test_calibration_on_synthetic_libraries_narrows_around_the_truth(recovered: list) -> None:
    """Each calibration keeps a weighted population within its threshold, narrower than the
    prior, and its 90% intervals hold the true values in most of the eight cases."""
    held, ratios = [], []
    for post in recovered:
        assert post.values.shape == (24, 2)
        assert np.isclose(post.weights.sum(), 1.0)
        assert post.distances.max() <= post.epsilons[-1] + 1e-12  # kept within the threshold
        assert list(post.epsilons) == sorted(post.epsilons, reverse=True)  # epsilon falls
        for j, prior in enumerate(PRIORS):
            m = post.marginal(j)
            held.append(m["q05"] <= TRUTH[prior.path] <= m["q95"])
            ratios.append(m["sd_ratio"])
    assert np.mean(held) >= 0.625, held  # at least five of eight (see the next test)
    assert np.mean(ratios) < 1.0  # the posterior is narrower than the prior


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "ABC-SMC's shrinking thresholds at small settings keep a narrow cloud near the noisy "
    "optimum of one synthetic library, not the wide posterior it supports: c_measure's 90% "
    "intervals miss the truth, above it, in too many cases although every term of the distance "
    "is a proper score (docs/calibration.md, Recovery on synthetic libraries)"))
def test_the_90_percent_intervals_hold_the_truth_nine_times_in_ten(recovered: list) -> None:
    """The coverage a calibrated posterior should have: at most one miss in eight."""
    held = [m["q05"] <= TRUTH[prior.path] <= m["q95"]
            for post in recovered
            for j, prior in enumerate(PRIORS) for m in [post.marginal(j)]]
    assert np.mean(held) >= 0.85, held


def test_distance_is_smaller_at_the_truth(synthetic: list) -> None:
    far = {"model.w_demand": 6.0, "model.c_measure": 5.0}
    sims = simulate(synthetic, [TRUTH, far], 64, 5)
    assert distance(sims[0], synthetic) < distance(sims[1], synthetic)


def test_calibration_file_carries_the_weighted_sets(synthetic: list) -> None:
    scenario = synthetic[0].scenario
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.uniform(p.low, p.high, 20) for p in DEFAULT_PRIORS])
    gens = [{"generation": 1, "epsilon": None, "simulated": 20, "accepted": 20, "ess": 20.0}]
    post = Posterior(list(DEFAULT_PRIORS), values, np.full(20, 0.05), rng.random(20),
                     [0.3, 0.2], 40, gens)
    doc = calibration_document(post, synthetic, Settings(), scenario, wall_s=1.0, workers=1)
    text = calibration_yaml(doc)
    assert text.startswith("# escsim calibrate")
    back = yaml.safe_load(text)
    assert back["calibration_version"] == 2 and "priors" not in back  # no normal summaries
    assert back["episodes"] == ["synthetic_0", "synthetic_1", "synthetic_2"]
    assert set(back["parameters"]) == {p.path for p in DEFAULT_PRIORS}
    assert back["effective_sample_size"] == pytest.approx(20.0)
    for entry in back["parameters"].values():
        assert 0 < entry["sd_ratio"] < 1.5 and entry["prior"]["uniform"][0] < \
            entry["prior"]["uniform"][1]
    again = posterior_of(back)
    assert [p.path for p in again.priors] == [p.path for p in DEFAULT_PRIORS]
    np.testing.assert_allclose(again.values, values, rtol=1e-5)
    np.testing.assert_allclose(again.weights, 0.05)
    assert again.generations == gens


def test_default_priors_are_inside_the_documented_ranges(synthetic: list) -> None:
    check_priors(DEFAULT_PRIORS, synthetic[0].scenario)
    with pytest.raises(ValueError, match="inside"):
        check_priors([Prior("model.audience", -1.0, 2.0)], synthetic[0].scenario)
    with pytest.raises(ValueError, match="model.nope"):
        check_priors([Prior("model.nope", 0.0, 1.0)], synthetic[0].scenario)


def test_mixture_weights_undo_the_proposals() -> None:
    """Sets proposed by a narrow kernel weigh less than the same sets from the prior."""
    log_q = np.array([[0.0, 0.0], [0.0, 2.0], [0.0, -30.0]])  # log densities under q_0, q_1
    generation = np.array([0, 1, 1])
    log_w = mixture_log_weights(log_q, generation, 0.0)
    # mixture: (1/3) q_0 + (2/3) q_1
    expected = -np.log(np.array([1 / 3 + 2 / 3, 1 / 3 + 2 / 3 * np.e ** 2,
                                 1 / 3 + 2 / 3 * np.exp(-30.0)]))
    np.testing.assert_allclose(log_w, expected, atol=1e-12)
    w = abc_weights(log_w, np.array([0.1, 0.2, 0.9]), 0.5)
    assert w[2] == 0 and np.isclose(w.sum(), 1.0) and w[0] > w[1]
    assert ess(np.full(4, 0.25)) == pytest.approx(4.0)
    # the threshold rises until the effective sample size is reached
    assert threshold(np.zeros(3), np.array([0.1, 0.2, 0.9]), 0.15, 2.0) == pytest.approx(0.2)


def test_leave_one_out_reweights_the_calibration(synthetic: list, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    post = run_abc(synthetic, PRIORS, Settings(population=8, generations=2, runs=8, seed=3), db)
    kept = load(db)
    assert len(kept) >= 16 and set(kept.generation) == {0, 1}  # every set simulated is kept
    assert len(kept.scores[0]) == len(synthetic)
    refit = load_refit(db, post)
    assert np.all(np.isfinite(refit.log_weights))
    doc = leave_one_out(refit, synthetic, LooSettings(runs=8, min_ess=2.0, seed=1))
    assert doc["n_episodes"] == 3 and len(doc["episodes"]) == 3
    for row in [*doc["episodes"], doc["pooled"]]:
        for key in ("rps", "rps_material", "brier_force", "cover_50", "cover_90"):
            assert "model" in row[key]
            for ref in REFERENCES:
                assert ref in row[key]
                if not key.startswith("cover"):
                    assert f"skill_{ref}" in row[key]
        assert 0.0 <= row["cover_50"]["model"] <= row["cover_90"]["model"] <= 1.0
    for row in doc["episodes"]:
        assert row["ess"] >= 2.0 and row["epsilon"] >= post.epsilons[-1] * (1 - 1e-3)
        assert set(row["posterior_mean"]) == {p.path for p in PRIORS}
    assert doc["pooled"]["verdict"]
    path = tmp_path / "loo.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    line = out_of_sample_line(path)
    assert line is not None and line.startswith("on 3 past crises")
    assert f"{doc['pooled']['cover_90']['model']:.0%}" in line
    assert out_of_sample_line(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert out_of_sample_line(tmp_path / "bad.json") is None


def test_the_bundled_calibration_carries_sets_inside_its_priors() -> None:
    from escalation_sim.scenario.bundled import calibration_file

    path = calibration_file("calibration.yaml")
    if not path.exists():
        pytest.skip("no bundled calibration")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if doc.get("calibration_version", 1) < 2:
        pytest.skip("the bundled calibration predates the weighted sets")
    post = posterior_of(doc)
    assert [p.path for p in post.priors] == [p.path for p in DEFAULT_PRIORS]
    assert np.isclose(post.weights.sum(), 1.0)
    for j, prior in enumerate(post.priors):
        assert prior.low <= post.values[:, j].min() and post.values[:, j].max() <= prior.high
    assert len(doc["generations"]) == doc["settings"]["generations"]


def test_the_bundled_out_of_sample_table_gives_a_line() -> None:
    from escalation_sim.scenario.bundled import calibration_file

    table = calibration_file("out_of_sample.json")
    if not table.exists():
        pytest.skip("no bundled leave-one-out table")
    n = json.loads(table.read_text(encoding="utf-8"))["n_episodes"]
    line = out_of_sample_line()
    assert line is not None and line.startswith(f"on {n} past crises, each held out in turn")


def test_distances_do_not_depend_on_how_many_sets_a_call_simulates(
        synthetic: list, monkeypatch: pytest.MonkeyPatch) -> None:
    from escalation_sim.analysis import calibrate
    from escalation_sim.engine.executors import LocalExecutor

    thetas = [{p.key: v for p, v in zip(PRIORS, values, strict=True)}
              for values in ((2.0, 1.5), (6.0, 5.0), (0.5, 0.5))]
    found = []
    for per_call in (1, 32):  # three calls of one set each, then one call of all three
        monkeypatch.setattr(calibrate, "SETS_PER_CALL", per_call)
        evaluator = calibrate.Evaluator(synthetic, PRIORS, 16, 5, LocalExecutor(1),
                                        lambda runs: None)
        evaluator.prefetch(thetas)
        found.append([evaluator.cache[evaluator.key(t)] for t in thetas])
    assert found[0] == found[1] and len(set(found[0])) == 3
