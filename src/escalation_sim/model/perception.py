"""Perception (docs/model.md §5): what an actor sees of another, and the threat it reads.

Scalar equations, compiled (``model/_jit.py``). ``seen`` is the other's reading (the higher of its
stance and its measures in force, §2) some days ago, now and then off by one rung; the threat adds
the other's nationalist rhetoric, discounted by trust, and a much stronger side discounts a weaker
side's hostility (asymmetric attention, Womack 2006).
"""

from __future__ import annotations

from escalation_sim.model._jit import equation
from escalation_sim.model.ladder import LEGAL_COERCION, N_RUNGS, STATUS_QUO


@equation
def perceived(lagged: int, wrong: bool, up: bool) -> int:
    """The rung seen: ``lagged``, one rung off when the reading is ``wrong`` (up or down), §5."""
    if not wrong:
        return lagged
    seen = lagged + 1 if up else lagged - 1
    return min(max(seen, 0), N_RUNGS - 1)


@equation
def absorbed_share(cap_self: float, cap_other: float, absorption: float) -> float:
    """Share of the other's hostility above status quo that the actor discounts (§5).

    ``absorption * max(0, cap_self - cap_other)``, capability shares after patrons (§8): a side
    far stronger than the other reads the weaker's acts as less threatening, and may leave them
    unanswered.
    """
    return min(1.0, absorption * max(0.0, cap_self - cap_other))


@equation
def threat(seen: int, absorbed: float, nationalism_other: float, trust: float,
           rhetoric_gain_other: float) -> float:
    """Perceived threat from one other actor, in rungs (§5).

    ``2 + (seen - 2) (1 - absorbed if seen > 2) + rhetoric_gain_j n_j (1 - trust_ij)``.
    """
    excess = float(seen - STATUS_QUO)
    if excess > 0.0:
        excess *= 1.0 - absorbed
    return STATUS_QUO + excess + rhetoric_gain_other * nationalism_other * (1.0 - trust)


@equation
def trust_target(seen: int) -> float:
    """Where trust heads, by the rung seen (§5).

    1 at status quo or better, 0 from legal coercion up, ½ between.
    """
    if seen <= STATUS_QUO:
        return 1.0
    if seen >= LEGAL_COERCION:
        return 0.0
    return 0.5


@equation
def trust_step(trust: float, seen: int, speed: float) -> float:
    """Trust moves ``speed`` of the way to its target each day (§5)."""
    return trust + speed * (trust_target(seen) - trust)
