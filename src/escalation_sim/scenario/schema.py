"""The scenario schema: every field a scenario file may hold, with unit, default, range and meaning.

This module is the single source of truth for the scenario format. Validation (``load.py``),
the JSON Schema (``escsim schema``) and the parameter help (``escsim explain``) are all derived
from the pydantic models below. Each model parameter names the section of ``docs/model.md``
that explains it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    create_model,
    model_validator,
)

from escalation_sim.scenario.priors import Distribution

ActorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
Label = Annotated[str, StringConstraints(max_length=200)]
MAX_INCIDENT_TYPES = 64
"""Most incident types a scenario may list: each costs memory in every chunk of runs (about
5 MB at 10,240 runs), so the bound keeps a run's memory bounded too."""
RESERVED_ACTOR_IDS = ("day", "date", "trade", "energy")
"""Names the summary's timeline uses for its own series, so no actor may take them."""


def param(default: Any, lo: float | None = None, hi: float | None = None, *, unit: str, doc: str,
          section: str | None = None) -> Any:
    """Declare a numeric parameter with its unit, closed range and one-line meaning.

    Strict: ``true``, ``yes`` and quoted numbers (``'2000'``) are refused, not read as numbers.
    """
    extra: dict[str, Any] = {"unit": unit}
    if section:
        extra["section"] = section
    return Field(default, ge=lo, le=hi, strict=True, description=doc, json_schema_extra=extra)


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
                               doc="Baseline domestic nationalist pressure, to which "
                                   "nationalism relaxes.",
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
    nuclear: bool = Field(False, description="Whether the actor is a nuclear-armed state: force "
                                             "against it is less likely by model.c_nuclear "
                                             "(§6 Force).")
    energy_dependence: float = param(0.0, 0, 1, unit="fraction",
                                     doc="Share of the actor's energy supply (an importer) or "
                                         "energy export revenue (an exporter) that flows through "
                                         "the dyad: what its energy measures cost it and the "
                                         "other's cost it.", section="§4 Actors")
    transit_leverage: float = param(0.0, 0, 1, unit="fraction",
                                    doc="Share of the other side's foreign trade or energy "
                                        "exports that transits this actor: the extra pain its "
                                        "economic and energy measures inflict.",
                                    section="§4 Actors")
    initial_rung: int = param(2, 0, 9, unit="rung",
                              doc="The actor's reading at day 0: the higher of its stance and "
                                  "its measures in force (§2). From legal coercion up, one "
                                  "measure of that rung's domain is in force unless "
                                  "initial_measures holds one; measures above it are dropped.",
                              section="§2 Ladder")
    initial_measures: dict[Literal["diplomatic", "legal", "economic", "energy", "military"],
                           Annotated[int, Field(ge=0, le=3, strict=True)]] = Field(
        default_factory=dict,
        description="Measures in force at day 0, counted by domain (0-3 each): diplomatic "
                    "(rung 4), legal (5), economic (6), energy (6), military posture (7).")
    initial_measures_age_days: dict[Literal["diplomatic", "legal", "economic", "energy",
                                            "military"],
                                    Annotated[float, Field(ge=0, le=36_500)]] = Field(
        default_factory=dict,
        description="Days the measures in force at day 0 have stood, by domain (0-36500; "
                    "default 0): their lifting hazard is that of measures this old "
                    "(model.lift_entrenchment, docs/model.md §6 Lifting). Ignored for a domain "
                    "with no measure at day 0.")
    initial_grievance: float = param(0.0, 0, 20, unit="rungs",
                                     doc="Grievance carried into day 0.", section="§7 State")


class Issue(Strict):
    """A stake the actors disagree on (model.md §8)."""

    label: Label = Field("", description="Display name of the issue.")
    heat: float = param(0.5, 0, 1, unit="index 0-1",
                        doc="How live the issue is now; scheduled events may change it.",
                        section="§8 Issues")
    domain: Literal["none", "diplomatic", "legal", "economic", "energy", "military"] = Field(
        "none", description="Domain of the measures the issue invites (§8): corridors "
                            "economic, energy routes energy, border security legal, the format "
                            "of talks diplomatic; 'none' pulls towards no domain.")
    militarised: bool = Field(False, description="Force is in play on this issue (troops in "
                                                 "contact, a line of contact, armed patrols of "
                                                 "disputed ground or waters): while it is "
                                                 "contested, the decision to use force is open "
                                                 "(§6 Force).")
    activation: float = param(0.0, 0, 1, unit="index 0-1",
                              doc="How contested the issue is at day 0. Contention is triggered "
                                  "(incidents on the issue, the other side's measures in its "
                                  "domain, events) and decays without triggers (§8).",
                              section="§8 Issues")
    position: dict[ActorId, Annotated[float, Field(ge=0, le=1, strict=True)]] = Field(
        default_factory=dict,
        description="Each actor's position on the issue, 0-1; the stake is the gap between them.")
    salience: dict[ActorId, Annotated[float, Field(ge=0, le=1, strict=True)]] = Field(
        default_factory=dict, description="How much the issue matters to each actor, 0-1.")


class Alliance(Strict):
    """A patron outside the dyad backing one side (model.md §8)."""

    patron: Label = Field(description="Name of the patron state, e.g. 'Türkiye'.")
    backs: ActorId = Field(description="Id of the actor the patron backs.")
    commitment: float = param(0.5, 0, 1, unit="index 0-1",
                              doc="Credibility of the patron's commitment.", section="§8 Alliances")
    restraint: float = param(0.0, 0, 1, unit="index 0-1",
                             doc="How hard the patron holds its protege back from using force "
                                 "(Benson 2012): raises the protege's cost of force.",
                             section="§8 Alliances")


class Client(Strict):
    """An actor's backing of a party outside the dyad on an issue (model.md §8).

    Russia's backing of Armenia on the Karabakh question is the source's example: Baku reads it
    as a threat from Moscow, the more so the hotter the issue.
    """

    actor: ActorId = Field(description="Id of the actor that backs the outside party.")
    client: Label = Field(description="Name of the party it backs, e.g. 'Armenia'.")
    against: ActorId = Field(description="Id of the actor that reads the backing as a threat.")
    issue: Key = Field(description="Issue the backing is about: its heat scales the threat.")
    commitment: float = param(0.5, 0, 1, unit="index 0-1",
                              doc="How firmly the actor backs the party.", section="§8 Clients")


class Incident(Strict):
    """A type of shock that neither side fully controls: a Poisson process (model.md §9)."""

    label: Label = Field("", description="What happens, in a few words.")
    rate_per_year: float = param(0.5, 0, 365, unit="events/year",
                                 doc="Mean number per year in a crisis at legal coercion and, "
                                     "for an incident linked to an issue, at heat 0.5 (§9).",
                                 section="§9 Incidents")
    perpetrator: ActorId | None = Field(None, description="Actor whose agents cause it, if any.")
    control: Literal["uncontrolled", "leadership", "external"] = Field(
        "uncontrolled", description="'leadership': the perpetrator's leaders choose it (a raid, "
                                    "an arrest), so it follows their own rung; 'uncontrolled': "
                                    "security services, third parties or accidents, following "
                                    "the dyad's hostility; 'external': fallout of the "
                                    "perpetrator's acts aimed elsewhere (a third party's war), "
                                    "at a rate the dyad does not change, reported apart (§9).")
    domain: Literal["diplomatic", "legal", "economic", "energy", "military"] | None = Field(
        None, description="Domain in which the victim is hit: it answers in kind there, and an "
                          "energy incident cuts energy flows (§6, §7). Default: from the rung "
                          "(4 or less diplomatic, 5 legal, 6 economic, 7 or more military).")
    issue: Key | None = Field(None, description="Issue the incident belongs to: its rate scales "
                                                "with that issue's heat (§9).")
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


class Summit(Strict):
    """A scheduled leader-level meeting: a sure opportunity to settle (model.md §10)."""

    day: int = param(0, 0, 36500, unit="day", doc="Day of the meeting.", section="§10 Summits")
    date: dt.date | None = Field(None, description="Date of the meeting, instead of 'day' "
                                                   "(needs the scenario's start_date).")
    label: Label = Field("", description="What meeting, e.g. 'CIS summit, Dushanbe'.")


class Assimilation(Strict):
    """How the record is read when a scenario names one (docs/analysis.md, Nowcasting)."""

    coding_error: float = param(0.15, 0, 0.9, unit="probability",
                                doc="Chance that a month's coded reading of a track is not the "
                                    "true one: the record is coded by hand from news reports.",
                                section="Nowcasting")
    error_decay: float = param(0.5, 0.01, 1, unit="ratio per rung",
                               doc="Weight of a wrong reading per rung of distance from the "
                                   "true one: a neighbouring rung is likelier than a far one.",
                               section="Nowcasting")
    resample_below: float = param(0.5, 0, 1, unit="share of runs",
                                  doc="Resample the ensemble when its effective size falls "
                                      "below this share of the runs.", section="Nowcasting")
    collapse_below: float = param(0.005, 0, 0.5, unit="share of runs",
                                  doc="The filter has collapsed (the record is all but "
                                      "impossible under the model) when its effective size "
                                      "falls below this share of the runs: no forecast then.",
                                  section="Nowcasting")


class Lever(Strict):
    """A de-escalation instrument recommended by the source analysis (model.md §10)."""

    enabled: bool = Field(False, description="Whether the lever is used in this scenario.")
    strength: float = param(1.0, 0, 1, unit="index 0-1", doc="How fully the lever is applied.",
                            section="§10 Levers")
    start_day: int = param(0, 0, 36500, unit="day", doc="Day on which the lever starts to act.",
                           section="§10 Levers")
    start_date: dt.date | None = Field(None, description="Date on which the lever starts to "
                                                         "act, instead of 'start_day' (needs the "
                                                         "scenario's start_date).")
    ramp_days: float = param(30.0, 0, 3650, unit="days",
                             doc="Time constant of the lever's build-up: its effect is "
                                 "strength x (1 - exp(-(day - start_day) / ramp_days)); 0 acts "
                                 "at once.", section="§10 Levers")


def _lever_kind(name: str, ramp_days: float, doc: str) -> type[Lever]:
    """A lever class whose build-up time has its own documented default."""
    fields = {"ramp_days": (float, param(ramp_days, 0, 3650, unit="days", doc=doc,
                                          section="§10 Levers"))}
    return cast(type[Lever], create_model(name, __base__=Lever,  # type: ignore[call-overload]
                                          **fields))


HotlineLever = _lever_kind(
    "HotlineLever", 14.0, "Build-up of the hotline: days to agree procedures and use it.")
EconomicLever = _lever_kind(
    "EconomicLever", 180.0, "Build-up of joint projects: months before flows depend on them.")
TransparencyLever = _lever_kind(
    "TransparencyLever", 30.0, "Build-up of notifications: the next cycle of exercises.")
CultureLever = _lever_kind(
    "CultureLever", 365.0, "Build-up of exchanges: slow, a year to soften rally and rhetoric.")
IntermediaryLever = _lever_kind(
    "IntermediaryLever", 30.0, "Build-up of a trusted intermediary's role.")


class ForumLever(Lever):
    """Multilateral forum: a lever that meets on a schedule (each meeting a summit opportunity)."""

    ramp_days: float = param(0.0, 0, 3650, unit="days",
                             doc="Build-up of the forum (meetings act from the first one).",
                             section="§10 Levers")
    period_days: int = param(30, 1, 365, unit="days", doc="Days between forum meetings.",
                             section="§10 Levers")


class Levers(Strict):
    """The six levers of the source analysis, each acting through its own mechanism (§10)."""

    crisis_hotline: HotlineLever = Field(  # type: ignore[valid-type]
        default_factory=HotlineLever,
        description="Direct leader line: an incident can be explained and opens days of direct "
                    "talks (faster containment); truer perception.")
    economic_initiatives: EconomicLever = Field(  # type: ignore[valid-type]
        default_factory=EconomicLever,
        description="Joint projects: more mutual dependence, so coercion costs more and "
                    "cooperation gains more; faster recovery of flows.")
    military_transparency: TransparencyLever = Field(  # type: ignore[valid-type]
        default_factory=TransparencyLever,
        description="Notification of exercises and deployments: fewer misread military acts, "
                    "less worst-case reading, signalling reads less threatening.")
    cultural_exchanges: CultureLever = Field(  # type: ignore[valid-type]
        default_factory=CultureLever,
        description="Cultural and academic exchanges: slowly smaller rally effects and softer "
                    "rhetoric.")
    multilateral_forum: ForumLever = Field(
        default_factory=ForumLever,  # type: ignore[arg-type]  # pydantic's stubs: a model class
        description="Regular multilateral meetings: each one an opportunity for a leader-level "
                    "settlement.")
    trusted_intermediaries: IntermediaryLever = Field(  # type: ignore[valid-type]
        default_factory=IntermediaryLever,
        description="Mediators both sides trust: earlier mediation, cheaper climb-downs, more "
                    "summit opportunities.")


class ModelParams(Strict):
    """Weights of the decision rules and rates of the state updates (model.md §5-§10)."""

    # §6 desire and the two tracks
    w_issue: float = param(1.0, 0, 20, unit="rungs per unit stake",
                           doc="Drive from contested issues: salience x gap x heat x activation, "
                               "summed.", section="§6 Desire")
    w_nat: float = param(1.5, 0, 10, unit="relative per unit nationalism",
                         doc="Amplification of the push towards hostility (stake, grievance, "
                             "reaction) by nationalism above one half: x (1 + w_nat (n - 1/2)).",
                         section="§6 Desire")
    w_fit: float = param(1.0, 0.01, 10, unit="utility per rung^2",
                         doc="Cost of a stance, or a material level, away from the desired rung.",
                         section="§6 Words and deeds")
    absorption: float = param(1.0, 0, 1, unit="fraction per unit capability gap",
                              doc="Share of a weaker side's hostility above status quo that the "
                                  "stronger side discounts, per unit of their gap in effective "
                                  "capability share (asymmetric attention).",
                              section="§5 Perception")
    c_econ: float = param(8.0, 0, 100, unit="utility per unit dependence",
                          doc="Cost to the imposer of an economic measure (energy measure): "
                              "times its trade (energy) dependence and the flow still at stake.",
                          section="§6 Words and deeds")
    legal_econ_share: float = param(0.5, 0, 1, unit="fraction",
                                    doc="Share of the economic cost paid for a legal measure "
                                        "(arrests of traders, closed offices).",
                                    section="§6 Words and deeds")
    c_measure: float = param(2.0, 0, 20, unit="utility",
                             doc="Cost of imposing any measure on the relationship, times one "
                                 "plus the relationship's value (trade and energy at stake).",
                             section="§6 Words and deeds")
    c_measure_gap: float = param(0.0, -3, 3, unit="log-factor per unit capability gap",
                                 doc="How the cost of imposing a measure follows the capability "
                                     "gap: c_measure times exp(-c_measure_gap (own share - the "
                                     "other's)); above 0 a stronger side coerces more cheaply "
                                     "and a weaker one at more cost (asymmetric "
                                     "interdependence); 0 pools every dyad.",
                                 section="§6 Words and deeds")
    c_posture: float = param(1.0, 0, 20, unit="utility",
                             doc="Cost of a military posture measure (alerts, deployments, "
                                 "exercises at the border), times one plus the actor's cost of "
                                 "force: posture prepares force, and costs more where force "
                                 "would.", section="§6 Words and deeds")
    w_kind: float = param(1.0, 0, 20, unit="utility",
                          doc="Gain of answering in the domain one was hit in (an expulsion with "
                              "an expulsion, a ban with a ban), within kind_memory_days.",
                          section="§6 Words and deeds")
    kind_memory_days: float = param(30.0, 1, 3650, unit="days",
                                    doc="How long a hit invites an answer in kind.",
                                    section="§6 Words and deeds")
    w_domain: float = param(1.0, 0, 20, unit="utility per unit stake",
                            doc="Pull of a contested issue's stake towards measures of its "
                                "domain.", section="§6 Words and deeds")
    audience: float = param(0.5, 0, 20, unit="utility per unit nationalism",
                            doc="Audience cost of stepping down or lifting a measure (Fearon "
                                "1994), scaled by resolve.", section="§6 Words and deeds")
    c_move: float = param(0.2, 0, 10, unit="utility per rung",
                          doc="Friction of changing stance, per rung.",
                          section="§6 Words and deeds")
    window: int = param(1, 1, 9, unit="rungs", doc="How far an actor may move at one review.",
                        section="§6 Words and deeds")
    window_after_incident: int = param(2, 1, 9, unit="rungs",
                                       doc="How far the victim may move right after an incident.",
                                       section="§6 Words and deeds")
    w_resolve: float = param(1.0, 0, 10, unit="relative per unit stake",
                             doc="Resolve from stakes: audience costs are multiplied, and the "
                                 "costs of measures divided, by 1 + w_resolve x stake.",
                             section="§6 Words and deeds")
    c_coop: float = param(4.0, 0, 100, unit="utility per unit dependence per rung",
                          doc="Gains from cooperation: per rung of stance below status quo, "
                              "times the actor's dependence on the dyad.",
                          section="§6 Words and deeds")
    w_client: float = param(1.0, 0, 10, unit="rungs",
                            doc="Threat read from the other side's backing of an outside party, "
                                "at commitment 1 and the issue hot and contested.",
                            section="§8 Clients")
    reciprocal_audience_cut: float = param(0.5, 0, 1, unit="fraction",
                                           doc="Share of the audience cost of stepping down "
                                               "removed when answering a step down by the other "
                                               "(reciprocity downwards, GRIT).",
                                           section="§6 Words and deeds")
    settle_per_lift: float = param(0.3, 0, 5, unit="rungs per measure",
                                   doc="Grievance the other side loses when one lifts a measure "
                                       "(a ban lifted, an office reopened).", section="§7 State")
    # §6 lifting measures
    lift_rate: float = param(1.7, 0, 365, unit="1/year",
                             doc="Baseline hazard of lifting a measure in force, per measure, on "
                                 "the day it is imposed, while the dispute continues; "
                                 "lift_entrenchment lowers it as the measure ages (the library's "
                                 "101 measures, by maximum likelihood: 1.7 a year).",
                             section="§6 Lifting")
    lift_entrenchment: float = param(0.8, 0, 5, unit="exponent",
                                     doc="How fast a measure's lifting hazard falls with the "
                                         "time its domain's measures have stood: the hazard is "
                                         "times (1 + age / 30 days) ** -lift_entrenchment (the "
                                         "library's 101 measures, by maximum likelihood: 0.8; 0 "
                                         "for a constant hazard).", section="§6 Lifting")
    lift_want: float = param(0.5, 0, 20, unit="log-hazard per rung",
                             doc="Rise of the lifting hazard per rung the measure stands above "
                                 "the actor's desired rung.", section="§6 Lifting")
    settle_lift: float = param(2.0, 0, 20, unit="log-hazard",
                               doc="Rise of the lifting hazard after a leader-level settlement, "
                                   "fading over settlement_memory_days.", section="§6 Lifting")
    settlement_memory_days: float = param(180.0, 1, 3650, unit="days",
                                          doc="Time constant over which a settlement's push to "
                                              "lift measures fades.", section="§6 Lifting")
    demand_met_lift: float = param(4.0, 0, 20, unit="log-hazard",
                                   doc="Rise of the lifting hazard of a demander's measures once "
                                       "its last open demand is met or dropped, fading over "
                                       "settlement_memory_days: the measures that compelled go "
                                       "once they have served.", section="§6 Lifting")
    # §6 compellence
    w_demand: float = param(3.0, 0, 20, unit="rungs",
                            doc="Drive of an open demand on its demander, times the demander's "
                                "salience of the issue: compellence takes deeds, not words.",
                            section="§6 Compellence")
    concede_rate: float = param(0.5, 0, 365, unit="1/year",
                                doc="Baseline hazard that a compelled side meets an open demand, "
                                    "before its pain and resistance.", section="§6 Compellence")
    drop_rate: float = param(0.2, 0, 365, unit="1/year",
                             doc="Hazard that a demander drops an unmet demand.",
                             section="§6 Compellence")
    # §6 force
    force_rate: float = param(5.8, 0, 365, unit="1/year",
                              doc="Hazard of force by a crisis actor with force in play, for the "
                                  "reference class (contiguous near-peers, neither nuclear: ICB "
                                  "v14, 218 crisis actors), before the costs below.",
                              section="§6 Force")
    w_force_desire: float = param(0.35, 0, 10, unit="log-hazard per rung",
                                  doc="Rise of the force hazard per rung of desire above military "
                                      "signalling (and fall below it).",
                                  section="§6 Force")
    c_mil: float = param(1.0, 0, 100, unit="log-hazard per unit capability gap",
                         doc="Fall of the force hazard per unit of the gap between the two sides' "
                             "effective capability shares: preponderance pacifies both sides.",
                         section="§6 Force")
    c_nuclear: float = param(0.5, 0, 100, unit="log-hazard",
                             doc="Fall of the force hazard against a nuclear-armed side.",
                             section="§6 Force")
    c_relationship: float = param(10.0, 0, 500, unit="log-hazard per unit dependence",
                                  doc="Fall of the force hazard per unit of the relationship's "
                                      "value to the actor (trade and energy dependence, times the "
                                      "flows still running).",
                                  section="§6 Force")
    c_committed: float = param(1.0, 0, 100, unit="log-hazard",
                               doc="Fall of the force hazard per unit of capability committed "
                                   "elsewhere (1 - available_share).",
                               section="§6 Force")
    c_allied: float = param(0.5, 0, 100, unit="log-hazard",
                            doc="Fall of the force hazard against a formal ally (the scenario's "
                                "`allied`).",
                            section="§6 Force")
    c_distant: float = param(0.25, 0, 100, unit="log-hazard",
                             doc="Fall of the force hazard when the two sides are not contiguous.",
                             section="§6 Force")
    posture_gate: float = param(0.5, 0, 1, unit="fraction",
                                doc="How far a military posture measure in force (either side) "
                                    "opens the decision to use force.", section="§6 Force")
    force_memory_days: float = param(60.0, 1, 3650, unit="days",
                                     doc="Days for which force met keeps the decision to use "
                                         "force open.", section="§6 Force")
    force_severity: float = param(3.0, 0, 10, unit="rungs",
                                  doc="Grievance the victim of a use of force gains.",
                                  section="§6 Force")
    c_war: float = param(1.0, 0, 100, unit="utility",
                         doc="Extra cost of open war over limited force, when force is used (and "
                             "c_nuclear more against a nuclear-armed side).",
                         section="§6 Force")
    war_end_rate: float = param(12.0, 0, 365, unit="1/year",
                                doc="Hazard that open war ends in a ceasefire (doubled under "
                                    "mediation).", section="§6 Force")
    # §8 contention, clients, alliances
    activation_half_life_days: float = param(30.0, 1, 3650, unit="days",
                                             doc="Half-life of an issue's contention without "
                                                 "triggers.", section="§8 Issues")
    activation_per_severity: float = param(0.5, 0, 10, unit="per rung",
                                           doc="Contention an incident on an issue adds per rung "
                                               "of severity (of the gap to 1).",
                                           section="§8 Issues")
    activation_per_measure: float = param(0.5, 0, 1, unit="fraction",
                                          doc="Contention the other side's new measure adds to "
                                              "the issues of its domain (of the gap to 1).",
                                          section="§8 Issues")
    patron_restraint: float = param(1.0, 0, 10, unit="log-hazard",
                                    doc="Fall of a protege's force hazard at restraint x "
                                        "commitment 1 (a patron that holds it back).",
                                    section="§8 Alliances")
    patron_weight: float = param(0.5, 0, 1, unit="fraction",
                                 doc="Share of the capability gap a fully committed patron closes.",
                                 section="§8 Alliances")
    extended_deterrence: float = param(1.0, 0, 10, unit="log-hazard",
                                       doc="Fall of the force hazard against a side whose patrons "
                                           "are fully committed (extended deterrence).",
                                       section="§8 Alliances")
    # §9 incidents
    hostility_incident_gain: float = param(1.0, 0, 20, unit="relative",
                                           doc="Rise of incident rates at full hostility over "
                                               "none (self-exciting incidents).",
                                           section="§9 Incidents")
    issue_rate_elasticity: float = param(1.0, 0, 5, unit="relative",
                                         doc="Elasticity of an issue-linked incident's rate in "
                                             "the issue's heat: rate x (heat / 0.5)^elasticity.",
                                         section="§9 Incidents")
    calm_chosen_share: float = param(0.25, 0, 1, unit="fraction",
                                     doc="Rate of leadership-chosen incidents while their "
                                         "perpetrator is at status quo or better, relative to "
                                         "zero hostility.", section="§9 Incidents")
    trust_attribution: float = param(0.5, 0, 1, unit="fraction",
                                     doc="Share of an incident's severity that full trust in the "
                                         "perpetrator discounts (read as an accident, not a "
                                         "message).", section="§9 Incidents")
    # §10 summits
    summit_rate: float = param(1.0, 0, 365, unit="opportunities/year",
                               doc="Opportunities for a leader-level meeting while relations are "
                                   "reduced and words hostile, before the gains below.",
                               section="§10 Summits")
    summit_time_gain: float = param(1.0, 0, 20, unit="relative per year",
                                    doc="Rise of summit opportunities per year spent in crisis.",
                                    section="§10 Summits")
    summit_pain_gain: float = param(2.0, 0, 20, unit="relative per unit flow lost",
                                    doc="Rise of summit opportunities with the share of trade "
                                        "lost.", section="§10 Summits")
    summit_mediation_gain: float = param(1.0, 0, 20, unit="relative",
                                         doc="Rise of summit opportunities while a mediator is "
                                             "engaged.", section="§10 Summits")
    summit_value: float = param(1.5, -20, 20, unit="utility",
                                doc="Value a leader puts on settling at a summit, before "
                                    "audience costs and grievance.", section="§10 Summits")
    summit_grievance_weight: float = param(0.5, 0, 10, unit="utility per rung",
                                           doc="Reluctance to settle (or to lift a measure) per "
                                               "rung of grievance.", section="§10 Summits")
    summit_grievance_cut: float = param(0.8, 0, 1, unit="fraction",
                                        doc="Share of both sides' grievance a settlement removes "
                                            "(admission, compensation, releases).",
                                        section="§10 Summits")
    summit_activation_cut: float = param(0.5, 0, 1, unit="fraction",
                                         doc="Share of every issue's contention a settlement "
                                             "removes.", section="§10 Summits")
    summit_trust_gain: float = param(0.5, 0, 1, unit="fraction",
                                     doc="Share of the gap to full trust a settlement closes.",
                                     section="§10 Summits")
    # §10 mediation
    mediation_onset_days: float = param(45.0, 1, 3650, unit="days",
                                        doc="Days with relations reduced before a mediator "
                                            "engages.", section="§10 Mediation")
    mediation_audience_cut: float = param(0.5, 0, 1, unit="fraction",
                                          doc="Share of audience costs a mediator removes.",
                                          section="§10 Mediation")
    mediation_bonus: float = param(1.0, 0, 5, unit="utility per rung",
                                   doc="Gain per rung of stance stepped down while a mediator or "
                                       "the hotline's talks are engaged.",
                                   section="§10 Mediation")
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
    trade_cut_per_measure: float = param(0.1, 0, 1, unit="fraction",
                                         doc="Share of the trade flow each economic measure in "
                                             "force takes away, at equilibrium.",
                                         section="§7 Flows")
    energy_cut_per_measure: float = param(0.3, 0, 1, unit="fraction",
                                          doc="Share of the energy flow each energy measure in "
                                              "force takes away, at equilibrium.",
                                          section="§7 Flows")
    force_flow_cut: float = param(0.3, 0, 1, unit="fraction",
                                  doc="Share of trade and energy flows open war takes away.",
                                  section="§7 Flows")
    energy_incident_cut: float = param(0.05, 0, 1, unit="fraction per rung",
                                       doc="Share of the energy flow an energy incident knocks "
                                           "out at once, per rung of severity.",
                                       section="§7 Flows")
    trade_fall_rate: float = param(0.02, 0, 1, unit="1/day",
                                   doc="Daily share of the gap closed while trade falls to a "
                                       "lower level: a ban bites within weeks (half-way in "
                                       "about 35 days).", section="§7 Flows")
    trade_recovery_rate: float = param(0.005, 0, 1, unit="1/day",
                                       doc="Daily share of the gap closed while trade recovers.",
                                       section="§7 Flows")
    energy_fall_rate: float = param(0.1, 0, 1, unit="1/day",
                                    doc="Daily share of the gap closed while energy flows fall: "
                                        "a supply cut bites within days (half-way in about a "
                                        "week; Russia–Ukraine 2006, 2009).", section="§7 Flows")
    energy_recovery_rate: float = param(0.01, 0, 1, unit="1/day",
                                        doc="Daily share of the gap closed while energy flows "
                                            "recover (repairs, restarted supply).",
                                        section="§7 Flows")
    trust_speed: float = param(0.02, 0, 1, unit="1/day",
                               doc="Daily pace at which trust moves to its target.",
                               section="§5 Perception")
    initial_trust: float = param(0.5, 0, 1, unit="index 0-1", doc="Trust at day 0.",
                                 section="§5 Perception")
    initial_trade_flow: float = param(1.0, 0, 1.25, unit="fraction of pre-crisis",
                                      doc="Trade flow at day 0.", section="§7 Flows")
    initial_energy_flow: float = param(1.0, 0, 1.25, unit="fraction of pre-crisis",
                                       doc="Energy flow at day 0.", section="§7 Flows")
    # §10 lever effects (each at strength 1)
    hotline_explain_prob: float = param(0.5, 0, 1, unit="probability",
                                        doc="Chance an incident is explained on the hotline "
                                            "(severity halved, direct talks opened).",
                                        section="§10 Levers")
    hotline_call_days: int = param(14, 0, 365, unit="days",
                                   doc="Days of direct talks after an explained incident: both "
                                       "review daily, climb-downs cost less (containment).",
                                   section="§10 Levers")
    econ_dependence_gain: float = param(0.5, 0, 5, unit="relative",
                                        doc="Relative rise of dependence from joint projects.",
                                        section="§10 Levers")
    econ_trade_gain: float = param(0.1, 0, 0.25, unit="fraction",
                                   doc="Rise of the trade flow joint projects bring, above the "
                                       "pre-crisis level.", section="§10 Levers")
    econ_recovery_gain: float = param(1.0, 0, 10, unit="relative",
                                      doc="Relative rise of flow recovery rates.",
                                      section="§10 Levers")
    transparency_misperception_cut: float = param(0.8, 0, 1, unit="fraction",
                                                  doc="Share of misperception of military rungs "
                                                      "removed.", section="§10 Levers")
    transparency_bias_cut: float = param(0.8, 0, 1, unit="fraction",
                                         doc="Share of the worst-case bias (above one half) "
                                             "removed.", section="§10 Levers")
    culture_nationalism_cut: float = param(0.1, 0, 1, unit="fraction",
                                           doc="Share of baseline nationalism removed.",
                                           section="§10 Levers")
    culture_rally_cut: float = param(0.5, 0, 1, unit="fraction",
                                     doc="Share of rally effects and rhetoric removed.",
                                     section="§10 Levers")
    intermediary_onset_cut: float = param(0.5, 0, 1, unit="fraction",
                                          doc="Share of the mediation onset delay removed.",
                                          section="§10 Levers")
    intermediary_audience_cut: float = param(0.3, 0, 1, unit="fraction",
                                             doc="Further share of audience costs removed under "
                                                 "mediation.", section="§10 Levers")
    forum_summit_chance: float = param(0.25, 0, 1, unit="probability",
                                       doc="Chance that a forum meeting, at full strength, "
                                           "brings the leaders together: a summit opportunity.",
                                       section="§10 Levers")
    intermediary_summit_gain: float = param(1.0, 0, 20, unit="relative",
                                            doc="Rise of summit opportunities with a trusted "
                                                "intermediary.", section="§10 Levers")


class Demand(Strict):
    """A demand one side coerces the other to meet: compellence (model.md §6 Compellence)."""

    actor: ActorId = Field(description="Id of the actor that makes the demand.")
    of: ActorId = Field(description="Id of the actor it is made of.")
    issue: Key = Field(description="Issue the demand is about: meeting it closes the gap of "
                                   "positions; while open, the issue stays contested.")
    label: Label = Field("", description="What is demanded, in a few words.")


def _allow_extends(schema: dict[str, Any]) -> None:
    """Let editors accept ``extends:``, ``calibration:`` and ``add_events:`` (the loader's)."""
    properties = schema.get("properties", {})
    schema["properties"] = {
        "extends": {"type": "string", "title": "Extends",
                    "description": "Scenario file this one builds on (path relative to this "
                                   "file, or a bundled scenario's file name): its content is "
                                   "merged under this file's, mappings key by key, lists "
                                   "replaced."},
        "calibration": {"type": "string", "title": "Calibration",
                        "description": "Calibration file (path relative to this file) whose "
                                       "priors: replace this scenario's values at their paths "
                                       "(docs/analysis.md)."},
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
    clients: list[Client] = Field(default_factory=list, max_length=20,
                                  description="Parties outside the dyad that an actor backs on an "
                                              "issue, read as a threat by another actor.")
    contiguous: bool = Field(False, description="The sides share a land border or lie within "
                                                "400 miles of water (COW direct contiguity): "
                                                "force is likelier (§6 Force).")
    allied: bool = Field(False, description="A formal alliance or security treaty binds the "
                                            "sides to each other: force is less likely "
                                            "(§6 Force).")
    demands: list[Demand] = Field(default_factory=list, max_length=8,
                                  description="Demands one side coerces the other to meet "
                                              "(compellence).")
    incidents: dict[Key, Incident] = Field(default_factory=dict, max_length=MAX_INCIDENT_TYPES,
                                           description="Incident types, keyed by id.")
    opening: list[Key] = Field(default_factory=list, max_length=MAX_INCIDENT_TYPES,
                               description="Incident types that strike on day 0: the crisis "
                                           "opens with them (an episode's trigger), with every "
                                           "effect of an incident (§9).")
    events: list[Event] = Field(default_factory=list, max_length=500,
                                description="Scheduled parameter changes.")
    summits: list[Summit] = Field(default_factory=list, max_length=500,
                                  description="Scheduled leader-level meetings (sure summit "
                                              "opportunities).")
    levers: Levers = Field(default_factory=Levers, description="De-escalation levers.")
    record: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="The episode that records this crisis up to start_date (a bundled "
                          "episode's name, or an episode file relative to this scenario): "
                          "the ensemble is filtered through it month by month, and the "
                          "forecast starts from the filtered runs (docs/analysis.md, "
                          "Nowcasting).")
    assimilation: Assimilation = Field(default_factory=Assimilation,
                                       description="How the record is read (with record:).")
    model: ModelParams = Field(default_factory=ModelParams,
                               description="Weights and rates of the model.")
    _priors: dict[str, Distribution] = PrivateAttr(default_factory=dict)

    @property
    def priors(self) -> dict[str, Distribution]:
        """Uncertain parameters: dotted path -> distribution written in place of the number.

        The number at each such path is the distribution's median; the loader fills this in
        (:mod:`escalation_sim.scenario.priors`). Not part of ``model_dump``: use
        ``scenario_to_dict`` for the scenario with its distributions written back.
        """
        return self._priors

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
        for n, client in enumerate(self.clients):
            check(f"clients[{n}].actor", client.actor)
            check(f"clients[{n}].against", client.against)
            if client.against == client.actor:
                raise ReferenceProblem(f"clients[{n}].against", client.against,
                                       "an actor other than the backer")
            if client.issue not in self.issues:
                raise ReferenceProblem(f"clients[{n}].issue", client.issue,
                                       f"an issue id: one of {', '.join(self.issues) or '(none)'}")
        for n, demand in enumerate(self.demands):
            check(f"demands[{n}].actor", demand.actor)
            check(f"demands[{n}].of", demand.of)
            if demand.of == demand.actor:
                raise ReferenceProblem(f"demands[{n}].of", demand.of,
                                       "an actor other than the demander")
            if demand.issue not in self.issues:
                raise ReferenceProblem(f"demands[{n}].issue", demand.issue,
                                       f"an issue id: one of {', '.join(self.issues) or '(none)'}")
        for n, key in enumerate(self.opening):
            if key not in self.incidents:
                raise ReferenceProblem(f"opening[{n}]", key, "an incident type: one of "
                                       f"{', '.join(self.incidents) or '(none)'}")
        for key, incident in self.incidents.items():
            check(f"incidents.{key}.victim", incident.victim)
            check(f"incidents.{key}.perpetrator", incident.perpetrator)
            if incident.perpetrator == incident.victim:
                raise ReferenceProblem(f"incidents.{key}.perpetrator", incident.perpetrator,
                                       "an actor other than the victim")
            if incident.issue is not None and incident.issue not in self.issues:
                raise ReferenceProblem(f"incidents.{key}.issue", incident.issue,
                                       f"an issue id: one of {', '.join(self.issues) or '(none)'}")
            if incident.control == "leadership" and incident.perpetrator is None:
                raise ReferenceProblem(f"incidents.{key}.control", incident.control,
                                       "'uncontrolled' when the incident has no perpetrator")
        return self


class ReferenceProblem(ValueError):
    """A value that names something the scenario does not define (raised inside validation)."""

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        super().__init__(f"{path}: {value!r} is not {allowed}")
        self.path, self.value, self.allowed = path, value, allowed
