"""``escsim trace`` and ``escsim report`` from the command line: output, choices, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from escalation_sim.analysis.trace import trace_run
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
HOTLINE = REPO / "scenarios" / "lever_crisis_hotline.yaml"
MINIMAL = REPO / "tests" / "scenario" / "minimal.yaml"
FAST = ("--runs", "200", "--days", "60", "--workers", "1")


def test_trace_prints_a_dated_log_ending_in_the_outcome(run):
    result = run("trace", BASE, "--run", "5", *FAST)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "run 5 of seed 20250701" in lines[0]
    assert lines[1].startswith("2025-07-01  Baku") and "CAMEO 163" in lines[1]
    assert any(re.search(r"◆\s+event: Washington declaration", line) for line in lines)
    outcome = next(i for i, line in enumerate(lines) if line.startswith("Outcome: "))
    assert "Goldstein weight" in " ".join(lines[outcome:])  # then the legend, nothing else
    story = trace_run(load_scenario(BASE, ["runs=200", "horizon_days=60"]), 5)
    moves = [e for e in story.events if e["kind"] == "move"]
    assert sum(("↑ " in line or "↓ " in line) for line in lines) == len(moves)


def test_trace_without_start_date_counts_days(run):
    result = run("trace", MINIMAL, *FAST)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("day    0  ")


def test_trace_json_is_the_events_and_holds_are_optional(run):
    plain = json.loads(run("trace", BASE, "--run", "3", *FAST, "--json").stdout)
    with_holds = json.loads(run("trace", BASE, "--run", "3", *FAST, "--json", "--holds").stdout)
    assert plain["run"] == 3 and plain["events"][-1]["kind"] == "outcome"
    assert not any(e["kind"] == "hold" for e in plain["events"])
    assert any(e["kind"] == "hold" for e in with_holds["events"])
    assert [e for e in with_holds["events"] if e["kind"] != "hold"] == plain["events"]


def test_trace_pick_tells_a_run_of_that_outcome(run):
    result = run("trace", BASE, "--pick", "median", *FAST, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert 0 <= data["run"] < 200
    missing = run("trace", BASE, "--pick", "war", *FAST, "--set", "model.force_rate=0")
    assert missing.exit_code == 1
    assert "none of the 200 runs with seed 20250701 ended in war" in missing.stderr


def test_trace_bad_choices_exit_2(run):
    too_far = run("trace", BASE, "--run", "200", *FAST)
    assert too_far.exit_code == 2 and "the ensemble has 200 runs (0 to 199)" in too_far.stderr
    both = run("trace", BASE, "--run", "1", "--pick", "war", *FAST)
    assert both.exit_code == 2 and "exclude each other" in both.stderr
    bad = run("trace", BASE, "--pick", "peace", *FAST)
    assert bad.exit_code == 2 and "choose one of war, clashes" in bad.stderr


def test_report_writes_one_file_and_replaces_it_whole(run, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old")
    refused = run("report", BASE, *FAST, "--out", out)  # not a report escsim wrote
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "old"
    result = run("report", BASE, "--compare", HOTLINE, *FAST, "--out", out, "--force")
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Differences from the reference" in text and "levers.crisis_hotline.enabled" in text
    # no temporary file left; the manifest records the report
    assert sorted(p.name for p in tmp_path.iterdir()) == [".escsim-files.json", "report.html"]
    folder = run("report", BASE, *FAST, "--out", tmp_path)
    assert folder.exit_code == 2 and "is a folder" in folder.stderr
    bad = run("report", BASE, "--compare", tmp_path / "nope.yaml", *FAST, "--out", out)
    assert bad.exit_code == 2 and out.read_text(encoding="utf-8") == text
    again = run("report", BASE, *FAST, "--out", out)  # escsim's own report: replaced
    assert again.exit_code == 0, again.stderr
    assert "Differences from the reference" not in out.read_text(encoding="utf-8")
