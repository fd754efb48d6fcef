"""The particle filter's parts: the observation model, effective size and systematic resampling."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.engine.assimilate import (
    DECLARATORY_SCALE,
    MATERIAL_SCALE,
    NONE,
    effective_size,
    month_log_likelihood,
    normalised,
    systematic_resample,
    track_log_likelihood,
)


@pytest.mark.parametrize("scale", [MATERIAL_SCALE, DECLARATORY_SCALE])
def test_the_observation_model_is_a_distribution_over_the_scale(scale: np.ndarray) -> None:
    for s in scale:
        total = sum(np.exp(track_log_likelihood(np.array([[s]]), np.array([o]), scale,
                                                0.2, 0.5))[0] for o in scale)
        assert total == pytest.approx(1.0)


def test_a_reading_near_the_record_weighs_more_than_one_far_from_it() -> None:
    sim = np.array([[6], [5], [4], [NONE]])  # NONE: no measure, read as verbal hostility
    ll = track_log_likelihood(sim, np.array([6]), MATERIAL_SCALE, 0.2, 0.5)
    assert ll[0] == pytest.approx(np.log(0.8))
    assert ll[0] > ll[1] > ll[2] > ll[3]


def test_a_month_without_a_statement_says_nothing_of_the_words() -> None:
    stance = np.array([[0, 3], [3, 3]])
    both = month_log_likelihood(np.full((2, 2), 5), stance, np.array([5, 5]),
                                np.array([NONE, 3]))
    assert both[0] == pytest.approx(both[1])  # actor 0's words are unobserved
    said = month_log_likelihood(np.full((2, 2), 5), stance, np.array([5, 5]), np.array([3, 3]))
    assert said[1] > said[0]


def test_effective_size_runs_from_one_to_all() -> None:
    assert effective_size(np.zeros(50)) == pytest.approx(50)
    assert effective_size(np.array([0.0, -1e9, -1e9])) == pytest.approx(1.0)


def test_systematic_resampling_keeps_each_run_in_proportion_to_its_weight() -> None:
    rng = np.random.default_rng(1)
    logw = np.log(rng.random(200) ** 3)
    w = normalised(logw)
    for u in (0.0, 0.37, 0.999):
        idx = systematic_resample(logw, u)
        counts = np.bincount(idx, minlength=w.size)
        assert idx.size == w.size and (np.diff(idx) >= 0).all()
        # floor(R w) or ceil(R w) copies of each run (the low-variance property)
        assert (counts >= np.floor(w.size * w) - 1e-9).all()
        assert (counts <= np.ceil(w.size * w) + 1e-9).all()


def test_equal_weights_keep_every_run_once() -> None:
    assert (systematic_resample(np.zeros(17), 0.5) == np.arange(17)).all()
