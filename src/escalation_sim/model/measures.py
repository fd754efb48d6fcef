"""Measures in force (docs/model.md §6): what imposing one costs, and the hazard of lifting it.

Scalar equations, compiled (``model/_jit.py``). A measure has a domain — diplomatic (rung 4),
legal (5), economic (6), energy (6) or military posture (7) — and stays in force until lifted.
Imposing one is a choice at a review (``decision.impose_utility``); lifting one is a hazard, as
sanctions-duration studies model the end of sanctions (proportional hazards: Bolks &
Al-Sowayel 2000; McGillivray & Stam 2004; the discrete-time form of Beck, Katz & Tucker 1998),
raised by a settlement, a demand met or dropped, the measure's own cost and a desire that has
fallen below it, lowered by the audience cost of backing down, by grievance and by the time the
measure has stood (negative duration dependence: a measure that outlasts its first months becomes
the new status quo). A compelled side
meets a demand by a hazard of the same form (Schelling 1966; Sechser 2011).
"""

from __future__ import annotations

import math

from escalation_sim.model._jit import equation
from escalation_sim.model.bounds import exp_bound
from escalation_sim.model.ladder import (
    DOMAIN_ECONOMIC,
    DOMAIN_ENERGY,
    DOMAIN_LEGAL,
    DOMAIN_MILITARY,
)


@equation
def relationship_value(dependence: float, trade: float, energy_dependence: float,
                       energy: float) -> float:
    """What the relationship is worth to an actor (§6).

    Its trade and energy dependence on the dyad, times the flows still running.
    """
    return dependence * trade + energy_dependence * energy


@equation
def holding_cost(domain: int, trade_cost: float, energy_cost: float, trade: float, energy: float,
                 legal_share: float, posture: float) -> float:
    """What keeping a measure of ``domain`` in force costs its imposer, in utility (§6).

    Economic measures cost the trade still at stake (``trade_cost = c_econ dependence /
    resolve``), energy measures the energy flows (``energy_cost``), legal ones
    ``legal_share`` of the economic cost, military posture ``posture`` (``c_posture (1 + the
    actor's cost of force)``: posture prepares force); diplomatic ones
    nothing but the relationship's cost of any measure (``imposing_cost``).
    """
    if domain == DOMAIN_ECONOMIC:
        return trade_cost * trade
    if domain == DOMAIN_ENERGY:
        return energy_cost * energy
    if domain == DOMAIN_LEGAL:
        return legal_share * trade_cost * trade
    if domain == DOMAIN_MILITARY:
        return posture
    return 0.0


@equation
def imposing_cost(holding: float, c_measure: float, value: float) -> float:
    """Cost of imposing a measure (§6).

    Its holding cost plus ``c_measure (1 + value)``, the strain on a relationship worth
    ``value``.
    """
    return holding + c_measure * (1.0 + value)


@equation
def fading_push(push: float, since: float, memory: float) -> float:
    """A push on lifting that fades (§6 Lifting).

    ``push exp(-since / memory)``, ``since`` days after what gave it (a settlement, the last
    open demand met or dropped).
    """
    return push * math.exp(-since / memory)


LIFT_AGE_SCALE_DAYS = 30.0
"""Age scale of a measure's entrenchment (§6 Lifting): about a measure's first month. Fixed, not
fitted: on the library's 101 measures the profile likelihood is nearly flat between 7 and 60 days,
and the hazard after a year hardly depends on it (docs/model.md)."""


@equation
def entrenchment(age_days: float, strength: float) -> float:
    """How far a measure's age has lowered its lifting hazard (§6 Lifting).

    ``(1 + age_days / LIFT_AGE_SCALE_DAYS) ** -strength``: 1 on the day it is imposed, falling as a
    power of its age (a Lomax-type hazard), at most 1.
    """
    return float((1.0 + age_days / LIFT_AGE_SCALE_DAYS) ** -strength)


@equation
def lift_exponent(rung: int, desired_rung: float, lift_want: float, settled: float, met: float,
                  holding: float, audience_cost: float, grievance_cost: float) -> float:
    """The exponent of :func:`lift_hazard` (§6 Lifting).

    ``lift_want (rung - d)^+ + settled + met + holding - audience - grievance``.
    """
    want = max(0.0, rung - desired_rung)
    return lift_want * want + settled + met + holding - audience_cost - grievance_cost


@equation
def lift_hazard(rung: int, desired_rung: float, lift_rate: float, lift_want: float,
                settled: float, met: float, holding: float, audience_cost: float,
                grievance_cost: float, age_days: float, strength: float) -> float:
    """Daily hazard of lifting one measure at ``rung`` (§6 Lifting).

    ``lift_rate / 365 * entrenchment(age_days, strength) * exp(lift_want (rung - d)^+ + settled +
    met + holding - audience - grievance)``: ``settled`` is the fading push of a leader-level
    settlement, ``met`` the fading push once the demands the measure served are met or dropped,
    ``holding`` what keeping it costs, ``age_days`` how long measures of its domain have stood.
    """
    z = lift_exponent(rung, desired_rung, lift_want, settled, met, holding, audience_cost,
                      grievance_cost)
    return lift_rate / 365.0 * entrenchment(age_days, strength) * math.exp(min(z, 30.0))


@equation
def concede_hazard(concede_rate: float, pain: float, resistance: float) -> float:
    """Daily hazard that a compelled side meets an open demand (§6 Compellence).

    ``concede_rate / 365 * exp(pain - resistance)``: ``pain`` is what the demander's measures
    cost it (lost trade and energy, transit), ``resistance`` the audience cost of conceding and
    the stake given up.
    """
    return concede_rate / 365.0 * math.exp(min(pain - resistance, 30.0))


@equation
def concede_bound(concede_rate: float, pain: float, resistance: float) -> float:
    """An upper bound of :func:`concede_hazard` without an exponential (``bounds.exp_bound``)."""
    return concede_rate / 365.0 * exp_bound(min(pain - resistance, 30.0))


@equation
def fading_push_bound(push: float) -> float:
    """An upper bound of :func:`fading_push` at any day since (it fades from ``push``)."""
    return max(push, 0.0)
