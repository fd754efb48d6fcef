"""The backtest's verdict in words: against which references the model wins, and its bands.

Kept apart from ``backtest.py`` (which scores an ensemble against an episode with numpy and
the engine's types) so that a run's summary can word the out-of-sample verdict of a
calibration (:func:`escalation_sim.analysis.summary.out_of_sample_section`) without importing
the backtest machinery. It reads plain numbers and needs nothing but the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

REFERENCES = ("climatology", "empirical", "persistence")
"""The reference forecasts, in the order they are shown."""
REFERENCE_WORDS = {"climatology": "climatology", "empirical": "base rates",
                   "persistence": "persistence"}
"""The references as the verdict names them."""
TIE_SKILL = 0.02
"""Without an interval, a skill within this of 0 is a tie (the pooled scores of ``--all``)."""
BAND_SLACK = 0.05
"""Without an interval, 90% bands holding within this of 90% are about right."""
COVERAGE_TARGET = 0.9
"""The share of observed actor-months a calibrated central 90% band holds."""


def _judge(skill: Any) -> str:
    """``beats``, ``loses to`` or ``ties with`` from a skill (with or without its interval)."""
    if isinstance(skill, dict):
        value, low, high = skill.get("value"), skill.get("ci_low"), skill.get("ci_high")
        if value is None:
            return ""
        if low is not None and high is not None:
            return "beats" if low > 0 else "loses to" if high < 0 else "ties with"
        skill = value
    if skill is None or not math.isfinite(float(skill)):
        return ""
    return "beats" if skill > TIE_SKILL else "loses to" if skill < -TIE_SKILL else "ties with"


def _bands(cover: Any) -> str:
    """``too narrow``, ``too wide`` or ``about right`` from the 90% bands' coverage."""
    if isinstance(cover, dict):
        value, low, high = cover.get("value"), cover.get("ci_low"), cover.get("ci_high")
        if value is None:
            return ""
        if low is not None and high is not None and low < high:
            return "too narrow" if high < COVERAGE_TARGET else \
                "too wide" if low > COVERAGE_TARGET else "about right"
        cover = value
    if cover is None:
        return ""
    return "too narrow" if cover < COVERAGE_TARGET - BAND_SLACK else \
        "too wide" if cover > COVERAGE_TARGET + BAND_SLACK else "about right"


def verdict(rps_skill: Mapping[str, Any], cover_90: Any) -> dict[str, Any]:
    """The backtest in one line: against which references the model's RPS wins, and its bands.

    Args:
        rps_skill: Reference -> the RPS skill against it (``{value, ci_low, ci_high}`` or a
            number): above 0 the model beats the reference; an interval that includes 0 is a
            tie.
        cover_90: The share of observed actor-months inside the central 90% band (with its
            interval, or a number): well below 90% the bands are too narrow.

    Returns:
        ``{text, rps {reference: beats|loses to|ties with}, bands}``, ``text`` e.g. ``beats
        persistence, loses to climatology and base rates; 90% bands too narrow (hold 53%)``.
    """
    judged = {ref: _judge(rps_skill.get(ref)) for ref in REFERENCES if ref in rps_skill}
    parts = []
    for word in ("beats", "ties with", "loses to"):
        refs = [REFERENCE_WORDS[r] for r, j in judged.items() if j == word]
        if refs:
            parts.append(f"{word} {' and '.join(refs)}")
    if parts:
        parts[-1] += " on RPS"
    bands = _bands(cover_90)
    held = cover_90.get("value") if isinstance(cover_90, dict) else cover_90
    text = ", ".join(parts)
    if bands:
        shown = f" (hold {round(100 * held)}% of observed months)" if held is not None else ""
        text += ("; " if text else "") + f"90% bands {bands}{shown}"
    return {"text": text, "rps": judged, "bands": bands}
