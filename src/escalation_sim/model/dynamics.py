"""State that evolves from day to day (docs/model.md §7, §10).

Grievance, nationalism, trade and energy flows, trust and mediation.

Each function takes today's arrays (leading run axis) and returns tomorrow's; none of them draws
random numbers, so they are deterministic given the decisions already made.
"""

from __future__ import annotations

import numpy as np

from escalation_sim.model.ladder import (
    ECONOMIC_COERCION,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    N_RUNGS,
    STATUS_QUO,
)
from escalation_sim.model.params import Params

CRISIS_OVER = 3
"""Mediation disengages once every side is back at verbal hostility (rung 3) or below (§10)."""
TRUST_TARGET = np.where(np.arange(N_RUNGS) <= STATUS_QUO, 1.0,
                        np.where(np.arange(N_RUNGS) >= LEGAL_COERCION, 0.0, 0.5))
"""Where trust heads, by the rung seen (§5): 1 at status quo or better, 0 at legal coercion or
above, ½ between."""


def hostility_suffered(level: np.ndarray) -> np.ndarray:
    """Hostility each actor suffers from all the others, in units of 10 Goldstein points (R, A)."""
    h = HOSTILITY[level]
    return h.sum(axis=1, keepdims=True) - h


def grievance(g: np.ndarray, suffered: np.ndarray, p: Params) -> np.ndarray:
    """Grievance decays with its half-life and grows with hostility suffered, capped (§7).

    Under constant hostility ``h`` it tends to ``gph * h / (1 - decay)``, so it stays bounded even
    without the cap.
    """
    return np.minimum(g * p.grievance_decay + p.grievance_per_hostility * suffered,
                      p.grievance_max)


def nationalism(n: np.ndarray, suffered: np.ndarray, shock: np.ndarray, p: Params) -> np.ndarray:
    """Nationalism relaxes to its baseline, rallies under hostility and drifts (§7).

    An Ornstein-Uhlenbeck process kept in [0, 1]; ``shock`` is a standard normal per run and
    actor (domestic politics).
    """
    drift = p.nationalism_relax * (p.n0 - n) + p.rally * suffered
    n = n + drift + p.nationalism_volatility * shock
    return np.clip(n, 0.0, 1.0)


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
    """Trust of each observer in each other moves slowly to a target set by what it sees (§5).

    Target 1 while the other is at status quo or better, 0 at legal coercion or above, ½ between.
    """
    return t + p.trust_speed * (TRUST_TARGET[seen] - t)


def mediation(crisis_days: np.ndarray, mediating: np.ndarray, top: np.ndarray,
              p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Mediator engages after ``mediation_onset`` days of crisis and leaves when it ends (§10).

    A crisis day is one with some side at legal coercion or above; the count restarts after a
    day without. The mediator leaves once every side is at verbal hostility or below.
    """
    crisis_days = np.where(top >= LEGAL_COERCION, crisis_days + 1, 0)
    mediating = (mediating | (crisis_days >= p.mediation_onset)) & (top > CRISIS_OVER)
    return crisis_days, mediating
