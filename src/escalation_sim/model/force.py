"""Force as its own decision (docs/model.md §6 Force).

Scalar equations, compiled (``model/_jit.py``). Force (rungs 8-9) is not a step up the ladder
of stance and measures but a separate choice with its own hazard. It is open only while force is
in play: an issue that is militarised and contested, force met from the other side, or a military
posture measure in force (Senese & Vasquez 2008: steps to war). Its hazard is that of crisis
actors with force in play in the International Crisis Behavior data (``force_rate``, docs/model.md
§6), times ``exp(w (d - 7) - cost)``: the desire for escalation above military signalling raises
it; the costs lower it — the reply to expect (the capability gap, the other's patrons, one's own
patron's restraint), a nuclear-armed other side, the value of the relationship, forces committed
elsewhere, an alliance between the two, distance. Every side pays for force.
"""

from __future__ import annotations

import math

from escalation_sim.model._jit import equation
from escalation_sim.model.bounds import exp_bound
from escalation_sim.model.ladder import MILITARY_SIGNALLING


@equation
def gate(militarised: float, force_met: bool, posture: bool, posture_gate: float) -> float:
    """How far force is open, 0-1 (§6 Force).

    The contention of a militarised issue, 1 after force met, ``posture_gate`` while either side
    keeps a military posture measure in force.
    """
    g = militarised
    if posture:
        g = max(g, posture_gate)
    if force_met:
        g = 1.0
    return g


@equation
def exponent(desired_rung: float, w_desire: float, cost: float) -> float:
    """The exponent of :func:`hazard`: ``w (d - 7) - cost``."""
    return w_desire * (desired_rung - MILITARY_SIGNALLING) - cost


@equation
def hazard(force_rate: float, gate_open: float, desired_rung: float, w_desire: float,
           cost: float) -> float:
    """Daily hazard of force: ``force_rate / 365 * gate * exp(w (d - 7) - cost)``."""
    if gate_open <= 0.0:
        return 0.0
    z = exponent(desired_rung, w_desire, cost)
    return force_rate / 365.0 * gate_open * math.exp(min(z, 30.0))


@equation
def hazard_bound(force_rate: float, gate_open: float, desired_rung: float, w_desire: float,
                 cost: float) -> float:
    """An upper bound of :func:`hazard` without an exponential (``bounds.exp_bound``)."""
    if gate_open <= 0.0:
        return 0.0
    z = exponent(desired_rung, w_desire, cost)
    return force_rate / 365.0 * gate_open * exp_bound(min(z, 30.0))
