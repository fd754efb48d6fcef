"""One day of the model over every run of a chunk (docs/model.md §3-§10), made cheap.

The arithmetic is the model's own (``model/decision.py``, ``model/dynamics.py``), done in the
same order, so results are the same to the bit; what is saved is work:

- state is actor-major ``(A, R)`` and pairwise quantities are kept only for pairs of distinct
  actors, so every operation runs over contiguous runs;
- uniforms stay 24-bit integers and are compared with precomputed integer thresholds
  (``rng.threshold``), so no uniform is ever converted to float but the decisions' own;
- rare things are handled sparsely: incidents, misperceptions, and decisions (computed only for
  the actors that review, at the rungs within their reach, ``decision.choose_near``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation_sim.engine.rng import threshold
from escalation_sim.engine.state import HISTORY, State, pairs
from escalation_sim.model import dynamics
from escalation_sim.model.dynamics import TRUST_TARGET
from escalation_sim.model.ladder import HOSTILITY, MILITARY_SIGNALLING, N_RUNGS
from escalation_sim.model.params import Params


@dataclass
class Draws:
    """Today's random numbers, ``(R, width)``: 24-bit uniforms and float32 normals.

    Columns are laid out as the model draws them: incidents ``[hit k..., explained k...]``,
    perception ``[wrong (i, j)..., upwards (i, j)...]`` over all ``A * A`` pairs (the diagonal
    is drawn but unused), reviews ``[routine i..., reaction i...]``, decisions ``[i...]``,
    shock ``[i...]``.
    """

    incidents: np.ndarray
    perception: np.ndarray
    reviews: np.ndarray
    decisions: np.ndarray
    shock: np.ndarray


class Thresholds:
    """Integer thresholds of the compiled parameters' probabilities (see ``rng.threshold``)."""

    def __init__(self, p: Params, n_runs: int) -> None:
        k = len(p.incident_keys)
        # hit thresholds tiled over a day's incident draws (explained columns never hit), so
        # that one flat comparison finds every hit
        self.incident = np.tile(np.concatenate([threshold(p.p_incident),
                                                np.zeros(k, np.uint32)]), n_runs)
        self.explain = threshold(np.float32(p.explain_prob))  # compared with a Python float
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
    seen: list[np.ndarray]  # per pair (R,): the rung the observer sees
    top: np.ndarray | None = None  # (R,) highest rung after today's decisions


def incidents(s: State, p: Params, th: Thresholds, u: np.ndarray, cap: bool) -> Today:
    """§9: Poisson incidents strike; victims gain grievance and nationalism at once.

    ``cap``: apply the grievance cap to every run (needed when the cap may have changed).
    """
    k = len(p.incident_keys)
    if cap:
        np.minimum(s.grievance, p.grievance_max, out=s.grievance)
    if k == 0:
        empty = np.zeros(0, dtype=np.intp)
        return Today(empty, empty, [])
    hits = np.flatnonzero(u.reshape(-1) < th.incident[:u.size])
    rows = hits // (2 * k)
    kinds = hits - rows * (2 * k)
    if rows.size:
        explained = u[rows, k + kinds] < th.explain
        severity = p.severity[kinds] * np.where(explained, 0.5, 1.0)
        if rows.size == 1 or (rows[1:] != rows[:-1]).all():  # one hit per struck run
            victim = p.victim[kinds]
            g = s.grievance[victim, rows] + severity
            s.grievance[victim, rows] = np.minimum(g, p.grievance_max)
            n = s.nationalism[victim, rows] + p.rally_per_severity[victim] * severity
            s.nationalism[victim, rows] = np.minimum(n, 1.0)
        else:  # summed per run as ``severity @ to_victim`` sums them
            hit, where = np.unique(rows, return_inverse=True)
            per_run = np.zeros((hit.size, k))
            per_run[where, kinds] = severity
            suffered = (per_run @ p.to_victim).T  # (A, struck runs)
            s.grievance[:, hit] = np.minimum(s.grievance[:, hit] + suffered, p.grievance_max)
            s.nationalism[:, hit] = np.minimum(
                s.nationalism[:, hit] + p.rally_per_severity[:, None] * suffered, 1.0)
    return Today(rows, kinds, [])


def perceive(t: int, s: State, p: Params, th: Thresholds, u: np.ndarray,
             today: Today) -> np.ndarray:
    """§5: what each observer sees of each other; returns whether each actor saw a climb (A, R).

    A reading is off by one rung with small probability, upwards with ``worst_case_bias``.
    """
    a, r = p.n_actors, s.level.shape[1]
    rose = np.zeros((a, r), dtype=bool)
    for q, (i, j) in enumerate(pairs(a)):
        lagged = s.history[(t - p.lag[i]) % HISTORY, j]
        col = i * a + j
        maybe = np.flatnonzero(u[:, col] < th.mis_any[i])
        seen = lagged
        if maybe.size:
            rung = lagged[maybe]
            limit = np.where(rung >= MILITARY_SIGNALLING, th.mis_military[i], th.mis[i])
            wrong = maybe[u[maybe, col] < limit]
            if wrong.size:
                seen = lagged.copy()
                shift = np.where(u[wrong, a * a + col] < th.upwards[i], 1, -1)
                seen[wrong] = np.minimum(np.maximum(lagged[wrong] + shift, 0), N_RUNGS - 1)
        today.seen.append(seen)
        rose[i] |= lagged > s.prev_lagged[q]
        s.prev_lagged[q] = lagged
    return rose


def reviews(s: State, th: Thresholds, u: np.ndarray, rose: np.ndarray, today: Today,
            p: Params, forum: bool) -> np.ndarray:
    """§3: who reviews today: routine, reaction to a perceived climb, incident, forum (A, R)."""
    if forum:
        return np.ones(rose.shape, dtype=bool)
    a = rose.shape[0]
    review = np.empty(rose.shape, dtype=bool)
    for i in range(a):
        np.less(u[:, i], th.review[i], out=review[i])
        review[i] |= rose[i] & (u[:, a + i] < th.reaction[i])
    if today.hit_rows.size:
        review[p.victim[today.hit_kinds], today.hit_rows] = True
    return review


def threat_max(s: State, p: Params, today: Today, actor: np.ndarray,
               rows: np.ndarray) -> np.ndarray:
    """§5: the highest perceived threat to each reviewing actor (``decision.threat``).

    ``actor`` and ``rows`` are the observer and run of each decision.
    """
    a, r = p.n_actors, s.level.shape[1]
    index = {pair: q for q, pair in enumerate(pairs(a))}
    seen_all = np.stack(today.seen)  # (P, R)
    best = None
    for k in range(1, a):
        other = (actor + k) % a
        q = np.array([index[i, (i + k) % a] for i in range(a)])[actor]
        seen = seen_all.take(q * r + rows).astype(np.int64)
        nat = s.nationalism.take(other * r + rows)
        rhetoric = (p.rhetoric_gain[other] * nat) * (1.0 - s.trust.take(q * r + rows))
        threat = seen - p.signal_discount * (seen == MILITARY_SIGNALLING) + rhetoric
        best = threat if best is None else np.maximum(best, threat)
    assert best is not None
    return best


def update(s: State, p: Params, today: Today, shock: np.ndarray) -> None:
    """§7, §10: grievance, nationalism, flows, trust and mediation move on to tomorrow."""
    level = s.level
    top = level.max(axis=0) if level.shape[0] > 2 else np.maximum(level[0], level[-1])
    today.top = top
    h = HOSTILITY.take(level)
    if level.shape[0] == 2:
        total = h[0] + h[1]
    else:  # summed as dynamics.hostility_suffered sums over a run's actors
        total = np.ascontiguousarray(h.T).sum(axis=1)
    suffered = total - h
    s.grievance = dynamics.grievance(s.grievance, suffered, p)
    n = s.nationalism
    drift = p.nationalism_relax * (p.n0[:, None] - n)
    drift += p.rally[:, None] * suffered
    drift += n
    drift += p.nationalism_volatility * shock.T
    np.maximum(drift, 0.0, out=drift)  # clipped to [0, 1], as np.clip does
    np.minimum(drift, 1.0, out=n)
    s.trade, s.energy = dynamics.flows(s.trade, s.energy, top, p)
    for q, seen in enumerate(today.seen):
        target = TRUST_TARGET.take(seen)
        target -= s.trust[q]
        target *= p.trust_speed
        s.trust[q] += target
    s.crisis_days, s.mediating = dynamics.mediation(s.crisis_days, s.mediating, top, p)
