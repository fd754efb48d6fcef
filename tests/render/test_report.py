"""The HTML report: self-contained, every piece of scenario text escaped, charts present."""

from __future__ import annotations

import re
from pathlib import Path

from escalation_sim.analysis.summary import summarize
from escalation_sim.engine.ensemble import simulate
from escalation_sim.render.report import ReportPart, build_report, scenario_changes
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"

EVIL = "<script>window.pwned=1</script><img src=x onerror=alert(1)>"


def _report(base_summary, base_result):
    return build_report(ReportPart(base_summary, base_result.point.scenario))


def test_report_is_self_contained(base_summary, base_result):
    text = _report(base_summary, base_result)
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)=", text)  # nothing to fetch
    markup = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
    assert not re.search(r"https?:", markup)
    assert text.count("Plotly.newPlot") == 2 + 2 + 2  # how it ends, how bad it got, two actors,
    # two flows
    assert "Key parameters" in text and "Impacts" in text


def test_scenario_text_is_escaped_everywhere():
    scenario = load_scenario(BASE, ["runs=50", "horizon_days=20", f"name={EVIL}",
                                    f"description={EVIL}", f"actors.baku.name={EVIL}",
                                    f"incidents.cyber_attack.label={EVIL}"])
    result = simulate(scenario)
    text = build_report(ReportPart(summarize(result, EVIL), scenario))
    assert "<script>window" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in text
    assert "&lt;script&gt;window.pwned=1&lt;\\u002fscript&gt;" in text  # chart labels: inert


def test_changes_list_what_a_variant_sets(base_result):
    scenario = base_result.point.scenario
    variant = point_valued(load_scenario(BASE, ["runs=300", "horizon_days=60",
                                                "actors.baku.nationalism=0.9",
                                                "levers.crisis_hotline.enabled=true"]))
    assert scenario_changes(scenario, variant) == [
        ("actors.baku.nationalism", 0.6, 0.9), ("levers.crisis_hotline.enabled", "false",
                                                "true")]
    assert scenario_changes(scenario, scenario) == []


def test_report_shows_the_lever_ranking_and_points_for_standoff_or_worse(base_summary,
                                                                         base_result):
    effect = {"value": -0.078, "ci_low": -0.09, "ci_high": -0.066, "n": 300,
              "excludes_zero": True}
    levers = {"runs": 300, "measures": {"p_coercion_or_worse": "P(coercive standoff or worse)",
                                        "p_force": "P(force)"},
              "levers": [{"rank": 1, "lever": "cultural_exchanges", "already_on": False,
                          "effects": {"p_coercion_or_worse": effect, "p_force": effect}},
                         {"rank": None, "lever": "all_levers", "already_on": False,
                          "effects": {"p_coercion_or_worse": effect, "p_force": effect}}]}
    diffs = {"outcomes": {}, "metrics": {"p_coercion_or_worse": effect}}
    main = ReportPart(base_summary, base_result.point.scenario)
    other = ReportPart(base_summary, base_result.point.scenario, diffs)
    text = build_report(main, [other], levers)
    assert "Which lever helps most" in text and "cultural exchanges" in text
    assert "all six together" in text
    assert "-0.078" not in text and "-7.8 pp" in text  # percentage points, not a fraction
