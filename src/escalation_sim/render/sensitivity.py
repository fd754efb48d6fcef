"""The terminal view of ``escsim sensitivity``, drawn from the ``sensitivity --json`` document.

Per output, a table of the factors ranked from most to least influential, with their indices
and 95% intervals and a tornado of bars: for Sobol the bar's length is the total index ``ST``,
its solid part the first-order index ``S1`` (the rest is the share that acts through
interactions); for Morris the bar is ``mu_star`` relative to the largest.

Every table fits the width with its bars, which the legend promises: where room is short the
factors' ranges move to one list above the tables, then the first index's interval goes (it is
in ``--json``); the legend says what is shown. Indices are written with at most two decimals
(:mod:`escalation_sim.render.numbers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.defaults import runs_line
from escalation_sim.analysis.points import measure_label
from escalation_sim.render.layout import fits
from escalation_sim.render.numbers import MISSING, estimate, value

BAR_WIDTH = 24
MIN_BAR = 6
"""Narrowest tornado bar before the range column is given up to make room."""
INDEX = "index"
"""The unit Sobol indices and mu_star are written in (at most two decimals)."""
ROUGH_SLACK = 0.1
"""How far outside 0–1 a Sobol index may stray (sampling noise) before it is called rough."""
SOLID, SHADE = "█", "░"


def render_sensitivity(doc: Mapping[str, Any], console: Console) -> None:
    """Print the analysis: a header, then one ranked table per output."""
    for part in sensitivity_renderables(doc, console.width):
        console.print(part, soft_wrap=False)


def sensitivity_renderables(doc: Mapping[str, Any], width: int = 80) -> list[RenderableType]:
    """Header and one table (or a note) per output, each fitted to ``width`` with its bars."""
    head = Text.assemble(
        ("Sensitivity ", "bold"), (doc["scenario"]["name"], "bold"),
        f" · {doc['method']} · {doc['points']:,} points × {doc['runs']:,} runs × "
        f"{doc['days']:,} days · {len(doc['factors'])} factors · seed {doc['seed']}")
    parts: list[RenderableType] = [
        head, Text(runs_line("sensitivity", doc["runs"], doc.get("runs_from")), style="dim"),
        Text()]
    layouts = [fitted_table(doc, output, Text(), width)[1]
               for output, found in doc["outputs"].items() if found["indices"]]
    with_range = all(layout.with_range for layout in layouts)
    first_ci = all(layout.first_ci for layout in layouts)
    if not with_range:
        parts += [Text("Ranges: " + "; ".join(f"{f['path']} {_range(f)}"
                                              for f in doc["factors"]), style="dim"), Text()]
    for output, found in doc["outputs"].items():
        title = Text.assemble((measure_label(output), "bold"),
                              (f"  ranges {_output_value(output, found['min'])} – "
                               f"{_output_value(output, found['max'])} over the sample", "dim"))
        if not found["indices"]:
            parts += [title, Text("  does not vary over the sample: no index to compute",
                                  style="dim"), Text()]
            continue
        layout = Layout(with_range, first_ci, BAR_WIDTH)
        for bar_width in range(BAR_WIDTH, MIN_BAR - 1, -2):
            layout = Layout(with_range, first_ci, bar_width)
            if fits(ranked_table(doc, output, title, layout=layout), width):
                break
        parts.append(ranked_table(doc, output, title, layout=layout))
        rough = _rough(doc, found)
        if rough:
            parts.append(Text(f"  rough: {rough}; raise --samples (and --runs for a rare "
                              "output)", style="yellow"))
        parts.append(Text())
    parts.append(Text(_legend(doc["method"], first_ci=first_ci), style="dim"))
    return parts


@dataclass(frozen=True)
class Layout:
    """What a ranked table shows: the ranges, the first index's interval, the bars' width."""

    with_range: bool = True
    first_ci: bool = True
    bar_width: int = BAR_WIDTH


LAYOUTS = (Layout(True, True), Layout(False, True), Layout(False, False))
"""From the fullest table to the narrowest; each keeps its bars."""


def fitted_table(doc: Mapping[str, Any], output: str, title: Text,
                 width: int) -> tuple[Table, Layout]:
    """The ranked table at the fullest layout that fits ``width``, and that layout.

    Every layout keeps bars of at least :data:`MIN_BAR`; when none fits, the narrowest.
    """
    for layout in LAYOUTS:
        for bar_width in range(BAR_WIDTH, MIN_BAR - 1, -2):
            chosen = Layout(layout.with_range, layout.first_ci, bar_width)
            table = ranked_table(doc, output, title, layout=chosen)
            if fits(table, width):
                return table, chosen
    chosen = Layout(False, False, MIN_BAR)
    return ranked_table(doc, output, title, layout=chosen), chosen


def _range(factor: Mapping[str, Any]) -> str:
    return f"{factor['low']:g}–{factor['high']:g}"


def ranked_table(doc: Mapping[str, Any], output: str, title: Text, *,
                 layout: Layout = Layout()) -> Table:
    """The factors of one output, most influential first, with a tornado bar each.

    Args:
        doc: The ``sensitivity --json`` document.
        output: The output (measure) whose indices are shown.
        title: The table's title.
        layout: Whether to show each factor's range and the first index's interval, and the
            bars' width.
    """
    found = doc["outputs"][output]
    sobol = doc["method"] == "sobol"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False, title=title, title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("factor", no_wrap=True,
                     min_width=max((len(f["path"]) for f in doc["factors"]), default=6))
    if layout.with_range:
        table.add_column("range", style="dim", no_wrap=True)
    names = ("S1", "ST") if sobol else ("mu_star", "sigma")
    for i, name in enumerate(names):
        table.add_column(name, justify="right", no_wrap=True)
        if name != "sigma" and (i > 0 or layout.first_ci or not sobol):
            table.add_column("95% CI", style="dim", no_wrap=True)
    table.add_column("", no_wrap=True, width=layout.bar_width)
    ranges = {f["path"]: _range(f) for f in doc["factors"]}
    key = "ST" if sobol else "mu_star"
    top = max((found["indices"][p][key]["value"] or 0.0
               for p in found["ranking"]), default=0.0)
    for rank, path in enumerate(found["ranking"], start=1):
        idx = found["indices"][path]
        row: list[RenderableType] = [str(rank), Text(path, style="bold" if rank == 1 else "")]
        if layout.with_range:
            row.append(ranges.get(path, ""))
        for i, name in enumerate(names):
            if name == "sigma":
                row.append(value(idx[name]["value"], INDEX))
            elif i > 0 or layout.first_ci or not sobol:
                row += list(estimate(idx[name], unit=INDEX))
            else:
                row.append(estimate(idx[name], unit=INDEX)[0])
        row.append(_tornado(idx, sobol, top, layout.bar_width))
        table.add_row(*row)
    return table


def _output_value(output: str, x: float | None) -> str:
    """An output's value as its tables write it: a percentage for a probability."""
    from escalation_sim.analysis.points import unit

    return value(x, unit(output), 3 if unit(output) == "" else None) if x is not None \
        else MISSING


def _rough(doc: Mapping[str, Any], found: Mapping[str, Any]) -> str:
    """Why the indices are too rough to read, or ``""``.

    Rough: the top factor's index is within its own interval's half-width of zero, or (Sobol)
    an index lies outside 0–1 by more than its interval allows — a sign of too few samples.
    """
    key = "ST" if doc["method"] == "sobol" else "mu_star"
    if doc["method"] == "sobol":
        for idx in found["indices"].values():
            for name in ("S1", "ST"):
                entry = idx[name]
                if None in (entry.get("value"), entry.get("ci_low"), entry.get("ci_high")):
                    continue
                if entry["ci_low"] > 1 or entry["ci_high"] < 0 or \
                        not -ROUGH_SLACK <= entry["value"] <= 1 + ROUGH_SLACK:
                    return f"an index is {entry['value']:g}, outside 0–1"
    top = found["indices"][found["ranking"][0]][key]
    if None in (top.get("value"), top.get("ci_low"), top.get("ci_high")):
        return ""
    if top["value"] <= (top["ci_high"] - top["ci_low"]) / 2:
        return "the leading index is not larger than its interval's half-width"
    return ""


def _tornado(idx: Mapping[str, Any], sobol: bool, top: float, width: int) -> Text:
    if not sobol:
        value = idx["mu_star"]["value"] or 0.0
        return Text(SOLID * round(width * value / top) if top > 0 else "", style="cyan")
    total = max(0.0, min(1.0, idx["ST"]["value"] or 0.0))
    first = max(0.0, min(total, idx["S1"]["value"] or 0.0))
    solid = round(width * first)
    rest = max(0, round(width * total) - solid)
    return Text.assemble((SOLID * solid, "cyan"), (SHADE * rest, "cyan"))


def _legend(method: str, *, first_ci: bool = True) -> str:
    if method == "sobol":
        ci = "" if first_ci else " 95% CI: ST's interval (S1's is in --json)."
        return (f"S1: share of the output's variance a factor explains alone; ST: alone and "
                f"with others.{ci} Bar: {SOLID} S1, {SHADE} ST − S1, full width = 1.")
    return ("mu_star: mean absolute effect of moving the factor across its range; sigma: its "
            "spread (interactions, non-linearity). Bars relative to the largest mu_star.")
