"""The terminal summary of ``escsim run``: what an analyst reads, drawn from the summary dict.

Sections, top to bottom: a header (scenario, runs × days, seed, time), the two answers of a run
side by side — how it ends and how bad it got, each level with its probability, 95% interval
and bar (words from :mod:`escalation_sim.analysis.classes`) —, a fan chart of each actor's rung
over time, impacts in the source's three domains, a table per actor, the levers in use, the
incidents that struck most often, and where files went. Nothing here computes a statistic:
every number comes from :func:`escalation_sim.analysis.summary.summarize`, written in the one
number style of :mod:`escalation_sim.render.numbers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from escalation_sim.analysis.classes import (
    LEVELS,
    OUTCOME_WORDS,
    QUESTIONS,
)
from escalation_sim.analysis.classes import (
    legend as levels_legend,
)
from escalation_sim.analysis.defaults import runs_note
from escalation_sim.analysis.glossary import INCIDENT_WORDS
from escalation_sim.analysis.points import measure_label, unit
from escalation_sim.render.fanchart import (
    LABEL_WIDTH,
    PALETTES,
    fan_chart,
    has_colour,
    legend,
    pick_columns,
    step_name,
)
from escalation_sim.render.layout import fits
from escalation_sim.render.numbers import MISSING, bar, estimate, percent, sparkline, value

LEVEL_COLOURS = {"calm": "green3", "cold_tension": "yellow3", "coercive_standoff": "dark_orange",
                 "armed_clashes": "red1", "war": "bold red1"}
"""Colour of each level (:data:`escalation_sim.analysis.classes.LEVELS`)."""
OUTCOME_TEXT = {key: (words.name, words.meaning, colour) for (key, words), colour in zip(
    OUTCOME_WORDS.items(), LEVEL_COLOURS.values(), strict=True)}
"""Outcome class -> (name, meaning, colour), from ``analysis/classes.py``."""
BAR_WIDTH = 8
TOP_INCIDENTS = 5
HEADERS = {"ends": "how it\nends", "worst": "how bad\nit got"}
"""The two questions as column headers (:data:`escalation_sim.analysis.classes.QUESTIONS`)."""


def render_summary(summary: Mapping[str, Any], console: Console, *,
                   files: Sequence[str] = (), out_dir: str | None = None,
                   runs_from: str | None = None) -> None:
    """Print the summary of one ensemble.

    Args:
        summary: The dict made by ``summarize``.
        console: Where to print (colour follows the console).
        files: Names of the files written, if any.
        out_dir: The folder they were written to.
        runs_from: ``"--runs"`` when the user chose the runs (the header says why so many).
    """
    for part in summary_renderables(summary, console, files=files, out_dir=out_dir,
                                    runs_from=runs_from):
        console.print(part, soft_wrap=False)


def summary_renderables(summary: Mapping[str, Any], console: Console, *,
                        files: Sequence[str] = (), out_dir: str | None = None,
                        runs_from: str | None = None) -> list[RenderableType]:
    """The sections of the summary, ready to print, for a console of this width and colour."""
    parts: list[RenderableType] = [headline(summary), Text(),
                                   header(summary, runs_from=runs_from)]
    for note in summary.get("held_at_bound") or []:
        parts.append(Text.assemble(("Held at a bound: ", "bold yellow"), note,
                                   (" (a scheduled add would have passed the range)", "dim")))
    parts.append(Text())
    parts += [_section("Outcomes: how it ends, and how bad it got"),
              outcome_table(summary, console.width), Text(OUTCOME_NOTE, style="dim")]
    hits = incident_line(summary)
    if hits is not None:
        parts.append(hits)
    parts += uncertainty_text(summary)
    found = assimilation_text(summary)
    if found is not None:
        parts.append(found)
    parts.append(Text())
    parts += fan_charts(summary, console)
    parts += [_section("Impacts"), impact_table(summary), Text()]
    parts += [_section("Actors"), actor_table(summary), Text(ACTOR_NOTE, style="dim"),
              *tracks_text(summary), Text()]
    parts += [levers_text(summary), Text(),
              incidents_table(summary, written="summary.json" in files)]
    if out_dir is not None:
        parts += [Text(), files_text(out_dir, files)]
    return parts


def assimilation_text(summary: Mapping[str, Any]) -> Text | None:
    """What filtering through the record did to the forecast (docs/analysis.md, Nowcasting)."""
    found = summary.get("assimilation")
    if not found:
        return None
    months = found["months"]
    filtered, _ = estimate(found["filtered"]["p_force"], as_percent=True)
    plain, _ = estimate(found["unfiltered"]["p_force"], as_percent=True)
    text = Text.assemble(
        ("Filtered through the record ", "bold"), f"{found['record']}: ",
        f"{len(months)} months ({months[0]} to {months[-1]}) weighed run by run, resampled "
        f"{found['resamplings']} times, effective size at the end {found['ess_end']:.0f} of "
        f"{found['runs']:,} runs. P(force) ", (filtered, "bold"), f" against {plain} from the "
        "scenario's hand-set start")
    plain_end = found["unfiltered"]["ends_most_likely"]
    if plain_end != found["filtered"]["ends_most_likely"]:
        level = next(lv for lv in LEVELS if lv.key == plain_end)
        text.append(f" (which most likely {QUESTIONS['ends'].text(level)})")
    moved = []
    for path in found["moved"]:
        m = found["parameters"][path]
        moved.append(f"{path.removeprefix('model.')} {m['before_mean']:.3g} → "
                     f"{m['after_mean']:.3g}")
    text.append("; the record moved " + ", ".join(moved) if moved else
                "; the record moved no drawn parameter much")
    text.append(". Runs that share a filtered ancestor are not independent: the intervals "
                "are somewhat too narrow.", style="dim")
    return text


def headline(summary: Mapping[str, Any]) -> Text:
    """One plain sentence: how it most likely ends and gets at worst, the chance of force, who."""
    parts: list[str | tuple[str, str]] = []
    for key in ("ends", "worst"):
        found = summary.get(key)
        if not found:
            continue
        likeliest = max(found, key=lambda k: found[k].get("p") or 0.0)
        level = next(lv for lv in LEVELS if lv.key == likeliest)
        parts += [" and at worst " if parts else "Most likely it ",
                  (QUESTIONS[key].text(level), "bold"),
                  f" ({estimate(found[likeliest], 'p', as_percent=True)[0]})"]
    force = summary["metrics"]["p_force"]
    shown, ci = estimate(force, as_percent=True)
    text = Text.assemble(*parts, "; the chance that either side chooses force is " if parts
                         else "The chance that either side chooses force is ",
                         (shown, "bold"), f" {ci}" if ci else "")
    actors = summary.get("actors") or {}
    ranked = sorted(actors.values(), key=lambda a: -(a.get("p_force") or 0.0))
    if ranked and (ranked[0].get("p_force") or 0.0) > 0:
        text.append(f", mostly by {ranked[0].get('name')} ({percent(ranked[0]['p_force'])} of "
                    "runs")
        others = " and ".join(f"{percent(a.get('p_force'))} for {a.get('name')}"
                              for a in ranked[1:])
        text.append(f", against {others})" if others else ")")
    hits = summary.get("incident_force") or {}
    if hits.get("p"):
        text.append(f"; incidents at a force rung strike in "
                    f"{estimate(hits, 'p', as_percent=True)[0]} of runs")
    text.append(".")
    return text


def header(summary: Mapping[str, Any], *, runs_from: str | None = None) -> Panel:
    """Scenario name, ensemble size and why, seed, time taken, overrides."""
    sc = summary["scenario"]
    line = Text()
    line.append(_count(summary["runs"], "run"), style="bold")
    line.append(" × ")
    line.append(_count(summary["days"], "day"), style="bold")
    start = summary.get("start_date")
    if start:
        first = dt.date.fromisoformat(start)
        last = first + dt.timedelta(days=summary["days"] - 1)
        line.append(f" · {_date(first)} – {_date(last)}")
    line.append(f" · seed {summary['seed']}")
    source = Text(f"{sc['path']}" if sc.get("path") else "(scenario built in memory)",
                  style="dim")
    timing = summary.get("timing") or {}
    if timing.get("elapsed_s") is not None:
        source.append(f" · {_seconds(timing['elapsed_s'])}", style="dim")
        if timing.get("runs_per_s"):
            source.append(f" ({timing['runs_per_s']:,} runs/s)", style="dim")
    source.append(f" · escsim {summary['escsim_version']}", style="dim")
    why = Text(f"{summary['runs']:,} runs {runs_note('run', runs_from)}", style="dim")
    lines = [Text(sc["name"], style="bold"), line, source, why]
    for item in sc.get("overrides") or []:
        lines.append(Text.assemble(("--set ", "dim"), (item, "cyan")))
    return Panel(Group(*lines), box=box.ROUNDED, border_style="grey50", expand=True,
                 padding=(0, 1))


def outcome_table(summary: Mapping[str, Any], width: int = 80) -> Table:
    """How it ends and how bad it got, side by side: per level, P, 95% interval and a bar.

    A summary without ``ends``/``worst`` (written before they existed) shows its outcome
    classes instead. Bars narrow, then go, where ``width`` is short.
    """
    if not summary.get("ends") or not summary.get("worst"):
        return class_table(summary)
    for bar_width in (BAR_WIDTH, 6, 5, 4, 0):
        table = _level_table(summary, bar_width)
        if fits(table, width):
            break
    return table


def _level_table(summary: Mapping[str, Any], bar_width: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("level, rungs", no_wrap=True)
    for question in QUESTIONS.values():
        table.add_column(HEADERS[question.key], justify="right", no_wrap=True)
        table.add_column("95% CI", no_wrap=True, style="dim")
        if bar_width:
            table.add_column("", no_wrap=True, width=bar_width)
    for level in LEVELS:
        colour = LEVEL_COLOURS[level.key]
        row: list[RenderableType] = [Text.assemble((level.name, colour),
                                                   (f" {level.rungs}", "dim"))]
        for question in QUESTIONS.values():
            entry = summary[question.key][level.key]
            shown, ci = estimate(entry, "p", as_percent=True)
            row += [Text(shown, style="bold"), ci]
            if bar_width:
                row.append(Text(bar(entry.get("p"), bar_width), style=colour))
        table.add_row(*row)
    return table


def class_table(summary: Mapping[str, Any]) -> Table:
    """The outcome classes with probability, 95% interval and their meaning."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("outcome class", no_wrap=True)
    table.add_column("P", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="left", no_wrap=True, style="dim")
    table.add_column("meaning", style="dim")
    for key, entry in summary["outcomes"].items():
        name, meaning, colour = OUTCOME_TEXT.get(key, (key.replace("_", " "), "", "white"))
        shown, ci = estimate(entry, "p", as_percent=True)
        table.add_row(Text(name, style=colour), Text(shown, style="bold"), ci, meaning)
    return table


def incident_line(summary: Mapping[str, Any]) -> Text | None:
    """Runs struck by incidents at a force rung, which the levels do not count (§9).

    The dyad's own (strikes, raids neither capital ordered as policy) and, apart from them,
    external ones (fallout of acts aimed elsewhere), in the words of ``INCIDENT_WORDS``.
    """
    hits = summary.get("incident_force")
    if not hits:
        return None
    shown, ci = estimate(hits, "p", as_percent=True)
    line = Text.assemble(("Incidents at a force rung ", "bold"),
                         f"(rung {hits['rung']}+: {INCIDENT_WORDS['dyad']}, strikes and raids "
                         "neither capital ordered as policy) struck in ", (shown, "bold"),
                         f" {ci} of runs")
    external = summary.get("incident_external") or {}
    if external.get("kinds"):
        shown, ci = estimate(external, "p", as_percent=True)
        line.append(f"; {INCIDENT_WORDS['external']} in ")
        line.append(shown, style="bold")
        line.append(f" {ci}")
    line.append("; the levels above count only the rungs the capitals chose.")
    return line


OUTCOME_NOTE = levels_legend()
"""Under the outcome table: the levels and the two questions in words."""


def tracks_text(summary: Mapping[str, Any]) -> list[RenderableType]:
    """What the two tracks show, one sentence per actor that keeps measures (§2, §6).

    E.g. "Baku keeps at least one measure in force while its words are at engagement (its leaders
    meeting Moscow's) in 70% of runs; it imposes 0.4 measures and lifts 1.2 a run, and keeps one
    in force at the end in 80%."
    """
    actors = summary.get("actors") or {}
    lines: list[RenderableType] = []
    settled = (summary.get("metrics") or {}).get("settlements_mean") or {}
    for entry in actors.values():
        if entry.get("p_measures_at_end") is None:
            continue
        lines.append(Text(
            f"{entry['name']}: keeps a measure in force while its words are at engagement "
            f"(leaders meeting) in {percent(entry.get('p_measures_while_talking'))} of runs; "
            f"imposes {value(entry.get('measures_imposed_mean'))} and lifts "
            f"{value(entry.get('measures_lifted_mean'))} measures a run; still has one in force "
            f"at the end in {percent(entry.get('p_measures_at_end'))}.", style="dim"))
    if settled.get("value") is not None:
        lines.append(Text(f"Leader-level settlements: {value(settled['value'])} a run.",
                          style="dim"))
    return lines



def uncertainty_text(summary: Mapping[str, Any]) -> list[RenderableType]:
    """The uncertain parameters, one a line, and what the intervals include."""
    section = summary.get("uncertainty")
    if not section:
        return []
    parameters = section.get("parameters") or {}
    calibration = section.get("calibration") or {}
    record = section.get("out_of_sample")
    tail = [Text(sentence, style="dim") for sentence in calibration.get("sentences") or []] \
        if calibration else [Text(f"Out of sample: {record}.", style="dim")] if record else []
    if not parameters:
        return [Text(section.get("note", ""), style="dim"), *tail]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for path, prior in parameters.items():
        grid.add_row(Text("  " + path, style="cyan"),
                     Text(prior.get("words") or prior.get("text", "")))
    block = Group(Text("Uncertain parameters, drawn run by run:", style="bold"), grid)
    return [block, Text(section.get("note", ""), style="dim"), *tail]


def fan_charts(summary: Mapping[str, Any], console: Console) -> list[RenderableType]:
    """One fan chart per actor of its rung over the timeline."""
    timeline = summary["timeline"]
    days, dates = timeline["day"], timeline.get("date")
    colour = has_colour(console)
    n_cols = len(pick_columns(len(days), console.width - LABEL_WIDTH - 1))
    step = step_name(days, n_cols)
    parts: list[RenderableType] = []
    for a, (aid, actor) in enumerate(summary["actors"].items()):
        palette = PALETTES[a % len(PALETTES)]
        parts.append(_section(f"{actor['name']} — rung, one column per {step}"))
        parts.append(fan_chart(timeline[aid], days, dates, width=console.width, colour=colour,
                               palette=palette))
        parts.append(legend(colour, palette, console.width))
        parts.append(Text())
    return parts


def impact_table(summary: Mapping[str, Any]) -> Table:
    """Impacts by domain: military, economic, diplomatic."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("domain", style="bold", no_wrap=True)
    table.add_column("measure")
    table.add_column("estimate", justify="right", no_wrap=True)
    table.add_column("95% CI", style="dim", no_wrap=True)
    for domain, metrics in summary["impacts"].items():
        for i, (key, entry) in enumerate(metrics.items()):
            shown, ci = estimate(entry, unit=unit(key))
            label = measure_label(key)
            table.add_row(domain if i == 0 else "", label, Text(shown, style="bold"), ci,
                          end_section=i == len(metrics) - 1)
    return table


def actor_table(summary: Mapping[str, Any]) -> Table:
    """Per actor: peak, its distribution, P(force), days at coercion, Goldstein, nationalism."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("actor", ratio=1)
    table.add_column("peak\nmean", justify="right", no_wrap=True)
    table.add_column("peak rung\n0 ⋯ 9", no_wrap=True)
    table.add_column("chooses\nforce", justify="right", no_wrap=True)
    table.add_column("days at\ncoercion", justify="right", no_wrap=True)
    table.add_column("tone\nper day", justify="right", no_wrap=True)
    table.add_column("national-\nism, end", justify="right", no_wrap=True)
    for aid, a in summary["actors"].items():
        spark = Text()
        for mark in sparkline(a.get("peak_distribution") or []):
            spark.append(*(("·", "grey35") if mark == " " else (mark, "cyan")))
        table.add_row(Text(a.get("name") or aid, style="bold"),
                      value(a.get("peak_rung_mean"), "rung"), spark, percent(a.get("p_force")),
                      value(a.get("days_coercion_mean"), "days"),
                      value(a.get("goldstein_mean"), "tone"),
                      value(a.get("final_nationalism_mean"), "index"))
    return table


ACTOR_NOTE = ("Peak: the highest rung the actor chose in a run. Tone: the mean daily Goldstein "
              "weight of its acts, from −10 (most hostile) to +10 (most cooperative).")


def levers_text(summary: Mapping[str, Any]) -> RenderableType:
    """The de-escalation levers in use, one a line, or a note that none is."""
    levers = summary.get("levers") or {}
    if not levers:
        return Text.assemble(("Levers: ", "bold"), ("none in use", "dim"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(style="dim")
    for i, (name, lever) in enumerate(levers.items()):
        start = lever.get("start_date") or f"day {lever.get('start_day')}"
        details = f"strength {lever.get('strength')}, from {start}"
        if "period_days" in lever:
            details += f", meets every {lever['period_days']} days"
        grid.add_row(Text.assemble(("Levers: " if i == 0 else "        ", "bold"),
                                   (name.replace("_", " "), "green")), details)
    return grid


def incidents_table(summary: Mapping[str, Any], *, written: bool = False) -> RenderableType:
    """The incident types that struck in most runs (``written``: summary.json was written)."""
    incidents = summary.get("incidents") or {}
    if not incidents:
        return Text.assemble(("Incidents: ", "bold"), ("none in this scenario", "dim"))
    ranked = sorted(incidents.items(), key=lambda kv: -(kv[1].get("p_any") or 0.0))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False,
                  title=Text("Incidents that struck most often", style="bold"),
                  title_justify="left")
    table.add_column("incident", overflow="fold")
    table.add_column("P(≥1)", justify="right", no_wrap=True)
    table.add_column("mean count", justify="right", no_wrap=True)
    for _, inc in ranked[:TOP_INCIDENTS]:
        table.add_row(inc.get("label", ""), percent(inc.get("p_any")),
                      value(inc.get("mean_count"), "count"))
    if len(ranked) > TOP_INCIDENTS:
        where = "summary.json and --json" if written else "--json"
        table.caption = f"{len(ranked) - TOP_INCIDENTS} more in {where}"
        table.caption_justify = "left"
    return table


def files_text(out_dir: str, files: Sequence[str]) -> RenderableType:
    """Where the output files went: the folder, then the files (wrapped to the width)."""
    grid = Table.grid()
    grid.add_column(overflow="fold")
    grid.add_row(Text.assemble(("Files: ", "bold"), (out_dir.rstrip("/") + "/", "cyan")))
    grid.add_row(Text("  " + (", ".join(files) if files else MISSING), style="dim"))
    return grid


def _section(title: str) -> Rule:
    return Rule(Text(title, style="bold"), align="left", style="grey50")


def _seconds(elapsed: float) -> str:
    return f"{elapsed:.2g} s" if elapsed < 10 else f"{elapsed:,.0f} s"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"
