"""Figures as files (``--figures DIR``): the charts an analyst pastes into a brief, PNG and SVG.

Each function draws from a command's JSON document — renderers compute no statistics — and
returns the files it wrote:

- ``run``: a fan chart per actor (median, 50% and 90% bands over dates) and how it ends and how
  bad it got (each level's probability with its 95% interval, side by side);
- ``compare``: the same two questions per scenario, and the paired differences from the
  baseline;
- ``sweep``: a heatmap per metric over two parameters, or a curve with its band over one;
- ``sensitivity``: a tornado per output (Sobol ST and S1, or Morris mu*, with intervals);
- ``backtest``: per actor, the observed monthly rung against the simulated 50% and 90% bands.

Every figure has a title, axis labels, dates where there is time, and a source line (escsim
version, scenario, runs, seed, date made). Levels and their names come from
:mod:`escalation_sim.analysis.classes`; numbers written on a figure are written as the terminal
writes them (:mod:`escalation_sim.render.numbers`): ``48% [46, 50]``, ``< 0.1%``. Files are
named ``<command>_<chart>.png|svg``. A file is replaced only if escsim wrote it and it is
unchanged since, as the folder's manifest ``.escsim-files.json`` records
(:mod:`escalation_sim.output.manifest`); each is written to a temporary name and renamed, so no
half-written figure is left. matplotlib is imported on first use, with the Agg backend (no
display needed); it comes with ``pip install 'escsim[report]'``.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalation_sim.analysis.classes import LEVELS, OUTCOME_WORDS, QUESTIONS
from escalation_sim.extras import require
from escalation_sim.output.files import OutputError, replace_problem, write_file_atomic
from escalation_sim.render.numbers import estimate, signed
from escalation_sim.versions import escsim_version

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")
DPI = 150
KEEP_HINT = "choose another folder, or remove the file"
TITLE_WIDTH = 76
"""Characters per title line (the bold title font on an 8-inch figure)."""
BAND_PAD = 0.4
"""Bands of whole rungs are drawn this far above and below their rungs."""
OUTCOME_LABELS = {key: words.name for key, words in OUTCOME_WORDS.items()}
"""Outcome class -> its name (``analysis/classes.py``), for documents without levels."""
RUNG_NAMES = ("cooperation", "engagement", "status quo", "verbal hostility",
              "diplomatic retaliation", "legal coercion", "economic coercion",
              "military signalling", "limited force", "open war")
COLOURS = ("#1f5f8b", "#b5452b", "#5b8c3a", "#7a4d9c", "#c48a1b", "#3b8b8b")


def check_folder(path: Path, command: str) -> None:
    """Check, before running, that ``path`` can receive this command's figures.

    Raises:
        OutputError: ``path`` is a file, cannot be created, or holds a ``<command>_*`` figure
            that escsim did not write, or that changed since.
    """
    if path.exists() and not path.is_dir():
        raise OutputError(f"--figures {path}: exists and is not a folder; choose a folder name")
    ancestor = path.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"--figures {path}: cannot write in {ancestor} (not a writable folder)")
    if path.is_dir():
        for fmt in FORMATS:
            for found in sorted(path.glob(f"{command}_*.{fmt}")):
                problem = replace_problem(found, hint=KEEP_HINT)
                if problem:
                    raise OutputError(f"--figures {path}: {found.name} {problem}")


def run_figures(summary: Mapping[str, Any], folder: Path) -> list[str]:
    """Fan charts per actor and the outcome probabilities of ``escsim run``."""
    plt = _pyplot()
    written = []
    timeline = summary["timeline"]
    x, xlabel = _time_axis(timeline, summary.get("start_date"))
    for k, (aid, actor) in enumerate(summary["actors"].items()):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        band = timeline[aid]
        colour = COLOURS[k % len(COLOURS)]
        ax.fill_between(x, _below(band["p05"]), _above(band["p95"]), step="mid", color=colour,
                        alpha=0.15, label="90% of runs")
        ax.fill_between(x, _below(band["p25"]), _above(band["p75"]), step="mid", color=colour,
                        alpha=0.35, label="50% of runs")
        ax.step(x, band["p50"], where="mid", color=colour, linewidth=2, label="median")
        _rung_axis(ax)
        ax.set_xlabel(xlabel)
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        _finish(fig, ax, f"{actor['name']}: escalation rung, fan chart "
                         f"({_span(timeline)})", _source(summary))
        written += _save(fig, folder, f"run_fan_{aid}")
    fig, axes = _question_axes(plt, summary)
    for ax, question in zip(axes, _questions(summary), strict=True):
        _outcome_bars(ax, [("", _levels(summary, question))], question)
    _finish(fig, axes[0], f"How it ends and how bad it got: {summary['days']} days "
                          f"({_span(timeline)})", _source(summary))
    written += _save(fig, folder, "run_outcomes")
    return written


def compare_figures(doc: Mapping[str, Any], folder: Path) -> list[str]:
    """Outcome probabilities per scenario, and paired differences from the baseline."""
    plt = _pyplot()
    summaries: Mapping[str, Any] = doc["scenarios"]
    first = next(iter(summaries.values()))
    source = _source(first, scenario=", ".join(summaries))
    written = []
    fig, axes = _question_axes(plt, first, height=4.5)
    for ax, question in zip(axes, _questions(first), strict=True):
        _outcome_bars(ax, [(label, _levels(s, question)) for label, s in summaries.items()],
                      question)
    _finish(fig, axes[0], f"How it ends and how bad it got, by scenario: {first['days']} days "
                          f"({_span(first['timeline'])})", source)
    written += _save(fig, folder, "compare_outcomes")
    diffs: Mapping[str, Any] = doc["differences"]
    fig, axes = _question_axes(plt, next(iter(diffs.values()), {}), height=4.5)
    for ax, question in zip(axes, _questions(next(iter(diffs.values()), {})), strict=True):
        _difference_bars(ax, diffs, question, doc["baseline"])
    _finish(fig, axes[0], f"Change from {doc['baseline']}: how it ends and how bad it got, "
                          f"{first['days']} days ({_span(first['timeline'])})", source)
    written += _save(fig, folder, "compare_differences")
    return written


def sweep_figures(doc: Mapping[str, Any], folder: Path) -> list[str]:
    """A heatmap per metric over two parameters, or a curve with its interval over one."""
    plt = _pyplot()
    axes, points = doc["vary"], doc["points"]
    source = _source(doc)
    written = []
    for metric in doc["metrics"]:
        scale, unit = _scale(metric)
        fig, ax = plt.subplots(figsize=(8, 4.5))
        if len(axes) == 1:
            xs = [p["values"][axes[0]["path"]] for p in points]
            xs = [float(v) for v in xs] if all(_numeric(v) for v in xs) else \
                [str(v) for v in xs]
            ys = [_value(p[metric]["value"]) * scale for p in points]
            ax.fill_between(xs, [_value(p[metric]["ci_low"]) * scale for p in points],
                            [_value(p[metric]["ci_high"]) * scale for p in points],
                            color=COLOURS[0], alpha=0.25, label="95% interval")
            ax.plot(xs, ys, marker="o", color=COLOURS[0], label=_metric_label(metric))
            ax.set_xlabel(axes[0]["path"])
            ax.set_ylabel(f"{_metric_label(metric)}{unit}")
            ax.legend(frameon=False, fontsize=8)
        else:
            xv, yv = axes[0]["values"], axes[1]["values"]
            grid = [[float("nan")] * len(xv) for _ in yv]
            for p in points:
                i = yv.index(p["values"][axes[1]["path"]])
                j = xv.index(p["values"][axes[0]["path"]])
                grid[i][j] = _value(p[metric]["value"]) * scale
            image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
            ax.grid(False)
            low, high = image.get_clim()
            ax.set_xticks(range(len(xv)), [_tick(v) for v in xv])
            ax.set_yticks(range(len(yv)), [_tick(v) for v in yv])
            ax.set_xlabel(axes[0]["path"])
            ax.set_ylabel(axes[1]["path"])
            fig.colorbar(image, ax=ax, label=f"{_metric_label(metric)}{unit}")
            if len(xv) * len(yv) <= 64:
                cells = {(yv.index(p["values"][axes[1]["path"]]),
                          xv.index(p["values"][axes[0]["path"]])): p[metric] for p in points}
                for (i, j), entry in cells.items():
                    light = grid[i][j] > low + 0.6 * (high - low)
                    ax.text(j, i, estimate(entry, unit=_unit(metric))[0], ha="center",
                            va="center", fontsize=7, color="black" if light else "white")
        over = " and ".join(a["path"] for a in axes)
        _finish(fig, ax, f"{_metric_label(metric)} by {over}, {_period(doc)}", source)
        written += _save(fig, folder, f"sweep_{metric}")
    return written


def sensitivity_figures(doc: Mapping[str, Any], folder: Path) -> list[str]:
    """A tornado per output: factors ranked by Sobol ST (with S1) or Morris mu*."""
    plt = _pyplot()
    sobol = doc["method"] == "sobol"
    main_key, second = ("ST", "S1") if sobol else ("mu_star", None)
    written = []
    for output, entry in doc["outputs"].items():
        ranking: Sequence[str] = entry["ranking"]
        if not ranking:
            continue
        fig, ax = plt.subplots(figsize=(8, 0.9 + 0.4 * len(ranking)))
        ys = list(range(len(ranking)))
        indices = entry["indices"]
        values = [_value(indices[f][main_key]["value"]) for f in ranking]
        err = [[max(0.0, v - _value(indices[f][main_key].get("ci_low", v)))
                for f, v in zip(ranking, values, strict=True)],
               [max(0.0, _value(indices[f][main_key].get("ci_high", v)) - v)
                for f, v in zip(ranking, values, strict=True)]]
        ax.barh(ys, values, color=COLOURS[0], alpha=0.8, xerr=err,
                error_kw={"elinewidth": 1, "capsize": 2},
                label="total effect ST" if sobol else "mu* (mean |elementary effect|)")
        if second is not None:
            ax.barh(ys, [_value(indices[f][second]["value"]) for f in ranking], height=0.35,
                    color=COLOURS[1], label="first order S1")
        ax.set_yticks(ys, list(ranking))
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("Sobol index (share of output variance), 95% interval" if sobol else
                       f"mu* ({_metric_label(output)} per unit range), 95% interval")
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        _finish(fig, ax, f"What drives {_metric_label(output)}: {doc['method'].title()} "
                         f"sensitivity, {doc['points']} points, {_period(doc)}",
                _source(doc))
        written += _save(fig, folder, f"sensitivity_{output}")
    return written


def backtest_figures(doc: Mapping[str, Any], folder: Path) -> list[str]:
    """Per actor, the observed highest rung of each month against the simulated bands."""
    plt = _pyplot()
    months: Sequence[Mapping[str, Any]] = doc["months"]
    if not months:
        return []
    written = []
    labels = [m["month"] for m in months]
    xs = list(range(len(labels)))
    source = (f"Source: escsim {escsim_version()} · episode '{doc['episode']}' · "
              f"{doc['runs']:,} runs · seed {doc['seed']} · made {dt.date.today().isoformat()}")
    for k, actor in enumerate(months[0]["observed"]):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        colour = COLOURS[k % len(COLOURS)]
        if all("band_90" in m for m in months):
            ax.fill_between(xs, _below([m["band_90"][actor][0] for m in months]),
                            _above([m["band_90"][actor][1] for m in months]), step="mid",
                            color=colour, alpha=0.15, label="simulated 90% band")
        ax.fill_between(xs, _below([m["band_50"][actor][0] for m in months]),
                        _above([m["band_50"][actor][1] for m in months]), step="mid",
                        color=colour, alpha=0.35, label="simulated 50% band")
        ax.plot(xs, [m["observed"][actor] for m in months], color="black", marker="o",
                linewidth=1.5, label="observed")
        _rung_axis(ax)
        step = max(1, len(xs) // 12)
        ax.set_xticks(xs[::step], labels[::step], rotation=45, ha="right")
        ax.set_xlabel("month")
        ax.set_ylabel("highest rung in the month")
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        _finish(fig, ax, f"{actor}: observed monthly rung vs simulated, {doc['start_date']} to "
                         f"{doc['end_date']}", source)
        written += _save(fig, folder, f"backtest_{actor}")
    return written


# -- helpers -----------------------------------------------------------------------------------
def _pyplot() -> Any:
    require("matplotlib", "--figures")
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"axes.spines.top": False, "axes.spines.right": False,
                         "axes.grid": True, "grid.alpha": 0.3, "font.size": 9,
                         "axes.titlesize": 11, "axes.titleweight": "bold",
                         "svg.fonttype": "none"})
    return plt


def _time_axis(timeline: Mapping[str, Any], start: str | None) -> tuple[list[Any], str]:
    if "date" in timeline:
        return [dt.date.fromisoformat(d) for d in timeline["date"]], f"date (day 0 = {start})"
    return list(timeline["day"]), "day"


def _span(timeline: Mapping[str, Any]) -> str:
    if "date" in timeline:
        return f"{timeline['date'][0]} to {timeline['date'][-1]}"
    return f"days {timeline['day'][0]}–{timeline['day'][-1]}"


def _period(doc: Mapping[str, Any]) -> str:
    """``365 days from 2025-07-01`` (or ``365 days`` without a start date)."""
    start = doc.get("start_date")
    return f"{doc['days']} days from {start}" if start else f"{doc['days']} days"


def _rung_axis(ax: Axes) -> None:
    ax.set_ylim(-0.5, len(RUNG_NAMES) - 0.5)
    ax.set_yticks(range(len(RUNG_NAMES)), [f"{k} {n}" for k, n in enumerate(RUNG_NAMES)],
                  fontsize=7)
    ax.set_ylabel("escalation rung")


def _below(rungs: Sequence[Any]) -> list[float]:
    """Lower edges of a band of whole rungs, drawn as cells (a one-rung band stays visible)."""
    return [_value(r) - BAND_PAD for r in rungs]


def _above(rungs: Sequence[Any]) -> list[float]:
    """Upper edges of a band of whole rungs (see ``_below``)."""
    return [_value(r) + BAND_PAD for r in rungs]


def _questions(doc: Mapping[str, Any]) -> list[str]:
    """The questions a summary (or a difference) answers: ``ends`` and ``worst``, or the classes."""
    found = [q for q in QUESTIONS if q in doc]
    return found or ["outcomes"]


def _levels(summary: Mapping[str, Any], question: str) -> Mapping[str, Any]:
    """One question's entries by level key (or the outcome classes, for older summaries)."""
    found: Mapping[str, Any] = summary[question]
    return found


def _names(entries: Mapping[str, Any]) -> list[str]:
    """The names of the levels (or classes) in ``entries``, mildest first."""
    by_key = {lv.key: lv.name for lv in LEVELS}
    return [by_key.get(k) or OUTCOME_LABELS.get(k, k) for k in entries]


def _question_axes(plt: Any, doc: Mapping[str, Any], height: float = 4.0) -> tuple[Figure, Any]:
    """A figure with one panel per question, side by side, sharing the level axis."""
    n = len(_questions(doc))
    fig, axes = plt.subplots(1, n, figsize=(9.5 if n > 1 else 8, height), sharey=True,
                             squeeze=False)
    return fig, list(axes[0])


def _panel_title(question: str) -> str:
    return QUESTIONS[question].title.capitalize() + (" (last day)" if question == "ends" else
                                                     " (worst day)") \
        if question in QUESTIONS else "Outcome class"


def _outcome_bars(ax: Axes, groups: Sequence[tuple[str, Mapping[str, Any]]],
                  question: str = "outcomes") -> None:
    keys = list(groups[0][1])
    height = 0.8 / len(groups)
    for k, (label, entries) in enumerate(groups):
        ys = [i + (k - (len(groups) - 1) / 2) * height for i in range(len(keys))]
        values = [100 * (entries[n]["p"] or 0.0) for n in keys]
        err = [[v - 100 * entries[n]["ci_low"] for v, n in zip(values, keys, strict=True)],
               [100 * entries[n]["ci_high"] - v for v, n in zip(values, keys, strict=True)]]
        ax.barh(ys, values, height=height * 0.9, color=COLOURS[k % len(COLOURS)], xerr=err,
                error_kw={"elinewidth": 1, "capsize": 2}, label=label or None)
        if len(groups) == 1:
            for y, n in zip(ys, keys, strict=True):
                shown, ci = estimate(entries[n], "p", as_percent=True)
                ax.text(100 * entries[n]["ci_high"] + 2, y, f"{shown} {ci}", va="center",
                        fontsize=8)
    ax.set_yticks(range(len(keys)), _names(groups[0][1]))
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xlim(0, 100 if len(groups) > 1 else 125)
    ax.set_xticks(range(0, 101, 20))
    ax.set_title(_panel_title(question), loc="left", fontsize=9, fontweight="normal")
    ax.set_xlabel("% of runs (bars: 95% interval)")
    if len(groups) > 1:
        ax.legend(frameon=False, fontsize=7, loc="lower right")


def _difference_bars(ax: Axes, diffs: Mapping[str, Any], question: str, baseline: str) -> None:
    """Paired differences of one question's levels, per compared scenario, in points."""
    keys = list(next(iter(diffs.values()))[question])
    height = 0.8 / max(1, len(diffs))
    for k, (label, entry) in enumerate(diffs.items()):
        found = entry[question]
        ys = [i + (k - (len(diffs) - 1) / 2) * height for i in range(len(keys))]
        values = [100 * (found[n]["value"] or 0.0) for n in keys]
        lows = [100 * (found[n]["ci_low"] or 0.0) for n in keys]
        highs = [100 * (found[n]["ci_high"] or 0.0) for n in keys]
        ax.barh(ys, values, height=height * 0.9, color=COLOURS[(k + 1) % len(COLOURS)],
                xerr=[[v - lo for v, lo in zip(values, lows, strict=True)],
                      [hi - v for v, hi in zip(values, highs, strict=True)]],
                error_kw={"elinewidth": 1, "capsize": 2}, label=f"{label} − {baseline}")
        if len(diffs) == 1:
            for y, n, hi in zip(ys, keys, highs, strict=True):
                ax.text(max(hi, 0) + 1, y, signed(found[n])[0], va="center", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(keys)), _names(next(iter(diffs.values()))[question]))
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_title(_panel_title(question), loc="left", fontsize=9, fontweight="normal")
    ax.set_xlabel("percentage points (paired runs, 95% interval)")
    ax.legend(frameon=False, fontsize=7)


def _source(doc: Mapping[str, Any], *, scenario: str | None = None) -> str:
    name = scenario if scenario is not None else doc.get("scenario", {}).get("name", "")
    return (f"Source: escsim {doc.get('escsim_version', '')} · scenario '{name}' · "
            f"{doc['runs']:,} runs · seed {doc['seed']} · made {dt.date.today().isoformat()}")


def _finish(fig: Figure, ax: Axes, title: str, source: str) -> None:
    text = "\n".join(textwrap.wrap(title, TITLE_WIDTH))
    if len(fig.axes) > 1 and not ax.images:  # panels keep their own titles
        fig.suptitle(text, x=0.01, ha="left", fontsize=11, fontweight="bold")
    else:
        ax.set_title(text, loc="left")
    fig.text(0.01, 0.01, source, fontsize=7, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))


def _save(fig: Figure, folder: Path, stem: str) -> list[str]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg`` in ``folder``, each atomically.

    Files there that escsim did not write, or that changed since, are never replaced.
    """
    import matplotlib.pyplot as plt

    written = []
    try:
        for fmt in FORMATS:
            target = folder / f"{stem}.{fmt}"
            meta = {"Software" if fmt == "png" else "Creator": "escsim (matplotlib)",
                    "Title": stem}

            def draw(temp: Path, fmt: str = fmt, meta: dict[str, str] = meta) -> None:
                with temp.open("wb") as fh:
                    fig.savefig(fh, format=fmt, dpi=DPI, metadata=meta)
                    fh.flush()
                    os.fsync(fh.fileno())

            write_file_atomic(target, draw, example=f"{stem}.{fmt}",
                              label=f"--figures {folder}: {target.name}", hint=KEEP_HINT)
            written.append(target.name)
    finally:
        plt.close(fig)
    return written


def _scale(metric: str) -> tuple[float, str]:
    from escalation_sim.analysis.points import as_percent

    return (100.0, ", %") if as_percent(metric) else (1.0, "")


def _unit(metric: str) -> str:
    from escalation_sim.analysis.points import unit

    return unit(metric)


def _metric_label(metric: str) -> str:
    from escalation_sim.analysis.points import measure_label

    return measure_label(metric)


def _value(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _numeric(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _tick(x: Any) -> str:
    return f"{x:g}" if _numeric(x) else str(x)
