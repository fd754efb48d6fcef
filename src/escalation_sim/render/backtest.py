"""The terminal view of ``escsim backtest``, drawn from the ``backtest --json`` document.

The score table (model, climatology and persistence, with skill scores and 95% intervals, each
cell on one line; split over two tables where the width needs it), a legend of the scores,
then the month-by-month path. Nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from escalation_sim.render.layout import pack
from escalation_sim.render.numbers import MISSING, decimals, estimate, number, percent

REFERENCES = ("climatology", "persistence")
LEGEND = (
    "RPS (ranked probability score): how far the forecast distribution of an actor's highest "
    "rung in a month lies from the observed rung, 0 = certain and right. Brier: the squared "
    "error of a probability forecast of a yes/no event (force used by month m; back to "
    "engagement by month m). Cover 50%/90%: the share of observed monthly rungs inside the "
    "central 50%/90% band. Climatology: the same runs' frequencies pooled over months; "
    "persistence: the starting rungs carried forward. Skill = 1 − score/reference: above 0 "
    "beats the reference (each skill column: against the reference to its left)."
)


def render_backtest(data: Mapping[str, Any], console: Console) -> None:
    """Print the score tables, their legend and the month-by-month path."""
    console.print(Text.assemble(
        (data["episode"], "bold"), f" — {data['start_date']} to {data['end_date']}; scenario "
        f"{data['scenario']!r}, {data['runs']:,} runs, seed {data['seed']}"), soft_wrap=False)
    console.print(Text("Scores, lower is better (RPS per actor-month, Brier per month); "
                       "skill = 1 − score/reference, with 95% intervals", style="bold"),
                  soft_wrap=False)
    for table in pack(["model", *REFERENCES], lambda cols: score_table(data, cols),
                      console.width):
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
        places = decimals(model["value"], model["ci_low"], model["ci_high"])
        cells: list[RenderableType] = [row["label"]]
        for name in columns:
            if name == "model":
                cells.append(_cell(model, as_percent=coverage))
                continue
            value = row[name]
            cells.append(percent(value) if coverage else number(value, places))
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
    value, bounds = estimate(entry, as_percent=as_percent)
    if entry.get("ci_low") == entry.get("ci_high") == entry.get("value"):
        bounds = ""
    return escape(f"{value} {bounds}" if bounds else value)
