"""Compile a validated scenario into the numeric arrays the engine steps with.

The scenario speaks in the analyst's terms (levers with strengths, patrons with commitments,
issues with positions); ``compile_params`` turns that into per-actor, per-rung and per-incident
arrays with every lever effect already folded in, for the levers in force on a given day.
Section numbers refer to ``docs/model.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from escalation_sim.model.ladder import (
    DOMAIN_RUNG,
    ECONOMIC_COERCION,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    N_RUNGS,
    OPEN_WAR,
    STATUS_QUO,
    VERBAL_HOSTILITY,
)
from escalation_sim.scenario.schema import Scenario

DAYS_PER_YEAR = 365.0
REFERENCE_HEAT = 0.5
"""Heat at which an issue-linked incident occurs at its stated ``rate_per_year`` (§9)."""
REFERENCE_HOSTILITY = float(HOSTILITY[LEGAL_COERCION])
"""Hostility at which incidents occur at their stated rates: a crisis at legal coercion (§9)."""
RUNG_TERMS = ("military", "war", "issues", "cooperation")
"""The utility terms that depend only on the actor and the rung, in ``Params.rung_terms``."""
COOPERATION = RUNG_TERMS.index("cooperation")
RAMP_SPAN = 3.0
"""Levers are taken as fully built up after this many time constants (95%, §10)."""


@dataclass(frozen=True)
class Params:
    """Everything the day process needs, as arrays over actors (A), rungs or incident types."""

    actors: tuple[str, ...]
    # §4 actors and §6 decision rule
    stake: np.ndarray  # (A,) rungs of drive: w_issue * stake (max over others)
    client_threat: np.ndarray  # (A,) rungs of threat from the others' backing of outside parties
    n0: np.ndarray  # (A,) baseline nationalism after cultural exchanges
    reciprocity: np.ndarray  # (A,) rungs per rung
    rationality: np.ndarray  # (A,) 1/utility
    audience: np.ndarray  # (A,) utility per unit nationalism: audience * resolve
    econ_cost: np.ndarray  # (A,) utility per unit flow at economic coercion: c_econ * dep / resolve
    econ_rung: np.ndarray  # (N_RUNGS,) share of the economic cost paid at each rung
    rung_terms: np.ndarray  # (A, 4, N_RUNGS) utility by rung: military, war, issues, cooperation
    rung_total: np.ndarray  # (A * N_RUNGS,) their sum, actor-major
    w_nat: float
    w_fit: float
    c_move: float
    reciprocal_cut: float  # share of audience cost removed when answering a step down
    window: int
    window_after_incident: int
    # §3 time, §5 perception
    p_review: np.ndarray  # (A,) daily probability of a routine review
    reaction: np.ndarray  # (A,) probability
    lag: np.ndarray  # (A,) int days
    p_mis: np.ndarray  # (A,) probability, non-military rungs
    p_mis_military: np.ndarray  # (A,) probability, rungs >= 7
    worst_case_bias: np.ndarray  # (A,)
    rhetoric_gain: np.ndarray  # (A,) rungs
    signal_discount: float  # rungs taken off a perceived rung 7
    trust_speed: float
    # §7 state updates
    grievance_decay: float  # daily multiplier
    grievance_per_hostility: float
    grievance_max: float
    settle_per_rung: float  # rungs of the other's grievance removed per rung stepped down
    nationalism_relax: float  # 1/day
    nationalism_volatility: float  # index per sqrt(day)
    rally: np.ndarray  # (A,) index/day per unit hostility
    rally_per_severity: np.ndarray  # (A,) index per rung of severity
    trade_fall: float
    trade_recovery: float
    energy_fall: float
    energy_force_fall: float
    energy_recovery: float
    # §10 mediation, talks and summits
    mediation_onset: float  # days
    mediation_audience_cut: float  # fraction
    mediation_bonus: float  # utility per rung stepped down
    call_days: int  # days of direct talks after an explained incident
    summit_rate: float  # opportunities per day, before the gains
    summit_time_gain: float  # relative per day in crisis
    summit_pain_gain: float
    summit_mediation_gain: float
    summit_value: float
    summit_grievance_weight: float
    summit_grievance_keep: float  # share of grievance left after a settlement
    summit_trust_gain: float
    # §9 incidents
    incident_keys: tuple[str, ...]
    p_incident: np.ndarray  # (N_RUNGS, K) daily probability by the rung that drives the rate
    chosen: np.ndarray  # (K,) bool: leadership's choice (rate follows the perpetrator's rung)
    victim: np.ndarray  # (K,) actor index
    to_victim: np.ndarray  # (K, A) one-hot: incident type k strikes actor victim[k]
    perpetrator: np.ndarray  # (K,) actor index or -1
    severity: np.ndarray  # (K,) rungs
    explain_prob: float  # probability a hit is explained on the hotline

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actors)


def lever_strengths(scenario: Scenario, day: int) -> dict[str, float]:
    """Effective strength of each lever on ``day`` (§10).

    ``strength * (1 - exp(-(day - start_day) / ramp_days))`` once started (the full strength at
    once when ``ramp_days`` is 0), 0 when disabled or not yet started.
    """
    out = {}
    for name in type(scenario.levers).model_fields:
        lever = getattr(scenario.levers, name)
        if not lever.enabled or day < lever.start_day:
            out[name] = 0.0
        elif lever.ramp_days > 0:
            out[name] = lever.strength * -math.expm1(-(day - lever.start_day) / lever.ramp_days)
        else:
            out[name] = lever.strength
    return out


def ramp_days(scenario: Scenario) -> list[int]:
    """Days on which a building-up lever's effect is recompiled: every 10 days of its ramp."""
    days: set[int] = set()
    for name in type(scenario.levers).model_fields:
        lever = getattr(scenario.levers, name)
        if lever.enabled and lever.strength > 0 and lever.ramp_days > 0:
            end = lever.start_day + RAMP_SPAN * lever.ramp_days
            days.update(range(lever.start_day + 1, int(end) + 1, 10))
    return sorted(d for d in days if d < scenario.horizon_days)


def effective_capability(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capability shares adjusted by patrons, each actor's backing and restraint (§8).

    Returns ``(eff_cap, backing, restraint)``: ``eff_cap[i]`` is the available capability share
    closed towards 1 by ``patron_weight * backing[i]``; ``backing[i] = 1 - prod(1 - commitment)``
    and ``restraint[i] = 1 - prod(1 - restraint * commitment)`` over the patrons backing ``i``.
    """
    ids = list(scenario.actors)
    cap = np.array([a.capability * a.available_share for a in scenario.actors.values()])
    total = cap.sum()
    share = cap / total if total > 0 else np.full(len(ids), 1.0 / len(ids))
    free, loose = np.ones(len(ids)), np.ones(len(ids))
    for alliance in scenario.alliances:
        i = ids.index(alliance.backs)
        free[i] *= 1.0 - alliance.commitment
        loose[i] *= 1.0 - alliance.restraint * alliance.commitment
    backing = 1.0 - free
    eff = share + (1.0 - share) * scenario.model.patron_weight * backing
    return eff, backing, 1.0 - loose


def issue_stakes(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's stake and its stake by rung of the issues' domains (§6, §8).

    The stake of actor ``i`` against ``j`` is ``sum_q salience_iq * |position_iq - position_jq|
    * heat_q``; with more than two actors, the largest over the others. Returns ``(stake (A,),
    by_rung (A, N_RUNGS))``, where ``by_rung`` adds each issue's part at its domain's rung.
    """
    ids = list(scenario.actors)
    n = len(ids)
    pair = np.zeros((n, n))
    by_rung = np.zeros((n, n, N_RUNGS))
    for issue in scenario.issues.values():
        pos = np.array([issue.position.get(a, 0.5) for a in ids])
        sal = np.array([issue.salience.get(a, 0.0) for a in ids])
        part = sal[:, None] * np.abs(pos[:, None] - pos[None, :]) * issue.heat
        pair += part
        if issue.domain in DOMAIN_RUNG:
            by_rung[:, :, DOMAIN_RUNG[issue.domain]] += part
    np.fill_diagonal(pair, -np.inf)
    other = pair.argmax(axis=1)
    return pair.max(axis=1), by_rung[np.arange(n), other]


def client_threat(scenario: Scenario) -> np.ndarray:
    """Threat each actor reads from the others' backing of outside parties, in rungs (§8).

    ``w_client * commitment * heat`` of the issue, summed over the backings aimed at it.
    """
    ids = list(scenario.actors)
    out = np.zeros(len(ids))
    for c in scenario.clients:
        out[ids.index(c.against)] += (scenario.model.w_client * c.commitment
                                      * scenario.issues[c.issue].heat)
    return out


def incident_rates(scenario: Scenario) -> np.ndarray:
    """Daily probability of each incident type by the rung that drives it, ``(N_RUNGS, K)`` (§9).

    ``rate_per_year`` is the rate at legal coercion (and at heat 0.5 for an issue-linked type).
    The rate scales with ``(1 + g h) / (1 + g h_ref)``, ``h`` the hostility of the driving rung:
    the perpetrator's own rung for a leadership-chosen type (times ``calm_chosen_share`` when it
    stands at status quo or better), the dyad's highest rung otherwise.
    """
    m = scenario.model
    hostility = (1.0 + m.hostility_incident_gain * HOSTILITY) / (
        1.0 + m.hostility_incident_gain * REFERENCE_HOSTILITY)
    rates = np.zeros((N_RUNGS, len(scenario.incidents)))
    for k, incident in enumerate(scenario.incidents.values()):
        rate = incident.rate_per_year
        if incident.issue is not None:
            heat = scenario.issues[incident.issue].heat
            rate *= (heat / REFERENCE_HEAT) ** m.issue_rate_elasticity
        scale = hostility
        if incident.control == "leadership":
            scale = np.where(np.arange(N_RUNGS) < VERBAL_HOSTILITY,
                             m.calm_chosen_share * hostility[0], hostility)
        rates[:, k] = rate * scale
    return -np.expm1(-rates / DAYS_PER_YEAR)


def compile_params(scenario: Scenario, day: int = 0) -> Params:
    """Compile ``scenario`` with the levers in force on ``day`` folded in."""
    m = scenario.model
    acts = list(scenario.actors.values())
    ids = tuple(scenario.actors)
    a = len(ids)

    def arr(field: str) -> np.ndarray:
        return np.array([getattr(x, field) for x in acts], dtype=float)

    s = lever_strengths(scenario, day)
    hot, econ, transp = s["crisis_hotline"], s["economic_initiatives"], s["military_transparency"]
    culture, inter = s["cultural_exchanges"], s["trusted_intermediaries"]

    stake, stake_by_rung = issue_stakes(scenario)
    resolve = 1.0 + m.w_resolve * stake  # §6 stakes scale resolve
    eff_cap, backing, restraint = effective_capability(scenario)
    others = [[j for j in range(a) if j != i] for i in range(a)]
    others_backing = np.array([backing[o].max() for o in others])
    others_nuclear = np.array([max(acts[j].nuclear for j in o) for o in others], dtype=float)
    dependence = np.minimum(1.0, arr("dependence") * (1.0 + m.econ_dependence_gain * econ))
    # §6 force: the weaker side's risk, raised by the other's patrons (extended deterrence) and
    # by one's own patron's restraint, lowered by resolve; more against a nuclear-armed side
    force = (m.c_mil * (1.0 - eff_cap) * (1.0 + m.extended_deterrence * others_backing)
             * (1.0 + m.patron_restraint * restraint) / resolve + m.c_nuclear * others_nuclear)
    war = m.c_war + m.c_nuclear * others_nuclear
    rungs = np.arange(N_RUNGS)
    rung_terms = np.zeros((a, len(RUNG_TERMS), N_RUNGS))
    rung_terms[:, 0] = -force[:, None] * (rungs >= LIMITED_FORCE)
    rung_terms[:, 1] = -war[:, None] * (rungs == OPEN_WAR)
    rung_terms[:, 2] = m.w_domain * stake_by_rung
    rung_terms[:, 3] = (m.c_coop * dependence)[:, None] * np.maximum(0, STATUS_QUO - rungs)
    econ_rung = np.where(rungs >= ECONOMIC_COERCION, 1.0,
                         np.where(rungs == LEGAL_COERCION, m.legal_econ_share, 0.0))

    p_mis = arr("misperception") * (1.0 - m.hotline_misperception_cut * hot)
    p_mis_mil = p_mis * (1.0 - m.transparency_misperception_cut * transp)
    bias = arr("worst_case_bias")
    bias = bias - np.maximum(0.0, bias - 0.5) * m.transparency_bias_cut * transp
    lag = np.rint(arr("lag_days") * (1.0 - hot)).astype(np.int64)
    soften = 1.0 - m.culture_rally_cut * culture
    recovery_gain = 1.0 + m.econ_recovery_gain * econ

    incidents = list(scenario.incidents.values())
    victim = np.array([ids.index(i.victim) for i in incidents], dtype=np.int64)
    to_victim = np.zeros((len(incidents), a))
    to_victim[np.arange(len(incidents)), victim] = 1.0
    return Params(
        actors=ids,
        stake=m.w_issue * stake,
        client_threat=client_threat(scenario),
        n0=arr("nationalism") * (1.0 - m.culture_nationalism_cut * culture),
        reciprocity=arr("reciprocity"),
        rationality=arr("rationality"),
        audience=m.audience * resolve,
        econ_cost=m.c_econ * dependence / resolve,
        econ_rung=econ_rung,
        rung_terms=rung_terms,
        rung_total=rung_terms.sum(axis=1).ravel(),
        w_nat=m.w_nat,
        w_fit=m.w_fit,
        c_move=m.c_move,
        reciprocal_cut=m.reciprocal_audience_cut,
        window=m.window,
        window_after_incident=max(m.window, m.window_after_incident),
        p_review=1.0 / arr("review_days"),
        reaction=arr("reaction"),
        lag=lag,
        p_mis=p_mis,
        p_mis_military=p_mis_mil,
        worst_case_bias=bias,
        rhetoric_gain=arr("rhetoric_gain") * soften,
        signal_discount=m.transparency_signal_discount * transp,
        trust_speed=m.trust_speed,
        grievance_decay=0.5 ** (1.0 / m.grievance_half_life_days),
        grievance_per_hostility=m.grievance_per_hostility,
        grievance_max=m.grievance_max,
        settle_per_rung=m.settle_per_rung,
        nationalism_relax=1.0 / m.nationalism_relax_days,
        nationalism_volatility=m.nationalism_volatility,
        rally=np.full(a, m.rally * soften),
        rally_per_severity=np.full(a, m.rally_per_severity * soften),
        trade_fall=m.trade_fall_rate,
        trade_recovery=min(1.0, m.trade_recovery_rate * recovery_gain),
        energy_fall=m.energy_fall_rate,
        energy_force_fall=m.energy_force_fall_rate,
        energy_recovery=min(1.0, m.energy_recovery_rate * recovery_gain),
        mediation_onset=m.mediation_onset_days * (1.0 - m.intermediary_onset_cut * inter),
        mediation_audience_cut=min(1.0, m.mediation_audience_cut
                                   + m.intermediary_audience_cut * inter),
        mediation_bonus=m.mediation_bonus,
        call_days=int(round(m.hotline_call_days * (hot > 0))),
        summit_rate=m.summit_rate * (1.0 + m.intermediary_summit_gain * inter) / DAYS_PER_YEAR,
        summit_time_gain=m.summit_time_gain / DAYS_PER_YEAR,
        summit_pain_gain=m.summit_pain_gain,
        summit_mediation_gain=m.summit_mediation_gain,
        summit_value=m.summit_value,
        summit_grievance_weight=m.summit_grievance_weight,
        summit_grievance_keep=1.0 - m.summit_grievance_cut,
        summit_trust_gain=m.summit_trust_gain,
        incident_keys=tuple(scenario.incidents),
        p_incident=incident_rates(scenario),
        chosen=np.array([i.control == "leadership" for i in incidents], dtype=bool),
        victim=victim,
        to_victim=to_victim,
        perpetrator=np.array([ids.index(i.perpetrator) if i.perpetrator else -1
                              for i in incidents], dtype=np.int64),
        severity=np.array([i.severity for i in incidents], dtype=float),
        explain_prob=m.hotline_explain_prob * hot,
    )
