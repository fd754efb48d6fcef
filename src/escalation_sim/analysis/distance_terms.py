"""The calibration distance's terms in words, without numpy (``calibrate --help`` reads them).

:func:`escalation_sim.analysis.backtest.distance` computes the distance from these terms; the
command line's help prints :func:`distance_text` without loading the numerical modules.
"""

from __future__ import annotations

from dataclasses import dataclass

MEASURES_PENALTY = 0.05
"""RPS units per unit of the measures' count error (:func:`measure_counts`, a CRPS on the log
scale): a count off by a factor of e costs 0.05, about the RPS gap between the model and its
references."""
SPELLS_PENALTY = 0.05
"""RPS units per unit of the spells' length error (:func:`spell_error`), as for the counts."""
FORCE_PENALTY = 0.25
"""RPS units per unit of the Brier score of force in the episode (:func:`force_in_episode`)."""
MEETING_PENALTY = 0.25
"""RPS units per unit of the Brier score of the leaders' first meeting (:func:`meeting_brier`)."""
RPS_KEYS = ("rps", "rps_material", "rps_declaratory")
"""The RPS terms of the distance, averaged: the reading and each of its two tracks."""


@dataclass(frozen=True)
class Term:
    """One term of :func:`distance`: a pooled score, its weight, and what it says."""

    key: str
    weight: float
    words: str


DISTANCE_TERMS = (
    Term("rps", 1.0, "the mean of three pooled RPS: the monthly reading, its deeds (measures "
         "in force) and its words (stance)"),
    Term("measures", MEASURES_PENALTY, "the CRPS of the measures imposed and lifted per "
         "actor (log scale)"),
    Term("spells", SPELLS_PENALTY, "the CRPS of the mean length of spells at rung 5 or more "
         "(log scale)"),
    Term("brier_force_episode", FORCE_PENALTY, "the Brier score of force in each episode"),
    Term("brier_meeting", MEETING_PENALTY, "the Brier score of the leaders' first meeting by "
         "month"),
)
"""The terms of the calibration's distance, in order (docs/calibration.md, Distance). Every term
is a proper score of the runs' distribution (RPS, CRPS, Brier): none rewards a model for
summarising the record's single path better than the truth would."""


def distance_text() -> str:
    """What :func:`distance` is, in a sentence (tables, ``calibrate --help``, ``explain``)."""
    terms = " + ".join(f"{t.weight:g} × {t.words}" if t.weight != 1 else t.words
                       for t in DISTANCE_TERMS)
    return ("distance: one number for calibration, lower is closer to the record — " + terms
            + " (each where the episodes record it)")
