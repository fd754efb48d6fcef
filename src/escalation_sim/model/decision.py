"""The decision rule (docs/model.md §5-§6): perceived threat, desired rung, utility, logit choice.

All functions are vectorised over a flat batch of (run, actor) decisions, so the engine can call
them on just the actors that review today. The utility of a rung is a sum of named terms
(``TERMS``, ``utility_terms``: what the trace reads its reasons from). Decisions use their sum,
``utility``, evaluated only at the rungs within reach (``choose_near``) or at every rung
(``choose``) with the same function, so both choose the same rung from the same uniform.

The parameters ``p`` are those of the decisions' runs: shared ones as compiled, per-run ones
taken at the deciding runs (``Params.at(rows)``, one column per decision); per-actor
quantities are read with ``params.by_decision``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation_sim.model.ladder import MILITARY_SIGNALLING, N_RUNGS, STATUS_QUO
from escalation_sim.model.params import RUNG_TERMS, Params, by_decision

RUNGS = np.arange(N_RUNGS)
TERMS = ("fit", "economic", "military", "war", "issues", "cooperation", "audience", "move",
         "talks")
"""Names of the utility terms, in the order ``utility_terms`` returns them (§6)."""


@dataclass
class Deciders:
    """A batch of decisions, one entry each (shape ``(n,)``).

    ``actor``: who decides; ``x0``: its current rung; ``desired``: its desired rung;
    ``nationalism``: its nationalism; ``flow``: the trade still flowing in its run; ``talking``:
    a mediator or the hotline's talks are engaged in its run; ``answering``: it is answering a
    step down it has just perceived (reciprocity downwards).
    """

    actor: np.ndarray
    x0: np.ndarray
    desired: np.ndarray
    nationalism: np.ndarray
    flow: np.ndarray
    talking: np.ndarray
    answering: np.ndarray

    def one(self, n: int) -> Deciders:
        """The batch of decision ``n`` alone."""
        return Deciders(*(np.asarray(v)[n:n + 1] for v in vars(self).values()))


def perceive(lagged: np.ndarray, u_wrong: np.ndarray, u_up: np.ndarray, p_mis: np.ndarray,
             p_mis_military: np.ndarray, worst_case_bias: np.ndarray) -> np.ndarray:
    """Rung each observer sees: the lagged true rung, off by one with small probability (§5).

    Args:
        lagged: true rung of the other side ``lag`` days ago, shape (R, A_obs, A_other).
        u_wrong: uniforms deciding whether the reading is wrong, same shape.
        u_up: uniforms deciding the direction of a wrong reading, same shape.
        p_mis: per-observer misperception probability below military rungs, shape (A, 1).
        p_mis_military: the same at military rungs (cut by military transparency), (A, 1).
        worst_case_bias: per-observer share of errors that go up, shape (A, 1).
    """
    p = np.where(lagged >= MILITARY_SIGNALLING, p_mis_military, p_mis)
    wrong = u_wrong < p
    up = u_up < worst_case_bias
    shift = np.where(wrong, np.where(up, 1, -1), 0)
    return np.clip(lagged + shift, 0, N_RUNGS - 1)


def threat(seen: np.ndarray, nationalism_other: np.ndarray, trust: np.ndarray,
           rhetoric_gain_other: np.ndarray | float, signal_discount: float) -> np.ndarray:
    """Perceived threat from one other actor, in rungs (§5).

    ``threat_ij = seen_ij - discount * [seen_ij = 7] + rhetoric_gain_j * n_j * (1 - trust_ij)``.
    """
    rhetoric = (rhetoric_gain_other * nationalism_other) * (1.0 - trust)
    return seen - signal_discount * (seen == MILITARY_SIGNALLING) + rhetoric


def desired_rung(actor: np.ndarray, threat_max: np.ndarray, grievance: np.ndarray,
                 nationalism: np.ndarray, p: Params) -> np.ndarray:
    """Richardson action-reaction target (§6): ``2 + drive + r (threat - 2)``.

    The threat includes what the actor reads from the others' backing of outside parties (§8).
    """
    drive = by_decision(p.stake, actor) + p.w_nat * (nationalism - 0.5) + grievance
    threat = threat_max + by_decision(p.client_threat, actor)
    return STATUS_QUO + drive + by_decision(p.reciprocity, actor) * (threat - STATUS_QUO)


def utility_terms(d: Deciders, x: np.ndarray, p: Params) -> np.ndarray:
    """Each term of U(x) at candidate rungs ``x`` (§6), shape ``(len(TERMS), C, n)``.

    ``x`` holds rungs on the ladder, shape ``(C, n)`` or ``(C, 1)``. Their sum is ``utility``
    up to rounding (the trace names the term that gained most; decisions use ``utility``).
    """
    x = np.broadcast_to(x, (x.shape[0], d.x0.size))
    down = x < d.x0
    terms = np.empty((len(TERMS), *x.shape))
    terms[0] = -p.w_fit * (x - d.desired) ** 2
    terms[1] = -(by_decision(p.econ_cost, d.actor) * d.flow) * by_decision(p.econ_rung, x)
    for t in range(len(RUNG_TERMS)):  # by actor and rung: military, war, issues, cooperation
        table = p.rung_terms[:, t].reshape(-1, p.rung_terms.shape[-1])
        terms[2 + t] = by_decision(table, d.actor * N_RUNGS + x)
    terms[6] = -_audience(d, p) * down
    terms[7] = -p.c_move * np.abs(x - d.x0)
    terms[8] = p.mediation_bonus * d.talking * np.maximum(0, d.x0 - x)
    return terms


def _audience(d: Deciders, p: Params) -> np.ndarray:
    """Audience cost of stepping down, per decision (§6).

    Scaled by resolve, cut by talks and when answering a step down of the other.
    """
    return (by_decision(p.audience, d.actor) * d.nationalism
            * (1.0 - p.mediation_audience_cut * d.talking)
            * (1.0 - p.reciprocal_cut * d.answering))


def utility(d: Deciders, x: np.ndarray, p: Params, below: np.ndarray | None = None) -> np.ndarray:
    """U(x) at candidate rungs ``x`` (shape ``(C, n)``), the sum of ``utility_terms`` (§6).

    Computed directly, with the rung-only terms pre-summed per actor (``Params.rung_total``),
    so that the engine pays for one array per term family rather than nine. ``below`` is
    ``x0 - x`` as floats, when the caller knows it in a cheaper shape (``(C, 1)``).
    """
    u = by_decision(p.rung_total, d.actor * N_RUNGS + x)
    gap = x - d.desired
    gap *= gap
    gap *= p.w_fit
    u -= gap
    econ = by_decision(p.econ_rung, x)
    econ *= by_decision(p.econ_cost, d.actor) * d.flow
    u -= econ
    # moving: friction both ways; below x0 also the audience cost and the talks' reward
    if below is None:
        below = (d.x0 - x).astype(float)
    down = below > 0
    step = np.where(down, (p.mediation_bonus * d.talking - p.c_move) * below - _audience(d, p),
                    p.c_move * below)
    u += step
    return u


def pick(utility: np.ndarray, allowed: np.ndarray, rationality: np.ndarray,
         u: np.ndarray) -> np.ndarray:
    """Logit (quantal response) choice among candidates, by inverse CDF (§6).

    ``P(c) ∝ exp(rationality * U(c))`` over the allowed candidates (axis 0); ``u`` is one
    uniform per decision. Returns the index of the chosen candidate.
    """
    z = np.where(allowed, rationality * utility, -np.inf)
    top = z[0].copy()
    for row in z[1:]:  # row by row: the candidates are few and the decisions many
        np.maximum(top, row, out=top)
    z -= top
    np.exp(z, out=z)
    for c in range(1, z.shape[0]):  # cumulative sums, in place
        z[c] += z[c - 1]
    threshold = u * z[-1]
    chosen = np.zeros(z.shape[1], dtype=np.int64)
    for row in z[:-1]:  # candidates passed: their cumulative sum is still below the uniform
        chosen += row <= threshold
    return chosen


def choose(d: Deciders, window: np.ndarray | int, u: np.ndarray, p: Params) -> np.ndarray:
    """The rung chosen with every rung of the ladder evaluated (reference for ``choose_near``)."""
    x = np.broadcast_to(RUNGS[:, None], (N_RUNGS, d.x0.size))
    allowed = np.abs(x - d.x0) <= window
    return pick(utility(d, x, p), allowed, by_decision(p.rationality, d.actor), u)


def choose_near(d: Deciders, window: np.ndarray | int, u: np.ndarray, p: Params) -> np.ndarray:
    """The rung ``choose`` picks, evaluating only the rungs within ``window`` of ``x0`` (§6).

    Rungs out of reach have probability zero, so they change neither the choice nor (as
    ``exp(-inf) = 0``) the cumulative sums the uniform is compared with.
    """
    widest = int(np.max(window))
    offsets = np.arange(-widest, widest + 1)[:, None]
    x = d.x0 + offsets
    allowed = (x >= 0) & (x < N_RUNGS) & (np.abs(offsets) <= window)
    values = utility(d, np.clip(x, 0, N_RUNGS - 1), p, below=-offsets.astype(float))
    return d.x0 - widest + pick(values, allowed, by_decision(p.rationality, d.actor), u)
