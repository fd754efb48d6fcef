"""The scenario schema: every field a scenario file may hold, with unit, default, range and meaning.

This module is the single source of truth for the scenario format. Validation (``load.py``),
the JSON Schema (``escsim schema``) and the parameter help (``escsim explain``) are all derived
from the pydantic models below. Each model parameter names the section of ``docs/model.md``
that explains it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ActorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
Label = Annotated[str, StringConstraints(max_length=200)]
RESERVED_ACTOR_IDS = ("day", "date", "trade", "energy")
"""Names the summary's timeline uses for its own series, so no actor may take them."""


def param(default: Any, lo: float | None = None, hi: float | None = None, *, unit: str, doc: str,
          section: str | None = None) -> Any:
    """Declare a numeric parameter with its unit, closed range and one-line meaning."""
    extra: dict[str, Any] = {"unit": unit}
    if section:
        extra["section"] = section
    return Field(default, ge=lo, le=hi, description=doc, json_schema_extra=extra)


class Strict(BaseModel):
    """Base for every scenario section: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Actor(Strict):
    """One state in the crisis (model.md §4)."""

    name: Label = Field("", description="Display name, e.g. 'Azerbaijan (Baku)'.")
    capability: float = param(10.0, 0, 5000, unit="USD bn/year",
                              doc="Military/economic weight; its share of the total sets who bears "
                                  "military risk (military spending is the usual proxy).",
                              section="§4 Actors")
    available_share: float = param(1.0, 0, 1, unit="fraction",
                                   doc="Share of capability not committed elsewhere.",
                                   section="§4 Actors")
    dependence: float = param(0.1, 0, 1, unit="fraction",
                              doc="Share of the actor's foreign trade and energy that flows "
                                  "through the dyad: what it loses when flows fall.",
                              section="§4 Actors")
    nationalism: float = param(0.5, 0, 1, unit="index 0-1",
                               doc="Baseline domestic nationalist pressure n0.",
                               section="§4 Actors")
    reciprocity: float = param(0.5, 0, 3, unit="rungs per rung",
                               doc="Reaction slope r: rungs of response per rung of perceived "
                                   "threat above status quo (Richardson).",
                               section="§6 Decision rule")
    rationality: float = param(3.0, 0, 1000, unit="1/utility",
                               doc="Logit precision lambda: 0 = random choice, large = best "
                                   "response.",
                               section="§6 Decision rule")
    review_days: float = param(10.0, 1, 365, unit="days",
                               doc="Mean days between routine posture reviews.",
                               section="§3 Time")
    reaction: float = param(0.5, 0, 1, unit="probability",
                            doc="Chance that a newly perceived escalation by the other side "
                                "triggers an immediate review.", section="§3 Time")
    lag_days: int = param(2, 0, 60, unit="days",
                          doc="Days before the other side's act is perceived.",
                          section="§5 Perception")
    misperception: float = param(0.07, 0, 0.5, unit="probability",
                                 doc="Chance that a perceived rung is off by one.",
                                 section="§5 Perception")
    worst_case_bias: float = param(0.7, 0, 1, unit="probability",
                                   doc="Share of misperceptions that err upwards.",
                                   section="§5 Perception")
    rhetoric_gain: float = param(0.3, 0, 5, unit="rungs",
                                 doc="Rungs of perceived threat added by this actor's rhetoric at "
                                     "nationalism 1 and no trust.", section="§5 Perception")
    initial_rung: int = param(2, 0, 9, unit="rung",
                              doc="Rung the actor stands on at day 0.", section="§2 Ladder")
    initial_grievance: float = param(0.0, 0, 20, unit="rungs",
                                     doc="Grievance carried into day 0.", section="§7 State")


class Issue(Strict):
    """A stake the actors disagree on (model.md §8)."""

    label: Label = Field("", description="Display name of the issue.")
    heat: float = param(0.5, 0, 1, unit="index 0-1",
                        doc="How live the issue is now; scheduled events may change it.",
                        section="§8 Issues")
    position: dict[ActorId, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict,
        description="Each actor's position on the issue, 0-1; the stake is the gap between them.")
    salience: dict[ActorId, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="How much the issue matters to each actor, 0-1.")


class Alliance(Strict):
    """A patron outside the dyad backing one side (model.md §8)."""

    patron: Label = Field(description="Name of the patron state, e.g. 'Türkiye'.")
    backs: ActorId = Field(description="Id of the actor the patron backs.")
    commitment: float = param(0.5, 0, 1, unit="index 0-1",
                              doc="Credibility of the patron's commitment.", section="§8 Alliances")


class Incident(Strict):
    """A type of shock that neither side fully controls: a Poisson process (model.md §9)."""

    label: Label = Field("", description="What happens, in a few words.")
    rate_per_year: float = param(0.5, 0, 365, unit="events/year",
                                 doc="Mean number of such incidents per year.",
                                 section="§9 Incidents")
    perpetrator: ActorId | None = Field(None, description="Actor whose agents cause it, if any.")
    victim: ActorId = Field(description="Actor that suffers it.")
    severity: float = param(1.0, 0, 10, unit="rungs",
                            doc="Grievance the victim gains at once.", section="§9 Incidents")
    rung: int = param(5, 0, 9, unit="rung", doc="Ladder rung of the act, for the event log.",
                      section="§2 Ladder")
    cameo: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")] = Field(
        "173", description="CAMEO code of the act (see the CAMEO/Goldstein table).")


class Event(Strict):
    """A scheduled change of scenario parameters on a given day (model.md §9)."""

    day: int = param(0, 0, 36500, unit="day", doc="Day on which the change takes effect.",
                     section="§9 Events")
    date: dt.date | None = Field(None, description="Date of the change, instead of 'day' "
                                                   "(needs the scenario's start_date).")
    label: Label = Field("", description="What happens, e.g. 'Washington declaration'.")
    set: dict[str, Any] = Field(default_factory=dict,
                                description="Dotted parameter paths and their new values.")
    add: dict[str, float] = Field(default_factory=dict,
                                  description="Dotted parameter paths and the amount to add.")


class Lever(Strict):
    """A de-escalation instrument recommended by the source analysis (model.md §10)."""

    enabled: bool = Field(False, description="Whether the lever is used in this scenario.")
    strength: float = param(1.0, 0, 1, unit="index 0-1", doc="How fully the lever is applied.",
                            section="§10 Levers")
    start_day: int = param(0, 0, 36500, unit="day", doc="Day on which the lever starts to act.",
                           section="§10 Levers")


class ForumLever(Lever):
    """Multilateral forum: a lever that meets on a schedule."""

    period_days: int = param(30, 1, 365, unit="days", doc="Days between forum meetings.",
                             section="§10 Levers")


class Levers(Strict):
    """The six levers of the source analysis."""

    crisis_hotline: Lever = Field(default_factory=Lever,
                                  description="Direct leader/military line: faster, truer "
                                              "perception; incidents can be explained.")
    economic_initiatives: Lever = Field(default_factory=Lever,
                                        description="Joint projects: more mutual dependence, "
                                                    "faster recovery of flows.")
    military_transparency: Lever = Field(default_factory=Lever,
                                         description="Notification of exercises and deployments: "
                                                     "military moves read truer and less "
                                                     "threatening.")
    cultural_exchanges: Lever = Field(default_factory=Lever,
                                      description="Cultural and academic exchanges: lower "
                                                  "nationalism and rally effects.")
    multilateral_forum: ForumLever = Field(default_factory=ForumLever,
                                           description="Regular multilateral meetings: grievances "
                                                       "aired and reduced, joint reviews.")
    trusted_intermediaries: Lever = Field(default_factory=Lever,
                                          description="Mediators both sides trust: earlier "
                                                      "mediation, cheaper climb-downs.")


class ModelParams(Strict):
    """Weights of the decision rule and rates of the state updates (model.md §6-§10)."""

    # §6 decision rule
    w_issue: float = param(0.25, 0, 20, unit="rungs per unit stake",
                           doc="Drive from issue stakes (salience x gap x heat, summed).",
                           section="§6 Decision rule")
    w_nat: float = param(1.5, 0, 10, unit="rungs",
                         doc="Drive from nationalism above (below) one half.",
                         section="§6 Decision rule")
    w_fit: float = param(1.0, 0.01, 10, unit="utility per rung^2",
                         doc="Cost of standing away from the desired rung.",
                         section="§6 Decision rule")
    c_econ: float = param(8.0, 0, 100, unit="utility per unit dependence",
                          doc="Cost of economic coercion or worse, times dependence and the flow "
                              "still at stake.", section="§6 Decision rule")
    c_mil: float = param(8.0, 0, 100, unit="utility",
                         doc="Cost of using force, times the share of capability one lacks.",
                         section="§6 Decision rule")
    c_war: float = param(6.0, 0, 100, unit="utility", doc="Extra cost of open war.",
                         section="§6 Decision rule")
    audience: float = param(0.5, 0, 20, unit="utility per unit nationalism",
                            doc="Audience cost of stepping down (Fearon 1994).",
                            section="§6 Decision rule")
    c_move: float = param(0.2, 0, 10, unit="utility per rung",
                          doc="Friction of changing posture.", section="§6 Decision rule")
    window: int = param(1, 1, 9, unit="rungs", doc="How far an actor may move at one review.",
                        section="§6 Decision rule")
    window_after_incident: int = param(2, 1, 9, unit="rungs",
                                       doc="How far the victim may move right after an incident.",
                                       section="§6 Decision rule")
    # §10 mediation
    mediation_onset_days: float = param(45.0, 1, 3650, unit="days",
                                        doc="Days with a side at legal coercion or above before "
                                            "a mediator engages.", section="§10 Mediation")
    mediation_audience_cut: float = param(0.5, 0, 1, unit="fraction",
                                          doc="Share of audience costs a mediator removes.",
                                          section="§10 Mediation")
    mediation_bonus: float = param(1.0, 0, 5, unit="utility per rung",
                                   doc="Gain per rung stepped down while mediation is engaged.",
                                   section="§10 Mediation")
    # §8 alliances
    patron_weight: float = param(0.5, 0, 1, unit="fraction",
                                 doc="Share of the capability gap a fully committed patron closes.",
                                 section="§8 Alliances")
    extended_deterrence: float = param(1.0, 0, 10, unit="relative",
                                       doc="Rise of the other side's military cost at "
                                           "commitment 1.",
                                       section="§8 Alliances")
    # §7 state updates
    grievance_half_life_days: float = param(20.0, 1, 3650, unit="days",
                                            doc="Half-life of grievance.", section="§7 State")
    grievance_per_hostility: float = param(0.005, 0, 1, unit="rungs/day per 10 Goldstein",
                                           doc="Grievance gained per day from the other side's "
                                               "hostile posture (Goldstein -10 = 1 unit).",
                                           section="§7 State")
    grievance_max: float = param(4.0, 0, 20, unit="rungs", doc="Ceiling on grievance.",
                                 section="§7 State")
    nationalism_relax_days: float = param(60.0, 1, 3650, unit="days",
                                          doc="E-folding time of nationalism back to baseline.",
                                          section="§7 State")
    nationalism_volatility: float = param(0.03, 0, 0.5, unit="index per sqrt(day)",
                                          doc="Day-to-day drift of nationalism with domestic "
                                              "politics (noise of its Ornstein-Uhlenbeck process).",
                                          section="§7 State")
    rally: float = param(0.0005, 0, 1, unit="index/day per 10 Goldstein",
                         doc="Rise of nationalism per day under the other side's hostility.",
                         section="§7 State")
    rally_per_severity: float = param(0.03, 0, 1, unit="index per rung",
                                      doc="Rise of the victim's nationalism per rung of incident "
                                          "severity.", section="§7 State")
    trade_fall_rate: float = param(0.003, 0, 1, unit="1/day",
                                   doc="Daily fractional fall of trade while a side is at economic "
                                       "coercion or above.", section="§7 State")
    trade_recovery_rate: float = param(0.005, 0, 1, unit="1/day",
                                       doc="Daily fractional recovery of lost trade otherwise.",
                                       section="§7 State")
    energy_fall_rate: float = param(0.005, 0, 1, unit="1/day",
                                    doc="Daily fractional fall of energy flows under economic "
                                        "coercion.", section="§7 State")
    energy_force_fall_rate: float = param(0.03, 0, 1, unit="1/day",
                                          doc="Daily fractional fall of energy flows under force "
                                              "(strikes on energy assets).", section="§7 State")
    energy_recovery_rate: float = param(0.003, 0, 1, unit="1/day",
                                        doc="Daily fractional recovery of lost energy flows.",
                                        section="§7 State")
    trust_speed: float = param(0.02, 0, 1, unit="1/day",
                               doc="Daily pace at which trust moves to its target.",
                               section="§5 Perception")
    initial_trust: float = param(0.5, 0, 1, unit="index 0-1", doc="Trust at day 0.",
                                 section="§5 Perception")
    initial_trade_flow: float = param(1.0, 0, 1, unit="fraction of pre-crisis",
                                      doc="Trade flow at day 0.", section="§7 State")
    initial_energy_flow: float = param(1.0, 0, 1, unit="fraction of pre-crisis",
                                       doc="Energy flow at day 0.", section="§7 State")
    # §10 lever effects (each at strength 1)
    hotline_misperception_cut: float = param(0.7, 0, 1, unit="fraction",
                                             doc="Share of misperception the hotline removes.",
                                             section="§10 Levers")
    hotline_explain_prob: float = param(0.5, 0, 1, unit="probability",
                                        doc="Chance an incident is explained on the hotline "
                                            "(severity halved).", section="§10 Levers")
    econ_dependence_gain: float = param(0.5, 0, 5, unit="relative",
                                        doc="Relative rise of dependence from joint projects.",
                                        section="§10 Levers")
    econ_recovery_gain: float = param(1.0, 0, 10, unit="relative",
                                      doc="Relative rise of flow recovery rates.",
                                      section="§10 Levers")
    transparency_misperception_cut: float = param(0.8, 0, 1, unit="fraction",
                                                  doc="Share of misperception of military rungs "
                                                      "removed.", section="§10 Levers")
    transparency_signal_discount: float = param(0.5, 0, 3, unit="rungs",
                                                doc="How much lower military signalling reads.",
                                                section="§10 Levers")
    culture_nationalism_cut: float = param(0.3, 0, 1, unit="fraction",
                                           doc="Share of baseline nationalism and rally removed.",
                                           section="§10 Levers")
    forum_grievance_cut: float = param(0.3, 0, 1, unit="fraction",
                                       doc="Share of grievance removed at each forum meeting.",
                                       section="§10 Levers")
    intermediary_onset_cut: float = param(0.5, 0, 1, unit="fraction",
                                          doc="Share of the mediation onset delay removed.",
                                          section="§10 Levers")
    intermediary_audience_cut: float = param(0.3, 0, 1, unit="fraction",
                                             doc="Further share of audience costs removed under "
                                                 "mediation.", section="§10 Levers")


def _allow_extends(schema: dict[str, Any]) -> None:
    """Let editors accept ``extends:`` and ``add_events:``, which the loader resolves."""
    properties = schema.get("properties", {})
    schema["properties"] = {
        "extends": {"type": "string", "title": "Extends",
                    "description": "Scenario file this one builds on (path relative to this "
                                   "file, or a bundled scenario's file name): its content is "
                                   "merged under this file's, mappings key by key, lists "
                                   "replaced."},
        **properties,
    }
    if "events" in properties:
        schema["properties"]["add_events"] = {
            **properties["events"], "title": "Add Events",
            "description": "Scheduled parameter changes added to the events of the scenario "
                           "this one extends ('events' replaces them)."}


class Scenario(Strict):
    """A complete scenario: who, over what, under which levers, for how long."""

    model_config = ConfigDict(json_schema_extra=_allow_extends)

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Short name shown in summaries.")
    description: Annotated[str, StringConstraints(max_length=5000)] = Field(
        "", description="What the scenario represents and why.")
    start_date: dt.date | None = Field(None, description="Calendar date of day 0 (YYYY-MM-DD).")
    horizon_days: int = param(365, 1, 3650, unit="days", doc="Days simulated.", section="§3 Time")
    runs: int = param(2000, 1, 10_000_000, unit="runs", doc="Runs in the ensemble.",
                      section="§3 Time")
    seed: int = param(20250701, 0, 2**63 - 1, unit="integer",
                      doc="Master seed: one seed gives one answer.", section="§3 Time")
    actors: dict[ActorId, Actor] = Field(min_length=2, max_length=8,
                                         description="The states, keyed by id.")
    issues: dict[Key, Issue] = Field(default_factory=dict, description="Stakes, keyed by id.")
    alliances: list[Alliance] = Field(default_factory=list, max_length=20,
                                      description="Patrons outside the dyad.")
    incidents: dict[Key, Incident] = Field(default_factory=dict,
                                           description="Incident types, keyed by id.")
    events: list[Event] = Field(default_factory=list, max_length=500,
                                description="Scheduled parameter changes.")
    levers: Levers = Field(default_factory=Levers, description="De-escalation levers.")
    model: ModelParams = Field(default_factory=ModelParams,
                               description="Weights and rates of the model.")

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        """Check that every actor named elsewhere is defined."""
        ids = list(self.actors)
        for actor in ids:
            if actor in RESERVED_ACTOR_IDS:
                raise ReferenceProblem(f"actors.{actor}", actor,
                                       f"a free id (reserved: {', '.join(RESERVED_ACTOR_IDS)})")

        def check(path: str, actor: str | None) -> None:
            if actor is not None and actor not in self.actors:
                raise ReferenceProblem(path, actor, f"an actor id: one of {', '.join(ids)}")

        for key, issue in self.issues.items():
            for field in ("position", "salience"):
                for actor in getattr(issue, field):
                    check(f"issues.{key}.{field}.{actor}", actor)
        for n, alliance in enumerate(self.alliances):
            check(f"alliances[{n}].backs", alliance.backs)
        for key, incident in self.incidents.items():
            check(f"incidents.{key}.victim", incident.victim)
            check(f"incidents.{key}.perpetrator", incident.perpetrator)
            if incident.perpetrator == incident.victim:
                raise ReferenceProblem(f"incidents.{key}.perpetrator", incident.perpetrator,
                                       "an actor other than the victim")
        return self


class ReferenceProblem(ValueError):
    """A value that names something the scenario does not define (raised inside validation)."""

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        super().__init__(f"{path}: {value!r} is not {allowed}")
        self.path, self.value, self.allowed = path, value, allowed
