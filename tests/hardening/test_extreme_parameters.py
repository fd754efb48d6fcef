"""Extreme but valid parameters give finite results: no NaN, no infinity, no warning anywhere
(underflow aside, see ``STRICT_FP``).

Every case runs with warnings as errors and numpy's floating-point errors raised, builds the
summary, its strict JSON (``allow_nan=False``), the terminal rendering and the ``--out`` tables.
Parameter ranges come from the schema itself, so a new parameter is covered without editing
this file.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from rich.console import Console

from escalation_sim.analysis.summary import summarize
from escalation_sim.analysis.tables import daily_table, runs_table
from escalation_sim.engine.ensemble import simulate
from escalation_sim.output.files import summary_json
from escalation_sim.render.terminal import render_summary
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario, scenario_to_dict
from escalation_sim.scenario.schema import (
    Actor,
    ForumLever,
    Incident,
    Issue,
    ModelParams,
    Scenario,
)

REPO = Path(__file__).resolve().parents[2]
BASE = scenario_to_dict(point_valued(load_scenario(REPO / "scenarios" / "base.yaml")))




def bounds(model: type[BaseModel]) -> Iterator[tuple[str, float, float]]:
    """(field, minimum, maximum) of every numeric field of a schema section with a range."""
    for name, info in model.model_fields.items():
        lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if lo is not None and hi is not None:
            yield name, lo, hi


SECTIONS: dict[str, type[BaseModel]] = {"actors": Actor, "issues": Issue,
                                        "incidents": Incident, "levers": ForumLever,
                                        "model": ModelParams}
PARAMETERS = [(section, name, lo, hi) for section, model in SECTIONS.items()
              for name, lo, hi in bounds(model)]


def with_value(data: dict[str, Any], section: str, name: str, value: float) -> None:
    """Set a parameter everywhere it occurs (every actor, issue, incident or lever)."""
    if section == "model":
        data["model"][name] = value
        return
    for item in data[section].values():
        if section == "levers":
            item["enabled"] = True
            if name == "period_days" and "period_days" not in item:
                continue
        item[name] = value


def scenario(changes: list[tuple[str, str, float]], *, days: int = 30,
             **top: Any) -> Scenario:
    data = json.loads(json.dumps(BASE))
    data["horizon_days"] = days
    data.update(top)
    for section, name, value in changes:
        with_value(data, section, name, value)
    return Scenario.model_validate(data)


def finite_everywhere(value: Any, where: str = "summary") -> None:
    if isinstance(value, float):
        assert math.isfinite(value), where
    elif isinstance(value, dict):
        for key, item in value.items():
            finite_everywhere(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            finite_everywhere(item, f"{where}[{n}]")


@pytest.fixture
def check(strict: Callable[[], Any]) -> Callable[[Scenario, int], dict[str, Any]]:
    """``check(scenario, runs)``: simulate, summarise and render strictly (see ``run_strictly``)."""
    return lambda sc, runs: run_strictly(sc, runs, strict)


def run_strictly(sc: Scenario, runs: int, strict: Callable[[], Any]) -> dict[str, Any]:
    """Simulate, summarise and render with every warning an error; return the summary."""
    with strict():
        result = simulate(sc, runs=runs, workers=1, keep_runs=True)
        summary = summarize(result, "extreme.yaml", None)
        text = summary_json(summary)  # raises on NaN or infinity
        render_summary(summary, Console(file=io.StringIO(), width=100))
        tables = [daily_table(result.aggregate, sc), runs_table(result.runs, sc)]
    finite_everywhere(json.loads(text))
    for table in tables:
        for column, values in table.items():
            numbers = [v for v in values if isinstance(v, float)]
            assert all(math.isfinite(v) or math.isnan(v) for v in numbers), column
    assert summary["runs"] == runs and summary["days"] == sc.horizon_days
    if runs >= 64:  # few runs give one-digit probabilities, whose sum may be off by more
        assert sum(o["p"] for o in summary["outcomes"].values()) == pytest.approx(1, abs=0.05)
    return summary


def test_every_parameter_at_its_minimum(check):
    check(scenario([(s, n, lo) for s, n, lo, _ in PARAMETERS]), runs=64)


def test_every_parameter_at_its_maximum(check):
    check(scenario([(s, n, hi) for s, n, _, hi in PARAMETERS]), runs=64)


@pytest.mark.slow
@pytest.mark.parametrize("end", ["min", "max"])
def test_each_parameter_alone_at_either_end(end, check):
    for section, name, lo, hi in PARAMETERS:
        value = lo if end == "min" else hi
        try:
            check(scenario([(section, name, value)], days=12), runs=8)
        except Exception as exc:  # name the parameter in the failure
            raise AssertionError(f"{section}.*.{name} = {value}: {exc!r}") from exc


@pytest.mark.parametrize("case", [
    pytest.param([("actors", "rationality", 0)], id="rationality-0"),
    pytest.param([("actors", "rationality", 1000), ("model", "w_fit", 0.01)],
                 id="rationality-1000-flat-fit"),
    pytest.param([("incidents", "rate_per_year", 0), ("model", "nationalism_volatility", 0),
                  ("actors", "misperception", 0), ("model", "trade_fall_rate", 0),
                  ("model", "energy_fall_rate", 0), ("model", "force_flow_cut", 0)],
                 id="zero-rates"),
    pytest.param([("incidents", "rate_per_year", 365), ("incidents", "severity", 10),
                  ("model", "trade_fall_rate", 1), ("model", "force_flow_cut", 1),
                  ("model", "trade_recovery_rate", 1), ("model", "energy_recovery_rate", 1),
                  ("actors", "initial_rung", 9), ("model", "grievance_max", 20)],
                 id="maximum-rates"),
    pytest.param([("actors", "capability", 0), ("actors", "available_share", 0),
                  ("model", "initial_trade_flow", 0), ("model", "initial_energy_flow", 0)],
                 id="no-capability-no-flows"),
])
def test_mixed_extremes(case, check):
    check(scenario(case), runs=64)


def test_one_day_and_one_run(check):
    summary = check(scenario([], days=1), runs=1)
    assert summary["timeline"]["day"] == [0]


def test_empty_issues_incidents_alliances_clients_and_events(check):
    check(scenario([], issues={}, incidents={}, alliances=[], clients=[], events=[], demands=[],
                   opening=[]), runs=32)


def test_ten_year_horizon(check):
    summary = check(scenario([], days=3650), runs=2)
    assert summary["timeline"]["day"][0] == 0 and summary["timeline"]["day"][-1] == 3649
