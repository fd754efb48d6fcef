"""The terminal view of ``escsim sweep``, drawn from the ``sweep --json`` document.

One parameter: a table with a row per value — each measure with its 95% interval and a bar
(probabilities on a 0–100% scale, other measures relative to the column's largest value).
Two parameters: a heatmap per measure, the first parameter across, the second up the side
(largest value at the top), each cell showing the estimate on a colour scale; without colour
the cells carry shade characters, so the map reads the same in a log file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.defaults import runs_line
from escalation_sim.analysis.points import as_percent, is_probability, measure_label, short_label
from escalation_sim.render.fanchart import has_colour
from escalation_sim.render.layout import pack
from escalation_sim.render.numbers import MISSING, bar, estimate

BAR_WIDTH = 16
HEAT = ("#0d0887", "#46039f", "#7201a8", "#9c179e", "#bd3786", "#d8576b", "#ed7953",
        "#fb9f3a", "#fdca26", "#f0f921")
"""Cell colours from lowest to highest value (plasma)."""
SHADES = " ░▒▓█"
"""Cell marks from lowest to highest value, without colour."""


def render_sweep(doc: Mapping[str, Any], console: Console) -> None:
    """Print the sweep: a table for one parameter, heatmaps for two."""
    for part in sweep_renderables(doc, console):
        console.print(part, soft_wrap=False)


def sweep_renderables(doc: Mapping[str, Any], console: Console) -> list[RenderableType]:
    """Header, then the table or one heatmap per measure."""
    axes = doc["vary"]
    head = Text.assemble(("Sweep ", "bold"), (doc["scenario"]["name"], "bold"),
                         f" · {doc['runs']:,} runs × {doc['days']:,} days per point · seed "
                         f"{doc['seed']} · the same random numbers at every point")
    parts: list[RenderableType] = [
        head, Text(runs_line("sweep", doc["runs"], doc.get("runs_from")), style="dim"), Text()]
    if len(axes) == 1:
        for table in pack(list(doc["metrics"]), lambda chosen: line_table(doc, chosen),
                          console.width):
            parts += [table, Text()]
    else:
        for measure in doc["metrics"]:
            parts += [heatmap(doc, measure, colour=has_colour(console)), Text()]
    return parts


def line_table(doc: Mapping[str, Any], measures: Sequence[str] | None = None) -> Table:
    """One row per value of the single parameter: each measure, its interval and a bar.

    Args:
        doc: The ``sweep --json`` document.
        measures: The measures to show (default: all of ``doc["metrics"]``).
    """
    chosen = list(doc["metrics"] if measures is None else measures)
    path = doc["vary"][0]["path"]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False, title=Text(f"rows: {path}", style="dim"),
                  title_justify="left")
    table.add_column(path.rsplit(".", 1)[-1], justify="right", no_wrap=True)
    scales = {}
    for measure in chosen:
        values = [p[measure]["value"] for p in doc["points"] if p[measure]["value"] is not None]
        scales[measure] = 1.0 if is_probability(measure) else max(values, default=0.0)
        table.add_column(f"{short_label(measure)} [95% CI]", no_wrap=True)
        table.add_column("", no_wrap=True, width=BAR_WIDTH)
    for point in doc["points"]:
        row: list[RenderableType] = [_value(point["values"][path])]
        for measure in chosen:
            entry = point[measure]
            shown, ci = estimate(entry, as_percent=as_percent(measure))
            scale = scales[measure]
            fraction = entry["value"] / scale if scale and entry["value"] is not None else 0.0
            row += [Text.assemble((shown, "bold"), " ", (ci, "dim")),
                    Text(bar(fraction, BAR_WIDTH), style="cyan")]
        table.add_row(*row)
    return table


def heatmap(doc: Mapping[str, Any], measure: str, *, colour: bool) -> Table:
    """A grid of the measure over two parameters, coloured from its lowest to highest value."""
    (x_axis, y_axis) = doc["vary"]
    by_point = {(p["values"][x_axis["path"]], p["values"][y_axis["path"]]): p[measure]["value"]
                for p in doc["points"]}
    found = [v for v in by_point.values() if v is not None]
    low, high = min(found, default=0.0), max(found, default=0.0)
    percent = as_percent(measure)
    table = Table(box=box.SIMPLE, pad_edge=False, show_edge=False, header_style="bold",
                  title=Text.assemble((measure_label(measure), "bold"),
                                      (f"  {_shown(low, percent)} – {_shown(high, percent)}",
                                       "dim")),
                  title_justify="left", caption=f"across: {x_axis['path']}   "
                                                f"up: {y_axis['path']}",
                  caption_justify="left")
    table.add_column(Text(y_axis["path"].split(".")[-1], style="dim"), justify="right",
                     no_wrap=True)
    for x in x_axis["values"]:
        table.add_column(_value(x), justify="center", no_wrap=True)
    for y in reversed(y_axis["values"]):
        cells: list[RenderableType] = [_value(y)]
        for x in x_axis["values"]:
            cells.append(_cell(by_point.get((x, y)), low, high, percent, colour))
        table.add_row(*cells)
    return table


def _cell(value: float | None, low: float, high: float, percent: bool, colour: bool) -> Text:
    if value is None:
        return Text(MISSING)
    level = 0.0 if high <= low else (value - low) / (high - low)
    text = _shown(value, percent)
    if colour:
        index = min(len(HEAT) - 1, int(level * len(HEAT)))
        ink = "black" if index >= len(HEAT) // 2 else "white"
        return Text(f" {text} ", style=f"{ink} on {HEAT[index]}")
    mark = SHADES[min(len(SHADES) - 1, int(level * len(SHADES)))]
    return Text(f"{mark}{text}{mark}")


def _shown(value: float, percent: bool) -> str:
    return f"{100.0 * value:.1f}%" if percent else f"{value:.3g}"


def _value(x: Any) -> Text:
    if isinstance(x, float):
        return Text(f"{x:g}")
    return Text(str(x).lower() if isinstance(x, bool) else str(x))

