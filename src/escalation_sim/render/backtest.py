"""The terminal view of ``escsim backtest``, drawn from the ``backtest --json`` document.

One episode: a one-line verdict, the score table (model and the references, with skill scores
and 95% intervals, each cell on one line; split over tables where the width needs it), a legend
of the scores, then the month-by-month path. Several episodes (``--all``): the verdict, then per
episode and pooled the RPS and coverage, and the two Brier scores, each with its skill against
every reference. Scores are written with at most three decimals and ``< 0.001`` below that
(:mod:`escalation_sim.render.numbers`). Nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.defaults import runs_line
from escalation_sim.render.layout import pack
from escalation_sim.render.numbers import MISSING, estimate, percent, places, value

REFERENCES = ("climatology", "empirical", "persistence")
LEGEND = (
    "RPS (ranked probability score): how far the forecast distribution of an actor's rung in a "
    "month lies from the observed rung, 0 = certain and right. Observed rung: the highest of "
    "the actor's chosen acts that month and its measures in force (docs/episodes.md §6). "
    "Brier: the squared error of a probability forecast of a yes/no event (force used by month "
    "m; both sides back to engagement by month m). Cover 50%/90%: the share of observed "
    "monthly rungs inside the central 50%/90% band. Climatology: the same runs' frequencies "
    "pooled over months; empirical: the base rates of observed monthly rungs in the other "
    "bundled episodes; persistence: the starting rungs carried forward. Skill = 1 − "
    "score/reference: above 0 beats the reference (each skill column: against the reference "
    "to its left)."
)
LIBRARY_LEGEND = (
    "Point scores, lower is better; mo.: months; vs …: skill = 1 − score/reference against "
    "climatology (the same runs pooled over months), empirical (base rates of the observed "
    "monthly rungs of the other episodes) and persistence (the starting rungs carried "
    "forward); above 0 beats it, — where the reference is perfect; cov: share of observed "
    "actor-months inside the central 50%/90% band. Pooled: RPS and coverage over all "
    "actor-months, Brier over all months, each weighing the same; pooled skill is that of the "
    "pooled scores."
)


def verdict_line(data: Mapping[str, Any]) -> Text | None:
    """``Verdict: beats persistence, loses to …; 90% bands too narrow (…)``, or ``None``."""
    found = (data.get("verdict") or {}).get("text")
    if not found:
        return None
    return Text.assemble(("Verdict: ", "bold"), (f"the model {found}.", "bold"))


def render_backtest(data: Mapping[str, Any], console: Console) -> None:
    """Print the verdict, the score tables, their legend and the month-by-month path."""
    console.print(Text.assemble(
        (data["episode"], "bold"), f" — {data['start_date']} to {data['end_date']}; scenario "
        f"{data['scenario']!r}, {data['runs']:,} runs, seed {data['seed']}"), soft_wrap=False)
    console.print(Text(runs_line("backtest", data["runs"], data.get("runs_from")), style="dim"),
                  soft_wrap=False)
    line = verdict_line(data)
    if line is not None:
        console.print(line, soft_wrap=False)
    said = (data.get("calibration") or {}).get("text")
    if said:  # after the verdict: which model was scored, calibrated or not, in sample or not
        console.print(Text(said[0].upper() + said[1:] + ".", style="dim"), soft_wrap=False)
    console.print(Text("Scores, lower is better (RPS per actor-month, Brier per month); "
                       "skill = 1 − score/reference, with 95% intervals", style="bold"),
                  soft_wrap=False)
    refs = data.get("references", [r for r in REFERENCES if data["scores"]
                                    and r in data["scores"][0]])
    for table in pack(["model", *refs], lambda cols: score_table(data, cols), console.width):
        console.print(table)
        console.print()
    console.print(Text(LEGEND, style="dim"), soft_wrap=False)
    console.print()
    console.print(month_table(data))


def score_table(data: Mapping[str, Any], columns: Sequence[str]) -> Table:
    """The scores, with the given column groups: ``model`` and/or a reference and its skill."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, show_edge=False)
    table.add_column("score", no_wrap=True)
    for name in columns:
        table.add_column(name, justify="right", no_wrap=True)
        if name != "model":
            table.add_column("skill", justify="right", no_wrap=True)
    for row in data["scores"]:
        coverage = row["score"].startswith("cover")
        model = row["model"]
        shown = places("%" if coverage else "score", model["value"], model["ci_low"],
                       model["ci_high"])
        cells: list[RenderableType] = [row["label"]]
        for name in columns:
            if name == "model":
                cells.append(_cell(model, as_percent=coverage))
                continue
            found = row[name]
            cells.append(percent(found) if coverage else
                         value(found, "score", max(shown, places("score", found))))
            skill = row.get(f"skill_{name}")
            if skill is None:
                cells.append("")
            elif skill["value"] is None:
                cells.append(f"{MISSING} (reference 0)")
            else:
                cells.append(_cell(skill))
        table.add_row(*cells)
    return table


def month_table(data: Mapping[str, Any]) -> Table:
    """By month: each actor's observed rung and simulated 50% band; force and engagement."""
    actors = list(data["months"][0]["observed"]) if data["months"] else []
    months = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                   title=escape("By month: observed rung [simulated 50% band]; observed and "
                                "simulated P(by month)"), title_justify="left")
    months.add_column("month")
    for a in actors:
        months.add_column(a, justify="right")
    months.add_column("force", justify="right")
    months.add_column("engaged ≤ 1", justify="right")
    for m in data["months"]:
        cells = [m["month"]] + [escape(f"{m['observed'][a]} [{m['band_50'][a][0]}–"
                                       f"{m['band_50'][a][1]}]") for a in actors]
        for key in ("force_by", "engaged_by"):
            cells.append(f"{'yes' if m[key]['observed'] else 'no'} {percent(m[key]['p'])}")
        months.add_row(*cells)
    return months


def _cell(entry: Mapping[str, Any], *, as_percent: bool = False) -> str:
    """``value [low, high]`` on one line; a zero-width interval (a fixed count) is left out."""
    shown, bounds = estimate(entry, unit="%" if as_percent else "score")
    if entry.get("ci_low") == entry.get("ci_high") == entry.get("value"):
        bounds = ""
    return escape(f"{shown} {bounds}" if bounds else shown)


def render_library(data: Mapping[str, Any], console: Console) -> None:
    """Print the per-episode and pooled tables of ``backtest --all`` and their legend."""
    pooled = data["pooled"]
    said = (data.get("calibration") or {}).get("text") or \
        "scores at the scenarios' current parameters"
    console.print(Text(f"{pooled['episodes']} episodes, {data['runs']:,} runs each, "
                       f"{pooled['actor_months']} actor-months; {said}", style="bold"),
                  soft_wrap=False)
    console.print(Text(runs_line("backtest --all", data["runs"], data.get("runs_from")),
                       style="dim"), soft_wrap=False)
    line = verdict_line(data)
    if line is not None:
        console.print(line, soft_wrap=False)
    console.print(library_table(data, "rps", with_coverage=True))
    console.print(library_table(data, "brier_force"))
    console.print(library_table(data, "brier_engaged"))
    meaning = data.get("distance_meaning") or "distance"
    console.print(Text(f"{meaning}: {value(data['distance'], 'score')}", style="dim"),
                  soft_wrap=False)
    console.print(Text(LIBRARY_LEGEND, style="dim"), soft_wrap=False)


SHORT = {"climatology": "clim.", "empirical": "emp.", "persistence": "pers."}
LIBRARY_TITLES = {"rps": "RPS", "brier_force": "Brier force by month m",
                  "brier_engaged": "Brier back to engagement by month m"}


def library_table(data: Mapping[str, Any], key: str, *, with_coverage: bool = False) -> Table:
    """One score per episode and pooled: the model's value and its skill against each reference."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  title=LIBRARY_TITLES[key], title_justify="left")
    table.add_column("episode", no_wrap=True)
    table.add_column("mo.", justify="right")
    table.add_column("model", justify="right")
    refs = [r for r in REFERENCES if r in data["pooled"]["skill"]]
    for ref in refs:
        table.add_column(f"vs {SHORT[ref]}", justify="right")
    if with_coverage:
        table.add_column("cov 50", justify="right")
        table.add_column("cov 90", justify="right")
    rows = [(e["episode"], e) for e in data["episodes"]] + [("pooled", data["pooled"])]
    for n, (name, entry) in enumerate(rows):
        model = entry["scores"]["model"]
        cells = [name if n < len(rows) - 1 else Text(name, style="bold"), str(entry["months"]),
                 _small(model[key])]
        for ref in refs:
            found = entry["skill"].get(ref, {}).get(key)
            cells.append(MISSING if found is None else value(round(found, 2) + 0.0, "score", 2))
        if with_coverage:
            cells += [percent(model["cover_50"], 0), percent(model["cover_90"], 0)]
        table.add_row(*cells, end_section=n == len(rows) - 2)
    return table


def _small(x: float | None) -> str:
    """A score with three decimals; ``< 0.001`` for one above zero that would show as 0.000."""
    return value(x, "score", 3)


ROLLING_LEGEND = (
    "Each origin's runs were filtered through the record up to the origin, then forecast "
    "without further weighing (docs/analysis.md, Nowcasting). Horizon h: the h-th month from "
    "the origin. RPS per actor-month, lower is better; skill = 1 − model/reference against "
    "pers. (the last month's reading before the origin carried forward) and emp. (the other "
    "episodes' base rates); above 0 beats it. Cover 90%: share of observed actor-months inside "
    "the central 90% band.")


def render_rolling(data: Mapping[str, Any], console: Console) -> None:
    """Print rolling-origin scores by horizon: pooled, then per episode."""
    episodes = data["episodes"]
    forecasts = sum(len(ep["origins"]) for ep in episodes)
    console.print(Text(f"{forecasts} forecasts from {len(episodes)} episode(s), "
                       f"{data['runs']:,} runs each", style="bold"), soft_wrap=False)
    console.print(rolling_table("pooled, by horizon", data["pooled"]))
    if len(episodes) > 1:
        for ep in episodes:
            if ep["origins"]:
                console.print(rolling_table(f"{ep['episode']} ({len(ep['origins'])} origins)",
                                            ep["pooled"]))
    for ep in episodes:
        for lost in ep.get("collapsed") or []:
            console.print(Text.assemble(("No forecast ", "bold yellow"),
                                        f"from {lost['origin']}: {lost['reason']}"),
                          soft_wrap=False)
    console.print(Text(ROLLING_LEGEND, style="dim"), soft_wrap=False)


def rolling_table(title: str, by_horizon: Mapping[str, Any]) -> Table:
    """One row per horizon: the model's RPS, the references', the skills and the coverage."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, title=title,
                  title_justify="left")
    for name in ("horizon", "forecasts", "model", "pers.", "emp.", "vs pers.", "vs emp.",
                 "cover 90%"):
        table.add_column(name, justify="left" if name == "horizon" else "right")
    for h, row in by_horizon.items():
        table.add_row(f"{h} mo", str(row["forecasts"]), value(row["model"], "score"),
                      value(row["persistence"], "score"), value(row["empirical"], "score"),
                      value(row["skill_persistence"], "index"),
                      value(row["skill_empirical"], "index"), percent(row["cover_90"]))
    return table
