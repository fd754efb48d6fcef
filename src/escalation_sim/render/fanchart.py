"""A fan chart drawn in the terminal: an actor's rung over time, as bands of the ensemble.

Rows are the ladder's rungs (open war at the top), columns are the timeline's points (weeks, or
every few weeks when the terminal is narrow). A cell is shaded when the rung lies inside the
90% band of runs that day, shaded darker inside the 50% band, and the median is marked with a
bar. With colour the bands are background colours; without colour (``NO_COLOR``, a pipe) they
are the characters ``░`` and ``▓``, so the chart reads the same in a log file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from escalation_sim.model.ladder import N_RUNGS, RUNGS

RUNG_STYLES = ("green3", "green3", "grey70", "yellow3", "gold3", "orange3", "dark_orange",
               "red3", "red1", "bold red1")
"""Label colour per rung, from cooperation (green) to open war (red)."""
LABEL_WIDTH = 2 + 1 + max(len(r.name) for r in RUNGS) + 1
MEDIAN, INNER, OUTER, EMPTY = "━", "▓", "░", " "
MAX_CELL = 3
"""Widest cell per timeline point, used when there are few points (short horizons)."""


@dataclass(frozen=True)
class Palette:
    """Colours of one actor's chart: the two bands and the median mark."""

    outer: str
    inner: str
    median: str = "bold #ffffff"


PALETTES = (Palette("#1d3f5e", "#2f78b7"), Palette("#5a2a3c", "#a8455f"),
            Palette("#2f4a2f", "#4e8f4e"), Palette("#4d3d1f", "#a07b2c"))
"""Colours per actor, in the scenario's actor order (cycled)."""


def has_colour(console: Console) -> bool:
    """Whether the console will show colours (not under ``NO_COLOR``, ``TERM=dumb`` or a pipe)."""
    return console.color_system is not None and not console.no_color


def pick_columns(n_points: int, room: int) -> list[int]:
    """Indices of the timeline points to draw in ``room`` cells: all, or every k-th and the last."""
    if room <= 0:
        return [n_points - 1]
    stride = max(1, math.ceil(n_points / room))
    chosen = list(range(0, n_points, stride))
    if chosen[-1] != n_points - 1:
        if len(chosen) >= room:
            chosen[-1] = n_points - 1
        else:
            chosen.append(n_points - 1)
    return chosen


def fan_chart(series: Mapping[str, Sequence[int | None]], days: Sequence[int],
              dates: Sequence[str] | None, *, width: int, colour: bool,
              palette: Palette = PALETTES[0]) -> Group:
    """The chart of one actor's rung quantiles.

    Args:
        series: The actor's timeline from the summary: ``p05 … p95`` lists of rungs.
        days: Day index of each timeline point.
        dates: ISO date of each point, or ``None``.
        width: Cells available for the whole chart, labels included.
        colour: Draw bands as background colours (else as shade characters).
        palette: The actor's colours.
    """
    lo90, hi90 = _band(series, ("p05", "p10")), _band(series, ("p95", "p90"))
    lo50, hi50, mid = series["p25"], series["p75"], series["p50"]
    room = width - LABEL_WIDTH - 1
    cols = pick_columns(len(days), room)
    cell = max(1, min(MAX_CELL, room // len(cols)))
    lines: list[Text] = []
    for rung in range(N_RUNGS - 1, -1, -1):
        line = Text(no_wrap=True)
        line.append(f"{rung:>2} {RUNGS[rung].name:<{LABEL_WIDTH - 4}} ", style=RUNG_STYLES[rung])
        line.append("│", style="grey50")
        for c in cols:
            mark, style = _cell(rung, (lo90[c], hi90[c], lo50[c], hi50[c], mid[c]), colour,
                                palette)
            line.append(mark * cell, style=style)
        lines.append(line)
    axis, labels = _axis([days[c] for c in cols], [dates[c] for c in cols] if dates else None,
                         cell, room)
    lines.append(Text(" " * LABEL_WIDTH + "└" + axis, style="grey50", no_wrap=True))
    lines.append(Text(" " * (LABEL_WIDTH + 1) + labels, style="grey50", no_wrap=True))
    return Group(*lines)


def legend(colour: bool, palette: Palette = PALETTES[0], width: int = 80) -> Text:
    """The key to the chart's marks, under the chart (moved left when the terminal is narrow)."""
    text = Text(no_wrap=True)
    for n, (mark, style, what) in enumerate((
            (MEDIAN, f"{palette.median} on {palette.inner}", "median"),
            (INNER, f"on {palette.inner}", "middle 50% of runs"),
            (OUTER, f"on {palette.outer}", "90% of runs"))):
        cell = " " if colour and mark != MEDIAN else mark
        text.append("   " if n else "")
        text.append(cell * 2, style=style if colour else "")
        text.append(f" {what}")
    indent = max(0, min(LABEL_WIDTH + 1, width - text.cell_len))
    return Text(" " * indent) + text


def step_name(days: Sequence[int], n_columns: int) -> str:
    """What one column stands for: 'week', 'N weeks' or 'N days'."""
    if len(days) < 2 or n_columns < 2:
        return "point"
    span = (days[-1] - days[0]) / max(1, n_columns - 1)
    weeks = round(span / 7)
    if abs(span - 7 * weeks) < 1 and weeks >= 1:
        return "week" if weeks == 1 else f"{weeks} weeks"
    return f"{round(span)} days"


def _band(series: Mapping[str, Sequence[Any]], keys: Sequence[str]) -> Sequence[Any]:
    for key in keys:
        if key in series:
            return series[key]
    raise KeyError(f"timeline has none of {', '.join(keys)}")


def _cell(rung: int, q: tuple[Any, ...], colour: bool, palette: Palette) -> tuple[str, str]:
    lo90, hi90, lo50, hi50, mid = q
    if mid is None:
        return EMPTY, ""
    in50 = lo50 <= rung <= hi50
    in90 = lo90 <= rung <= hi90
    if rung == mid:
        return MEDIAN, f"{palette.median} on {palette.inner}" if colour else "bold"
    if in50:
        return (" ", f"on {palette.inner}") if colour else (INNER, "")
    if in90:
        return (" ", f"on {palette.outer}") if colour else (OUTER, "")
    return EMPTY, ""


def _axis(days: Sequence[int], dates: Sequence[str] | None, cell: int = 1,
          room: int | None = None) -> tuple[str, str]:
    """The axis line with ticks, and the labels under it (months, or day numbers).

    When the dates cross into another year, the first month and each January carry the year
    (``Jul 2025``, ``Jan 2026``). Labels never overlap (a blank cell between two), and never
    reach past ``room`` cells (default: the axis's length).
    """
    n = len(days)
    room = n * cell if room is None else max(room, n * cell)
    ticks: list[tuple[int, str]] = []
    years: list[tuple[int, str]] = []  # labelled first, so they are never crowded out
    if dates:
        parsed = [dt.date.fromisoformat(d) for d in dates]
        several = parsed[0].year != parsed[-1].year
        for i, day in enumerate(parsed):
            if i == 0 or (day.year, day.month) != (parsed[i - 1].year, parsed[i - 1].month):
                new_year = several and (i == 0 or day.year != parsed[i - 1].year)
                (years if new_year else ticks).append(
                    (i, day.strftime("%b %Y" if new_year else "%b")))
    else:
        span = max(1, days[-1] - days[0])
        every = _nice_step(span / max(1, n) * 4 / cell)
        for i, number in enumerate(days):
            if i == 0 or number // every != days[i - 1] // every:
                ticks.append((i, str(number if i == 0 else (number // every) * every)))
    axis = ["─"] * (n * cell)
    labels = [" "] * room
    taken = [False] * (room + 1)
    for i, label in [*years, *ticks]:
        at = i * cell
        axis[at] = "┬"
        stop = at + len(label)
        if stop <= room and not any(taken[max(0, at - 1):stop + 1]):
            labels[at:stop] = list(label)
            taken[at:stop] = [True] * len(label)
    return "".join(axis), "".join(labels).rstrip()


def _nice_step(raw: float) -> int:
    """A whole number of weeks at least ``raw`` days (7, 14, 28, 56, 84, 182, 364, …)."""
    for step in (7, 14, 28, 56, 84, 182, 364, 728):
        if step >= raw:
            return step
    return int(raw)
