"""How it ends and how bad it got: two distributions, one set of words, in every view."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from escalation_sim.analysis.classes import (
    LEVEL_KEYS,
    LEVEL_MEASURES,
    LEVELS,
    OUTCOME_WORDS,
    QUESTIONS,
    level_counts,
    level_of,
)
from escalation_sim.analysis.compare import MEASURES as COMPARE_MEASURES
from escalation_sim.analysis.glossary import lookup
from escalation_sim.analysis.points import MEASURES, measure_label, point_measures
from escalation_sim.analysis.summary import summarize
from escalation_sim.analysis.tables import runs_columns
from escalation_sim.engine.ensemble import simulate
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.render.report import ReportPart, build_report
from escalation_sim.render.terminal import render_summary
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"


@pytest.fixture(scope="module")
def summary(small_result):
    return summarize(small_result, str(BASE))


def test_levels_cover_the_ladder_once():
    rungs = [r for level in LEVELS for r in range(level.low, level.high + 1)]
    assert rungs == list(range(10))
    assert list(level_of(np.arange(10))) == [0, 0, 0, 1, 1, 2, 2, 2, 3, 4]
    assert level_counts([1] * 10) == [3, 2, 3, 1, 1]


def test_the_two_distributions_are_the_final_and_the_peak_rung(summary, small_result):
    runs = small_result.runs
    for question, rung in (("ends", "final_rung"), ("worst", "peak_rung")):
        counts = np.bincount(level_of(runs[rung]), minlength=len(LEVELS))
        shares = [summary[question][key]["p"] for key in LEVEL_KEYS]
        assert list(summary[question]) == list(LEVEL_KEYS)
        assert sum(counts) == summary["runs"]
        for k, key in enumerate(LEVEL_KEYS):
            entry = summary[question][key]
            assert entry["ci_low"] <= counts[k] / summary["runs"] <= entry["ci_high"]
        assert sum(shares) == pytest.approx(1.0, abs=0.05)


def test_a_run_can_end_calm_after_its_worst_was_a_standoff():
    """The reader can tell the two apart: the outcome class mixes them, the levels do not."""
    year = simulate(point_valued(load_scenario(BASE, ["runs=300"])), keep_runs=True)
    runs = year.runs
    ends, worst = level_of(runs["final_rung"]), level_of(runs["peak_rung"])
    assert (worst >= ends).all()  # the worst day is never milder than the last
    calm_after_standoff = (ends == 0) & (worst == 2)
    normalization = runs["outcome"] == OUTCOMES.index("normalization")
    assert calm_after_standoff.any()
    assert (normalization[calm_after_standoff]).all()  # classed "normalization", yet peaked 5-7


def test_outcome_classes_are_the_two_questions_combined(small_result):
    runs = small_result.runs
    ends, worst = level_of(runs["final_rung"]), level_of(runs["peak_rung"])
    force = worst >= 3
    expected = np.where(force, worst, ends)
    assert (runs["outcome"] == expected).all()


def test_each_class_and_level_is_defined_once_in_words():
    assert list(OUTCOME_WORDS) == list(OUTCOMES)
    for level in LEVELS:
        assert level.meaning and level.name and level.rungs
    assert OUTCOME_WORDS["normalization"].name == "no force, ends calm"
    assert QUESTIONS["ends"].label("war") == "ends: war"
    assert QUESTIONS["worst"].label("calm") == "at worst: calm"


def test_terminal_json_report_and_explain_use_the_same_words(summary, small_result):
    console = Console(file=io.StringIO(), width=80, color_system=None)
    render_summary(summary, console)
    text = console.file.getvalue()
    html = build_report(ReportPart(summary, small_result.point.scenario))
    for level in LEVELS:
        assert re.search(rf"^{level.name} {level.rungs}\s", text, re.M), level.name
        assert f"<td>{level.name}</td>" in html
        assert level.meaning in lookup(level.name)[1].lower()
    for title in ("how it ends", "how bad it got"):
        assert title in " ".join(text.split()).lower().replace("\n", " ")
        assert title in html.lower()
    for key, words in OUTCOME_WORDS.items():
        assert words.meaning in lookup(key)[1].lower()


def test_measures_for_every_command(small_result):
    assert set(LEVEL_MEASURES) <= set(MEASURES) and set(LEVEL_MEASURES) <= set(COMPARE_MEASURES)
    found = point_measures(small_result.aggregate)
    runs = small_result.runs
    hits = int((level_of(runs["peak_rung"]) == 3).sum())
    assert found["worst_armed_clashes"].estimate == hits / len(runs["peak_rung"])
    assert measure_label("ends_calm") == "P(ends: calm)"
    assert measure_label("normalization") == "P(no force, ends calm)"


def test_the_per_run_table_names_each_runs_levels(small_result):
    table = runs_columns(small_result.runs, small_result.point.scenario)
    runs = small_result.runs
    assert list(table["ends"][:5]) == [LEVEL_KEYS[k] for k in level_of(runs["final_rung"][:5])]
    assert list(table["worst"][:5]) == [LEVEL_KEYS[k] for k in level_of(runs["peak_rung"][:5])]
