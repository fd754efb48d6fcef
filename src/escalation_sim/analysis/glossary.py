"""Words escsim's tables use, explained: ``escsim explain rps``, ``escsim explain goldstein``."""

from __future__ import annotations

GLOSSARY: dict[str, tuple[str, str]] = {
    "rps": ("RPS — ranked probability score",
            "How far a forecast distribution over ordered categories (here: an actor's highest "
            "rung in a month) lies from what happened, summed over the cumulative categories. "
            "0 is a certain, correct forecast; lower is better. escsim backtest reports its "
            "mean over actor-months."),
    "brier": ("Brier score",
              "The squared error of a probability forecast of a yes/no event (force used by "
              "month m; back to engagement by month m): (p − outcome)², 0 best, 1 worst."),
    "persistence": ("Persistence",
                    "A reference forecast: the starting rungs carried forward unchanged. A "
                    "model that cannot beat it adds nothing over 'things stay as they are'."),
    "climatology": ("Climatology",
                    "A reference forecast: the same runs' frequencies pooled over all months, "
                    "so it knows the usual level but not the timing."),
    "skill": ("Skill score",
              "1 − score/reference: above 0 the model beats the reference (climatology or "
              "persistence), 0 it ties, below 0 it does worse."),
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
    "sobol": ("Sobol indices (S1, ST)",
              "S1: the share of an output's variance a factor explains alone; ST: alone and "
              "through its interactions with others. Both lie in 0–1; estimates outside it "
              "mean too few samples."),
    "morris": ("Morris screening (mu_star, sigma)",
               "mu_star: the mean absolute change of an output when a factor moves across its "
               "range; sigma: how much that change varies (interactions, non-linearity)."),
    "incident force": ("Incident-level force",
                       "Runs in which an incident of the dyad at a force rung (limited force or "
                       "war) struck — a strike or a shooting-down that neither capital chose as "
                       "policy. Outcome classes and P(force) count only chosen rungs; external "
                       "incidents are counted apart."),
    "external incident": ("External incident",
                          "Fallout of one side's acts aimed elsewhere — a third party's war "
                          "(Russian strikes on Azerbaijani energy assets in Ukraine) — that the "
                          "other side suffers. It feeds grievance but is not a step of the "
                          "dyad's own crisis, and is reported apart from the dyad's incidents."),
    "measure": ("Measure in force",
                "A standing material act — a recalled envoy, a closed office, an embargo, an "
                "energy cut-off, a military deployment — that stays until it is lifted, while "
                "words (the stance) can move daily. An actor's reading is the higher of its "
                "stance and its measures (docs/model.md §2)."),
}
"""Term (lower case) -> (title, explanation)."""
INCIDENT_WORDS = {"dyad": "incidents of the dyad",
                  "external": "external incidents (fallout of acts aimed elsewhere)"}
"""How the summary, the report and the trace name the two kinds of incident (docs/model.md §9)."""
ALIASES = {"s1": "sobol", "st": "sobol", "mu_star": "morris", "sigma": "morris",
           "common random numbers": "crn", "incident_force": "incident force",
           "external": "external incident", "measures": "measure",
           "ranked probability score": "rps"}
"""Other names of the terms."""


def lookup(term: str) -> tuple[str, str] | None:
    """The title and explanation of a term (any case), or ``None``."""
    key = " ".join(term.lower().split())
    return GLOSSARY.get(ALIASES.get(key, key))
