"""The terminal log of ``escsim trace``: one run as dated lines, drawn from a trace's events.

One line per event: the date (or day number), who, what happened — for a move the new rung with
its name, CAMEO code and Goldstein weight — and why. Moves up are red, moves down green,
incidents yellow, calendar notes cyan. The last line gives the outcome class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.classes import LEVELS, QUESTIONS, level_of
from escalation_sim.analysis.glossary import INCIDENT_WORDS
from escalation_sim.analysis.trace import Trace
from escalation_sim.render.terminal import LEVEL_COLOURS, OUTCOME_TEXT

NOTE_TEXT = {"lever": "lever", "event": "event", "forum": "forum", "summit": "summit",
             "talks": "hotline", "settlement": "settlement", "demand": "demand",
             "war_end": "ceasefire"}
"""Calendar note kind -> its label in the log."""


UNATTRIBUTED = "unattributed"
"""Who an incident without a perpetrator is put down to."""
WHAT_WIDTH = 26
"""Width of the 'what' column: an arrow and the longest rung name."""
WHY_MARK = "  "
"""Separates a line's fixed columns from its free text (the reason, the note)."""
DATE_WIDTH = 10
"""Width of the date column (``2025-08-08``, ``day  123``)."""
MIN_TEXT_WIDTH = 24
"""Narrowest column the free text is wrapped in beside the fixed columns; below it, the text
goes on the lines below."""
FORCE_RUNG = 8
"""Limited force: incidents at this rung or above are counted in the closing line."""
LEGEND = ("CAMEO: the act's event code; the signed number: its Goldstein weight, from −10 "
          "(most hostile) to +10 (most cooperative).")


def render_trace(trace: Trace, console: Console, *, holds: bool = False,
                 why: str | None = None) -> None:
    """Print the trace as a dated log, one line per event.

    Args:
        trace: The traced run.
        console: Where to print.
        holds: Also show reviews that kept the rung.
        why: A line saying how the run was chosen (``--pick``), printed under the header.
    """
    sc = trace.scenario
    console.print(Text.assemble((sc.name, "bold"), f" · run {trace.run} of seed {trace.seed}",
                                f" · {sc.horizon_days} days"))
    if why:
        console.print(Text(why, style="dim"))
    names: dict[str | None, str] = {aid: aid.replace("_", " ").title() for aid in sc.actors}
    names[None] = UNATTRIBUTED
    width = max(len(names[e.get("perpetrator", e.get("actor"))]) for e in trace.events
                if e["kind"] in ("move", "hold", "start", "incident"))
    for event in trace.events:
        if event["kind"] == "outcome" or (event["kind"] == "hold" and not holds):
            continue
        print_fitted(console, *event_parts(event, names, width))
    console.print(outcome_line(trace), soft_wrap=False)
    console.print(Text(LEGEND, style="dim"), soft_wrap=False)


def print_fitted(console: Console, head: Text, tail: Text) -> None:
    """Print a log line: its fixed columns, then its free text.

    The free text of a line too long for the console wraps at word boundaries in a column of
    its own, or, where that would be too narrow, on the lines below, indented.
    """
    if head.cell_len + len(WHY_MARK) + tail.cell_len <= console.width:
        console.print(Text.assemble(head, WHY_MARK, tail), soft_wrap=True)
        return
    room = console.width - head.cell_len - len(WHY_MARK)
    if room >= MIN_TEXT_WIDTH:  # the free text wraps in its own column
        grid = Table.grid(padding=(0, len(WHY_MARK), 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(width=room)
        grid.add_row(head, tail)
        console.print(grid, soft_wrap=False)
        return
    console.print(head, soft_wrap=True)
    indent = min(DATE_WIDTH + 2, max(0, console.width - MIN_TEXT_WIDTH))
    console.print(Padding(tail, (0, 0, 0, indent)), soft_wrap=False)


def event_line(event: Mapping[str, Any], names: Mapping[Any, str], width: int) -> Text:
    """One log line: date (or day), who, what, CAMEO code, Goldstein weight, why."""
    head, tail = event_parts(event, names, width)
    return Text.assemble(head, WHY_MARK, tail)


def event_parts(event: Mapping[str, Any], names: Mapping[Any, str], width: int
                ) -> tuple[Text, Text]:
    """A log line in two parts: its fixed columns and its free text.

    The fixed columns: date, who, what, CAMEO code, Goldstein weight; the free text: why, or
    the note.
    """
    when = event["date"] or f"day {event['day']:>4}"
    kind = event["kind"]
    line = Text(f"{when}  ", style="dim")
    if kind in ("move", "hold", "start", "incident"):
        actor = event["perpetrator"] if kind == "incident" else event["actor"]
        line.append(f"{names[actor]:<{width}}  ", style="bold")
        what, style, why = _what(event, names)
        line.append(f"{what:<{WHAT_WIDTH}}", style=style)
        line.append(f"  CAMEO {event['cameo']:<4} {_goldstein(event['goldstein']):>5}")
        return line, Text(why, style="dim")
    line.append(" " * (width + 2))
    if kind == "mediation":
        text = ("a mediator engages (the crisis has lasted)" if event["engaged"]
                else "the mediator withdraws (the crisis is over)")
    else:
        text = f"{NOTE_TEXT.get(kind, kind)}: {event.get('text', '')}"
    line.append("◆", style="cyan")
    return line, Text(text, style="cyan")


def _what(event: Mapping[str, Any], names: Mapping[Any, str]) -> tuple[str, str, str]:
    """(what, its style, why) of an actor's line."""
    kind = event["kind"]
    if kind == "incident":
        why = f"{event['label']} → {names.get(event['victim'], event['victim'])}"
        if event.get("control") == "leadership":
            why += " (the leadership's choice)"
        elif event.get("control") == "external":
            why += f" ({INCIDENT_WORDS['external']})"
        if event["explained"]:
            why += "; explained on the hotline: half the grievance"
        return f"⚡ incident, rung {event['rung']}", "yellow", why
    rung = f"{event['new']} {event['rung_name']}"
    if kind == "start":
        held = event.get("measures")
        return f"  {rung}", "bold", f"starting reading; measures in force: {held}" if held \
            else "starting reading"
    if event.get("track") == "deeds":
        verb = "lifts" if event["lifted"] else "imposes"
        return (f"{'↓' if event['lifted'] else '↑'} {verb} {event['rung_name']} ({event['new']})",
                "green3" if event["lifted"] else "red1", f"material; {event['reason_text']}")
    if event.get("track") == "force":
        return f"‼ {rung}", "bold red1", f"material; {event['reason_text']}"
    if kind == "hold":
        return f"= {rung}", "grey50", f"holds: {event['reason_text']}"
    up = event["new"] > event["old"]
    why = f"{event['act']}; {event['reason_text']}"
    if event["against_utility"] and event["reason"] != "chance":
        why += "; a chance choice against the balance of its utility"
    return f"{'↑' if up else '↓'} {rung}", "red1" if up else "green3", why


def outcome_line(trace: Trace) -> Text:
    """The closing line: how the run ended and how bad it got, its class, incidents at force."""
    name, _, colour = OUTCOME_TEXT.get(trace.outcome, (trace.outcome, "", "white"))
    m = trace.metrics
    ends = LEVELS[int(level_of(m["final_rung"]))]
    worst = LEVELS[int(level_of(m["peak_rung"]))]
    line = Text.assemble(
        ("Outcome: ", "bold"), (ends.ends_text, f"bold {LEVEL_COLOURS[ends.key]}"),
        f" (final rung {m['final_rung']}); ",
        (QUESTIONS["worst"].label(worst), f"bold {LEVEL_COLOURS[worst.key]}"),
        f" (peak rung {m['peak_rung']}); outcome class: ", (name, colour),
        f"; {m['days_coercion']} days at legal coercion or more")
    hits = [e for e in trace.events if e["kind"] == "incident" and e["rung"] >= FORCE_RUNG]
    external = sum(1 for e in hits if e.get("control") == "external")
    line.append(f". The outcome counts the rungs the capitals chose; incidents are apart: "
                f"{len(hits) - external} {INCIDENT_WORDS['dyad']} and {external} "
                f"{INCIDENT_WORDS['external']} at a force rung ({FORCE_RUNG}+) in this run.",
                style="dim")
    return line


def _goldstein(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"
