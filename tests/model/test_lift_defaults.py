"""The lifting defaults are the library's maximum-likelihood fit (docs/make_lift_durations.py)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np
import pytest

from escalation_sim.scenario.schema import ModelParams

Scripts = Callable[[str], ModuleType]


def test_the_lifting_defaults_are_the_library_fit(repo_script: Scripts) -> None:
    maker = repo_script("docs/make_lift_durations.py")
    spells = maker.library_spells()
    rate, strength, loglik = maker.fit(spells)
    defaults = ModelParams()
    assert defaults.lift_rate == pytest.approx(rate, abs=0.05)
    assert defaults.lift_entrenchment == pytest.approx(strength, abs=0.05)
    # entrenchment earns its parameter: the likelihood ratio against a constant hazard
    _, _, constant = maker.fit(spells, entrenched=False)
    assert 2 * (loglik - constant) > 3.84  # chi-square, one degree of freedom, 5%


def test_the_fit_recovers_a_known_hazard(repo_script: Scripts) -> None:
    maker = repo_script("docs/make_lift_durations.py")
    rng = np.random.default_rng(3)
    # spells drawn from rate 2 a year, strength 1 (survival (1 + t/scale) ** -(rate scale)),
    # censored at three years
    scale = maker.LIFT_AGE_SCALE_DAYS / maker.YEAR
    u = rng.random(4000)
    t = scale * (u ** (-1 / (2.0 * scale)) - 1)
    spells = maker.Spells(np.minimum(t, 3.0), t < 3.0)
    rate, strength, _ = maker.fit(spells)
    assert rate == pytest.approx(2.0, rel=0.15)
    assert strength == pytest.approx(1.0, rel=0.15)
