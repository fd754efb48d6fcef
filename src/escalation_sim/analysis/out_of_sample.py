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

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from escalation_sim.analysis.backtest import (
    BANDS,
    Simulated,
    brier,
    covered,
    forecasts,
    onehot,
    rps,
    skill,
)
from escalation_sim.analysis.calibrate import (
    Prior,
    TrainingEpisode,
    episode_rps,
    simulate,
)
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.model.ladder import ENGAGEMENT, LIMITED_FORCE, N_RUNGS
from escalation_sim.scenario.episode import Observed

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
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {"refit": "ABC rejection on a shared prior sample", "design": self.design,
                "accept": self.accept, "draws": self.draws,
                "runs_per_draw": self.runs_per_draw, "runs_per_design_point": self.runs,
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


def empirical_forecast(paths: Sequence[Observed]) -> tuple[np.ndarray, float, float]:
    """Base rates over other episodes: rung frequencies ``(K,)``, P(force by m), P(engaged by m).

    Every observed actor-month (month, for the events) of every episode counts once.
    """
    rungs = np.concatenate([p.month_max.ravel() for p in paths])
    probs = np.bincount(rungs, minlength=N_RUNGS)[:N_RUNGS] / rungs.size
    force = float(np.mean(np.concatenate([p.force_by for p in paths])))
    engaged = float(np.mean(np.concatenate([p.engaged_by for p in paths])))
    return probs, force, engaged


def cell_scores(rung: np.ndarray, force: np.ndarray, engaged: np.ndarray, path: Observed
                ) -> dict[str, np.ndarray]:
    """Per actor-month RPS and coverage, per month Brier scores, of one forecast."""
    out = {"rps": rps(rung, path.month_max),
           "brier_force": brier(force, path.force_by),
           "brier_engaged": brier(engaged, path.engaged_by)}
    for level in BANDS:
        out[f"cover_{round(level * 100)}"] = covered(rung, path.month_max, level).astype(float)
    return out


def episode_cells(sim: Simulated, base: Simulated, path: Observed,
                  empirical: tuple[np.ndarray, float, float]) -> dict[str, dict[str, np.ndarray]]:
    """Cell scores of the model and of every reference on one held-out episode."""
    months = min(sim.month_max.shape[-1], path.month_max.shape[-1])
    path = Observed(path.month_max[:, :months], path.force_by[:months],
                    path.engaged_by[:months], path.start, path.labels[:months])
    fc, fb = forecasts(_cut(sim, months)), forecasts(_cut(base, months))
    probs, p_force, p_engaged = empirical
    shape = fc["rung"].shape
    start_top = int(path.start.max())
    return {
        "model": cell_scores(fc["rung"], fc["force"], fc["engaged"], path),
        "climatology": cell_scores(fc["clim_rung"], fc["clim_force"], fc["clim_engaged"], path),
        "empirical": cell_scores(np.broadcast_to(probs, shape), np.full(months, p_force),
                                 np.full(months, p_engaged), path),
        "persistence": cell_scores(np.broadcast_to(onehot(path.start)[:, None, :], shape),
                                   np.full(months, float(start_top >= LIMITED_FORCE)),
                                   np.full(months, float(start_top <= ENGAGEMENT)), path),
        "uncalibrated": cell_scores(fb["rung"], fb["force"], fb["engaged"], path),
    }


def _cut(sim: Simulated, months: int) -> Simulated:
    return Simulated(sim.month_max[..., :months], sim.month_min_top[..., :months])


def summarise(cells: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, Any]:
    """Mean scores of the model and references, and the model's skill against each."""
    means = {name: {key: float(np.mean(v)) for key, v in c.items()} for name, c in cells.items()}
    row: dict[str, Any] = {}
    for key in SCORES:
        entry: dict[str, Any] = {name: _r(means[name][key]) for name in means}
        if not key.startswith("cover"):
            for ref in REFERENCES:
                entry[f"skill_{ref}"] = _r(float(skill(means["model"][key], means[ref][key])))
        row[key] = entry
    return row


def _r(x: float) -> float | None:
    return None if not np.isfinite(x) else float(f"{x:.4g}")


def pool(all_cells: Sequence[Mapping[str, Mapping[str, np.ndarray]]]
         ) -> dict[str, dict[str, np.ndarray]]:
    """Cells of every episode pooled (each actor-month counts once)."""
    names = all_cells[0].keys()
    return {name: {key: np.concatenate([np.ravel(c[name][key]) for c in all_cells])
                   for key in all_cells[0][name]} for name in names}


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
    rows, cells_all = [], []
    rng = np.random.default_rng(settings.seed)
    for e, ep in enumerate(full):
        kept = refit(matrix, e, settings.accept)
        picks = rng.choice(kept, size=settings.draws, replace=True)
        draws = [thetas[i] for i in picks]
        seeds = [settings.seed + 1000 * (k + 1) for k in range(settings.draws)]
        bar = progress((settings.draws + 1) * settings.runs_per_draw)
        sims = simulate([ep], [*draws, {}], settings.runs_per_draw, settings.seed,
                        executor=executor, progress=bar, seeds=[*seeds, settings.seed])
        sim = Simulated(np.concatenate([s[0].month_max for s in sims[:-1]]),
                        np.concatenate([s[0].month_min_top for s in sims[:-1]]))
        others = [o.observed for k, o in enumerate(full) if k != e]
        cells = episode_cells(sim, sims[-1][0], ep.observed, empirical_forecast(others))
        cells_all.append(cells)
        mean = {p.path: _r(float(np.mean([thetas[i][p.path] for i in kept]))) for p in priors}
        rows.append({"episode": ep.stem, "name": ep.name,
                     "months": int(cells["model"]["brier_force"].size),
                     "posterior_mean": mean, **summarise(cells)})
    pooled = summarise(pool(cells_all))
    return {"kind": "escsim leave-one-out", "version": 1,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "settings": settings.to_dict(),
            "priors": {p.path: {"uniform": [p.low, p.high]} for p in priors},
            "n_episodes": len(rows), "episodes": rows, "pooled": pooled}


def out_of_sample_line(path: str | Path) -> str | None:
    """One line on how the model scored out of sample, from a leave-one-out JSON file.

    ``None`` when the file is missing or not a leave-one-out table.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        pooled, n = doc["pooled"], int(doc["n_episodes"])
        c90, c50 = pooled["cover_90"]["model"], pooled["cover_50"]["model"]
        sk = pooled["rps"]["skill_climatology"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if c90 is None or c50 is None:
        return None
    skill_text = "" if sk is None else f"; RPS skill vs climatology {sk:+.2f}"
    return (f"on {n} past crises, each held out in turn, the 90% bands held {c90:.0%} of "
            f"observed months (50% bands: {c50:.0%}){skill_text}")
