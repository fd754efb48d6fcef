"""State that evolves from day to day (docs/model.md §7, §8, §10).

Scalar equations, compiled (``model/_jit.py``): grievance, nationalism, the contention of issues,
trade and energy flows, mediation and the daily chance of a summit. None draws random numbers.
"""

from __future__ import annotations

import math

from escalation_sim.model._jit import equation
from escalation_sim.model.ladder import DIPLOMATIC_RETALIATION, STATUS_QUO

CRISIS_RUNG = DIPLOMATIC_RETALIATION
"""A day counts as a day of crisis while some side reads diplomatic retaliation or above: the
clock of mediation and of summit opportunities (§10)."""
RESTORED = STATUS_QUO
"""Relations count as restored once every side reads status quo or better: no measure in force
and no hostile words. A mediator stays until then (§10)."""


@equation
def grievance_step(g: float, suffered: float, decay: float, per_hostility: float,
                   ceiling: float) -> float:
    """Grievance decays with its half-life and grows with hostility suffered, capped (§7).

    Under constant hostility ``h`` it tends to ``per_hostility h / (1 - decay)``, bounded even
    without the cap.
    """
    return min(g * decay + per_hostility * suffered, ceiling)


@equation
def nationalism_step(n: float, baseline: float, relax: float, rally: float, volatility: float,
                     shock: float) -> float:
    """Nationalism relaxes to its baseline, rallies under hostility and drifts (§7).

    An Ornstein-Uhlenbeck process kept in [0, 1]; ``rally`` is today's rise from hostility
    suffered, ``shock`` a standard normal (domestic politics).
    """
    out = n + (baseline - n) * relax + rally + volatility * shock
    return min(max(out, 0.0), 1.0)


@equation
def triggered(activation: float, push: float) -> float:
    """Contention of an issue after a trigger: ``push`` (0-1) of the gap to 1 is closed (§8)."""
    return activation + (1.0 - activation) * min(max(push, 0.0), 1.0)


@equation
def flow_step(flow: float, target: float, fall: float, recovery: float) -> float:
    """A flow closes ``fall`` of its gap to a lower target a day, ``recovery`` to a higher (§7)."""
    rate = fall if target < flow else recovery
    return flow + rate * (target - flow)


@equation
def cut(share: float, count: int) -> float:
    """What is left of a flow after ``count`` measures each taking ``share`` of it (§7)."""
    left = 1.0
    for _ in range(count):
        left *= 1.0 - share
    return left


@equation
def summit_chance(rate: float, time_gain: float, crisis_days: float, pain_gain: float,
                  lost: float, mediation_gain: float, mediating: bool) -> float:
    """Daily chance of a leader-level summit opportunity while one is possible (§10).

    ``1 - exp(-rate (1 + time_gain days) (1 + pain_gain lost) (1 + mediation_gain mediating))``,
    with ``rate`` and ``time_gain`` per day.
    """
    return chance_of(summit_intensity(rate, time_gain, crisis_days, pain_gain, lost,
                                      mediation_gain, mediating))


@equation
def summit_intensity(rate: float, time_gain: float, crisis_days: float, pain_gain: float,
                     lost: float, mediation_gain: float, mediating: bool) -> float:
    """The daily intensity of summit opportunities (:func:`summit_chance` is its chance)."""
    return (rate * (1.0 + time_gain * crisis_days) * (1.0 + pain_gain * lost)
            * (1.0 + mediation_gain * mediating))


@equation
def chance_of(intensity: float) -> float:
    """A day's chance of an event of daily intensity ``intensity``: ``1 - exp(-intensity)``.

    At most ``intensity`` itself (for ``intensity >= 0``).
    """
    return -math.expm1(-intensity)
