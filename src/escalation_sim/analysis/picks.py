"""The runs ``escsim trace --pick`` can tell (kept apart so the command line loads light)."""

from __future__ import annotations

PICKS = {"war": "war", "clashes": "armed_clashes", "normalization": "normalization",
         "median": None}
"""``--pick`` choice -> outcome class (``None``: the median run)."""
