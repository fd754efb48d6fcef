"""The terminal view of ``escsim calibrate``: the posterior, and the leave-one-out table.

Drawn from the documents the command writes (the calibration file, the leave-one-out JSON);
nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

LOO_LEGEND = (
    "Each episode is held out in turn: the calibration's parameter sets are reweighted on the "
    "others and the held-out episode is simulated with them, one set per run, so its bands "
    "include parameter uncertainty. RPS per actor-month, Brier per month, lower is better. "
    "Skill = 1 − model/reference against: clim. (the model's monthly frequencies pooled over "
    "months), empir. (base rates of the monthly rungs in the other episodes), pers. (the "
    "starting rungs carried forward: no change), uncal. (the model with the scenario's own "
    "values). Cover: share of observed actor-months inside the central 50%/90% band."
)


def _num(x: float | None, places: int = 3) -> str:
    return "—" if x is None else f"{x:.{places}f}"


def _skill(x: float | None) -> str:
    return "—" if x is None else f"{x:+.2f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def render_calibration(doc: Mapping[str, Any], console: Console) -> None:
    """Print the posterior's marginals, the epsilon schedule and the effective sample sizes."""
    settings = doc["settings"]
    dist = doc["distance"]
    console.print(Text.assemble(
        ("Calibration", "bold"), f" on {len(doc['episodes'])} episode(s): population "
        f"{settings['population']}, {settings['generations']} generations, {settings['runs']} "
        f"runs per point, seed {settings['seed']}; {dist['evaluations']:,} parameter sets "
        f"simulated in {dist['wall_seconds']:.0f} s"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("parameter (model.)")
    for name in ("prior", "mean ± sd", "90% interval", "sd / prior sd"):
        table.add_column(name, justify="right", no_wrap=True)
    for path, entry in doc["parameters"].items():
        lo, hi = entry["prior"]["uniform"]
        m = entry["posterior"]
        table.add_row(path.removeprefix("model."), f"U({lo:g}, {hi:g})",
                      f"{m['mean']:.3g} ± {m['sd']:.2g}", f"{m['q05']:.3g}–{m['q95']:.3g}",
                      f"{entry['sd_ratio']:.2f}")
    console.print(table)
    steps = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in ("generation", "threshold", "simulated", "accepted", "ESS"):
        steps.add_column(name, justify="right")
    for g in doc.get("generations") or []:
        steps.add_row(str(g["generation"]), _num(g.get("epsilon"), 4), f"{g['simulated']:,}",
                      str(g["accepted"]), f"{g['ess']:.0f}")
    console.print(steps)
    console.print(Text(f"{dist['definition']}. Posterior mean distance "
                       f"{dist['posterior_mean']:.4f}, best {dist['posterior_min']:.4f}; "
                       f"effective sample size {doc['effective_sample_size']:.0f}. Scenarios "
                       "that name this file draw one weighted parameter set per run.",
                       style="dim"), soft_wrap=False)


SKILL_TABLE = (("RPS", "rps", "model"), ("vs clim.", "rps", "skill_climatology"),
               ("vs empir.", "rps", "skill_empirical"), ("vs pers.", "rps", "skill_persistence"),
               ("vs uncal.", "rps", "skill_uncalibrated"))
EVENT_TABLE = (("force", "brier_force", "model"), ("vs empir.", "brier_force", "skill_empirical"),
               ("engaged", "brier_engaged", "model"),
               ("vs empir.", "brier_engaged", "skill_empirical"),
               ("50% band", "cover_50", "model"), ("90% band", "cover_90", "model"))
TRACK_TABLE = (("deeds", "rps_material", "model"), ("vs empir.", "rps_material",
                                                    "skill_empirical"),
               ("words", "rps_declaratory", "model"),
               ("vs empir.", "rps_declaratory", "skill_empirical"),
               ("force, ep.", "brier_force_episode", "model"),
               ("meeting", "brier_meeting", "model"), ("vs pers.", "brier_meeting",
                                                       "skill_persistence"),
               ("spells", "spells", "model"), ("measures", "measures", "model"))


def _cell(row: Mapping[str, Any], key: str, column: str) -> str:
    value = (row.get(key) or {}).get(column)
    if column.startswith("skill"):
        return _skill(value)
    return _pct(value) if key.startswith("cover") else _num(value, 4 if key == "rps" else 3)


def loo_table(doc: Mapping[str, Any], columns: tuple[tuple[str, str, str], ...] = SKILL_TABLE
              ) -> Table:
    """One row per held-out episode and a pooled row, with the given (header, key, column)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("held-out episode", min_width=16)
    months = columns is SKILL_TABLE
    if months:
        table.add_column("months", justify="right")
    for header, _, _ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    for row in doc["episodes"]:
        table.add_row(row["episode"], *([str(row["months"])] if months else []),
                      *(_cell(row, key, col) for _, key, col in columns))
    table.add_section()
    table.add_row(Text("pooled", style="bold"),
                  *([str(doc["pooled"]["months"])] if months else []),
                  *(_cell(doc["pooled"], key, col) for _, key, col in columns))
    return table


def render_loo(doc: Mapping[str, Any], console: Console) -> None:
    """Print the leave-one-out table and its legend."""
    s = doc["settings"]
    console.print(Text.assemble(
        ("Out of sample", "bold"), f": {doc['n_episodes']} episodes, each held out in turn; "
        "refit by importance reweighting of the calibration's simulated parameter sets "
        f"(effective sample size at least {s['min_ess']:g}), held-out episode simulated with "
        f"{s['runs']} runs, one parameter set each"), soft_wrap=False)
    console.print(Text("RPS (lower is better) and its skill against each reference",
                       style="bold"))
    console.print(loo_table(doc, SKILL_TABLE))
    console.print(Text("Brier scores of force and of engagement by month m, and the share of "
                       "observed actor-months inside the bands", style="bold"))
    console.print(loo_table(doc, EVENT_TABLE))
    console.print(Text("RPS of deeds and words, Brier of force in the episode and of the "
                       "leaders' first meeting, errors of spells at rung 5+ and of measures' "
                       "counts", style="bold"))
    console.print(loo_table(doc, TRACK_TABLE))
    if doc["pooled"].get("verdict"):
        console.print(Text(f"Pooled: the model {doc['pooled']['verdict']}.", style="bold"))
    console.print(Text(LOO_LEGEND, style="dim"), soft_wrap=False)
