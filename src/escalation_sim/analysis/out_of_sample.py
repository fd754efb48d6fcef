"""Leave-one-out evaluation: refit without each episode, score it out of sample.

The refit is ABC *rejection* on one shared prior sample, not a full ABC-SMC per fold: ``design``
thetas are drawn from the priors and every training episode is simulated once with each (the
per-episode RPS matrix). For held-out episode e, the refit posterior is the ``accept`` share of
the thetas closest to the record of the *other* episodes (their mean RPS); the held-out record
plays no part in it. The held-out episode is then simulated with ``draws`` thetas drawn from
that posterior, each over its own slice of runs and its own seed, so its bands include the
parameters' uncertainty, and scored beside four references:

- ``climatology``: the model's own monthly frequencies pooled over months (as ``backtest``);
- ``empirical``: the base rates of the monthly rungs (and of force and engagement) observed in
  the other episodes;
- ``persistence``: the starting rungs carried forward;
- ``uncalibrated``: the episode's scenario with its own values (the model before calibration).

Pooled scores weigh every actor-month (and month, for the Brier scores) of every episode alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.backtest import (
    Simulated,
    empirical_climatology,
    empirical_events,
    episode_scores,
    pooled_scores,
    skill,
)
from escalation_sim.analysis.calibrate import (
    Prior,
    TrainingEpisode,
    cut_to_common,
    episode_rps,
    simulate,
)
from escalation_sim.analysis.out_of_sample_note import BUNDLED as BUNDLED
from escalation_sim.analysis.out_of_sample_note import out_of_sample_line as out_of_sample_line
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.episode import Observed
from escalation_sim.versions import escsim_version

REFERENCES = ("climatology", "empirical", "persistence", "uncalibrated")
"""What the model's out-of-sample scores are compared with."""
SCORES = ("rps", "brier_force", "brier_engaged", "cover_50", "cover_90")
"""Score keys of each episode and of the pool."""


@dataclass
class LooSettings:
    """Settings of the leave-one-out evaluation (stored with its results)."""

    design: int = 96
    accept: float = 0.2
    draws: int = 16
    runs_per_draw: int = 32
    runs: int = 64
    max_months: int | None = 12
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {"refit": "ABC rejection on a shared prior sample", "design": self.design,
                "accept": self.accept, "draws": self.draws,
                "runs_per_draw": self.runs_per_draw, "runs_per_design_point": self.runs,
                "max_months_fitted": self.max_months,
                "seed": self.seed}


def prior_design(priors: Sequence[Prior], n: int, seed: int) -> list[dict[str, float]]:
    """``n`` thetas from the uniform priors (Latin hypercube: every stratum of each once)."""
    rng = np.random.default_rng(seed)
    u = (np.argsort(rng.random((len(priors), n)), axis=1) + rng.random((len(priors), n))) / n
    return [{p.path: float(p.low + u[j, i] * (p.high - p.low)) for j, p in enumerate(priors)}
            for i in range(n)]


def rps_matrix(episodes: Sequence[TrainingEpisode], thetas: Sequence[Mapping[str, float]],
               runs: int, seed: int, *, executor: Executor | None = None,
               progress: Progress | None = None) -> np.ndarray:
    """``(thetas, episodes)``: each episode's RPS with each theta."""
    sims = simulate(episodes, thetas, runs, seed, executor=executor, progress=progress)
    return np.array([[episode_rps(s, ep.observed) for s, ep in zip(row, episodes, strict=True)]
                     for row in sims])


def refit(matrix: np.ndarray, held_out: int, accept: float) -> np.ndarray:
    """Indices of the thetas kept without episode ``held_out``: the best ``accept`` share."""
    others = np.delete(matrix, held_out, axis=1).mean(axis=1)
    keep = max(2, int(round(accept * matrix.shape[0])))
    return np.argsort(others, kind="stable")[:keep]


def held_out_scores(sim: Simulated, base: Simulated, path: Observed,
                    others: Sequence[Observed]) -> dict[str, Any]:
    """:func:`episode_scores` of the model on a held-out episode, with every reference.

    ``empirical`` is the base rates of the other episodes; ``uncalibrated`` is the model run
    with the scenario's own values (``base``), scored as a forecast of its own.
    """
    sim, cut = cut_to_common(sim, path)
    empirical = (empirical_climatology(others), empirical_events(others))
    row = episode_scores(sim, cut, *empirical)
    before = episode_scores(cut_to_common(base, path)[0], cut, *empirical)
    row["scores"]["uncalibrated"] = before["scores"]["model"]
    row["skill"]["uncalibrated"] = {
        key: float(skill(row["scores"]["model"][key], value))
        for key, value in before["scores"]["model"].items() if not key.startswith("cover")}
    return row


def table_row(scored: Mapping[str, Any]) -> dict[str, Any]:
    """Score key -> the model, each reference and the model's skill against each (rounded)."""
    out: dict[str, Any] = {}
    for key in SCORES:
        entry: dict[str, Any] = {name: _r(scored["scores"][name][key])
                                 for name in ("model", *REFERENCES)}
        if not key.startswith("cover"):
            for ref in REFERENCES:
                entry[f"skill_{ref}"] = _r(scored["skill"][ref][key])
        out[key] = entry
    return out


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(f"{x:.4g}")


def leave_one_out(episodes: Sequence[TrainingEpisode], full: Sequence[TrainingEpisode],
                  priors: Sequence[Prior], settings: LooSettings, *,
                  executor: Executor | None = None,
                  progress: Any = lambda _n: None) -> dict[str, Any]:
    """Refit without each episode and score it out of sample.

    Args:
        episodes: Training episodes as the calibration scores them (cut to its months).
        full: The same episodes with their whole windows (scored when held out).
        priors: Parameters and priors.
        settings: Design size, accepted share, posterior draws and runs.
        executor: Where ensembles are computed.
        progress: Gives a progress callback for a batch of this many runs.

    Returns:
        The JSON-able table: ``episodes`` (one row per held-out episode), ``pooled``,
        ``settings`` and ``parameters`` (each fold's posterior mean).
    """
    thetas = prior_design(priors, settings.design, settings.seed)
    matrix = rps_matrix(episodes, thetas, settings.runs, settings.seed, executor=executor,
                        progress=progress(len(thetas) * len(episodes) * settings.runs))
    rows: list[dict[str, Any]] = []
    scored_all: list[dict[str, Any]] = []
    rng = np.random.default_rng(settings.seed)
    for e, ep in enumerate(full):
        kept = refit(matrix, e, settings.accept)
        picks = rng.choice(kept, size=settings.draws, replace=True)
        draws = [thetas[i] for i in picks]
        seeds = [settings.seed + 1000 * (k + 1) for k in range(settings.draws)]
        total = settings.draws * settings.runs_per_draw
        sims = simulate([ep], draws, settings.runs_per_draw, settings.seed, executor=executor,
                        progress=progress(total), seeds=seeds)
        parts: dict[str, Any] = {
            f.name: None if getattr(sims[0][0], f.name) is None else
            np.concatenate([getattr(x[0], f.name) for x in sims])
            for f in dataclasses.fields(Simulated)}
        sim = Simulated(**parts)
        base = simulate([ep], [{}], total, settings.seed, executor=executor,
                        progress=progress(total))[0][0]
        others = [o.observed for k, o in enumerate(full) if k != e]
        scored = held_out_scores(sim, base, ep.observed, others)
        scored_all.append(scored)
        mean = {p.path: _r(float(np.mean([thetas[i][p.path] for i in kept]))) for p in priors}
        rows.append({"episode": ep.stem, "name": ep.name, "months": scored["months"],
                     "posterior_mean": mean, **table_row(scored)})
    pooled = {"months": sum(r["months"] for r in rows),
              **table_row(pooled_scores(scored_all))}
    return {"kind": "escsim leave-one-out", "version": 1, "escsim_version": escsim_version(),
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "settings": settings.to_dict(),
            "priors": {p.path: {"uniform": [p.low, p.high]} for p in priors},
            "n_episodes": len(rows), "episodes": rows, "pooled": pooled}
