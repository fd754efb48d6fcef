"""``levers``: ranking by paired effect, the switched variants, the CLI document."""

from __future__ import annotations

from pathlib import Path

from escalation_sim.analysis.levers import (
    ALL_LEVERS,
    LeverEffect,
    flipped,
    lever_variants,
    rank,
)
from escalation_sim.analysis.stats import Interval
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]


def effect(name: str, standoff: float, force: float) -> LeverEffect:
    return LeverEffect(name, False, {"p_coercion_or_worse": Interval(standoff, standoff - .01,
                                                                     standoff + .01, 100),
                                     "p_force": Interval(force, force - .01, force + .01, 100)})


def test_rank_puts_the_largest_reduction_first_force_breaks_ties_combination_last():
    constructed = [effect("hotline", -0.05, 0.0), effect(ALL_LEVERS, -0.30, -0.02),
                   effect("forum", -0.10, -0.01), effect("culture", -0.05, -0.02),
                   effect("trade", +0.01, +0.01)]
    assert [e.lever for e in rank(constructed)] == ["forum", "culture", "hotline", "trade",
                                                    ALL_LEVERS]


def test_flipped_turns_the_effect_of_switching_off_into_that_of_switching_on():
    assert flipped(Interval(0.02, 0.01, 0.04, 50)) == Interval(-0.02, -0.04, -0.01, 50)


def test_variants_switch_one_lever_each_and_all_together():
    scenario = load_scenario(REPO / "scenarios" / "lever_crisis_hotline.yaml")
    variants = lever_variants(scenario)
    assert len(variants) == 8 and variants[0].scenario is scenario
    by_label = {v.label: v.scenario for v in variants}
    assert by_label["crisis_hotline"].levers.crisis_hotline.enabled is False  # was on
    assert by_label["cultural_exchanges"].levers.cultural_exchanges.enabled is True
    assert all(getattr(by_label[ALL_LEVERS].levers, n).enabled
               for n in type(scenario.levers).model_fields)
