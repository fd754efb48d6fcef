"""The day kernel: every run of a chunk through a span of days, as one compiled loop.

This is model 3's day (docs/model.md §3-§10), written as a numba loop over runs and days that
calls the model's equations (``model/perception.py``, ``decision.py``, ``measures.py``,
``force.py``, ``dynamics.py``) — the equations live there, and only there. Each run's day, in
order:

1. incidents (§9): each type strikes at a rate set by its driving rung; the victim's grievance and
   nationalism rise, its issue is triggered, an energy incident cuts energy flows;
2. an open war may end in a ceasefire; open demands may be met or dropped (§6 Compellence);
3. a leader-level summit may settle (§10);
4. perception (§5): each observer reads each other's reading some days ago, sometimes wrongly, and
   its new measures and liftings;
5. the desired rung of every actor (§6); force, by its own hazard where force is in play
   (§6 Force); the lifting of measures, by their hazard (§6 Lifting);
6. reviews (§3) and, for the actors that review, the choice of stance (words) and of a new
   measure (deeds) (§6);
7. the state moves on: readings, grievance, nationalism, trust, contention, flows, mediation (§7,
   §8, §10); then recording (§11).

Runs are independent, so a batch of ``RUN_BATCH`` runs steps day by day, and each day phase by
phase: each phase (one compiled function per step) is a loop over the batch's runs, so the
compiled code of a phase holds only the arrays that phase reads, and the batch's state stays in
cache. Random numbers come from ``engine/rng.py``: slot by slot, keyed by (seed, run, day), so a
run's path does not depend on the chunk it is in. The calendar (``engine/calendar.py``) calls
:func:`run_days` for the days between two scenario events, with the parameters in force.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from escalation_sim.engine.compile import EXTERNAL_ROW
from escalation_sim.engine.record import ENERGY_INTERRUPTED, FLOW_BINS, QUANTUM
from escalation_sim.engine.rng import (
    DEED,
    FORCE,
    LIFT,
    SHOCK,
    SLOT_ACTOR,
    SLOT_DEMAND,
    SLOT_INCIDENT,
    SLOT_PERCEPTION,
    SLOT_REVIEW,
    SLOT_SUMMIT,
    SLOT_WAR_END,
    STANCE,
    WAR,
    day_key,
    triple,
    uniform,
)
from escalation_sim.engine.state import (
    DROPPED,
    HISTORY,
    LIFTED,
    MET,
    NEVER,
    NO_ACT,
    OPEN,
    REPLIED,
)
from escalation_sim.model import decision, dynamics, force, measures, perception
from escalation_sim.model._jit import compiled
from escalation_sim.model.bounds import exp_bound
from escalation_sim.model.ladder import (
    DOMAIN_ECONOMIC,
    DOMAIN_ENERGY,
    DOMAIN_MILITARY,
    DOMAIN_RUNGS,
    GOLDSTEIN,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    MAX_MEASURES,
    MILITARY_SIGNALLING,
    N_DOMAINS,
    OPEN_WAR,
    RIVERA_POINTS,
    STATUS_QUO,
    VERBAL_HOSTILITY,
)

UNCONTROLLED, LEADERSHIP, EXTERNAL = 0, 1, 2
DIPLOMATIC_RUNG = 4
"""Relations count as reduced from diplomatic retaliation up (§10, §11)."""
_RIVERA = RIVERA_POINTS.astype(np.int64)
SCALE = 1.0 / QUANTUM
"""Fixed-point scale of the daily sums (non-negative values round half up)."""
RUN_BATCH = 64
"""Runs stepped together day by day, phase by phase: their state and the day's histograms stay
in cache."""

# what run 0 tells the trace (``Observer``): one row of ``events`` per happening
EV_INCIDENT, EV_STANCE, EV_IMPOSE, EV_LIFT, EV_FORCE, EV_SUMMIT, EV_MEDIATION, EV_TALKS, \
    EV_DEMAND, EV_WAR_END, EV_HOLD = range(11)
EVENT_WIDTH = 12
MAX_EVENTS = 4096


class Work(NamedTuple):
    """Scratch space of a batch of runs for one day: ``B = RUN_BATCH`` runs, ``A`` actors.

    Allocated once per chunk (compiled code allocates nothing); column ``r - first`` is run
    ``r`` of the batch that starts at run ``first``.
    """

    key: np.ndarray  # (B,) uint64: the run's random key of the day (``rng.day_key``)
    top_before: np.ndarray  # (B,) int64: the highest reading at the start of the day
    at_war: np.ndarray  # (B,) bool: some side at war once the day's war ends are drawn
    struck: np.ndarray  # (A, B) bool: hit by an incident or force today
    moved: np.ndarray  # (A, B) bool: saw another move
    answering: np.ndarray  # (A, B) bool: saw another step down or lift a measure
    lifted: np.ndarray  # (A, B) bool: lifted a measure today
    force_today: np.ndarray  # (A, B) bool
    code: np.ndarray  # (A, B) int64: today's act (``State.acts``)
    desire: np.ndarray  # (A, B) the desired rung
    threat: np.ndarray  # (A, B) the threat seen
    utilities: np.ndarray  # (N_DOMAINS + 4,) utilities of one actor's options on offer
    options: np.ndarray  # (N_DOMAINS + 4,) int64: the options
    pulls: np.ndarray  # (N_DOMAINS,) pull of contested issues by domain


def new_work(n_actors: int) -> Work:
    """Scratch space for the kernel's day of a batch of runs of ``n_actors`` actors."""
    a, b = n_actors, RUN_BATCH
    return Work(key=np.zeros(b, np.uint64), top_before=np.zeros(b, np.int64),
                at_war=np.zeros(b, np.bool_), struck=np.zeros((a, b), np.bool_),
                moved=np.zeros((a, b), np.bool_), answering=np.zeros((a, b), np.bool_),
                lifted=np.zeros((a, b), np.bool_), force_today=np.zeros((a, b), np.bool_),
                code=np.zeros((a, b), np.int64), desire=np.zeros((a, b)),
                threat=np.zeros((a, b)), utilities=np.zeros(N_DOMAINS + 4),
                options=np.zeros(N_DOMAINS + 4, np.int64), pulls=np.zeros(N_DOMAINS))


@compiled
def _event(events: np.ndarray, n_events: np.ndarray, day: int, kind: int, a: float = 0.0,
           b: float = 0.0, c: float = 0.0, d: float = 0.0, e: float = 0.0, f: float = 0.0,
           g: float = 0.0, h: float = 0.0, i: float = 0.0, j: float = 0.0) -> None:
    n = n_events[0]
    if n >= events.shape[0]:
        return
    row = events[n]
    row[0], row[1], row[2], row[3], row[4], row[5] = day, kind, a, b, c, d
    row[6], row[7], row[8], row[9], row[10], row[11] = e, f, g, h, i, j
    n_events[0] = n + 1


@compiled
def _pair(i: int, j: int, n_actors: int) -> int:
    """Index of the ordered pair (i, j), i != j, in observer-major order."""
    return i * (n_actors - 1) + (j if j < i else j - 1)


@compiled
def _material(meas: np.ndarray, i: int, r: int) -> int:
    """The highest rung of actor ``i``'s measures in force in run ``r``, or -1 for none."""
    top = -1
    for k in range(N_DOMAINS):
        if meas[i, k, r] > 0 and DOMAIN_RUNGS[k] > top:
            top = DOMAIN_RUNGS[k]
    return top


@compiled
def _flow_bin(x: float) -> int:
    return min(max(int(x * 100.0), 0), FLOW_BINS - 1)



@compiled
def _strike(s, p, rec, r, t, k, explained, top_before, struck, b, tell, events, n_events):
    """Incident type ``k`` strikes run ``r`` on day ``t`` (§9).

    The victim's grievance rises by the severity (less what trust in the perpetrator explains
    away; halved if explained on the hotline, which opens direct talks), its nationalism rallies,
    it reviews at once; it remembers the domain it was hit in (not for an external incident); the
    incident's issue is triggered; an energy incident cuts energy flows; one not explained away
    ends the hold of a settlement.
    """
    n_actors = s.level.shape[0]
    v = p.inc_victim[k]
    perp = p.inc_perpetrator[k]
    sev = p.severity[k, r]
    if perp >= 0:
        sev *= 1.0 - p.trust_attribution[r] * s.trust[_pair(v, perp, n_actors), r]
    if explained:
        sev *= 0.5
        s.talks_left[r] = max(s.talks_left[r], p.call_days[r])
    else:
        s.flare_day[r] = t  # a trigger: it ends the hold of a settlement
    s.grievance[v, r] = min(s.grievance[v, r] + sev, p.grievance_max[r])
    jump = min(s.nationalism[v, r] + p.rally_severity[v, r] * sev, 1.0) - s.nationalism[v, r]
    s.nationalism[v, r] += jump
    rec.rally[v, r] += jump
    struck[v, b] = True
    if p.inc_control[k] != EXTERNAL:
        s.hit_domain[v, r] = p.inc_domain[k]
        s.hit_day[v, r] = t
    q = p.inc_issue[k]
    if q >= 0:
        s.activation[q, r] = dynamics.triggered(s.activation[q, r],
                                                p.activation_per_severity[r] * sev)
    if p.inc_domain[k] == DOMAIN_ENERGY:
        s.energy_damage[r] *= 1.0 - min(1.0, p.energy_incident_cut[r] * sev)
    rec.incidents[r, k] += 1
    if rec.contain_ref[r] < 0:
        rec.contain_ref[r] = top_before
        rec.contain_from[r] = t
    if tell:
        _event(events, n_events, t, EV_INCIDENT, float(k), 1.0 if explained else 0.0, sev)
        if explained and p.call_days[r] > 0:
            _event(events, n_events, t, EV_TALKS, 0.0)


@compiled
def _settlement_holds(settled_day, flare_day, r):
    """Whether a settlement holds in run ``r`` (§10).

    It holds while nothing flared since (a new measure, force, an incident not explained away);
    open demands are shelved meanwhile.
    """
    return settled_day[r] > NEVER and settled_day[r] >= flare_day[r]


@compiled
def run_days(t0, t1, s, p, rec, work, keys, meeting, block_runs, monthly, observe, events,
             n_events):
    """Advance every run of the chunk through days ``t0 .. t1 - 1``.

    Runs go in batches of ``RUN_BATCH``, each batch day by day and each day phase by phase (the
    numbered steps of the module docstring), each phase a loop over the batch's runs. Runs are
    independent, so this gives each run the very day it would have alone; a phase keeps only
    its own arrays in registers and cache, and the batch's state stays in cache.

    Args:
        t0: The first day of the span.
        t1: The day after its last.
        s: The state (``engine/state.State``), updated in place.
        p: The parameters in force (``engine/compile.Params``).
        rec: The record (``engine/record.Record``), updated in place.
        work: Scratch space of a batch (:func:`new_work`).
        keys: Each run's random key (``rng.run_keys``), ``(R,)``.
        meeting: Chance of a summit opportunity from a meeting held on day ``t0`` (a scheduled
            summit, the forum), ``(1,)`` or one per run.
        block_runs: Rows per block of batched points (the daily histograms are per block).
        monthly: Whether to keep the monthly extremes (backtests).
        observe: Whether to tell run 0's happenings in ``events`` (the trace).
        events: The trace's rows.
        n_events: Their count, ``(1,)``.
    """
    n_runs = s.level.shape[1]
    for first in range(0, n_runs, RUN_BATCH):
        last = min(first + RUN_BATCH, n_runs)
        for t in range(t0, t1):
            _dawn(t, first, last, s, work, keys)
            _incidents(t, first, last, s, p, rec, work, observe, events, n_events)
            _closures(t, first, last, s, p, rec, work, observe, events, n_events)
            _summits(t, t0, first, last, s, p, rec, work, meeting, observe, events, n_events)
            _perceive(t, first, last, s, p, rec, work)
            _desire(t, first, last, s, p, work)
            _force(t, first, last, s, p, rec, work, observe, events, n_events)
            _lift(t, first, last, s, p, rec, work, observe, events, n_events)
            _decide(t, first, last, s, p, rec, work, observe, events, n_events)
            _move_on(t, first, last, s, p, rec, work, observe, events, n_events)
            _record(t, first, last, s, rec, work, block_runs, monthly)


@compiled
def _dawn(t, first, last, s, w, keys):
    """The day's keys and the highest readings it starts from; nothing has happened yet."""
    n_actors = s.level.shape[0]
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        w.key[b] = day_key(keys[r], t)
        w.top_before[b] = s.top[r]
        for i in range(n_actors):
            w.struck[i, b] = False
            w.moved[i, b] = False
            w.answering[i, b] = False
            w.lifted[i, b] = False
            w.force_today[i, b] = False
            w.code[i, b] = NO_ACT


@compiled
def _incidents(t, first, last, s, p, rec, w, observe, events, n_events):
    """1. Incidents (§9): the opening ones on day 0, then each type by its rate."""
    n_kinds = p.inc_victim.shape[0]
    draws = (0.0, 0.0, 0.0)
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        top_before = w.top_before[b]
        if t == 0:
            for n in range(p.opening.shape[0]):
                _strike(s, p, rec, r, t, p.opening[n], False, top_before, w.struck, b, tell,
                        events, n_events)
        for k in range(n_kinds):
            if k % 3 == 0:
                draws = triple(key, SLOT_INCIDENT + k // 3)
            u = draws[k % 3]
            control = p.inc_control[k]
            if control == LEADERSHIP:
                row = s.level[p.inc_perpetrator[k], r]
            elif control == EXTERNAL:
                row = EXTERNAL_ROW
            else:
                row = s.top[r]
            chance = p.p_incident[row, k, r]
            if u < chance:
                _strike(s, p, rec, r, t, k, u < chance * p.explain[r], top_before, w.struck,
                        b, tell, events, n_events)


@compiled
def _closures(t, first, last, s, p, rec, w, observe, events, n_events):
    """2. An open war may end in a ceasefire; open demands may be met or dropped (§6)."""
    n_actors = s.level.shape[0]
    n_demands = p.dem_actor.shape[0]
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        at_war = False
        for i in range(n_actors):
            at_war = at_war or s.war[i, r]
        if at_war:
            end = p.war_end[r] * (2.0 if s.mediating[r] else 1.0)
            if uniform(key, SLOT_WAR_END) < end:
                for i in range(n_actors):
                    s.war[i, r] = False
                at_war = False
                if tell:
                    _event(events, n_events, t, EV_WAR_END, 0.0)
        w.at_war[b] = at_war
        for d in range(n_demands):
            if s.demand[d, r] != OPEN:
                continue
            a, o, q = p.dem_actor[d], p.dem_of[d], p.dem_issue[d]
            if not _settlement_holds(s.settled_day, s.flare_day, r):
                s.activation[q, r] = 1.0  # an open demand pressed keeps its issue contested
            econ = s.measures[a, DOMAIN_ECONOMIC, r] + s.measures[a, DOMAIN_ENERGY, r] > 0
            energy = s.energy_supply[r] * s.energy_damage[r]
            pain = (p.trade_cost[o, r] * max(0.0, 1.0 - s.trade[r])
                    + p.energy_cost[o, r] * max(0.0, 1.0 - energy)
                    + p.c_econ[r] * p.transit[a, r] * econ)
            resistance = (p.audience[o, r] * s.nationalism[o, r]
                          + p.stake[o, q, r] * s.gap_left[q, r])
            u = uniform(key, SLOT_DEMAND + 2 * d)
            if u < measures.concede_bound(p.concede_rate[r], pain, resistance) \
                    and u < measures.concede_hazard(p.concede_rate[r], pain, resistance):
                s.demand[d, r] = MET
                s.closed_day[d, r] = t
                s.gap_left[q, r] = 0.0
                s.activation[q, r] = 0.0
                rec.demand_met[d, r] = t
                if tell:
                    _event(events, n_events, t, EV_DEMAND, float(d), float(MET))
            elif uniform(key, SLOT_DEMAND + 2 * d + 1) < p.drop_rate[r] / 365.0:
                s.demand[d, r] = DROPPED
                s.closed_day[d, r] = t
                if tell:
                    _event(events, n_events, t, EV_DEMAND, float(d), float(DROPPED))


@compiled
def _summits(t, t0, first, last, s, p, rec, w, meeting, observe, events, n_events):
    """3. Summits (§10): an opportunity, then each leader's acceptance; a settlement."""
    n_actors = s.level.shape[0]
    n_issues = s.activation.shape[0]
    n_pairs = s.trust.shape[0]
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        hostile_words = False
        for i in range(n_actors):
            hostile_words = hostile_words or s.stance[i, r] >= VERBAL_HOSTILITY
        energy = s.energy_supply[r] * s.energy_damage[r]
        intensity = 0.0
        flared = s.flare_day[r] > s.settled_day[r]  # something to settle since the last
        if flared and s.top[r] >= DIPLOMATIC_RUNG and (hostile_words or w.at_war[b]):
            intensity = dynamics.summit_intensity(
                p.summit_rate[r], p.summit_time_gain[r], float(s.crisis_days[r]),
                p.summit_pain_gain[r], max(0.0, 1.0 - s.trade[r]),
                p.summit_mediation_gain[r], s.mediating[r])
        held = 0.0  # a meeting held today
        if t == t0 and s.top[r] >= VERBAL_HOSTILITY:
            held = meeting[r if meeting.shape[0] > 1 else 0]
        # an opportunity: the draw below the larger of the meeting's chance and the summit's,
        # which is at most its intensity (so its exponential is needed only below that)
        u = uniform(key, SLOT_SUMMIT)
        if not (u < held or (u < intensity and u < dynamics.chance_of(intensity))):
            continue
        talking = s.mediating[r] or s.talks_left[r] > 0
        agree = 1.0
        for i in range(n_actors):
            pain = (p.trade_cost[i, r] * max(0.0, 1.0 - s.trade[r])
                    + p.energy_cost[i, r] * max(0.0, 1.0 - energy))
            agree *= decision.summit_acceptance(
                p.rationality[i, r], p.summit_value[r], pain, p.cooperation[i, r],
                p.talks_bonus[r] * talking, p.audience[i, r] * s.nationalism[i, r],
                p.summit_grievance_weight[r] * s.grievance[i, r])
        if uniform(key, SLOT_SUMMIT + 1) >= agree:
            continue
        for i in range(n_actors):
            s.stance[i, r] = min(s.stance[i, r], 1)
            s.grievance[i, r] *= p.summit_grievance_keep[r]
            s.war[i, r] = False
        w.at_war[b] = False
        for q in range(n_issues):
            s.activation[q, r] *= p.summit_activation_keep[r]
        for q in range(n_pairs):
            s.trust[q, r] += p.summit_trust_gain[r] * (1.0 - s.trust[q, r])
        s.settled_day[r] = t
        # a summit is public: every side sees the new readings at once
        for i in range(n_actors):
            lvl = max(s.stance[i, r], _material(s.measures, i, r))
            s.level[i, r] = lvl
            for back in range(HISTORY):
                s.history[(t - back) % HISTORY, i, r] = lvl
                if back >= 60:
                    break
        for i in range(n_actors):
            for j in range(n_actors):
                if i != j:
                    s.prev_lagged[_pair(i, j, n_actors), r] = s.level[j, r]
        rec.summits[r] += 1
        if rec.first_summit[r] < 0:
            rec.first_summit[r] = t
        if tell:
            _event(events, n_events, t, EV_SUMMIT, float(s.level[0, r]), float(s.level[1, r]))


@compiled
def _perceive(t, first, last, s, p, rec, w):
    """4. Perception (§5): each observer reads each other's reading some days ago, its acts."""
    n_actors = s.level.shape[0]
    n_issues = s.activation.shape[0]
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        key = w.key[b]
        for i in range(n_actors):
            lag = p.lag[i, r]
            for j in range(n_actors):
                if i == j:
                    continue
                q = _pair(i, j, n_actors)
                back = (t - lag) % HISTORY
                lagged = np.int64(s.history[back, j, r])
                mil = lagged >= MILITARY_SIGNALLING
                chance = p.p_mis_military[i, r] if mil else p.p_mis[i, r]
                u, u_up, _ = triple(key, SLOT_PERCEPTION + q)
                wrong = u < chance
                up = False
                if wrong and u < chance * p.explain[r]:
                    wrong = False  # the hotline's call explains what was misread
                if wrong:
                    up = u_up < p.bias[i, r]
                    if mil:
                        rec.misread_military[r] += 1
                s.seen[q, r] = perception.perceived(lagged, wrong, up)  # type: ignore[arg-type]
                if lagged != s.prev_lagged[q, r]:
                    w.moved[i, b] = True
                    if lagged < s.prev_lagged[q, r]:
                        w.answering[i, b] = True
                s.prev_lagged[q, r] = lagged
                act = np.int64(s.acts[back, j, r])
                if act >= LIFTED:
                    w.moved[i, b] = True
                    w.answering[i, b] = True
                elif act >= 0:  # a new measure: answer in kind (not a reply); issues
                    w.moved[i, b] = True
                    if act >= REPLIED:
                        act -= REPLIED
                    else:
                        s.hit_domain[i, r] = act
                        s.hit_day[i, r] = t
                    for qq in range(n_issues):
                        if p.issue_domain[qq] == act:
                            s.activation[qq, r] = dynamics.triggered(
                                s.activation[qq, r], p.activation_per_measure[r])


@compiled
def _desire(t, first, last, s, p, w):
    """5. The desired rung of every actor (§6), and the threat it reads."""
    n_actors = s.level.shape[0]
    n_issues = s.activation.shape[0]
    n_demands = p.dem_actor.shape[0]
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        holds = _settlement_holds(s.settled_day, s.flare_day, r)
        for i in range(n_actors):
            best = -1e300
            for j in range(n_actors):
                if i == j:
                    continue
                q = _pair(i, j, n_actors)
                found = perception.threat(s.seen[q, r], p.absorbed[q, r], s.nationalism[j, r],
                                          s.trust[q, r], p.rhetoric[j, r])
                best = max(best, found)
            stake = 0.0
            for q in range(n_issues):
                live = s.activation[q, r]
                stake += p.stake[i, q, r] * live * s.gap_left[q, r]
                best += p.client[i, q, r] * live
            amplified = decision.amplifier(s.nationalism[i, r], p.w_nat[r])
            demand = 0.0
            for d in range(n_demands):  # compellence: an open demand drives its demander
                if p.dem_actor[d] == i and s.demand[d, r] == OPEN and not holds:
                    q = p.dem_issue[d]
                    demand = max(demand, decision.demand_push(
                        p.w_demand[r], p.salience[i, q, r], p.demand_rung[d], amplified))
            w.threat[i, b] = best
            w.desire[i, b] = decision.desired(stake, demand, s.grievance[i, r], best,
                                              p.reciprocity[i, r], amplified)


@compiled
def _force(t, first, last, s, p, rec, w, observe, events, n_events):
    """5. Force (§6 Force), by its own hazard where force is in play."""
    n_actors = s.level.shape[0]
    n_issues = s.activation.shape[0]
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        posture = False
        for i in range(n_actors):
            posture = posture or s.measures[i, DOMAIN_MILITARY, r] > 0
        energy = s.energy_supply[r] * s.energy_damage[r]
        for i in range(n_actors):
            if s.war[i, r]:
                continue
            militarised = 0.0
            for q in range(n_issues):
                if p.militarised[q] and p.salience[i, q, r] > 0.0:
                    militarised = max(militarised, s.activation[q, r])
            met = t - s.force_met_day[i, r] <= p.force_memory[r]
            opened = force.gate(militarised, met, posture, p.posture_gate[r])
            if opened <= 0.0:
                continue
            value = measures.relationship_value(p.dependence[i, r], s.trade[r],
                                                p.energy_dependence[i, r], energy)
            cost = p.force_cost[i, r] + p.c_relationship[r] * value
            desire = w.desire[i, b]
            u = uniform(key, SLOT_ACTOR + 8 * i + FORCE)
            if u >= force.hazard_bound(p.force_rate[r], opened, desire, p.w_force_desire[r],
                                       cost) \
                    or u >= force.hazard(p.force_rate[r], opened, desire, p.w_force_desire[r],
                                         cost):
                continue
            target = -1
            most = -1e300
            for j in range(n_actors):
                if j != i and s.seen[_pair(i, j, n_actors), r] > most:
                    most = s.seen[_pair(i, j, n_actors), r]
                    target = j
            war = uniform(key, SLOT_ACTOR + 8 * i + WAR) < decision.war_share(
                p.rationality[i, r], desire, p.w_fit[r], p.war_cost[i, r])
            s.flare_day[r] = t
            if war:
                s.war[i, r] = True
                s.war[target, r] = True
            else:
                w.force_today[i, b] = True
            rec.force_acts[i, r] += 1
            s.grievance[target, r] = min(s.grievance[target, r] + p.force_severity[r],
                                         p.grievance_max[r])
            jump = min(s.nationalism[target, r]
                       + p.rally_severity[target, r] * p.force_severity[r], 1.0) \
                - s.nationalism[target, r]
            s.nationalism[target, r] += jump
            rec.rally[target, r] += jump
            s.force_met_day[target, r] = t
            s.hit_domain[target, r] = DOMAIN_MILITARY
            s.hit_day[target, r] = t
            w.struck[target, b] = True
            for q in range(n_issues):
                if p.militarised[q]:
                    s.activation[q, r] = 1.0
            if tell:
                _event(events, n_events, t, EV_FORCE, float(i), float(target),
                       1.0 if war else 0.0, desire, cost)


@compiled
def _top_lift_exponent(s, p, i, r, energy, desire, settled, met_push, aud, grudge):
    """The largest :func:`measures.lift_exponent` over actor ``i``'s domains with a measure."""
    top_z = -1e300
    for k in range(N_DOMAINS):
        if s.measures[i, k, r] > 0:
            holding = measures.holding_cost(k, p.trade_cost[i, r], p.energy_cost[i, r],
                                            s.trade[r], energy, p.legal_share[r],
                                            p.posture_cost[i, r])
            top_z = max(top_z, measures.lift_exponent(DOMAIN_RUNGS[k], desire, p.lift_want[r],
                                                      settled, met_push, holding, aud, grudge))
    return top_z


@compiled
def _lift(t, first, last, s, p, rec, w, observe, events, n_events):
    """5. The lifting of measures in force, by their hazard (§6 Lifting)."""
    n_actors = s.level.shape[0]
    n_demands = p.dem_actor.shape[0]
    utilities = w.utilities
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        talking = s.mediating[r] or s.talks_left[r] > 0
        energy = s.energy_supply[r] * s.energy_damage[r]
        for i in range(n_actors):
            held = 0
            for k in range(N_DOMAINS):
                held += s.measures[i, k, r]
            if held == 0:
                continue
            desire = w.desire[i, b]
            holds = _settlement_holds(s.settled_day, s.flare_day, r)
            closed = NEVER  # the day its last demand closed (NEVER: none, or one open)
            for d in range(n_demands):
                if p.dem_actor[d] == i:
                    if s.demand[d, r] == OPEN:
                        closed = NEVER
                        break
                    closed = max(closed, s.closed_day[d, r])
            aud = (p.audience[i, r] * s.nationalism[i, r]
                   * (1.0 - p.talks_audience_cut[r] * talking)
                   * (1.0 - p.reciprocal_cut[r] * w.answering[i, b]))
            grudge = p.summit_grievance_weight[r] * s.grievance[i, r]
            # the hazards are small: a bound without exponentials (the pushes at their full
            # strength) decides most days; then a bound from the largest exponent; the exact
            # hazards only when the draw falls below both (the bounds leave out the measures'
            # entrenchment, a factor of at most 1)
            u = uniform(key, SLOT_ACTOR + 8 * i + LIFT)
            settled = measures.fading_push_bound(p.settle_lift[r]) if holds else 0.0
            met_push = measures.fading_push_bound(p.met_lift[r]) if closed > NEVER else 0.0
            top_z = _top_lift_exponent(s, p, i, r, energy, desire, settled, met_push, aud,
                                       grudge)
            if u >= held * p.lift_rate[r] / 365.0 * exp_bound(min(top_z, 30.0)):
                continue
            settled = 0.0
            if holds:
                settled = measures.fading_push(p.settle_lift[r], t - s.settled_day[r],
                                               p.settle_memory[r])
            met_push = 0.0
            if closed > NEVER:
                met_push = measures.fading_push(p.met_lift[r], t - closed, p.settle_memory[r])
            top_z = _top_lift_exponent(s, p, i, r, energy, desire, settled, met_push, aud,
                                       grudge)
            if u >= held * p.lift_rate[r] / 365.0 * math.exp(min(top_z, 30.0)):
                continue
            total = 0.0
            for k in range(N_DOMAINS):
                utilities[k] = 0.0
                if s.measures[i, k, r] == 0:
                    continue
                holding = measures.holding_cost(k, p.trade_cost[i, r], p.energy_cost[i, r],
                                                s.trade[r], energy, p.legal_share[r],
                                                p.posture_cost[i, r])
                utilities[k] = s.measures[i, k, r] * measures.lift_hazard(
                    DOMAIN_RUNGS[k], desire, p.lift_rate[r], p.lift_want[r], settled,
                    met_push, holding, aud, grudge, t - s.measures_since[i, k, r],
                    p.lift_entrench[r])
                total += utilities[k]
            if u >= total:
                continue
            # which measure: in proportion to the hazards (when they add up to more than a
            # day's certainty, the draw is spread over their sum)
            pick = u * max(total, 1.0)
            cum = 0.0
            for k in range(N_DOMAINS):
                cum += utilities[k]
                if pick < cum and s.measures[i, k, r] > 0:
                    break
            s.measures[i, k, r] -= 1
            w.lifted[i, b] = True
            w.code[i, b] = LIFTED + k
            rec.lifted[i, r] += 1
            for j in range(n_actors):
                if j != i:
                    s.grievance[j, r] = max(0.0, s.grievance[j, r] - p.settle_per_lift[r])
            if tell:
                want = max(0.0, DOMAIN_RUNGS[k] - desire) * p.lift_want[r]
                _event(events, n_events, t, EV_LIFT, float(i), float(k), want, settled,
                       met_push, aud + grudge)


@compiled
def _decide(t, first, last, s, p, rec, w, observe, events, n_events):
    """6. Reviews (§3); for the actors that review, the stance (words) and a measure (deeds)."""
    n_actors = s.level.shape[0]
    n_issues = s.activation.shape[0]
    utilities, options, pulls = w.utilities, w.options, w.pulls
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        talking = s.mediating[r] or s.talks_left[r] > 0
        energy = s.energy_supply[r] * s.energy_damage[r]
        for i in range(n_actors):
            routine, reacts, _ = triple(key, SLOT_REVIEW + i)
            struck = w.struck[i, b]
            review = (routine < p.p_review[i, r] or (w.moved[i, b] and reacts < p.reaction[i, r])
                      or struck or s.talks_left[r] > 0)
            if not review or s.war[i, r]:
                continue
            desire = w.desire[i, b]
            window = p.window_incident[r] if struck else p.window[r]
            s0 = s.stance[i, r]
            aud = (p.audience[i, r] * s.nationalism[i, r]
                   * (1.0 - p.talks_audience_cut[r] * talking)
                   * (1.0 - p.reciprocal_cut[r] * w.answering[i, b]))
            gain = p.talks_bonus[r] * talking
            n_opt = 0
            for x in range(max(0, s0 - window), min(VERBAL_HOSTILITY, s0 + window) + 1):
                utilities[n_opt] = decision.stance_utility(x, s0, desire, p.w_fit[r],
                                                           p.c_move[r], aud, gain,
                                                           p.cooperation[i, r])
                options[n_opt] = x
                n_opt += 1
            pick = decision.logit_pick(utilities, n_opt, p.rationality[i, r],
                                       uniform(key, SLOT_ACTOR + 8 * i + STANCE))
            new = options[pick]
            if tell and new != s0:
                here = 0
                for n in range(n_opt):
                    if options[n] == s0:
                        here = n
                target = min(max(desire, 0.0), float(VERBAL_HOSTILITY))
                fit = p.w_fit[r] * ((s0 - target) ** 2 - (new - target) ** 2)
                _event(events, n_events, t, EV_STANCE, float(i), float(s0), float(new), desire,
                       w.threat[i, b], fit, -p.c_move[r] * abs(new - s0), -aud * (new < s0),
                       gain * max(0, s0 - new)
                       + p.cooperation[i, r] * (max(0, STATUS_QUO - new)
                                                - max(0, STATUS_QUO - s0)),
                       utilities[pick] - utilities[here])
            s.stance[i, r] = new
            if w.lifted[i, b]:
                continue
            # a measure answers what words cannot: its gain is over the most words can say
            # (up to verbal hostility) or the measures already in force
            material = max(min(desire, float(VERBAL_HOSTILITY)), float(STATUS_QUO),
                           float(_material(s.measures, i, r)))
            reach = s.level[i, r] + window
            value = measures.relationship_value(p.dependence[i, r], s.trade[r],
                                                p.energy_dependence[i, r], energy)
            for k in range(N_DOMAINS):
                pulls[k] = 0.0
            for q in range(n_issues):
                if p.issue_domain[q] >= 0:
                    pulls[p.issue_domain[q]] += (p.pull[i, q, r] * s.activation[q, r]
                                                 * s.gap_left[q, r])
            utilities[0] = 0.0
            options[0] = -1
            n_opt = 1
            for k in range(N_DOMAINS):
                rung = DOMAIN_RUNGS[k]
                if rung > reach or s.measures[i, k, r] >= MAX_MEASURES:
                    continue
                kind = p.w_kind[r] if (s.hit_domain[i, r] == k and t - s.hit_day[i, r]
                                       <= p.kind_memory[r]) else 0.0
                holding = measures.holding_cost(k, p.trade_cost[i, r], p.energy_cost[i, r],
                                                s.trade[r], energy, p.legal_share[r],
                                                p.posture_cost[i, r])
                cost = measures.imposing_cost(holding, p.c_measure[i, r], value)
                utilities[n_opt] = decision.impose_utility(material, rung, desire, p.w_fit[r],
                                                           kind, pulls[k], cost)
                options[n_opt] = k
                n_opt += 1
            pick = decision.nested_pick(utilities, n_opt, p.rationality[i, r],
                                        uniform(key, SLOT_ACTOR + 8 * i + DEED))
            k = options[pick]
            if k < 0:
                if tell and new == s0:
                    _event(events, n_events, t, EV_HOLD, float(i), float(s0), desire,
                           w.threat[i, b])
                continue
            if s.measures[i, k, r] == 0:
                s.measures_since[i, k, r] = t
            s.measures[i, k, r] += 1
            s.flare_day[r] = t
            rec.imposed[i, r] += 1
            kind = p.w_kind[r] if (s.hit_domain[i, r] == k and t - s.hit_day[i, r]
                                   <= p.kind_memory[r]) else 0.0
            w.code[i, b] = k
            if kind > 0.0:  # a reply in kind: answered, and nothing new for the other
                w.code[i, b] = REPLIED + k
                s.hit_domain[i, r] = -1
            if tell:
                rung = DOMAIN_RUNGS[k]
                fit = p.w_fit[r] * ((material - desire) ** 2
                                    - (max(material, float(rung)) - desire) ** 2)
                _event(events, n_events, t, EV_IMPOSE, float(i), float(k), desire,
                       w.threat[i, b], fit, kind, utilities[pick] - fit - kind)


@compiled
def _move_on(t, first, last, s, p, rec, w, observe, events, n_events):
    """7. The state moves on: readings, grievance, nationalism, trust, flows (§7, §8, §10)."""
    n_actors = s.level.shape[0]
    n_issues = s.activation.shape[0]
    n_pairs = s.trust.shape[0]
    radius, angle = 0.0, 0.0
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        tell = observe and r == 0
        key = w.key[b]
        top = 0
        any_war = False
        econ_left = p.trade_ceiling[r]
        energy_left = 1.0
        for i in range(n_actors):
            lvl = max(s.stance[i, r], _material(s.measures, i, r))
            if w.force_today[i, b]:
                lvl = max(lvl, LIMITED_FORCE)
            if s.war[i, r]:
                lvl = OPEN_WAR
                any_war = True
            s.level[i, r] = lvl
            top = max(top, lvl)
            s.history[(t + 1) % HISTORY, i, r] = lvl
            s.acts[(t + 1) % HISTORY, i, r] = w.code[i, b]
            econ_left *= dynamics.cut(p.trade_cut[r], s.measures[i, DOMAIN_ECONOMIC, r])
            energy_left *= dynamics.cut(p.energy_cut[r], s.measures[i, DOMAIN_ENERGY, r])
        if any_war:
            econ_left *= 1.0 - p.force_flow_cut[r]
            energy_left *= 1.0 - p.force_flow_cut[r]
        for i in range(n_actors):
            suffered = 0.0
            for j in range(n_actors):
                if j != i:
                    suffered += HOSTILITY[s.level[j, r]]
            s.grievance[i, r] = dynamics.grievance_step(
                s.grievance[i, r], suffered, p.grievance_decay[r],
                p.grievance_per_hostility[r], p.grievance_max[r])
            if i % 2 == 0:  # Box-Muller gives two normals: actor i and actor i + 1
                u1, u2, _ = triple(key, SLOT_ACTOR + 8 * i + SHOCK)
                radius = math.sqrt(-2.0 * math.log(1.0 - u1))
                angle = 2.0 * math.pi * u2
                shock = radius * math.cos(angle)
            else:
                shock = radius * math.sin(angle)
            rally = p.rally[i, r] * suffered
            rec.rally[i, r] += rally
            s.nationalism[i, r] = dynamics.nationalism_step(
                s.nationalism[i, r], p.n0[i, r], p.nationalism_relax[r], rally,
                p.nationalism_volatility[r], shock)
        for q in range(n_pairs):
            s.trust[q, r] = perception.trust_step(s.trust[q, r], s.seen[q, r],
                                                  p.trust_speed[r])
        for q in range(n_issues):
            s.activation[q, r] *= p.activation_decay[r]
        s.trade[r] = dynamics.flow_step(s.trade[r], econ_left, p.trade_fall[r],
                                        p.trade_recovery[r])
        s.energy_supply[r] = dynamics.flow_step(s.energy_supply[r], energy_left,
                                                p.energy_fall[r], p.energy_recovery[r])
        s.energy_damage[r] = dynamics.flow_step(s.energy_damage[r], 1.0, 0.0,
                                                p.energy_recovery[r])
        s.top[r] = top
        was = s.mediating[r]
        if top >= DIPLOMATIC_RUNG:
            s.crisis_days[r] += 1
        else:
            s.crisis_days[r] = 0
        s.mediating[r] = ((s.mediating[r] or s.crisis_days[r] >= p.mediation_onset[r])
                          and top > dynamics.RESTORED)
        if tell and s.mediating[r] != was:
            _event(events, n_events, t, EV_MEDIATION, 1.0 if s.mediating[r] else 0.0)
        if s.talks_left[r] > 0:
            s.talks_left[r] -= 1


@compiled
def _record(t, first, last, s, rec, w, block_runs, monthly):
    """Recording (§11): per-run sums and firsts, the day's histograms, monthly extremes."""
    n_actors = s.level.shape[0]
    block = first // block_runs
    edge = (block + 1) * block_runs  # the first run of the next block
    for r in range(max(first, 0), last):  # r >= 0: no negative-index wraparound
        b = r - first
        if r == edge:
            block += 1
            edge += block_runs
        top = s.top[r]
        energy = s.energy_supply[r] * s.energy_damage[r]
        any_war = False
        for i in range(n_actors):
            lvl = s.level[i, r]
            any_war = any_war or s.war[i, r]
            rec.peak[i, r] = max(rec.peak[i, r], lvl)
            held = _material(s.measures, i, r)
            rec.actor_days_coercion[i, r] += lvl >= LEGAL_COERCION
            rec.actor_days_words[i, r] += s.stance[i, r] == VERBAL_HOSTILITY and held < 0
            rec.actor_days_measures[i, r] += held >= 0
            rec.actor_days_talking[i, r] += held >= 0 and s.stance[i, r] <= 1
            rec.goldstein[i, r] += GOLDSTEIN[lvl]
            rec.rivera[i, r] += _RIVERA[lvl]
            rec.rungs[t, block, i, lvl] += 1
            rec.stance[t, block, i, s.stance[i, r]] += 1
            rec.measures_in_force[t, block, i] += held >= 0
            rec.nationalism[t, block, i] += np.int64(s.nationalism[i, r] * SCALE + 0.5)
            rec.grievance[t, block, i] += np.int64(s.grievance[i, r] * SCALE + 0.5)
            if monthly:
                m = rec.month_of_day[t]
                rec.month_max[r, i, m] = max(rec.month_max[r, i, m], lvl)
                deed = held
                if w.force_today[i, b]:
                    deed = LIMITED_FORCE
                if s.war[i, r]:
                    deed = OPEN_WAR
                rec.month_material[r, i, m] = max(rec.month_material[r, i, m], deed)
                rec.month_stance[r, i, m] = max(rec.month_stance[r, i, m], s.stance[i, r])
        if monthly:
            m = rec.month_of_day[t]
            rec.month_min_top[r, m] = min(rec.month_min_top[r, m], top)
        rec.top[t, block, top] += 1
        rec.trade[t, block, _flow_bin(s.trade[r])] += 1
        rec.energy[t, block, _flow_bin(energy)] += 1
        rec.mediating[t, block] += s.mediating[r]
        if top >= LEGAL_COERCION and rec.first_legal[r] < 0:
            rec.first_legal[r] = t
        if top >= LIMITED_FORCE and rec.first_force[r] < 0:
            rec.first_force[r] = t
        rec.days_reduced[r] += top >= DIPLOMATIC_RUNG
        rec.days_coercion[r] += top >= LEGAL_COERCION
        rec.days_military[r] += top >= MILITARY_SIGNALLING
        rec.trade_loss[r] += max(0.0, 1.0 - s.trade[r])
        rec.energy_loss[r] += max(0.0, 1.0 - energy)
        rec.energy_loss_incidents[r] += s.energy_supply[r] * (1.0 - s.energy_damage[r])
        rec.energy_low_days[r] += energy < ENERGY_INTERRUPTED
        rec.mediation_days[r] += s.mediating[r]
        rec.war_days[r] += any_war
        if rec.contain_ref[r] >= 0 and top <= rec.contain_ref[r]:
            rec.contain_days[r] += t - rec.contain_from[r]
            rec.contained[r] += 1
            rec.contain_ref[r] = -1
