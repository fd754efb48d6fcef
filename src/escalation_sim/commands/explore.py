"""``escsim explore`` / ``escalation_sim.explore``: an experiments table under uncertainty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from escalation_sim.analysis.defaults import DEFAULT_RUNS, EXPLORE_SAMPLES
from escalation_sim.analysis.discovery import Condition, parse_condition
from escalation_sim.analysis.documents import ExploreDocument
from escalation_sim.analysis.explore import (
    Exploration,
    Uncertainty,
    check_samples,
    check_uncertainties,
    default_uncertainties,
    experiments_table,
    explore_dict,
    parse_param,
    run_explore,
)
from escalation_sim.commands.common import Loaded, Output, runs_from
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor


@dataclass(frozen=True)
class ExploreOutput(Output[ExploreDocument]):
    """The ``explore`` document, the experiments table and the exploration itself."""

    result: Exploration | None = None


@dataclass(frozen=True)
class ExplorePlan:
    """Checked uncertainties, a sample size and an optional condition to discover."""

    loaded: Loaded
    uncertainties: list[Uncertainty]
    samples: int
    runs: int
    condition: Condition | None
    sampled: str
    runs_from: str | None

    @property
    def total(self) -> int:
        """Runs to simulate: ``runs`` for every sample."""
        return self.samples * self.runs

    def run(self, executor: Executor, progress: Progress | None = None) -> ExploreOutput:
        """Sample, run every sample with the scenario's seed, find the boxes if asked."""
        scenario = self.loaded.scenario
        result = run_explore(scenario, self.uncertainties, samples=self.samples, runs=self.runs,
                             seed=scenario.seed, executor=executor, progress=progress,
                             condition=self.condition)
        doc = explore_dict(result, self.loaded.header(self.runs, scenario.seed,
                                                      self.runs_from), self.sampled)
        return ExploreOutput(doc, experiments_table(result), result)


def plan(loaded: Loaded, params: Sequence[str] | None = None, *,
         samples: int = EXPLORE_SAMPLES, runs: int | None = None, discover: str | None = None,
         weights: bool = False) -> ExplorePlan:
    """Check the condition, the uncertainties (``params`` or the defaults) and the samples.

    Raises:
        ScenarioError: A ``params`` item names no parameter or a range it cannot take.
        ValueError: A malformed condition, no parameter or one twice, a bad sample size.
    """
    condition = parse_condition(discover) if discover is not None else None
    found = ([u for item in params for u in parse_param(item, loaded.scenario)] if params
             else default_uncertainties(loaded.scenario, weights=weights))
    check_uncertainties(found)
    check_samples(samples)
    sampled = "given" if params else "actionable and weights" if weights else "actionable"
    return ExplorePlan(loaded, found, samples, runs or DEFAULT_RUNS, condition, sampled,
                       runs_from(runs))
