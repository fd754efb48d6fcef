"""``escsim run`` / ``escalation_sim.run``: one ensemble and its summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from escalation_sim.analysis.documents import Summary
from escalation_sim.analysis.summary import summarize, timing_of
from escalation_sim.analysis.tables import daily_table
from escalation_sim.commands.common import Loaded, Output
from escalation_sim.engine.calendar import ChunkResult
from escalation_sim.engine.ensemble import PointResult, Progress, simulate
from escalation_sim.engine.executors import Executor


@dataclass(frozen=True)
class RunOutput(Output[Summary]):
    """The summary (``document``), the daily table (``table``), the ensemble and its timing."""

    result: PointResult | None = None
    timing: dict[str, Any] | None = None


@dataclass(frozen=True)
class RunPlan:
    """An ensemble of one loaded scenario."""

    loaded: Loaded

    @property
    def total(self) -> int:
        """Runs to simulate."""
        return self.loaded.scenario.runs

    def run(self, executor: Executor, progress: Progress | None = None, *,
            on_runs: Callable[[ChunkResult], None] | None = None,
            keep_runs: bool = False) -> RunOutput:
        """Simulate the ensemble and summarise it.

        Args:
            executor: Where chunks run.
            progress: Told the runs finished so far.
            on_runs: Given each chunk's per-run arrays as it finishes (``--out`` streams them).
            keep_runs: Keep every run's arrays in ``result.runs`` (the API's tables).
        """
        scenario = self.loaded.scenario
        result = simulate(scenario, executor=executor, progress=progress, on_runs=on_runs,
                          keep_runs=keep_runs)
        summary = summarize(result, self.loaded.path, self.loaded.sha256,
                            overrides=list(self.loaded.overrides))
        return RunOutput(summary, daily_table(result.aggregate, scenario), result,
                         timing_of(result, executor.workers))


def plan(loaded: Loaded) -> RunPlan:
    """The ensemble of ``loaded`` (its runs, days and seed)."""
    return RunPlan(loaded)
