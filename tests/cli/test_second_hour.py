"""The analyst's second hour: runs said with their reason, levers by the measure asked for, a
truthful ETA, every problem of a file, the right hint for a distribution, a backtest verdict,
sensitivity tables that fit, and one number style across the views."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from escalation_sim.analysis.levers import LeverEffect, rank
from escalation_sim.analysis.stats import Interval
from escalation_sim.analysis.verdict import verdict
from escalation_sim.cli.progress import eta_seconds, eta_text
from escalation_sim.commands.common import load

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
SMALL = ("--runs", "30", "--days", "20", "--workers", "1")


def flat(text: str) -> str:
    return " ".join(text.split())


# -- item 2: each command's header says its runs and why ----------------------------------
@pytest.mark.parametrize(("args", "said"), [
    (("run", "base", "--days", "20", "--workers", "1"), "runs set by the scenario (runs:)"),
    (("run", "base", *SMALL), "runs set by --runs"),
    (("compare", "base", "all_levers", "--days", "20", "--workers", "1", "--runs", "30"),
     "30 runs per scenario, set by --runs"),
    (("sweep", "base", "--vary", "actors.baku.nationalism=0:1:2", *SMALL),
     "30 runs per point, set by --runs"),
    (("explore", "base", "--param", "actors.baku.nationalism=0:1", "--samples", "2",
      "--days", "20", "--workers", "1"),
     "256 runs per sample, explore's default: more samples buy more than more runs"),
])
def test_headers_say_the_runs_and_why(run, args, said):
    result = run(*args, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    assert said in flat(result.stdout)


def test_compare_says_its_default_and_the_readme_says_which(run):
    from escalation_sim.analysis.defaults import COMPARE_RUNS, DEFAULT_RUNS, runs_line

    assert runs_line("compare", COMPARE_RUNS, None).startswith(
        "10,000 runs per scenario, compare's default")
    assert runs_line("sensitivity", DEFAULT_RUNS, "default").startswith("256 runs per point")
    readme = flat((REPO / "README.md").read_text(encoding="utf-8"))
    assert "How many runs" in readme
    for words in ("scenario's runs: (2,000", "10,000 per scenario", "256 per point"):
        assert words in readme, words


# -- item 7: levers ranked by the measure asked for ---------------------------------------
def effect(name: str, standoff: float, force: float) -> LeverEffect:
    return LeverEffect(name, False, {"p_coercion_or_worse": Interval(standoff, 0, 0, 1),
                                     "p_force": Interval(force, 0, 0, 1)})


def test_levers_rank_by_the_measure_picked():
    effects = [effect("crisis_hotline", -0.05, -0.01), effect("military_transparency",
                                                               -0.02, -0.045),
               effect("all_levers", -0.3, -0.1)]
    assert [e.lever for e in rank(effects)] == ["crisis_hotline", "military_transparency",
                                                "all_levers"]
    assert [e.lever for e in rank(effects, "p_force")] == ["military_transparency",
                                                           "crisis_hotline", "all_levers"]


def test_levers_by_force_says_so_and_shows_both(run):
    result = run("levers", "base", "--by", "force", *SMALL, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    text = flat(result.stdout)
    assert "Ranked by the effect on P(force) (--by force); --by standoff ranks by P(coercive " \
           "standoff or worse)" in text
    assert "Δ standoff+ [95% CI]" in text and "Δ force [95% CI]" in text
    doc = json.loads(run("levers", "base", "--by", "force", *SMALL, "--json").stdout)
    assert doc["ranked_by"] == "p_force"
    ranked = [r for r in doc["levers"] if r["rank"] is not None]
    forces = [r["effects"]["p_force"]["value"] for r in ranked]
    assert forces == sorted(forces)
    bad = run("levers", "base", "--by", "peace")
    assert bad.exit_code == 2 and "--by peace: choose one of standoff, force" in bad.stderr


# -- item 7: a truthful ETA ---------------------------------------------------------------
def test_eta_is_the_average_pace_so_far():
    # 6,000 of 24,000 runs at 3.5 s: 10.5 s left, whatever the last burst's speed
    assert eta_seconds(3.5, 6000, 24000) == pytest.approx(10.5)
    assert eta_seconds(3.0, 0, 24000) is None and eta_text(None) == "eta …"
    assert eta_text(10.5) == "eta 0:10" and eta_text(3725) == "eta 1:02:05"
    assert eta_seconds(5.0, 100, 100) == 0.0


# -- item 7: validate lists every problem, run counts them --------------------------------
BAD = ("extends: base.yaml\nname: bad\nactors:\n  baku:\n    nationalism: 1.5\n"
       "    reciprocity: {uniform: [0.9, 0.2]}\n    bogus: 1\nissues:\n  corridors: {heat: -1}\n")


def test_validate_lists_every_problem(run, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = run("validate", path)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 4, result.stderr
    assert [re.match(r"error: \S+:\d+: ([\w.]+)", ln).group(1) for ln in lines] == [
        "actors.baku.nationalism", "actors.baku.reciprocity", "actors.baku.bogus",
        "issues.corridors.heat"]
    doc = json.loads(run("validate", path, "--json").stdout)
    assert len(doc["files"][0]["errors"]) == 4
    once = run("run", path)
    assert once.exit_code == 2 and once.stderr.count("\n") == 1
    assert "(and 3 more problems: escsim validate lists them)" in once.stderr


# -- item 7: the hint for a distribution without brackets ---------------------------------
def test_a_distribution_without_brackets_gets_the_right_hint(run):
    result = run("run", "base", "--set", "actors.baku.nationalism={uniform: 0.5, 0.7}")
    assert result.exit_code == 2
    assert "write {uniform: [0.5, 0.7]}" in result.stderr
    assert "put it in quotes" not in result.stderr


# -- item 7: a one-line verdict at the top of backtest ------------------------------------
def test_verdict_says_which_references_the_model_beats():
    found = verdict({"climatology": {"value": -0.08, "ci_low": -0.09, "ci_high": -0.07},
                     "empirical": {"value": -0.2, "ci_low": -0.25, "ci_high": -0.19},
                     "persistence": {"value": 0.37, "ci_low": 0.35, "ci_high": 0.39}},
                    {"value": 0.53, "ci_low": 0.5, "ci_high": 0.56})
    assert found["text"] == ("beats persistence, loses to climatology and base rates on RPS; "
                             "90% bands too narrow (hold 53% of observed months)")
    tie = verdict({"climatology": {"value": 0.01, "ci_low": -0.02, "ci_high": 0.03}}, 0.91)
    assert tie["text"] == "ties with climatology on RPS; 90% bands about right (hold 91% of " \
                          "observed months)"
    assert verdict({"persistence": 0.5}, 0.99)["bands"] == "too wide"


def test_backtest_opens_with_its_verdict(run):
    result = run("backtest", "india_pakistan_2019", "--runs", "40", "--workers", "1",
                 env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.startswith("Verdict: the model "))
    scores = next(i for i, ln in enumerate(lines) if ln.startswith("Scores"))
    assert first < scores and first <= 3, lines[:6]  # at the top, before any table
    assert "on RPS" in flat(result.stdout) and "90% bands" in flat(result.stdout)


# -- item 7: sensitivity tables fit 80 columns with their bars ----------------------------
def sobol_doc(factors: int = 10) -> dict:
    paths = [f"actors.{a}.{p}" for a in ("baku", "moscow")
             for p in ("nationalism", "reciprocity", "rationality", "dependence")]
    paths = (["issues.corridors.heat", "issues.karabakh.heat"] + paths)[:factors]
    idx = {p: {"S1": {"value": 0.03, "ci_low": -0.13, "ci_high": 0.2},
               "ST": {"value": 0.3 - 0.02 * k, "ci_low": -0.04, "ci_high": 0.59}}
           for k, p in enumerate(paths)}
    return {"scenario": {"name": "base"}, "method": "sobol", "points": 768, "runs": 256,
            "days": 365, "seed": 1, "factors": [{"path": p, "low": 0.25, "high": 0.75}
                                                for p in paths],
            "outputs": {"p_force": {"min": 0.0, "max": 0.9, "ranking": paths, "indices": idx}}}


def test_sensitivity_tables_fit_80_columns_with_the_bars_the_legend_promises():
    from escalation_sim.render.sensitivity import render_sensitivity

    console = Console(file=io.StringIO(), width=80, color_system=None)
    render_sensitivity(sobol_doc(), console)
    text = console.file.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    rows = [ln for ln in text.splitlines() if ln.strip()[:2].strip().isdigit() and "." in ln]
    assert len(rows) == 10 and all("█" in ln or "░" in ln for ln in rows[:3])
    assert "Bar: █ S1, ░ ST − S1" in flat(text)
    assert "…" not in text  # no cell cut


# -- item 4: one value, the same digits in every view -------------------------------------
@pytest.mark.slow
def test_one_value_reads_the_same_in_terminal_report_figure_and_api(tmp_path):
    pytest.importorskip("matplotlib")
    import escalation_sim as es
    from escalation_sim.render.figures import run_figures
    from escalation_sim.render.numbers import estimate
    from escalation_sim.render.report import ReportPart, build_report
    from escalation_sim.render.terminal import render_summary

    result = es.run(BASE, runs=400, days=60, seed=3, workers=1)
    summary = result.summary
    entry = summary["worst"]["coercive_standoff"]
    shown, ci = estimate(entry, "p", as_percent=True)
    console = Console(file=io.StringIO(), width=80, color_system=None)
    render_summary(summary, console)
    assert f"{shown}  {ci}" in console.file.getvalue() or f"{shown} {ci}" in \
        flat(console.file.getvalue())
    scenario = load(BASE, runs=400, days=60, seed=3).scenario
    html = build_report(ReportPart(summary, scenario))
    assert f"<td class='n'>{shown}</td><td class='ci'>{ci}</td>" in html
    run_figures(summary, tmp_path)
    svg = (tmp_path / "run_outcomes.svg").read_text(encoding="utf-8")
    assert f"{shown} {ci}" in svg
    row = result.worst.set_index("level").loc["coercive_standoff"]
    assert row["shown"] == f"{shown} {ci}"
