"""The decision rule (docs/model.md §5-§6): perceived threat, desired rung, utility, logit choice.

All functions are vectorised over a flat batch of (run, actor) decisions, so the engine can call
them on just the actors that review today.
"""

from __future__ import annotations

import numpy as np

from escalation_sim.model.ladder import (
    ECONOMIC_COERCION,
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    N_RUNGS,
    OPEN_WAR,
    STATUS_QUO,
)
from escalation_sim.model.params import Params

RUNGS = np.arange(N_RUNGS)
TERMS = ("fit", "economic", "military", "war", "audience", "move", "mediation")
"""Names of the utility terms, in the order ``utility_terms`` returns them (§6)."""


def perceive(lagged: np.ndarray, u_wrong: np.ndarray, u_up: np.ndarray, p_mis: np.ndarray,
             p_mis_military: np.ndarray, worst_case_bias: np.ndarray) -> np.ndarray:
    """Rung each observer sees: the lagged true rung, off by one with small probability (§5).

    Args:
        lagged: true rung of the other side ``lag`` days ago, shape (R, A_obs, A_other).
        u_wrong: uniforms deciding whether the reading is wrong, same shape.
        u_up: uniforms deciding the direction of a wrong reading, same shape.
        p_mis: per-observer misperception probability below military rungs, shape (A,).
        p_mis_military: the same at military rungs (cut by military transparency), shape (A,).
        worst_case_bias: per-observer share of errors that go up, shape (A,).
    """
    p = np.where(lagged >= MILITARY_SIGNALLING, p_mis_military[:, None], p_mis[:, None])
    wrong = u_wrong < p
    up = u_up < worst_case_bias[:, None]
    shift = np.where(wrong, np.where(up, 1, -1), 0)
    return np.clip(lagged + shift, 0, N_RUNGS - 1)


def threat(seen: np.ndarray, nationalism: np.ndarray, trust: np.ndarray, p: Params) -> np.ndarray:
    """Perceived threat of each observer from each other actor, in rungs (§5).

    ``threat_ij = seen_ij - discount*[seen_ij = 7] + rhetoric_gain_j * n_j * (1 - trust_ij)``.
    """
    rhetoric = (p.rhetoric_gain * nationalism)[:, None, :] * (1.0 - trust)
    discount = p.signal_discount * (seen == MILITARY_SIGNALLING)
    return seen - discount + rhetoric


def desired_rung(threat_max: np.ndarray, grievance: np.ndarray, nationalism: np.ndarray,
                 p: Params) -> np.ndarray:
    """Richardson action-reaction target (§6): ``2 + drive + r (threat - 2)``, shape (R, A)."""
    drive = p.stake + p.w_nat * (nationalism - 0.5) + grievance
    return STATUS_QUO + drive + p.reciprocity * (threat_max - STATUS_QUO)


def utility_terms(actor: np.ndarray, x0: np.ndarray, desired: np.ndarray, nationalism: np.ndarray,
                  flow: np.ndarray, mediating: np.ndarray, p: Params) -> np.ndarray:
    """Each term of U(x) for every rung x, shape (len(TERMS), n, N_RUNGS) (§6).

    Args:
        actor: actor index of each decision, shape (n,).
        x0: current rung, shape (n,).
        desired: desired rung, shape (n,).
        nationalism: current nationalism of the decider, shape (n,).
        flow: trade flow still at stake (1 = pre-crisis), shape (n,).
        mediating: whether a mediator is engaged in the decider's run, shape (n,).
        p: compiled parameters.
    """
    x = RUNGS[None, :]
    x0c = x0[:, None]
    med = mediating[:, None].astype(float)
    down = x < x0c
    terms = np.empty((len(TERMS), x0.size, N_RUNGS))
    terms[0] = -p.w_fit * (x - desired[:, None]) ** 2
    terms[1] = -(p.econ_cost[actor] * flow)[:, None] * (x >= ECONOMIC_COERCION)
    terms[2] = -p.mil_cost[actor][:, None] * (x >= LIMITED_FORCE)
    terms[3] = -p.c_war * (x == OPEN_WAR)
    terms[4] = -(p.audience * nationalism)[:, None] * down * (1.0 - p.mediation_audience_cut * med)
    terms[5] = -p.c_move * np.abs(x - x0c)
    terms[6] = p.mediation_bonus * med * np.maximum(0, x0c - x)
    return terms


def choose(utility: np.ndarray, x0: np.ndarray, window: np.ndarray, rationality: np.ndarray,
           u: np.ndarray) -> np.ndarray:
    """Logit (quantal response) choice of a rung within ``window`` rungs of ``x0`` (§6).

    ``P(x) ∝ exp(rationality * U(x))`` over the allowed rungs; ``u`` is one uniform per decision,
    used by inverse-CDF sampling so that the same uniforms give the same choices.
    """
    allowed = np.abs(RUNGS[None, :] - x0[:, None]) <= window[:, None]
    z = np.where(allowed, rationality[:, None] * utility, -np.inf)
    z -= z.max(axis=1, keepdims=True)
    cum = np.cumsum(np.exp(z), axis=1)
    return (cum <= u[:, None] * cum[:, -1:]).sum(axis=1)


def choose_near(actor: int | np.ndarray, x0: np.ndarray, desired: np.ndarray,
                nationalism: np.ndarray, flow: np.ndarray, mediating: np.ndarray,
                window: int | np.ndarray, u: np.ndarray, p: Params) -> np.ndarray:
    """The rung ``choose(utility_terms(...).sum(axis=0), ...)`` picks (§6).

    ``actor`` and ``window`` are one for all decisions or one per decision. Only the rungs
    within reach of ``x0`` are evaluated (the others have probability zero), candidate-major
    ``(C, n)``. Each term has the values ``utility_terms`` gives and is added in the same order
    (terms that are exactly zero for a candidate are skipped, which changes nothing), so the
    choices are the same to the bit. ``u`` holds the uniforms as float64.
    """
    widest = int(np.max(window))
    offsets = range(-widest, widest + 1)
    x = x0 + np.arange(-widest, widest + 1)[:, None]  # candidate rungs, maybe off the ladder
    xc = np.minimum(np.maximum(x, 0), N_RUNGS - 1)  # off-ladder candidates are masked below
    rung, economic_rung, military, war = _rung_terms(p)
    utility = rung.take(xc)
    utility -= desired
    utility **= 2
    utility *= -p.w_fit
    economic = economic_rung.take(xc)
    economic *= -(p.econ_cost[actor] * flow)
    utility += economic
    utility += military.take(xc + actor * N_RUNGS)
    utility += war.take(xc)
    down = -(p.audience * nationalism)  # audience cost, on the candidates below x0
    med = mediating.astype(float) if mediating.any() else None
    if med is not None:
        down = down * (1.0 - p.mediation_audience_cut * med)
        bonus = p.mediation_bonus * med
    for c, o in enumerate(offsets):
        if o < 0:
            utility[c] += down
        if o:
            utility[c] += -p.c_move * abs(o)
        if o < 0 and med is not None:
            utility[c] += bonus * -o
    z = p.rationality[actor] * utility
    for c, o in enumerate(offsets):  # off the ladder or beyond the decision's window
        if o < 0:
            z[c][(x[c] < 0) | (window < -o)] = -np.inf
        elif o > 0:
            z[c][(x[c] >= N_RUNGS) | (window < o)] = -np.inf
    z -= z.max(axis=0)
    np.exp(z, out=z)
    for c in range(1, len(offsets)):
        z[c] += z[c - 1]
    # rungs below the window count as passed, exactly as in ``choose``
    return x0 - widest + (z <= u * z[-1]).sum(axis=0)


_RUNG_TERMS: list[tuple[Params, tuple[np.ndarray, ...]]] = []


def _rung_terms(p: Params) -> tuple[np.ndarray, ...]:
    """Per-rung values of ``utility_terms``' rung-only factors (military: flat, by actor)."""
    if not _RUNG_TERMS or _RUNG_TERMS[0][0] is not p:
        military = -p.mil_cost[:, None] * (RUNGS >= LIMITED_FORCE)
        _RUNG_TERMS[:] = [(p, (RUNGS.astype(float), (RUNGS >= ECONOMIC_COERCION).astype(float),
                               military.ravel(), -p.c_war * (RUNGS == OPEN_WAR)))]
    return _RUNG_TERMS[0][1]
