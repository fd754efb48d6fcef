"""Compile a validated scenario into the numeric arrays the engine steps with.

The scenario speaks in the analyst's terms (levers with strengths, patrons with commitments,
issues with positions); ``compile_params`` turns that into per-actor and per-incident arrays with
every lever effect already folded in, for the levers active on a given day. Section numbers refer
to ``docs/model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation_sim.scenario.schema import Scenario

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Params:
    """Everything the day process needs, as arrays over actors (A) or incident types (K)."""

    actors: tuple[str, ...]
    # §4 actors and §6 decision rule
    stake: np.ndarray  # (A,) rungs: w_issue * sum_q salience * gap * heat (max over others)
    n0: np.ndarray  # (A,) baseline nationalism after cultural exchanges
    reciprocity: np.ndarray  # (A,) rungs per rung
    rationality: np.ndarray  # (A,) 1/utility
    econ_cost: np.ndarray  # (A,) utility per unit flow at rungs >= 6
    mil_cost: np.ndarray  # (A,) utility at rungs >= 8
    w_nat: float
    w_fit: float
    c_war: float
    audience: float
    c_move: float
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
    nationalism_relax: float  # 1/day
    nationalism_volatility: float  # index per sqrt(day)
    rally: np.ndarray  # (A,) index/day per unit hostility
    rally_per_severity: np.ndarray  # (A,) index per rung of severity
    trade_fall: float
    trade_recovery: float
    energy_fall: float
    energy_force_fall: float
    energy_recovery: float
    # §10 mediation and forum
    mediation_onset: float  # days
    mediation_audience_cut: float  # fraction
    mediation_bonus: float  # utility per rung stepped down
    forum_grievance_cut: float  # fraction per meeting (0 when the forum is off)
    # §9 incidents
    incident_keys: tuple[str, ...]
    p_incident: np.ndarray  # (K,) daily probability
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
    """Strength of each lever on ``day`` (0 when disabled or not yet started)."""
    out = {}
    for name in type(scenario.levers).model_fields:
        lever = getattr(scenario.levers, name)
        out[name] = lever.strength if lever.enabled and day >= lever.start_day else 0.0
    return out


def effective_capability(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Capability shares adjusted by patrons, and each actor's backing (§8 alliances).

    Returns ``(eff_cap, backing)``: ``eff_cap[i]`` is the available capability share closed
    towards 1 by ``patron_weight * backing[i]``; ``backing[i] = 1 - prod(1 - commitment)`` over
    the patrons that back actor ``i``.
    """
    ids = list(scenario.actors)
    cap = np.array([a.capability * a.available_share for a in scenario.actors.values()])
    total = cap.sum()
    share = cap / total if total > 0 else np.full(len(ids), 1.0 / len(ids))
    free = np.ones(len(ids))
    for alliance in scenario.alliances:
        free[ids.index(alliance.backs)] *= 1.0 - alliance.commitment
    backing = 1.0 - free
    eff = share + (1.0 - share) * scenario.model.patron_weight * backing
    return eff, backing


def issue_stakes(scenario: Scenario) -> np.ndarray:
    """Stake of each actor, in rungs: w_issue * sum over issues of salience * gap * heat (§6).

    With more than two actors the stake is the largest over the other actors.
    """
    ids = list(scenario.actors)
    n = len(ids)
    pair = np.zeros((n, n))
    for issue in scenario.issues.values():
        pos = np.array([issue.position.get(a, 0.5) for a in ids])
        sal = np.array([issue.salience.get(a, 0.0) for a in ids])
        pair += sal[:, None] * np.abs(pos[:, None] - pos[None, :]) * issue.heat
    np.fill_diagonal(pair, -np.inf)
    return scenario.model.w_issue * pair.max(axis=1)


def compile_params(scenario: Scenario, day: int = 0) -> Params:
    """Compile ``scenario`` with the levers active on ``day`` folded in."""
    m = scenario.model
    acts = list(scenario.actors.values())
    ids = tuple(scenario.actors)

    def arr(field: str) -> np.ndarray:
        return np.array([getattr(a, field) for a in acts], dtype=float)

    s = lever_strengths(scenario, day)
    hot, econ, transp = s["crisis_hotline"], s["economic_initiatives"], s["military_transparency"]
    culture, forum, inter = (s["cultural_exchanges"], s["multilateral_forum"],
                             s["trusted_intermediaries"])

    eff_cap, backing = effective_capability(scenario)
    # extended deterrence: my military cost rises with the backing of those I would strike
    others_backing = np.array([max(np.delete(backing, i)) for i in range(len(ids))])
    dependence = np.minimum(1.0, arr("dependence") * (1.0 + m.econ_dependence_gain * econ))
    p_mis = arr("misperception") * (1.0 - m.hotline_misperception_cut * hot)
    p_mis_mil = p_mis * (1.0 - m.transparency_misperception_cut * transp)
    lag = np.rint(arr("lag_days") * (1.0 - hot)).astype(np.int64)
    keep_nat = 1.0 - m.culture_nationalism_cut * culture
    recovery_gain = 1.0 + m.econ_recovery_gain * econ

    incidents = list(scenario.incidents.values())
    victim = np.array([ids.index(i.victim) for i in incidents], dtype=np.int64)
    to_victim = np.zeros((len(incidents), len(ids)))
    to_victim[np.arange(len(incidents)), victim] = 1.0
    return Params(
        actors=ids,
        stake=issue_stakes(scenario),
        n0=arr("nationalism") * keep_nat,
        reciprocity=arr("reciprocity"),
        rationality=arr("rationality"),
        econ_cost=m.c_econ * dependence,
        mil_cost=m.c_mil * (1.0 - eff_cap) * (1.0 + m.extended_deterrence * others_backing),
        w_nat=m.w_nat,
        w_fit=m.w_fit,
        c_war=m.c_war,
        audience=m.audience,
        c_move=m.c_move,
        window=m.window,
        window_after_incident=max(m.window, m.window_after_incident),
        p_review=1.0 / arr("review_days"),
        reaction=arr("reaction"),
        lag=lag,
        p_mis=p_mis,
        p_mis_military=p_mis_mil,
        worst_case_bias=arr("worst_case_bias"),
        rhetoric_gain=arr("rhetoric_gain"),
        signal_discount=m.transparency_signal_discount * transp,
        trust_speed=m.trust_speed,
        grievance_decay=0.5 ** (1.0 / m.grievance_half_life_days),
        grievance_per_hostility=m.grievance_per_hostility,
        grievance_max=m.grievance_max,
        nationalism_relax=1.0 / m.nationalism_relax_days,
        nationalism_volatility=m.nationalism_volatility * keep_nat,
        rally=np.full(len(ids), m.rally * keep_nat),
        rally_per_severity=np.full(len(ids), m.rally_per_severity * keep_nat),
        trade_fall=m.trade_fall_rate,
        trade_recovery=min(1.0, m.trade_recovery_rate * recovery_gain),
        energy_fall=m.energy_fall_rate,
        energy_force_fall=m.energy_force_fall_rate,
        energy_recovery=min(1.0, m.energy_recovery_rate * recovery_gain),
        mediation_onset=m.mediation_onset_days * (1.0 - m.intermediary_onset_cut * inter),
        mediation_audience_cut=min(1.0, m.mediation_audience_cut
                                   + m.intermediary_audience_cut * inter),
        mediation_bonus=m.mediation_bonus,
        forum_grievance_cut=m.forum_grievance_cut * forum,
        incident_keys=tuple(scenario.incidents),
        p_incident=-np.expm1(-np.array([i.rate_per_year for i in incidents], dtype=float)
                             / DAYS_PER_YEAR),
        victim=victim,
        to_victim=to_victim,
        perpetrator=np.array([ids.index(i.perpetrator) if i.perpetrator else -1
                              for i in incidents], dtype=np.int64),
        severity=np.array([i.severity for i in incidents], dtype=float),
        explain_prob=m.hotline_explain_prob * hot,
    )
