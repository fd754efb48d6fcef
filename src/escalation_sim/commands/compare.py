"""``escsim compare`` / ``escalation_sim.compare``: scenarios run with one seed, paired."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from escalation_sim.analysis.compare import (
    Comparison,
    Variant,
    compare,
    comparison_dict,
    comparison_table,
    unique_labels,
)
from escalation_sim.analysis.defaults import COMPARE_RUNS
from escalation_sim.analysis.documents import Comparison as ComparisonDocument
from escalation_sim.analysis.documents import Summary
from escalation_sim.analysis.summary import summarize
from escalation_sim.commands.common import Output, ScenarioSource, load, runs_from
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.edit import set_source
from escalation_sim.scenario.errors import ScenarioError, term
from escalation_sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Named:
    """A named variant of the first scenario.

    Attributes:
        name: Its label (``None``: ``variant``).
        items: Its ``PATH=VALUE`` overrides.
        origin: How messages name it (``--variant 'hot: …'``, ``variants['hot']``).
    """

    name: str | None
    items: list[str]
    origin: str


@dataclass(frozen=True)
class CompareOutput(Output[ComparisonDocument]):
    """The ``compare`` document and table, the comparison and each scenario's summary."""

    comparison: Comparison | None = None
    summaries: tuple[Summary, ...] = ()


@dataclass(frozen=True)
class ComparePlan:
    """Variants to run with one seed over the same runs."""

    variants: list[Variant]
    runs: int
    seed: int
    runs_from: str | None

    @property
    def total(self) -> int:
        """Runs to simulate: the runs of every variant."""
        return self.runs * len(self.variants)

    def run(self, executor: Executor, progress: Progress | None = None, *,
            keep_runs: bool = False) -> CompareOutput:
        """Run the variants and compare each with the first.

        Raises:
            ValueError: The variants simulate different numbers of days.
        """
        found = compare(self.variants, self.runs, self.seed, executor=executor,
                        progress=progress, keep_runs=keep_runs)
        summaries = tuple(summarize(r, v.path, v.sha256, overrides=list(v.overrides))
                          for v, r in zip(self.variants, found.results, strict=True))
        return CompareOutput(comparison_dict(found, summaries, self.runs_from),
                             comparison_table(found), found, summaries)


def label_of(source: ScenarioSource) -> str:
    """A scenario's label in the comparison: its file's stem, or its name."""
    if isinstance(source, Scenario):
        return source.name or "scenario"
    return Path(os.fspath(source)).stem


def load_variants(sources: Sequence[ScenarioSource], sets: Sequence[str],
                  named: Sequence[Named] = (), *, days: int | None = None) -> list[Variant]:
    """The scenarios to compare, loaded and validated; the first is the baseline.

    ``sets`` apply to every scenario; with one scenario and no ``named`` variant, they make
    the variant to compare it with. Each ``named`` variant is the first scenario with
    ``sets`` and its own items.

    Raises:
        ScenarioError: A scenario or an override is not valid (a named variant's item is
            reported as the variant's).
        ValueError: One scenario and nothing to compare it with.
    """
    inline = len(sources) == 1 and not named
    if not sources or (inline and not sets):
        raise ValueError(f"compare needs two or more scenarios, or one scenario with "
                         f"{term('--set')} or {term('--variant')} (e.g. escsim compare "
                         "base.yaml --set levers.crisis_hotline.enabled=true)")
    shared = [] if inline else list(sets)
    specs: list[tuple[str, ScenarioSource, list[str]]] = [
        (label_of(s), s, shared) for s in sources]
    if inline:
        specs.append(("variant", sources[0], list(sets)))
    origins: dict[str, str] = {}
    for variant in named:
        specs.append((variant.name or "variant", sources[0], shared + variant.items))
        origins.update({item: variant.origin for item in variant.items if item not in shared})
    labels = unique_labels([label for label, _, _ in specs])
    chosen = []
    for label, (_, source, items) in zip(labels, specs, strict=True):
        try:
            loaded = load(source, items, days=days)
        except ScenarioError as exc:
            for item, origin in origins.items():
                if exc.source == set_source(item):
                    exc.source = f"{origin} ({item})"
                    exc.args = (str(exc),)
            raise
        chosen.append(Variant(label, loaded.scenario, loaded.path, loaded.sha256, tuple(items)))
    return chosen


def plan(variants: list[Variant], *, runs: int | None = None,
         seed: int | None = None) -> ComparePlan:
    """Compare ``variants`` with one seed, ``runs`` each.

    ``runs`` defaults to ``COMPARE_RUNS``, ``seed`` to the first scenario's.
    """
    return ComparePlan(variants, runs or COMPARE_RUNS,
                       variants[0].scenario.seed if seed is None else seed, runs_from(runs))
