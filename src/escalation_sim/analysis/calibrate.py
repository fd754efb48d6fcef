"""Calibration across the episode library: likelihood-free ABC-SMC (pyabc) on backtest scores.

A parameter vector theta sets a few shared model weights (:data:`DEFAULT_PRIORS`). Its
*distance* from the record is computed from the training episodes, each simulated with theta for
R runs on one seed (common random numbers, so thetas differ by their values, not their dice):
:func:`escalation_sim.analysis.backtest.distance` of their pooled scores — the RPS of the
monthly readings and of their two tracks, the 90% bands' coverage, the measures imposed and
lifted, the spells at rung 5 or more, force by episode and the leaders' first meeting
(``distance_text()`` says it in words). pyabc's ``ABCSMC`` draws thetas from the priors, keeps
those whose distance is below a threshold that falls generation by generation (the median of
the last generation's distances: an adaptive epsilon), and perturbs the kept ones; its model
returns the distance itself as the one summary statistic (``{"distance": d}``, observed 0), read
back by a distance function that returns it unchanged.

pyabc asks its sampler for one particle at a time; :class:`BatchSampler` draws a whole batch of
proposals first, evaluates every (episode, theta) point of the batch through
:func:`escalation_sim.engine.ensemble.evaluate` (on escsim's executors; ``SETS_PER_CALL`` sets
per worker a call, each scored before the next) and then lets pyabc accept or reject each, in
the order drawn, so the result is the one a sequential sampler would give with the same random
numbers, only faster. Every theta simulated is kept with its episodes' scores
(:mod:`escalation_sim.analysis.evaluations`), for the leave-one-out refits.

The result (:class:`Posterior`) is the last generation's weighted sample. The calibration file
carries it as ``particles:``; a scenario that names the file (``calibration: FILE``) draws one
weighted parameter set per run (:mod:`escalation_sim.engine.draws`): no draw outside the range
searched, the posterior's correlations kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from escalation_sim.analysis.backtest import Simulated, episode_scores, pooled_scores
from escalation_sim.analysis.backtest import distance as backtest_distance
from escalation_sim.analysis.calibration_db import DatabaseRefused, check_db, mark_db
from escalation_sim.engine.ensemble import Point, Progress, evaluate, per_call
from escalation_sim.engine.executors import Executor, LocalExecutor
from escalation_sim.scenario.edit import with_values
from escalation_sim.scenario.episode import LoadedEpisode, Observed, load_episode
from escalation_sim.scenario.paths import parse_path, walk
from escalation_sim.scenario.schema import Scenario
from escalation_sim.versions import escsim_version

CALIBRATION_VERSION = 2
"""Version of the calibration file's layout (2: the weighted parameter sets, no summaries)."""
SETS_PER_CALL = 32
"""Parameter sets per worker simulated in one ``evaluate`` call and scored before the next:
every run's monthly arrays of a call are held until they are scored, and a batch of proposals
can hold 800 sets (at 23 episodes of 128 runs, all at once, a peak of 3.7 GiB). A point's
results do not depend on the batching (common random numbers), so neither do the distances."""


@dataclass(frozen=True)
class Prior:
    """A calibrated parameter's prior: uniform on ``[low, high]``, inside its documented range.

    Attributes:
        path: Dotted scenario path, e.g. ``model.w_issue``.
        low: Lowest value tried.
        high: Highest value tried.
        reason: Why this parameter, and why this range.
    """

    path: str
    low: float
    high: float
    reason: str = ""

    @property
    def key(self) -> str:
        """The parameter's name in pyabc's tables (no dots)."""
        return self.path.replace(".", "__")


DEFAULT_PRIORS: tuple[Prior, ...] = (
    Prior("model.w_demand", 0.0, 9.0,
          "Drive of an open demand: how hard a compeller presses (the library holds compellence "
          "that stopped at words and compellence by embargo). 0 to three times the default (3): "
          "a fit on 0-6 put its mass at the top."),
    Prior("model.c_measure", 0.25, 5.0,
          "Cost of imposing a measure on the relationship: how readily a side turns words into "
          "deeds. An eighth of the default (2) to 2.5 times it."),
    Prior("model.c_measure_gap", -2.0, 2.0,
          "How that cost follows the capability gap (a dyad covariate): whether a stronger side "
          "coerces more cheaply and a weaker one answers less (the library: the weaker side "
          "imposed nothing in 9 of 23 episodes). Either sign, up to a factor e^2 across the "
          "widest gap."),
    Prior("model.lift_rate", 0.1, 6.0,
          "Baseline hazard of lifting a measure on the day it is imposed: the library's measures "
          "last from days to years. Once in ten years to six times a year, around the library's "
          "1.7 (by maximum likelihood with entrenchment)."),
    Prior("model.lift_entrenchment", 0.0, 2.0,
          "How fast that hazard falls as a measure ages: whether a measure that outlasts its "
          "first months becomes the new status quo. 0 (a constant hazard) to 2.5 times the "
          "library's 0.8."),
    Prior("model.settle_lift", 0.0, 5.0,
          "Push of a settlement on lifting: whether leaders' repairs lift measures (the record: "
          "often not). 0 to 2.5 times the default (2)."),
    Prior("model.grievance_half_life_days", 5.0, 90.0,
          "Half-life of grievance: how long an incident keeps a side hostile. 5 days to 3 "
          "months around the default (20 days)."),
    Prior("model.absorption", 0.0, 1.0,
          "How far a much stronger side discounts a weaker side's hostility: who answers and "
          "who absorbs (the record: the stronger side often absorbs). The whole range."),
)
"""The parameters calibrated by default, with their priors and the reasons for them."""

DEFAULT_MAX_MONTHS = 12
"""Months of each training episode scored (the first ones): forecasts look a year ahead."""


@dataclass(frozen=True)
class TrainingEpisode:
    """An episode ready to score: its scenario cut to the months scored, and the record's path."""

    name: str
    stem: str
    scenario: Scenario
    observed: Observed
    actors: list[str]


def cut_observed(path: Observed, months: int) -> Observed:
    """The first ``months`` months of an observed path."""
    def cut(x: np.ndarray | None) -> np.ndarray | None:
        return None if x is None else x[:, :months]

    return Observed(path.rung[:, :months], path.start, path.labels[:months],
                    cut(path.material), cut(path.declaratory), cut(path.incidents),
                    cut(path.imposed), cut(path.lifted),
                    None if path.meeting is None else path.meeting[:months])


def training_episode(loaded: LoadedEpisode, max_months: int | None) -> TrainingEpisode:
    """An episode's scenario and observed path, cut to its first ``max_months`` months.

    The scenario's horizon ends with the last month scored, so no day is simulated in vain.
    """
    observed = loaded.observed()
    scenario = loaded.scenario
    months = len(observed.labels)
    if max_months is not None and months > max_months:
        start = loaded.episode.start_date
        year, month = divmod(start.month - 1 + max_months, 12)
        end = dt.date(start.year + year, month + 1, 1)
        scenario = with_values(scenario, {"horizon_days": (end - start).days})
        observed = cut_observed(observed, max_months)
    return TrainingEpisode(loaded.episode.name, Path(loaded.source).stem, scenario, observed,
                           list(scenario.actors))


def load_training(names: Sequence[str | Path], max_months: int | None = DEFAULT_MAX_MONTHS, *,
                  calibrated: bool = False) -> list[TrainingEpisode]:
    """Load episodes (files or bundled names) for calibration.

    Their scenarios are read without their ``calibration:`` (``calibrated=False``): a
    calibration fits the model from each scenario's own values, not from an earlier fit.

    Raises:
        ScenarioError: An episode cannot be read (one line naming file, key and value).
    """
    return [training_episode(load_episode(name, calibrated=calibrated), max_months)
            for name in names]


def check_priors(priors: Sequence[Prior], scenario: Scenario) -> None:
    """Check that each prior's path is a number and its range lies inside the allowed one.

    Raises:
        ValueError: A path is unknown, not a number, or its range is empty or out of bounds.
    """
    from escalation_sim.scenario.errors import ScenarioError

    for prior in priors:
        try:
            node, _ = walk(scenario, parse_path(prior.path))[-1]
        except ScenarioError as exc:
            raise ValueError(f"prior {prior.path}: {exc.message}") from None
        lo, hi = node.bounds
        if not node.numeric:
            raise ValueError(f"prior {prior.path}: is not a number")
        if not prior.low < prior.high or (lo is not None and prior.low < lo) or \
                (hi is not None and prior.high > hi):
            raise ValueError(f"prior {prior.path}: range [{prior.low}, {prior.high}] must be "
                             f"increasing and inside [{lo}, {hi}]")


def bounds_of(path: str, scenario: Scenario) -> tuple[float | None, float | None]:
    """The schema's closed range of a parameter."""
    node, _ = walk(scenario, parse_path(path))[-1]
    lo, hi = node.bounds
    return lo, hi


def simulate(episodes: Sequence[TrainingEpisode], thetas: Sequence[Mapping[str, Any]],
             runs: int, seed: int, *, executor: Executor | None = None,
             progress: Progress | None = None, seeds: Sequence[int] | None = None
             ) -> list[list[Simulated]]:
    """Simulate every episode with every theta: ``result[i][e]`` for theta i and episode e.

    All points go to one :func:`evaluate` call, so an executor can batch them. Each point is
    run over runs ``0 .. runs-1`` with ``seed`` (or ``seeds[i]`` for theta i).
    """
    points = [Point(with_values(ep.scenario, dict(theta)) if theta else ep.scenario,
                    seed if seeds is None else seeds[i])
              for i, theta in enumerate(thetas) for ep in episodes]
    results = evaluate(points, runs, executor=executor or LocalExecutor(1), monthly=True,
                       keep_runs=True, progress=progress)
    sims = [Simulated.from_runs(r.runs, p.scenario.start_date)  # type: ignore[arg-type]
            for r, p in zip(results, points, strict=True)]
    n = len(episodes)
    return [sims[i * n:(i + 1) * n] for i in range(len(thetas))]


def cut_to_common(sim: Simulated, path: Observed) -> tuple[Simulated, Observed]:
    """The simulated and observed months that both cover (the first ones)."""
    months = min(sim.month_max.shape[-1], path.rung.shape[-1])
    return sim.cut(months), cut_observed(path, months)


def episode_rps(sim: Simulated, path: Observed) -> float:
    """The model's RPS over the episode's actor-months (months the simulation covers)."""
    sim, path = cut_to_common(sim, path)
    return float(episode_scores(sim, path)["scores"]["model"]["rps"])


def model_scores(sims: Sequence[Simulated], episodes: Sequence[TrainingEpisode]
                 ) -> list[dict[str, Any]]:
    """Each episode's model scores and sizes.

    What :func:`distance` pools, and what the evaluations table keeps for the leave-one-out
    refits.
    """
    out = []
    for sim, ep in zip(sims, episodes, strict=True):
        scored = episode_scores(*cut_to_common(sim, ep.observed))
        out.append({key: value for key, value in scored.items() if key != "skill"} |
                   {"scores": {"model": scored["scores"]["model"]}})
    return out


def pooled_distance(per_episode: Sequence[Mapping[str, Any]]) -> float:
    """:func:`analysis.backtest.distance` of episodes' :func:`model_scores`."""
    return backtest_distance(pooled_scores([dict(e) for e in per_episode]))


def distance(sims: Sequence[Simulated], episodes: Sequence[TrainingEpisode]) -> float:
    """The calibration's distance: :func:`analysis.backtest.distance` of the pooled scores.

    The mean of the pooled RPS of the monthly readings and of their two tracks over every
    actor-month of the training episodes, plus penalties for 90% bands whose pooled coverage is
    away from 90%, for the measures' counts and the spells at rung 5 or more, and the Brier
    scores of force by episode and of the leaders' first meeting. Lower is better.
    """
    return pooled_distance(model_scores(sims, episodes))


@dataclass
class Settings:
    """The calibration's settings (stored in the calibration file)."""

    population: int = 200
    generations: int = 6
    runs: int = 128
    seed: int = 1
    max_months: int | None = DEFAULT_MAX_MONTHS

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {"population": self.population, "generations": self.generations,
                "runs": self.runs, "seed": self.seed, "max_months": self.max_months}


@dataclass
class Posterior:
    """The last generation: parameter values ``(n, p)`` with normalised weights ``(n,)``.

    ``generations`` holds, per generation, its threshold, the parameter sets simulated and
    accepted, and the effective sample size of its weights.
    """

    priors: list[Prior]
    values: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    epsilons: list[float] = field(default_factory=list)
    evaluations: int = 0
    generations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ess(self) -> float:
        """Effective sample size of the weights, ``1 / Σ w²``."""
        return float(1.0 / np.sum(self.weights ** 2))

    def draw(self, n: int, seed: int) -> list[dict[str, float]]:
        """``n`` thetas drawn from the weighted sample (with replacement)."""
        rng = np.random.default_rng(seed)
        rows = rng.choice(len(self.weights), size=n, p=self.weights)
        return [{p.path: float(self.values[r, j]) for j, p in enumerate(self.priors)}
                for r in rows]

    def marginal(self, j: int) -> dict[str, float]:
        """Weighted mean, sd and 5/50/95% quantiles of parameter ``j``, and its sd ratio.

        ``sd_ratio`` is the sd over the uniform prior's: 1 learns nothing, near 0 pins it down.
        """
        x, w = self.values[:, j], self.weights
        mean = float(w @ x)
        sd = math.sqrt(max(float(w @ (x - mean) ** 2), 0.0))
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        at = np.minimum(np.searchsorted(cdf, [0.05, 0.5, 0.95]), len(x) - 1)
        q = [float(v) for v in x[order][at]]
        prior = self.priors[j]
        prior_sd = (prior.high - prior.low) / math.sqrt(12.0)
        return {"mean": mean, "sd": sd, "q05": q[0], "median": q[1], "q95": q[2],
                "sd_ratio": sd / prior_sd}

    def correlations(self) -> np.ndarray:
        """``(p, p)`` weighted correlations of the parameters."""
        x = self.values - self.weights @ self.values
        cov = (x * self.weights[:, None]).T @ x
        sd = np.sqrt(np.maximum(np.diag(cov), 1e-300))
        return np.asarray(cov / np.outer(sd, sd))


def _round(x: float) -> float:
    return float(f"{x:.4g}")


PARTICLE_DIGITS = 6
"""Significant digits of the parameter sets kept in the calibration file."""


def _exact(x: float) -> float:
    return float(f"{x:.{PARTICLE_DIGITS}g}")


def calibration_document(post: Posterior, episodes: Sequence[TrainingEpisode],
                         settings: Settings, scenario: Scenario, *, wall_s: float,
                         workers: int) -> dict[str, Any]:
    """The calibration file's content (YAML-able).

    ``particles:`` is what scenarios draw from (``calibration: FILE``, one weighted set per
    run); ``parameters:`` says, per parameter, the range searched and why, the posterior's
    summary and its sd against the prior's; ``generations:`` the epsilon schedule, the sets
    simulated and the effective sample size of each generation.
    """
    from escalation_sim.analysis.distance_terms import DISTANCE_TERMS, distance_text

    marginals = [post.marginal(j) for j in range(len(post.priors))]
    corr = post.correlations()
    return {
        "calibration_version": CALIBRATION_VERSION,
        "escsim_version": escsim_version(),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "method": "ABC-SMC (pyabc), adaptive epsilon (the median distance of the generation "
                  "before); scenarios draw one weighted parameter set per run",
        "distance": {"definition": distance_text(),
                     "weights": {t.key: t.weight for t in DISTANCE_TERMS},
                     "epsilons": [_round(e) for e in post.epsilons],
                     "posterior_mean": _round(float(post.weights @ post.distances)),
                     "posterior_min": _round(float(post.distances.min())),
                     "evaluations": int(post.evaluations),
                     "wall_seconds": round(wall_s, 1)},
        "generations": [{k: (_round(v) if isinstance(v, float) else v) for k, v in g.items()}
                        for g in post.generations],
        "effective_sample_size": _round(post.ess),
        "parameters": {p.path: {"prior": {"uniform": [p.low, p.high]}, "reason": p.reason,
                                "posterior": {k: _round(v) for k, v in m.items()
                                              if k != "sd_ratio"},
                                "sd_ratio": _round(m["sd_ratio"])}
                       for p, m in zip(post.priors, marginals, strict=True)},
        "correlations": {"parameters": [p.path for p in post.priors],
                         "matrix": [[_round(float(v)) for v in row] for row in corr]},
        "episodes": [ep.stem for ep in episodes],
        "settings": {**settings.to_dict(), "workers": workers},
        "particles": {"parameters": [p.path for p in post.priors],
                      "weights": [_exact(float(w)) for w in post.weights],
                      "distances": [_round(float(d)) for d in post.distances],
                      "values": [[_exact(float(v)) for v in row] for row in post.values]},
    }


def posterior_of(doc: Mapping[str, Any], priors: Sequence[Prior] | None = None) -> Posterior:
    """The weighted sample stored in a calibration document.

    Version 2 keeps it as ``particles:``, version 1 as ``posterior:``.
    """
    sample = doc.get("particles") or doc["posterior"]
    known = {p.path: p for p in (priors or DEFAULT_PRIORS)}
    described = doc.get("parameters") or {}
    searched = doc.get("searched", {})

    def prior(path: str) -> Prior:
        if path in described:
            low, high = described[path]["prior"]["uniform"]
            return Prior(path, float(low), float(high), described[path].get("reason", ""))
        if path in known:
            return known[path]
        low, high = searched[path]["uniform"]
        return Prior(path, float(low), float(high))

    found = [prior(path) for path in sample["parameters"]]
    weights = np.asarray(sample["weights"], dtype=float)
    eps = [float(e) for e in (doc.get("distance") or {}).get("epsilons", [])]
    return Posterior(found, np.asarray(sample["values"], dtype=float).reshape(len(weights), -1),
                     weights / weights.sum(), np.asarray(sample["distances"], dtype=float),
                     eps, int((doc.get("distance") or {}).get("evaluations", 0)),
                     list(doc.get("generations") or []))


# --- ABC-SMC ----------------------------------------------------------------------------------

GenerationHook = Callable[[int, float, int, int], None]
"""Called after each generation with (t, epsilon, accepted, evaluated)."""


class Evaluator:
    """pyabc's model: theta -> ``{"distance": d}``, read from what the sampler computed.

    With ``db``, every theta simulated is kept there with its generation and its episodes'
    scores (:mod:`escalation_sim.analysis.evaluations`).
    """

    def __init__(self, episodes: Sequence[TrainingEpisode], priors: Sequence[Prior], runs: int,
                 seed: int, executor: Executor, progress: Callable[[int], Progress | None],
                 db: Path | None = None) -> None:
        self.episodes, self.priors, self.runs, self.seed = episodes, list(priors), runs, seed
        self.executor, self.progress, self.db = executor, progress, db
        self.cache: dict[tuple[float, ...], float] = {}
        self.evaluations = 0

    def key(self, theta: Mapping[str, float]) -> tuple[float, ...]:
        """The cache key of a pyabc parameter."""
        return tuple(float(theta[p.key]) for p in self.priors)

    def values(self, theta: Mapping[str, float]) -> dict[str, float]:
        """A pyabc parameter as scenario path -> value."""
        return {p.path: float(theta[p.key]) for p in self.priors}

    def prefetch(self, thetas: Sequence[Mapping[str, float]], generation: int = 0) -> None:
        """Compute the distance of every theta, ``SETS_PER_CALL`` per worker at a time."""
        todo = [t for t in thetas if self.key(t) not in self.cache]
        if not todo:
            return
        bar = self.progress(len(todo) * len(self.episodes) * self.runs)
        scored: list[list[dict[str, Any]]] = []
        for some in per_call(todo, SETS_PER_CALL, self.executor):
            sims = simulate(self.episodes, [self.values(t) for t in some], self.runs, self.seed,
                            executor=self.executor, progress=bar)
            scored += [model_scores(per_episode, self.episodes) for per_episode in sims]
        for theta, per_episode in zip(todo, scored, strict=True):
            self.cache[self.key(theta)] = pooled_distance(per_episode)
        if self.db is not None:
            from escalation_sim.analysis.evaluations import record

            record(self.db, generation, [self.key(t) for t in todo], scored)
        self.evaluations += len(todo)

    def __call__(self, theta: Mapping[str, float]) -> dict[str, float]:
        """The model pyabc calls: the distance as the one summary statistic."""
        key = self.key(theta)
        if key not in self.cache:
            self.prefetch([theta])
        return {"distance": self.cache.pop(key)}


def read_distance(x: Mapping[str, float], _x0: Mapping[str, float]) -> float:
    """The distance for pyabc: the model already returned it."""
    return float(x["distance"])


def make_batch_sampler(evaluator: Evaluator, batch: int) -> Any:
    """A pyabc sampler that evaluates proposals a batch at a time through ``evaluator``."""
    from pyabc.inference_util.inference_util import (
        _simulate_one,
        evaluate_proposal,
        generate_valid_proposal,
    )
    from pyabc.sampler import Sampler

    class BatchSampler(Sampler):  # type: ignore[misc]
        """Draw proposals in batches, evaluate each batch at once, accept in order drawn."""

        def sample_until_n_accepted(self, n: int, simulate_one: Any, t: int, *,
                                    max_eval: float = np.inf, all_accepted: bool = False,
                                    ana_vars: Any = None) -> Any:
            sample = self._create_empty_sample()
            made = 0
            plain = getattr(simulate_one, "func", None) is _simulate_one
            kw = simulate_one.keywords if plain else {}
            proposal_keys = ("t", "m", "p", "model_prior", "parameter_priors",
                             "model_perturbation_kernel", "transitions")
            eval_keys = ("t", "models", "summary_statistics", "distance_function", "eps",
                         "acceptor", "x_0", "weight_function", "proposal_id")
            while sample.n_accepted < n and made < max_eval:
                if not plain:  # e.g. a calibration sample from the prior: one at a time
                    particle = simulate_one()
                    sample.append(particle)
                    made += 1
                    continue
                rate = sample.n_accepted / made if made else 1.0
                want = n - sample.n_accepted
                size = int(min(max(batch, math.ceil(want / max(rate, 0.05))), 4 * batch))
                proposals = [generate_valid_proposal(**{k: kw[k] for k in proposal_keys})
                             for _ in range(size)]
                evaluator.prefetch([theta for _, theta in proposals], int(kw["t"]))
                for m, theta in proposals:
                    if sample.n_accepted >= n:
                        evaluator.cache.pop(evaluator.key(theta), None)
                        continue
                    sample.append(evaluate_proposal(m, theta,
                                                    **{k: kw[k] for k in eval_keys}))
                    made += 1
            self.nr_evaluations_ = made
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return BatchSampler()


def run_abc(episodes: Sequence[TrainingEpisode], priors: Sequence[Prior], settings: Settings,
            db: Path, *, resume: bool = False, executor: Executor | None = None,
            progress: Callable[[int], Progress | None] = lambda _: None,
            on_generation: GenerationHook | None = None) -> Posterior:
    """Run (or continue) ABC-SMC and return the last generation.

    Args:
        episodes: Training episodes.
        priors: Parameters and their uniform priors.
        settings: Population, generations, runs per point, seed.
        db: pyabc's history (SQLite); a new run needs it absent (it is created and marked as
            escsim's, :mod:`escalation_sim.analysis.calibration_db`), ``resume`` needs one
            escsim made.
        resume: Continue the run stored in ``db`` up to ``settings.generations`` generations.
        executor: Where ensembles are computed.
        progress: Gives a progress callback for a batch of this many runs (or None).
        on_generation: Called after each generation.

    Raises:
        DatabaseRefused: ``resume`` and ``db`` is not an intact database escsim made; or a new
            run and something is already at ``db``.
    """
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    np.random.seed(settings.seed)  # pyabc draws with numpy's global generator
    evaluator = Evaluator(episodes, priors, settings.runs, settings.seed,
                          executor or LocalExecutor(1), progress, db)
    prior = pyabc.Distribution(**{p.key: pyabc.RV("uniform", p.low, p.high - p.low)
                                  for p in priors})
    abc = pyabc.ABCSMC(evaluator, prior, read_distance, population_size=settings.population,
                       sampler=make_batch_sampler(evaluator, settings.population),
                       eps=pyabc.QuantileEpsilon(
                           # a new run accepts its first generation whole (a prior sample); a
                           # resumed one starts from the median distance of its last generation
                           initial_epsilon="from_sample" if resume else np.inf, alpha=0.5))
    url = f"sqlite:///{db}"
    if resume:
        check_db(db)  # before pyabc touches it
        abc.load(url, _last_run(url))
    else:
        if os.path.lexists(db):
            raise DatabaseRefused("exists; a new calibration needs a new database")
        abc.new(url, {"distance": 0.0})
        mark_db(db)
    history = abc.history
    for _ in range(settings.generations - (history.max_t + 1)):
        abc.run(max_nr_populations=1)  # one at a time: a report after each, resumable
        if on_generation is not None:
            last = history.get_all_populations().iloc[-1]
            on_generation(int(last["t"]), float(last["epsilon"]),
                          settings.population, int(last["samples"]))
    return last_population(history, priors)


def _last_run(url: str) -> int:
    import pyabc

    return int(pyabc.History(url).all_runs()[-1].id)


def last_population(history: Any, priors: Sequence[Prior]) -> Posterior:
    """The last generation stored in a pyabc history, with every generation's figures."""
    particles = history.get_population(t=history.max_t).particles
    values = np.array([[float(pt.parameter[p.key]) for p in priors] for pt in particles])
    weights = np.array([pt.weight for pt in particles], dtype=float)
    dists = np.array([pt.distance for pt in particles], dtype=float)
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    eps = [float(e) for e in pops["epsilon"].to_numpy() if np.isfinite(e)]
    generations = []
    for _, row in pops.iterrows():
        t = int(row["t"])
        _, w = history.get_distribution(m=0, t=t)
        w = np.asarray(w, dtype=float)
        w = w / w.sum()
        generations.append({"generation": t + 1,
                            "epsilon": float(row["epsilon"]) if np.isfinite(row["epsilon"])
                            else None,
                            "simulated": int(row["samples"]), "accepted": int(len(w)),
                            "ess": float(1.0 / np.sum(w ** 2))})
    return Posterior(list(priors), values, weights / weights.sum(), dists, eps,
                     int(pops["samples"].sum()), generations)
