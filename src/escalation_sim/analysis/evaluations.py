"""Every parameter set a calibration simulated, and importance weights that reuse them.

ABC-SMC keeps only the parameter sets it accepts. To refit without an episode (leave-one-out)
with the same machinery, escsim also keeps *every* set it simulated, with the generation it was
proposed in and each episode's scores, in its own table of the calibration database (``FILE.db``,
beside pyabc's history). Generation 0 proposes from the uniform priors; generation ``t`` from
pyabc's multivariate normal kernel fitted to generation ``t - 1``'s weighted particles, cut to
the priors' support. All of them together are an importance sample of the prior under the
*deterministic mixture* of the proposals (Owen & Zhou 2000; Veach & Guibas 1995):

``w_i ∝ prior(θ_i) / Σ_t (n_t / N) q_t(θ_i)``

(``n_t`` sets proposed in generation ``t``, ``N`` in all), and an ABC posterior for any distance
``d'`` computed from the kept scores is ``w_i · 1[d'(θ_i) <= ε]`` (:func:`abc_weights`). The
proposals were steered by every episode, so a refit without one is less efficient than an SMC of
its own (its effective sample size says how much), but not biased by the episode left out.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

TABLE = "escsim_evaluations"
"""The table of simulated parameter sets in the calibration database."""
SUPPORT_DRAWS = 20_000
"""Draws from a generation's kernel that estimate the share of it inside the priors."""


def open_table(db: Path) -> sqlite3.Connection:
    """Open the calibration database and make the evaluations table if it is not there."""
    con = sqlite3.connect(str(db))
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, generation "
                "INTEGER NOT NULL, theta TEXT NOT NULL, scores TEXT NOT NULL)")
    return con


def record(db: Path, generation: int, thetas: Sequence[Sequence[float]],
           scores: Sequence[Sequence[Mapping[str, Any]]]) -> None:
    """Keep the sets of one batch: their values and each episode's model scores."""
    con = open_table(db)
    try:
        con.executemany(f"INSERT INTO {TABLE} (generation, theta, scores) VALUES (?, ?, ?)",
                        [(int(generation), json.dumps([float(v) for v in theta]),
                          json.dumps(list(per_episode)))
                         for theta, per_episode in zip(thetas, scores, strict=True)])
        con.commit()
    finally:
        con.close()


@dataclass
class Evaluations:
    """Every simulated parameter set, its generation and its episodes' scores.

    ``values (N, p)``, ``generation (N,)``, and per set the episodes' model scores
    (:func:`escalation_sim.analysis.calibrate.model_scores`).
    """

    values: np.ndarray
    generation: np.ndarray
    scores: list[list[dict[str, Any]]]

    def __len__(self) -> int:
        """Parameter sets kept."""
        return len(self.generation)


def load(db: Path) -> Evaluations:
    """The evaluations kept in a calibration database (read-only).

    Raises:
        ValueError: The database keeps none (a calibration made before they were kept).
    """
    con = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            rows = con.execute(f"SELECT generation, theta, scores FROM {TABLE} ORDER BY id"
                               ).fetchall()
        except sqlite3.OperationalError:
            rows = []
    finally:
        con.close()
    if not rows:
        raise ValueError("keeps no simulated parameter sets (calibrate again with this escsim)")
    return Evaluations(np.array([json.loads(r[1]) for r in rows], dtype=float),
                       np.array([r[0] for r in rows], dtype=np.int64),
                       [json.loads(r[2]) for r in rows])


def log_proposals(history: Any, keys: Sequence[str], lows: np.ndarray, highs: np.ndarray,
                  values: np.ndarray, generations: int, seed: int = 0) -> np.ndarray:
    """``(N, T)``: the log density of each set under each generation's proposal.

    Generation 0 is the uniform prior; generation ``t`` the mixture of normal kernels pyabc
    fitted to generation ``t - 1`` (refitted here from the history, as pyabc fits it:
    ``MultivariateNormalTransition`` with Silverman's bandwidth), divided by the share of it
    inside the priors (estimated from :data:`SUPPORT_DRAWS` draws), since proposals outside
    them are drawn again.
    """
    import pandas as pd
    from pyabc import MultivariateNormalTransition

    np.random.seed(seed)  # pyabc's kernels draw with numpy's global generator
    log_prior = -float(np.sum(np.log(highs - lows)))
    out = np.full((len(values), generations), log_prior)
    frame = pd.DataFrame(values, columns=list(keys))
    for t in range(1, generations):
        particles, weights = history.get_distribution(m=0, t=t - 1)
        kernel = MultivariateNormalTransition()
        kernel.fit(particles[list(keys)], np.asarray(weights, dtype=float))
        draws = kernel.rvs(size=SUPPORT_DRAWS)[list(keys)].to_numpy()
        inside = float(np.mean(np.all((draws >= lows) & (draws <= highs), axis=1)))
        density = np.asarray(kernel.pdf(frame), dtype=float).reshape(-1)
        with np.errstate(divide="ignore"):
            out[:, t] = np.log(density) - math.log(max(inside, 1.0 / SUPPORT_DRAWS))
    return out


def mixture_log_weights(log_q: np.ndarray, generation: np.ndarray, log_prior: float
                        ) -> np.ndarray:
    """``log prior(θ_i) - log Σ_t (n_t / N) q_t(θ_i)``: each set's importance weight (log).

    Args:
        log_q: ``(N, T)`` from :func:`log_proposals`.
        generation: ``(N,)`` the generation each set was proposed in.
        log_prior: The prior's log density (uniform: one value).
    """
    counts = np.bincount(generation, minlength=log_q.shape[1]).astype(float)
    with np.errstate(divide="ignore"):
        share = np.log(counts / counts.sum())
    mixed = np.logaddexp.reduce(log_q + share[None, :], axis=1)
    return np.asarray(log_prior - mixed)


def abc_weights(log_weights: np.ndarray, distances: np.ndarray, epsilon: float) -> np.ndarray:
    """Normalised ABC weights: the importance weights of the sets within ``epsilon``."""
    keep = distances <= epsilon
    w = np.where(keep, np.exp(log_weights - np.max(log_weights[keep])), 0.0) if keep.any() \
        else np.zeros(len(distances))
    total = w.sum()
    return w / total if total > 0 else w


def ess(weights: np.ndarray) -> float:
    """Effective sample size of normalised weights, ``1 / Σ w²`` (Kish)."""
    w = np.asarray(weights, dtype=float)
    return float(1.0 / np.sum(w ** 2)) if w.sum() > 0 else 0.0


def threshold(log_weights: np.ndarray, distances: np.ndarray, epsilon: float,
              min_ess: float) -> float:
    """``epsilon``, raised to the smallest threshold whose ABC weights reach ``min_ess``."""
    order = np.sort(distances[np.isfinite(distances)])
    candidates = [epsilon, *order[order > epsilon]]
    for eps in candidates:
        if ess(abc_weights(log_weights, distances, eps)) >= min_ess:
            return float(eps)
    return float(order[-1]) if len(order) else float(epsilon)
