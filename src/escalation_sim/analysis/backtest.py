"""Backtest scores: how well the simulated distribution forecast an observed monthly path.

Pure functions on arrays. The simulation gives, per run, each actor's highest rung in each month
``(R, A, M)``; the episode gives the observed rungs R(a, m) (``Observed``, docs/episodes.md §6).
Scores (lower is better):

- ranked probability score (RPS) of each actor's observed monthly rung, scaled to 0-1 by the
  number of rung thresholds (Epstein 1969; Murphy 1971);
- Brier scores of "some actor has read force (rung >= 8) by month m" and "in some month up to m,
  every actor read engagement or better (<= 1)";
- coverage of the observed monthly rungs by the central 50% and 90% bands.

Each beside three reference forecasts, as a skill score ``1 - score / reference``:

- ``climatology``: the same runs' rung and event frequencies pooled over months;
- ``empirical``: the base rates of observed monthly rungs (and of the two events) pooled over
  other episodes (:func:`empirical_climatology`, :func:`empirical_events`);
- ``persistence``: the starting rungs carried forward.

:func:`episode_scores` scores one episode (point values, no resampling), :func:`pooled_scores`
pools several, and :func:`distance` makes one number of the pooled scores, for calibration.
:func:`backtest_scores` and :func:`report` add intervals from resampling runs (bootstrap) for
``escsim backtest`` on one episode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from escalation_sim.analysis.distance_terms import DISTANCE_TERMS, RPS_KEYS
from escalation_sim.analysis.stats import (
    Interval,
    decimals_for,
    json_float,
    round_significant,
    round_to,
)
from escalation_sim.analysis.verdict import REFERENCES, verdict
from escalation_sim.model.ladder import (
    ENGAGEMENT,
    LEGAL_COERCION,
    LIMITED_FORCE,
    N_RUNGS,
    STATUS_QUO,
    VERBAL_HOSTILITY,
)
from escalation_sim.scenario.episode import NONE, Observed, engaged_by_month, force_by_month

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
    return np.asarray(((cdf - obs_cdf) ** 2).sum(axis=-1) / (k - 1))


def brier(p: ArrayLike, observed: ArrayLike) -> np.ndarray:
    """Brier score of probability ``p`` for a binary outcome ``observed`` (elementwise)."""
    return np.asarray((np.asarray(p, dtype=float) - np.asarray(observed, dtype=float)) ** 2)


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


def crps(samples: np.ndarray, observed: ArrayLike) -> np.ndarray:
    """Continuous ranked probability score of an ensemble, elementwise (lower is better).

    ``E|X - y| - E|X - X'| / 2`` over the ensemble's members (Gneiting & Raftery 2007, eq. 21),
    a proper score: in expectation, no forecast beats the distribution the outcome is drawn
    from. For one member it is the absolute error.

    Args:
        samples: ``(R, ...)`` the ensemble's values, one row per run.
        observed: The outcome, broadcastable to ``samples.shape[1:]``.
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=0)
    n = x.shape[0]
    spread = np.abs(x - np.asarray(observed, dtype=float)).mean(axis=0)
    rank = (2.0 * np.arange(1, n + 1) - n - 1).reshape(-1, *([1] * (x.ndim - 1)))
    pairs = 2.0 * (rank * x).sum(axis=0) / n**2  # E|X - X'| from the sorted members
    return np.asarray(spread - pairs / 2.0)


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


def _resampled_scores(sim: Simulated, path: Observed, boot: int, seed: int,
                      empirical: np.ndarray | None = None,
                      empirical_rates: np.ndarray | None = None
                      ) -> dict[str, dict[str, np.ndarray]]:
    """``scores`` of ``boot`` bootstrap resamples, computed a block of resamples at a time."""
    parts = [scores(forecasts(sim, w), path, empirical, empirical_rates)
             for w in bootstrap_blocks(sim.month_max.shape[0], boot, seed)]

    def joined(name: str, key: str) -> np.ndarray:
        values = [p[name][key] for p in parts]  # fixed references do not resample: one value
        return values[0] if np.ndim(values[0]) == 0 else np.concatenate(values)

    return {name: {key: joined(name, key) for key in parts[0][name]} for name in parts[0]}


def onehot(rungs: np.ndarray) -> np.ndarray:
    """A sure forecast of the given rungs, ``(...,)`` -> ``(..., K)``."""
    return np.asarray((np.asarray(rungs)[..., None] == np.arange(N_RUNGS)).astype(float))


@dataclass(frozen=True)
class Simulated:
    """Per-run monthly arrays from the ensemble.

    Attributes:
        month_max: (R, A, M) each actor's highest reading in each month.
        month_min_top: (R, M) the lowest daily highest rung over actors in each month (kept
            for callers that have it; the scores read the events from ``month_max``).
        month_material: (R, A, M) each actor's highest measure in force (or force) in each
            month, -1 where none: the material track (docs/model.md §2).
        month_stance: (R, A, M) each actor's highest stance in each month: the declaratory
            track.
        imposed: (R, A) measures each actor imposed in the run.
        lifted: (R, A) measures each actor lifted in the run.
        first_meeting: (R,) the month of the run's first leader-level settlement (a summit
            the leaders accepted, docs/model.md §10), -1 where none came.
    """

    month_max: np.ndarray
    month_min_top: np.ndarray | None = None
    month_material: np.ndarray | None = None
    month_stance: np.ndarray | None = None
    imposed: np.ndarray | None = None
    lifted: np.ndarray | None = None
    first_meeting: np.ndarray | None = None

    @classmethod
    def from_runs(cls, runs: Mapping[str, np.ndarray], start_date: dt.date | None = None
                  ) -> Simulated:
        """From per-run arrays of a monthly evaluation (``actor_month_max`` …).

        With ``start_date`` (the scenario's day 0), the day of the first summit
        (``first_summit_day``) becomes its calendar month (month 0 holds day 0).
        """
        meeting = runs.get("first_summit_day")
        return cls(np.asarray(runs["actor_month_max"], dtype=np.int64),
                   runs.get("month_min_top"), runs.get("actor_month_material"),
                   runs.get("actor_month_stance"), runs.get("actor_imposed"),
                   runs.get("actor_lifted"),
                   None if meeting is None or start_date is None
                   else month_of_days(start_date, np.asarray(meeting)))

    def cut(self, months: int) -> Simulated:
        """The first ``months`` months only.

        The per-run counts of measures stay whole: the horizon simulated is the window scored.
        A first meeting after the window reads as none.
        """
        def first(x: np.ndarray | None) -> np.ndarray | None:
            return None if x is None else x[..., :months]
        meeting = None if self.first_meeting is None else \
            np.where(self.first_meeting < months, self.first_meeting, -1)
        return Simulated(self.month_max[..., :months], first(self.month_min_top),
                         first(self.month_material), first(self.month_stance), self.imposed,
                         self.lifted, meeting)

    def met_by(self) -> np.ndarray | None:
        """(R, M) the leaders had settled at a meeting by the end of month m (``None``: unknown)."""
        if self.first_meeting is None:
            return None
        months = np.arange(self.month_max.shape[-1])
        first = np.asarray(self.first_meeting)[:, None]
        return (first >= 0) & (first <= months)

    def force_by(self) -> np.ndarray:
        """(R, M) some actor had read force (rung >= 8) by the end of month m."""
        return force_by_month(self.month_max)

    def engaged_by(self) -> np.ndarray:
        """(R, M) in some month up to m, every actor's highest rung was engagement or better.

        The observed path is read the same way (docs/episodes.md §6).
        """
        return engaged_by_month(self.month_max)


def month_of_days(start: dt.date, days: np.ndarray) -> np.ndarray:
    """The calendar month (month 0 holds ``start``) of each day offset; -1 stays -1."""
    days = np.asarray(days, dtype=np.int64)
    when = np.datetime64(start, "D") + np.maximum(days, 0)
    months = (when.astype("datetime64[M]") - np.datetime64(start, "M")).astype(np.int64)
    return np.where(days >= 0, months, -1)


def forecasts(sim: Simulated, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The model's and climatology's forecasts from the runs (resampled by ``weights``).

    Returns ``rung`` (…, A, M, K), ``force`` and ``engaged`` (…, M) for the model, and the same
    keys prefixed ``clim_`` for climatology (pooled over months, broadcast back to each month).
    """
    probs = rung_probs(sim.month_max, weights)
    events = {"force": sim.force_by().astype(float), "engaged": sim.engaged_by().astype(float)}
    out = {"rung": probs, "clim_rung": np.broadcast_to(probs.mean(axis=-2, keepdims=True),
                                                       probs.shape)}
    tracks = {"material": None if sim.month_material is None
              else np.where(sim.month_material < 0, STATUS_QUO, sim.month_material),
              "declaratory": sim.month_stance}
    for key, months in tracks.items():
        if months is not None:
            track = rung_probs(np.asarray(months, dtype=np.int64), weights)
            out[key] = track
            out["clim_" + key] = np.broadcast_to(track.mean(axis=-2, keepdims=True),
                                                 track.shape)
    for key, x in events.items():
        p = x.mean(axis=0) if weights is None else weights @ x
        out[key] = p
        out["clim_" + key] = np.broadcast_to(p.mean(axis=-1, keepdims=True), p.shape)
    return out


def empirical_climatology(paths: Sequence[Observed]) -> np.ndarray:
    """Base rates of the observed monthly rungs, pooled over the actor-months of ``paths``.

    Each actor-month of each episode weighs the same. In leave-one-out, ``paths`` leaves out the
    episode being scored.

    Returns:
        ``(K,)`` the share of actor-months read at each rung (sums to 1).

    Raises:
        ValueError: ``paths`` is empty.
    """
    if not paths:
        raise ValueError("an empirical climatology needs at least one episode")
    counts = sum(np.bincount(np.asarray(p.rung).ravel(), minlength=N_RUNGS) for p in paths)
    return np.asarray(counts, dtype=float) / np.sum(counts)


def empirical_events(paths: Sequence[Observed]) -> np.ndarray:
    """Base rates of "force by month m" and "engaged by month m" over the months of ``paths``.

    Each month of each episode weighs the same, as for :func:`empirical_climatology`.

    Returns:
        ``(2,)``: the share of episode-months with force by then, and with engagement by then.

    Raises:
        ValueError: ``paths`` is empty.
    """
    if not paths:
        raise ValueError("an empirical climatology needs at least one episode")
    months = sum(len(p.labels) for p in paths)
    force = sum(int(p.force_by.sum()) for p in paths)
    engaged = sum(int(p.engaged_by.sum()) for p in paths)
    return np.array([force / months, engaged / months])


def scores(fc: dict[str, np.ndarray], path: Observed, empirical: np.ndarray | None = None,
           empirical_rates: np.ndarray | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Every score of the model and the references; arrays keep leading axes of ``fc``.

    Args:
        fc: The model's and climatology's forecasts (:func:`forecasts`).
        path: The observed path.
        empirical: ``(K,)`` the empirical climatology (:func:`empirical_climatology`); adds the
            reference ``empirical``.
        empirical_rates: ``(2,)`` its event rates (:func:`empirical_events`); without them the
            empirical reference's Brier scores are NaN.

    Returns:
        Reference name (``model``, ``climatology``, [``empirical``,] ``persistence``) -> score
        key -> value. Keys: ``rps_<a>`` for actor index a (mean over months) and ``rps`` (mean
        over actors and months), ``brier_force``, ``brier_engaged`` (mean over months),
        ``cover_50``, ``cover_90`` (share of actor-months covered).
    """
    cells = fc["rung"].shape[-3:]
    start_top = path.start.max()
    refs: dict[str, dict[str, np.ndarray]] = {}
    if empirical is not None:
        rates = np.full(2, np.nan) if empirical_rates is None else np.asarray(empirical_rates)
        refs["empirical"] = {
            "rung": np.broadcast_to(np.asarray(empirical, dtype=float), cells),
            "force": np.full(path.force_by.shape, float(rates[0])),
            "engaged": np.full(path.engaged_by.shape, float(rates[1]))}
    refs["persistence"] = {
        "rung": np.broadcast_to(onehot(path.start)[:, None, :], cells),
        "force": np.full(path.force_by.shape, float(start_top >= LIMITED_FORCE)),
        "engaged": np.full(path.engaged_by.shape, float(start_top <= ENGAGEMENT))}
    sources: list[tuple[str, Any]] = [("model", lambda key: fc.get(key)),
                                      ("climatology", lambda key: fc.get("clim_" + key))]
    sources += [(name, ref.get) for name, ref in refs.items()]
    out: dict[str, dict[str, np.ndarray]] = {}
    for name, get in sources:
        cell = rps(get("rung"), path.rung)  # (…, A, M)
        res = {f"rps_{a}": cell[..., a, :].mean(axis=-1) for a in range(cell.shape[-2])}
        res["rps"] = cell.mean(axis=(-2, -1))
        res["brier_force"] = brier(get("force"), path.force_by).mean(axis=-1)
        res["brier_engaged"] = brier(get("engaged"), path.engaged_by).mean(axis=-1)
        for level in BANDS:
            res[f"cover_{round(level * 100)}"] = covered(get("rung"), path.rung,
                                                         level).mean(axis=(-2, -1))
        for key, (observed, mask) in _tracks(path).items():
            forecast = get(key) if name != "persistence" else onehot(
                np.broadcast_to(_track_start(path, key)[:, None], observed.shape))
            if forecast is None or not mask.any():
                continue
            cell = rps(forecast, observed)
            res[f"rps_{key}"] = (cell * mask).sum(axis=(-2, -1)) / mask.sum()
        out[name] = res
    return out


def _tracks(path: Observed) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The observed readings of each track and the actor-months they score (§6).

    Deeds: the material reading, status quo where nothing material was done or in force (every
    actor-month scores). Words: the declaratory reading, only in months with a declaratory act.
    """
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if path.material is not None:
        out["material"] = (np.where(path.material == NONE, STATUS_QUO, path.material),
                           np.ones(path.material.shape, bool))
    if path.declaratory is not None:
        out["declaratory"] = (np.where(path.declaratory == NONE, STATUS_QUO, path.declaratory),
                              path.declaratory != NONE)
    return out


def _track_start(path: Observed, track: str) -> np.ndarray:
    """Persistence of a track: the starting reading's part on it (§6)."""
    if track == "material":
        return np.where(path.start > VERBAL_HOSTILITY, path.start, STATUS_QUO)
    return np.asarray(np.minimum(path.start, VERBAL_HOSTILITY))


POOLED_KEYS = ("rps", "rps_material", "rps_declaratory", "brier_force", "brier_engaged",
               "cover_50", "cover_90", "measures", "spells", "brier_force_episode",
               "brier_meeting")
"""Scores that pool across episodes (per-actor RPS does not: the actors differ)."""
Weighting = Literal["actor-month", "episode"]
POOL_SIZE = {"rps_declaratory": "declaratory_months", "measures": "episodes",
             "spells": "episodes", "brier_force_episode": "episodes",
             "brier_meeting": "meeting_months"}
"""What each pooled score is averaged over when it is not the actor-months (Brier scores: the
months); ``episodes`` weighs every episode the same."""


def _skills(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Skill of the model against each reference, per score key (coverage has none)."""
    model = table["model"]
    return {ref: {key: float(skill(model[key], value)) for key, value in row.items()
                  if not key.startswith("cover")}
            for ref, row in table.items() if ref != "model"}


def episode_scores(sim: Simulated, path: Observed, empirical: np.ndarray | None = None,
                   empirical_rates: np.ndarray | None = None,
                   episode_rates: np.ndarray | None = None) -> dict[str, Any]:
    """Point scores of one episode, with skills: no resampling, cheap enough for calibration.

    Args:
        sim: The runs' monthly rungs.
        path: The observed path.
        empirical: ``(K,)`` :func:`empirical_climatology` of the other episodes, or ``None``.
        empirical_rates: ``(2,)`` :func:`empirical_events` of the other episodes, or ``None``.
        episode_rates: ``(2,)`` :func:`empirical_episode_rates` of the other episodes, or
            ``None``.

    Returns:
        ``{"actor_months", "months", "declaratory_months", "meeting_months", "scores":
        {reference: {key: float}}, "skill": {reference: {key: float}}}`` with the keys of
        :func:`scores` and the summary statistics ``measures`` (:func:`measure_counts`),
        ``spells`` (:func:`spell_error`), ``brier_force_episode`` (:func:`force_in_episode`)
        and ``brier_meeting`` (:func:`meeting_brier`) where they can be read; the skill of the
        model is ``1 - model / reference`` (NaN where the reference is perfect).
    """
    point = scores(forecasts(sim), path, empirical, empirical_rates)
    table = {name: {key: float(value) for key, value in row.items()}
             for name, row in point.items()}
    actors, months = path.rung.shape
    said = int((path.declaratory != NONE).sum()) if path.declaratory is not None else 0
    counts = measure_counts(sim, path)
    if counts is not None:
        table["model"]["measures"], table["persistence"]["measures"] = counts
    for key, found in (("spells", spell_error(sim, path)),
                       ("brier_force_episode", force_in_episode(sim, path, episode_rates)),
                       ("brier_meeting", meeting_brier(sim, path, episode_rates))):
        for name, value in (found or {}).items():
            if name in table:
                table[name][key] = value
    met = path.met_by
    return {"actor_months": actors * months, "months": months, "declaratory_months": said,
            "meeting_months": months if met is not None and sim.first_meeting is not None
            else 0, "scores": table, "skill": _skills(table)}


SPELL_RUNG = LEGAL_COERCION
"""Spells are counted at this rung or above: legal coercion, the first rung of measures that
bite (closures, arrests; docs/model.md §2)."""


def spell_lengths(rungs: np.ndarray) -> np.ndarray:
    """Mean length in months of the spells at rung >= :data:`SPELL_RUNG` (0 where none).

    ``(..., A, M)`` rungs -> ``(..., A)`` lengths.

    A spell is a run of consecutive months at or above the rung; one cut by the window's end
    counts with the months it has in the window (the simulated and observed paths are cut
    alike).
    """
    at = np.asarray(rungs) >= SPELL_RUNG
    starts = at.copy()
    starts[..., 1:] &= ~at[..., :-1]
    n = starts.sum(axis=-1)
    return np.where(n > 0, at.sum(axis=-1) / np.maximum(n, 1), 0.0)


def spell_error(sim: Simulated, path: Observed) -> dict[str, float]:
    """How far the spells at rung >= 5 last in the model from the record (months, log scale).

    The mean over actors of the CRPS (:func:`crps`) of the runs' mean spell lengths against the
    record's, on ``log(1 + months)``: a proper score of the whole distribution over runs, not of
    its mean alone; and the same for persistence (the starting rung held for the whole window,
    one value: its absolute error). A model that lifts and imposes again every few months has
    short spells where the record holds a measure for a year.
    """
    observed = np.log1p(spell_lengths(path.rung))
    months = path.rung.shape[-1]
    held = np.log1p(np.where(path.start >= SPELL_RUNG, float(months), 0.0))
    model = crps(np.log1p(spell_lengths(sim.month_max)), observed)
    return {"model": float(model.mean()),
            "persistence": float(np.abs(held - observed).mean())}


def force_in_episode(sim: Simulated, path: Observed,
                     rates: np.ndarray | None = None) -> dict[str, float]:
    """Brier score of "some actor reads force (rung >= 8) in the window", once per episode.

    ``model``: the share of runs with force; ``persistence``: force at the start or not;
    ``empirical``: the share of the other episodes with force (``rates[0]`` of
    :func:`empirical_episode_rates`), where given.
    """
    observed = float(path.force_by[-1])
    out = {"model": float(brier(sim.force_by()[:, -1].mean(), observed)),
           "persistence": float(brier(float(path.start.max() >= LIMITED_FORCE), observed))}
    if rates is not None:
        out["empirical"] = float(brier(rates[0], observed))
    return out


def meeting_brier(sim: Simulated, path: Observed,
                  rates: np.ndarray | None = None) -> dict[str, float] | None:
    """Brier score of "the leaders have met by month m", averaged over months.

    It scores the time to the first leader-level meeting, censored at the window's end.

    The record's meetings are acts marked ``leaders: true`` (docs/episodes.md §7); the model's
    is its first leader-level settlement (a summit accepted by every leader, docs/model.md
    §10). ``persistence`` forecasts no meeting; ``empirical`` the share of the other episodes'
    months by which their leaders had met (``rates[1]``), where given. ``None`` when either
    side is unknown.
    """
    met, simulated = path.met_by, sim.met_by()
    if met is None or simulated is None:
        return None
    out = {"model": float(brier(simulated.mean(axis=0), met).mean()),
           "persistence": float(brier(np.zeros(met.shape), met).mean())}
    if rates is not None:
        out["empirical"] = float(brier(np.full(met.shape, rates[1]), met).mean())
    return out


def empirical_episode_rates(paths: Sequence[Observed]) -> np.ndarray:
    """The other episodes' rates for the episode-level statistics.

    Returns:
        ``(2,)``: the share of episodes in which some actor read force, and the share of
        months (of episodes whose meetings are read) by which the leaders had met.

    Raises:
        ValueError: ``paths`` is empty.
    """
    if not paths:
        raise ValueError("an empirical climatology needs at least one episode")
    force = float(np.mean([bool(p.force_by[-1]) for p in paths]))
    read = [p.met_by for p in paths if p.met_by is not None]
    months = sum(len(m) for m in read)
    met = sum(int(m.sum()) for m in read) / months if months else float("nan")
    return np.array([force, met])


def measure_counts(sim: Simulated, path: Observed) -> tuple[float, float] | None:
    """How far the measures imposed and lifted per actor lie from the record's (§6, deeds).

    The mean over actors, and over imposed and lifted, of the CRPS (:func:`crps`) of the runs'
    counts against the record's, on ``log(1 + count)``; and the same for persistence (no
    measure imposed or lifted: the absolute error of 0). Monthly readings cannot tell a measure
    kept for a year from one lifted and imposed again each month; these counts can. ``None``
    without the counts.
    """
    if sim.imposed is None or sim.lifted is None or path.imposed is None or path.lifted is None:
        return None
    found = []
    for simulated, observed in ((sim.imposed, path.imposed), (sim.lifted, path.lifted)):
        observed = np.log1p(observed.sum(axis=-1))
        found.append((crps(np.log1p(simulated), observed), observed))
    model = float(np.mean([c.mean() for c, _ in found]))
    persistence = float(np.mean([o.mean() for _, o in found]))
    return model, persistence


def pooled_scores(per_episode: Sequence[dict[str, Any]],
                  weighting: Weighting = "actor-month") -> dict[str, Any]:
    """Scores pooled over episodes, and skills of the pooled scores.

    Args:
        per_episode: :func:`episode_scores` of each episode.
        weighting: ``actor-month``: RPS and coverage are averaged over all actor-months of all
            episodes, Brier scores over all their months (a long episode weighs more);
            ``episode``: each episode's scores weigh the same.

    Returns:
        ``{"episodes", "actor_months", "months", "weighting", "scores", "skill"}``: the keys of
        :data:`POOLED_KEYS` for each reference that every episode has, and the skill
        ``1 - pooled model / pooled reference`` (not an average of skills).

    Raises:
        ValueError: ``per_episode`` is empty, or ``weighting`` is unknown.
    """
    if not per_episode:
        raise ValueError("pooling needs at least one episode")
    if weighting not in ("actor-month", "episode"):
        raise ValueError(f"weighting must be 'actor-month' or 'episode', not {weighting!r}")
    names = [n for n in per_episode[0]["scores"]
             if all(n in e["scores"] for e in per_episode)]
    table: dict[str, dict[str, float]] = {}
    for name in names:
        row = {}
        for key in POOLED_KEYS:
            size = POOL_SIZE.get(key, "months" if key.startswith("brier") else "actor_months")
            scored = [e for e in per_episode if key in e["scores"][name]]
            if not scored:
                continue
            w = np.array([e.get(size, 1.0) if weighting == "actor-month" else 1.0
                          for e in scored], dtype=float)
            values = np.array([e["scores"][name][key] for e in scored], dtype=float)
            row[key] = float(np.sum(w * values) / np.sum(w)) if w.sum() > 0 else float("nan")
        table[name] = row
    return {"episodes": len(per_episode),
            "actor_months": int(sum(e["actor_months"] for e in per_episode)),
            "months": int(sum(e["months"] for e in per_episode)),
            "weighting": weighting, "scores": table, "skill": _skills(table)}


def library_reference(exclude: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The empirical climatology and event rates of the bundled episodes, less ``exclude``.

    Args:
        exclude: An episode file left out (the episode being scored), if it is bundled.

    Returns:
        ``(empirical_climatology, empirical_events)`` of the other bundled episodes.
    """
    from escalation_sim.scenario import bundled
    from escalation_sim.scenario.episode import load_episode

    skip = Path(exclude).resolve() if exclude is not None else None
    paths = [load_episode(p).observed() for p in bundled.episode_files()
             if p.suffix == ".yaml" and p.resolve() != skip]
    return empirical_climatology(paths), empirical_events(paths)



def distance_terms(pooled: dict[str, Any]) -> dict[str, float]:
    """Each term of :func:`distance`, weighted: term key -> its share of the distance.

    A term whose score is missing or not finite (e.g. no episode reads its meetings) is left
    out.
    """
    model = pooled["scores"]["model"]
    out: dict[str, float] = {}
    for term in DISTANCE_TERMS:
        if term.key == "rps":
            found = [model[k] for k in RPS_KEYS if k in model and np.isfinite(model[k])]
            value = float(np.mean(found))
        elif term.key in model and np.isfinite(model[term.key]):
            value = float(model[term.key])
        else:
            continue
        out[term.key] = term.weight * value
    return out


def distance(pooled: dict[str, Any]) -> float:
    """One number for likelihood-free calibration (ABC): lower is closer to the record.

    The sum of :data:`DISTANCE_TERMS`: the mean of the pooled RPS of the reading and its two
    tracks ``+ 0.05 measures' count CRPS + 0.05 spells' length CRPS + 0.25 Brier of force by
    episode + 0.25 Brier of the first meeting`` (each where it can be read). The RPS terms
    reward forecasts near the observed rungs, on deeds and words apart; the counts and spells
    tell a measure kept for a year from one lifted and imposed again, which monthly readings
    cannot; the two Brier terms score the episode's turning points, force and the leaders'
    first meeting. Every term is a proper score of the runs' distribution, so the truth
    minimises the distance in expectation; the bands' coverage is reported, not fitted (a term
    such as ``|coverage - 90%|`` rewards bands that collapse or widen to hit the figure). No
    resampling: one call costs a few array passes.

    Args:
        pooled: :func:`pooled_scores` (or :func:`episode_scores` of a single episode).
    """
    return float(sum(distance_terms(pooled).values()))


def report_verdict(data: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`verdict` of a one-episode report (:func:`report`): its RPS skills, its bands."""
    rows = {row["score"]: row for row in data["scores"]}
    return verdict({ref: rows["rps"].get(f"skill_{ref}") for ref in data.get("references", [])},
                   rows["cover_90"]["model"])


def backtest_scores(sim: Simulated, path: Observed, *, boot: int = BOOTSTRAP,
                    seed: int = 0, empirical: np.ndarray | None = None,
                    empirical_rates: np.ndarray | None = None) -> dict[str, Any]:
    """Scores with skill versus the references, and bootstrap intervals.

    Returns a mapping score key -> ``{"model", "climatology", ["empirical",] "persistence",
    "model_ci", "skill_<reference>", "skill_<reference>_ci" …}`` (floats; NaN where undefined;
    coverages have no skill), plus ``"bootstrap"``: the resampled skill arrays, each of shape
    ``(boot,)`` (or a single value for a reference that does not depend on the runs).
    """
    point = scores(forecasts(sim), path, empirical, empirical_rates)
    resampled = _resampled_scores(sim, path, boot, seed, empirical, empirical_rates)
    alpha = (1 - CI_LEVEL) / 2
    refs = [name for name in point if name != "model"]
    result: dict[str, Any] = {}
    samples: dict[str, np.ndarray] = {}
    for key in point["model"]:
        row: dict[str, Any] = {name: float(point[name][key]) for name in point
                               if key in point[name]}
        row["model_ci"] = _interval(resampled["model"][key], alpha)
        for ref in () if key.startswith("cover") else [r for r in refs if key in point[r]]:
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
    "rps_material": "RPS deeds",
    "rps_declaratory": "RPS words",
    "measures": "measures count error",
    "brier_force": "Brier force",
    "brier_engaged": "Brier engaged",
    "cover_50": "cover 50%",
    "cover_90": "cover 90%",
}
"""What each score key measures (``rps_<actor>`` rows are named after the actor)."""


def report(sim: Simulated, path: Observed, actors: list[str], *, boot: int = BOOTSTRAP,
           seed: int = 0, empirical: np.ndarray | None = None,
           empirical_rates: np.ndarray | None = None) -> dict[str, Any]:
    """The backtest's JSON-able report.

    One row per score, rounded to the digits its bootstrap interval supports, and the per-month
    observed path (R, and its material and declaratory parts and incidents) beside the
    simulated one.
    """
    raw = backtest_scores(sim, path, boot=boot, seed=seed, empirical=empirical,
                          empirical_rates=empirical_rates)
    runs = sim.month_max.shape[0]
    refs = [name for name in raw["rps"] if name in REFERENCES]
    rows = []
    for key, row in raw.items():
        if key == "bootstrap":
            continue
        label = SCORE_LABELS.get(key) or \
            f"RPS {actors[int(key.split('_')[1])]}"
        low, high = row["model_ci"]
        model = Interval(row["model"], low, high, runs).rounded()
        places = decimals_for(model.half_width)
        entry: dict[str, Any] = {"score": key, "label": label,
                                 "model": model.to_dict(with_n=False)}
        for ref in refs:
            if ref not in row:
                entry[ref] = None
                continue
            entry[ref] = json_float(round_significant(row[ref]) if places is None else
                                    round_to(row[ref], max(places, 0)))
            if f"skill_{ref}" in row:
                low, high = row[f"skill_{ref}_ci"]
                entry[f"skill_{ref}"] = Interval(row[f"skill_{ref}"], low, high,
                                                 runs).rounded().to_dict(with_n=False)
        rows.append(entry)
    fc = forecasts(sim)
    lo50, hi50 = band(fc["rung"], 0.5)
    lo90, hi90 = band(fc["rung"], 0.9)
    cell = rps(fc["rung"], path.rung)

    def part(values: np.ndarray | None, i: int, m: int) -> int | None:
        return None if values is None or values[i, m] == NONE else int(values[i, m])

    months = [{"month": label,
               "observed": {a: int(path.rung[i, m]) for i, a in enumerate(actors)},
               "material": {a: part(path.material, i, m) for i, a in enumerate(actors)},
               "declaratory": {a: part(path.declaratory, i, m) for i, a in enumerate(actors)},
               "incidents": {a: 0 if path.incidents is None else int(path.incidents[i, m])
                             for i, a in enumerate(actors)},
               "rps": {a: json_float(round_to(float(cell[i, m]), 4))
                       for i, a in enumerate(actors)},
               "band_50": {a: [int(lo50[i, m]), int(hi50[i, m])] for i, a in enumerate(actors)},
               "band_90": {a: [int(lo90[i, m]), int(hi90[i, m])] for i, a in enumerate(actors)},
               "force_by": {"observed": bool(path.force_by[m]),
                            "p": json_float(round_to(float(fc["force"][m]), 3))},
               "engaged_by": {"observed": bool(path.engaged_by[m]),
                              "p": json_float(round_to(float(fc["engaged"][m]), 3))}}
              for m, label in enumerate(path.labels)]
    return {"runs": runs, "bootstrap": boot, "references": refs, "scores": rows,
            "months": months}


def calibration_words(scenarios: Sequence[Any], stems: Sequence[str]) -> dict[str, Any]:
    """Whether the scenarios scored draw from a calibration, the same one, fitted to them.

    Returns ``{calibrated, joint, in_sample, text}``: ``calibrated`` how many of the scenarios
    draw from a calibration's parameter sets; ``joint`` its name when they all draw from the
    same; ``in_sample`` whether every episode scored was among that calibration's (the bundled
    one's) training episodes, so the scores are in sample; ``text`` all that in words.
    """
    from escalation_sim.engine.draws import joint_samples

    joints = [tuple(joint_samples(s)) for s in scenarios]
    calibrated = sum(1 for j in joints if j)
    names = {j for js in joints for j in js}
    joint = next(iter(names)) if len(names) == 1 and calibrated == len(scenarios) else None
    trained = bundled_calibration_episodes(joint) if joint is not None else None
    in_sample = trained is not None and set(stems) <= set(trained)
    n = len(scenarios)
    if calibrated == 0:
        drawn = sum(1 for s in scenarios if s.priors)
        text = "scores at the scenarios' own parameters (no calibration's parameter sets" + (
            f"; {drawn} of {n} draw distributions of their own)" if drawn else ")")
    elif joint is None:
        text = (f"{calibrated} of {n} scenarios draw from a calibration, the others not, or "
                "from different ones: the scores mix models")
    else:
        text = ("scores of the calibrated model (each run draws one of the calibration's "
                "weighted parameter sets)" + ("; in sample: the calibration was fitted to "
                                              "these episodes" if in_sample else ""))
    return {"calibrated": calibrated, "scenarios": n, "joint": joint, "in_sample": in_sample,
            "text": text}


def bundled_calibration_episodes(joint: str) -> list[str] | None:
    """The training episodes of the bundled calibration if its joint name is ``joint``."""
    from escalation_sim.scenario.bundled import calibration_file
    from escalation_sim.scenario.load import PARTICLES_KEY, particle_specs
    from escalation_sim.scenario.yaml_io import read_document, read_file

    path = calibration_file("calibration.yaml")
    try:
        doc = read_document(read_file(path), str(path))
    except Exception:  # noqa: BLE001 - a missing or unreadable bundled file: unknown
        return None
    if PARTICLES_KEY not in doc.data:
        return None
    specs = particle_specs(doc)
    if not specs or next(iter(specs.values()))["particles"]["joint"] != joint:
        return None
    episodes = doc.data.get("episodes")
    return [str(e) for e in episodes] if isinstance(episodes, list) else None
