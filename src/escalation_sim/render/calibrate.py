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
    "Each episode is held out in turn: the parameters are refitted on the others and the "
    "held-out episode is simulated with draws from that refit, so its bands include parameter "
    "uncertainty. RPS per actor-month, Brier per month, lower is better. Skill = 1 − "
    "model/reference against: clim. (the model's monthly frequencies pooled over months), "
    "empir. (base rates of the monthly rungs in the other episodes), pers. (the starting rungs "
    "carried forward), uncal. (the model with the scenario's own values). Cover: share of "
    "observed actor-months inside the central 50%/90% band."
)


def _num(x: float | None, places: int = 3) -> str:
    return "—" if x is None else f"{x:.{places}f}"


def _skill(x: float | None) -> str:
    return "—" if x is None else f"{x:+.2f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def render_calibration(doc: Mapping[str, Any], console: Console) -> None:
    """Print the posterior's marginals and the summary distributions written."""
    settings = doc["settings"]
    dist = doc["distance"]
    console.print(Text.assemble(
        ("Calibration", "bold"), f" on {len(doc['episodes'])} episode(s): population "
        f"{settings['population']}, {settings['generations']} generations, {settings['runs']} "
        f"runs per point, seed {settings['seed']}; {dist['evaluations']:,} parameter sets "
        f"simulated in {dist['wall_seconds']:.0f} s"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("parameter (model.)")
    for name in ("prior", "mean ± sd", "90% interval", "written as"):
        table.add_column(name, justify="right", no_wrap=True)
    for path, m in doc["marginals"].items():
        lo, hi = doc["searched"][path]["uniform"]
        kind, args = next(iter(doc["priors"][path].items()))
        table.add_row(path.removeprefix("model."), f"U({lo:g}, {hi:g})",
                      f"{m['mean']:.3g} ± {m['sd']:.2g}", f"{m['q05']:.3g}–{m['q95']:.3g}",
                      f"{kind}({', '.join(f'{a:.3g}' for a in args)})")
    console.print(table)
    eps = ", ".join(f"{e:.4f}" for e in dist["epsilons"])
    console.print(Text(f"distance (mean RPS over episodes): thresholds {eps or '—'}; "
                       f"posterior mean {dist['posterior_mean']:.4f}, best "
                       f"{dist['posterior_min']:.4f}", style="dim"), soft_wrap=False)


def loo_table(doc: Mapping[str, Any]) -> Table:
    """One row per held-out episode and a pooled row."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    columns = ("episode", "months", "RPS", "skill clim.", "skill empir.", "skill pers.",
               "skill uncal.", "Brier force", "Brier engaged", "cover 50%", "cover 90%")
    for k, name in enumerate(columns):
        table.add_column(name, justify="left" if k == 0 else "right", no_wrap=k == 0)

    def cells(row: Mapping[str, Any]) -> list[str]:
        rps = row["rps"]
        return [_num(rps["model"], 4), _skill(rps["skill_climatology"]),
                _skill(rps["skill_empirical"]), _skill(rps["skill_persistence"]),
                _skill(rps["skill_uncalibrated"]), _num(row["brier_force"]["model"]),
                _num(row["brier_engaged"]["model"]), _pct(row["cover_50"]["model"]),
                _pct(row["cover_90"]["model"])]

    for row in doc["episodes"]:
        table.add_row(row["episode"], str(row["months"]), *cells(row))
    months = sum(r["months"] for r in doc["episodes"])
    table.add_section()
    table.add_row(Text("pooled", style="bold"), str(months), *cells(doc["pooled"]))
    return table


def render_loo(doc: Mapping[str, Any], console: Console) -> None:
    """Print the leave-one-out table and its legend."""
    s = doc["settings"]
    console.print(Text.assemble(
        ("Out of sample", "bold"), f": {doc['n_episodes']} episodes, each held out in turn; "
        f"refit by ABC rejection on {s['design']} prior draws (best {s['accept']:.0%} on the "
        f"other episodes), held-out episode simulated with {s['draws']} posterior draws × "
        f"{s['runs_per_draw']} runs"), soft_wrap=False)
    console.print(loo_table(doc))
    console.print(Text(LOO_LEGEND, style="dim"), soft_wrap=False)
