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
ENGAGEMENT = 1
STATUS_QUO = 2
VERBAL_HOSTILITY = 3
DIPLOMATIC_RETALIATION = 4
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
    kind: str
    """'declaratory' (words: CAMEO 01-05, 10-14) or 'material' (deeds: 06-09, 15-20)."""

    @property
    def goldstein(self) -> float:
        """Goldstein weight of the rung's representative CAMEO code."""
        return goldstein(self.cameo)


RUNGS: tuple[Rung, ...] = (
    Rung(0, "cooperation", "cooperation", "joint projects, agreements, easing sanctions",
         "06", "economic", "de-escalation", -2, "material"),
    Rung(1, "engagement", "engagement", "visits, calls, negotiation",
         "05", "diplomatic", "de-escalation", -2, "declaratory"),
    Rung(2, "status_quo", "status quo", "routine statements",
         "01", "none", "status quo", 0, "declaratory"),
    Rung(3, "verbal_hostility", "verbal hostility", "criticism, accusations, demands",
         "11", "diplomatic", "non-violent escalation", 12, "declaratory"),
    Rung(4, "diplomatic_retaliation", "diplomatic retaliation",
         "summon/recall envoys, cancel visits and cultural events",
         "16", "diplomatic", "non-violent escalation", 12, "material"),
    Rung(5, "legal_coercion", "legal coercion", "arrests, deportations, closing media/offices",
         "172", "legal", "non-violent escalation", 12, "material"),
    Rung(6, "economic_coercion", "economic coercion",
         "embargoes, import bans, transit and energy restrictions",
         "163", "economic", "non-violent escalation", 12, "material"),
    Rung(7, "military_signalling", "military signalling",
         "threats of force, alerts, mobilisation, exercises at the border",
         "15", "military", "non-violent escalation", 12, "material"),
    Rung(8, "limited_force", "limited force",
         "strikes on assets, border clashes, shoot-downs, sabotage",
         "190", "military", "violent escalation", 28, "material"),
    Rung(9, "open_war", "open war", "sustained armed conflict",
         "194", "military", "violent escalation", 28, "material"),
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

DOMAINS = ("diplomatic", "legal", "economic", "energy", "military")
"""Domains of measures (docs/model.md §2, §6), in the order of the engine's arrays."""
DOMAIN_DIPLOMATIC, DOMAIN_LEGAL, DOMAIN_ECONOMIC, DOMAIN_ENERGY, DOMAIN_MILITARY = range(5)
N_DOMAINS = len(DOMAINS)
DOMAIN_RUNG = {"diplomatic": DIPLOMATIC_RETALIATION, "legal": LEGAL_COERCION,
               "economic": ECONOMIC_COERCION, "energy": ECONOMIC_COERCION,
               "military": MILITARY_SIGNALLING}
"""The rung of a measure of each domain (docs/model.md §2): recalled envoys and suspended
contacts 4; closures and arrests 5; embargoes, bans and energy cut-offs 6; military posture 7."""
DOMAIN_RUNGS = np.array([DOMAIN_RUNG[d] for d in DOMAINS], dtype=np.int64)
"""``DOMAIN_RUNG`` by domain index."""
MAX_MEASURES = 3
"""Most measures an actor keeps in force in one domain (each takes its share of a flow)."""


def domain_of_rung(rung: int) -> int:
    """The domain index of an act at ``rung`` (an incident's default domain, §9).

    4 or less diplomatic, 5 legal, 6 economic, 7 or more military.
    """
    if rung <= DIPLOMATIC_RETALIATION:
        return DOMAIN_DIPLOMATIC
    if rung == LEGAL_COERCION:
        return DOMAIN_LEGAL
    if rung == ECONOMIC_COERCION:
        return DOMAIN_ECONOMIC
    return DOMAIN_MILITARY
DECLARATORY = np.array([r.kind == "declaratory" for r in RUNGS])
"""Rungs whose acts are words, not deeds (docs/model.md §2)."""

CAMEO_ROOT_RUNG = {
    "01": 2, "02": 2, "03": 1, "04": 1, "05": 1, "06": 0, "07": 0, "08": 0, "09": 2,
    "10": 3, "11": 3, "12": 3, "13": 7, "14": 3, "15": 7, "16": 4, "17": 5, "18": 8, "19": 8,
    "20": 9,
}
"""Rung of each CAMEO root code (docs/model.md §2)."""
CAMEO_CODE_RUNG = {
    "130": 3, "131": 3, "1311": 3, "1312": 3, "1313": 3, "132": 3, "1321": 3,
    "1322": 3, "1323": 3, "1324": 3, "133": 3, "134": 3, "135": 3, "136": 3, "137": 3,
    "162": 6, "1621": 6, "1622": 6, "1623": 6, "163": 6, "191": 6, "194": 9,
}
"""Sub-codes whose rung differs from their root's: non-military threats are verbal hostility,
cutting aid, embargoes and blockades are economic coercion, fighting with artillery and tanks is
open war."""


def rung_of_cameo(code: str) -> int:
    """The ladder rung of a CAMEO event code (root or sub-code).

    Raises:
        KeyError: If ``code`` is not in the bundled CAMEO table.
    """
    if code not in cameo_table():
        raise KeyError(code)
    for n in range(len(code), 1, -1):
        if code[:n] in CAMEO_CODE_RUNG:
            return CAMEO_CODE_RUNG[code[:n]]
    return CAMEO_ROOT_RUNG[code[:2]]
