"""How a run ends and how bad it got: the words for both, defined once for every view.

A run is read on the ladder of its *higher side* — each day, the higher of the two actors'
rungs — and answers two questions, each with the same five levels:

- **how it ends** (``ends``): the level of the higher side's rung on the last day;
- **how bad it got** (``worst``): the level of the highest rung either side stood on, on any
  day (the peak).

Levels, by rung (:data:`LEVELS`): calm 0–2, cold tension 3–4, coercive standoff 5–7, armed
clashes 8, war 9. A run that peaked at military signalling (7) and ended at the status quo (2)
*ends calm* and *at worst reached a coercive standoff*; the two answers are two distributions
over runs, each summing to 1.

The **outcome class** (the summary's ``outcomes``, the measures ``normalization`` … ``war``,
:data:`escalation_sim.model.outcomes.OUTCOMES`) is one partition made of both: a run that came to
force is classed by how bad it got (armed clashes, war); one that did not, by how it ends
(normalization, cold tension, coercive standoff). :data:`OUTCOME_WORDS` says so for each class.

The terminal, the JSON, the HTML report, the figures, ``escsim explain`` and the Python API all
take their names and definitions from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from escalation_sim.model.outcomes import OUTCOMES


@dataclass(frozen=True)
class Level:
    """A band of rungs of the higher side, with its name and meaning.

    Attributes:
        key: The key in JSON and measure names (``coercive_standoff``).
        name: The name shown (``coercive standoff``).
        low: Lowest rung of the band.
        high: Highest rung of the band.
        meaning: What the rungs are, in words.
        ends_text: How a run that ends at this level is said to end (``ends in war``).
        worst_text: How a run whose worst is this level is said to go (``comes to war``).
    """

    key: str
    name: str
    low: int
    high: int
    meaning: str
    ends_text: str
    worst_text: str

    @property
    def rungs(self) -> str:
        """The band's rungs: ``0–2`` or ``8``."""
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


LEVELS: tuple[Level, ...] = (
    Level("calm", "calm", 0, 2, "no hostile act: cooperation, engagement or the status quo",
          "ends calm", "stays calm"),
    Level("cold_tension", "cold tension", 3, 4,
          "hostile words and diplomatic measures: accusations, summoned or recalled envoys, "
          "cancelled visits", "ends in cold tension", "reaches cold tension"),
    Level("coercive_standoff", "coercive standoff", 5, 7,
          "coercion short of force: arrests and closures, trade and energy restrictions, "
          "military threats and exercises", "ends in a coercive standoff",
          "reaches a coercive standoff"),
    Level("armed_clashes", "armed clashes", 8, 8,
          "limited force: strikes on assets, border clashes, shoot-downs, sabotage",
          "ends in armed clashes", "comes to armed clashes"),
    Level("war", "war", 9, 9, "open war: sustained armed conflict", "ends in war",
          "comes to war"),
)
"""The five levels, mildest first."""
LEVEL_KEYS = tuple(level.key for level in LEVELS)


@dataclass(frozen=True)
class Question:
    """One of the two questions a run answers.

    Attributes:
        key: The JSON key and measure prefix (``ends``, ``worst``).
        title: The question as a heading (``how it ends``).
        prefix: How a level is named under it (``ends: calm``).
        meaning: Which rung it reads.
    """

    key: str
    title: str
    prefix: str
    meaning: str

    def label(self, level: Level | str) -> str:
        """``ends: calm`` or ``at worst: war``."""
        found = level if isinstance(level, Level) else LEVELS[LEVEL_KEYS.index(level)]
        return f"{self.prefix}: {found.name}"

    def text(self, level: Level) -> str:
        """The level in a sentence: ``ends in war``, ``comes to war``."""
        return level.ends_text if self.key == "ends" else level.worst_text


QUESTIONS = {
    "ends": Question("ends", "how it ends", "ends",
                     "the level of the higher side's rung on the last day"),
    "worst": Question("worst", "how bad it got", "at worst",
                      "the level of the highest rung either side stood on, on any day"),
}
"""The two questions, by key."""


@dataclass(frozen=True)
class OutcomeWords:
    """An outcome class in words: its name and the rule, in the levels' words."""

    name: str
    meaning: str


OUTCOME_WORDS = {
    "normalization": OutcomeWords("no force, ends calm",
                                  "never came to force, and ends calm (rungs 0–2)"),
    "cold_tension": OutcomeWords("no force, ends in cold tension",
                                 "never came to force, and ends in cold tension (rungs 3–4)"),
    "coercive_standoff": OutcomeWords(
        "no force, ends in a coercive standoff",
        "never came to force, and ends in a coercive standoff (rungs 5–7)"),
    "armed_clashes": OutcomeWords("armed clashes at worst",
                                  "came to limited force (rung 8) but not to war, however it "
                                  "ends"),
    "war": OutcomeWords("war at worst", "came to open war (rung 9), however it ends"),
}
"""Outcome class -> its words (the classes of ``model/outcomes.py``)."""
assert tuple(OUTCOME_WORDS) == OUTCOMES
COERCION_OR_WORSE = ("P(coercive standoff or worse)",
                     "ends in a coercive standoff (rungs 5–7) or came to force at some point "
                     "(outcome class coercive standoff, armed clashes or war)")
"""The measure ``p_coercion_or_worse``: its label and meaning."""


def measure_key(question: str, level: str) -> str:
    """The measure of one level under one question: ``ends_calm``, ``worst_war``."""
    return f"{question}_{level}"


LEVEL_MEASURES = tuple(measure_key(q, level) for q in QUESTIONS for level in LEVEL_KEYS)
"""``ends_calm`` … ``ends_war``, ``worst_calm`` … ``worst_war``."""


def level_named(key: str) -> Level:
    """The level of a key (``calm`` … ``war``)."""
    return LEVELS[LEVEL_KEYS.index(key)]


def split_measure(key: str) -> tuple[Question, Level] | None:
    """The question and level of a measure such as ``ends_calm`` (``None`` for others)."""
    question, _, level = key.partition("_")
    if question in QUESTIONS and level in LEVEL_KEYS:
        return QUESTIONS[question], LEVELS[LEVEL_KEYS.index(level)]
    return None


RUNG_LEVEL = np.array([next(k for k, lv in enumerate(LEVELS) if lv.low <= r <= lv.high)
                       for r in range(LEVELS[-1].high + 1)], dtype=np.int8)
"""Level index of each rung."""


def level_of(rungs: np.ndarray | int) -> np.ndarray:
    """Level index (into :data:`LEVELS`) of each rung."""
    return RUNG_LEVEL[np.asarray(rungs, dtype=np.int64)]


def level_counts(rung_counts: Sequence[int] | np.ndarray) -> list[int]:
    """Runs per level from runs per rung (a histogram over rungs 0–9)."""
    counts = np.asarray(rung_counts, dtype=np.int64)
    return [int(counts[lv.low:lv.high + 1].sum()) for lv in LEVELS]


def legend() -> str:
    """Two sentences defining the two questions and the levels (under tables)."""
    levels = "; ".join(f"{lv.name}: {lv.meaning.split(':')[0]}" for lv in LEVELS)
    return ("How it ends: the higher side's rung on the last day; how bad it got: the highest "
            f"rung either side stood on. {levels[0].upper()}{levels[1:]}.")
