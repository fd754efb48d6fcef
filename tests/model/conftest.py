"""Scenario builders for the model's property and mechanism tests (docs/model.md §11)."""

from __future__ import annotations

from typing import Any

import pytest

from escalation_sim.scenario.schema import Scenario

QUIET_MODEL = dict(
    c_econ=0, c_measure=0.01, c_posture=0, audience=0, c_move=0, mediation_bonus=0,
    grievance_per_hostility=0, rally=0, rally_per_severity=0, nationalism_volatility=0, w_nat=0,
    c_coop=0, settle_per_lift=0, summit_rate=0, w_kind=0, w_domain=0, lift_rate=0,
    activation_half_life_days=3650, posture_gate=0,
)
"""The noise-free, cost-free limit: only the fit of words and deeds to the desired rung is left
(a cent of cost on a measure breaks ties), no summits, no lifting, force closed, contention that
does not fade."""


def actor(**kw: Any) -> dict[str, Any]:
    base = dict(nationalism=0.5, rationality=1000, review_days=1, lag_days=0, misperception=0,
                rhetoric_gain=0, reciprocity=0.5, initial_rung=2)
    base.update(kw)
    return base


def stake_issue(s_a: float, s_b: float) -> dict[str, Any]:
    """One contested issue with the widest gap and full heat: stake = w_issue * salience."""
    return dict(heat=1.0, activation=1.0, position=dict(a=0.0, b=1.0),
                salience=dict(a=s_a, b=s_b))


def make(actors: dict[str, dict[str, Any]], model: dict[str, Any] | None = None,
         **top: Any) -> Scenario:
    data: dict[str, Any] = dict(name="test", horizon_days=120, runs=1, seed=7, actors=actors,
                                model=dict(QUIET_MODEL, **(model or {})))
    data.update(top)
    return Scenario.model_validate(data)


@pytest.fixture
def dyad() -> Scenario:
    """A mid-crisis dyad with contested issues, nationalism, incidents and all mechanisms on."""
    actors = {
        "a": dict(capability=5, dependence=0.1, nationalism=0.65, reciprocity=0.6,
                  review_days=7, initial_rung=4, initial_grievance=1.0),
        "b": dict(capability=50, available_share=0.4, dependence=0.02, nationalism=0.5,
                  reciprocity=0.5, review_days=10, lag_days=3, initial_rung=4),
    }
    issues = {
        "corridors": dict(heat=0.6, activation=0.5, domain="economic",
                          position=dict(a=0.2, b=0.8), salience=dict(a=0.7, b=0.6)),
        "karabakh": dict(heat=0.4, activation=0.5, domain="diplomatic",
                         position=dict(a=0.1, b=0.6), salience=dict(a=0.8, b=0.4)),
    }
    incidents = {
        "raid": dict(rate_per_year=2, perpetrator="b", victim="a", severity=1.0, rung=5,
                     cameo="173", issue="corridors"),
        "strike": dict(rate_per_year=0.5, perpetrator="b", victim="a", severity=1.5, rung=8,
                       cameo="195", issue="karabakh"),
        "arrests": dict(rate_per_year=1, perpetrator="a", victim="b", severity=1.0, rung=5,
                        cameo="173", control="leadership"),
    }
    return Scenario.model_validate(dict(
        name="dyad", horizon_days=180, runs=1000, seed=11, actors=actors, issues=issues,
        incidents=incidents, contiguous=True,
        alliances=[dict(patron="P", backs="a", commitment=0.5)]))
