"""Per-run parameter values on the run axis, and analysis points batched as blocks of runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.engine.batch import event_values
from escalation_sim.engine.calendar import ChunkResult, kernel_params, simulate_chunk
from escalation_sim.engine.compile import FIXED, Params, compile_params, width
from escalation_sim.scenario.edit import point_valued, with_values
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Event

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"
RUNS = 200
SEED = 11


@pytest.fixture(scope="module")
def base():  # noqa: ANN201
    return point_valued(load_scenario(BASE, ["horizon_days=90",
                                             "levers.crisis_hotline.enabled=true",
                                             "levers.multilateral_forum.enabled=true"]))


def assert_same(a: ChunkResult, b: ChunkResult) -> None:
    assert a.runs.keys() == b.runs.keys()
    for name in a.runs:
        np.testing.assert_array_equal(a.runs[name], b.runs[name], err_msg=name)
    for name in a.daily:
        np.testing.assert_array_equal(a.daily[name], b.daily[name], err_msg=name)


PATHS = {  # path: a value other than the base's
    "model.c_mil": 3.0,
    "model.nationalism_volatility": 0.06,
    "model.grievance_half_life_days": 35.0,
    "actors.baku.nationalism": 0.8,
    "actors.moscow.lag_days": 5,
    "issues.corridors.heat": 0.85,
    "levers.crisis_hotline.strength": 0.6,
    "levers.multilateral_forum.strength": 0.3,
    "incidents.trade_harassment.rate_per_year": 4.0,
    "clients.0.commitment": 1.0,
    "model.initial_trust": 0.3,
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_per_run_value_shared_by_all_runs_is_the_number_in_the_scenario(base, path) -> None:
    value = PATHS[path]
    alone = simulate_chunk(with_values(base, {path: value}), SEED, 0, RUNS)
    per_run = simulate_chunk(base, SEED, 0, RUNS, values={path: np.full(RUNS, float(value))})
    assert_same(per_run, alone)
    plain = simulate_chunk(base, SEED, 0, RUNS)
    assert any(not np.array_equal(found, plain.runs[name]) for name, found in alone.runs.items())


NOT_COMPILED = ("actors.moscow.lag_days", "levers.multilateral_forum.strength",
                "model.initial_trust")
"""Paths whose change leaves the compiled parameters as they are (rounded away; the forum's
meetings and the initial state are the calendar's)."""


@pytest.mark.parametrize("path,value", [*PATHS.items(), ("alliances.0.commitment", 0.1),
                                        ("alliances.0.restraint", 0.2),
                                        ("issues.karabakh.position.baku", 0.4)])
def test_compiled_per_run_values_equal_the_compiled_numbers(base, path, value) -> None:
    per_run = compile_params(base, 40, {path: np.full(3, float(value))})
    alone = compile_params(with_values(base, {path: value}), 40)
    differs = False
    for name in (f for f in Params._fields if f not in FIXED):
        found, expected = getattr(per_run, name), getattr(alone, name)
        np.testing.assert_array_equal(found, np.broadcast_to(expected, np.shape(found)), name)
        differs |= not np.array_equal(expected, getattr(compile_params(base, 40), name))
    assert differs or path in NOT_COMPILED


def test_runs_with_different_values_each_run_as_their_scenario_would(base) -> None:
    values = {"model.c_mil": np.where(np.arange(RUNS) < 120, 3.0, 12.0),
              "issues.karabakh.heat": np.where(np.arange(RUNS) % 2 == 0, 0.1, 0.9)}
    mixed = simulate_chunk(base, SEED, 0, RUNS, values=values)
    for c_mil, heat, rows in ((3.0, 0.1, np.arange(0, 120, 2)),
                              (12.0, 0.9, np.arange(121, 200, 2))):
        alone = simulate_chunk(with_values(base, {"model.c_mil": c_mil,
                                                  "issues.karabakh.heat": heat}), SEED, 0, RUNS)
        for name, found in mixed.runs.items():
            np.testing.assert_array_equal(found[rows], alone.runs[name][rows], err_msg=name)


def test_per_run_values_do_not_depend_on_the_chunking(base) -> None:
    runs = 300
    u = (np.arange(runs) * 0.6180339887) % 1.0
    values = {"actors.baku.reciprocity": 0.3 + 0.6 * u, "model.audience": 0.2 + u}
    whole = simulate_chunk(base, SEED, 0, runs, values=values)
    parts = [simulate_chunk(base, SEED, first, n, values={k: v[first:first + n]
                                                          for k, v in values.items()})
             for first, n in ((0, 100), (100, 150), (250, 50))]
    for name, found in whole.runs.items():
        np.testing.assert_array_equal(np.concatenate([p.runs[name] for p in parts]), found)


def test_events_act_on_per_run_values(base) -> None:
    add = Event(day=20, add={"issues.corridors.heat": 0.3, "model.c_mil": -2.0})
    at_bound = {"issues.corridors.heat": np.array([0.5, 0.9]), "model.c_mil": np.array([1.0, 5.])}
    after = event_values(at_bound, add)
    np.testing.assert_array_equal(after["issues.corridors.heat"], [0.8, 1.0])  # held at 1
    np.testing.assert_array_equal(after["model.c_mil"], [0.0, 3.0])  # held at 0
    assert "model.c_mil" not in event_values(at_bound, Event(day=3, set={"model.c_mil": 2.0}))
    # an add or a set on a per-run parameter gives what the scenario's own number gives
    events = [{"day": 30, "add": {"issues.corridors.heat": 0.3}},
              {"day": 50, "set": {"model.c_mil": 4.0}, "add": {"actors.baku.nationalism": 0.2}}]
    scenario = with_values(base, {"events": events})
    for heat, nat in ((0.55, 0.5), (0.9, 0.9)):
        alone = simulate_chunk(with_values(scenario, {"issues.corridors.heat": heat,
                                                      "actors.baku.nationalism": nat,
                                                      "model.c_mil": 9.0}), SEED, 0, RUNS)
        per_run = simulate_chunk(scenario, SEED, 0, RUNS, values={
            "issues.corridors.heat": np.full(RUNS, heat),
            "actors.baku.nationalism": np.full(RUNS, nat), "model.c_mil": np.full(RUNS, 9.0)})
        assert_same(per_run, alone)


def test_per_run_parameters_widen_only_the_arrays_they_enter(base) -> None:
    p = compile_params(base, 0, {"model.c_mil": np.linspace(1, 9, 7),
                                 "actors.baku.lag_days": np.full(7, 3.4)})
    shared = compile_params(base, 0)
    assert width(p) == 7 and width(shared) == 1
    assert p.force_cost.shape == (2, 7) and shared.force_cost.shape == (2, 1)
    assert p.lag.shape == (2, 7) and p.lag.dtype == np.int64 and p.lag[0, 0] == 3
    assert p.w_fit.shape == (1,) == shared.w_fit.shape  # c_mil and lags do not enter it
    assert p.p_incident.shape == shared.p_incident.shape  # nor the incident tables
    assert np.all(np.diff(p.force_cost[0]) > 0)  # each run its own c_mil
    assert p.issue_domain.shape == shared.issue_domain.shape  # structure has no run axis


def test_the_kernel_reads_column_r_of_every_field_with_one_array_type(base) -> None:
    from numba import typeof

    runs = 5
    wide = compile_params(base, 0, {"model.c_mil": np.linspace(1, 9, runs)})
    for p in (wide, compile_params(base, 0), compile_params(point_valued(base), 0)):
        seen = kernel_params(p, runs)
        for name, x, view in zip(Params._fields, p, seen, strict=True):
            if name in FIXED:
                assert view.flags.c_contiguous and view.flags.writeable, name
                continue
            assert view.shape == (*x.shape[:-1], runs) and not view.flags.writeable, name
            np.testing.assert_array_equal(view, np.broadcast_to(x, view.shape), name)
        assert typeof(seen) == typeof(kernel_params(wide, runs))  # one compiled kernel
    one = kernel_params(compile_params(base, 0), 1)
    assert one.force_cost.shape == (2, 2) and typeof(one) == typeof(kernel_params(wide, runs))
