"""The terminal summary of ``escsim run``: what an analyst reads, drawn from the summary dict.

Sections, top to bottom: a header (scenario, runs × days, seed, time), the outcome classes with
their probabilities, 95% intervals and bars, a fan chart of each actor's rung over time, impacts
in the source's three domains, a table per actor, the levers in use, the incidents that struck
most often, and where files went. Nothing here computes a statistic: every number comes from
:func:`escalation_sim.analysis.summary.summarize`, formatted with the digits it was given.
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

from escalation_sim.render.fanchart import (
    LABEL_WIDTH,
    PALETTES,
    fan_chart,
    has_colour,
    legend,
    pick_columns,
    step_name,
)
from escalation_sim.render.numbers import MISSING, bar, estimate, number, percent, sparkline

OUTCOME_TEXT = {
    "normalization": ("normalization", "no force, ends at 0–2", "green3"),
    "cold_tension": ("cold tension", "no force, ends at 3–4", "yellow3"),
    "coercive_standoff": ("coercive standoff", "no force, ends at 5–7", "dark_orange"),
    "armed_clashes": ("armed clashes", "limited force (rung 8)", "red1"),
    "war": ("war", "open war (rung 9)", "bold red1"),
}
"""Outcome class -> (name, rule in rungs of the higher side, colour); docs/model.md §11."""
IMPACT_TEXT = {
    "p_military_signalling": ("P(military signalling or more)", "p"),
    "p_force": ("P(force: limited force or war)", "p"),
    "days_military_mean": ("days at military signalling or more", "days"),
    "trade_loss_mean": ("trade lost (mean % of pre-crisis flow)", "share"),
    "energy_loss_mean": ("energy lost (mean % of pre-crisis flow)", "share"),
    "p_energy_interrupted": ("P(energy flow interrupted: below 90%)", "p"),
    "days_reduced_relations_mean": ("days with relations reduced", "days"),
    "days_coercion_mean": ("days at legal coercion or more", "days"),
    "p_mediation": ("P(a mediator engages)", "p"),
}
"""Impact metric -> (label, kind): 'p' and 'share' show as percentages."""
BAR_WIDTH = 16
TOP_INCIDENTS = 5


def render_summary(summary: Mapping[str, Any], console: Console, *,
                   files: Sequence[str] = (), out_dir: str | None = None) -> None:
    """Print the summary of one ensemble.

    Args:
        summary: The dict made by ``summarize``.
        console: Where to print (colour follows the console).
        files: Names of the files written, if any.
        out_dir: The folder they were written to.
    """
    for part in summary_renderables(summary, console, files=files, out_dir=out_dir):
        console.print(part, soft_wrap=False)


def summary_renderables(summary: Mapping[str, Any], console: Console, *,
                        files: Sequence[str] = (), out_dir: str | None = None
                        ) -> list[RenderableType]:
    """The sections of the summary, ready to print, for a console of this width and colour."""
    parts: list[RenderableType] = [headline(summary), Text(), header(summary)]
    for note in summary.get("held_at_bound") or []:
        parts.append(Text.assemble(("Held at a bound: ", "bold yellow"), note,
                                   (" (a scheduled add would have passed the range)", "dim")))
    parts.append(Text())
    parts += [_section("Outcomes"), outcome_table(summary)]
    if summary.get("incident_force"):
        parts.append(Text(OUTCOME_NOTE, style="dim"))
    parts += uncertainty_text(summary)
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


def headline(summary: Mapping[str, Any]) -> Text:
    """One plain sentence: the likeliest outcome, the chance of force and who drives it."""
    outcomes = summary["outcomes"]
    likeliest = max(outcomes, key=lambda k: outcomes[k].get("p") or 0.0)
    name = OUTCOME_TEXT.get(likeliest, (likeliest.replace("_", " "),))[0]
    force = summary["metrics"]["p_force"]
    shown, ci = estimate(force, as_percent=True)
    text = Text.assemble("Most likely ", (name, "bold"), f" ({percent(outcomes[likeliest]['p'])}"
                         "); the chance that either side chooses force is ", (shown, "bold"),
                         f" {ci}" if ci else "")
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
        text.append(f"; incidents at a force rung strike in {percent(hits['p'])} of runs")
    text.append(".")
    return text


def header(summary: Mapping[str, Any]) -> Panel:
    """Scenario name, ensemble size, seed, time taken, overrides."""
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
    lines = [Text(sc["name"], style="bold"), line, source]
    for item in sc.get("overrides") or []:
        lines.append(Text.assemble(("--set ", "dim"), (item, "cyan")))
    return Panel(Group(*lines), box=box.ROUNDED, border_style="grey50", expand=True,
                 padding=(0, 1))


def outcome_table(summary: Mapping[str, Any]) -> Table:
    """Outcome classes with probability, 95% interval and a bar."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  header_style="bold", show_edge=False)
    table.add_column("outcome", no_wrap=True)
    table.add_column("P", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="left", no_wrap=True, style="dim")
    table.add_column("", no_wrap=True, width=BAR_WIDTH)
    table.add_column("meaning", style="dim")
    for key, entry in summary["outcomes"].items():
        name, meaning, colour = OUTCOME_TEXT.get(key, (key.replace("_", " "), "", "white"))
        shown, ci = estimate(entry, "p", as_percent=True)
        table.add_row(Text(name, style=colour), Text(shown, style="bold"), ci,
                      Text(bar(entry.get("p"), BAR_WIDTH), style=colour), meaning)
    hits = summary.get("incident_force")
    if hits:
        shown, ci = estimate(hits, "p", as_percent=True)
        table.add_row(Text("incident force", style="dim"), Text(shown, style="bold"), ci,
                      Text(bar(hits.get("p"), BAR_WIDTH), style="grey50"),
                      f"an incident of the dyad at rung {hits['rung']}+ struck")
    external = summary.get("incident_external")
    if external and external.get("kinds"):
        shown, ci = estimate(external, "p", as_percent=True)
        table.add_row(Text("external incident", style="dim"), Text(shown, style="bold"), ci,
                      Text(bar(external.get("p"), BAR_WIDTH), style="grey50"),
                      "fallout of acts aimed elsewhere")
    return table


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
            f"imposes {number(entry.get('measures_imposed_mean'))} and lifts "
            f"{number(entry.get('measures_lifted_mean'))} measures a run; still has one in force "
            f"at the end in {percent(entry.get('p_measures_at_end'))}.", style="dim"))
    if settled.get("value") is not None:
        lines.append(Text(f"Leader-level settlements: {number(settled['value'])} a run.",
                          style="dim"))
    return lines


OUTCOME_NOTE = ("Outcome classes count the rungs the two capitals chose; incidents (strikes, "
                "raids neither side ordered as policy) are counted apart, in the last rows: "
                "those of the dyad, and external ones (fallout of acts aimed elsewhere).")


def uncertainty_text(summary: Mapping[str, Any]) -> list[RenderableType]:
    """The uncertain parameters, one a line, and what the intervals include."""
    section = summary.get("uncertainty")
    if not section:
        return []
    parameters = section.get("parameters") or {}
    record = section.get("out_of_sample")
    tail = [Text(f"Out of sample: {record}.", style="dim")] if record else []
    if not parameters:
        return [Text(section.get("note", ""), style="dim"), *tail]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for i, (path, prior) in enumerate(parameters.items()):
        grid.add_row(Text.assemble(("Uncertain: " if i == 0 else "           ", "bold"),
                                   (path, "cyan")),
                     Text.assemble(prior.get("text", ""),
                                   (f"  median {number(prior.get('median'))}", "dim")))
    return [grid, Text(section.get("note", ""), style="dim"), *tail]


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
            label, kind = IMPACT_TEXT.get(key, (key.replace("_", " "), ""))
            shown, ci = estimate(entry, as_percent=kind in ("p", "share"))
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
        table.add_row(Text(a.get("name") or aid, style="bold"), number(a.get("peak_rung_mean")),
                      spark, percent(a.get("p_force")), number(a.get("days_coercion_mean")),
                      number(a.get("goldstein_mean")), number(a.get("final_nationalism_mean")))
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
        details = f"strength {lever.get('strength')}, from day {lever.get('start_day')}"
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
                      number(inc.get("mean_count")))
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
