"""One day of the model over every run of a chunk (docs/model.md §3-§10), made cheap.

The arithmetic is the model's own (``model/decision.py``, ``model/dynamics.py``); what is saved
is work:

- state is actor-major ``(A, R)`` and pairwise quantities are kept only for pairs of distinct
  actors, so every operation runs over contiguous runs;
- uniforms stay 24-bit integers and are compared with precomputed integer thresholds
  (``rng.threshold``) where the probability is a parameter;
- rare things are handled sparsely: incidents, misperceptions, summits, and decisions
  (computed only for the actors that review, at the rungs within their reach,
  ``decision.choose_near``).

Parameters may differ from run to run (a trailing run axis, ``model/params.py``): thresholds
then have one column per run, and steps that work on some runs only take the parameters at
those runs (``Params.at``, ``params.at_runs``). With every parameter shared, the arrays have a
run axis of length 1 and broadcast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from escalation_sim.engine.rng import UNIFORM_BITS, UNIT, threshold
from escalation_sim.engine.state import HISTORY, State, pairs
from escalation_sim.model import decision, dynamics
from escalation_sim.model.ladder import (
    ENGAGEMENT,
    MILITARY_SIGNALLING,
    N_RUNGS,
    VERBAL_HOSTILITY,
)
from escalation_sim.model.params import Params, at_runs, by_decision


@dataclass
class Draws:
    """Today's random numbers, ``(R, width)``: 24-bit uniforms and float32 normals.

    Columns are laid out as the model draws them: incidents ``[hit k...]`` (a hit's uniform,
    below ``p``, also decides whether it is explained: below ``p * explain_prob``),
    perception ``[wrong (i, j)..., upwards (i, j)...]`` over the ``A (A - 1)`` ordered pairs of
    distinct actors (``state.pairs``), reviews ``[routine i..., reaction i...]``, decisions
    ``[i...]``, shock ``[i...]``, summits ``[opportunity, agreement]``.
    """

    incidents: np.ndarray
    perception: np.ndarray
    reviews: np.ndarray
    decisions: np.ndarray
    shock: np.ndarray
    summits: np.ndarray


class Thresholds:
    """Integer thresholds of the compiled parameters' probabilities (see ``rng.threshold``).

    Each has the parameters' trailing run axis: 1 when shared, one column per run otherwise.
    """

    def __init__(self, p: Params, n_runs: int) -> None:
        self.incident = threshold(p.p_incident).transpose(1, 0, 2).copy()  # (K, N_RUNGS, W)
        self.explained = threshold(p.p_incident * p.explain_prob).transpose(1, 0, 2).copy()
        # the highest threshold of each type, laid out as a day's incident draws (run-major):
        # no hit is possible above it, so one flat comparison finds every candidate
        highest = self.incident.max(axis=1)  # (K, W)
        self.incident_any = (np.tile(highest[:, 0], n_runs) if highest.shape[1] == 1
                             else np.ascontiguousarray(highest.T).ravel())
        self.mis = threshold(p.p_mis)
        self.mis_military = threshold(p.p_mis_military)
        self.mis_any = np.maximum(self.mis, self.mis_military)
        self.upwards = threshold(p.worst_case_bias)
        self.review = threshold(p.p_review)
        self.reaction = threshold(p.reaction)


@dataclass
class Today:
    """What the day's steps hand on to each other and to the recorder."""

    hit_rows: np.ndarray  # runs struck by an incident (one entry per hit)
    hit_kinds: np.ndarray  # incident type of each hit
    explained: np.ndarray  # whether each hit was explained on the hotline
    seen: list[np.ndarray] = field(default_factory=list)  # per pair (R,): the rung seen
    views: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # per pair (R,):
    # the other's true rung as the lagged view showed it yesterday and today
    settled: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))  # summit runs
    misread_military: list[np.ndarray] = field(default_factory=list)  # runs, per military one
    jumps: tuple[np.ndarray, np.ndarray] | None = None  # (flat actor-major index, rally) of hits
    top_before: np.ndarray | None = None  # (R,) highest rung at the start of the day
    rally: np.ndarray | None = None  # (A, R) nationalism gained today from hostility suffered


def incidents(s: State, p: Params, th: Thresholds, u: np.ndarray, cap: bool) -> Today:
    """§9: incidents strike at rates set by the state; victims gain grievance and nationalism.

    A leadership-chosen type's rate follows its perpetrator's rung, any other type's the run's
    highest rung (both as of the end of yesterday). An explained hit (hotline) has its severity
    halved and opens ``call_days`` of direct talks. ``cap``: apply the grievance cap to every
    run (needed when the cap may have changed).
    """
    k = len(p.incident_keys)
    if cap:  # (the cap broadcasts over runs, per run or not)
        np.minimum(s.grievance, p.grievance_max, out=s.grievance)
    if k == 0:
        empty = np.zeros(0, dtype=np.intp)
        return Today(empty, empty, np.zeros(0, bool), top_before=s.top)
    # hits are rare: find the draws below the highest threshold of their type, then test those
    # against the threshold of the rung that drives the type in their run
    maybe = np.flatnonzero(u.reshape(-1) < th.incident_any[:u.size])
    rows, kinds = np.divmod(maybe, k)
    if rows.size:
        driver = np.where(p.chosen[kinds], s.level[np.maximum(p.perpetrator[kinds], 0), rows],
                          s.top[rows])
        draw = u[rows, kinds]
        hit = draw < _cell(th.incident, rows, kinds, driver)
        rows, kinds = rows[hit], kinds[hit]
        explained = draw[hit] < _cell(th.explained, rows, kinds, driver[hit])
    if rows.size:
        if np.any(p.call_days):
            talks = rows[explained]
            s.talks_left[talks] = np.maximum(s.talks_left[talks], at_runs(p.call_days, talks))
        severity = _cell(p.severity, rows, kinds) * np.where(explained, 0.5, 1.0)
        if rows.size == 1 or (rows[1:] != rows[:-1]).all():  # one hit per struck run (usual)
            hit = rows
            suffered = p.to_victim[kinds].T * severity  # (A, struck runs)
        else:  # summed per run as ``severity @ to_victim`` sums them
            hit, where = np.unique(rows, return_inverse=True)
            per_run = np.zeros((hit.size, k))
            np.add.at(per_run, (where, kinds), severity)
            suffered = (per_run @ p.to_victim).T
        s.grievance[:, hit] = np.minimum(s.grievance[:, hit] + suffered,
                                         at_runs(p.grievance_max, hit))
        jump = at_runs(p.rally_per_severity, hit) * suffered
        gained = np.minimum(s.nationalism[:, hit] + jump, 1.0) - s.nationalism[:, hit]
        s.nationalism[:, hit] += gained
        flat = (np.arange(p.n_actors)[:, None] * s.top.size + hit).ravel()
        return Today(rows, kinds, explained, jumps=(flat, gained.ravel()), top_before=s.top)
    return Today(rows, kinds, np.zeros(0, bool), top_before=s.top)


def _cell(table: np.ndarray, rows: np.ndarray, *index: np.ndarray) -> np.ndarray:
    """``table[index...]`` in each of ``rows``: its trailing run axis is 1 (shared) or R."""
    return table[(*index, rows if table.shape[-1] > 1 else 0)]


def summits(t: int, s: State, p: Params, u: np.ndarray, scheduled: float | np.ndarray,
            today: Today) -> None:
    """§10: leader-level summits; where every side accepts, both move down together.

    An opportunity arises with ``dynamics.summit_chance``, or with ``scheduled`` where a meeting
    is held today (1 for a scheduled summit, the forum's strength times ``forum_summit_chance``
    at a forum meeting) and some
    side is at verbal hostility or above. Each
    leader accepts with ``dynamics.summit_acceptance``. A settlement puts every side at
    engagement or better, settles ``summit_grievance_cut`` of the grievances, raises trust, and
    is seen by all at once (a summit is public). ``scheduled`` may be per run (a forum's
    per-run strength).
    """
    if np.any(scheduled):  # a meeting held today settles only where there is something to settle
        chance = dynamics.summit_chance(s.crisis_days, s.mediating, s.trade, s.top, p)
        chance = np.maximum(chance, np.where(s.top >= VERBAL_HOSTILITY, scheduled, 0.0))
        rows = np.flatnonzero(u[:, 0] * UNIT < chance)
    else:  # opportunities are rare: test the runs below the highest chance there can be today
        ceiling = dynamics.summit_ceiling(t + 1, p)
        rows = np.flatnonzero(u[:, 0] < math.ceil(ceiling * 2.0**UNIFORM_BITS))
        chance = dynamics.summit_chance(s.crisis_days[rows], s.mediating[rows], s.trade[rows],
                                        s.top[rows], p.at(rows))
        rows = rows[u[rows, 0] * UNIT < chance]
    if rows.size == 0:
        return
    accept = dynamics.summit_acceptance(s.nationalism[:, rows], s.grievance[:, rows],
                                        s.trade[rows], s.mediating[rows], p.at(rows))
    rows = rows[u[rows, 1] * UNIT < accept.prod(axis=0)]  # every leader, independently
    if rows.size == 0:
        return
    s.level[:, rows] = np.minimum(s.level[:, rows], ENGAGEMENT)
    s.grievance[:, rows] *= at_runs(p.summit_grievance_keep, rows)
    s.trust[:, rows] += at_runs(p.summit_trust_gain, rows) * (1.0 - s.trust[:, rows])
    reach = (t - np.arange(int(p.lag.max()) + 1)) % HISTORY  # days a lagged view can reach
    s.history[reach[:, None, None], np.arange(p.n_actors)[:, None], rows] = s.level[:, rows]
    for q, (_, j) in enumerate(pairs(p.n_actors)):
        s.prev_lagged[q][rows] = s.level[j, rows]
    today.settled = rows


def perceive(t: int, s: State, p: Params, th: Thresholds, u: np.ndarray,
             today: Today) -> np.ndarray:
    """§5: what each observer sees of each other.

    Returns whether each actor saw another move, up or down, since yesterday (A, R); what it
    saw before and now is kept in ``today.views`` (see ``answering``). A reading is off by one
    rung with small probability, upwards with ``worst_case_bias``.
    """
    a, r = p.n_actors, s.level.shape[1]
    moved = np.zeros((a, r), dtype=bool)
    for q, (i, j) in enumerate(pairs(a)):
        if p.lag.shape[1] == 1:
            lagged = s.history[(t - p.lag[i, 0]) % HISTORY, j]
        else:  # each run its own lag
            lagged = s.history[(t - p.lag[i]) % HISTORY, j, np.arange(r)]
        col, n_pairs = q, a * (a - 1)
        maybe = np.flatnonzero(u[:, col] < th.mis_any[i])
        seen = lagged
        if maybe.size:
            rung = lagged[maybe]
            military = rung >= MILITARY_SIGNALLING
            limit = np.where(military, at_runs(th.mis_military[i], maybe),
                             at_runs(th.mis[i], maybe))
            is_wrong = u[maybe, col] < limit
            wrong = maybe[is_wrong]
            if wrong.size:
                seen = lagged.copy()
                up = u[wrong, n_pairs + col] < at_runs(th.upwards[i], wrong)
                seen[wrong] = np.minimum(np.maximum(lagged[wrong] + np.where(up, 1, -1), 0),
                                         N_RUNGS - 1)
                today.misread_military.append(wrong[military[is_wrong]])
        today.seen.append(seen)
        moved[i] |= lagged != s.prev_lagged[q]
        today.views.append((s.prev_lagged[q], lagged))
        s.prev_lagged[q] = lagged
    return moved


def answering(today: Today, p: Params, actor: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """§3, §6: whether each decider saw some other actor step down since yesterday."""
    a = p.n_actors
    found = np.zeros(actor.size, dtype=bool)
    for k in range(1, a):
        for i, q in enumerate(_pair_of(a, k)):
            mine = actor == i
            if mine.any():
                before, now = today.views[q]
                found[mine] |= now.take(rows[mine]) < before.take(rows[mine])
    return found


def reviews(s: State, th: Thresholds, u: np.ndarray, moved: np.ndarray, today: Today,
            p: Params) -> np.ndarray:
    """§3: who reviews today (A, R).

    Routine reviews; reactions to a perceived move of the other, up or down; the victims of
    today's incidents; and both sides every day of direct talks.
    """
    a = moved.shape[0]
    review = np.empty(moved.shape, dtype=bool)
    for i in range(a):
        np.less(u[:, i], th.review[i], out=review[i])
        review[i] |= moved[i] & (u[:, a + i] < th.reaction[i])
    if today.hit_rows.size:
        review[p.victim[today.hit_kinds], today.hit_rows] = True
    if np.any(p.call_days):
        review |= s.talks_left > 0
    return review


def threat_max(s: State, p: Params, today: Today, actor: np.ndarray,
               rows: np.ndarray) -> np.ndarray:
    """§5: the highest perceived threat to each reviewing actor (``decision.threat``).

    ``actor`` and ``rows`` are the observer and run of each decision; ``p`` holds the
    parameters of those runs (``Params.at(rows)``).
    """
    a, r = p.n_actors, s.level.shape[1]
    seen_all = np.stack(today.seen)  # (P, R)
    best = None
    for k in range(1, a):
        other = (actor + k) % a
        q = _pair_of(a, k).take(actor)
        seen = seen_all.take(q * r + rows).astype(np.int64)
        found = decision.threat(seen, s.nationalism.take(other * r + rows),
                                s.trust.take(q * r + rows),
                                by_decision(p.rhetoric_gain, other), p.signal_discount)
        best = found if best is None else np.maximum(best, found)
    assert best is not None
    return best


@cache
def _pair_of(n_actors: int, k: int) -> np.ndarray:
    """Index in ``pairs(n_actors)`` of the pair (i, i + k mod A), for each observer i."""
    index = {pair: q for q, pair in enumerate(pairs(n_actors))}
    return np.array([index[i, (i + k) % n_actors] for i in range(n_actors)])


def settle(s: State, p: Params, actor: np.ndarray, rows: np.ndarray,
           stepped_down: np.ndarray) -> None:
    """§7: each climb-down settles some of every other side's grievance (``dynamics.settle``).

    ``p`` holds the parameters of the decisions' runs (``Params.at(rows)``).
    """
    a, r = p.n_actors, s.level.shape[1]
    down = stepped_down > 0
    if not down.any():
        return
    p = p.at(np.flatnonzero(down))
    actor, rows, steps = actor[down], rows[down], stepped_down[down]
    for k in range(1, a):  # one decision per (actor, run): no index repeats for a given k
        flat = ((actor + k) % a) * r + rows
        s.grievance.put(flat, dynamics.settle(s.grievance.take(flat), steps, p))


def update(s: State, p: Params, today: Today, shock: np.ndarray) -> None:
    """§7, §10: grievance, nationalism, flows, trust, mediation and talks move on to tomorrow."""
    level = s.level
    s.top = top = level.max(axis=0)
    suffered = dynamics.hostility_suffered(level)
    s.grievance = dynamics.grievance(s.grievance, suffered, p)
    s.nationalism = dynamics.nationalism(s.nationalism, suffered, shock.T, p)
    today.rally = p.rally * suffered
    s.trade, s.energy = dynamics.flows(s.trade, s.energy, top, p)
    for q, seen in enumerate(today.seen):
        s.trust[q] = dynamics.trust(s.trust[q], seen, p)
    s.crisis_days, s.mediating = dynamics.mediation(s.crisis_days, s.mediating, top, p)
    if np.any(p.call_days):
        np.maximum(s.talks_left - 1, 0, out=s.talks_left)

