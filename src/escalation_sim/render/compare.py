"""The terminal table of ``escsim compare``, drawn from the ``compare --json`` document.

One row per measure (outcome classes, then key metrics); per scenario its estimate, and per
scenario after the first the paired difference from the first with its 95% interval, marked
``*`` where the interval excludes zero. Probabilities and shares are percentages; their
differences are percentage points. Nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.points import is_probability, short_label
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.render.numbers import MISSING, PERCENT_PLACES, decimals

SHARES = ("trade_loss_mean", "energy_loss_mean")
"""Mean measures that are fractions (shown as percentages)."""
MARK = "*"


def as_percent(measure: str) -> bool:
    """Whether a measure is shown as a percentage (probabilities and shares of flow)."""
    return is_probability(measure) or measure in SHARES


def signed(entry: Mapping[str, Any], percent: bool) -> tuple[str, str]:
    """``("+1.2", "[+0.8, +1.6]")`` of a difference entry, in percentage points if ``percent``."""
    value, low, high = entry.get("value"), entry.get("ci_low"), entry.get("ci_high")
    if value is None:
        return MISSING, ""
    scale, places = (100.0, PERCENT_PLACES) if percent else (1.0, decimals(value, low, high))

    def fmt(x: float) -> str:
        shown = round(scale * x, places)
        return f"{0.0:.{places}f}" if shown == 0 else f"{shown:+,.{places}f}"

    bounds = "" if low is None or high is None else f"[{fmt(low)}, {fmt(high)}]"
    return fmt(value), bounds


def plain(entry: Mapping[str, Any], percent: bool) -> str:
    """An estimate (no interval), as a percentage if ``percent``."""
    value = entry.get("value")
    if value is None:
        return MISSING
    places = decimals(value, entry.get("ci_low"), entry.get("ci_high"))
    if percent:
        return f"{100.0 * value:.{PERCENT_PLACES}f}%"
    return f"{value:,.{places}f}"


def render_comparison(doc: Mapping[str, Any], console: Console) -> None:
    """Print the comparison."""
    for part in comparison_renderables(doc):
        console.print(part)


def comparison_renderables(doc: Mapping[str, Any]) -> list[RenderableType]:
    """Header, the scenarios compared, the table and its footnote."""
    labels = list(doc["scenarios"])
    head = Text.assemble(("Compare ", "bold"), f"{doc['runs']:,} runs × {doc['days']:,} days · "
                         f"seed {doc['seed']} · the same random numbers in every scenario")
    sources = Table.grid(padding=(0, 2))
    sources.add_column(style="bold", no_wrap=True)
    sources.add_column(style="dim")
    for label in labels:
        sc = doc["scenarios"][label]["scenario"]
        what = sc.get("path") or "(built in memory)"
        if sc.get("overrides"):
            what += " " + " ".join(f"--set {o}" for o in sc["overrides"])
        sources.add_row(label, f"{sc['name']} — {what}")
    return [head, sources, Text(), comparison_table(doc, labels), footnote(doc)]


def comparison_table(doc: Mapping[str, Any], labels: Sequence[str]) -> Table:
    """Rows: measures; columns: each scenario's estimate, then each paired difference."""
    base = doc["baseline"]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("measure", no_wrap=True)
    for label in labels:
        table.add_column(label, justify="right", no_wrap=True)
    others = [label for label in labels if label != base]
    for label in others:
        table.add_column(f"Δ {label} [95% CI]", no_wrap=True)
    for measure in doc["estimates"][base]:
        percent = as_percent(measure)
        row: list[RenderableType] = [short_label(measure)]
        row += [plain(doc["estimates"][label][measure], percent) for label in labels]
        for label in others:
            entry = _difference(doc, label, measure)
            shown, ci = signed(entry, percent)
            strong = bool(entry.get("excludes_zero"))
            row.append(Text.assemble((shown, "bold" if strong else ""), " ", (ci, "dim"),
                                     (f" {MARK}" if strong else "", "bold")))
        table.add_row(*row, end_section=measure in (OUTCOMES[-1], "p_coercion_or_worse"))
    return table


def footnote(doc: Mapping[str, Any]) -> RenderableType:
    """How to read the differences."""
    return Group(Text(
        f"Δ: the scenario minus {doc['baseline']}, paired run by run, in percentage points for "
        f"probabilities and shares; {MARK} where the 95% interval excludes 0. "
        "Trade and energy lost: mean share of the pre-crisis flow.", style="dim"))


def _difference(doc: Mapping[str, Any], label: str, measure: str) -> Mapping[str, Any]:
    diffs = doc["differences"][label]
    return diffs["outcomes"].get(measure) or diffs["metrics"].get(measure) or {}
