"""Number formatting for renderers: show a summary's numbers with the digits they were given.

The summary already rounds each estimate to the digits its interval supports
(:mod:`escalation_sim.analysis.stats`), so formatting only has to keep those digits: the number
of decimals is read from the values themselves, and an estimate and its bounds share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MISSING = "—"
"""Shown for a number the summary does not have (``null``)."""


def decimals(*values: float | None) -> int:
    """Decimal places written in the shortest form of the given numbers (the most of them)."""
    most = 0
    for x in values:
        if x is None:
            continue
        text = f"{abs(float(x)):.10f}".rstrip("0")
        most = max(most, len(text.split(".")[1]) if "." in text else 0)
    return most


def number(x: float | None, places: int | None = None, *, grouped: bool = True) -> str:
    """A number with ``places`` decimals (default: as given), thousands grouped."""
    if x is None:
        return MISSING
    places = decimals(x) if places is None else places
    return f"{x:,.{places}f}" if grouped else f"{x:.{places}f}"


def percent(p: float | None, places: int | None = None) -> str:
    """A probability or fraction as a percentage, keeping its significant decimals."""
    if p is None:
        return MISSING
    places = max(0, (decimals(p) if places is None else places) - 2)
    return f"{100.0 * p:.{places}f}%"


def estimate(entry: Mapping[str, Any], key: str = "value", *,
             as_percent: bool = False) -> tuple[str, str]:
    """``(estimate, "[low, high]")`` of a summary entry ``{key, ci_low, ci_high}``."""
    value, low, high = entry.get(key), entry.get("ci_low"), entry.get("ci_high")
    places = decimals(value, low, high)
    if as_percent:
        shown = percent(value, places)
        bounds = (low, high)
        if low is None or high is None:
            return shown, ""
        inner = max(0, places - 2)
        return shown, f"[{100.0 * bounds[0]:.{inner}f}, {100.0 * bounds[1]:.{inner}f}]"
    shown = number(value, places)
    if low is None or high is None:
        return shown, ""
    return shown, f"[{number(low, places)}, {number(high, places)}]"


def bar(fraction: float | None, width: int) -> str:
    """A horizontal bar of ``fraction`` × ``width`` cells, in eighths of a cell."""
    if fraction is None or width <= 0:
        return ""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + ("" if part == 0 else " ▏▎▍▌▋▊▉"[part])


def sparkline(values: list[float | None]) -> str:
    """One character per value, its height relative to the largest value (blank for zero)."""
    levels = " ▁▂▃▄▅▆▇█"
    top = max((v for v in values if v is not None), default=0.0)
    if not top:
        return " " * len(values)
    out = []
    for v in values:
        if not v:
            out.append(" ")
        else:
            out.append(levels[max(1, round(v / top * (len(levels) - 1)))])
    return "".join(out)
