"""The terminal view of ``escsim explore``, drawn from the ``explore --json`` document.

A header; the sampled parameters with their ranges (or distributions); how the main measures
spread across the samples (min, 10th percentile, median, 90th percentile, max); and, with
``--discover``, each box PRIM found — a row per restricted parameter with its sampled range,
the box's limit and PRIM's quasi-p value — followed by one sentence per box, e.g. "P(force)
above 5.0% needs actors.baku.nationalism > 0.72 and issues.corridors.heat > 0.6 (coverage 81.2%,
density 77.0%)". Parameter values are shown to two significant figures of the sampled range's
width (0.72 on a range 0.3–0.9, 0.6 on 0–1), whole numbers for integer parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.defaults import runs_line
from escalation_sim.analysis.explore import SAMPLED
from escalation_sim.analysis.points import as_percent, is_probability, measure_label, unit
from escalation_sim.render.layout import fits
from escalation_sim.render.numbers import MISSING, UNIT_PLACES, number, percent, value

WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}
"""How a condition's operator reads in a sentence."""
SPREAD_COLUMNS = {"min": "min", "p10": "10%", "median": "median", "p90": "90%", "max": "max"}
FEW_CASES = 10
"""Fewer cases than this are called few when no box is found."""
QP_FLOOR = 0.001
"""Quasi-p values below this are shown as ``<0.001``."""


def render_explore(doc: Mapping[str, Any], console: Console) -> None:
    """Print the exploration: header, parameters, spread of measures, boxes."""
    for part in explore_renderables(doc, console.width):
        console.print(part, soft_wrap=False)


def explore_renderables(doc: Mapping[str, Any], width: int = 80) -> list[RenderableType]:
    """Everything ``render_explore`` prints, in order."""
    head = Text.assemble(
        ("Explore ", "bold"), (doc["scenario"]["name"], "bold"),
        f" · {doc['samples']:,} samples × {doc['runs']:,} runs × {doc['days']:,} days · "
        f"Latin hypercube · seed {doc['seed']}")
    parts: list[RenderableType] = [
        head, Text(runs_line("explore", doc["runs"], doc.get("runs_from")), style="dim")]
    sampled = SAMPLED.get(doc.get("sampled", ""))
    if sampled:
        parts.append(Text(f"Sampled: {sampled}.", style="dim"))
    parts += [Text(), parameter_table(doc)]
    if doc.get("drawn_per_run"):
        parts.append(Text("  also uncertain, drawn run by run in every sample: "
                          + ", ".join(doc["drawn_per_run"]), style="dim"))
    parts += [Text(), spread_table(doc), Text()]
    if doc.get("discovery") is not None:
        parts += discovery_renderables(doc, width)
    return parts


def parameter_table(doc: Mapping[str, Any]) -> Table:
    """The sampled parameters and what they were sampled over."""
    table = _table()
    table.add_column("parameter", no_wrap=True)
    table.add_column("sampled over")  # wraps, where a long path leaves little room
    for param in doc["parameters"]:
        table.add_row(param["path"], sampled_over(param))
    return table


def spread_table(doc: Mapping[str, Any]) -> Table:
    """Each main measure across the samples: min, 10%, median, 90%, max."""
    table = _table(title=Text("Across the samples", style="bold"))
    table.add_column("measure", no_wrap=True)
    for label in SPREAD_COLUMNS.values():
        table.add_column(label, justify="right", no_wrap=True)
    for measure, found in doc["spread"].items():
        values = [found[key] for key in SPREAD_COLUMNS]
        places = _places(values)
        table.add_row(measure_label(measure), *(_measure_value(measure, x, places)
                                                for x in values))
    return table


def discovery_renderables(doc: Mapping[str, Any], width: int = 80) -> list[RenderableType]:
    """The boxes of ``--discover``: a heading, a table per box, a sentence per box."""
    found = doc["discovery"]
    condition = found["condition"]
    what = condition_text(condition)
    cases, samples = found["cases"], found["samples"]
    parts: list[RenderableType] = [Text.assemble(
        ("Scenario discovery ", "bold"),
        f"(PRIM): {what} in {cases:,} of {samples:,} samples ({share(cases / samples)})")]
    if cases == 0 or cases == samples:
        where = "none" if cases == 0 else "every one"
        parts += [Text(f"  it holds in {where} of them: no box to find; widen the ranges or "
                       "move the threshold", style="yellow"), Text()]
        return parts
    if not found["boxes"]:
        few = " (few cases: move the threshold, or add --samples)" if cases < FEW_CASES else ""
        parts += [Text(f"  PRIM found no box that holds the cases significantly better than "
                       f"the whole sample{few}", style="yellow"), Text()]
        return parts
    params = {p["path"]: p for p in doc["parameters"]}
    for k, found_box in enumerate(found["boxes"], start=1):
        table = box_table(found_box, params)
        if not fits(table, width):  # long paths or distributions: the ranges are above
            table = box_table(found_box, params, with_range=False)
        parts += [Text(), box_heading(found_box, k), table]
    parts.append(Text())
    for k, found_box in enumerate(found["boxes"]):
        parts.append(Text(box_sentence(condition, found_box, params, first=k == 0)))
    rule = found["rule"]
    parts += [Text(), Text(
        f"Each box is taken from PRIM's peeling trajectory: of the boxes covering at least "
        f"{share(rule['min_coverage'])} of the cases looked for, the one covering most whose "
        f"density is within {100 * rule['density_slack']:g} points of the best; restrictions "
        f"with quasi-p above {rule['qp_max']:g} are dropped. Coverage: share of the cases "
        "inside the box; density: share of the box's samples that are cases; quasi-p: how "
        "likely the restriction is by chance (small is significant).", style="dim")]
    return parts


def box_heading(found: Mapping[str, Any], index: int) -> Text:
    """``Box 1 · coverage 81.2% · density 77.0% · 16 samples (25.0% of all)``."""
    return Text.assemble(
        (f"Box {index}", "bold"),
        f" · coverage {share(found['coverage'])} · density {share(found['density'])} · "
        f"{found['samples']:,} samples ({share(found['mass'])} of all)")


def box_table(found: Mapping[str, Any], params: Mapping[str, Mapping[str, Any]], *,
              with_range: bool = True) -> Table:
    """One box: a row per restricted parameter, its sampled range, the box and quasi-p."""
    table = _table()
    table.add_column("parameter", no_wrap=True)
    if with_range:
        table.add_column("sampled over", style="dim", no_wrap=True)
    table.add_column("box", no_wrap=True)
    table.add_column("quasi-p", justify="right", no_wrap=True)
    for path, limit in found["limits"].items():
        param = params[path]
        ranges = [sampled_over(param)] if with_range else []
        table.add_row(path, *ranges, limit_text(limit, param), _qp(limit["qp"]))
    return table


def box_sentence(condition: Mapping[str, Any], found: Mapping[str, Any],
                 params: Mapping[str, Mapping[str, Any]], *, first: bool = True) -> str:
    """The box in words, e.g. ``P(force) above 5.0% needs X > 0.72 and Y > 0.6 (…)``."""
    needs = " and ".join(f"{path} {limit_text(limit, params[path], words=True)}"
                         for path, limit in found["limits"].items())
    stats = f"(coverage {share(found['coverage'])}, density {share(found['density'])})"
    if first:
        return f"{condition_text(condition)} needs {needs} {stats}."
    return f"It also holds where {needs} {stats}."


def condition_text(condition: Mapping[str, Any]) -> str:
    """``P(force) above 5.0%``, ``mean peak rung below 4``."""
    measure, threshold = condition["measure"], condition["threshold"]
    shown = percent(threshold) if is_probability(measure) else f"{threshold:g}"
    return f"{measure_label(measure)} {WORDS[condition['op']]} {shown}"


def limit_text(limit: Mapping[str, Any], param: Mapping[str, Any], *,
               words: bool = False) -> str:
    """``> 0.72``, ``< 0.4`` or ``0.31 to 0.72``, to the digits of the sampled range.

    With ``words``, a range on both sides reads ``between 0.31 and 0.72``.
    """
    places = value_places(param)
    low, high = limit["low"], limit["high"]
    if low is not None and high is not None:
        if words:
            return f"between {number(low, places)} and {number(high, places)}"
        return f"{number(low, places)} to {number(high, places)}"
    if low is not None:
        return f"> {number(low, places)}"
    return f"< {number(high, places)}"


def value_places(param: Mapping[str, Any]) -> int:
    """Decimals that give two significant figures of the sampled range's width."""
    if param.get("integer"):
        return 0
    low, high = param.get("low"), param.get("high")
    if low is None or high is None or high <= low:
        return 2
    return max(0, 1 - math.floor(math.log10(high - low)))


def sampled_over(param: Mapping[str, Any]) -> str:
    """A distribution in words (``normal, mean 1.01, sd 0.48``), or the range ``0.3–0.9``."""
    return param.get("words") or param.get("distribution") or sampled_range(param)


def sampled_range(param: Mapping[str, Any]) -> str:
    """``0.3–0.9`` (the range as given)."""
    return f"{param['low']:g}–{param['high']:g}"


def _places(values: list[float | None]) -> int:
    """Decimals that give the largest of ``values`` three significant figures."""
    top = max((abs(x) for x in values if x is not None), default=0.0)
    return 2 if top == 0 else max(0, 2 - math.floor(math.log10(top)))


def _measure_value(measure: str, x: float | None, places: int) -> str:
    """A spread value in the measure's unit: a percentage for probabilities and shares."""
    if x is None:
        return MISSING
    if as_percent(measure):
        return percent(x, 1)
    return value(x, unit(measure), min(places, UNIT_PLACES.get(unit(measure), places)))


def share(x: float | None) -> str:
    """A share counted exactly (coverage, density, mass): a percentage with one decimal."""
    return percent(x, 1)


def _qp(qp: float | None) -> str:
    if qp is None or not math.isfinite(qp):
        return MISSING
    return f"<{QP_FLOOR:g}" if qp < QP_FLOOR else f"{qp:.3f}"


def _table(title: Text | None = None) -> Table:
    return Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                 header_style="bold", show_edge=False, title=title, title_justify="left")
