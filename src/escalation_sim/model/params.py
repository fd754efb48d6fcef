"""Compile a validated scenario into the numeric arrays the engine steps with.

The scenario speaks in the analyst's terms (levers with strengths, patrons with commitments,
issues with positions); ``compile_params`` turns that into per-actor, per-rung and per-incident
arrays with every lever effect already folded in, for the levers in force on a given day.
Section numbers refer to ``docs/model.md``.

**The run axis.** Every quantity of ``Params`` that a parameter value can change carries a
trailing *run axis*: of length 1 when every run of the chunk shares the value, of length ``R``
(the chunk's runs) when runs have their own values. Per-actor arrays are ``(A, 1)`` or
``(A, R)``; numbers are a ``float`` (shared) or an ``(R,)`` array; rung and incident tables
``(N_RUNGS, 1)``, ``(N_RUNGS, K, 1)``, ``(K, 1)`` … or the same with ``R``. State is actor-major
``(A, R)``, so both broadcast against it as they stand. Per-run values come in as
``compile_params(scenario, day, values)``: ``values`` maps dotted scenario paths (as for
``--set``) to arrays of shape ``(R,)``; they are put into an unvalidated copy of the scenario
(``with_run_values``) and the same arithmetic as for numbers runs on them. Without ``values``
the arrays hold exactly the numbers they held before the run axis (bit for bit).

Where a step works on some runs only (``rows``: the runs whose actors decide today, the runs an
incident strikes), ``Params.at(rows)`` gives the parameters of those runs (one column each);
``by_decision`` reads a per-actor (or per-rung) quantity at each decision of such a batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from pydantic import BaseModel

from escalation_sim.model.ladder import (
    DOMAIN_RUNG,
    ECONOMIC_COERCION,
    ENGAGEMENT,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    N_RUNGS,
    OPEN_WAR,
    STATUS_QUO,
    VERBAL_HOSTILITY,
)
from escalation_sim.scenario.paths import parse_path, schema_node
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
RunValues = Mapping[str, np.ndarray]
"""Per-run parameter values: dotted scenario path -> array of shape ``(R,)``, one per run."""
Number = Any
"""A ``float`` shared by every run, or an ``(R,)`` array of per-run values."""


@dataclass(frozen=True)
class Params:
    """Everything the day process needs, as arrays over actors (A), rungs or incident types.

    Each quantity that parameter values can change has a trailing run axis of length 1 (shared)
    or ``width`` (per run); numbers are floats or ``(width,)`` arrays (see the module docstring).
    """

    actors: tuple[str, ...]
    # §4 actors and §6 decision rule
    stake: np.ndarray  # (A, W) rungs of drive: w_issue * stake (max over others)
    client_threat: np.ndarray  # (A, W) rungs of threat from the others' backing of outside parties
    n0: np.ndarray  # (A, W) baseline nationalism after cultural exchanges
    reciprocity: np.ndarray  # (A, W) rungs per rung
    rationality: np.ndarray  # (A, W) 1/utility
    audience: np.ndarray  # (A, W) utility per unit nationalism: audience * resolve
    econ_cost: np.ndarray  # (A, W) utility per unit flow at economic coercion: c_econ dep/resolve
    econ_rung: np.ndarray  # (N_RUNGS, W) share of the economic cost paid at each rung
    rung_terms: np.ndarray  # (A, 4, N_RUNGS, W) utility by rung: military, war, issues, coop.
    rung_total: np.ndarray  # (A * N_RUNGS, W) their sum, actor-major
    cooperation_gain: np.ndarray  # (A, W) the cooperation term at engagement (summits)
    w_nat: Number
    w_fit: Number
    c_move: Number
    reciprocal_cut: Number  # share of audience cost removed when answering a step down
    window: Number  # int, or (W,) ints
    window_after_incident: Number
    # §3 time, §5 perception
    p_review: np.ndarray  # (A, W) daily probability of a routine review
    reaction: np.ndarray  # (A, W) probability
    lag: np.ndarray  # (A, W) int days
    p_mis: np.ndarray  # (A, W) probability, non-military rungs
    p_mis_military: np.ndarray  # (A, W) probability, rungs >= 7
    worst_case_bias: np.ndarray  # (A, W)
    rhetoric_gain: np.ndarray  # (A, W) rungs
    signal_discount: Number  # rungs taken off a perceived rung 7
    trust_speed: Number
    # §7 state updates
    grievance_decay: Number  # daily multiplier
    grievance_per_hostility: Number
    grievance_max: Number
    settle_per_rung: Number  # rungs of the other's grievance removed per rung stepped down
    nationalism_relax: Number  # 1/day
    nationalism_volatility: Number  # index per sqrt(day)
    rally: np.ndarray  # (A, W) index/day per unit hostility
    rally_per_severity: np.ndarray  # (A, W) index per rung of severity
    trade_fall: Number
    trade_recovery: Number
    energy_fall: Number
    energy_force_fall: Number
    energy_recovery: Number
    # §10 mediation, talks and summits
    mediation_onset: Number  # days
    mediation_audience_cut: Number  # fraction
    mediation_bonus: Number  # utility per rung stepped down
    call_days: Number  # int or (W,) ints: days of direct talks after an explained incident
    summit_rate: Number  # opportunities per day, before the gains
    summit_time_gain: Number  # relative per day in crisis
    summit_pain_gain: Number
    summit_mediation_gain: Number
    summit_value: Number
    summit_grievance_weight: Number
    summit_grievance_keep: Number  # share of grievance left after a settlement
    summit_trust_gain: Number
    # §9 incidents
    incident_keys: tuple[str, ...]
    p_incident: np.ndarray  # (N_RUNGS, K, W) daily probability by the rung that drives the rate
    chosen: np.ndarray  # (K,) bool: leadership's choice (rate follows the perpetrator's rung)
    victim: np.ndarray  # (K,) actor index
    to_victim: np.ndarray  # (K, A) one-hot: incident type k strikes actor victim[k]
    perpetrator: np.ndarray  # (K,) actor index or -1
    severity: np.ndarray  # (K, W) rungs
    explain_prob: Number  # probability a hit is explained on the hotline
    width: int = 1  # R when some quantity is per run, else 1

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actors)

    def at(self, rows: np.ndarray, tables: bool = False) -> Params:
        """The parameters of runs ``rows`` only: per-run quantities taken at those runs.

        Shared quantities are left as they are, so with nothing per run this is ``self``;
        otherwise a view (``RowParams``) that takes each quantity when it is first read. The
        two large tables, ``rung_terms`` and ``p_incident``, are left whole unless ``tables``:
        the day reads them at some runs only through ``rung_total``, ``cooperation_gain`` and
        the thresholds (``engine/day.py``).
        """
        if self.width == 1:
            return self
        return RowParams(self, np.asarray(rows), tables)  # type: ignore[return-value]


class RowParams:
    """``Params`` of some runs (``Params.at``): each per-run quantity gathered when first read."""

    def __init__(self, whole: Params, rows: np.ndarray, tables: bool) -> None:
        self._whole, self._rows, self._tables = whole, rows, tables
        self.width = rows.size
        self.n_actors = whole.n_actors

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._whole, name)
        if (isinstance(value, np.ndarray) and value.shape[-1] == self._whole.width
                and name in (RUN_FIELDS if self._tables else _ROW_FIELDS)):
            value = np.take(value, self._rows, axis=-1)
        self.__dict__[name] = value
        return value

    def at(self, rows: np.ndarray, tables: bool = False) -> Params:
        """As ``Params.at``, ``rows`` counted among this view's runs."""
        return self._whole.at(self._rows[rows], tables)


RUN_FIELDS = tuple(f.name for f in fields(Params)
                   if f.name not in ("actors", "incident_keys", "chosen", "victim", "to_victim",
                                     "perpetrator", "width"))
"""The quantities of ``Params`` that may have a run axis."""
_ROW_FIELDS = tuple(f for f in RUN_FIELDS if f not in ("rung_terms", "p_incident"))


def by_decision(x: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``x`` at ``index`` (into its leading axes, flattened) for each decision of a batch.

    ``x`` has a trailing run axis of 1 (shared) or one column per decision (``Params.at`` of
    the decisions' runs); ``index`` is ``(n,)`` or ``(C, n)`` for ``n`` decisions.
    """
    n = x.shape[-1]
    if n == 1:
        return x.take(index)
    return np.ascontiguousarray(x).take(index * n + np.arange(n))


def at_runs(x: Number, rows: np.ndarray) -> Number:
    """A per-run number or array (trailing run axis) at runs ``rows``; shared ones unchanged."""
    if isinstance(x, np.ndarray) and x.shape[-1] > 1:
        return x[..., rows]
    return x


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
    return out


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
    items = dict(node)
    items[head] = _put(items.get(head), rest, value)
    return items


def _column(values: list[Any], dtype: type = float) -> np.ndarray:
    """Numbers of the actors (or incident types), ``(N, 1)``, or ``(N, R)`` if some is per run."""
    cols = [np.asarray(v, dtype=dtype).reshape(-1) for v in values]
    if not cols:
        return np.zeros((0, 1), dtype=dtype)
    return np.stack(np.broadcast_arrays(*cols))


def _minimum(a: Number, b: Number) -> Number:
    """``min(a, b)`` of numbers, elementwise of per-run arrays."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.minimum(a, b)
    return min(a, b)


def _maximum(a: Number, b: Number) -> Number:
    """``max(a, b)`` of numbers, elementwise of per-run arrays."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.maximum(a, b)
    return max(a, b)


def _power(base: Number, exponent: Number) -> Number:
    """``base ** exponent`` as Python computes it for floats, element by element for arrays.

    So that a per-run value equal to the scenario's number gives the very same bits (numpy's
    vectorised ``power`` may differ from the C library's in the last place).
    """
    if np.ndim(base) == 0 and np.ndim(exponent) == 0:
        return base ** exponent
    b, e = np.broadcast_arrays(np.asarray(base, dtype=float), np.asarray(exponent, dtype=float))
    # the distinct pairs, as complex numbers (a fast one-dimensional unique)
    pairs, inverse = np.unique(b.ravel() + 1j * e.ravel(), return_inverse=True)
    found = np.array([float(z.real) ** float(z.imag) for z in pairs])
    return found[inverse.ravel()].reshape(b.shape)


def _whole(x: Number) -> Number:
    """Round to whole numbers: an ``int``, or an int64 array."""
    if isinstance(x, np.ndarray):
        return np.rint(x).astype(np.int64)
    return int(round(x))


def lever_strengths(scenario: Scenario, day: int) -> dict[str, Number]:
    """Effective strength of each lever on ``day`` (§10).

    ``strength * (1 - exp(-(day - start_day) / ramp_days))`` once started (the full strength at
    once when ``ramp_days`` is 0), 0 when disabled or not yet started. A per-run strength (an
    array, see ``with_run_values``) gives per-run effects.
    """
    out: dict[str, Number] = {}
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
    ids = list(scenario.actors)
    acts = list(scenario.actors.values())
    cap = _column([a.capability * a.available_share for a in acts])
    total = np.ascontiguousarray(cap.T).sum(axis=1)  # per run, summed as a 1-d array sums
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, cap / np.where(total > 0, total, 1.0), 1.0 / len(ids))
    free: list[Any] = [1.0] * len(ids)
    loose: list[Any] = [1.0] * len(ids)
    for alliance in scenario.alliances:
        i = ids.index(alliance.backs)
        free[i] = free[i] * (1.0 - alliance.commitment)
        loose[i] = loose[i] * (1.0 - alliance.restraint * alliance.commitment)
    backing = 1.0 - _column(free)
    eff = share + (1.0 - share) * scenario.model.patron_weight * backing
    return eff, backing, 1.0 - _column(loose)


def issue_stakes(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's stake and its stake by rung of the issues' domains (§6, §8).

    The stake of actor ``i`` against ``j`` is ``sum_q salience_iq * |position_iq - position_jq|
    * heat_q``; with more than two actors, the largest over the others. Returns ``(stake (A, W),
    by_rung (A, N_RUNGS, W))``, where ``by_rung`` adds each issue's part at its domain's rung.
    """
    ids = list(scenario.actors)
    n = len(ids)
    pair: np.ndarray = np.zeros((n, n, 1))
    by_rung: dict[int, np.ndarray] = {}
    for issue in scenario.issues.values():
        pos = _column([issue.position.get(a, 0.5) for a in ids])
        sal = _column([issue.salience.get(a, 0.0) for a in ids])
        part = sal[:, None] * np.abs(pos[:, None] - pos[None, :]) * np.reshape(issue.heat, -1)
        pair = pair + part
        if issue.domain in DOMAIN_RUNG:
            rung = DOMAIN_RUNG[issue.domain]
            by_rung[rung] = by_rung.get(rung, np.zeros((n, n, 1))) + part
    pair[np.arange(n), np.arange(n)] = -np.inf
    other = pair.argmax(axis=1)  # (A, W)
    width = max([pair.shape[2], *(x.shape[2] for x in by_rung.values())])
    stake_by_rung = np.zeros((n, N_RUNGS, width))
    for rung, found in by_rung.items():
        col = np.arange(width) if found.shape[2] > 1 else 0
        stake_by_rung[:, rung] = found[np.arange(n)[:, None], other, col]
    return pair.max(axis=1), stake_by_rung


def client_threat(scenario: Scenario) -> np.ndarray:
    """Threat each actor reads from the others' backing of outside parties, ``(A, W)`` rungs (§8).

    ``w_client * commitment * heat`` of the issue, summed over the backings aimed at it.
    """
    ids = list(scenario.actors)
    out: list[Any] = [0.0] * len(ids)
    for c in scenario.clients:
        i = ids.index(c.against)
        out[i] = out[i] + scenario.model.w_client * c.commitment * scenario.issues[c.issue].heat
    return _column(out)


def incident_rates(scenario: Scenario) -> np.ndarray:
    """Daily probability of each incident type by the rung that drives it, ``(N_RUNGS, K, W)``.

    ``rate_per_year`` is the rate at legal coercion (and at heat 0.5 for an issue-linked type).
    The rate scales with ``(1 + g h) / (1 + g h_ref)``, ``h`` the hostility of the driving rung:
    the perpetrator's own rung for a leadership-chosen type (times ``calm_chosen_share`` when it
    stands at status quo or better), the dyad's highest rung otherwise (§9).
    """
    m = scenario.model
    gain = np.reshape(m.hostility_incident_gain, (1, -1))
    hostility = (1.0 + gain * HOSTILITY[:, None]) / (1.0 + gain * REFERENCE_HOSTILITY)
    calm = np.arange(N_RUNGS)[:, None] < VERBAL_HOSTILITY
    rates = []
    by_heat: dict[str, Number] = {}  # each issue's heat factor, computed once
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
        rates.append(np.reshape(rate, (1, -1)) * scale)
    if not rates:
        return np.zeros((N_RUNGS, 0, 1))
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
    ids = tuple(scenario.actors)
    a = len(ids)

    def arr(field: str) -> np.ndarray:
        return _column([getattr(x, field) for x in acts])

    s = lever_strengths(scenario, day)
    hot, econ, transp = s["crisis_hotline"], s["economic_initiatives"], s["military_transparency"]
    culture, inter = s["cultural_exchanges"], s["trusted_intermediaries"]

    stake, stake_by_rung = issue_stakes(scenario)
    resolve = 1.0 + m.w_resolve * stake  # §6 stakes scale resolve
    eff_cap, backing, restraint = effective_capability(scenario)
    others = [[j for j in range(a) if j != i] for i in range(a)]
    others_backing = np.stack([backing[o].max(axis=0) for o in others])
    others_nuclear = np.array([[max(acts[j].nuclear for j in o)] for o in others], dtype=float)
    dependence = np.minimum(1.0, arr("dependence") * (1.0 + m.econ_dependence_gain * econ))
    # §6 force: the weaker side's risk, raised by the other's patrons (extended deterrence) and
    # by one's own patron's restraint, lowered by resolve; more against a nuclear-armed side
    force = (m.c_mil * (1.0 - eff_cap) * (1.0 + m.extended_deterrence * others_backing)
             * (1.0 + m.patron_restraint * restraint) / resolve + m.c_nuclear * others_nuclear)
    war = m.c_war + m.c_nuclear * others_nuclear
    rungs = np.arange(N_RUNGS)[:, None]
    terms = (-force[:, None] * (rungs >= LIMITED_FORCE),  # each (A, N_RUNGS, W)
             -war[:, None] * (rungs == OPEN_WAR),
             m.w_domain * stake_by_rung,
             (m.c_coop * dependence)[:, None] * np.maximum(0, STATUS_QUO - rungs))
    rung_terms = np.stack(np.broadcast_arrays(*terms), axis=1)
    econ_rung = np.where(rungs >= ECONOMIC_COERCION, 1.0,
                         np.where(rungs == LEGAL_COERCION,
                                  np.reshape(m.legal_econ_share, (1, -1)), 0.0))

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
    params = Params(
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
        rung_total=rung_terms.sum(axis=1).reshape(a * N_RUNGS, -1),
        cooperation_gain=rung_terms[:, COOPERATION, ENGAGEMENT],
        w_nat=m.w_nat,
        w_fit=m.w_fit,
        c_move=m.c_move,
        reciprocal_cut=m.reciprocal_audience_cut,
        window=m.window,
        window_after_incident=_maximum(m.window, m.window_after_incident),
        p_review=1.0 / arr("review_days"),
        reaction=arr("reaction"),
        lag=lag,
        p_mis=p_mis,
        p_mis_military=p_mis_mil,
        worst_case_bias=bias,
        rhetoric_gain=arr("rhetoric_gain") * soften,
        signal_discount=m.transparency_signal_discount * transp,
        trust_speed=m.trust_speed,
        grievance_decay=_power(0.5, 1.0 / m.grievance_half_life_days),
        grievance_per_hostility=m.grievance_per_hostility,
        grievance_max=m.grievance_max,
        settle_per_rung=m.settle_per_rung,
        nationalism_relax=1.0 / m.nationalism_relax_days,
        nationalism_volatility=m.nationalism_volatility,
        rally=_column([m.rally * soften] * a),
        rally_per_severity=_column([m.rally_per_severity * soften] * a),
        trade_fall=m.trade_fall_rate,
        trade_recovery=_minimum(1.0, m.trade_recovery_rate * recovery_gain),
        energy_fall=m.energy_fall_rate,
        energy_force_fall=m.energy_force_fall_rate,
        energy_recovery=_minimum(1.0, m.energy_recovery_rate * recovery_gain),
        mediation_onset=m.mediation_onset_days * (1.0 - m.intermediary_onset_cut * inter),
        mediation_audience_cut=_minimum(1.0, m.mediation_audience_cut
                                        + m.intermediary_audience_cut * inter),
        mediation_bonus=m.mediation_bonus,
        call_days=_whole(m.hotline_call_days * (np.asarray(hot) > 0)),
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
        severity=_column([i.severity for i in incidents]),
        explain_prob=m.hotline_explain_prob * hot,
    )
    if not values:
        return params
    return replace(params, width=max(np.size(v) for v in values.values()))
