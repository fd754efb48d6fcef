"""The one number style of escsim: how every view writes an estimate, a share, a day count.

The terminal, the HTML report, the figures and the Python API's tables (``shown`` columns) all
write numbers with the functions here, so one value reads the same everywhere:

- **Digits from the interval.** The summary rounds each estimate and its bounds to the digits
  its 95% interval supports (:mod:`escalation_sim.analysis.stats`); a view writes those digits
  and no more — never pads them (0.48 [0.46, 0.50] is ``48% [46, 50]``, not ``48.0%``) — and an
  estimate and its bounds share one number of decimals.
- **A cap per unit** (:data:`UNIT_PLACES`): percentages at most one decimal (``27.0%``), days
  whole (the model's step is a day), rungs and Goldstein tone one decimal, indices and counts
  two, scores three. The cap only ever removes digits.
- **Shares are percentages**: probabilities and shares of a flow are written ``48%``;
  differences of them in percentage points, signed (``+1.2``).
- **Tiny is tiny**: a value above zero too small for the places shown is written ``< 0.1%``
  (or ``< 0.001`` for a score), never with six decimals; zero is ``0%``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MISSING = "—"
"""Shown for a number the summary does not have (``null``)."""
UNIT_PLACES = {"%": 1, "pp": 1, "days": 0, "rung": 1, "tone": 1, "index": 2, "count": 2,
               "score": 3, "": 3}
"""Most decimals shown per unit (``%`` and ``pp`` count decimals of the percentage)."""
PERCENT_UNITS = ("%", "pp")
PERCENT_PLACES = UNIT_PLACES["%"]
"""Most decimals of a percentage or a difference in percentage points."""


def decimals(*values: float | None) -> int:
    """Decimal places written in the shortest form of the given numbers (the most of them)."""
    most = 0
    for x in values:
        if x is None:
            continue
        text = f"{abs(float(x)):.10f}".rstrip("0")
        most = max(most, len(text.split(".")[1]) if "." in text else 0)
    return most


def places(unit: str, *values: float | None) -> int:
    """Decimals to show ``values`` with, in ``unit``: as given, at most the unit's cap."""
    given = decimals(*values)
    if unit in PERCENT_UNITS:
        given = max(0, given - 2)  # a share 0.270 is 27.0%
    return min(given, UNIT_PLACES.get(unit, UNIT_PLACES[""]))


def number(x: float | None, places: int | None = None, *, grouped: bool = True) -> str:
    """A number with ``places`` decimals (default: as given), thousands grouped."""
    if x is None:
        return MISSING
    places = decimals(x) if places is None else places
    return f"{x:,.{places}f}" if grouped else f"{x:.{places}f}"


def _tiny(x: float, shown_places: int, scale: float, suffix: str) -> str | None:
    """``< 0.1%`` for a value above zero that would show as zero with ``shown_places``."""
    if x != 0 and round(abs(scale * x), shown_places) == 0:
        return f"< {10.0 ** -shown_places:.{shown_places}f}{suffix}" if shown_places else \
            f"< 1{suffix}"
    return None


def value(x: float | None, unit: str = "", shown_places: int | None = None, *,
          with_unit: bool = True, bound: bool = False) -> str:
    """One number in ``unit``: ``48%``, ``298`` (days), ``6.7`` (rung), ``< 0.001`` (score).

    Args:
        x: The value as the summary holds it (a share for ``%``).
        unit: A key of :data:`UNIT_PLACES`.
        shown_places: Decimals to use (default: :func:`places` of ``x`` alone).
        with_unit: Whether a percentage ends in ``%``.
        bound: The number is an interval's bound: rounded as it is (``0.0``), never ``< 0.1``.
    """
    if x is None:
        return MISSING
    shown = places(unit, x) if shown_places is None else shown_places
    percent_unit = unit in PERCENT_UNITS
    scale, suffix = (100.0, "%" if with_unit and unit == "%" else "") if percent_unit else \
        (1.0, "")
    tiny = None if bound else _tiny(x, shown, scale, suffix)
    if tiny is not None:
        return tiny
    y = round(scale * x, shown) + 0.0
    return f"{y:,.{shown}f}{suffix}"


def percent(p: float | None, shown_places: int | None = None) -> str:
    """A probability or share as a percentage, with the digits it was given (at most one)."""
    return value(p, "%", shown_places)


def points(x: float, shown_places: int = PERCENT_PLACES) -> str:
    """A difference of two shares in percentage points, signed: ``+1.2``, ``0.0``."""
    shown = round(100.0 * x, shown_places)
    return f"{0.0:.{shown_places}f}" if shown == 0 else f"{shown:+.{shown_places}f}"


def estimate(entry: Mapping[str, Any], key: str = "value", *, as_percent: bool = False,
             unit: str | None = None) -> tuple[str, str]:
    """``(estimate, "[low, high]")`` of a summary entry ``{key, ci_low, ci_high}``.

    The estimate and its bounds share their decimals (:func:`places`); a percentage carries
    ``%`` on the estimate only: ``("48%", "[46, 50]")``.

    Args:
        entry: The summary's entry.
        key: The estimate's key (``value``, ``p``).
        as_percent: Shorthand for ``unit="%"``.
        unit: The unit (:data:`UNIT_PLACES`); default ``%`` with ``as_percent``, else ``""``.
    """
    unit = ("%" if as_percent else "") if unit is None else unit
    x, low, high = entry.get(key), entry.get("ci_low"), entry.get("ci_high")
    shown = places(unit, x, low, high)
    text = value(x, unit, shown)
    if low is None or high is None:
        return text, ""
    bounds = [value(b, unit, shown, with_unit=False, bound=True) for b in (low, high)]
    if text.startswith("<") and all(float(b.replace(",", "")) == 0 for b in bounds):
        return text, ""  # "< 0.001 [0.000, 0.000]" says no more than "< 0.001"
    return text, f"[{bounds[0]}, {bounds[1]}]"


def signed(entry: Mapping[str, Any], unit: str = "pp") -> tuple[str, str]:
    """``("+1.2", "[+0.8, +1.6]")`` of a difference ``{value, ci_low, ci_high}``.

    ``unit`` ``pp`` writes a difference of shares in percentage points; others as
    :func:`value` does, with a sign.
    """
    x, low, high = entry.get("value"), entry.get("ci_low"), entry.get("ci_high")
    if x is None:
        return MISSING, ""
    shown = places(unit, x, low, high)
    scale = 100.0 if unit in PERCENT_UNITS else 1.0

    def fmt(y: float) -> str:
        rounded = round(scale * y, shown)
        return f"{0.0:.{shown}f}" if rounded == 0 else f"{rounded:+,.{shown}f}"

    bounds = "" if low is None or high is None else f"[{fmt(low)}, {fmt(high)}]"
    return fmt(x), bounds


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
