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

from escalation_sim.model.ladder import RUNGS

COLOURS = ("#2f78b7", "#a8455f", "#3b8f5a", "#c47f17", "#6b4fa0", "#4f8f8f")
"""One colour per scenario (outcome and difference charts) or per actor (fan charts)."""
BANDS = (("p05", "p95", 0.15), ("p10", "p90", 0.22), ("p25", "p75", 0.35))
"""Fan chart bands (lower key, upper key, opacity): 90%, 80% and 50% of runs."""
OUTCOME_NAMES = {"normalization": "normalization", "cold_tension": "cold tension",
                 "coercive_standoff": "coercive standoff", "armed_clashes": "armed clashes",
                 "war": "war"}
"""Outcome class -> its name on the charts."""
LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 40}, "height": 320,
          "template": "plotly_white", "font": {"family": "system-ui, sans-serif", "size": 12},
          "legend": {"orientation": "h", "y": -0.18}}
CONFIG = {"displaylogo": False, "responsive": True}


def plain(text: str) -> str:
    """Scenario text made inert for plotly labels (``<``, ``>`` and ``&`` escaped)."""
    return html.escape(text, quote=False)


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML ``<div>`` with its script (plotly.js must be on the page)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id=div_id)


def outcome_chart(summaries: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Outcome probabilities with 95% intervals, one group of bars per scenario."""
    fig = go.Figure()
    for i, summary in enumerate(summaries):
        entries = summary["outcomes"]
        p = [entries[k]["p"] or 0.0 for k in entries]
        fig.add_bar(
            name=plain(summary["scenario"]["name"]), x=[OUTCOME_NAMES.get(k, k) for k in entries],
            y=p, marker_color=COLOURS[i % len(COLOURS)],
            error_y={"type": "data", "symmetric": False,
                     "array": [(e["ci_high"] or 0.0) - q for e, q in zip(entries.values(), p,
                                                                          strict=True)],
                     "arrayminus": [q - (e["ci_low"] or 0.0) for e, q in zip(entries.values(), p,
                                                                             strict=True)]})
    fig.update_layout(**LAYOUT, barmode="group", title="Outcome probabilities (95% intervals)",
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


def difference_chart(names: Sequence[str], differences: Sequence[Mapping[str, Any]]
                     ) -> go.Figure:
    """Paired differences of outcome probabilities (variant − reference), with 95% intervals."""
    fig = go.Figure()
    for i, (name, diff) in enumerate(zip(names, differences, strict=True)):
        entries = diff["outcomes"]
        v = [entries[k]["value"] or 0.0 for k in entries]
        fig.add_scatter(
            name=plain(name), x=v, y=[OUTCOME_NAMES.get(k, k) for k in entries], mode="markers",
            marker={"size": 10, "color": COLOURS[(i + 1) % len(COLOURS)]},
            error_x={"type": "data", "symmetric": False,
                     "array": [(e["ci_high"] or 0.0) - q for e, q in zip(entries.values(), v,
                                                                          strict=True)],
                     "arrayminus": [q - (e["ci_low"] or 0.0) for e, q in zip(entries.values(), v,
                                                                             strict=True)]})
    fig.add_vline(x=0, line_color="#888")
    fig.update_layout(**LAYOUT, title="Change in outcome probabilities (paired, 95% intervals)",
                      xaxis={"title": "difference in probability", "tickformat": "+.0%"},
                      yaxis={"autorange": "reversed"})
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
