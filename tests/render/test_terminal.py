"""The terminal summary: drawn from the summary alone, fits the width, colour only if allowed."""

from __future__ import annotations

import copy
import io
import re

from rich.console import Console

from escalation_sim.render.terminal import render_summary

ANSI = re.compile(r"\x1b\[")


def render(summary, *, width=80, colour=False, **kw) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=colour, soft_wrap=True,
                      color_system="truecolor" if colour else None)  # as cli.common makes it
    render_summary(summary, console, **kw)
    return buf.getvalue()


def test_all_sections_are_there(base_summary):
    text = render(base_summary)
    for words in ("Azerbaijan–Russia, mid-2025", "300 runs × 60 days", "seed 20250701",
                  "Outcomes", "coercive standoff", "95% CI", "Azerbaijan (Baku) — rung",
                  "Russia (Moscow) — rung", "9 open war", "0 cooperation", "Impacts",
                  "military", "economic", "diplomatic", "Actors", "Levers: none in use",
                  "Incidents that struck most often"):
        assert words in text, words


def test_numbers_come_from_the_summary(base_summary):
    summary = copy.deepcopy(base_summary)
    summary["ends"]["cold_tension"] = {"p": 0.123, "ci_low": 0.101, "ci_high": 0.145}
    summary["worst"]["cold_tension"] = {"p": 0.48, "ci_low": 0.46, "ci_high": 0.50}
    summary["metrics"]["p_force"] = summary["impacts"]["military"]["p_force"] = {
        "value": 0.0417, "ci_low": 0.0311, "ci_high": 0.0555, "n": 300}
    summary["actors"]["baku"]["days_coercion_mean"] = 41.7
    text = render(summary)
    # how it ends and how bad it got, side by side; the digits the interval supports, no padding
    assert re.search(r"cold tension 3–4\s+12\.3%\s+\[10\.1, 14\.5\].*48%\s+\[46, 50\]", text)
    assert re.search(r"P\(force\)\s+4\.2%\s+\[3\.1, 5\.5\]", text)
    assert re.search(r"Azerbaijan \(Baku\).*\s42\s", text)  # days are whole days


def test_plain_output_has_no_escapes_and_fits_80_columns(base_summary):
    summary = copy.deepcopy(base_summary)
    summary["levers"] = {name: {"strength": 1.0, "start_day": 0}
                         for name in ("crisis_hotline", "economic_initiatives",
                                      "military_transparency", "cultural_exchanges",
                                      "trusted_intermediaries")}
    summary["levers"]["multilateral_forum"] = {"strength": 1.0, "start_day": 0, "period_days": 30}
    summary["scenario"]["overrides"] = ["issues.corridors.heat=0.9"] * 3
    text = render(summary, width=80, out_dir="/some/rather/long/folder/name/for/results",
                  files=["summary.json", "runs.csv", "runs.parquet", "daily.csv",
                         "scenario.resolved.yaml"])
    assert not ANSI.search(text)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "▓" in text and "░" in text and "━" in text  # bands drawn as characters


def test_colour_output_uses_escapes(base_summary):
    assert ANSI.search(render(base_summary, colour=True))


def test_levers_incidents_and_files(base_summary):
    summary = copy.deepcopy(base_summary)
    summary["levers"] = {"crisis_hotline": {"strength": 0.5, "start_day": 10},
                         "multilateral_forum": {"strength": 1.0, "start_day": 0,
                                                "period_days": 30}}
    text = render(summary, files=["summary.json", "runs.csv"], out_dir="results")
    assert re.search(r"Levers: crisis hotline\s+strength 0.5, from day 10", text)
    assert re.search(r"multilateral forum\s+strength 1.0, from day 0, meets every 30 days", text)
    assert re.search(r"Files: results/ *\n  summary.json, runs.csv\n", text)
    ranked = sorted(summary["incidents"].values(), key=lambda i: -i["p_any"])
    assert ranked[0]["label"][:30] in text
    assert ranked[-1]["label"][:40] not in text  # only the top five are listed


def test_overrides_are_shown_in_the_header(base_summary):
    summary = copy.deepcopy(base_summary)
    summary["scenario"]["overrides"] = ["actors.baku.nationalism=0.9"]
    assert "--set actors.baku.nationalism=0.9" in render(summary)


def test_wide_terminals_show_a_year_week_by_week(base_summary):
    summary = copy.deepcopy(base_summary)
    days = list(range(0, 365, 7)) + [364]
    tl = {"day": days}
    for actor in ("baku", "moscow"):
        tl[actor] = {f"p{q:02d}": [5] * len(days) for q in (5, 10, 25, 50, 75, 90, 95)}
    summary["timeline"] = tl
    summary["days"], summary["start_date"] = 365, None
    text = render(summary, width=100)
    assert "one column per week" in text
    narrow = render(summary, width=60)
    assert "one column per 2 weeks" in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 60


def test_one_run_one_day_reads_in_the_singular(base_summary):
    summary = copy.deepcopy(base_summary)
    summary["runs"], summary["days"] = 1, 1
    assert "1 run × 1 day ·" in render(summary)


def test_headline_sentence_opens_the_summary(base_summary):
    summary = copy.deepcopy(base_summary)
    for question in ("ends", "worst"):
        for key in summary[question]:
            summary[question][key] = {"p": 0.0, "ci_low": 0.0, "ci_high": 0.1}
    summary["ends"]["cold_tension"] = {"p": 0.66, "ci_low": 0.63, "ci_high": 0.69}
    summary["worst"]["coercive_standoff"] = {"p": 0.9, "ci_low": 0.87, "ci_high": 0.92}
    summary["metrics"]["p_force"] = {"value": 0.018, "ci_low": 0.011, "ci_high": 0.028, "n": 300}
    summary["actors"]["baku"]["p_force"] = 0.018
    summary["actors"]["moscow"]["p_force"] = 0.0
    summary["incident_force"] = {"p": 0.61, "ci_low": 0.58, "ci_high": 0.64, "rung": 8,
                                 "kinds": ["energy_asset_strike"]}
    first = " ".join(render(summary, width=200).split("\n\n")[0].split())
    assert first == ("Most likely it ends in cold tension (66%) and at worst reaches a coercive "
                     "standoff (90%); the chance that either side chooses force is 1.8% [1.1, "
                     "2.8], mostly by Azerbaijan (Baku) (1.8% of runs, against 0% for Russia "
                     "(Moscow)); incidents at a force rung strike in 61% of runs.")


def test_incident_force_is_shown_apart_from_chosen_force(base_summary):
    summary = copy.deepcopy(base_summary)
    summary["incident_force"] = {"p": 0.56, "ci_low": 0.5, "ci_high": 0.62, "rung": 8,
                                 "kinds": ["corridor_border_incident"]}
    summary["incident_external"] = {"p": 0.47, "ci_low": 0.45, "ci_high": 0.49, "rung": 8,
                                    "kinds": ["energy_asset_strike"]}
    text = " ".join(render(summary).split())
    assert "Incidents at a force rung (rung 8+: incidents of the dyad, strikes and raids neither " \
           "capital ordered as policy) struck in 56% [50, 62] of runs; external incidents " \
           "(fallout of acts aimed elsewhere) in 47% [45, 49]; the levels above count only the " \
           "rungs the capitals chose." in text
    for jargon in ("rule: higher rung", "Goldstein\nmean/day", "n0"):
        assert jargon not in text


def test_more_incidents_note_names_summary_json_only_when_written(base_summary):
    assert "more in --json" in render(base_summary)
    assert "more in summary.json and --json" in render(base_summary, files=["summary.json"],
                                                       out_dir="results")
