"""The HTML report of ``escsim report``: one self-contained file that opens with no network.

Sections: the scenario (name, description, ensemble), how it ends and how bad it got (each level
with its probability and 95% interval; words from :mod:`escalation_sim.analysis.classes`), a
fan chart per actor, trade and energy flows, the impacts table, the actors table, and — with
compared scenarios — their paired differences; then the scenario's key parameters. Numbers are
written in the one style of :mod:`escalation_sim.render.numbers`, days as the scenario gives
them (a date where the file wrote one). plotly.js is
embedded once in the page; there are no links to fetch. Every piece of scenario text is
HTML-escaped, so a name like ``<script>…`` shows as text and runs nothing.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plotly.offline import get_plotlyjs

from escalation_sim.analysis.classes import LEVELS, OUTCOME_WORDS, QUESTIONS
from escalation_sim.analysis.classes import legend as levels_legend
from escalation_sim.analysis.defaults import runs_line
from escalation_sim.analysis.points import as_percent, measure_label, unit
from escalation_sim.model.ladder import RUNGS
from escalation_sim.render.numbers import estimate, percent, signed, value
from escalation_sim.render.report_charts import (
    COLOURS,
    difference_chart,
    fan_chart,
    figure_html,
    outcome_chart,
)
from escalation_sim.scenario.dates import when
from escalation_sim.scenario.schema import Scenario

ACTOR_FIELDS = ("nationalism", "reciprocity", "rationality", "dependence", "capability",
                "available_share", "review_days", "initial_rung", "initial_grievance")
"""Actor parameters listed under 'Key parameters'."""
MAX_CHANGES = 12
"""Changed parameters listed per compared scenario."""
CSS = """
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#666} .desc{white-space:pre-wrap}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{padding:.25em .7em;text-align:left;border-bottom:1px solid #eee;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums} .ci{color:#777}
.chart{margin:.4em 0 1em} footer{color:#777;font-size:.85em;margin-top:2em}
"""


@dataclass(frozen=True)
class ReportPart:
    """One scenario of the report: summary, scenario and, if compared, its differences.

    ``differences`` are the paired differences from the reference (``analysis/compare.py``).
    """

    summary: Mapping[str, Any]
    scenario: Scenario
    differences: Mapping[str, Any] | None = None


def e(text: Any) -> str:
    """HTML-escaped text (quotes too, so it is safe in attributes)."""
    return html.escape(str(text), quote=True)


def build_report(main: ReportPart, compared: Sequence[ReportPart] = (),
                 levers: Mapping[str, Any] | None = None, runs_from: str | None = None) -> str:
    """The whole report as one HTML document.

    Args:
        main: The reference scenario.
        compared: Scenarios compared with it.
        levers: The ``levers --json`` ranking, or ``None``.
        runs_from: ``"--runs"`` when the user chose the runs (the header says why so many).
    """
    s = main.summary
    body = [f"<h1>{e(s['scenario']['name'])}</h1>", _meta(s, runs_from)]
    if main.scenario.description:
        body.append(f"<p class='desc'>{e(main.scenario.description)}</p>")
    summaries = [s, *(c.summary for c in compared)]
    body += ["<h2>Outcomes: how it ends, and how bad it got</h2>",
             *(_chart(outcome_chart(summaries, q), f"outcomes-{q}") for q in QUESTIONS),
             _outcome_table(summaries), f"<p class='meta'>{e(levels_legend())}</p>",
             _incidents(s), _uncertainty(s)]
    body += ["<h2>Escalation by actor</h2>", *_actor_fans(s, compared)]
    body += ["<h2>Trade and energy flows</h2>", *_flow_fans(s)]
    body += ["<h2>Impacts</h2>", _impact_table(s), "<h2>Actors</h2>", _actor_table(s)]
    if compared:
        names = [c.summary["scenario"]["name"] for c in compared]
        diffs = [c.differences or {} for c in compared]
        body += ["<h2>Differences from the reference</h2>", _difference_intro(s, compared),
                 *(_chart(difference_chart(names, diffs, q), f"differences-{q}")
                   for q in QUESTIONS),
                 *(_difference_table(main.scenario, c) for c in compared)]
    if levers is not None:
        body += ["<h2>Which lever helps most</h2>", _lever_ranking(levers)]
    body += ["<h2>Key parameters</h2>", _parameters(main.scenario)]
    body.append("<footer>Made by escsim " + e(s["escsim_version"]) + ". Probabilities carry "
                "Wilson 95% intervals, means normal-approximation 95% intervals; each number is "
                "rounded to the digits its interval supports.</footer>")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>" + GENERATOR_META +
            f"<title>{e(s['scenario']['name'])} — escsim report</title>"
            f"<style>{CSS}</style><script type='text/javascript'>{get_plotlyjs()}</script>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")


GENERATOR_META = "<meta name='generator' content='escsim'>"
"""In every report's head: ``report --out`` may replace a file that has it."""


def _meta(s: Mapping[str, Any], runs_from: str | None = None) -> str:
    parts = [f"{runs_line('report', s['runs'], runs_from)} × {s['days']:,} days",
             f"seed {s['seed']}"]
    dates = s["timeline"].get("date")
    if dates:
        parts.append(f"{e(s['start_date'])} to {e(dates[-1])}")
    if s["scenario"].get("path"):
        parts.append(f"file {e(s['scenario']['path'])}")
    for item in s["scenario"].get("overrides") or []:
        parts.append(f"--set {e(item)}")
    return f"<p class='meta'>{' · '.join(parts)}</p>"


def _uncertainty(s: Mapping[str, Any]) -> str:
    """The uncertain parameters and what the intervals include (the summary's sentence)."""
    section = s.get("uncertainty") or {}
    parameters = section.get("parameters") or {}
    items = "".join(f"<li><code>{e(path)}</code>: {e(p.get('words') or p.get('text', ''))}"
                    "</li>" for path, p in parameters.items())
    listed = f"<p>Uncertain parameters:</p><ul class='priors'>{items}</ul>" if items else ""
    note, record = section.get("note"), section.get("out_of_sample")
    said = (section.get("calibration") or {}).get("sentences")
    tail = "".join(f"<p class='meta'>{e(x)}</p>" for x in said) if said else \
        (f"<p class='meta'>Out of sample: {e(record)}.</p>" if record else "")
    return listed + (f"<p class='meta'>{e(note)}</p>" if note else "") + tail


def _chart(fig: Any, div_id: str) -> str:
    return f"<div class='chart'>{figure_html(fig, div_id)}</div>"


def _x(s: Mapping[str, Any]) -> list[Any]:
    return list(s["timeline"].get("date") or s["timeline"]["day"])


def _actor_fans(s: Mapping[str, Any], compared: Sequence[ReportPart]) -> list[str]:
    out = []
    for a, (aid, actor) in enumerate(s["actors"].items()):
        extra = [(c.summary["scenario"]["name"], c.summary["timeline"][aid]["p50"])
                 for c in compared if aid in c.summary["timeline"]
                 and c.summary["timeline"]["day"] == s["timeline"]["day"]]
        fig = fan_chart(s["timeline"][aid], _x(s), f"{actor['name']}: rung over time",
                        colour=COLOURS[a % len(COLOURS)], rungs=True, extra=extra)
        out.append(_chart(fig, f"fan-{a}"))
    return out


def _flow_fans(s: Mapping[str, Any]) -> list[str]:
    out = []
    for i, flow in enumerate(("trade", "energy")):
        fig = fan_chart(s["timeline"][flow], _x(s), f"{flow.title()} flow (share of pre-crisis)",
                        colour=COLOURS[2 + i], rungs=False)
        out.append(_chart(fig, f"flow-{flow}"))
    return out


def _row(*cells: str, head: bool = False) -> str:
    tag = "th" if head else "td"
    return "<tr>" + "".join(c if c.startswith("<t") else f"<{tag}>{c}</{tag}>"
                            for c in cells) + "</tr>"


def _num(shown: str, ci: str = "") -> str:
    return f"<td class='n'>{e(shown)}</td><td class='ci'>{e(ci)}</td>"


def _outcome_table(summaries: Sequence[Mapping[str, Any]]) -> str:
    """Per level: its rungs, and per scenario how it ends and how bad it got."""
    if not all(s.get("ends") and s.get("worst") for s in summaries):
        return _class_table(summaries)
    head = _row("level", "rungs", "meaning",
                *(f"<th colspan='2'>{e(q.title)}: {e(s['scenario']['name'])}</th>"
                  for s in summaries for q in QUESTIONS.values()), head=True)
    rows = [head]
    for level in LEVELS:
        cells = [_num(*estimate(s[q][level.key], "p", as_percent=True))
                 for s in summaries for q in QUESTIONS]
        rows.append(_row(e(level.name), e(level.rungs), e(level.meaning), *cells))
    return "<table>" + "".join(rows) + "</table>"


def _class_table(summaries: Sequence[Mapping[str, Any]]) -> str:
    """The outcome classes (for summaries made before ``ends``/``worst`` existed)."""
    head = _row("outcome class", "meaning", *(f"<th colspan='2'>{e(s['scenario']['name'])}</th>"
                                             for s in summaries), head=True)
    rows = [head]
    for key in summaries[0]["outcomes"]:
        words = OUTCOME_WORDS.get(key)
        cells = [_num(*estimate(s["outcomes"][key], "p", as_percent=True)) for s in summaries]
        rows.append(_row(e(words.name if words else key), e(words.meaning if words else ""),
                         *cells))
    return "<table>" + "".join(rows) + "</table>"


def _incidents(s: Mapping[str, Any]) -> str:
    """Runs struck by an incident at a force rung, which the levels do not count."""
    hits = s.get("incident_force")
    if not hits:
        return ""
    shown, ci = estimate(hits, "p", as_percent=True)
    return (f"<p>Incidents at a force rung (rung {e(hits['rung'])}+: strikes, raids neither "
            f"capital ordered as policy) struck in {e(shown)} {e(ci)} of runs; the levels count "
            "only the rungs the capitals chose.</p>")


def _impact_table(s: Mapping[str, Any]) -> str:
    rows = [_row("domain", "measure", "<th colspan='2'>estimate [95% CI]</th>", head=True)]
    for domain, metrics in s["impacts"].items():
        for i, (key, entry) in enumerate(metrics.items()):
            rows.append(_row(e(domain) if i == 0 else "", e(measure_label(key)),
                             _num(*estimate(entry, unit=unit(key)))))
    return "<table>" + "".join(rows) + "</table>"


def _actor_table(s: Mapping[str, Any]) -> str:
    rows = [_row("actor", "peak rung, mean", "P(force)", "days at coercion", "Goldstein/day",
                 "nationalism at end", head=True)]
    for aid, a in s["actors"].items():
        rows.append(_row(e(a.get("name") or aid),
                         *(f"<td class='n'>{e(v)}</td>" for v in (
                             value(a.get("peak_rung_mean"), "rung"), percent(a.get("p_force")),
                             value(a.get("days_coercion_mean"), "days"),
                             value(a.get("goldstein_mean"), "tone"),
                             value(a.get("final_nationalism_mean"), "index")))))
    return "<table>" + "".join(rows) + "</table>"


def _difference_intro(s: Mapping[str, Any], compared: Sequence[ReportPart]) -> str:
    names = ", ".join(e(c.summary["scenario"]["name"]) for c in compared)
    return (f"<p>Each compared scenario ({names}) minus the reference "
            f"({e(s['scenario']['name'])}), run by run: both ran with seed {s['seed']} over the "
            f"same {s['runs']:,} run indices, so they share their random numbers (common random "
            "numbers) and the interval is that of the mean per-run difference.</p>")


def _difference_table(reference: Scenario, part: ReportPart) -> str:
    diff = part.differences or {}
    changes = scenario_changes(reference, part.scenario)
    shown = "".join(f"<li><code>{e(path)}</code>: {e(old)} → {e(new)}</li>"
                    for path, old, new in changes[:MAX_CHANGES])
    more = f"<li>and {len(changes) - MAX_CHANGES} more</li>" if len(changes) > MAX_CHANGES else ""
    rows = [f"<h3>{e(part.summary['scenario']['name'])} − reference</h3>",
            f"<p>What differs from the reference:</p><ul>{shown}{more}</ul>" if changes
            else "<p>Same parameters as the reference.</p>",
            "<table>", _row("measure", "<th colspan='2'>difference [95% CI]</th>", head=True)]
    questions = [q for q in QUESTIONS if q in diff]
    for question in questions:
        for key, entry in diff[question].items():
            rows.append(_row(e(measure_label(f"{question}_{key}")), _difference(entry, True)))
    if not questions:
        for key, entry in diff.get("outcomes", {}).items():
            rows.append(_row(e(measure_label(key)), _difference(entry, True)))
    for key, entry in diff.get("metrics", {}).items():
        rows.append(_row(e(measure_label(key)), _difference(entry, as_percent(key), key)))
    return "".join(rows) + "</table>"


def scenario_changes(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    """Dotted paths whose values differ between two scenarios (name and description aside)."""
    flat_a, flat_b = _flat_scenario(a), _flat_scenario(b)
    return [(path, flat_a.get(path, "—"), flat_b.get(path, "—"))
            for path in sorted(set(flat_a) | set(flat_b))
            if path not in ("name", "description") and flat_a.get(path) != flat_b.get(path)]


def _flat_scenario(sc: Scenario) -> dict[str, Any]:
    """A scenario's leaves by dotted path; an uncertain parameter as its distribution's text."""
    flat = _flatten(sc.model_dump(mode="json"))
    for path, dist in sc.priors.items():
        flat[re.sub(r"\[(\d+)\]", r".\1", path)] = dist.describe()
    return flat


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested dicts and lists by dotted path; values as YAML would write them."""
    if isinstance(data, Mapping):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return {prefix: json.dumps(data, default=str) if data is None or isinstance(data, bool)
                else data}
    out: dict[str, Any] = {}
    for key, item in items:
        out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _difference(entry: Mapping[str, Any], points: bool, measure: str = "") -> str:
    """A paired difference with its interval; probabilities and shares in percentage points."""
    shown, ci = signed(entry, "pp" if points else unit(measure))
    return _num(f"{shown} pp" if points else shown, ci)


def _parameters(sc: Scenario) -> str:
    parts = []
    rows = [_row("", *(e(sc.actors[a].name or a) for a in sc.actors), head=True)]
    for name in ACTOR_FIELDS:
        values = [getattr(actor, name) for actor in sc.actors.values()]
        if name == "initial_rung":
            values = [f"{v} {RUNGS[v].name}" for v in values]
        rows.append(_row(e(name.replace("_", " ")), *(f"<td class='n'>{e(v)}</td>"
                                                       for v in values)))
    parts.append("<h3>Actors</h3><table>" + "".join(rows) + "</table>")
    if sc.issues:
        rows = [_row("issue", "heat", *(f"position / salience: {e(a)}" for a in sc.actors),
                     head=True)]
        for key, issue in sc.issues.items():
            rows.append(_row(e(issue.label or key), f"<td class='n'>{e(issue.heat)}</td>",
                             *(f"<td class='n'>{e(issue.position.get(a, '—'))} / "
                               f"{e(issue.salience.get(a, '—'))}</td>" for a in sc.actors)))
        parts.append("<h3>Issues</h3><table>" + "".join(rows) + "</table>")
    parts.append("<h3>Levers</h3>" + _levers(sc))
    if sc.alliances:
        items = "".join(f"<li>{e(x.patron)} backs {e(sc.actors[x.backs].name or x.backs)} "
                        f"(commitment {e(x.commitment)})</li>" for x in sc.alliances)
        parts.append(f"<h3>Alliances</h3><ul>{items}</ul>")
    if sc.incidents:
        rows = [_row("incident", "per year", "victim", "severity (rungs)", head=True)]
        for key, inc in sc.incidents.items():
            rows.append(_row(e(inc.label or key), f"<td class='n'>{e(inc.rate_per_year)}</td>",
                             e(inc.victim), f"<td class='n'>{e(inc.severity)}</td>"))
        parts.append("<h3>Incidents</h3><table>" + "".join(rows) + "</table>")
    if sc.events:
        items = "".join(f"<li>{e(when(ev.day, ev.date))}: {e(ev.label or 'scheduled change')}"
                        "</li>" for ev in sc.events)
        parts.append(f"<h3>Scheduled events</h3><ul>{items}</ul>")
    return "\n".join(parts)


def _levers(sc: Scenario) -> str:
    items = []
    for name in type(sc.levers).model_fields:
        lever = getattr(sc.levers, name)
        if lever.enabled:
            items.append(f"<li>{e(name.replace('_', ' '))}: strength {e(lever.strength)}, "
                         f"from {e(when(lever.start_day, lever.start_date))}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>None in use.</p>"


def _lever_ranking(doc: Mapping[str, Any]) -> str:
    """The levers ranked by paired effect, as ``escsim levers`` shows them."""
    measures = doc["measures"]
    intro = (f"<p>Each lever switched alone, and all six together, run with the reference's "
             f"seed over {doc['runs']:,} runs (common random numbers). Effect: the measure "
             "with the lever minus without it, in percentage points with a 95% paired "
             "interval; negative helps. Ranked by the effect on "
             f"{e(measures[doc.get('ranked_by') or next(iter(measures))])}.</p>")
    head = _row("#", "lever", *(f"<th colspan='2'>{e(label)}</th>"
                                for label in measures.values()), head=True)
    rows = [head]
    for row in doc["levers"]:
        name = "all six together" if row["rank"] is None else row["lever"].replace("_", " ")
        if row["already_on"]:
            name += " (already on)"
        cells = [_difference(row["effects"][m], True) for m in measures]
        rows.append(_row("" if row["rank"] is None else str(row["rank"]), e(name), *cells))
    return intro + "<table>" + "".join(rows) + "</table>"
