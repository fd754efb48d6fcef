"""Words escsim's tables use, explained: ``escsim explain rps``, ``escsim explain coverage``.

Every column heading, outcome class, level and score a command prints has an entry (a test
renders each table and looks its headings up). Levels and outcome classes are explained from
:mod:`escalation_sim.analysis.classes`, measures from their labels in
:mod:`escalation_sim.analysis.points`, so the words are the ones the tables use. :func:`lookup`
forgives the decorations of a heading: case, line breaks, ``Δ``, ``[95% CI]``, ``P(…)``,
``ends: …`` and ``at worst: …``.
"""

from __future__ import annotations

import re

from escalation_sim.analysis.classes import (
    COERCION_OR_WORSE,
    LEVELS,
    OUTCOME_WORDS,
    QUESTIONS,
    legend,
)

_LEVELS = "; ".join(f"{lv.name} (rungs {lv.rungs})" for lv in LEVELS)

GLOSSARY: dict[str, tuple[str, str]] = {
    # -- the two questions and their levels --------------------------------------------------
    "how it ends": ("How it ends",
                    f"{QUESTIONS['ends'].meaning.capitalize()}: one of five levels, {_LEVELS}. "
                    "Each level's probability is the share of runs that end there, with a 95% "
                    "interval; the five add up to 100%. Shown beside how bad it got."),
    "how bad it got": ("How bad it got",
                       f"{QUESTIONS['worst'].meaning.capitalize()} (the peak): one of five "
                       f"levels, {_LEVELS}. A run that peaked at military signalling and ended "
                       "at the status quo ended calm, and at worst reached a coercive "
                       "standoff."),
    "level": ("Level", "A band of rungs of the higher side: " + legend()),
    "outcome class": ("Outcome class",
                      "One label per run that combines the two questions: a run that came to "
                      "force is classed by how bad it got (armed clashes, war); one that did "
                      "not, by how it ends (normalization = no force, ends calm; cold tension; "
                      "coercive standoff). The JSON's outcomes and the measures normalization "
                      "… war; the terminal shows the two questions apart."),
    "higher side": ("Higher side",
                    "Each day, the higher of the two actors' rungs: the levels and outcome "
                    "classes read the crisis on it."),
    "rung": ("Rung",
             "A step of escsim's ten-rung escalation ladder, each with a CAMEO code and a "
             "Goldstein weight: 0 cooperation, 1 engagement, 2 status quo, 3 verbal hostility, "
             "4 diplomatic retaliation, 5 legal coercion, 6 economic coercion, 7 military "
             "signalling, 8 limited force, 9 open war (docs/model.md §2)."),
    "force": ("Force, P(force)",
              "Limited force (rung 8) or open war (rung 9), chosen by either capital. P(force) "
              "is the share of runs in which either side chose force at least once: how bad "
              "it got is armed clashes or war."),
    "peak": ("Peak rung",
             "The highest rung an actor (or, for the levels, the higher side) stood on in a "
             "run, on any day. Peak mean: its mean over runs; peak rung 0 ⋯ 9: how the runs "
             "spread over the rungs."),
    "chooses force": ("Chooses force",
                      "The share of runs in which this actor chose limited force or war at "
                      "least once."),
    "tone per day": ("Tone per day",
                     "The mean daily Goldstein weight of an actor's acts over the run, from "
                     "−10 (most hostile) to +10 (most cooperative)."),
    "nationalism, end": ("Nationalism at the end",
                         "The actor's nationalism index (0–1) on the last day, averaged over "
                         "runs."),
    "days at coercion": ("Days at coercion",
                         "Days an actor (or, in impacts, either side) stood at legal coercion "
                         "(rung 5) or above, averaged over runs; whole days."),
    "incident": ("Incident",
                 "An event of the scenario's incident catalogue (a strike, a raid, an arrest) "
                 "that strikes at random, more often as hostility and its issue's heat rise. "
                 "P(≥1): the share of runs it struck at least once; mean count: how often per "
                 "run."),
    "incident force": ("Incident-level force",
                       "Runs in which an incident at a force rung (limited force or war) "
                       "struck — a strike or a shooting-down that neither capital chose as "
                       "policy. The levels, outcome classes and P(force) count only chosen "
                       "rungs."),
    "domain": ("Domain",
               "The source's three domains of impact: military (signalling, force), economic "
               "(trade and energy lost) and diplomatic (relations reduced, coercion, "
               "mediation)."),
    "measure": ("Measure",
                "A number each ensemble gives: a probability (P(…), shown in %), a share of a "
                "flow (trade or energy lost, in %), or a mean (days, rungs). escsim explain "
                "p_force, ends_calm, trade_loss_mean … explains each."),
    "estimate": ("Estimate",
                 "The ensemble's value of a measure: a share of runs or a mean over runs, "
                 "written with the digits its 95% interval supports."),
    "95% ci": ("95% interval",
               "Where the value would lie in 95 of 100 repetitions with fresh runs: Wilson's "
               "interval for probabilities, the normal interval for means, Newcombe's for "
               "paired differences (docs/analysis.md). Numbers are written with the digits the "
               "interval supports: 48% [46, 50], 27.0% [25.1, 29.0]."),
    "p": ("P", "A probability: the share of runs in which something happened, in %."),
    "percentage points": ("Percentage points (pp)",
                          "The difference of two percentages: 12% − 10% is +2 points."),
    "delta": ("Δ (difference)",
              "A scenario's value minus the baseline's, estimated from paired runs (the same "
              "random numbers run by run), in percentage points for probabilities and shares, "
              "with a 95% interval; * where the interval excludes 0."),
    "*": ("* (excludes zero)",
          "The 95% interval of the difference excludes 0: the difference is not chance."),
    "lever": ("Lever",
              "One of the six de-escalation instruments of the source analysis (crisis hotline, "
              "joint economic initiatives, military transparency, cultural exchanges, "
              "multilateral forums, trusted intermediaries); escsim levers ranks them by their "
              "paired effect."),
    "#": ("# (rank)", "The rank of a row: 1 is the most helpful lever, the most influential "
                      "factor."),
    "runs": ("Runs",
             "How many simulated futures an ensemble has. run, report, trace and sweep use the "
             "scenario's runs: (2,000 in the bundled ones); compare and levers 10,000 per "
             "scenario, because differences need more; sensitivity and explore 256 per point, "
             "because they need many points more than precise ones. Each header says which."),
    # -- backtest ------------------------------------------------------------------------
    "rps": ("RPS — ranked probability score",
            "How far a forecast distribution over ordered categories (here: an actor's highest "
            "rung in a month) lies from what happened, summed over the cumulative categories. "
            "0 is a certain, correct forecast; lower is better. escsim backtest reports its "
            "mean over actor-months."),
    "brier": ("Brier score",
              "The squared error of a probability forecast of a yes/no event (force used by "
              "month m; back to engagement by month m): (p − outcome)², 0 best, 1 worst. Below "
              "0.001 it is written < 0.001."),
    "persistence": ("Persistence",
                    "A reference forecast: the starting rungs carried forward unchanged. A "
                    "model that cannot beat it adds nothing over 'things stay as they are'."),
    "climatology": ("Climatology",
                    "A reference forecast: the same runs' frequencies pooled over all months, "
                    "so it knows the usual level but not the timing."),
    "empirical": ("Empirical base rates",
                  "A reference forecast: how often each rung was observed in a month in the "
                  "other bundled episodes (leave-one-out)."),
    "skill": ("Skill score",
              "1 − score/reference: above 0 the model beats the reference (climatology, base "
              "rates or persistence), 0 it ties, below 0 it does worse."),
    "model": ("Model", "The column of escsim's own forecast, scored against what happened."),
    "score": ("Score", "A backtest score (RPS, Brier, coverage): how far the forecast lay from "
                       "the record; lower is better except for coverage."),
    "cover": ("Coverage of the bands (cover 50%, cover 90%)",
              "The share of observed actor-months whose rung lies inside the simulated central "
              "50% (90%) band. A calibrated forecast's 90% band holds about 90% of them; far "
              "fewer means the bands are too narrow (overconfident)."),
    "verdict": ("Verdict (backtest)",
                "The backtest in one line: against which references the model's RPS skill is "
                "above 0 (beats), below 0 (loses to) or not told from 0 (ties with), and "
                "whether the 90% bands hold about 90% of the observed months (too narrow, too "
                "wide or about right)."),
    "distance": ("Distance (calibration)",
                 "One number for fitting the model to the library of episodes, lower is closer "
                 "to the record: the mean of the pooled RPS of the monthly readings, of their "
                 "deeds and of their words, plus 0.05 × the CRPS of the measures' counts and "
                 "of the spells at rung 5 or more (log scale), and 0.25 × the Brier scores of "
                 "force by episode and of the leaders' first meeting: every term a proper "
                 "score of the runs' distribution; the bands' coverage is reported, not "
                 "fitted."),
    "month": ("Month", "A calendar month of the episode: the observed rung is the highest of "
                       "the actor's acts that month and its measures in force."),
    "engaged ≤ 1": ("Engaged (rung 1 or better)",
                    "Whether both sides were back to engagement or better by that month, "
                    "observed and simulated."),
    "episode": ("Episode", "A dated record of a real crisis for escsim backtest (escsim list)."),
    "mo.": ("Months", "The months an episode covers."),
    "goldstein": ("Goldstein weight",
                  "A score from −10 (most hostile, e.g. military attack) to +10 (most "
                  "cooperative) attached to each CAMEO event code (Goldstein 1992). 'Tone per "
                  "day' is the mean daily weight of an actor's acts."),
    "cameo": ("CAMEO code",
              "The Conflict and Mediation Event Observations code of an act (e.g. 172 "
              "sanctions, 195 aerial attack); each rung of escsim's ladder has one."),
    "crn": ("Common random numbers",
            "Every scenario of a comparison runs with the same seed over the same run indices, "
            "so run i of each sees the same incidents and draws; differences are then "
            "estimated from paired runs, with far narrower intervals."),
    # -- sensitivity -----------------------------------------------------------------------
    "sobol": ("Sobol indices (S1, ST)",
              "S1: the share of an output's variance a factor explains alone; ST: alone and "
              "through its interactions with others. Both lie in 0–1; estimates outside it "
              "mean too few samples."),
    "morris": ("Morris screening (mu_star, sigma)",
               "mu_star: the mean absolute change of an output when a factor moves across its "
               "range; sigma: how much that change varies (interactions, non-linearity)."),
    "factor": ("Factor", "A parameter sensitivity varies across a range (--param PATH=LO:HI)."),
    "range": ("Range", "The values a factor or parameter is varied over, low–high."),
    # -- explore and scenario discovery ---------------------------------------------------
    "parameter": ("Parameter", "A number of the scenario, named by its path "
                               "(actors.baku.nationalism); escsim explain PATH says what it "
                               "means."),
    "sampled over": ("Sampled over",
                     "The range (low–high) or the distribution a parameter's samples were "
                     "drawn from."),
    "spread": ("Spread across the samples (min, 10%, median, 90%, max)",
               "How a measure varies over explore's samples: its lowest value, the 10th "
               "percentile, the median, the 90th percentile and the highest."),
    "latin hypercube": ("Latin hypercube",
                        "A sample that cuts each parameter's range into N equally likely "
                        "strata and puts one sample in each, so few samples span every "
                        "parameter evenly."),
    "prim": ("PRIM — Patient Rule Induction Method",
             "Scenario discovery (Friedman & Fisher 1999; Bryant & Lempert 2010): finds a box, "
             "a range of a few parameters, inside which most samples meet a condition "
             "(P(force) above 5%), by peeling thin slices off the whole space."),
    "box": ("Box (scenario discovery)",
            "A range of some parameters found by PRIM, inside which most samples are cases: "
            "judged by its coverage and density."),
    "case": ("Case (scenario discovery)",
             "A sample whose estimate meets the --discover condition."),
    "coverage": ("Coverage",
                 "In scenario discovery: the share of all cases (samples meeting the condition) "
                 "that lie inside the box — how much of the phenomenon the box explains. In a "
                 "backtest (cover 50%, cover 90%): the share of observed actor-months inside the "
                 "simulated band."),
    "density": ("Density (scenario discovery)",
                "The share of the samples inside a box that are cases: how reliably the "
                "condition holds there."),
    "mass": ("Mass (scenario discovery)", "The share of all samples that lie inside a box."),
    "quasi-p": ("Quasi-p value (scenario discovery)",
                "How likely a box's restriction of one parameter would raise the share of cases "
                "as much by chance (Bryant & Lempert's one-sided binomial test): small is "
                "significant; restrictions above 0.05 are dropped."),
    "uncertain parameter": ("Uncertain parameter",
                            "A parameter written as a distribution (normal, mean 1.01, sd "
                            "0.48): each run draws its own value, and the intervals include "
                            "that doubt."),
    "external incident": ("External incident",
                          "Fallout of one side's acts aimed elsewhere — a third party's war "
                          "(Russian strikes on Azerbaijani energy assets in Ukraine) — that the "
                          "other side suffers. It feeds grievance but is not a step of the "
                          "dyad's own crisis, and is reported apart from the dyad's incidents."),
    "measure in force": ("Measure in force",
                "A standing material act — a recalled envoy, a closed office, an embargo, an "
                "energy cut-off, a military deployment — that stays until it is lifted, while "
                "words (the stance) can move daily. An actor's reading is the higher of its "
                "stance and its measures (docs/model.md §2)."),
}
"""Term (lower case) -> (title, explanation)."""
INCIDENT_WORDS = {"dyad": "incidents of the dyad",
                  "external": "external incidents (fallout of acts aimed elsewhere)"}
"""How the summary, the report and the trace name the two kinds of incident (docs/model.md §9)."""
for _level in LEVELS:
    _words = OUTCOME_WORDS.get(_level.key)
    GLOSSARY[_level.name] = (
        f"{_level.name.capitalize()} (level, rungs {_level.rungs})",
        f"{_level.meaning[0].upper()}{_level.meaning[1:]}. A level of the higher side's rung: "
        f"how it ends is {_level.name} when that rung is {_level.rungs} on the last day; how "
        f"bad it got is {_level.name} when the highest rung either side stood on is "
        f"{_level.rungs}." +
        (f" As an outcome class ({_level.key}): {_words.meaning}." if _words else ""))
for _key, _words in OUTCOME_WORDS.items():
    GLOSSARY.setdefault(_key.replace("_", " "), (f"{_words.name.capitalize()} (outcome class)",
                                                 _words.meaning.capitalize() + "."))
    GLOSSARY[_words.name] = (f"{_words.name.capitalize()} (outcome class {_key})",
                             _words.meaning.capitalize() + ". " + GLOSSARY["outcome class"][1])
GLOSSARY["normalization"] = (
    "Normalization (outcome class)",
    OUTCOME_WORDS["normalization"].meaning.capitalize() + ": relations back to the status quo "
    "or better on the last day, with no force on any day. Its level is calm; a run that "
    "peaked at a coercive standoff and ended at 2 is normalization.")
GLOSSARY["p(coercive standoff or worse)"] = (COERCION_OR_WORSE[0],
                                             COERCION_OR_WORSE[1].capitalize() + ".")

ALIASES = {
    "s1": "sobol", "st": "sobol", "mu_star": "morris", "mu*": "morris", "sigma": "morris",
    "common random numbers": "crn", "incident_force": "incident force",
    "ranked probability score": "rps", "ends": "how it ends", "how it ends (last day)":
    "how it ends", "worst": "how bad it got", "at worst": "how bad it got",
    "how bad it got (worst day)": "how bad it got", "outcome": "outcome class",
    "outcomes": "outcome class", "levels": "level", "level, rungs": "level", "rungs": "rung",
    "ladder": "rung", "peak mean": "peak", "peak rung 0 ⋯ 9": "peak", "peak rung": "peak",
    "peak rung, mean": "peak", "mean peak rung": "peak", "national- ism, end": "nationalism, end",
    "nationalism at end": "nationalism, end", "nationalism": "nationalism, end",
    "days at coercion+": "days at coercion", "p(≥1)": "incident", "mean count": "incident",
    "incidents": "incident", "95% interval": "95% ci", "ci": "95% ci", "interval": "95% ci",
    "confidence interval": "95% ci", "pp": "percentage points", "δ": "delta", "Δ": "delta",
    "difference": "delta", "goldstein/day": "tone per day", "tone": "tone per day",
    "brier force": "brier", "brier engaged": "brier", "rps all": "rps", "cover 50%": "cover",
    "cover 90%": "cover", "cov 50": "cover", "cov 90": "cover", "cov": "cover",
    "band": "cover", "bands": "cover", "clim.": "climatology", "emp.": "empirical",
    "pers.": "persistence", "base rates": "empirical", "vs clim.": "climatology",
    "vs emp.": "empirical", "vs pers.": "persistence", "skill score": "skill",
    "quasi p": "quasi-p", "qp": "quasi-p", "scenario discovery": "prim",
    "samples": "latin hypercube", "sample": "latin hypercube", "lhs": "latin hypercube",
    "min": "spread", "10%": "spread", "median": "spread", "90%": "spread", "max": "spread",
    "rank": "#", "excludes zero": "*", "probability": "p", "uncertain": "uncertain parameter",
    "distribution": "uncertain parameter", "priors": "uncertain parameter",
    "limited force": "force", "p(force)": "force", "armed clashes at worst": "armed clashes",
    "war at worst": "war", "actor": "higher side", "tone per day": "tone per day",
    "days at coercion": "days at coercion", "runs per point": "runs", "run": "runs",
    "episodes": "episode", "months": "month", "levers": "lever", "factors": "factor",
    "parameters": "parameter", "boxes": "box", "cases": "case", "score/reference": "skill",
    "external": "external incident", "measures": "measure", "measures in force": "measure",
}
"""Other names of the terms (as tables write them)."""
_DECORATION = re.compile(r"\s*\[95% ci\]\s*$")


def _measure(key: str) -> tuple[str, str] | None:
    """A measure key or label (``p_force``, ``ends_calm``, ``trade lost``) explained."""
    from escalation_sim.analysis.classes import split_measure
    from escalation_sim.analysis.points import MEASURES, measure_label, short_label

    for measure in MEASURES:
        names = {measure, measure_label(measure).lower(), short_label(measure).lower()}
        if key not in names:
            continue
        found = split_measure(measure)
        if found is not None:
            question, level = found
            return (measure_label(measure),
                    f"The share of runs whose answer to '{question.title}' ({question.meaning}) "
                    f"is {level.name}: {level.meaning} (rungs {level.rungs}).")
        meaning = MEASURE_MEANINGS.get(measure)
        if meaning is None and measure in OUTCOME_WORDS:
            meaning = f"the share of runs of outcome class {measure}: " \
                      f"{OUTCOME_WORDS[measure].meaning}"
        if meaning is None:
            return None
        return measure_label(measure), meaning[0].upper() + meaning[1:] + "."
    return None


MEASURE_MEANINGS = {
    "p_coercion_or_worse": COERCION_OR_WORSE[1],
    "p_legal_coercion": "the share of runs in which either side reached legal coercion (rung 5) "
                        "or more on some day",
    "p_economic_coercion": "the share of runs in which either side reached economic coercion "
                           "(rung 6) or more on some day",
    "p_military_signalling": "the share of runs in which either side reached military "
                             "signalling (rung 7) or more on some day",
    "p_force": "the share of runs in which either side chose force (rung 8 or 9) on some day",
    "p_war": "the share of runs in which either side chose open war (rung 9) on some day",
    "p_mediation": "the share of runs in which a mediator engaged",
    "peak_rung_mean": "the highest rung either side stood on in a run, averaged over runs",
    "final_rung_mean": "the higher side's rung on the last day, averaged over runs",
    "days_reduced_relations_mean": "days on which either side stood at diplomatic retaliation "
                                   "(rung 4) or above, averaged over runs; whole days",
    "days_coercion_mean": "days on which either side stood at legal coercion (rung 5) or "
                          "above, averaged over runs; whole days",
    "days_military_mean": "days on which either side stood at military signalling (rung 7) or "
                          "above, averaged over runs; whole days",
    "trade_loss_mean": "the share of the pre-crisis trade flow lost, averaged over the days of "
                       "a run and over runs, in %",
    "energy_loss_mean": "the share of the pre-crisis energy flow lost, averaged over the days "
                        "of a run and over runs, in %",
    "mediation_days_mean": "days a mediator was engaged, averaged over runs",
    "first_legal_day_mean": "the first day of legal coercion, averaged over the runs that "
                            "reached it",
    "first_force_day_mean": "the first day of force, averaged over the runs that came to it",
}
"""Measure key -> what it is, in words."""


def _canonical(term: str) -> str:
    key = " ".join(term.lower().split())
    key = _DECORATION.sub("", key)
    key = re.sub(r"^[δΔ]\s+", "", key)
    return key


def lookup(term: str) -> tuple[str, str] | None:
    """The title and explanation of a term (any case, as a table heading writes it), or ``None``.

    Tried in turn: the term itself, its other names, a measure (key or label), the inside of
    ``P(…)``, a level after ``ends:`` or ``at worst:``, and a term after ``vs``.
    """
    key = _canonical(term)
    delta = re.match(r"^[δΔ]\s+", " ".join(term.split()))
    for candidate in (key, key.rstrip(".:"), key.rstrip("+")):
        found = GLOSSARY.get(ALIASES.get(candidate, candidate))
        if found is not None:
            return found
    found = _measure(key)
    if found is not None:
        return found
    inner = re.fullmatch(r"p\((.+)\)", key)
    if inner:
        return lookup(inner.group(1))
    for prefix in ("ends:", "at worst:", "vs "):
        if key.startswith(prefix):
            return lookup(key[len(prefix):])
    return GLOSSARY["delta"] if delta else None  # Δ of a scenario: the difference itself


def terms() -> list[str]:
    """Every term with an entry, sorted (for ``escsim explain`` with no match)."""
    return sorted(GLOSSARY)
