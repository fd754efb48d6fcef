"""The escalation ladder: ten rungs with CAMEO codes, Goldstein weights and Rivera categories.

See ``docs/model.md`` §2. Goldstein weights are read from the bundled CAMEO/Goldstein table
(ICEWS version), so a rung's weight is the weight of its representative CAMEO code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

N_RUNGS = 10
STATUS_QUO = 2
LEGAL_COERCION = 5
ECONOMIC_COERCION = 6
MILITARY_SIGNALLING = 7
LIMITED_FORCE = 8
OPEN_WAR = 9


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder."""

    level: int
    key: str
    name: str
    example: str
    cameo: str
    domain: str
    rivera: str
    rivera_points: int

    @property
    def goldstein(self) -> float:
        """Goldstein weight of the rung's representative CAMEO code."""
        return goldstein(self.cameo)


RUNGS: tuple[Rung, ...] = (
    Rung(0, "cooperation", "cooperation", "joint projects, agreements, easing sanctions",
         "06", "economic", "de-escalation", -2),
    Rung(1, "engagement", "engagement", "visits, calls, negotiation",
         "05", "diplomatic", "de-escalation", -2),
    Rung(2, "status_quo", "status quo", "routine statements",
         "01", "none", "status quo", 0),
    Rung(3, "verbal_hostility", "verbal hostility", "criticism, accusations, demands",
         "11", "diplomatic", "non-violent escalation", 12),
    Rung(4, "diplomatic_retaliation", "diplomatic retaliation",
         "summon/recall envoys, cancel visits and cultural events",
         "16", "diplomatic", "non-violent escalation", 12),
    Rung(5, "legal_coercion", "legal coercion", "arrests, deportations, closing media/offices",
         "172", "legal", "non-violent escalation", 12),
    Rung(6, "economic_coercion", "economic coercion",
         "embargoes, import bans, transit and energy restrictions",
         "163", "economic", "non-violent escalation", 12),
    Rung(7, "military_signalling", "military signalling",
         "threats of force, alerts, mobilisation, exercises at the border",
         "15", "military", "non-violent escalation", 12),
    Rung(8, "limited_force", "limited force",
         "strikes on assets, border clashes, shoot-downs, sabotage",
         "190", "military", "violent escalation", 28),
    Rung(9, "open_war", "open war", "sustained armed conflict",
         "194", "military", "violent escalation", 28),
)


@cache
def cameo_table() -> dict[str, tuple[str, float]]:
    """CAMEO code -> (name, Goldstein weight), from the bundled ICEWS table."""
    text = resources.files("escalation_sim").joinpath("data/cameo_goldstein.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    return {row["code"]: (row["name"], float(row["goldstein"])) for row in rows}


def goldstein(code: str) -> float:
    """Goldstein weight of a CAMEO code (KeyError if the code is not in the table)."""
    return cameo_table()[code][1]


GOLDSTEIN = np.array([r.goldstein for r in RUNGS])
"""Goldstein weight per rung, indexable by an array of rungs."""
HOSTILITY = np.maximum(0.0, -GOLDSTEIN) / 10.0
"""Hostility per rung: the negative part of the Goldstein weight, scaled to 0-1."""
RIVERA_POINTS = np.array([r.rivera_points for r in RUNGS], dtype=float)
"""Escalation-score points per rung (Rivera et al. 2024)."""
