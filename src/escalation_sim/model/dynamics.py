"""State that evolves from day to day (docs/model.md §7, §9, §10).

Grievance, nationalism, trade and energy flows, trust, mediation, settlement and summits.

Each function takes today's arrays (leading actor axis where there is one, then runs) and
returns tomorrow's, or a probability; none of them draws random numbers, so they are
deterministic given the draws and decisions already made. The parameters carry a trailing run
axis (``params.py``) that broadcasts against the state: pass ``Params.at(rows)`` with the state
of some runs only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from escalation_sim.model.ladder import (
    DIPLOMATIC_RETALIATION,
    ECONOMIC_COERCION,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    N_RUNGS,
    STATUS_QUO,
)
from escalation_sim.model.params import Params

CRISIS_RUNG = DIPLOMATIC_RETALIATION
"""A day counts as a day of crisis while some side is at diplomatic retaliation or above: the
clock of mediation and of summit opportunities (§10)."""
RESTORED = STATUS_QUO
"""Relations count as restored once every side is at status quo or better; a mediator stays
until then (§10)."""
TRUST_TARGET = np.where(np.arange(N_RUNGS) <= STATUS_QUO, 1.0,
                        np.where(np.arange(N_RUNGS) >= LEGAL_COERCION, 0.0, 0.5))
"""Where trust heads, by the rung seen (§5): 1 at status quo or better, 0 at legal coercion or
above, ½ between."""


def hostility_suffered(level: np.ndarray) -> np.ndarray:
    """Hostility each actor suffers from all the others, in units of 10 Goldstein points (A, R)."""
    h = HOSTILITY.take(level)
    total = h[0] + h[1] if h.shape[0] == 2 else h.sum(axis=0)
    return total - h


def grievance(g: np.ndarray, suffered: np.ndarray, p: Params) -> np.ndarray:
    """Grievance decays with its half-life and grows with hostility suffered, capped (§7).

    Under constant hostility ``h`` it tends to ``gph * h / (1 - decay)``, so it stays bounded even
    without the cap.
    """
    return np.minimum(g * p.grievance_decay + p.grievance_per_hostility * suffered,
                      p.grievance_max)


def settle(g_other: np.ndarray, stepped_down: np.ndarray, p: Params) -> np.ndarray:
    """The other side's grievance after one steps down ``stepped_down`` rungs (§7 settlement).

    A climb-down undoes some of the harm that fed the grievance: a ban lifted, detainees
    released, an envoy sent back.
    """
    return np.maximum(0.0, g_other - p.settle_per_rung * stepped_down)


def nationalism(n: np.ndarray, suffered: np.ndarray, shock: np.ndarray, p: Params) -> np.ndarray:
    """Nationalism relaxes to its baseline, rallies under hostility and drifts (§7).

    An Ornstein-Uhlenbeck process kept in [0, 1]; ``shock`` is a standard normal per actor and
    run (domestic politics).
    """
    out = p.n0 - n
    out *= p.nationalism_relax
    out += p.rally * suffered
    out += n
    out += np.asarray(p.nationalism_volatility, dtype=shock.dtype) * shock  # in the shock's
    # precision (float32), per run or not
    return np.clip(out, 0.0, 1.0, out=out)


def flows(trade: np.ndarray, energy: np.ndarray, top: np.ndarray,
          p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Trade and energy flows (1 = pre-crisis) fall under coercion and recover otherwise (§7).

    ``top`` is the highest rung in each run. Trade falls while a side is at economic coercion or
    above; energy falls then too, and faster at limited force (strikes on energy assets).
    """
    coercion = top >= ECONOMIC_COERCION
    force = top >= LIMITED_FORCE
    trade = np.where(coercion, trade * (1.0 - p.trade_fall),
                     trade + p.trade_recovery * (1.0 - trade))
    energy_fall = np.where(force, p.energy_force_fall, p.energy_fall)
    energy = np.where(coercion, energy * (1.0 - energy_fall),
                      energy + p.energy_recovery * (1.0 - energy))
    return trade, energy


def trust(t: np.ndarray, seen: np.ndarray, p: Params) -> np.ndarray:
    """Trust of each observer in each other moves slowly to a target set by what it sees (§5)."""
    target = TRUST_TARGET.take(seen)
    target -= t
    target *= p.trust_speed
    return target + t


def mediation(crisis_days: np.ndarray, mediating: np.ndarray, top: np.ndarray,
              p: Params) -> tuple[np.ndarray, np.ndarray]:
    """A mediator engages after ``mediation_onset`` days of crisis, stays until relations mend.

    A crisis day is one with some side at diplomatic retaliation or above; the count restarts
    after a day without. The mediator leaves once relations are restored (§10): every side at
    status quo or better.
    """
    crisis_days = np.where(top >= CRISIS_RUNG, crisis_days + 1, 0)
    mediating = (mediating | (crisis_days >= p.mediation_onset)) & (top > RESTORED)
    return crisis_days, mediating


def summit_chance(crisis_days: np.ndarray, mediating: np.ndarray, trade: np.ndarray,
                  top: np.ndarray, p: Params) -> np.ndarray:
    """Daily chance of a leader-level summit opportunity in each run (§10).

    ``rate * (1 + time_gain * days in crisis) * (1 + pain_gain * trade lost)
    * (1 + mediation_gain * mediating)`` per day while relations are reduced, none otherwise.
    """
    rate = _summit_rate(crisis_days, mediating, trade, p)
    return np.where(top >= CRISIS_RUNG, -np.expm1(-rate), 0.0)


def summit_ceiling(days_in_crisis: int, p: Params) -> float:
    """The highest daily chance ``summit_chance`` can give after ``days_in_crisis`` days.

    With a mediator engaged and all trade lost (and the highest over runs of per-run rates):
    runs below it are the only candidates.
    """
    return -math.expm1(-float(np.max(_summit_rate(days_in_crisis, 1.0, 0.0, p))))


def _summit_rate(crisis_days: Any, mediating: Any, trade: Any, p: Params) -> Any:
    """Summit opportunities per day before the crisis test (arrays or plain numbers)."""
    return (p.summit_rate * (1.0 + p.summit_time_gain * crisis_days)
            * (1.0 + p.summit_pain_gain * (1.0 - trade))
            * (1.0 + p.summit_mediation_gain * mediating))


def summit_acceptance(nationalism: np.ndarray, grievance: np.ndarray, trade: np.ndarray,
                      mediating: np.ndarray, p: Params) -> np.ndarray:
    """Chance that each actor's leader accepts a settlement at a summit, shape (A, R) (§10).

    Logit in the actor's rationality of ``summit_value + c_econ dep (1 - trade) / resolve +
    c_coop dep + mediation_bonus * mediating - audience * resolve * n - w_g * grievance``: the
    pain of lost trade, the gains of restored cooperation and a mediator's help against the
    audience cost of compromise and the grievance not yet answered.
    """
    gain = (p.summit_value + p.econ_cost * (1.0 - trade)
            + p.cooperation_gain + p.mediation_bonus * mediating)
    cost = p.audience * nationalism + p.summit_grievance_weight * grievance
    z = np.clip(p.rationality * (gain - cost), -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))
