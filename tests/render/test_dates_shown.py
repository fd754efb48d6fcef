"""Days as the scenario file wrote them, in the terminal and the report."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from escalation_sim.scenario.load import load_scenario_text

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_summary_terminal_and_report_show_a_lever_date(base_summary):
    from escalation_sim.render.report import ReportPart, build_report
    from escalation_sim.render.terminal import levers_text

    summary = {**base_summary, "levers": {"crisis_hotline": {
        "strength": 1.0, "start_day": 62, "start_date": "2025-09-01", "ramp_days": 14.0}}}
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(levers_text(summary))
    assert "strength 1.0, from 2025-09-01" in console.file.getvalue()
    text = ("extends: base.yaml\nlevers:\n  crisis_hotline:\n    enabled: true\n"
            "    start_date: 2025-09-01\nadd_events:\n  - date: 2025-11-15\n"
            "    label: talks collapse\n    add:\n      issues.corridors.heat: 0.1\n")
    scenario = load_scenario_text(text, "variant.yaml", base_dir=SCENARIOS)
    html = build_report(ReportPart(base_summary, scenario))
    assert "crisis hotline: strength 1.0, from 2025-09-01" in html
    assert "2025-11-15: talks collapse" in html
