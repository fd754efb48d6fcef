"""Compile a validated scenario into the arrays the day kernel steps with (docs/model.md).

The scenario speaks in the analyst's terms (levers with strengths, patrons with commitments,
issues with positions); ``compile_params`` turns that into per-actor, per-issue, per-incident and
shared arrays with every lever effect already folded in, for the levers in force on a given day.
The model's equations (``model/``) read these numbers; nothing here simulates.

**The run axis.** Every array that a parameter value can change carries a trailing run axis of
length ``W``: 1 when every run of the chunk shares its numbers, the chunk's number of runs ``R``
when a per-run value enters its arithmetic (each array its own; an uncertain weight widens the
arrays it enters, not the others). The kernel reads column ``r`` of every array, through views
that repeat a shared column (``calendar.kernel_params``). Per-run values come in as
``compile_params(scenario, day, values)``: ``values`` maps dotted scenario paths (as for
``--set``) to arrays of shape ``(R,)``; they are put into an unvalidated copy of the scenario
(``with_run_values``) and the same arithmetic as for numbers runs on them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple, cast

import numpy as np
from pydantic import BaseModel

from escalation_sim.model.ladder import (
    DOMAIN_MILITARY,
    DOMAINS,
    ECONOMIC_COERCION,
    HOSTILITY,
    LEGAL_COERCION,
    MILITARY_SIGNALLING,
    N_RUNGS,
    VERBAL_HOSTILITY,
    domain_of_rung,
)
from escalation_sim.scenario.paths import parse_path, schema_node
from escalation_sim.scenario.schema import Scenario

DAYS_PER_YEAR = 365.0
REFERENCE_HEAT = 0.5
"""Heat at which an issue-linked incident occurs at its stated ``rate_per_year`` (§9)."""
REFERENCE_HOSTILITY = float(HOSTILITY[LEGAL_COERCION])
"""Hostility at which incidents occur at their stated rates: a crisis at legal coercion (§9)."""
EXTERNAL_ROW = N_RUNGS
"""Row of ``Params.p_incident`` for external incidents, whose rate the dyad does not drive."""
CONTROLS = ("uncontrolled", "leadership", "external")
"""Incident control, in the order of ``Params.inc_control``."""
RAMP_SPAN = 3.0
"""Levers are taken as fully built up after this many time constants (95%, §10)."""
RunValues = Mapping[str, np.ndarray]
"""Per-run parameter values: dotted scenario path -> array of shape ``(R,)``, one per run."""


class Params(NamedTuple):
    """Everything the day kernel needs; a trailing run axis ``W`` (1 or R, per array) on numbers.

    Shapes: ``A`` actors, ``P = A (A - 1)`` ordered pairs (observer-major), ``Q`` issues, ``K``
    incident types, ``D`` demands.
    """

    # §4-§6 actors: (A, W)
    reciprocity: np.ndarray
    rationality: np.ndarray
    p_review: np.ndarray  # daily probability of a routine review
    reaction: np.ndarray  # probability of a review on a perceived move
    lag: np.ndarray  # (A, W) int64 days
    p_mis: np.ndarray  # misperception below military rungs
    p_mis_military: np.ndarray  # at military rungs (cut by transparency)
    bias: np.ndarray  # worst-case bias
    rhetoric: np.ndarray  # rhetoric gain (cut by cultural exchanges)
    n0: np.ndarray  # baseline nationalism
    rally: np.ndarray  # index/day per unit hostility
    rally_severity: np.ndarray  # index per rung of an incident's severity
    dependence: np.ndarray  # after economic initiatives
    energy_dependence: np.ndarray
    transit: np.ndarray  # transit leverage over the others
    cooperation: np.ndarray  # c_coop dependence: gain per rung of stance below status quo
    trade_cost: np.ndarray  # c_econ dependence / resolve
    energy_cost: np.ndarray  # c_econ energy_dependence / resolve
    audience: np.ndarray  # audience resolve
    force_cost: np.ndarray  # log-hazard of force, the parts fixed by the scenario (§6 Force)
    war_cost: np.ndarray  # utility: c_war + c_nuclear against a nuclear-armed other
    posture_cost: np.ndarray  # utility of a military posture measure: c_posture (1 + force_cost)
    absorbed: np.ndarray  # (P, W) share of the other's hostility the observer discounts
    c_measure: np.ndarray  # (A, W) utility: cost of imposing a measure, by the capability gap
    # §8 issues
    stake: np.ndarray  # (A, Q, W) rungs of drive at full contention: w_issue sal gap heat
    pull: np.ndarray  # (A, Q, W) utility towards the issue's domain at full contention
    salience: np.ndarray  # (A, Q, W)
    client: np.ndarray  # (A, Q, W) rungs of threat from the others' backing, at contention 1
    issue_domain: np.ndarray  # (Q,) int64, -1 for none
    militarised: np.ndarray  # (Q,) bool
    # §9 incidents
    p_incident: np.ndarray  # (N_RUNGS + 1, K, W) daily probability by the driving rung
    inc_perpetrator: np.ndarray  # (K,) int64, -1 for none
    inc_victim: np.ndarray  # (K,) int64
    inc_control: np.ndarray  # (K,) int64: index into CONTROLS
    inc_domain: np.ndarray  # (K,) int64 domain index
    inc_issue: np.ndarray  # (K,) int64, -1 for none
    severity: np.ndarray  # (K, W) rungs
    explain: np.ndarray  # (W,) chance a hit is explained on the hotline
    opening: np.ndarray  # (n,) int64 incident types that strike on day 0
    # §6 compellence
    dem_actor: np.ndarray  # (D,) int64
    dem_of: np.ndarray  # (D,) int64
    dem_issue: np.ndarray  # (D,) int64
    demand_rung: np.ndarray  # (D,) int64 the highest rung a demand presses to (§6)
    # shared numbers, (W,)
    w_nat: np.ndarray
    w_fit: np.ndarray
    c_move: np.ndarray
    window: np.ndarray  # int64
    window_incident: np.ndarray  # int64
    legal_share: np.ndarray
    w_kind: np.ndarray
    kind_memory: np.ndarray
    talks_audience_cut: np.ndarray  # share of audience cost a mediator or talks remove
    reciprocal_cut: np.ndarray
    talks_bonus: np.ndarray  # utility per rung of stance stepped down while talking
    settle_per_lift: np.ndarray
    lift_rate: np.ndarray
    lift_want: np.ndarray
    lift_entrench: np.ndarray
    settle_lift: np.ndarray
    settle_memory: np.ndarray
    met_lift: np.ndarray
    concede_rate: np.ndarray
    w_demand: np.ndarray
    drop_rate: np.ndarray
    w_issue: np.ndarray
    c_econ: np.ndarray
    force_rate: np.ndarray
    w_force_desire: np.ndarray
    c_relationship: np.ndarray
    posture_gate: np.ndarray
    force_memory: np.ndarray
    force_severity: np.ndarray
    war_end: np.ndarray  # daily probability
    activation_decay: np.ndarray  # daily multiplier
    activation_per_severity: np.ndarray
    activation_per_measure: np.ndarray
    trust_attribution: np.ndarray
    trust_speed: np.ndarray
    grievance_decay: np.ndarray
    grievance_per_hostility: np.ndarray
    grievance_max: np.ndarray
    nationalism_relax: np.ndarray
    nationalism_volatility: np.ndarray
    trade_cut: np.ndarray
    energy_cut: np.ndarray
    force_flow_cut: np.ndarray
    energy_incident_cut: np.ndarray
    trade_ceiling: np.ndarray  # 1 + the rise joint projects bring
    trade_fall: np.ndarray
    trade_recovery: np.ndarray
    energy_fall: np.ndarray
    energy_recovery: np.ndarray
    summit_rate: np.ndarray  # per day
    summit_time_gain: np.ndarray  # per day in crisis
    summit_pain_gain: np.ndarray
    summit_mediation_gain: np.ndarray
    summit_value: np.ndarray
    summit_grievance_weight: np.ndarray
    summit_grievance_keep: np.ndarray
    summit_activation_keep: np.ndarray
    summit_trust_gain: np.ndarray
    mediation_onset: np.ndarray
    call_days: np.ndarray  # int64


WIDE_INT = ("lag", "window", "window_incident", "call_days")
"""Fields of ``Params`` that hold whole numbers."""


def width(p: Params) -> int:
    """The runs ``p`` holds values for: 1 (every field shared) or the chunk's runs."""
    return max(int(np.shape(x)[-1]) for name, x in zip(Params._fields, p, strict=True)
               if name not in FIXED)


def with_run_values(scenario: Scenario, values: RunValues | None) -> Scenario:
    """An unvalidated copy of ``scenario`` with the ``(R,)`` arrays of ``values`` at their paths.

    Whole-number parameters (``lag_days``, ``window`` …) get each run's value rounded.
    """
    out: Any = scenario
    for path, value in (values or {}).items():
        loc = parse_path(path)
        array = np.asarray(value, dtype=float)
        if schema_node(loc).base is int:
            array = np.rint(array).astype(np.int64)
        out = _put(out, loc, array)
    return cast(Scenario, out)


def _put(node: Any, loc: tuple[str | int, ...], value: Any) -> Any:
    """``node`` with ``value`` at ``loc``: models, mappings and lists copied, not validated."""
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={str(head): _put(getattr(node, str(head)), rest, value)})
    if isinstance(node, list):
        items = list(node)
        items[int(head)] = _put(items[int(head)], rest, value)
        return items
    mapping = dict(node)
    mapping[head] = _put(mapping.get(head), rest, value)
    return mapping


def _power(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` as Python computes it for floats, element by element for arrays.

    So that a per-run value equal to the scenario's number gives the very same bits (numpy's
    vectorised ``power`` may differ from the C library's in the last place).
    """
    if np.ndim(base) == 0 and np.ndim(exponent) == 0:
        return base ** exponent
    b, e = np.broadcast_arrays(np.asarray(base, dtype=float), np.asarray(exponent, dtype=float))
    pairs, inverse = np.unique(b.ravel() + 1j * e.ravel(), return_inverse=True)
    found = np.array([float(z.real) ** float(z.imag) for z in pairs])
    return found[inverse.ravel()].reshape(b.shape)


def lever_strengths(scenario: Scenario, day: int) -> dict[str, Any]:
    """Effective strength of each lever on ``day`` (§10).

    ``strength * (1 - exp(-(day - start_day) / ramp_days))`` once started (the full strength at
    once when ``ramp_days`` is 0), 0 when disabled or not yet started. A per-run strength (an
    array, see ``with_run_values``) gives per-run effects.
    """
    out: dict[str, Any] = {}
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
        if lever.enabled and np.any(np.asarray(lever.strength) > 0) and lever.ramp_days > 0:
            end = lever.start_day + RAMP_SPAN * lever.ramp_days
            days.update(range(lever.start_day + 1, int(end) + 1, 10))
    return sorted(d for d in days if d < scenario.horizon_days)


def effective_capability(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capability shares adjusted by patrons, each actor's backing and restraint (§8).

    Returns ``(eff_cap, backing, restraint)``, each ``(A, W)``: ``eff_cap[i]`` is the available
    capability share closed towards 1 by ``patron_weight * backing[i]``; ``backing[i] = 1 -
    prod(1 - commitment)`` and ``restraint[i] = 1 - prod(1 - restraint * commitment)`` over the
    patrons backing ``i``.
    """
    acts = list(scenario.actors.values())
    ids = list(scenario.actors)
    cap = _rows([a.capability * a.available_share for a in acts])
    total = cap.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, cap / np.where(total > 0, total, 1.0), 1.0 / len(acts))
    free: list[Any] = [1.0] * len(acts)
    loose: list[Any] = [1.0] * len(acts)
    for alliance in scenario.alliances:
        i = ids.index(alliance.backs)
        free[i] = free[i] * (1.0 - alliance.commitment)
        loose[i] = loose[i] * (1.0 - alliance.restraint * alliance.commitment)
    backing = 1.0 - _rows(free)
    eff = share + (1.0 - share) * scenario.model.patron_weight * backing
    return eff, backing, 1.0 - _rows(loose)


def _rows(values: list[Any]) -> np.ndarray:
    """Numbers of the actors (issues, incidents …) as ``(N, 1)``, ``(N, R)`` if any is per run."""
    cols = [np.asarray(v, dtype=float).reshape(-1) for v in values]
    if not cols:
        return np.zeros((0, 1))
    return np.stack(np.broadcast_arrays(*cols))


def issue_arrays(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's stake in each issue at full contention, its salience, and its resolve (§6, §8).

    The stake of actor ``i`` in issue ``q`` is ``salience_iq * |position_iq - position_jq| *
    heat_q`` against the other ``j`` with whom its summed stake is largest (the other side, in a
    dyad). Returns ``(stake (A, Q, W), salience (A, Q, W), total (A, W))``.
    """
    ids = list(scenario.actors)
    n = len(ids)
    issues = list(scenario.issues.values())
    if not issues:
        zero = np.zeros((n, 0, 1))
        return zero, zero, np.zeros((n, 1))
    pos = np.stack(np.broadcast_arrays(*[_rows([i.position.get(a, 0.5) for a in ids])
                                         for i in issues]), axis=1)  # (A, Q, W)
    sal = np.stack(np.broadcast_arrays(*[_rows([i.salience.get(a, 0.0) for a in ids])
                                         for i in issues]), axis=1)
    heat = np.stack(np.broadcast_arrays(*[np.reshape(np.asarray(i.heat, float), -1)
                                          for i in issues]))  # (Q, W)
    pos, sal, heat = np.broadcast_arrays(pos, sal, heat[None])
    pair = sal[:, None] * np.abs(pos[:, None] - pos[None, :]) * heat[:, None]  # (A, A, Q, W)
    totals = pair.sum(axis=2)  # (A, A, W)
    totals[np.arange(n), np.arange(n)] = -np.inf
    other = totals.argmax(axis=1)  # (A, W)
    cols = np.arange(pair.shape[-1])
    stake = np.stack([pair[i, other[i], :, cols].T for i in range(n)])  # (A, Q, W)
    return stake, np.ascontiguousarray(sal), stake.sum(axis=1)


def client_arrays(scenario: Scenario, width_: int) -> np.ndarray:
    """Threat each actor reads from the others' backing of outside parties, per issue (§8).

    ``w_client * commitment * heat`` of the issue, summed over the backings aimed at the actor,
    ``(A, Q, W)``: the kernel multiplies it by the issue's contention.
    """
    ids, keys = list(scenario.actors), list(scenario.issues)
    terms = [np.reshape(scenario.model.w_client * np.asarray(c.commitment, float)
                        * np.asarray(scenario.issues[c.issue].heat, float), -1)
             for c in scenario.clients]
    out = np.zeros((len(ids), len(keys), max([width_, *[t.size for t in terms]])))
    for c, term in zip(scenario.clients, terms, strict=True):
        out[ids.index(c.against), keys.index(c.issue)] += term
    return out


def incident_rates(scenario: Scenario) -> np.ndarray:
    """Daily probability of each incident type by the rung that drives it, ``(N_RUNGS + 1, K, W)``.

    ``rate_per_year`` is the rate at legal coercion (and at heat 0.5 for an issue-linked type).
    The rate scales with ``(1 + g h) / (1 + g h_ref)``, ``h`` the hostility of the driving rung:
    the perpetrator's own rung for a leadership-chosen type (times ``calm_chosen_share`` when it
    stands at status quo or better), the dyad's highest rung for an uncontrolled one. An external
    type keeps its stated rate whatever the dyad does (row ``EXTERNAL_ROW``), §9.
    """
    m = scenario.model
    gain = np.reshape(m.hostility_incident_gain, (1, -1))
    hostility = (1.0 + gain * HOSTILITY[:, None]) / (1.0 + gain * REFERENCE_HOSTILITY)
    calm = np.arange(N_RUNGS)[:, None] < VERBAL_HOSTILITY
    rates = []
    by_heat: dict[str, Any] = {}
    for incident in scenario.incidents.values():
        rate = incident.rate_per_year
        if incident.issue is not None:
            if incident.issue not in by_heat:
                heat = scenario.issues[incident.issue].heat
                by_heat[incident.issue] = _power(heat / REFERENCE_HEAT, m.issue_rate_elasticity)
            rate = rate * by_heat[incident.issue]
        scale = hostility
        if incident.control == "leadership":
            scale = np.where(calm, np.reshape(m.calm_chosen_share, (1, -1)) * hostility[0],
                             hostility)
        elif incident.control == "external":
            scale = np.ones_like(hostility)
        rows = np.reshape(rate, (1, -1)) * scale
        rates.append(np.concatenate([rows, rows[-1:] * 0 + np.reshape(rate, (1, -1))]))
    if not rates:
        return np.zeros((N_RUNGS + 1, 0, 1))
    return -np.expm1(-np.stack(np.broadcast_arrays(*rates), axis=1) / DAYS_PER_YEAR)


def compile_params(scenario: Scenario, day: int = 0, values: RunValues | None = None) -> Params:
    """Compile ``scenario`` with the levers in force on ``day`` folded in.

    ``values``: per-run values, dotted path -> ``(R,)`` array (see the module docstring); they
    replace the scenario's numbers at those paths, run by run.
    """
    if values:
        scenario = with_run_values(scenario, values)
    m = scenario.model
    acts = list(scenario.actors.values())
    ids = list(scenario.actors)
    a = len(ids)

    def arr(field: str) -> np.ndarray:
        return _rows([getattr(x, field) for x in acts])

    s = lever_strengths(scenario, day)
    hot, econ, transp = s["crisis_hotline"], s["economic_initiatives"], s["military_transparency"]
    culture, inter = s["cultural_exchanges"], s["trusted_intermediaries"]

    stake, salience, total_stake = issue_arrays(scenario)
    resolve = 1.0 + m.w_resolve * total_stake  # §6 stakes scale resolve
    eff_cap, backing, restraint = effective_capability(scenario)
    others = [[j for j in range(a) if j != i] for i in range(a)]
    others_backing = np.stack([backing[o].max(axis=0) for o in others])
    others_nuclear = np.array([[max(acts[j].nuclear for j in o)] for o in others], dtype=float)
    gain = 1.0 + m.econ_dependence_gain * econ
    dependence = np.minimum(1.0, arr("dependence") * gain)
    energy_dependence = np.minimum(1.0, arr("energy_dependence") * gain)
    # §6 Force: the parts of the cost the scenario fixes (the relationship's value is the day's)
    others_cap = np.stack([eff_cap[o].max(axis=0) for o in others])
    force_cost = (m.c_mil * np.abs(eff_cap - others_cap)
                  + m.extended_deterrence * others_backing
                  + m.patron_restraint * restraint
                  + m.c_nuclear * others_nuclear
                  + m.c_committed * (1.0 - arr("available_share"))
                  + m.c_allied * float(scenario.allied)
                  + m.c_distant * float(not scenario.contiguous))
    pairs = [(i, j) for i in range(a) for j in range(a) if i != j]
    absorbed = _rows([np.minimum(1.0, m.absorption * np.maximum(0.0, eff_cap[i] - eff_cap[j]))
                      for i, j in pairs]) if pairs else np.zeros((0, 1))

    p_mis = arr("misperception")
    p_mis_mil = p_mis * (1.0 - m.transparency_misperception_cut * transp)
    bias = arr("worst_case_bias")
    bias = bias - np.maximum(0.0, bias - 0.5) * m.transparency_bias_cut * transp
    soften = 1.0 - m.culture_rally_cut * culture
    recovery_gain = 1.0 + m.econ_recovery_gain * econ
    issue_keys = list(scenario.issues)
    incidents = list(scenario.incidents.values())

    def index(items: list[str], key: str | None) -> int:
        return items.index(key) if key is not None else -1

    fields: dict[str, Any] = dict(
        reciprocity=arr("reciprocity"),
        rationality=arr("rationality"),
        p_review=1.0 / arr("review_days"),
        reaction=arr("reaction"),
        lag=arr("lag_days"),
        p_mis=p_mis,
        p_mis_military=p_mis_mil,
        bias=bias,
        rhetoric=arr("rhetoric_gain") * soften,
        n0=arr("nationalism") * (1.0 - m.culture_nationalism_cut * culture),
        rally=_rows([m.rally * soften] * a),
        rally_severity=_rows([m.rally_per_severity * soften] * a),
        dependence=dependence,
        energy_dependence=energy_dependence,
        transit=arr("transit_leverage"),
        cooperation=m.c_coop * dependence,
        trade_cost=m.c_econ * dependence / resolve,
        energy_cost=m.c_econ * energy_dependence / resolve,
        audience=m.audience * resolve,
        force_cost=force_cost,
        war_cost=m.c_war + m.c_nuclear * others_nuclear,
        posture_cost=m.c_posture * (1.0 + force_cost),
        absorbed=absorbed,
        stake=m.w_issue * stake,
        pull=m.w_domain * stake,
        salience=salience,
        client=None,  # filled below, once the width is known
        issue_domain=np.array([DOMAINS.index(i.domain) if i.domain in DOMAINS else -1
                               for i in scenario.issues.values()], dtype=np.int64),
        militarised=np.array([i.militarised for i in scenario.issues.values()], dtype=np.bool_),
        p_incident=incident_rates(scenario),
        inc_perpetrator=np.array([index(ids, i.perpetrator) for i in incidents], dtype=np.int64),
        inc_victim=np.array([ids.index(i.victim) for i in incidents], dtype=np.int64),
        inc_control=np.array([CONTROLS.index(i.control) for i in incidents], dtype=np.int64),
        inc_domain=np.array([DOMAINS.index(i.domain) if i.domain is not None
                             else domain_of_rung(i.rung) for i in incidents], dtype=np.int64),
        inc_issue=np.array([index(issue_keys, i.issue) for i in incidents], dtype=np.int64),
        severity=_rows([i.severity for i in incidents]),
        explain=m.hotline_explain_prob * hot,
        opening=np.array([list(scenario.incidents).index(k) for k in scenario.opening],
                         dtype=np.int64),
        dem_actor=np.array([ids.index(d.actor) for d in scenario.demands], dtype=np.int64),
        dem_of=np.array([ids.index(d.of) for d in scenario.demands], dtype=np.int64),
        dem_issue=np.array([issue_keys.index(d.issue) for d in scenario.demands],
                           dtype=np.int64),
        demand_rung=np.array([MILITARY_SIGNALLING if scenario.issues[d.issue].militarised
                              else ECONOMIC_COERCION for d in scenario.demands],
                             dtype=np.int64),
        w_nat=m.w_nat,
        w_fit=m.w_fit,
        c_move=m.c_move,
        window=m.window,
        window_incident=np.maximum(m.window, m.window_after_incident),
        c_measure=np.asarray(m.c_measure, float) * np.exp(
            -np.asarray(m.c_measure_gap, float) * (eff_cap - others_cap)),  # §6 Words and deeds
        legal_share=m.legal_econ_share,
        w_kind=m.w_kind,
        kind_memory=m.kind_memory_days,
        talks_audience_cut=np.minimum(1.0, m.mediation_audience_cut
                                      + m.intermediary_audience_cut * inter),
        reciprocal_cut=m.reciprocal_audience_cut,
        talks_bonus=m.mediation_bonus,
        settle_per_lift=m.settle_per_lift,
        lift_rate=m.lift_rate,
        lift_want=m.lift_want,
        lift_entrench=m.lift_entrenchment,
        settle_lift=m.settle_lift,
        settle_memory=m.settlement_memory_days,
        met_lift=m.demand_met_lift,
        concede_rate=m.concede_rate,
        w_demand=m.w_demand,
        drop_rate=m.drop_rate,
        w_issue=m.w_issue,
        c_econ=m.c_econ,
        force_rate=m.force_rate,
        w_force_desire=m.w_force_desire,
        c_relationship=m.c_relationship,
        posture_gate=m.posture_gate,
        force_memory=m.force_memory_days,
        force_severity=m.force_severity,
        war_end=-np.expm1(-np.asarray(m.war_end_rate, float) / DAYS_PER_YEAR),
        activation_decay=_power(0.5, 1.0 / np.asarray(m.activation_half_life_days, float)),
        activation_per_severity=m.activation_per_severity,
        activation_per_measure=m.activation_per_measure,
        trust_attribution=m.trust_attribution,
        trust_speed=m.trust_speed,
        grievance_decay=_power(0.5, 1.0 / np.asarray(m.grievance_half_life_days, float)),
        grievance_per_hostility=m.grievance_per_hostility,
        grievance_max=m.grievance_max,
        nationalism_relax=1.0 / np.asarray(m.nationalism_relax_days, float),
        nationalism_volatility=m.nationalism_volatility,
        trade_cut=m.trade_cut_per_measure,
        energy_cut=m.energy_cut_per_measure,
        force_flow_cut=m.force_flow_cut,
        energy_incident_cut=m.energy_incident_cut,
        trade_ceiling=1.0 + m.econ_trade_gain * econ,
        trade_fall=m.trade_fall_rate,
        trade_recovery=np.minimum(1.0, m.trade_recovery_rate * recovery_gain),
        energy_fall=m.energy_fall_rate,
        energy_recovery=np.minimum(1.0, m.energy_recovery_rate * recovery_gain),
        summit_rate=m.summit_rate * (1.0 + m.intermediary_summit_gain * inter) / DAYS_PER_YEAR,
        summit_time_gain=np.asarray(m.summit_time_gain, float) / DAYS_PER_YEAR,
        summit_pain_gain=m.summit_pain_gain,
        summit_mediation_gain=m.summit_mediation_gain,
        summit_value=m.summit_value,
        summit_grievance_weight=m.summit_grievance_weight,
        summit_grievance_keep=1.0 - np.asarray(m.summit_grievance_cut, float),
        summit_activation_keep=1.0 - np.asarray(m.summit_activation_cut, float),
        summit_trust_gain=m.summit_trust_gain,
        mediation_onset=m.mediation_onset_days * (1.0 - m.intermediary_onset_cut * inter),
        call_days=np.rint(m.hotline_call_days * (np.asarray(hot) > 0)),
    )
    return _shaped(fields, scenario)


FIXED = ("issue_domain", "militarised", "opening", "inc_perpetrator", "inc_victim", "inc_control",
         "inc_domain", "inc_issue", "dem_actor", "dem_of", "dem_issue", "demand_rung")
"""Fields of ``Params`` without a run axis (the scenario's structure)."""


def _shaped(fields: dict[str, Any], scenario: Scenario) -> Params:
    """Give every float field a trailing run axis: 1 where its numbers are shared, else ``R``.

    A field is per run only if a per-run value enters its arithmetic; the others keep one column
    (the kernel reads them through a view of stride 0, ``calendar.kernel_params``): an
    uncertain weight costs its own columns, not a copy of every table per run.
    """
    fields["client"] = client_arrays(scenario, 1)
    out: dict[str, np.ndarray] = {}
    for name, value in fields.items():
        if name in FIXED:
            out[name] = np.ascontiguousarray(value)
            continue
        x = np.asarray(value, dtype=np.int64 if name in WIDE_INT else np.float64)
        out[name] = np.ascontiguousarray(x.reshape(1) if x.ndim == 0 else x)
    return Params(**out)


MILITARY_DOMAIN = DOMAIN_MILITARY
