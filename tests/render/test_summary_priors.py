"""The terminal summary and the HTML report name the uncertain parameters and what intervals
include."""

from __future__ import annotations

import copy
import io

from rich.console import Console

from escalation_sim.analysis.summary import FIXED_NOTE, UNCERTAIN_NOTE
from escalation_sim.render.report import ReportPart, build_report
from escalation_sim.render.terminal import render_summary

PRIOR = {"distribution": "uniform", "args": [0.5, 0.9], "median": 0.7,
         "text": "uniform [0.5, 0.9]", "words": "uniform, from 0.5 to 0.9, median 0.70"}


def with_prior(summary):
    summary = copy.deepcopy(summary)
    summary["uncertainty"] = {"parameters": {"actors.baku.nationalism": PRIOR},
                              "intervals_include": ["chance", "parameters"],
                              "note": UNCERTAIN_NOTE}
    return summary


def terminal(summary) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    render_summary(summary, console)
    return " ".join(console.file.getvalue().split())


def test_terminal_names_the_uncertain_parameters(base_summary):
    text = terminal(with_prior(base_summary))
    assert ("Uncertain parameters, drawn run by run: actors.baku.nationalism uniform, from 0.5 "
            "to 0.9, median 0.70") in text
    assert " ".join(UNCERTAIN_NOTE.split()) in text


def test_terminal_says_intervals_are_chance_alone_without_priors(base_summary):
    text = terminal(base_summary)
    assert "Uncertain" not in text and " ".join(FIXED_NOTE.split()) in text


def test_report_names_the_uncertain_parameters(base_summary, base_result):
    html = build_report(ReportPart(with_prior(base_summary), base_result.point.scenario))
    assert "<code>actors.baku.nationalism</code>: uniform, from 0.5 to 0.9, median 0.70" in html
    assert "include that uncertainty as well as chance" in html
    plain = build_report(ReportPart(base_summary, base_result.point.scenario))
    assert "Uncertain parameters" not in plain and "reflect chance alone" in plain


def test_report_lists_a_changed_distribution_as_written():
    from pathlib import Path

    from escalation_sim.render.report import scenario_changes
    from escalation_sim.scenario.load import load_scenario

    base = Path(__file__).resolve().parents[2] / "tests" / "scenario" / "minimal.yaml"
    a = load_scenario(base, ["alliances[0].commitment={uniform: [0.4, 0.8]}"])
    b = load_scenario(base, ["alliances[0].commitment=0.6", "model.c_mil={beta: [2, 2]}"])
    assert scenario_changes(a, b) == [
        ("alliances.0.commitment", "uniform [0.4, 0.8]", 0.6),
        ("model.c_mil", 1.0, "beta [2, 2]")]
