"""The terminal view of ``escsim sensitivity``, drawn from the ``sensitivity --json`` document.

Per output, a table of the factors ranked from most to least influential, with their indices
and 95% intervals and a tornado of bars: for Sobol the bar's length is the total index ``ST``,
its solid part the first-order index ``S1`` (the rest is the share that acts through
interactions); for Morris the bar is ``mu_star`` relative to the largest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.defaults import runs_line
from escalation_sim.analysis.points import measure_label
from escalation_sim.render.layout import fits
from escalation_sim.render.numbers import MISSING, estimate, number

BAR_WIDTH = 24
MIN_BAR = 6
"""Narrowest tornado bar before the range column is given up to make room."""
ROUGH_SLACK = 0.1
"""How far outside 0–1 a Sobol index may stray (sampling noise) before it is called rough."""
SOLID, SHADE = "█", "░"


def render_sensitivity(doc: Mapping[str, Any], console: Console) -> None:
    """Print the analysis: a header, then one ranked table per output."""
    for part in sensitivity_renderables(doc, console.width):
        console.print(part, soft_wrap=False)


def sensitivity_renderables(doc: Mapping[str, Any], width: int = 80) -> list[RenderableType]:
    """Header and one table (or a note) per output, each fitted to ``width``."""
    head = Text.assemble(
        ("Sensitivity ", "bold"), (doc["scenario"]["name"], "bold"),
        f" · {doc['method']} · {doc['points']:,} points × {doc['runs']:,} runs × "
        f"{doc['days']:,} days · {len(doc['factors'])} factors · seed {doc['seed']}")
    parts: list[RenderableType] = [
        head, Text(runs_line("sensitivity", doc["runs"], doc.get("runs_from")), style="dim"),
        Text()]
    for output, found in doc["outputs"].items():
        title = Text.assemble((measure_label(output), "bold"),
                              (f"  ranges {_short(found['min'])} – {_short(found['max'])} "
                               "over the sample", "dim"))
        if not found["indices"]:
            parts += [title, Text("  does not vary over the sample: no index to compute",
                                  style="dim"), Text()]
            continue
        table, with_range = fitted_table(doc, output, title, width)
        parts.append(table)
        if not with_range:
            parts.append(Text("  ranges: " + "; ".join(f"{f['path']} {_range(f)}"
                                                       for f in doc["factors"]), style="dim"))
        rough = _rough(doc, found)
        if rough:
            parts.append(Text(f"  rough: {rough}; raise --samples (and --runs for a rare "
                              "output)", style="yellow"))
        parts.append(Text())
    parts.append(Text(_legend(doc["method"]), style="dim"))
    return parts


def fitted_table(doc: Mapping[str, Any], output: str, title: Text,
                 width: int) -> tuple[Table, bool]:
    """The ranked table at the widest bar that fits ``width``, and whether it has the ranges.

    Without room, the range column goes (then ``False``: the caller lists the ranges).
    """
    for with_range in (True, False):
        for bar_width in range(BAR_WIDTH, MIN_BAR - 1, -2):
            table = ranked_table(doc, output, title, bar_width=bar_width, with_range=with_range)
            if fits(table, width):
                return table, with_range
    # nothing fits on one line a row: the intervals wrap within their column
    return ranked_table(doc, output, title, bar_width=0, with_range=False, wrap_ci=True), False


def _range(factor: Mapping[str, Any]) -> str:
    return f"{factor['low']:g}–{factor['high']:g}"


def ranked_table(doc: Mapping[str, Any], output: str, title: Text, *,
                 bar_width: int = BAR_WIDTH, with_range: bool = True,
                 wrap_ci: bool = False) -> Table:
    """The factors of one output, most influential first, with a tornado bar each.

    Args:
        doc: The ``sensitivity --json`` document.
        output: The output (measure) whose indices are shown.
        title: The table's title.
        bar_width: Width of the tornado bars (0: no bars).
        with_range: Whether to show each factor's range in a column.
        wrap_ci: Whether the intervals may wrap within their column (when nothing else fits).
    """
    found = doc["outputs"][output]
    sobol = doc["method"] == "sobol"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False, title=title, title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("factor", no_wrap=True,
                     min_width=max((len(f["path"]) for f in doc["factors"]), default=6))
    if with_range:
        table.add_column("range", style="dim", no_wrap=True)
    names = ("S1", "ST") if sobol else ("mu_star", "sigma")
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
        if name != "sigma":
            table.add_column("95% CI", style="dim", no_wrap=not wrap_ci, overflow="fold")
    if bar_width:
        table.add_column("", no_wrap=True, width=bar_width)
    ranges = {f["path"]: _range(f) for f in doc["factors"]}
    key = "ST" if sobol else "mu_star"
    top = max((found["indices"][p][key]["value"] or 0.0
               for p in found["ranking"]), default=0.0)
    for rank, path in enumerate(found["ranking"], start=1):
        idx = found["indices"][path]
        row: list[RenderableType] = [str(rank), Text(path, style="bold" if rank == 1 else "")]
        if with_range:
            row.append(ranges.get(path, ""))
        for name in names:
            if name == "sigma":
                row.append(number(idx[name]["value"]) if idx[name]["value"] is not None
                           else MISSING)
            else:
                row += list(estimate(idx[name]))
        if bar_width:
            row.append(_tornado(idx, sobol, top, bar_width))
        table.add_row(*row)
    return table


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


def _short(x: float | None) -> str:
    return MISSING if x is None else f"{x:.3g}"


def _tornado(idx: Mapping[str, Any], sobol: bool, top: float, width: int) -> Text:
    if not sobol:
        value = idx["mu_star"]["value"] or 0.0
        return Text(SOLID * round(width * value / top) if top > 0 else "", style="cyan")
    total = max(0.0, min(1.0, idx["ST"]["value"] or 0.0))
    first = max(0.0, min(total, idx["S1"]["value"] or 0.0))
    solid = round(width * first)
    rest = max(0, round(width * total) - solid)
    return Text.assemble((SOLID * solid, "cyan"), (SHADE * rest, "cyan"))


def _legend(method: str) -> str:
    if method == "sobol":
        return (f"S1: share of the output's variance a factor explains alone; ST: alone and "
                f"with others. Bar: {SOLID} S1, {SHADE} ST − S1, full width = 1.")
    return ("mu_star: mean absolute effect of moving the factor across its range; sigma: its "
            "spread (interactions, non-linearity). Bars relative to the largest mu_star.")
