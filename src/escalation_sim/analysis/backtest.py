"""Backtest scores: how well the simulated distribution forecast an observed monthly path.

Pure functions on arrays. The simulation gives, per run, each actor's highest rung in each month
``(R, A, M)`` and the lowest daily highest rung over actors in each month ``(R, M)``; the episode
gives the observed counterparts. Scores (lower is better):

- ranked probability score (RPS) of each actor's observed monthly highest rung, scaled to 0-1 by
  the number of rung thresholds (Epstein 1969; Murphy 1971);
- Brier scores of "some actor has chosen force (rung >= 8) by month m" and "the higher rung has
  been at engagement or better (<= 1) by month m";
- coverage of the observed monthly rungs by the central 50% and 90% bands.

Each beside two reference forecasts: climatology (the same runs' rung and event frequencies
pooled over months) and persistence (the starting rungs carried forward), as a skill score
``1 - score / reference``, with intervals from resampling runs (bootstrap).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.stats import (
    Interval,
    decimals_for,
    json_float,
    round_significant,
    round_to,
)
from escalation_sim.model.ladder import ENGAGEMENT, LIMITED_FORCE, N_RUNGS
from escalation_sim.scenario.episode import Observed

BOOTSTRAP = 200
"""Bootstrap resamples of the runs."""
BANDS = (0.5, 0.9)
"""Central bands whose coverage is reported."""
CI_LEVEL = 0.95


def rung_probs(samples: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Frequencies of each rung over runs: ``(R, ...)`` ints -> ``(..., K)``.

    ``weights`` (B, R) resample the runs (each row sums to 1) and give ``(B, ..., K)``.
    """
    rungs = samples.reshape(samples.shape[0], -1)
    lead = () if weights is None else (weights.shape[0],)
    out = np.empty((*lead, rungs.shape[1], N_RUNGS))
    for k in range(N_RUNGS):  # one rung at a time: no (R, ..., K) array of floats
        hit = (rungs == k).astype(float)
        out[..., k] = hit.mean(axis=0) if weights is None else weights @ hit
    return out.reshape(*lead, *samples.shape[1:], N_RUNGS)


def rps(probs: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Ranked probability score, scaled to 0-1: ``sum_k (F_k - O_k)^2 / (K - 1)``.

    Args:
        probs: Forecast probability of each rung, ``(..., K)``.
        observed: Observed rung, broadcastable to ``probs.shape[:-1]``.
    """
    k = probs.shape[-1]
    cdf = np.cumsum(probs, axis=-1)[..., :-1]
    obs_cdf = (np.asarray(observed)[..., None] <= np.arange(k - 1)).astype(float)
    return ((cdf - obs_cdf) ** 2).sum(axis=-1) / (k - 1)


def brier(p: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Brier score of probability ``p`` for a binary outcome ``observed`` (elementwise)."""
    return (np.asarray(p, dtype=float) - np.asarray(observed, dtype=float)) ** 2


def band(probs: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest rung of the central ``level`` band of a rung distribution ``(..., K)``.

    The band runs from the ``(1 - level) / 2`` quantile to the ``(1 + level) / 2`` quantile
    (the smallest rung whose cumulative probability reaches each).
    """
    cdf = np.cumsum(probs, axis=-1)
    eps = 1e-9
    lo = (cdf < (1 - level) / 2 - eps).sum(axis=-1)
    hi = (cdf < (1 + level) / 2 - eps).sum(axis=-1)
    return np.minimum(lo, probs.shape[-1] - 1), np.minimum(hi, probs.shape[-1] - 1)


def covered(probs: np.ndarray, observed: np.ndarray, level: float) -> np.ndarray:
    """Whether each observed rung lies in the central ``level`` band (elementwise)."""
    lo, hi = band(probs, level)
    return (lo <= observed) & (observed <= hi)


def skill(score: np.ndarray | float, reference: np.ndarray | float) -> np.ndarray:
    """Skill score ``1 - score / reference``.

    1 is perfect, 0 no better than the reference, < 0 worse; NaN where the reference is perfect.
    """
    score, reference = np.asarray(score, dtype=float), np.asarray(reference, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(reference > 0, 1.0 - score / reference, np.nan)


def bootstrap_weights(runs: int, n: int, seed: int) -> np.ndarray:
    """``(n, runs)`` weights of ``n`` resamples of the runs with replacement (rows sum to 1)."""
    return next(bootstrap_blocks(runs, n, seed, block=n))


BOOTSTRAP_BLOCK = 8
"""Resamples weighed at a time: memory holds this many weights per run, not ``BOOTSTRAP``."""


def bootstrap_blocks(runs: int, n: int, seed: int, block: int = BOOTSTRAP_BLOCK
                     ) -> Iterator[np.ndarray]:
    """The rows of ``bootstrap_weights(runs, n, seed)``, ``block`` rows at a time.

    The generator draws the rows one after the other, so the blocks are those very rows.
    """
    rng = np.random.default_rng(seed)
    p = np.full(runs, 1.0 / runs)
    for start in range(0, n, block):
        yield rng.multinomial(runs, p, size=min(block, n - start)) / runs


def _resampled_scores(sim: Simulated, path: Observed, boot: int, seed: int
                      ) -> dict[str, dict[str, np.ndarray]]:
    """``scores`` of ``boot`` bootstrap resamples, computed a block of resamples at a time."""
    parts = [scores(forecasts(sim, w), path)
             for w in bootstrap_blocks(sim.month_max.shape[0], boot, seed)]
    def joined(name: str, key: str) -> np.ndarray:
        values = [p[name][key] for p in parts]  # persistence does not resample: one value
        return values[0] if np.ndim(values[0]) == 0 else np.concatenate(values)

    return {name: {key: joined(name, key) for key in parts[0][name]} for name in parts[0]}


def onehot(rungs: np.ndarray) -> np.ndarray:
    """A sure forecast of the given rungs, ``(...,)`` -> ``(..., K)``."""
    return (np.asarray(rungs)[..., None] == np.arange(N_RUNGS)).astype(float)


@dataclass(frozen=True)
class Simulated:
    """Per-run monthly arrays from the ensemble."""

    month_max: np.ndarray  # (R, A, M) each actor's highest rung in each month
    month_min_top: np.ndarray  # (R, M) lowest daily highest rung over actors in each month

    def force_by(self) -> np.ndarray:
        """(R, M) some actor had chosen force by the end of month m."""
        return np.maximum.accumulate(self.month_max.max(axis=1) >= LIMITED_FORCE, axis=1)

    def engaged_by(self) -> np.ndarray:
        """(R, M) the higher rung had been at engagement or better by the end of month m."""
        return np.maximum.accumulate(self.month_min_top <= ENGAGEMENT, axis=1)


def forecasts(sim: Simulated, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The model's and climatology's forecasts from the runs (resampled by ``weights``).

    Returns ``rung`` (…, A, M, K), ``force`` and ``engaged`` (…, M) for the model, and the same
    keys prefixed ``clim_`` for climatology (pooled over months, broadcast back to each month).
    """
    probs = rung_probs(sim.month_max, weights)
    events = {"force": sim.force_by().astype(float), "engaged": sim.engaged_by().astype(float)}
    out = {"rung": probs, "clim_rung": np.broadcast_to(probs.mean(axis=-2, keepdims=True),
                                                       probs.shape)}
    for key, x in events.items():
        p = x.mean(axis=0) if weights is None else weights @ x
        out[key] = p
        out["clim_" + key] = np.broadcast_to(p.mean(axis=-1, keepdims=True), p.shape)
    return out


def scores(fc: dict[str, np.ndarray], path: Observed) -> dict[str, dict[str, np.ndarray]]:
    """Every score of the model, climatology and persistence; arrays keep leading axes of ``fc``.

    Keys: ``rps_<a>`` for actor index a (mean over months) and ``rps`` (mean over actors and
    months), ``brier_force``, ``brier_engaged`` (mean over months), ``cover_50``, ``cover_90``
    (share of actor-months covered).
    """
    start_top = path.start.max()
    pers = {"rung": np.broadcast_to(onehot(path.start)[:, None, :], fc["rung"].shape[-3:]),
            "force": np.full(path.force_by.shape, float(start_top >= LIMITED_FORCE)),
            "engaged": np.full(path.engaged_by.shape, float(start_top <= ENGAGEMENT))}
    out: dict[str, dict[str, np.ndarray]] = {}
    for name, f in (("model", ""), ("climatology", "clim_"), ("persistence", None)):
        get = (lambda key, f=f: fc[f + key]) if f is not None else pers.__getitem__
        cell = rps(get("rung"), path.month_max)  # (…, A, M)
        res = {f"rps_{a}": cell[..., a, :].mean(axis=-1) for a in range(cell.shape[-2])}
        res["rps"] = cell.mean(axis=(-2, -1))
        res["brier_force"] = brier(get("force"), path.force_by).mean(axis=-1)
        res["brier_engaged"] = brier(get("engaged"), path.engaged_by).mean(axis=-1)
        for level in BANDS:
            res[f"cover_{round(level * 100)}"] = covered(get("rung"), path.month_max,
                                                         level).mean(axis=(-2, -1))
        out[name] = res
    return out


def backtest_scores(sim: Simulated, path: Observed, *, boot: int = BOOTSTRAP,
                    seed: int = 0) -> dict[str, Any]:
    """Scores with skill versus climatology and persistence, and bootstrap intervals.

    Returns a mapping score key -> ``{"model", "climatology", "persistence", "model_ci",
    "skill_climatology", "skill_climatology_ci", "skill_persistence", "skill_persistence_ci"}``
    (floats; NaN where undefined; coverages have no skill), plus ``"bootstrap"``: the resampled
    skill arrays, each of shape ``(boot,)``.
    """
    point = scores(forecasts(sim), path)
    resampled = _resampled_scores(sim, path, boot, seed)
    alpha = (1 - CI_LEVEL) / 2
    result: dict[str, Any] = {}
    samples: dict[str, np.ndarray] = {}
    for key in point["model"]:
        row: dict[str, Any] = {name: float(point[name][key]) for name in point}
        row["model_ci"] = _interval(resampled["model"][key], alpha)
        for ref in () if key.startswith("cover") else ("climatology", "persistence"):
            row[f"skill_{ref}"] = float(skill(point["model"][key], point[ref][key]))
            boot_skill = skill(resampled["model"][key], resampled[ref][key])
            samples[f"{key}/{ref}"] = boot_skill
            row[f"skill_{ref}_ci"] = _interval(boot_skill, alpha)
        result[key] = row
    result["bootstrap"] = samples
    return result


def _interval(values: np.ndarray, alpha: float) -> list[float]:
    values = np.asarray(values, dtype=float)
    if np.isnan(values).all():
        return [float("nan"), float("nan")]
    lo, hi = np.nanquantile(values, [alpha, 1 - alpha])
    return [float(lo), float(hi)]


SCORE_LABELS = {
    "rps": "RPS all",
    "brier_force": "Brier force",
    "brier_engaged": "Brier engaged",
    "cover_50": "cover 50%",
    "cover_90": "cover 90%",
}
"""What each score key measures (``rps_<actor>`` rows are named after the actor)."""


def report(sim: Simulated, path: Observed, actors: list[str], *, boot: int = BOOTSTRAP,
           seed: int = 0) -> dict[str, Any]:
    """The backtest's JSON-able report.

    One row per score, rounded to the digits its bootstrap interval supports, and the per-month
    observed path beside the simulated one.
    """
    raw = backtest_scores(sim, path, boot=boot, seed=seed)
    runs = sim.month_max.shape[0]
    rows = []
    for key, row in raw.items():
        if key == "bootstrap":
            continue
        label = SCORE_LABELS.get(key) or \
            f"RPS {actors[int(key.split('_')[1])]}"
        model = Interval(row["model"], *row["model_ci"], runs).rounded()
        places = decimals_for(model.half_width)
        entry: dict[str, Any] = {"score": key, "label": label,
                                 "model": model.to_dict(with_n=False)}
        for ref in ("climatology", "persistence"):
            entry[ref] = json_float(round_significant(row[ref]) if places is None else
                                    round_to(row[ref], max(places, 0)))
            if f"skill_{ref}" in row:
                entry[f"skill_{ref}"] = Interval(row[f"skill_{ref}"], *row[f"skill_{ref}_ci"],
                                                 runs).rounded().to_dict(with_n=False)
        rows.append(entry)
    fc = forecasts(sim)
    lo50, hi50 = band(fc["rung"], 0.5)
    lo90, hi90 = band(fc["rung"], 0.9)
    cell = rps(fc["rung"], path.month_max)
    months = [{"month": label,
               "observed": {a: int(path.month_max[i, m]) for i, a in enumerate(actors)},
               "rps": {a: json_float(round_to(float(cell[i, m]), 4))
                       for i, a in enumerate(actors)},
               "band_50": {a: [int(lo50[i, m]), int(hi50[i, m])] for i, a in enumerate(actors)},
               "band_90": {a: [int(lo90[i, m]), int(hi90[i, m])] for i, a in enumerate(actors)},
               "force_by": {"observed": bool(path.force_by[m]),
                            "p": json_float(round_to(float(fc["force"][m]), 3))},
               "engaged_by": {"observed": bool(path.engaged_by[m]),
                              "p": json_float(round_to(float(fc["engaged"][m]), 3))}}
              for m, label in enumerate(path.labels)]
    return {"runs": runs, "bootstrap": boot, "scores": rows, "months": months}
