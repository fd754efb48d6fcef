"""One run told as a dated event log (``escsim trace``), in the vocabulary of event data.

:func:`trace_run` simulates run ``K`` alone — ``simulate_chunk(scenario, seed, K, 1)`` — with a
:class:`Tracer` watching. Random numbers depend only on the seed, the run index and the day
(``engine/rng.py``), so the story is that of run ``K`` of the ensemble, and the run's metrics come
back with it. The log holds, in order: the starting stance and measures, levers in force and
day-0 events, then day by day the scheduled events, lever starts, forum meetings and scheduled
summits, the incidents that struck (the dyad's own — the leadership's choice or uncontrolled — and
external ones, kept apart), direct talks opened on the hotline, settlements at summits, each
actor's moves on its two tracks — words (its stance) and deeds (a measure imposed or lifted) —
and its uses of force, demands met or dropped, the mediator engaging or leaving; and the outcome
class at the end.

Every move carries its main reason (docs/model.md §6): for words, the term of the stance's utility
that gained most; for a measure imposed, the largest of the gain in fit to the desired rung, the
answer in kind and the pull of contested issues; for a measure lifted, the largest push on its
hazard (a desire fallen below it, a settlement, a demand met or dropped). Choices are logits, so
now and then an actor moves against the balance of its utility; the log says so.

:func:`pick_run` chooses a run of the ensemble by its outcome: the first run of a class, or the
median run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from escalation_sim.analysis.documents import TraceDocument
from escalation_sim.analysis.picks import PICKS
from escalation_sim.engine import kernel as ev
from escalation_sim.engine.calendar import simulate_chunk
from escalation_sim.engine.state import MET, Start, State
from escalation_sim.model.ladder import DOMAIN_RUNG, DOMAINS, RUNGS, VERBAL_HOSTILITY, cameo_table
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.edit import held_at_bounds
from escalation_sim.scenario.schema import Scenario
from escalation_sim.versions import escsim_version

TRACE_SCHEMA_VERSION = 2
"""Version of the trace's JSON layout (2: model 3's two tracks, force, demands)."""
GAIN_TOLERANCE = 1e-9
"""Utility gains at or below this count as none (terms that are flat between two rungs)."""
TERM_WORDS = {
    "fit": "closer to the rung it wants",
    "move": "cost of changing course",
    "audience": "audience costs of backing down",
    "talks": "talks (mediator or hotline) reward stepping down",
    "cooperation": "gains from cooperation",
    "kind": "answers in the domain it was hit in",
    "issues": "contested issues pull towards measures of this kind",
    "want": "no longer wants the measure: its desired rung has fallen below it",
    "settlement": "the leaders' settlement",
    "demand": "its demand was met or dropped",
    "cost": "what the measure costs it",
    "chance": "chance: no term of its utility favoured this (bounded rationality)",
}
"""Reason -> what it means, in words (docs/model.md §6)."""
STANCE_TERMS = ("fit", "move", "audience", "cooperation")
"""The terms of a stance's utility the kernel reports (talks are folded into cooperation's
column with the cooperation gain: ``kernel.EV_STANCE``)."""
IMPOSE_CAMEO = {"diplomatic": "161", "legal": "172", "economic": "163", "energy": "163",
                "military": "150"}
"""CAMEO code of imposing a measure of each domain (docs/episodes.md §2)."""
LIFT_CAMEO = {"diplomatic": "054", "legal": "081", "economic": "085", "energy": "085",
              "military": "087"}
"""CAMEO code of lifting a measure of each domain: restored relations, eased administrative or
economic sanctions, military de-escalation."""
FORCE_CAMEO = {8: "190", 9: "194"}
"""CAMEO code of limited force and of open war (docs/model.md §2)."""


@dataclass
class Trace:
    """The events of one run and its metrics.

    Attributes:
        scenario: The scenario simulated.
        seed: The master seed.
        run: The run index in the ensemble.
        events: Event dicts in the order they happened (see :class:`Tracer`).
        metrics: The run's per-run metrics, as ``simulate(keep_runs=True)`` keeps them.
    """

    scenario: Scenario
    seed: int
    run: int
    events: list[dict[str, Any]]
    metrics: dict[str, Any]

    @property
    def outcome(self) -> str:
        """The run's outcome class (``model/outcomes.py``)."""
        return str(self.metrics["outcome"])

    def to_dict(self) -> TraceDocument:
        """JSON-ready trace: header, events, metrics."""
        return {
            "schema_version": TRACE_SCHEMA_VERSION,
            "escsim_version": escsim_version(),
            "scenario": self.scenario.name,
            "seed": self.seed,
            "run": self.run,
            "days": self.scenario.horizon_days,
            "start_date": _iso(self.scenario.start_date),
            "events": self.events,
            "metrics": self.metrics,
        }


@dataclass
class Tracer:
    """The engine's ``Observer`` for ``escsim trace``: turns the kernel's rows into event dicts.

    Every event has ``day``, ``date`` (ISO, or ``None`` without ``start_date``) and ``kind``:
    ``start``, ``lever``, ``event``, ``forum``, ``summit`` (a scheduled meeting) (with
    ``text``); ``incident`` (``key``, ``label``, ``perpetrator``, ``victim``, ``control``:
    leadership, uncontrolled or external, ``rung``, ``cameo``, ``goldstein``, ``explained``);
    ``talks`` (hotline talks opened); ``settlement`` (``levels``: each actor's reading after it);
    ``move`` or ``hold`` (``actor``, ``track``: words, deeds or force, ``old``, ``new``,
    ``rung_name``, ``act``: declaratory or material, ``measure`` (a domain, for deeds),
    ``lifted``, ``cameo``, ``goldstein``, ``reason``, ``reason_text``, ``against_utility``,
    ``desired``, ``threat``); ``demand`` (``actor``, ``of``, ``label``, ``met``);
    ``war_end``; ``mediation`` (``engaged``).
    """

    scenario: Scenario
    events: list[dict[str, Any]] = field(default_factory=list)

    def add(self, day: int, kind: str, **data: Any) -> None:
        """Append an event of ``kind`` on ``day`` (its date is filled in)."""
        start = self.scenario.start_date
        date = _iso(start + dt.timedelta(days=day)) if start else None
        self.events.append({"day": int(day), "date": date, "kind": kind, **data})

    def note(self, day: int, kind: str, text: str) -> None:
        """A calendar happening: an event, a lever starting, a forum meeting."""
        self.add(day, kind, text=text)

    def happened(self, row: np.ndarray) -> None:
        """One row of the kernel's events (``kernel.EV_*``) as an event dict."""
        day, kind, x = int(row[0]), int(row[1]), row[2:]
        ids = list(self.scenario.actors)
        if kind == ev.EV_INCIDENT:
            self._incident(day, list(self.scenario.incidents)[int(x[0])], bool(x[1]))
        elif kind in (ev.EV_STANCE, ev.EV_HOLD):
            self._words(day, kind, x, ids)
        elif kind in (ev.EV_IMPOSE, ev.EV_LIFT):
            self._deeds(day, kind, x, ids)
        elif kind == ev.EV_FORCE:
            war = bool(x[2])
            rung = RUNGS[9 if war else 8]
            self.add(day, "move", actor=ids[int(x[0])], track="force", old=None,
                     new=rung.level, target=ids[int(x[1])], rung_name=rung.name,
                     act="material", measure=None,
                     lifted=False, cameo=FORCE_CAMEO[rung.level],
                     goldstein=_goldstein(FORCE_CAMEO[rung.level]), reason="fit",
                     reason_text=f"force against {ids[int(x[1])]}: it wants "
                                 f"{float(x[3]):.1f}, the costs of force weigh "
                                 f"{float(x[4]):.1f} (log-hazard)",
                     against_utility=False, desired=round(float(x[3]), 2), threat=None)
        elif kind == ev.EV_SUMMIT:
            levels = [int(v) for v in x[:len(ids)]]
            names = ", ".join(f"{aid} {RUNGS[v].name}" for aid, v in zip(ids, levels, strict=True))
            self.add(day, "settlement", levels=levels,
                     text=f"leaders settle at a summit (CAMEO 057): words at engagement, "
                          f"grievances settled, measures to be lifted one by one: {names}")
        elif kind == ev.EV_MEDIATION:
            self.add(day, "mediation", engaged=bool(x[0]))
        elif kind == ev.EV_TALKS:
            self.add(day, "talks", text="direct talks on the hotline after the incident")
        elif kind == ev.EV_DEMAND:
            demand = self.scenario.demands[int(x[0])]
            met = int(x[1]) == MET
            self.add(day, "demand", actor=demand.actor, of=demand.of, label=demand.label,
                     met=met, text=f"{demand.of} meets {demand.actor}'s demand"
                     if met else f"{demand.actor} drops its demand of {demand.of}")
        elif kind == ev.EV_WAR_END:
            self.add(day, "war_end", text="the war ends in a ceasefire")

    def _incident(self, day: int, key: str, explained: bool) -> None:
        inc = self.scenario.incidents[key]
        self.add(day, "incident", key=key, label=inc.label or key.replace("_", " "),
                 perpetrator=inc.perpetrator, victim=inc.victim, control=inc.control,
                 rung=inc.rung, cameo=inc.cameo, goldstein=_goldstein(inc.cameo),
                 explained=explained)

    def _words(self, day: int, kind: int, x: np.ndarray, ids: list[str]) -> None:
        old = int(x[1])
        if kind == ev.EV_HOLD:
            new, desired, threat = old, float(x[2]), float(x[3])
            reason, against = "fit", False
        else:
            new, desired, threat = int(x[2]), float(x[3]), float(x[4])
            reason, against = main_reason(x[5:9], float(x[9]))
        rung = RUNGS[new]
        self.add(day, "move" if kind == ev.EV_STANCE else "hold", actor=ids[int(x[0])],
                 track="words", old=old, new=new, rung_name=rung.name, act="declaratory",
                 measure=None, lifted=False, cameo=rung.cameo, goldstein=rung.goldstein,
                 reason=reason, reason_text=reason_text(reason, desired, threat),
                 against_utility=against, desired=round(desired, 2), threat=round(threat, 2))

    def _deeds(self, day: int, kind: int, x: np.ndarray, ids: list[str]) -> None:
        domain = DOMAINS[int(x[1])]
        rung = DOMAIN_RUNG[domain]
        if kind == ev.EV_IMPOSE:
            gains = {"fit": float(x[4]), "kind": float(x[5]), "issues": float(x[6])}
            cameo, desired, threat, lifted = IMPOSE_CAMEO[domain], float(x[2]), float(x[3]), False
            total = float(x[4]) + float(x[5]) + float(x[6])
        else:
            gains = {"want": float(x[2]), "settlement": float(x[3]), "demand": float(x[4])}
            cameo, desired, threat, lifted = LIFT_CAMEO[domain], None, None, True
            total = 1.0
        reason = max(gains, key=lambda k: gains[k])
        if gains[reason] <= GAIN_TOLERANCE:
            reason = "chance"
        self.add(day, "move", actor=ids[int(x[0])], track="deeds", old=None, new=rung,
                 rung_name=f"{domain} measure", act="material", measure=domain, lifted=lifted,
                 cameo=cameo, goldstein=_goldstein(cameo), reason=reason,
                 reason_text=reason_text(reason, desired, threat), against_utility=total < 0,
                 desired=None if desired is None else round(desired, 2),
                 threat=None if threat is None else round(threat, 2))


def main_reason(gains: np.ndarray, total: float) -> tuple[str, bool]:
    """The term of a stance's utility that gained most from a move, and whether it went against U.

    Args:
        gains: Gain of each of ``STANCE_TERMS`` from the move.
        total: The move's gain in total utility.

    Returns:
        ``(term name, against)``: ``"chance"`` when no term gained (a logit draw against every
        term); ``against`` is true when the total utility fell with the move.
    """
    against = bool(total < 0)
    values = np.asarray(gains, dtype=float)
    if values.max() <= GAIN_TOLERANCE:
        return "chance", against
    return STANCE_TERMS[int(np.argmax(values))], against


def reason_text(reason: str, desired: float | None, threat: float | None) -> str:
    """The main reason of a choice in words, with the numbers behind the fit term."""
    words = TERM_WORDS[reason]
    if reason == "fit" and desired is not None and threat is not None:
        return f"{words}: {desired:.1f} (threat seen {threat:.1f})"
    return words


def trace_run(scenario: Scenario, run: int, seed: int | None = None) -> Trace:
    """Simulate run ``run`` of ``scenario``'s ensemble alone and return its story and metrics."""
    seed = scenario.seed if seed is None else seed
    tracer = Tracer(scenario)
    start = None
    if scenario.record is not None:  # run `run` of the ensemble filtered through the record
        from escalation_sim.engine.filter import assimilate

        start = assimilate(scenario, scenario.runs, seed).start.slice(run, 1)
    _opening(tracer, start)
    result = simulate_chunk(scenario, seed, run, 1, tracer, start=start)
    metrics = run_metrics(result.runs, 0, scenario)
    tracer.add(scenario.horizon_days - 1, "outcome", outcome=metrics["outcome"],
               peak_rung=metrics["peak_rung"], final_rung=metrics["final_rung"])
    return Trace(scenario, seed, run, _with_held(tracer.events, held_at_bounds(scenario)),
                 metrics)


def _with_held(events: list[dict[str, Any]], held: list[dict[str, Any]]
               ) -> list[dict[str, Any]]:
    """The events with a note after each scheduled event whose ``add`` was held at a bound."""
    if not held:
        return events
    out: list[dict[str, Any]] = []
    for i, event in enumerate(events):
        out.append(event)
        following = events[i + 1] if i + 1 < len(events) else None
        last_of_day = event["kind"] == "event" and not (
            following and following["kind"] == "event" and following["day"] == event["day"])
        if last_of_day:
            out += [{"day": event["day"], "date": event["date"], "kind": "event",
                     "text": h["note"]} for h in held if h["day"] == event["day"]]
    return out


def _opening(tracer: Tracer, start: Start | None = None) -> None:
    """Day-0 lines: each actor's reading and measures in force, levers in force, day-0 events.

    With ``start`` (a run filtered through the scenario's record), the reading and the measures
    are that run's.
    """
    sc = tracer.scenario
    if start is not None:
        tracer.note(0, "record", f"the run as the record {sc.record} left it (filtered through "
                                 "the record up to this day)")
    for i, (aid, actor) in enumerate(sc.actors.items()):
        if start is None:
            rung = RUNGS[actor.initial_rung]
            held = initial_measures(actor.initial_rung, actor.initial_measures)
        else:
            rung = RUNGS[int(start.state.level[i, 0])]
            held = {d: int(n) for d, n in zip(DOMAINS, start.state.measures[i, :, 0],
                                               strict=True)}
        text = ", ".join(f"{n} {d}" for d, n in held.items() if n)
        tracer.add(0, "start", actor=aid, new=rung.level, rung_name=rung.name, cameo=rung.cameo,
                   goldstein=rung.goldstein, stance=min(rung.level, VERBAL_HOSTILITY),
                   held=held, measures=text or None)
    for name in type(sc.levers).model_fields:
        lever = getattr(sc.levers, name)
        if lever.enabled and lever.start_day == 0:
            tracer.note(0, "lever", f"{name.replace('_', ' ')} in force")
    for event in sc.events:
        if event.day == 0:
            tracer.note(0, "event", event.label or "scheduled change")


def initial_measures(rung: int, given: Mapping[Any, int]) -> dict[str, int]:
    """The measures in force at day 0 by domain, as ``State.initial`` reads ``initial_rung``."""
    state = State.initial(Scenario.model_validate(dict(
        name="start", actors={"a": dict(initial_rung=rung, initial_measures=given),
                              "b": dict()})), 1)
    return {d: int(n) for d, n in zip(DOMAINS, state.measures[0, :, 0], strict=True)}


def run_metrics(runs: dict[str, np.ndarray], index: int, scenario: Scenario) -> dict[str, Any]:
    """One run's metrics from per-run arrays, as plain data (per-actor values keyed by id)."""
    out: dict[str, Any] = {}
    actors, incidents = list(scenario.actors), list(scenario.incidents)
    for name, values in runs.items():
        value = values[index]
        if name == "outcome":
            out[name] = OUTCOMES[int(value)]
        elif np.ndim(value) == 0:
            out[name] = value.item()
        elif name == "demand_met_day":
            out[name] = [int(v) for v in value]
        elif np.ndim(value) > 1:
            continue  # monthly arrays
        else:
            keys = incidents if name == "incidents" else actors
            out[name] = {k: v.item() for k, v in zip(keys, value, strict=True)}
    return out


def pick_run(runs: dict[str, np.ndarray], pick: str) -> int | None:
    """Index of the run ``--pick`` asks for, or ``None`` when no run fits.

    ``war``, ``clashes``, ``normalization``: the first run of that outcome class. ``median``:
    among the runs whose peak rung is the ensemble's median peak, the one whose mean daily
    Goldstein weight (over actors) is nearest the ensemble's median of it.
    """
    if pick not in PICKS:
        raise ValueError(f"unknown pick {pick!r}; choose from {', '.join(PICKS)}")
    outcome = PICKS[pick]
    if outcome is not None:
        found = np.flatnonzero(runs["outcome"] == OUTCOMES.index(outcome))
        return int(found[0]) if found.size else None
    peak = runs["peak_rung"]
    median_peak = np.percentile(peak, 50, method="lower")
    level = runs["actor_goldstein"].mean(axis=1)
    candidates = np.flatnonzero(peak == median_peak)
    distance = np.abs(level[candidates] - np.median(level))
    return int(candidates[np.argmin(distance)])


def _goldstein(code: str) -> float | None:
    entry = cameo_table().get(code)
    return entry[1] if entry else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
