"""``escsim explore``: Latin hypercube samples, the experiments table, priors as uncertainties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.analysis import explore
from escalation_sim.analysis.explore import (
    check_uncertainties,
    design,
    experiments_table,
    latin_hypercube,
    parse_param,
    prior_uncertainties,
    run_explore,
)
from escalation_sim.analysis.points import MEASURES, evaluate_measures
from escalation_sim.engine.executors import LocalExecutor
from escalation_sim.scenario.edit import with_values
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.priors import Distribution

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
NATIONALISM = "actors.baku.nationalism"
HEAT = "issues.corridors.heat"


@pytest.fixture(scope="module")
def short():
    return load_scenario(BASE, ["horizon_days=30"])


def strata(values: np.ndarray, low: float, high: float) -> list[int]:
    n = values.shape[0]
    return sorted(np.floor((values - low) / (high - low) * n).astype(int).tolist())


@pytest.mark.parametrize("samples", [7, 20])
def test_each_parameter_has_one_sample_in_each_stratum(short, samples):
    found = [*parse_param(f"{NATIONALISM}=0.3:0.9", short), *parse_param(f"{HEAT}=0:1", short)]
    values = design(found, samples, seed=5)
    assert values.shape == (samples, 2)
    assert strata(values[:, 0], 0.3, 0.9) == list(range(samples))
    assert strata(values[:, 1], 0.0, 1.0) == list(range(samples))


def test_the_sample_follows_the_seed():
    a, b = latin_hypercube(3, 16, 1), latin_hypercube(3, 16, 1)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, latin_hypercube(3, 16, 2))
    assert ((a > 0) & (a < 1)).all()


def test_whole_number_parameters_are_rounded(short):
    found = parse_param("levers.crisis_hotline.start_day=5:40", short)
    assert found[0].integer
    values = design(found, 12, seed=3)
    assert np.array_equal(values, np.round(values))
    assert values.min() >= 5 and values.max() <= 40


@pytest.mark.parametrize(("item", "needle"), [
    ("actors.baku.nationalsm=0:1", "did you mean"),
    (f"{NATIONALISM}=0.9:0.3", "LO < HI"),
    (f"{NATIONALISM}=0.5:1.5", "1.5"),
    (f"{NATIONALISM}=0.5", "PATH=LO:HI"),
    ("levers.crisis_hotline.enabled=0:1", "not a number"),
])
def test_bad_params_are_refused_with_one_line(short, item, needle):
    with pytest.raises(ScenarioError) as caught:
        parse_param(item, short)
    message = str(caught.value)
    assert needle in message and "\n" not in message


def test_nothing_to_explore_and_twice_given_are_refused(short):
    with pytest.raises(ValueError, match="nothing to explore"):
        check_uncertainties([])
    twice = [*parse_param(f"{HEAT}=0:1", short), *parse_param(f"{HEAT}=0.2:0.4", short)]
    with pytest.raises(ValueError, match="given twice"):
        check_uncertainties(twice)


def test_every_sample_runs_with_the_same_seed_and_fills_a_row(short):
    found = [*parse_param(f"{NATIONALISM}=0.3:0.9", short), *parse_param(f"{HEAT}=0:1", short)]
    result = run_explore(short, found, samples=5, runs=32, seed=11, executor=LocalExecutor(1))
    table = experiments_table(result)
    assert list(table)[:3] == ["sample", NATIONALISM, HEAT]
    for m in MEASURES:
        assert {m, f"{m}_ci_low", f"{m}_ci_high"} <= set(table)
    assert all(len(column) == 5 for column in table.values())
    assert table["runs"] == [32] * 5
    # sample 3 is the scenario with its values set, run alone with the same seed: same numbers
    point = with_values(short, {NATIONALISM: table[NATIONALISM][3], HEAT: table[HEAT][3]})
    alone = evaluate_measures([point], 32, 11, executor=LocalExecutor(1))[0]
    assert table["peak_rung_mean"][3] == alone["peak_rung_mean"].estimate
    assert table["p_coercion_or_worse"][3] == alone["p_coercion_or_worse"].estimate
    low, high = table["peak_rung_mean_ci_low"][3], table["peak_rung_mean_ci_high"][3]
    assert low <= table["peak_rung_mean"][3] <= high


def FakeUniform(lo: float, hi: float) -> Distribution:  # noqa: N802
    """A scenario's distribution, uniform on [lo, hi], placed by monkeypatching ``priors_of``."""
    return Distribution("uniform", (lo, hi), 0.0, 1.0)


def test_without_params_the_scenarios_own_distributions_are_sampled(short, monkeypatch):
    fake = {NATIONALISM: FakeUniform(0.5, 0.7), HEAT: FakeUniform(0.2, 0.6)}
    fixed: list[dict[str, float]] = []

    def set_values(scenario, values, source):
        fixed.append(dict(values))
        return with_values(scenario, values, source)

    monkeypatch.setattr(explore.priors, "priors_of", lambda scenario: dict(fake))
    monkeypatch.setattr(explore, "with_values", set_values)
    found = prior_uncertainties(short)
    assert [u.path for u in found] == [NATIONALISM, HEAT]
    assert (found[0].low, found[0].high) == pytest.approx((0.5, 0.7))
    assert found[0].to_dict()["distribution"] == "uniform [0.5, 0.7]"
    result = run_explore(short, found, samples=6, runs=32, seed=2, executor=LocalExecutor(1))
    assert strata(result.values[:, 0], 0.5, 0.7) == list(range(6))
    assert strata(result.values[:, 1], 0.2, 0.6) == list(range(6))
    assert len(fixed) == 6 and set(fixed[0]) == {NATIONALISM, HEAT}
    assert result.drawn == []  # every uncertain parameter was sampled


def test_unsampled_distributions_stay_drawn_per_run(short, monkeypatch):
    fake = {NATIONALISM: FakeUniform(0.5, 0.7)}
    monkeypatch.setattr(explore.priors, "priors_of", lambda scenario: dict(fake))
    found = parse_param(f"{HEAT}=0:1", short)
    result = run_explore(short, found, samples=3, runs=32, seed=2, executor=LocalExecutor(1))
    assert result.drawn == [NATIONALISM]
