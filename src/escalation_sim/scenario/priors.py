"""Uncertain parameters: a distribution written in place of a number, drawn once per run.

Interface shared by the scenario layer (which parses and validates distributions), the engine
(which carries each run's drawn values along the run axis) and the analyses (explore, calibrate).
See docs/analysis.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from escalation_sim.scenario.schema import Scenario

KINDS = ("uniform", "triangular", "normal", "beta")


@dataclass(frozen=True)
class Distribution:
    """A parameter's prior: ``kind`` with ``args`` as written, on the parameter's range.

    ``uniform: [lo, hi]``, ``triangular: [lo, mode, hi]``, ``normal: [mean, sd]`` (truncated to
    ``[low, high]``), ``beta: [a, b]`` (scaled to ``[low, high]`` when both are finite).
    """

    kind: str
    args: tuple[float, ...]
    low: float | None = None
    high: float | None = None

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The values at quantiles ``u`` (inverse CDF), same shape as ``u``."""
        raise NotImplementedError

    def central(self) -> float:
        """The median: the single value used where one number is needed."""
        raise NotImplementedError

    def describe(self) -> str:
        """As written, e.g. ``uniform [0.5, 0.7]``."""
        raise NotImplementedError


def priors_of(scenario: Scenario) -> dict[str, Distribution]:
    """The scenario's uncertain parameters: dotted path -> distribution, sorted by path."""
    return {}


def fix(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """A copy with the given paths set to plain numbers (their distributions removed)."""
    raise NotImplementedError


def draw(scenario: Scenario, seed: int, first_run: int, n_runs: int) -> dict[str, np.ndarray]:
    """Each uncertain parameter's value in runs ``first_run .. first_run + n_runs - 1``.

    Run ``k``'s value of a path depends only on ``(seed, k, path)``: the same prior gives the
    same draws in every scenario, for any chunking or number of workers (common random numbers).
    Returns path -> float array of shape ``(n_runs,)``; empty when nothing is uncertain.
    """
    return {}
