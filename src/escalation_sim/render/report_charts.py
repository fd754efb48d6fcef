"""The charts of the HTML report (``escsim report``), drawn with plotly from summary dicts.

Each function returns a ``plotly.graph_objects.Figure``; :func:`figure_html` turns one into a
``<div>`` for the page (plotly.js itself is embedded once, by ``render/report.py``). Nothing here
computes a statistic: the quantiles, probabilities and intervals come from ``summarize`` and
``paired_differences``. Text from scenarios is HTML-escaped before plotly sees it, because
plotly.js reads a few HTML tags in labels.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from escalation_sim.analysis.classes import LEVELS, OUTCOME_WORDS, QUESTIONS
from escalation_sim.model.ladder import RUNGS
from escalation_sim.render.numbers import estimate, signed

COLOURS = ("#2f78b7", "#a8455f", "#3b8f5a", "#c47f17", "#6b4fa0", "#4f8f8f")
"""One colour per scenario (outcome and difference charts) or per actor (fan charts)."""
BANDS = (("p05", "p95", 0.15), ("p10", "p90", 0.22), ("p25", "p75", 0.35))
"""Fan chart bands (lower key, upper key, opacity): 90%, 80% and 50% of runs."""
OUTCOME_NAMES = {key: words.name for key, words in OUTCOME_WORDS.items()}
"""Outcome class -> its name (``analysis/classes.py``)."""
LAYOUT: dict[str, Any] = {"margin": {"l": 60, "r": 20, "t": 40, "b": 40}, "height": 320,
          "template": "plotly_white", "font": {"family": "system-ui, sans-serif", "size": 12},
          "legend": {"orientation": "h", "y": -0.18}}
CONFIG = {"displaylogo": False, "responsive": True}


def plain(text: str) -> str:
    """Scenario text made inert for plotly labels (``<``, ``>`` and ``&`` escaped)."""
    return html.escape(text, quote=False)


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML ``<div>`` with its script (plotly.js must be on the page)."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id=div_id))


def _entries(found: Mapping[str, Any], question: str) -> tuple[list[str], list[Any]]:
    """Names and entries of a level distribution (``ends``/``worst``), or of the classes."""
    if question in found:
        entries = found[question]
        return [lv.name for lv in LEVELS if lv.key in entries], \
            [entries[lv.key] for lv in LEVELS if lv.key in entries]
    entries = found["outcomes"]
    return [OUTCOME_NAMES.get(k, k) for k in entries], list(entries.values())


def outcome_chart(summaries: Sequence[Mapping[str, Any]], question: str = "ends") -> go.Figure:
    """One question's level probabilities with 95% intervals, a group of bars per scenario.

    Each bar is labelled with its probability as the tables write it (``48%``).
    """
    fig = go.Figure()
    for i, summary in enumerate(summaries):
        names, entries = _entries(summary, question)
        p = [e["p"] or 0.0 for e in entries]
        fig.add_bar(
            name=plain(summary["scenario"]["name"]), x=names, y=p,
            marker_color=COLOURS[i % len(COLOURS)],
            text=[estimate(e, "p", as_percent=True)[0] for e in entries],
            textposition="outside", cliponaxis=False,
            error_y={"type": "data", "symmetric": False,
                     "array": [(e["ci_high"] or 0.0) - q for e, q in zip(entries, p,
                                                                          strict=True)],
                     "arrayminus": [q - (e["ci_low"] or 0.0) for e, q in zip(entries, p,
                                                                             strict=True)]})
    title = QUESTIONS[question].title.capitalize() if question in QUESTIONS else "Outcome"
    fig.update_layout(**LAYOUT, barmode="group", title=f"{title}: probability of each level "
                      "(95% intervals)",
                      yaxis={"title": "probability", "tickformat": ".0%", "rangemode": "tozero"})
    return fig


def fan_chart(series: Mapping[str, Sequence[Any]], x: Sequence[Any], title: str, *,
              colour: str, rungs: bool, extra: Sequence[tuple[str, Sequence[Any]]] = ()
              ) -> go.Figure:
    """A fan chart: median and the 50/80/90% bands of runs over time.

    Args:
        series: Quantile series ``{p05: [...], …, p95: [...]}`` of the summary's timeline.
        x: Dates or day numbers of the timeline.
        title: Chart title (escaped here).
        colour: Colour of the median and bands.
        rungs: Whether values are ladder rungs (steps, rung names on the axis) or flows.
        extra: ``(name, p50)`` medians of compared scenarios, drawn dashed.
    """
    shape = "hv" if rungs else "linear"
    fig = go.Figure()
    for low, high, alpha in BANDS:
        label = f"{int(low[1:])}–{int(high[1:])}% of runs"
        fig.add_scatter(x=list(x), y=list(series[low]), mode="lines", line={"width": 0,
                        "shape": shape}, showlegend=False, hoverinfo="skip")
        fig.add_scatter(x=list(x), y=list(series[high]), mode="lines", fill="tonexty",
                        line={"width": 0, "shape": shape}, fillcolor=_rgba(colour, alpha),
                        name=label)
    fig.add_scatter(x=list(x), y=list(series["p50"]), mode="lines", name="median",
                    line={"color": colour, "width": 2.5, "shape": shape})
    for i, (name, median) in enumerate(extra):
        fig.add_scatter(x=list(x), y=list(median), mode="lines", name=plain(f"median: {name}"),
                        line={"color": COLOURS[(i + 1) % len(COLOURS)], "width": 2,
                              "dash": "dash", "shape": shape})
    yaxis: dict[str, Any] = {"title": "rung", "range": [-0.3, 9.3], "tickvals": list(range(10)),
                             "ticktext": [f"{r.level} {r.name}" for r in RUNGS]}
    if not rungs:
        yaxis = {"title": "share of pre-crisis flow", "tickformat": ".0%", "range": [0, 1.05]}
    fig.update_layout(**{**LAYOUT, "margin": {**LAYOUT["margin"], "l": 150 if rungs else 60}},
                      title=plain(title), yaxis=yaxis)
    return fig


def difference_chart(names: Sequence[str], differences: Sequence[Mapping[str, Any]],
                     question: str = "ends") -> go.Figure:
    """Paired differences of one question's levels (variant − reference), with 95% intervals."""
    fig = go.Figure()
    for i, (name, diff) in enumerate(zip(names, differences, strict=True)):
        labels, entries = _entries(diff, question)
        v = [e["value"] or 0.0 for e in entries]
        fig.add_scatter(
            name=plain(name), x=v, y=labels, mode="markers",
            marker={"size": 10, "color": COLOURS[(i + 1) % len(COLOURS)]},
            hovertext=[" ".join(signed(e)) + " points" for e in entries], hoverinfo="text",
            error_x={"type": "data", "symmetric": False,
                     "array": [(e["ci_high"] or 0.0) - q for e, q in zip(entries, v,
                                                                          strict=True)],
                     "arrayminus": [q - (e["ci_low"] or 0.0) for e, q in zip(entries, v,
                                                                             strict=True)]})
    fig.add_vline(x=0, line_color="#888")
    title = QUESTIONS[question].title.capitalize() if question in QUESTIONS else "Outcome"
    fig.update_layout(**LAYOUT, title=f"{title}: change in probability (paired, 95% "
                      "intervals)",
                      xaxis={"title": "difference in probability", "tickformat": "+.0%"},
                      yaxis={"autorange": "reversed"})
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
