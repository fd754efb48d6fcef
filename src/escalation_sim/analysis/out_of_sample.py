"""Leave-one-out evaluation: refit without each episode, score it out of sample.

The refit uses the calibration's own machinery: every parameter set its ABC-SMC simulated is
kept with each episode's scores (:mod:`escalation_sim.analysis.evaluations`), so the ABC
posterior without episode *e* is an importance reweighting of those sets: each set weighs
``prior / (deterministic mixture of the generations' proposals)``, and is kept if its distance
on the *other* episodes is within the calibration's last threshold (raised, if need be, until
the refit's effective sample size reaches ``min_ess``). The held-out record plays no part in the
weights. The held-out episode, loaded without any calibration, is then simulated over its whole
window with that refit as a joint sample of parameter sets — each run draws one set, as a
calibrated scenario's runs do (:mod:`escalation_sim.engine.draws`) — so its bands include the
parameters' uncertainty, and is scored beside four references:

- ``climatology``: the model's own monthly frequencies pooled over months (as ``backtest``);
- ``empirical``: the base rates of the monthly rungs (and of force and engagement) observed in
  the other episodes;
- ``persistence``: the starting rungs carried forward (no change);
- ``uncalibrated``: the episode's scenario with its own values (the model before calibration).

Pooled scores weigh every actor-month (and month, for the Brier scores) of every episode alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.backtest import (
    Simulated,
    empirical_climatology,
    empirical_episode_rates,
    empirical_events,
    episode_scores,
    pooled_scores,
    skill,
)
from escalation_sim.analysis.calibrate import (
    Posterior,
    TrainingEpisode,
    cut_to_common,
    pooled_distance,
    simulate,
)
from escalation_sim.analysis.evaluations import (
    Evaluations,
    abc_weights,
    ess,
    mixture_log_weights,
    threshold,
)
from escalation_sim.analysis.out_of_sample_note import (  # re-exported
    BUNDLED as BUNDLED,
)
from escalation_sim.analysis.out_of_sample_note import line_of as line_of
from escalation_sim.analysis.out_of_sample_note import (
    out_of_sample_line as out_of_sample_line,
)
from escalation_sim.analysis.out_of_sample_note import read_table as read_table
from escalation_sim.analysis.verdict import verdict
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.episode import Observed
from escalation_sim.scenario.priors import PARTICLES, Distribution
from escalation_sim.versions import escsim_version

REFERENCES = ("climatology", "empirical", "persistence", "uncalibrated")
"""What the model's out-of-sample scores are compared with."""
SCORES = ("rps", "rps_material", "rps_declaratory", "brier_force", "brier_engaged",
          "brier_force_episode", "brier_meeting", "measures", "spells", "cover_50", "cover_90")
"""Score keys of each episode and of the pool (the summary statistics where they are read)."""


@dataclass
class LooSettings:
    """Settings of the leave-one-out evaluation (stored with its results)."""

    runs: int = 512
    min_ess: float = 50.0
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {"refit": "importance reweighting of every parameter set the calibration "
                         "simulated (deterministic mixture of its proposals), kept within the "
                         "calibration's last threshold on the other episodes",
                "runs": self.runs, "min_ess": self.min_ess, "seed": self.seed}


def held_out_scores(sim: Simulated, base: Simulated, path: Observed,
                    others: Sequence[Observed]) -> dict[str, Any]:
    """:func:`episode_scores` of the model on a held-out episode, with every reference.

    ``empirical`` is the base rates of the other episodes; ``uncalibrated`` is the model run
    with the scenario's own values (``base``), scored as a forecast of its own.
    """
    sim, cut = cut_to_common(sim, path)
    empirical = (empirical_climatology(others), empirical_events(others),
                 empirical_episode_rates(others))
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
    model = scored["scores"]["model"]
    for key in SCORES:
        if key not in model:
            continue
        entry: dict[str, Any] = {name: _r(scored["scores"].get(name, {}).get(key))
                                 for name in ("model", *REFERENCES)}
        if not key.startswith("cover"):
            for ref in REFERENCES:
                entry[f"skill_{ref}"] = _r(scored["skill"].get(ref, {}).get(key))
        out[key] = entry
    return out


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(f"{x:.4g}")


@dataclass
class Refit:
    """The calibration's simulated parameter sets and their importance weights (log)."""

    posterior: Posterior
    evaluations: Evaluations
    log_weights: np.ndarray
    epsilon: float

    def fold(self, held_out: int, min_ess: float) -> tuple[np.ndarray, float, float]:
        """Weights of the sets without episode ``held_out``: ``(weights, epsilon, ess)``."""
        distances = np.array([pooled_distance([e for k, e in enumerate(per) if k != held_out])
                              for per in self.evaluations.scores])
        eps = threshold(self.log_weights, distances, self.epsilon, min_ess)
        weights = abc_weights(self.log_weights, distances, eps)
        return weights, eps, ess(weights)


def refit_of(posterior: Posterior, evaluations: Evaluations, log_q: np.ndarray) -> Refit:
    """The importance weights of every simulated set (``log_q`` from ``log_proposals``).

    The refits keep the sets within the calibration's last threshold; a calibration of one
    generation (the prior sample, kept whole) has none, and its refits keep every set.
    """
    lows = np.array([p.low for p in posterior.priors])
    highs = np.array([p.high for p in posterior.priors])
    log_prior = -float(np.sum(np.log(highs - lows)))
    log_w = mixture_log_weights(log_q, evaluations.generation, log_prior)
    last = posterior.epsilons[-1] if posterior.epsilons else float("inf")
    return Refit(posterior, evaluations, log_w, last)


def joint_values(posterior: Posterior, values: np.ndarray, weights: np.ndarray,
                 joint: str) -> dict[str, dict[str, Any]]:
    """Scenario values that draw the weighted sets jointly, one set per run (``particles``)."""
    keep = weights > 0
    kept = tuple(float(w) for w in weights[keep])
    return {p.path: Distribution(PARTICLES, tuple(float(v) for v in values[keep, j]),
                                 weights=kept, joint=joint).to_data()
            for j, p in enumerate(posterior.priors)}


def leave_one_out(refit: Refit, episodes: Sequence[TrainingEpisode],
                  settings: LooSettings, *, executor: Executor | None = None,
                  progress: Any = lambda _n: None) -> dict[str, Any]:
    """Refit without each episode and score it out of sample.

    Args:
        refit: The calibration's simulated sets and their weights (:func:`refit_of`); their
            scores are of the calibration's episodes, in its order.
        episodes: The same episodes, loaded without calibration, with their whole windows
            (scored when held out).
        settings: Runs per held-out episode, the smallest effective sample size of a refit.
        executor: Where ensembles are computed.
        progress: Gives a progress callback for a batch of this many runs.

    Returns:
        The JSON-able table: ``episodes`` (one row per held-out episode, with its refit's
        threshold, effective sample size and posterior mean), ``pooled`` and ``settings``.
    """
    rows: list[dict[str, Any]] = []
    scored_all: list[dict[str, Any]] = []
    paths = refit.posterior.priors
    for e, ep in enumerate(episodes):
        weights, eps, size = refit.fold(e, settings.min_ess)
        values = refit.evaluations.values
        thetas = joint_values(refit.posterior, values, weights, f"leave-one-out:{ep.stem}")
        both = simulate([ep], [thetas, {}], settings.runs, settings.seed, executor=executor,
                        progress=progress(2 * settings.runs))
        others = [o.observed for k, o in enumerate(episodes) if k != e]
        scored = held_out_scores(both[0][0], both[1][0], ep.observed, others)
        scored_all.append(scored)
        mean = {p.path: _r(float(weights @ values[:, j])) for j, p in enumerate(paths)}
        rows.append({"episode": ep.stem, "name": ep.name, "months": scored["months"],
                     "epsilon": _r(eps), "ess": _r(size),
                     "posterior_mean": mean, **table_row(scored)})
    pooled = pooled_scores(scored_all)
    table = {"months": sum(r["months"] for r in rows), **table_row(pooled)}
    table["verdict"] = verdict({ref: pooled["skill"][ref]["rps"]
                                for ref in ("climatology", "empirical", "persistence")},
                               pooled["scores"]["model"]["cover_90"])["text"]
    return {"kind": "escsim leave-one-out", "version": 2, "escsim_version": escsim_version(),
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "settings": settings.to_dict(),
            "priors": {p.path: {"uniform": [p.low, p.high]} for p in paths},
            "n_episodes": len(rows), "episodes": rows, "pooled": table}
