"""The terminal table of ``escsim compare``, drawn from the ``compare --json`` document.

One row per measure (how it ends and how bad it got, level by level, then key metrics; the
outcome classes, which combine the two, stay in the JSON and CSV); per scenario its estimate,
and per scenario after the first the paired difference from the first with its 95% interval,
marked ``*`` where the interval excludes zero. Probabilities and shares are percentages; their
differences are percentage points (:mod:`escalation_sim.render.numbers`). Nothing here
computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.classes import LEVEL_MEASURES, split_measure
from escalation_sim.analysis.defaults import runs_line
from escalation_sim.analysis.points import as_percent, short_label, unit
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.render.layout import fits, pack
from escalation_sim.render.numbers import MISSING, estimate
from escalation_sim.render.numbers import signed as signed_difference

MARK = "*"
SAME = "(same in every run)"
"""Shown instead of an interval where two scenarios agree run by run."""
SECTION_ENDS = ("ends_war", "worst_war", "p_coercion_or_worse", OUTCOMES[-1])
"""Measures after which the table draws a line."""


def difference_unit(measure: str) -> str:
    """The unit a difference of ``measure`` is written in: percentage points for shares."""
    return "pp" if as_percent(measure) else unit(measure)


def signed(entry: Mapping[str, Any], percent: bool, measure: str = "") -> tuple[str, str]:
    """``("+1.2", "[+0.8, +1.6]")`` of a difference entry, in percentage points if ``percent``.

    Where the two scenarios agree in every run: ``("0", "(same in every run)")``.
    """
    if entry.get("value") is None:
        return MISSING, ""
    if entry.get("differing_runs") == 0:
        return "0", SAME
    return signed_difference(entry, "pp" if percent else unit(measure))


def plain(entry: Mapping[str, Any], percent: bool, measure: str = "") -> str:
    """An estimate (no interval), in the one number style, as a percentage if ``percent``."""
    return estimate(entry, unit="%" if percent else unit(measure))[0]


def shown_measures(doc: Mapping[str, Any]) -> list[str]:
    """The measures the terminal shows: the outcome classes give way to the two questions."""
    measures = list(doc["estimates"][doc["baseline"]])
    if any(m in LEVEL_MEASURES for m in measures):
        measures = [m for m in measures if m not in OUTCOMES]
    return measures


def render_comparison(doc: Mapping[str, Any], console: Console) -> None:
    """Print the comparison, fitted to the console's width."""
    for part in comparison_renderables(doc, console.width):
        console.print(part, soft_wrap=False)


def comparison_renderables(doc: Mapping[str, Any], width: int = 80) -> list[RenderableType]:
    """Header, the scenarios compared, the table(s) and the footnote, fitted to ``width``.

    With few scenarios the measures are rows and the scenarios columns; when that table is
    wider than ``width``, the scenarios become rows (keyed A, B, C … in the list above them)
    and the measures columns, spread over as many tables as the width needs.
    """
    labels = list(doc["scenarios"])
    head = Text.assemble(("Compare ", "bold"), f"{doc['runs']:,} runs × {doc['days']:,} days · "
                         f"seed {doc['seed']} · the same random numbers in every scenario",
                         "\n", (runs_line("compare", doc["runs"], doc.get("runs_from")), "dim"))
    wide = comparison_table(doc, labels)
    by_row = not fits(wide, width)
    keys = {label: _key(i) for i, label in enumerate(labels)} if by_row else {}
    sources = Table.grid(padding=(0, 2))
    if by_row:
        sources.add_column(style="bold", no_wrap=True)
    sources.add_column(style="bold", no_wrap=True)
    sources.add_column(style="dim")
    for label in labels:
        sc = doc["scenarios"][label]["scenario"]
        what = sc.get("path") or "(built in memory)"
        if sc.get("overrides"):
            what += " " + " ".join(f"--set {o}" for o in sc["overrides"])
        cells = [label, f"{sc['name']} — {what}"]
        sources.add_row(*([keys[label]] if by_row else []), *cells)
    if not by_row:
        return [head, sources, Text(), wide, footnote(doc)]
    measures = shown_measures(doc)
    tables = pack(measures, lambda chosen: scenario_rows(doc, labels, keys, chosen), width)
    parts: list[RenderableType] = [head, sources, Text()]
    for table in tables:
        parts += [table, Text()]
    return [*parts, footnote(doc, by_row=True)]


def _key(i: int) -> str:
    """A, B, … Z, then AA, AB, …: the short name of the i-th scenario in narrow tables."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def scenario_rows(doc: Mapping[str, Any], labels: Sequence[str], keys: Mapping[str, str],
                  measures: Sequence[str]) -> Table:
    """Rows: scenarios (by key); a column per measure: the estimate, then Δ [95% CI]."""
    base = doc["baseline"]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("", no_wrap=True, style="bold")
    for measure in measures:
        table.add_column(short_label(measure), no_wrap=True)
    for label in labels:
        row: list[RenderableType] = [keys[label]]
        for measure in measures:
            percent = as_percent(measure)
            shown = plain(doc["estimates"][label][measure], percent, measure)
            cell = Text(f"{shown:>6}", style="bold" if label == base else "")
            if label != base:
                entry = _difference(doc, label, measure)
                delta, ci = signed(entry, percent, measure)
                strong = bool(entry.get("excludes_zero"))
                cell.append_text(Text.assemble("  ", (delta, "bold" if strong else ""), " ",
                                               (ci, "dim"), (f" {MARK}" if strong else "",
                                                             "bold")))
            row.append(cell)
        table.add_row(*row)
    return table


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
    for measure in shown_measures(doc):
        percent = as_percent(measure)
        row: list[RenderableType] = [short_label(measure)]
        row += [plain(doc["estimates"][label][measure], percent, measure) for label in labels]
        for label in others:
            entry = _difference(doc, label, measure)
            shown, ci = signed(entry, percent, measure)
            strong = bool(entry.get("excludes_zero"))
            row.append(Text.assemble((shown, "bold" if strong else ""), " ", (ci, "dim"),
                                     (f" {MARK}" if strong else "", "bold")))
        table.add_row(*row, end_section=measure in SECTION_ENDS)
    return table


def footnote(doc: Mapping[str, Any], *, by_row: bool = False) -> RenderableType:
    """How to read the differences."""
    cells = (f"Each cell: the estimate, then Δ [95% CI] from {doc['baseline']} (first row). "
             if by_row else "")
    return Group(Text(
        f"{cells}Δ: the scenario minus {doc['baseline']}, paired run by run, in percentage "
        f"points for probabilities and shares; {MARK} where the 95% interval excludes 0. "
        "Trade and energy lost: mean share of the pre-crisis flow.", style="dim"))


def _difference(doc: Mapping[str, Any], label: str, measure: str) -> Mapping[str, Any]:
    diffs = doc["differences"][label]
    found = split_measure(measure)
    if found is not None:
        return diffs.get(found[0].key, {}).get(found[1].key) or {}
    return diffs["outcomes"].get(measure) or diffs["metrics"].get(measure) or {}
