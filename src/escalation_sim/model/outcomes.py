"""Outcome classes of a run (docs/model.md §11), aligned with the ICB severity of violence."""

from __future__ import annotations

import numpy as np

from escalation_sim.model.ladder import LEGAL_COERCION, LIMITED_FORCE, OPEN_WAR

OUTCOMES = ("normalization", "cold_tension", "coercive_standoff", "armed_clashes", "war")
"""Outcome classes from mildest to most severe; a run's class is an index into this tuple."""

OUTCOME_RULES = {
    "normalization": "no force; final higher rung <= 2 (status quo or better)",
    "cold_tension": "no force; final higher rung 3-4",
    "coercive_standoff": "no force; final higher rung >= 5",
    "armed_clashes": "peak rung 8 (limited force)",
    "war": "peak rung 9 (open war)",
}


def classify(peak: np.ndarray, final: np.ndarray) -> np.ndarray:
    """Outcome index per run from the highest peak and the highest final rung over actors."""
    out = np.where(final >= LEGAL_COERCION, 2, np.where(final >= 3, 1, 0))
    out = np.where(peak >= LIMITED_FORCE, 3, out)
    return np.where(peak >= OPEN_WAR, 4, out).astype(np.int8)
