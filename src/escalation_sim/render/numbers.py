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


PERCENT_PLACES = 1
"""Decimals of every percentage and percentage-point difference shown (68.0%, 0.1%, +1.2)."""


def percent(p: float | None, places: int | None = None) -> str:
    """A probability or fraction as a percentage with one decimal (``places`` is ignored).

    One rule everywhere: 68.0% beside 28.7% and 0.0%, and ``<0.1%`` for a value above zero too
    small to show; the JSON keeps the digits the interval supports.
    """
    del places
    if p is None:
        return MISSING
    if 0 < abs(p) < 0.5 * 10 ** -(PERCENT_PLACES + 2):
        return f"<{10 ** -PERCENT_PLACES:g}%"  # not zero, but too small for the places shown
    return f"{100.0 * p:.{PERCENT_PLACES}f}%"


def points(x: float) -> str:
    """A difference of two probabilities in percentage points, signed: ``+1.2``, ``0.0``."""
    shown = round(100.0 * x, PERCENT_PLACES)
    return f"{0.0:.{PERCENT_PLACES}f}" if shown == 0 else f"{shown:+.{PERCENT_PLACES}f}"


def estimate(entry: Mapping[str, Any], key: str = "value", *,
             as_percent: bool = False) -> tuple[str, str]:
    """``(estimate, "[low, high]")`` of a summary entry ``{key, ci_low, ci_high}``."""
    value, low, high = entry.get(key), entry.get("ci_low"), entry.get("ci_high")
    places = decimals(value, low, high)
    if as_percent:
        shown = percent(value)
        if low is None or high is None:
            return shown, ""
        return shown, f"[{100.0 * low:.{PERCENT_PLACES}f}, {100.0 * high:.{PERCENT_PLACES}f}]"
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
