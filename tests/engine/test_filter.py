"""The particle filter through a record (engine/filter.py): it learns, it forecasts better, it
keeps each run whole, it does not depend on workers, and it says when the record is impossible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from escalation_sim.analysis.backtest import rps, rung_probs
from escalation_sim.engine.calendar import DaySim, simulate_chunk
from escalation_sim.engine.ensemble import simulate
from escalation_sim.engine.errors import FilterCollapse
from escalation_sim.engine.filter import FilterRun, assimilate, month_ends, record_of
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.episode import Observed, month_labels
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
LATEST = REPO / "scenarios" / "latest.yaml"
PRIOR = "model.c_measure={uniform: [0.25, 5]}"
TRUTH = 4.5
DAYS = 400


@dataclass
class Window:
    start_date: dt.date
    end_date: dt.date
    name: str = "synthetic"


class Synthetic:
    """A record made by escsim: one run of base at the true parameters, read like a real one."""

    source = "synthetic.yaml"

    def __init__(self, run: int, seed: int = 11) -> None:
        truth = point_valued(load_scenario(BASE, [f"horizon_days={DAYS}",
                                                  f"model.c_measure={TRUTH}"]))
        runs = simulate_chunk(truth, seed, run, 1, monthly=True).runs
        months = runs["actor_month_max"].shape[-1]
        start = np.array([a.initial_rung for a in truth.actors.values()])
        self._observed = Observed(runs["actor_month_max"][0].astype(np.int64), start,
                                  month_labels(truth.start_date, months),
                                  runs["actor_month_material"][0].astype(np.int64),
                                  runs["actor_month_stance"][0].astype(np.int64))
        self.scenario = load_scenario(BASE, [f"horizon_days={DAYS}", PRIOR])
        assert truth.start_date is not None
        self.episode = Window(truth.start_date, truth.start_date + dt.timedelta(days=DAYS - 1))

    def observed(self) -> Observed:
        return self._observed


def origin_after(record: Synthetic, months: int) -> dt.date:
    first = record.episode.start_date
    return first + dt.timedelta(days=month_ends(first, first + dt.timedelta(days=DAYS))[months - 1])


@pytest.fixture(scope="module")
def records() -> list[Synthetic]:
    return [Synthetic(run) for run in range(8)]


@pytest.mark.slow
def test_the_posterior_concentrates_on_the_truth_as_months_are_added(records) -> None:
    found = {}
    for months in (3, 12):
        errors, sds = [], []
        for record in records:
            origin = origin_after(record, months)
            run = FilterRun(record, (origin - record.episode.start_date).days, 500, 5,
                            record.scenario.assimilation)  # type: ignore[arg-type]
            run.weigh_until(origin)
            run.equalise()
            drawn = np.asarray(run.sim.values["model.c_measure"])
            run.sim.close()
            errors.append(abs(drawn.mean() - TRUTH))
            sds.append(drawn.std())
        found[months] = (np.mean(errors), np.mean(sds))
    prior_error, prior_sd = abs((0.25 + 5) / 2 - TRUTH), (5 - 0.25) / np.sqrt(12)
    assert found[12][0] < found[3][0] < prior_error
    assert found[12][1] < found[3][1] < prior_sd


@pytest.mark.slow
def test_the_filtered_forecast_beats_the_unfiltered_one(records) -> None:
    gains = []
    for record in records:
        origin = origin_after(record, 8)
        m0 = 8
        scores = []
        for weigh in (True, False):  # the same runs and random numbers, weighed or not
            run = FilterRun(record, DAYS, 500, 5,
                            record.scenario.assimilation)  # type: ignore[arg-type]
            if weigh:
                run.weigh_until(origin)
            run.sim.advance((origin - record.episode.start_date).days)
            run.equalise()
            run.sim.advance(DAYS)
            month_max = run.sim.record.month_max
            run.sim.close()
            observed = record.observed().rung
            scores.append(np.mean([rps(rung_probs(month_max[:, :, m]), observed[:, m]).mean()
                                   for m in range(m0, observed.shape[1])]))
        gains.append(scores[1] - scores[0])
    assert np.mean(gains) > 0


def test_resampling_moves_each_runs_state_and_draws_together() -> None:
    # the capability gap's effect on the cost of a measure off, so that the cost compiled is
    # the value drawn
    scenario = load_scenario(BASE, ["horizon_days=30", PRIOR, "model.c_measure_gap=0"])
    sim = DaySim(scenario, 3, 0, 64)
    sim.state.grievance[0] = np.arange(64)  # a marker of each run
    drawn = np.asarray(sim.values["model.c_measure"]).copy()
    keys = sim.keys.copy()
    picks = np.array([5, 5, 7] + list(range(61)))
    sim.select(picks, salt=1)
    assert (sim.state.grievance[0] == picks).all()
    assert np.array_equal(np.asarray(sim.values["model.c_measure"]), drawn[picks])
    assert sim.params.c_measure.shape[-1] == 64
    assert np.allclose(sim.params.c_measure, drawn[picks])
    # copies of one run go their own ways from here
    assert len(set(sim.keys.tolist())) == 64 and not np.array_equal(sim.keys, keys)


@pytest.mark.slow
def test_the_filtered_forecast_does_not_depend_on_workers_or_chunks() -> None:
    scenario = load_scenario(LATEST, ["runs=2048", "horizon_days=30"])
    one = simulate(scenario, workers=1, keep_runs=True)
    two = simulate(scenario, workers=2, chunk_runs=1024, keep_runs=True)
    assert one.runs is not None and two.runs is not None
    for name, values in one.runs.items():
        assert np.array_equal(values, two.runs[name]), name
    assert one.assimilation is not None and two.assimilation is not None
    assert one.assimilation["ess"] == two.assimilation["ess"]


def test_a_record_that_does_not_fit_is_refused_in_one_line() -> None:
    latest = load_scenario(LATEST)
    with pytest.raises(ScenarioError, match="not before the forecast's start_date"):
        record_of(latest.model_copy(update={"start_date": dt.date(2024, 6, 1)}))
    with pytest.raises(ScenarioError, match="months up to 2026-08 are missing"):
        record_of(latest.model_copy(update={"start_date": dt.date(2026, 9, 15)}))
    with pytest.raises(ScenarioError, match="the episode cannot be read"):
        record_of(latest.model_copy(update={"record": "no_such_episode"}))
    other = load_scenario(REPO / "tests" / "scenario" / "minimal.yaml",
                          ["start_date=2026-03-06", "record=azerbaijan_russia_2024_2026"])
    with pytest.raises(ScenarioError, match="other issues"):
        record_of(other)


def test_an_impossible_record_stops_the_filter_instead_of_forecasting_from_one_run() -> None:
    latest = load_scenario(LATEST, ["assimilation.coding_error=0"])
    with pytest.raises(FilterCollapse, match="all but impossible"):
        assimilate(latest, 200)


def test_a_tiny_ensemble_is_forecast_as_it_stands_or_told_to_use_more_runs() -> None:
    latest = load_scenario(LATEST)
    for runs in (1, 2):  # one or two runs have nothing to collapse
        assert assimilate(latest, runs).runs == runs
    with pytest.raises(FilterCollapse, match="too few runs to follow the record"):
        assimilate(latest, 5)
