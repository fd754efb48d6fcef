"""Every equation of ``model/``, on its own (docs/model.md §5-§10).

The equations are scalar functions compiled by numba; called from Python they take and return
plain numbers, so each is checked here against the formula in its docstring.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from escalation_sim.model import decision, dynamics, force, measures, perception
from escalation_sim.model.ladder import (
    DOMAIN_DIPLOMATIC,
    DOMAIN_ECONOMIC,
    DOMAIN_ENERGY,
    DOMAIN_LEGAL,
    DOMAIN_MILITARY,
    domain_of_rung,
    goldstein,
    rung_of_cameo,
)
from escalation_sim.model.outcomes import OUTCOMES, classify


# -- §5 perception --------------------------------------------------------------------------
def test_a_right_reading_is_the_lagged_rung_and_a_wrong_one_is_one_off_on_the_ladder() -> None:
    assert perception.perceived(5, False, True) == 5
    assert perception.perceived(5, True, True) == 6
    assert perception.perceived(5, True, False) == 4
    assert perception.perceived(9, True, True) == 9
    assert perception.perceived(0, True, False) == 0


def test_threat_discounts_a_weaker_sides_hostility_and_adds_rhetoric() -> None:
    assert perception.threat(6, 0.0, 0.0, 0.5, 0.3) == pytest.approx(6.0)
    assert perception.threat(6, 0.5, 0.0, 0.5, 0.3) == pytest.approx(2 + 4 * 0.5)
    # below status quo nothing is discounted: a climb-down is read in full
    assert perception.threat(1, 0.9, 0.0, 0.5, 0.3) == pytest.approx(1.0)
    assert perception.threat(2, 0.0, 0.8, 0.25, 0.5) == pytest.approx(2 + 0.5 * 0.8 * 0.75)


def test_absorbed_share_grows_with_the_gap_and_only_for_the_stronger_side() -> None:
    assert perception.absorbed_share(0.9, 0.3, 1.0) == pytest.approx(0.6)
    assert perception.absorbed_share(0.3, 0.9, 1.0) == 0.0
    assert perception.absorbed_share(0.99, 0.0, 2.0) == 1.0


def test_trust_heads_for_its_target_by_the_rung_seen() -> None:
    assert perception.trust_target(2) == 1.0
    assert perception.trust_target(4) == 0.5
    assert perception.trust_target(5) == 0.0
    assert perception.trust_step(0.5, 6, 0.1) == pytest.approx(0.45)
    assert perception.trust_step(0.5, 1, 0.1) == pytest.approx(0.55)


# -- §6 decisions ---------------------------------------------------------------------------
def test_desired_rung_is_richardsons_target_amplified_by_nationalism() -> None:
    push = 0.4 + 1.0 + 0.5 * 2.0
    assert decision.amplifier(0.8, 2.0) == pytest.approx(1.6)
    assert decision.amplifier(0.0, 5.0) == 0.0  # the amplifier never turns a push around
    assert decision.desired(0.4, 0.0, 1.0, 4.0, 0.5, 1.6) == pytest.approx(2 + push * 1.6)
    assert decision.desired(0.4, 0.0, 1.0, 4.0, 0.5, 1.0) == pytest.approx(2 + push)
    # with nothing to answer, nationalism adds nothing
    assert decision.desired(0.0, 0.0, 0.0, 2.0, 0.5, 2.35) == pytest.approx(2.0)
    # a conciliatory other is answered in kind, not amplified
    assert decision.desired(0.0, 0.0, 0.0, 1.0, 0.5, 2.2) == pytest.approx(1.5)


def test_an_open_demand_sets_the_level_grievances_do_not_pile_on() -> None:
    # compellence holds its demander at the demand's level ...
    assert decision.desired(0.5, 3.0, 1.0, 2.0, 0.5, 1.0) == pytest.approx(5.0)
    # ... unless what it has to answer is more
    assert decision.desired(0.5, 1.0, 2.0, 2.0, 0.5, 1.0) == pytest.approx(4.5)


def test_a_demand_presses_up_to_its_top_rung() -> None:
    assert decision.demand_push(3.0, 0.5, 6, 1.2) == pytest.approx(1.8)
    # a demand over a non-militarised issue presses up to economic coercion, not posture
    assert decision.demand_push(5.0, 0.9, 6, 1.5) == pytest.approx(4.0)


def test_stance_utility_fits_words_up_to_verbal_hostility() -> None:
    # the desired rung is clipped to 3: words cannot say more than verbal hostility
    assert decision.stance_utility(3, 3, 6.0, 1.0, 0.0, 0.0, 0.0, 0.0) == 0.0
    assert decision.stance_utility(2, 3, 6.0, 1.0, 0.0, 0.0, 0.0, 0.0) == pytest.approx(-1.0)
    # stepping down pays the audience cost and earns the talks' gain, per rung
    u = decision.stance_utility(1, 3, 1.0, 1.0, 0.2, 0.7, 0.5, 0.0)
    assert u == pytest.approx(-0.0 - 0.2 * 2 + 0.5 * 2 - 0.7)
    # cooperation gains below status quo
    assert decision.stance_utility(0, 0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.3) == pytest.approx(0.6)


def test_impose_utility_is_the_gain_in_fit_of_the_material_level_less_cost() -> None:
    assert decision.impose_utility(3, 5, 5.0, 1.0, 0.0, 0.0, 0.0) == pytest.approx(4.0)
    assert decision.impose_utility(3, 5, 5.0, 1.0, 1.0, 0.5, 2.0) == pytest.approx(3.5)
    # a measure below the material level changes no fit: only in kind, pull and cost count
    assert decision.impose_utility(6, 4, 6.0, 1.0, 1.0, 0.0, 0.5) == pytest.approx(0.5)


def test_logit_pick_follows_the_cumulative_probabilities() -> None:
    u = np.array([0.0, np.log(3.0)])
    # P = (1/4, 3/4) at rationality 1
    assert decision.logit_pick(u, 2, 1.0, 0.2) == 0
    assert decision.logit_pick(u, 2, 1.0, 0.3) == 1
    assert decision.logit_pick(np.array([5.0, 0.0, 0.0]), 1, 1.0, 0.99) == 0


def test_nested_pick_compares_the_best_act_with_none() -> None:
    # two equal acts do not double the chance of acting
    one = np.array([0.0, -1.0])
    two = np.array([0.0, -1.0, -1.0])
    act = decision.logistic(-2.0)
    for u in (act * 0.99, act * 1.01):
        acts = decision.nested_pick(one, 2, 2.0, u) > 0
        assert acts == (decision.nested_pick(two, 3, 2.0, u) > 0)
    assert decision.nested_pick(two, 3, 2.0, act * 0.3) == 1
    assert decision.nested_pick(two, 3, 2.0, act * 0.7) == 2
    assert decision.nested_pick(two, 1, 2.0, 0.0) == 0


def test_logistic_is_safe_at_the_extremes() -> None:
    assert decision.logistic(0.0) == 0.5
    assert decision.logistic(800.0) == 1.0
    assert decision.logistic(-800.0) == 0.0


def test_summit_acceptance_is_the_logit_of_gains_less_costs() -> None:
    p = decision.summit_acceptance(2.0, 1.5, 0.3, 0.1, 0.5, 0.4, 0.6)
    assert p == pytest.approx(1 / (1 + math.exp(-2.0 * (1.5 + 0.3 + 0.1 + 0.5 - 0.4 - 0.6))))


def test_war_share_rises_with_desire_and_falls_with_its_cost() -> None:
    low = decision.war_share(3.0, 7.0, 1.0, 1.0)
    high = decision.war_share(3.0, 9.0, 1.0, 1.0)
    assert low < high
    assert decision.war_share(3.0, 9.0, 1.0, 5.0) < high
    assert high == pytest.approx(1 / (1 + math.exp(-3.0 * (1.0 * ((8 - 9) ** 2 - 0) - 1.0))))


# -- §6 measures ----------------------------------------------------------------------------
def test_holding_cost_by_domain() -> None:
    args = (0.5, 0.3, 0.8, 0.6, 0.5, 1.2)  # trade cost, energy cost, trade, energy, legal, posture
    assert measures.holding_cost(DOMAIN_ECONOMIC, *args) == pytest.approx(0.4)
    assert measures.holding_cost(DOMAIN_ENERGY, *args) == pytest.approx(0.18)
    assert measures.holding_cost(DOMAIN_LEGAL, *args) == pytest.approx(0.2)
    assert measures.holding_cost(DOMAIN_MILITARY, *args) == pytest.approx(1.2)
    assert measures.holding_cost(DOMAIN_DIPLOMATIC, *args) == 0.0


def test_imposing_cost_adds_the_strain_on_the_relationship() -> None:
    assert measures.imposing_cost(0.4, 2.0, 0.1) == pytest.approx(0.4 + 2.2)
    assert measures.relationship_value(0.1, 0.5, 0.2, 1.0) == pytest.approx(0.25)


def test_lift_hazard_is_proportional_with_its_covariates() -> None:
    base = measures.lift_hazard(6, 6.0, 0.3, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.8)
    assert base == pytest.approx(0.3 / 365)
    # desire two rungs below the measure
    assert measures.lift_hazard(6, 4.0, 0.3, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.8) == \
        pytest.approx(base * math.exp(1.0))
    # a settlement, a demand met, the cost of holding raise it; face and grievance lower it
    assert measures.lift_hazard(6, 6.0, 0.3, 0.5, 2.0, 1.0, 0.5, 0.7, 0.3, 0.0, 0.8) == \
        pytest.approx(base * math.exp(2.0 + 1.0 + 0.5 - 0.7 - 0.3))
    # its exponent alone
    assert measures.lift_exponent(6, 4.0, 0.5, 2.0, 1.0, 0.5, 0.7, 0.3) == \
        pytest.approx(1.0 + 2.0 + 1.0 + 0.5 - 0.7 - 0.3)


def test_a_measure_entrenches_as_it_ages() -> None:
    # (1 + age / 30 days) ** -strength: 1 when imposed, halved after 30 days at strength 1
    assert measures.entrenchment(0.0, 0.8) == 1.0
    assert measures.entrenchment(30.0, 1.0) == pytest.approx(0.5)
    assert measures.entrenchment(365.0, 0.0) == 1.0  # strength 0: a constant hazard
    ages = [0.0, 30.0, 182.0, 365.0, 730.0, 1461.0]
    factors = [measures.entrenchment(a, 0.8) for a in ages]
    assert all(b < a for a, b in zip(factors, factors[1:], strict=False))
    year_old = measures.lift_hazard(6, 6.0, 1.7, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 365.0, 0.8)
    assert year_old == pytest.approx(1.7 / 365 * (1 + 365 / 30) ** -0.8)


def test_concede_hazard() -> None:
    assert measures.concede_hazard(0.5, 1.0, 0.4) == pytest.approx(0.5 / 365 * math.exp(0.6))


# -- §6 force -------------------------------------------------------------------------------
def test_the_force_gate_opens_on_militarised_contention_force_met_or_posture() -> None:
    assert force.gate(0.0, False, False, 0.5) == 0.0
    assert force.gate(0.3, False, False, 0.5) == 0.3
    assert force.gate(0.3, False, True, 0.5) == 0.5
    assert force.gate(0.0, True, False, 0.5) == 1.0


def test_force_hazard() -> None:
    assert force.hazard(5.8, 0.0, 9.0, 0.35, 0.0) == 0.0
    h = force.hazard(5.8, 0.5, 8.0, 0.35, 1.2)
    assert h == pytest.approx(5.8 / 365 * 0.5 * math.exp(0.35 - 1.2))
    assert force.exponent(8.0, 0.35, 1.2) == pytest.approx(0.35 - 1.2)
    assert force.hazard_bound(5.8, 0.5, 8.0, 0.35, 1.2) >= h


# -- §7 state ------------------------------------------------------------------------------
def test_grievance_decays_accrues_and_is_capped() -> None:
    assert dynamics.grievance_step(2.0, 0.5, 0.9, 0.1, 4.0) == pytest.approx(1.85)
    assert dynamics.grievance_step(3.9, 1.0, 1.0, 0.5, 4.0) == 4.0


def test_nationalism_is_an_ornstein_uhlenbeck_step_kept_in_the_unit_interval() -> None:
    n = dynamics.nationalism_step(0.5, 0.7, 0.1, 0.01, 0.03, 1.0)
    assert n == pytest.approx(0.5 + 0.02 + 0.01 + 0.03)
    assert dynamics.nationalism_step(0.99, 1.0, 0.1, 0.5, 0.0, 0.0) == 1.0
    assert dynamics.nationalism_step(0.01, 0.0, 0.0, 0.0, 0.5, -3.0) == 0.0


def test_a_trigger_closes_a_share_of_the_gap_to_full_contention() -> None:
    assert dynamics.triggered(0.2, 0.5) == pytest.approx(0.6)
    assert dynamics.triggered(0.2, 3.0) == 1.0
    assert dynamics.triggered(0.2, -1.0) == 0.2


def test_flows_fall_and_recover_at_their_own_rates() -> None:
    assert dynamics.flow_step(1.0, 0.8, 0.1, 0.01) == pytest.approx(0.98)
    assert dynamics.flow_step(0.8, 1.0, 0.1, 0.01) == pytest.approx(0.802)
    assert dynamics.cut(0.1, 2) == pytest.approx(0.81)


def test_summit_chance_grows_with_time_pain_and_mediation() -> None:
    base = dynamics.summit_chance(0.01, 0.0, 0.0, 0.0, 0.0, 0.0, False)
    assert base == pytest.approx(-math.expm1(-0.01))
    more = dynamics.summit_chance(0.01, 0.01, 100.0, 2.0, 0.5, 1.0, True)
    assert more == pytest.approx(-math.expm1(-0.01 * 2.0 * 2.0 * 2.0))


# -- §6 lifting, §2 ladder, §11 outcomes ----------------------------------------------------
def test_a_push_on_lifting_fades_exponentially_with_its_memory() -> None:
    assert measures.fading_push(0.4, 0.0, 30.0) == pytest.approx(0.4)
    assert measures.fading_push(0.4, 30.0, 30.0) == pytest.approx(0.4 / math.e)
    assert measures.fading_push(0.4, 60.0, 30.0) < measures.fading_push(0.4, 30.0, 30.0)
    assert measures.fading_push(0.4, 30.0, 60.0) > measures.fading_push(0.4, 30.0, 30.0)


def test_goldstein_weights_come_from_the_cameo_table() -> None:
    assert goldstein("190") == pytest.approx(-10.0)  # use conventional military force
    assert goldstein("057") > 0  # sign a formal agreement: cooperation
    with pytest.raises(KeyError):
        goldstein("999")


def test_an_acts_domain_follows_its_rung() -> None:
    assert [domain_of_rung(r) for r in range(10)] == [DOMAIN_DIPLOMATIC] * 5 + [
        DOMAIN_LEGAL, DOMAIN_ECONOMIC, DOMAIN_MILITARY, DOMAIN_MILITARY, DOMAIN_MILITARY]


def test_a_cameo_code_takes_its_sub_codes_rung_before_its_roots() -> None:
    assert rung_of_cameo("13") == 7 and rung_of_cameo("130") == 3  # threats: words unless armed
    assert rung_of_cameo("1621") == 6 and rung_of_cameo("20") == 9
    with pytest.raises(KeyError):
        rung_of_cameo("99")


def test_outcome_class_is_force_by_the_peak_otherwise_the_final_rung() -> None:
    peak = np.array([2, 4, 6, 8, 9, 7])
    final = np.array([0, 3, 5, 0, 2, 2])
    assert [OUTCOMES[k] for k in classify(peak, final)] == [
        "normalization", "cold_tension", "coercive_standoff", "armed_clashes", "war",
        "normalization"]
