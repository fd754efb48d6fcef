"""The terminal view of ``escsim levers``, drawn from the ``levers --json`` document.

One row per lever, most helpful first by the measure the ranking was made on (``--by``), with
its paired effect on P(coercive standoff or worse) and on P(force) side by side, in percentage
points and 95% intervals (``*`` where the interval excludes zero), and a bar of the ranking
measure's effect. The header says which measure ranks and how to rank by the other. Nothing
here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.defaults import runs_line
from escalation_sim.render.compare import MARK, signed
from escalation_sim.render.numbers import estimate

BAR_WIDTH = 8
SHORT = {"p_coercion_or_worse": "standoff+", "p_force": "force"}
"""Column headers (explained in the legend)."""
BY_NAME = {"p_coercion_or_worse": "standoff", "p_force": "force"}
"""Measure -> its ``--by`` choice."""


def ranked_by(doc: Mapping[str, Any]) -> str:
    """The measure that ranks the levers (in documents without ``ranked_by``: the first)."""
    return str(doc.get("ranked_by") or next(iter(doc["measures"])))


def lever_name(lever: str) -> str:
    """A lever's name in words; the combination is ``all six together``."""
    return "all six together" if lever == "all_levers" else lever.replace("_", " ")


def render_levers(doc: Mapping[str, Any], console: Console) -> None:
    """Print the ranking."""
    for part in levers_renderables(doc):
        console.print(part, soft_wrap=False)


def levers_renderables(doc: Mapping[str, Any]) -> list[RenderableType]:
    """Header, the baseline, the ranked table and its legend."""
    head = Text.assemble(("Levers ", "bold"), (doc["scenario"]["name"], "bold"),
                         f" · {doc['runs']:,} runs × {doc['days']:,} days per variant · seed "
                         f"{doc['seed']} · the same random numbers in every variant")
    ranked = ranked_by(doc)
    other = next((m for m in doc["measures"] if m != ranked), None)
    head.append_text(Text.assemble(
        "\nRanked by the effect on ", (doc["measures"][ranked], "bold"),
        f" (--by {BY_NAME.get(ranked, ranked)})" +
        (f"; --by {BY_NAME.get(other, other)} ranks by {doc['measures'][other]}" if other
         else "")))
    why = Text(runs_line("levers", doc["runs"], doc.get("runs_from")), style="dim")
    base = Text("As it is: ", style="bold")
    for i, (m, label) in enumerate(doc["measures"].items()):
        shown, ci = estimate(doc["baseline"][m], as_percent=True)
        base.append(("; " if i else "") + f"{label} {shown} {ci}", style="")
    return [head, why, base, Text(), levers_table(doc), legend(doc)]


def levers_table(doc: Mapping[str, Any]) -> Table:
    """Rank, lever, and per measure the effect with its interval; a bar for the first."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("lever", ratio=1)
    measures = list(doc["measures"])
    first = ranked_by(doc)
    for m in measures:
        table.add_column(f"Δ {SHORT.get(m, m)} [95% CI]", no_wrap=True,
                         header_style="bold underline" if m == first else "bold")
    table.add_column("", no_wrap=True, width=BAR_WIDTH)
    top = max((abs(r["effects"][first]["value"] or 0.0) for r in doc["levers"]), default=0.0)
    for row in doc["levers"]:
        name = Text(lever_name(row["lever"]), style="bold" if row["rank"] == 1 else "")
        combined = row["rank"] is None
        if row["already_on"]:
            name.append(" (on)", style="dim")
        cells: list[RenderableType] = ["" if combined else str(row["rank"]), name]
        for m in measures:
            entry = row["effects"][m]
            shown, ci = signed(entry, True)
            strong = bool(entry.get("excludes_zero"))
            cells.append(Text.assemble((shown, "bold" if strong else ""), " ", (ci, "dim"),
                                       (f" {MARK}" if strong else "", "bold")))
        value = row["effects"][first]["value"] or 0.0
        length = round(BAR_WIDTH * abs(value) / top) if top > 0 else 0
        cells.append(Text("█" * length, style="green3" if value < 0 else "red1"))
        if combined:
            table.add_section()
        table.add_row(*cells)
    return table


def legend(doc: Mapping[str, Any]) -> Text:
    """How to read the effects."""
    labels = "; ".join(f"{SHORT.get(m, m)} = {label}" for m, label in doc["measures"].items())
    return Text(f"Δ: the measure with the lever minus without it, paired run by run, in "
                f"percentage points; negative helps. {labels}. {MARK} where the 95% interval "
                "excludes 0; (on): already in the scenario, measured by switching it off. "
                f"Bar: the effect on {SHORT.get(ranked_by(doc), '')} (the ranking), green where "
                "it helps.", style="dim")
