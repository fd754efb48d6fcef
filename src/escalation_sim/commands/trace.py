"""``escsim trace`` / ``escalation_sim.trace``: one run of the ensemble as a dated event log."""

from __future__ import annotations

from dataclasses import dataclass

from escalation_sim.analysis.documents import TraceDocument
from escalation_sim.analysis.picks import PICKS
from escalation_sim.analysis.trace import Trace, pick_run, trace_run
from escalation_sim.commands.common import Loaded, Output
from escalation_sim.engine.ensemble import Progress, simulate
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.errors import term


class NoSuchRun(LookupError):
    """No run of the ensemble ended as ``pick`` asks (a runtime outcome, not bad input)."""


@dataclass(frozen=True)
class TraceOutput(Output[TraceDocument]):
    """The trace document (holds left out unless asked), the story, and why this run."""

    story: Trace | None = None
    why: str | None = None


@dataclass(frozen=True)
class TracePlan:
    """Which run to tell: run ``run_index``, or the one ``pick`` chooses after the ensemble."""

    loaded: Loaded
    run_index: int
    pick: str | None
    holds: bool

    @property
    def total(self) -> int:
        """Runs to simulate before the story: the ensemble for ``pick``, else none."""
        return self.loaded.scenario.runs if self.pick is not None else 0

    def run(self, executor: Executor | None, progress: Progress | None = None) -> TraceOutput:
        """Choose the run (running the ensemble for ``pick``) and tell it.

        Raises:
            NoSuchRun: No run ended as ``pick`` asks.
        """
        scenario = self.loaded.scenario
        index, why = self.run_index, None
        if self.pick is not None:
            result = simulate(scenario, executor=executor, keep_runs=True, progress=progress)
            assert result.runs is not None
            found = pick_run(result.runs, self.pick)
            outcome = PICKS[self.pick]
            if found is None:
                raise NoSuchRun(f"{term('--pick')} {self.pick}: none of the {scenario.runs:,} "
                                f"runs with seed {scenario.seed} ended in "
                                f"{str(outcome).replace('_', ' ')}; try more "
                                f"{term('--runs')} or another {term('--seed')}")
            index = found
            why = (f"{term('--pick')} {self.pick}: the median run of {scenario.runs:,}"
                   if outcome is None else
                   f"{term('--pick')} {self.pick}: the first of {scenario.runs:,} runs that "
                   f"ended in {outcome.replace('_', ' ')}")
        story = trace_run(scenario, index)
        doc = story.to_dict()
        if not self.holds:
            doc["events"] = [e for e in doc["events"] if e["kind"] != "hold"]
        return TraceOutput(doc, None, story, why)


def plan(loaded: Loaded, *, run: int | None = None, pick: str | None = None,
         holds: bool = False) -> TracePlan:
    """Check which run to tell.

    Raises:
        ValueError: Both ``run`` and ``pick``, an unknown ``pick``, or a run index past the
            ensemble.
    """
    scenario = loaded.scenario
    if run is not None and pick is not None:
        raise ValueError(f"{term('--run')} and {term('--pick')} exclude each other; give one")
    if pick is not None and pick not in PICKS:
        raise ValueError(f"{term('--pick')} {pick}: choose one of {', '.join(PICKS)}")
    index = run or 0
    if pick is None and index >= scenario.runs:
        raise ValueError(f"{term('--run')} {index}: the ensemble has {scenario.runs:,} runs (0 "
                         f"to {scenario.runs - 1}); choose a smaller K or raise "
                         f"{term('--runs')}")
    return TracePlan(loaded, index, pick, holds)
