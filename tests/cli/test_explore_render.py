"""The terminal view of ``escsim explore``: boxes in words, numbers to sensible digits."""

from __future__ import annotations

import io

from rich.console import Console

from escalation_sim.render.explore import box_sentence, limit_text, render_explore

NAT = {"path": "actors.baku.nationalism", "low": 0.3, "high": 0.9, "integer": False,
       "distribution": None}
HEAT = {"path": "issues.corridors.heat", "low": 0.0, "high": 1.0, "integer": False,
        "distribution": None}
DAYS = {"path": "levers.crisis_hotline.start_day", "low": 0.0, "high": 120.0, "integer": True,
        "distribution": None}
PARAMS = {p["path"]: p for p in (NAT, HEAT, DAYS)}
CONDITION = {"text": "p_force>0.05", "measure": "p_force", "op": ">", "threshold": 0.05}
BOX = {"limits": {"actors.baku.nationalism": {"low": 0.72341, "high": None, "qp": 0.0001},
                  "issues.corridors.heat": {"low": 0.6012, "high": None, "qp": 0.02}},
       "coverage": 0.8125, "density": 0.77, "mass": 0.25, "cases": 13, "samples": 16,
       "chosen_step": 20, "trajectory": []}


def doc(boxes, cases=16):
    return {"scenario": {"name": "base"}, "samples": 64, "runs": 256, "days": 365,
            "seed": 1, "parameters": [NAT, HEAT], "drawn_per_run": [],
            "spread": {"p_force": {"min": 0.0, "p10": 0.001, "median": 0.02, "p90": 0.08,
                                   "max": 0.12},
                       "peak_rung_mean": {"min": 6.4, "p10": 6.5, "median": 6.93,
                                          "p90": 7.0, "max": 7.07}},
            "discovery": {"condition": CONDITION, "cases": cases, "samples": 64,
                          "rule": {"min_coverage": 0.5, "density_slack": 0.05, "qp_max": 0.05},
                          "boxes": boxes}}


def shown(document) -> str:
    buffer = io.StringIO()
    render_explore(document, Console(file=buffer, width=100, color_system=None))
    return buffer.getvalue()


def test_a_box_reads_as_one_sentence_of_its_restrictions():
    assert box_sentence(CONDITION, BOX, PARAMS) == (
        "P(force) above 5% needs actors.baku.nationalism > 0.72 and issues.corridors.heat "
        "> 0.6 (coverage 81.2%, density 77.0%).")
    assert box_sentence(CONDITION, BOX, PARAMS, first=False).startswith("It also holds where")


def test_limits_have_the_digits_of_the_sampled_range():
    assert limit_text({"low": None, "high": 0.31234}, NAT) == "< 0.31"
    assert limit_text({"low": 0.2, "high": 0.71234}, HEAT) == "0.2 to 0.7"
    assert limit_text({"low": 0.2, "high": 0.71234}, HEAT, words=True) == "between 0.2 and 0.7"
    assert limit_text({"low": 30.4, "high": None}, DAYS) == "> 30"


def test_the_view_shows_spread_boxes_and_sentence():
    text = shown(doc([BOX]))
    assert "Across the samples" in text and "6.9" in text and "2.0%" in text  # a rung: 1 place
    assert "Box 1 · coverage 81.2% · density 77.0% · 16 samples (25.0% of all)" in text
    assert "<0.001" in text and "0.020" in text
    assert "needs actors.baku.nationalism > 0.72 and" in text


def test_no_box_is_said_plainly():
    assert "no box to find" in shown(doc([], cases=0))
    assert "few cases" in shown(doc([], cases=2))
    assert "significantly better" in shown(doc([], cases=30))


def test_long_paths_and_distributions_fit_80_columns():
    long = {"path": "actors.a_rather_long_actor_name.nationalism_volatility", "low": 0.1,
            "high": 0.9, "integer": False, "distribution": "triangular [0.1, 0.45, 0.9]"}
    box = {**BOX, "limits": {long["path"]: {"low": 0.5, "high": 0.81, "qp": 0.01}}}
    document = doc([box])
    document["parameters"] = [long]
    buffer = io.StringIO()
    render_explore(document, Console(file=buffer, width=80, color_system=None))
    text = buffer.getvalue()
    assert "…" not in text and "0.50 to 0.81" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
