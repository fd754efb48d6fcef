"""The one line on how the model scored out of sample, read from the leave-one-out table.

Kept apart from ``out_of_sample.py`` (which computes the table with the backtest and calibration
machinery) so that every summary can print the line without importing that machinery.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BUNDLED = "out_of_sample.json"
"""The bundled leave-one-out table's file name in ``scenarios/calibration/``."""


def read_table(path: str | Path | None = None) -> dict[str, Any] | None:
    """A leave-one-out table (default: the bundled one), or ``None`` if missing or unreadable."""
    if path is None:
        from escalation_sim.scenario.bundled import calibration_file

        path = calibration_file(BUNDLED)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        doc["pooled"]["cover_90"]["model"], int(doc["n_episodes"])  # noqa: B018
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return doc if isinstance(doc, dict) else None


def out_of_sample_line(path: str | Path | None = None) -> str | None:
    """One line on how the model scored out of sample, from a leave-one-out JSON file.

    Args:
        path: The file written by ``escsim calibrate --leave-one-out``; default the bundled
            one (``scenarios/calibration/out_of_sample.json``).

    Returns:
        E.g. "on 23 past crises, each held out in turn, the 90% bands held 83% of observed
        actor-months (50% bands: 53%); RPS skill vs climatology -0.07"; ``None`` when the file
        is missing or not a leave-one-out table.
    """
    doc = read_table(path)
    return None if doc is None else line_of(doc)


def line_of(table: Mapping[str, Any]) -> str | None:
    """:func:`out_of_sample_line` of a table already read."""
    pooled, n = table["pooled"], int(table["n_episodes"])
    c90, c50 = pooled["cover_90"]["model"], pooled["cover_50"]["model"]
    sk = pooled["rps"].get("skill_climatology")
    if c90 is None or c50 is None:
        return None
    skill_text = "" if sk is None else f"; RPS skill vs climatology {sk:+.2f}"
    return (f"on {n} past crises, each held out in turn, the 90% bands held {c90:.0%} of "
            f"observed actor-months (50% bands: {c50:.0%}){skill_text}")
