"""``escsim sweep`` / ``escalation_sim.sweep``: outcome measures over a grid of parameters."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from escalation_sim.analysis.defaults import DEFAULT_METRIC
from escalation_sim.analysis.documents import SweepDocument
from escalation_sim.analysis.points import check_measure
from escalation_sim.analysis.sweep import (
    Axis,
    check_axes,
    parse_axis,
    run_sweep,
    sweep_dict,
    sweep_table,
)
from escalation_sim.commands.common import Loaded, Output
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor


@dataclass(frozen=True)
class SweepPlan:
    """A checked grid of one or two parameters over a loaded scenario."""

    loaded: Loaded
    axes: list[Axis]
    metrics: list[str]
    runs_from: str | None

    @property
    def total(self) -> int:
        """Runs to simulate: the scenario's runs at every point of the grid."""
        return math.prod(len(a.values) for a in self.axes) * self.loaded.scenario.runs

    def run(self, executor: Executor, progress: Progress | None = None
            ) -> Output[SweepDocument]:
        """Run every point with the scenario's seed (common random numbers)."""
        scenario = self.loaded.scenario
        result = run_sweep(scenario, self.axes, scenario.runs, scenario.seed, executor=executor,
                           progress=progress)
        header = self.loaded.header(scenario.runs, scenario.seed, self.runs_from)
        return Output(sweep_dict(result, self.metrics, header),
                      sweep_table(result, self.metrics))


def plan(loaded: Loaded, vary: Sequence[str], metrics: Sequence[str] | None = None, *,
         runs_from: str | None = None) -> SweepPlan:
    """Check the measures and the ``vary`` items against the scenario.

    Raises:
        ScenarioError: A ``vary`` item names no parameter or a value it cannot take.
        ValueError: An unknown measure, no axis or more than two, or one path twice.
    """
    chosen = [check_measure(m) for m in (metrics or [DEFAULT_METRIC])]
    axes = [parse_axis(item, loaded.scenario) for item in vary]
    check_axes(axes)
    return SweepPlan(loaded, axes, chosen, runs_from)
