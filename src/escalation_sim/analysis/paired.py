"""Paired differences between two ensembles run with common random numbers (``escsim report``).

Both ensembles must come from one ``evaluate`` call with the same seed and run count, with
per-run arrays kept: run ``i`` of each saw the same random numbers, so the per-run differences
``b_i − a_i`` carry far less noise than the difference of two independent estimates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from escalation_sim.analysis.stats import paired_difference
from escalation_sim.model.ladder import LIMITED_FORCE, MILITARY_SIGNALLING
from escalation_sim.model.outcomes import OUTCOMES

DIFFERENCE_METRICS = {
    "p_military_signalling": ("peak_rung", MILITARY_SIGNALLING),
    "p_force": ("peak_rung", LIMITED_FORCE),
    "peak_rung_mean": ("peak_rung", None),
    "days_coercion_mean": ("days_coercion", None),
    "trade_loss_mean": ("trade_loss", None),
    "energy_loss_mean": ("energy_loss", None),
}
"""Summary metric -> (per-run array, threshold for a 0/1 indicator or ``None`` for the value)."""


def paired_differences(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, Any]:
    """Mean of ``b − a`` run by run, with its 95% interval, per outcome class and key metric.

    Args:
        a: Per-run arrays of the reference ensemble (``PointResult.runs``).
        b: Per-run arrays of the variant, over the same run indices and seed.

    Returns:
        ``{"outcomes": {<class>: {value, ci_low, ci_high, n}}, "metrics": {<metric>: {…}}}``,
        rounded to the digits each interval supports; probabilities as differences of 0/1
        indicators.
    """
    outcomes = {name: paired_difference(b["outcome"] == k, a["outcome"] == k)
                for k, name in enumerate(OUTCOMES)}
    metrics = {}
    for key, (name, threshold) in DIFFERENCE_METRICS.items():
        va, vb = a[name], b[name]
        if threshold is not None:
            va, vb = va >= threshold, vb >= threshold
        metrics[key] = paired_difference(vb, va)
    return {"outcomes": {k: v.rounded().to_dict() for k, v in outcomes.items()},
            "metrics": {k: v.rounded().to_dict() for k, v in metrics.items()}}
