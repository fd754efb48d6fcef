"""``escsim levers``: which de-escalation lever helps most, ranked by paired effect.

The scenario is run as it is and once per lever with that lever switched (on where it is off,
off where it is already on), and once with every lever on — all with one seed, so every
variant sees the same random numbers run by run (common random numbers, as in
:mod:`escalation_sim.analysis.compare`). A lever's *effect* on a measure is the measure with
the lever on minus the measure with it off, estimated from the paired runs with a 95%
interval; negative effects are reductions. Levers are ranked by their effect on the measure
chosen (``by``: P(coercive standoff or worse) by default, or P(force)), the other breaking
ties: the most helpful first; the combination of all six follows them, for reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from escalation_sim.analysis.compare import Variant, compare, difference_dict
from escalation_sim.analysis.documents import DocumentHeader, LeversDocument
from escalation_sim.analysis.points import measure_label
from escalation_sim.analysis.stats import Interval
from escalation_sim.engine.ensemble import Progress
from escalation_sim.engine.executors import Executor
from escalation_sim.scenario.edit import with_values
from escalation_sim.scenario.schema import Scenario

LEVER_MEASURES = ("p_coercion_or_worse", "p_force")
"""The measures every lever's effect is given on (each may rank them: ``by``)."""
RANK_BY = {"standoff": "p_coercion_or_worse", "force": "p_force"}
"""``levers --by`` choice -> the measure that ranks the levers."""
DEFAULT_BY = "standoff"
"""What ``levers`` ranks by when ``--by`` is not given."""
ALL_LEVERS = "all_levers"
"""Label of the combination: every lever on."""
BASELINE = "as_is"
"""Label of the scenario as it is."""


def lever_names(scenario: Scenario) -> list[str]:
    """The scenario's levers, in schema order."""
    return list(type(scenario.levers).model_fields)


@dataclass(frozen=True)
class LeverEffect:
    """One lever's (or the combination's) paired effect.

    Attributes:
        lever: The lever's name, or :data:`ALL_LEVERS`.
        already_on: Whether the scenario already uses it (its effect is then measured by
            switching it off).
        effects: Measure -> interval of (with the lever) minus (without it).
    """

    lever: str
    already_on: bool
    effects: dict[str, Interval]


def lever_variants(scenario: Scenario, path: str | None = None,
                   sha256: str | None = None) -> list[Variant]:
    """The scenario as it is, one variant per lever switched, and one with every lever on."""
    names = lever_names(scenario)
    variants = [Variant(BASELINE, scenario, path, sha256)]
    for name in names:
        on = getattr(scenario.levers, name).enabled
        item = f"levers.{name}.enabled"
        variants.append(Variant(name, with_values(scenario, {item: not on}), path, sha256,
                                (f"{item}={str(not on).lower()}",)))
    items = {f"levers.{name}.enabled": True for name in names}
    variants.append(Variant(ALL_LEVERS, with_values(scenario, items), path, sha256,
                            tuple(f"{k}=true" for k in items)))
    return variants


def flipped(interval: Interval) -> Interval:
    """``-interval``: the effect of switching a lever on, from that of switching it off."""
    return Interval(-interval.estimate, -interval.high, -interval.low, interval.n)


def rank(effects: Sequence[LeverEffect], by: str = RANK_BY[DEFAULT_BY]) -> list[LeverEffect]:
    """The levers most helpful first, then the combination (:data:`ALL_LEVERS`).

    Most helpful: the lowest effect on ``by`` (a measure of :data:`LEVER_MEASURES`), then on
    the other measure, then by name.
    """
    order = (by, *(m for m in LEVER_MEASURES if m != by))
    return sorted(effects, key=lambda e: (e.lever == ALL_LEVERS,
                                          *(e.effects[m].estimate for m in order), e.lever))


@dataclass
class LeverRanking:
    """The result of ``levers``: the baseline's estimates and the ranked effects."""

    scenario: Scenario
    runs: int
    seed: int
    baseline: dict[str, Interval]
    ranked: list[LeverEffect]
    by: str = RANK_BY[DEFAULT_BY]


def rank_levers(scenario: Scenario, runs: int, seed: int, *, executor: Executor,
                path: str | None = None, sha256: str | None = None,
                progress: Progress | None = None,
                by: str = RANK_BY[DEFAULT_BY]) -> LeverRanking:
    """Run the scenario, each lever switched and all levers on, with one seed; rank the levers.

    ``by`` is the measure that ranks them (:data:`LEVER_MEASURES`).
    """
    if by not in LEVER_MEASURES:
        raise ValueError(f"levers are ranked by one of {', '.join(LEVER_MEASURES)}, not {by!r}")
    variants = lever_variants(scenario, path, sha256)
    comparison = compare(variants, runs, seed, executor=executor, progress=progress)
    effects = []
    for variant in variants[1:]:
        diffs = comparison.differences[variant.label]
        on = variant.label != ALL_LEVERS and getattr(scenario.levers, variant.label).enabled
        effects.append(LeverEffect(variant.label, on,
                                   {m: flipped(diffs[m]) if on else diffs[m]
                                    for m in LEVER_MEASURES}))
    base = comparison.estimates[BASELINE]
    return LeverRanking(scenario, runs, seed, {m: base[m] for m in LEVER_MEASURES},
                        rank(effects, by), by)


def ranking_dict(ranking: LeverRanking, header: DocumentHeader) -> LeversDocument:
    """The ``levers --json`` document.

    Keys: the header of ``sweep``/``sensitivity`` (``schema_version``, ``escsim_version``,
    ``scenario``, ``runs``, ``days``, ``seed``), ``command``, ``measures`` {key: label},
    ``ranked_by`` (the measure that ranks them), ``baseline`` {measure: {value, ci_low,
    ci_high, n}}, and ``levers``: a list, most helpful first and the combination
    (``all_levers``, ``rank`` null) last, of ``{rank, lever, already_on, effects {measure:
    {value, ci_low, ci_high, n, excludes_zero}}}`` — each effect the measure with the lever
    minus without it.
    """
    return {
        **header,
        "command": "levers",
        "measures": {m: measure_label(m) for m in LEVER_MEASURES},
        "ranked_by": ranking.by,
        "baseline": {m: found.rounded().to_dict() for m, found in ranking.baseline.items()},
        "levers": [{"rank": None if e.lever == ALL_LEVERS else i, "lever": e.lever,
                    "already_on": e.already_on,
                    "effects": {m: difference_dict(d) for m, d in e.effects.items()}}
                   for i, e in enumerate(ranking.ranked, start=1)],
    }


def ranking_table(doc: LeversDocument) -> dict[str, list[Any]]:
    """The CSV table of the ranking: one row per lever, each effect with its interval."""
    rows = doc["levers"]
    table: dict[str, list[Any]] = {"rank": [r["rank"] for r in rows],
                                   "lever": [r["lever"] for r in rows]}
    for m in doc["measures"]:
        for suffix, key in (("", "value"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high")):
            table[f"effect_{m}{suffix}"] = [r["effects"][m][key] for r in rows]
    return table
