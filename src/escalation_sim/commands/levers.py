"""``escsim levers`` / ``escalation_sim.levers``: the levers ranked by their paired effect."""

from __future__ import annotations

from dataclasses import dataclass

from escalation_sim.analysis.defaults import LEVERS_RUNS
from escalation_sim.analysis.documents import LeversDocument
from escalation_sim.analysis.levers import (
    DEFAULT_BY,
    RANK_BY,
    lever_names,
    rank_levers,
    ranking_dict,
    ranking_table,
)
from escalation_sim.commands.common import Loaded, Output, runs_from
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.errors import term


@dataclass(frozen=True)
class LeversPlan:
    """The scenario, each lever switched and all levers on, ranked by one measure."""

    loaded: Loaded
    runs: int
    by: str
    runs_from: str | None

    @property
    def total(self) -> int:
        """Runs to simulate: the scenario, one variant per lever, all levers."""
        return self.runs * (len(lever_names(self.loaded.scenario)) + 2)

    def run(self, executor: Executor, progress: Progress | None = None
            ) -> Output[LeversDocument]:
        """Run the variants with the scenario's seed and rank the levers."""
        scenario, loaded = self.loaded.scenario, self.loaded
        ranking = rank_levers(scenario, self.runs, scenario.seed, executor=executor,
                              path=loaded.path, sha256=loaded.sha256, progress=progress,
                              by=RANK_BY[self.by])
        doc = ranking_dict(ranking, loaded.header(self.runs, scenario.seed, self.runs_from))
        return Output(doc, ranking_table(doc))


def plan(loaded: Loaded, *, runs: int | None = None, by: str = DEFAULT_BY) -> LeversPlan:
    """Rank the levers of ``loaded`` by ``by`` (``standoff`` or ``force``).

    Raises:
        ValueError: ``by`` is not one of them.
    """
    if by not in RANK_BY:
        raise ValueError(f"{term('--by')} {by}: choose one of {', '.join(RANK_BY)}")
    return LeversPlan(loaded, runs or LEVERS_RUNS, by, runs_from(runs))
