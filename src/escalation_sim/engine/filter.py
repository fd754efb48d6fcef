"""An ensemble filtered through a crisis's record: a particle filter (docs/analysis.md, Nowcasting).

The runs are simulated from the record's start with the record's own scenario (its starting
state, trigger and dated changes). At the end of each month of the record before the forecast
starts, each run is weighed by the likelihood of the month's observed readings given its own
(``engine/assimilate.py``); when the weights grow uneven (effective size below
``assimilation.resample_below`` of the runs) the runs are resampled systematically, each row taking
a run's whole state and its parameter draws, so the filter updates the parameters too (a
bootstrap filter; Gordon, Salmond & Smith 1993; Doucet & Johansen 2011). At the forecast's day 0
the runs are resampled once more, to equal weights, and the forecast goes on from them
(``engine/state.Start``).

The filter runs in one process over all the runs (the resampling needs every weight), so its
result depends on the seed and the number of runs only, not on workers or chunks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from escalation_sim.engine.assimilate import (
    effective_size,
    month_log_likelihood,
    normalised,
    systematic_resample,
)
from escalation_sim.engine.calendar import DaySim
from escalation_sim.engine.errors import FilterCollapse
from escalation_sim.engine.state import Start
from escalation_sim.scenario.episode import LoadedEpisode, Observed, load_episode
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.schema import Assimilation, Scenario

FILTER_STREAM = 0x46494C54
"""Seed-sequence key of the resampling uniforms (``"FILT"``)."""

SMALL_ENSEMBLE = 200
"""Below this many runs a collapse says to use more runs rather than to check the scenario."""


@dataclass
class Filtered:
    """An ensemble filtered through a record, ready to forecast from.

    Attributes:
        start: The runs on the forecast's day 0, with equal weights, and their draws.
        record: The episode's name (file stem).
        months: Labels of the months assimilated (YYYY-MM), in order.
        ess: Effective size after weighing each month (before any resampling), in runs.
        resampled: Whether the runs were resampled after each month.
        log_evidence: ``log p(record | model)`` estimated by the filter: the sum over months of
            the log of the mean weight (Del Moral 2004); compares scenarios on one record.
        runs: Runs in the ensemble.
        parameters: Per drawn parameter path: its mean and sd over the runs before the filter
            and after (what the record moved).
        simulated_days: Days from the record's start to the forecast's day 0.
    """

    start: Start
    record: str
    months: list[str]
    ess: list[float]
    resampled: list[bool]
    log_evidence: float
    runs: int
    parameters: dict[str, dict[str, float]] = field(default_factory=dict)
    simulated_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON block of a summary (``assimilation``)."""
        return {"record": self.record, "months": self.months, "runs": self.runs,
                "ess": [round(x, 1) for x in self.ess],
                "ess_end": round(self.ess[-1], 1) if self.ess else float(self.runs),
                "resamplings": int(sum(self.resampled)),
                "log_evidence": round(self.log_evidence, 2),
                "simulated_days": self.simulated_days,
                "parameters": self.parameters}


def record_of(scenario: Scenario) -> LoadedEpisode:
    """The episode a scenario names as its record, checked against the scenario.

    Raises:
        ScenarioError: The episode cannot be read, starts on or after the forecast, names other
            actors, issues, incidents or demands than the scenario, or ends before the last
            month the filter needs (months missing).
    """
    if scenario.record is None:
        raise ValueError("the scenario names no record")
    try:
        loaded = load_episode(scenario.record)
    except ScenarioError as exc:
        raise ScenarioError(f"the episode cannot be read: {exc}", path="record",
                            value=scenario.record) from None
    episode, past = loaded.episode, loaded.scenario
    start = scenario.start_date
    if start is None:
        raise ScenarioError("a scenario with a record needs a start_date: the forecast starts "
                            "there and the record is read up to it", path="start_date")
    if episode.start_date >= start:
        raise ScenarioError(f"the record starts on {episode.start_date}, not before the "
                            f"forecast's start_date {start}: there is nothing to assimilate",
                            path="record", value=scenario.record)
    for what, mine, theirs in (("actors", list(scenario.actors), list(past.actors)),
                               ("issues", list(scenario.issues), list(past.issues)),
                               ("incidents", list(scenario.incidents), list(past.incidents)),
                               ("demands", [(d.actor, d.of, d.issue) for d in scenario.demands],
                                [(d.actor, d.of, d.issue) for d in past.demands])):
        if mine != theirs:
            raise ScenarioError(f"the record's scenario has other {what} ({theirs}) than this "
                                f"scenario ({mine}): the filtered runs could not go on here",
                                path="record", value=scenario.record)
    last = _month_start(start) - dt.timedelta(days=1)  # the last month read in full
    if episode.end_date < last:
        raise ScenarioError(f"the record ends on {episode.end_date}, but the forecast starts "
                            f"on {start}: months up to {last:%Y-%m} are missing", path="record",
                            value=scenario.record)
    return loaded


def _stem(loaded: LoadedEpisode) -> str:
    return Path(loaded.source).stem


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_ends(first: dt.date, until: dt.date) -> list[int]:
    """Day indices (from ``first``) at which each month up to ``until``'s has ended.

    Month 0 is ``first``'s month (from ``first`` on); a month counts if it ends before
    ``until``'s month begins.
    """
    ends: list[int] = []
    month = _month_start(first)
    while True:
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        if nxt > _month_start(until):
            return ends
        ends.append((nxt - first).days)
        month = nxt


def assimilate(scenario: Scenario, runs: int, seed: int | None = None,
               loaded: LoadedEpisode | None = None) -> Filtered:
    """Filter ``runs`` runs through ``scenario``'s record up to its start_date.

    Raises:
        ScenarioError: The record does not fit the scenario (``record_of``).
        FilterCollapse: The record is all but impossible under the model.
    """
    loaded = loaded or record_of(scenario)
    seed = scenario.seed if seed is None else seed
    assert scenario.start_date is not None
    days = (scenario.start_date - loaded.episode.start_date).days
    run = FilterRun(loaded, days, runs, seed, scenario.assimilation)
    before = _moments(run.sim.values)
    run.weigh_until(scenario.start_date)
    run.sim.advance(days)
    run.equalise()
    run.sim.close()
    after = _moments(run.sim.values)
    moved = {path: {"before_mean": before[path][0], "before_sd": before[path][1],
                    "after_mean": after[path][0], "after_sd": after[path][1]}
             for path in before}
    sim = run.sim
    return Filtered(Start(sim.state, {p: np.asarray(v) for p, v in sim.values.items()
                                      if np.ndim(v)}),
                    _stem(loaded), run.labels, run.ess, run.resampled, run.log_evidence, runs,
                    moved, days)


class FilterRun:
    """The runs of a record's scenario, weighed month by month as the record goes.

    Args:
        loaded: The record (an episode).
        days: Days to simulate from the record's start.
        runs: Runs in the ensemble.
        seed: Seed of the runs and of the resampling.
        settings: The observation model and the resampling thresholds.
    """

    def __init__(self, loaded: LoadedEpisode, days: int, runs: int, seed: int,
                 settings: Assimilation) -> None:
        self.loaded, self.runs, self.settings = loaded, runs, settings
        start = loaded.episode.start_date
        self.ends = month_ends(start, start + dt.timedelta(days=days))
        past = loaded.scenario.model_copy(update={"horizon_days": days, "runs": runs,
                                                  "seed": seed})
        self.sim = DaySim(past, seed, 0, runs, monthly=True, stops=self.ends)
        self.sim.open()
        self.observed = loaded.observed()
        self.log_w = np.zeros(runs)
        self.ess: list[float] = []
        self.resampled: list[bool] = []
        self.labels: list[str] = []
        self.log_evidence = 0.0
        self._uniforms = np.random.default_rng([seed, FILTER_STREAM]).random(len(self.ends) + 1)

    def weigh_until(self, origin: dt.date) -> None:
        """Weigh the runs by every whole month of the record before ``origin``'s month."""
        first = self.loaded.episode.start_date
        for m, end in enumerate(self.ends):
            if first + dt.timedelta(days=end) > _month_start(origin):
                break
            self.sim.advance(end)
            gain = _month_log_likelihood(self.sim, self.observed, m, self.settings.coding_error,
                                         self.settings.error_decay)
            prior = normalised(self.log_w)
            self.log_w += gain
            size = effective_size(self.log_w) if np.isfinite(self.log_w).any() else 0.0
            self.ess.append(size)
            self.labels.append(self.observed.labels[m])
            # Near one run carrying all the weight, or below the set share; an ensemble of one
            # or two runs has nothing to collapse.
            if size < max(min(1.5, self.runs / 2), self.settings.collapse_below * self.runs):
                where = (f"in {self.observed.labels[m]} the filter's effective size fell to "
                         f"{size:.1f} of {self.runs} runs, so there is no forecast from it")
                if self.runs < SMALL_ENSEMBLE:
                    raise FilterCollapse(f"too few runs to follow the record {_stem(self.loaded)}: "
                                         f"{where} (use a few hundred runs or more)")
                raise FilterCollapse(
                    f"the record {_stem(self.loaded)} is all but impossible under the model: "
                    f"{where} (check the scenario against the record, or raise "
                    "assimilation.coding_error)")
            top = float(gain.max())
            self.log_evidence += float(np.log(np.sum(prior * np.exp(gain - top)))) + top
            redraw = size < self.settings.resample_below * self.runs
            self.resampled.append(redraw)
            if redraw:
                self.sim.select(systematic_resample(self.log_w, self._uniforms[m]), salt=m)
                self.log_w[:] = 0.0

    def equalise(self) -> None:
        """Resample to equal weights (where the forecast starts), if they are not."""
        if np.ptp(self.log_w) > 0:
            self.sim.select(systematic_resample(self.log_w, self._uniforms[-1]),
                            salt=len(self.ends))
            self.log_w[:] = 0.0


def _month_log_likelihood(sim: DaySim, observed: Observed, m: int, error: float,
                          decay: float) -> np.ndarray:
    """Each run's log-likelihood of month ``m``'s observed readings."""
    rec = sim.record
    assert observed.material is not None and observed.declaratory is not None
    return month_log_likelihood(rec.month_material[:, :, m], rec.month_stance[:, :, m],
                                observed.material[:, m], observed.declaratory[:, m], error,
                                decay)


def _moments(values: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Mean and sd of each per-run value, rounded to 4 significant digits."""
    out = {}
    for path, v in values.items():
        if np.ndim(v):
            x = np.asarray(v, dtype=float)
            out[path] = (float(f"{x.mean():.4g}"), float(f"{x.std():.4g}"))
    return out
