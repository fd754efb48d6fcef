"""Decisions (docs/model.md §6): the desired rung, words, deeds, summits and the choice of war.

Scalar equations, compiled (``model/_jit.py``). An actor's **desired rung** follows Richardson's
action-reaction rule (Richardson 1960). At a review it chooses, by logit choice over utilities
(quantal response; McKelvey & Palfrey 1995), its **stance** — the declaratory track: talks,
statements, protests (rungs 0-3) — and whether to **impose a measure** — the material track:
a measure of one domain, at that domain's rung (§2, §6). Measures are lifted by their own hazard
(``model/measures.py``); force is its own decision (``model/force.py``).
"""

from __future__ import annotations

import math

import numpy as np

from escalation_sim.model._jit import equation
from escalation_sim.model.ladder import STATUS_QUO, VERBAL_HOSTILITY


@equation
def amplifier(nationalism: float, w_nat: float) -> float:
    """How far nationalism amplifies a push towards hostility (§6).

    ``1 + w_nat (n - ½)``, at least 0: nationalist publics want a firmer answer to what
    happened, and forgive less (Fearon 1994; Weiss 2014).
    """
    return max(0.0, 1.0 + w_nat * (nationalism - 0.5))


@equation
def demand_push(w_demand: float, salience: float, top_rung: int, amplified: float) -> float:
    """The push of an open demand on its demander (§6 Compellence).

    ``w_demand`` times the salience of its issue, amplified by nationalism, up to ``top_rung``
    (less status quo): economic coercion, or military signalling where the issue is militarised.
    Compellence short of force presses with diplomatic, legal and economic measures, whatever
    the issue (Drezner 1999; the library's embargoes over words and honours), and brings military
    threats only to disputes over security and territory (George 1991). Past that rung only what
    the actor has to answer (grievance, the threat seen) takes it.
    """
    return min(w_demand * salience * amplified, float(top_rung - STATUS_QUO))


@equation
def desired(stake: float, demand: float, grievance: float, threat: float, reciprocity: float,
            amplified: float) -> float:
    """Richardson's target (§6): ``2 + push``.

    ``push = stake + grievance + r (threat - 2)``: the contested issues' stake, grievance not yet
    answered and the reaction to the threat seen, amplified by nationalism (``amplified``,
    :func:`amplifier`) where it pushes towards hostility; with nothing to answer nationalism adds
    nothing, so it does not by itself turn a calm relationship hostile. Where the actor presses
    an open demand (``demand > 0``, :func:`demand_push`) the push is at least the demand's:
    compellence sets the level its demander holds, and grievances do not pile on it.
    """
    push = stake + grievance + reciprocity * (threat - STATUS_QUO)
    if push > 0.0:
        push *= amplified
    if demand > 0.0:
        push = max(push, demand)
    return STATUS_QUO + push


@equation
def stance_utility(x: int, s0: int, desired_rung: float, w_fit: float, c_move: float,
                   audience_cost: float, talks_gain: float, cooperation: float) -> float:
    """Utility of stance ``x`` (0-3) from stance ``s0`` (§6, words).

    ``-w_fit (x - clip(d, 0, 3))^2 - c_move |x - s0| - [x < s0] audience_cost
    + talks_gain (s0 - x)^+ + cooperation (2 - x)^+``: words follow the desired rung up to verbal
    hostility; stepping down costs face (cut by talks and when answering a step down), a mediator
    or the hotline's talks reward it, and cooperation gains grow with dependence.
    """
    target = min(max(desired_rung, 0.0), float(VERBAL_HOSTILITY))
    gap = x - target
    u = -w_fit * gap * gap - c_move * abs(x - s0)
    if x < s0:
        u += talks_gain * (s0 - x) - audience_cost
    if x < STATUS_QUO:
        u += cooperation * (STATUS_QUO - x)
    return u


@equation
def impose_utility(material: float, rung: int, desired_rung: float, w_fit: float, kind: float,
                   pull: float, cost: float) -> float:
    """Utility of imposing one more measure at ``rung``, against imposing none (§6, deeds).

    The gain in fit of the reading to the desired rung, from ``material`` — the most that words
    can say (the desired rung, up to verbal hostility) or the measures already in force, at
    least status quo — to ``max(material, rung)``; plus the gain of answering in kind and the
    pull of contested issues of the measure's domain; less the measure's cost.
    """
    after = max(material, float(rung))
    before_gap = material - desired_rung
    after_gap = after - desired_rung
    return w_fit * (before_gap * before_gap - after_gap * after_gap) + kind + pull - cost


@equation
def logit_pick(utilities: np.ndarray, n: int, rationality: float, u: float) -> int:
    """Index among the first ``n`` utilities chosen by logit, ``P(c) ∝ exp(λ U_c)`` (§6).

    Inverse CDF with one uniform ``u`` in [0, 1).
    """
    top = utilities[0]
    for c in range(1, n):
        top = max(top, utilities[c])
    total = 0.0
    for c in range(n):
        total += math.exp(rationality * (utilities[c] - top))
    threshold = u * total
    cum = 0.0
    for c in range(n - 1):
        cum += math.exp(rationality * (utilities[c] - top))
        if threshold < cum:
            return c
    return n - 1


@equation
def nested_pick(utilities: np.ndarray, n: int, rationality: float, u: float) -> int:
    """Whether to act, then which act: a nested logit choice (McFadden 1978), §6 deeds.

    ``utilities[0]`` is acting not at all (0 by convention) and ``utilities[1:n]`` the acts on
    offer. The actor acts with probability ``1 / (1 + exp(-λ (U_best - U_0)))``, comparing the best
    act with none, so the number of acts on offer does not inflate the chance of acting; then it
    picks among the acts by logit. One uniform ``u`` decides both (inverse CDF).
    """
    if n <= 1:
        return 0
    best = utilities[1]
    for c in range(2, n):
        best = max(best, utilities[c])
    act = logistic(rationality * (best - utilities[0]))
    if u >= act:
        return 0
    return 1 + logit_pick(utilities[1:], n - 1, rationality, u / act)


@equation
def logistic(z: float) -> float:
    """``1 / (1 + exp(-z))``, safe for any ``z``."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@equation
def summit_acceptance(rationality: float, summit_value: float, pain: float, cooperation: float,
                      mediation: float, audience_cost: float, grievance_cost: float) -> float:
    """Chance that a leader accepts a settlement at a summit (§10).

    Logit of ``summit_value + pain + cooperation + mediation - audience - grievance``: the pain of
    lost trade and energy, the gains of restored cooperation and a mediator's help against the
    audience cost of compromise and the grievance not yet answered.
    """
    return logistic(rationality * (summit_value + pain + cooperation + mediation
                                   - audience_cost - grievance_cost))


@equation
def war_share(rationality: float, desired_rung: float, w_fit: float, war_cost: float) -> float:
    """Chance that force, once used, is open war (9) rather than limited force (8), §6 Force.

    Logit of the fit gained at 9 over 8 less the extra cost of war (and of war against a
    nuclear-armed side).
    """
    gain = w_fit * ((8.0 - desired_rung) ** 2 - (9.0 - desired_rung) ** 2) - war_cost
    return logistic(rationality * gain)
