"""Data assimilation of the record: a particle filter's observation model and resampling.

See docs/analysis.md, Nowcasting. A run of the ensemble is a particle. After each month of the
record, each run is weighed by the likelihood of the month's observed reading given its own (both
tracks, each actor), and when the weights grow uneven the ensemble is resampled (Gordon, Salmond &
Smith 1993; Kitagawa 1996; Doucet & Johansen 2011). The functions here are plain numpy on per-run
arrays; ``engine/filter.py`` carries the runs.

**Observation model.** The record is coded by hand from news reports: a month's reading may be
off. On each track, the observed rung equals the run's with probability ``1 - error`` and
otherwise lies elsewhere on the track's scale, with weight ``decay`` per rung of distance::

    P(o | s) = (1 - error) 1[o = s] + error decay^|o - s| / Z_s     (o != s)

``Z_s`` sums ``decay^|o - s|`` over the other rungs of the scale, so the probabilities add up to
one. The material track's scale is "no measure" (read as verbal hostility, 3) up to open war, 9;
the declaratory track's is 0–3, and it is read only in months with a recorded statement (a month
without one says nothing of the words).
"""

from __future__ import annotations

import numpy as np

from escalation_sim.model.ladder import OPEN_WAR, VERBAL_HOSTILITY

NONE = -1
"""A track with nothing recorded (or simulated) that month."""
MATERIAL_SCALE = np.arange(VERBAL_HOSTILITY, OPEN_WAR + 1)
"""Rungs the material track reads on: no measure (3), measures (4-7), force (8-9)."""
DECLARATORY_SCALE = np.arange(0, VERBAL_HOSTILITY + 1)
"""Rungs the declaratory track reads on: 0-3."""
CODING_ERROR = 0.15
"""Default chance that a month's coded reading is not the true one (one in seven months)."""
ERROR_DECAY = 0.5
"""Default weight per rung of distance of a wrong reading: a neighbouring rung is twice as
likely as one two rungs away."""


def track_log_likelihood(simulated: np.ndarray, observed: np.ndarray, scale: np.ndarray,
                         error: float = CODING_ERROR,
                         decay: float = ERROR_DECAY) -> np.ndarray:
    """``log P(observed | simulated)`` per run, summed over actors, for one track and month.

    Args:
        simulated: ``(R, A)`` each run's reading of each actor (``NONE``: nothing that month).
        observed: ``(A,)`` the record's reading; actors with ``NONE`` on a track whose scale
            starts above 0 read as its lowest rung, on the declaratory track they are skipped.
        scale: The track's rungs, lowest first.
        error: Chance that a coded reading is wrong.
        decay: Weight per rung of distance of a wrong reading.
    """
    low, high = int(scale[0]), int(scale[-1])
    sim = np.clip(np.where(simulated == NONE, low, simulated), low, high).astype(np.int64)
    total = np.zeros(sim.shape[0])
    for a, obs in enumerate(np.asarray(observed)):
        if obs == NONE and low == 0:
            continue  # no statement recorded: the words are unobserved
        o = int(np.clip(low if obs == NONE else obs, low, high))
        s = sim[:, a]
        distance = np.abs(o - s)
        # Z_s: the other rungs' weights, for each simulated rung of the scale
        z = np.array([sum(decay ** abs(x - y) for x in scale if x != y) for y in scale])
        wrong = error * decay ** distance / z[s - low]
        with np.errstate(divide="ignore"):  # error 0: a wrong reading is impossible
            total += np.log(np.where(distance == 0, 1.0 - error, wrong))
    return total


def month_log_likelihood(sim_material: np.ndarray, sim_stance: np.ndarray,
                         obs_material: np.ndarray, obs_declaratory: np.ndarray,
                         error: float = CODING_ERROR,
                         decay: float = ERROR_DECAY) -> np.ndarray:
    """Both tracks' log-likelihood per run for one month (actors and tracks independent)."""
    material = track_log_likelihood(sim_material, obs_material, MATERIAL_SCALE, error, decay)
    return np.asarray(material + track_log_likelihood(sim_stance, obs_declaratory,
                                                      DECLARATORY_SCALE, error, decay))


def normalised(log_weights: np.ndarray) -> np.ndarray:
    """Weights summing to one from log-weights (computed stably)."""
    w = np.exp(log_weights - np.max(log_weights))
    return np.asarray(w / w.sum())


def effective_size(log_weights: np.ndarray) -> float:
    """Kish's effective sample size ``1 / sum(w^2)`` of normalised weights (Kong et al. 1994)."""
    w = normalised(log_weights)
    return float(1.0 / np.sum(w * w))


def systematic_resample(log_weights: np.ndarray, u: float) -> np.ndarray:
    """Indices of the runs kept, by systematic resampling (Kitagawa 1996).

    One uniform ``u`` in [0, 1) places ``R`` evenly spaced pointers on the cumulative weights: a
    run of weight ``w`` is kept ``floor(R w)`` or ``ceil(R w)`` times, the least variance of the
    common schemes. The indices come out sorted.
    """
    w = normalised(log_weights)
    n = w.size
    cumulative = np.cumsum(w)
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, (u + np.arange(n)) / n, side="right").astype(np.int64)
