"""``escsim sensitivity`` / ``escalation_sim.sensitivity``: which drivers decide the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from escalation_sim.analysis.defaults import DEFAULT_RUNS, DEFAULT_SAMPLES, METHODS
from escalation_sim.analysis.documents import SensitivityDocument
from escalation_sim.analysis.sensitivity import (
    Factor,
    check_factors,
    default_factors,
    design,
    parse_factor,
    run_sensitivity,
    sensitivity_dict,
    sensitivity_table,
)
from escalation_sim.commands.common import Loaded, Output, runs_from
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.errors import term


@dataclass(frozen=True)
class SensitivityPlan:
    """Checked factors, a method and a design size over a loaded scenario."""

    loaded: Loaded
    factors: list[Factor]
    method: str
    samples: int
    runs: int
    points: int
    runs_from: str | None

    @property
    def total(self) -> int:
        """Runs to simulate: ``runs`` at every point of the design."""
        return self.points * self.runs

    def run(self, executor: Executor, progress: Progress | None = None
            ) -> Output[SensitivityDocument]:
        """Run every design point with the scenario's seed and compute the indices."""
        scenario = self.loaded.scenario
        result = run_sensitivity(scenario, self.factors, method=self.method,
                                 samples=self.samples, runs=self.runs, seed=scenario.seed,
                                 executor=executor, progress=progress)
        header = self.loaded.header(self.runs, scenario.seed, self.runs_from)
        return Output(sensitivity_dict(result, header), sensitivity_table(result))


def plan(loaded: Loaded, params: Sequence[str] | None = None, *, method: str = "sobol",
         samples: int | None = None, runs: int | None = None) -> SensitivityPlan:
    """Check the method, the factors (``params`` or the defaults) and the sample size.

    Raises:
        ScenarioError: A ``params`` item names no parameter or a range it cannot take.
        ValueError: An unknown method, an unusable sample size, fewer than two factors.
    """
    if method not in METHODS:
        raise ValueError(f"{term('--method')} {method!r} is not known; use one of: "
                         f"{', '.join(METHODS)}")
    scenario = loaded.scenario
    factors = ([f for item in params for f in parse_factor(item, scenario)] if params
               else default_factors(scenario))
    check_factors(factors)
    n = samples or DEFAULT_SAMPLES[method]
    points = design(factors, method, n, scenario.seed).shape[0]
    return SensitivityPlan(loaded, factors, method, n, runs or DEFAULT_RUNS, int(points),
                           runs_from(runs))
