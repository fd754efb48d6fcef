"""Every table reads at 80 columns: no cell cut to '…', no line wider than the terminal."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from escalation_sim.render.backtest import render_backtest
from escalation_sim.render.compare import render_comparison
from escalation_sim.render.sensitivity import render_sensitivity
from escalation_sim.render.sweep import render_sweep

LEVERS = ["base", *(f"lever_{name}" for name in (
    "crisis_hotline", "economic_initiatives", "military_transparency", "cultural_exchanges",
    "multilateral_forum", "trusted_intermediaries")), "all_levers"]
SMALL = ("--runs", "40", "--days", "30", "--workers", "1")


def shown(render, doc, width: int = 80) -> str:
    buf = io.StringIO()
    render(doc, Console(file=buf, width=width, soft_wrap=True, color_system=None))
    return buf.getvalue()


def assert_readable(text: str, width: int = 80) -> None:
    assert "…" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width


def document(run, *args) -> dict:
    result = run(*args, *SMALL, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("width", [80, 230])
def test_compare_of_eight_scenarios(run, width):
    doc = document(run, "compare", *LEVERS)
    text = shown(render_comparison, doc, width)
    assert_readable(text, width)
    assert "all_levers" in text and "P(standoff or worse)" in text


def test_compare_of_two_keeps_measures_on_rows(run):
    text = shown(render_comparison, document(run, "compare", "base", "all_levers"))
    assert_readable(text)
    assert "Δ all_levers [95% CI]" in text


def test_sweep_with_three_metrics(run):
    doc = document(run, "sweep", "base", "--vary", "actors.baku.nationalism=0:1:3",
                   "--metric", "p_force", "--metric", "p_coercion_or_worse",
                   "--metric", "trade_loss_mean")
    text = shown(render_sweep, doc)
    assert_readable(text)
    for header in ("P(force) [95% CI]", "P(standoff or worse) [95% CI]", "trade lost [95% CI]"):
        assert header in text


def test_sensitivity_shows_its_indices(run):
    result = run("sensitivity", "base", "--samples", "8", "--runs", "10", "--days", "20",
                 "--workers", "1", "--json")
    assert result.exit_code == 0, result.stderr
    text = shown(render_sensitivity, json.loads(result.stdout))
    assert_readable(text)
    assert "S1" in text and "ST" in text and "rough:" in text  # 8 samples: a rough estimate


@pytest.mark.slow
def test_backtest_intervals_stay_on_one_line(run):
    result = run("backtest", "azerbaijan_russia_2024_2026", "--runs", "40", "--workers", "1",
                 "--json")
    assert result.exit_code == 0, result.stderr
    text = shown(render_backtest, json.loads(result.stdout))
    assert_readable(text)
    assert all(line.count("[") == line.count("]") for line in text.splitlines())
    assert "RPS (ranked probability score)" in " ".join(text.split())


def test_trace_wraps_its_reasons_at_word_boundaries(run):
    from escalation_sim.analysis.trace import trace_run
    from escalation_sim.render.trace import render_trace
    from escalation_sim.scenario.load import load_scenario

    story = trace_run(load_scenario("base", ["runs=40"]), 3)
    text = shown(lambda doc, console: render_trace(doc, console), story)
    assert_readable(text)
    words = {w.rstrip(";,") for w in " ".join(text.split()).split()}  # reasons join with "; "
    for event in story.events:
        if event["kind"] == "move":  # every word of every reason survives whole
            assert set(event["reason_text"].split()) <= words
