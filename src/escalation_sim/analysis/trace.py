"""One run told as a dated event log (``escsim trace``), in the vocabulary of event data.

:func:`trace_run` simulates run ``K`` alone — ``simulate_chunk(scenario, seed, K, 1)`` — with a
:class:`Tracer` watching. Random numbers depend only on the seed, the run index and the day
(``engine/rng.py``), so the story is that of run ``K`` of the ensemble, and the run's metrics come
back with it. The log holds, in order: the starting rungs, levers in force and day-0 events,
then day by day the scheduled events, lever starts, forum meetings and scheduled summits, the
incidents that struck (the leadership's choice or uncontrolled), direct talks opened on the
hotline, settlements at summits, each actor's moves (rung name, CAMEO code, Goldstein weight,
declaratory or material, and the main reason), the mediator engaging or leaving; and the outcome
class at the end.

The main reason of a move is the utility term (``decision.TERMS``, docs/model.md §6) that gained
most from the move: the largest ``U_t(new) − U_t(old)``. For a review that holds its rung it is
the term that lost most by moving to the best neighbouring rung. The choice is a logit (quantal
response), so now and then an actor moves against the balance of its utility; the log says so.

:func:`pick_run` chooses a run of the ensemble by its outcome: the first run of a class, or the
median run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from escalation_sim.analysis.picks import PICKS
from escalation_sim.engine.calendar import simulate_chunk
from escalation_sim.model.decision import TERMS
from escalation_sim.model.ladder import N_RUNGS, RUNGS, cameo_table
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.scenario.edit import held_at_bounds
from escalation_sim.scenario.schema import Scenario

TRACE_SCHEMA_VERSION = 1
"""Version of the trace's JSON layout."""
GAIN_TOLERANCE = 1e-9
"""Utility gains at or below this count as none (terms that are flat between two rungs)."""
TERM_WORDS = {
    "fit": "closer to the rung it wants",
    "economic": "trade at stake",
    "military": "cost of using force",
    "war": "cost of open war",
    "issues": "the stakes pull towards acts of this kind",
    "cooperation": "gains from cooperation",
    "audience": "audience costs of backing down",
    "move": "cost of changing course",
    "talks": "talks (mediator or hotline) reward stepping down",
    "chance": "chance: no term of its utility favoured this (bounded rationality)",
}
"""Utility term (and ``chance``) -> what it means, in words (docs/model.md §6)."""


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
        return self.metrics["outcome"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready trace: header, events, metrics."""
        return {
            "schema_version": TRACE_SCHEMA_VERSION,
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
    """The engine's ``Observer`` for ``escsim trace``: turns hooks into event dicts.

    Every event has ``day``, ``date`` (ISO, or ``None`` without ``start_date``) and ``kind``:
    ``start``, ``lever``, ``event``, ``forum``, ``summit`` (a scheduled meeting) (with
    ``text``); ``incident`` (``key``, ``label``, ``perpetrator``, ``victim``, ``control``,
    ``rung``, ``cameo``, ``goldstein``, ``explained``); ``talks`` (hotline talks opened);
    ``settlement`` (``levels``: each actor's rung after it); ``move`` or ``hold`` (``actor``,
    ``old``, ``new``, ``rung_name``, ``act``: declaratory or material, ``cameo``,
    ``goldstein``, ``reason``, ``reason_text``, ``against_utility``, ``desired``, ``threat``);
    ``mediation`` (``engaged``).
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

    def incident(self, day: int, key: str, explained: bool) -> None:
        """An incident struck the traced run."""
        inc = self.scenario.incidents[key]
        self.add(day, "incident", key=key, label=inc.label or key.replace("_", " "),
                  perpetrator=inc.perpetrator, victim=inc.victim, control=inc.control,
                  rung=inc.rung,
                  cameo=inc.cameo, goldstein=_goldstein(inc.cameo), explained=explained)

    def decision(self, day: int, actor: int, old: int, new: int, terms: np.ndarray,
                 desired: float, threat: float) -> None:
        """An actor reviewed its rung; record a move, or a hold, with its main reason."""
        reason, against = main_reason(terms, old, new)
        rung = RUNGS[new]
        self.add(day, "move" if new != old else "hold",
                  actor=list(self.scenario.actors)[actor], old=int(old), new=int(new),
                  rung_name=rung.name, act=rung.kind, cameo=rung.cameo,
                  goldstein=rung.goldstein, reason=reason,
                  reason_text=reason_text(reason, old, new, desired, threat),
                  against_utility=against, desired=round(float(desired), 2),
                  threat=round(float(threat), 2))

    def mediation(self, day: int, engaged: bool) -> None:
        """The mediator engaged or left."""
        self.add(day, "mediation", engaged=bool(engaged))

    def talks(self, day: int) -> None:
        """An explained incident opened direct talks on the hotline."""
        self.add(day, "talks", text="direct talks on the hotline after the incident")

    def summit(self, day: int, levels: list[int]) -> None:
        """A summit settled: every leader accepted."""
        names = ", ".join(f"{aid} {RUNGS[x].name}"
                          for aid, x in zip(self.scenario.actors, levels, strict=True))
        self.add(day, "settlement", levels=[int(x) for x in levels],
                 text=f"leaders settle at a summit (CAMEO 057, grievances settled): {names}")


def main_reason(terms: np.ndarray, old: int, new: int) -> tuple[str, bool]:
    """The utility term that dominated a choice, and whether the choice went against U.

    Args:
        terms: U(x) by term, shape ``(len(TERMS), N_RUNGS)``.
        old: Rung before the review.
        new: Rung chosen.

    Returns:
        ``(term name, against)``: for a move, the term with the largest gain
        ``U_t(new) − U_t(old)``; for a hold, the term with the largest loss on moving to the
        better neighbouring rung; ``"chance"`` when no term gained (a logit draw against every
        term). ``against`` is true when the total utility fell with the move.
    """
    total = terms.sum(axis=0)
    if new == old:
        neighbours = [x for x in (old - 1, old + 1) if 0 <= x < N_RUNGS]
        alt = max(neighbours, key=lambda x: total[x])
        gain = terms[:, old] - terms[:, alt]
    else:
        gain = terms[:, new] - terms[:, old]
    against = bool(total[new] < total[old])
    if gain.max() <= GAIN_TOLERANCE:
        return "chance", against
    return TERMS[int(np.argmax(gain))], against


def reason_text(reason: str, old: int, new: int, desired: float, threat: float) -> str:
    """The main reason of a choice in words, with the numbers behind the fit term."""
    words = TERM_WORDS[reason]
    if reason == "fit":
        return f"{words}: {desired:.1f} (threat seen {threat:.1f})"
    return words


def trace_run(scenario: Scenario, run: int, seed: int | None = None) -> Trace:
    """Simulate run ``run`` of ``scenario``'s ensemble alone and return its story and metrics."""
    seed = scenario.seed if seed is None else seed
    tracer = Tracer(scenario)
    _opening(tracer)
    result = simulate_chunk(scenario, seed, run, 1, tracer)
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


def _opening(tracer: Tracer) -> None:
    """Day-0 lines: where each actor stands, levers in force, day-0 events."""
    sc = tracer.scenario
    for aid, actor in sc.actors.items():
        rung = RUNGS[actor.initial_rung]
        tracer.add(0, "start", actor=aid, new=rung.level, rung_name=rung.name, cameo=rung.cameo,
                    goldstein=rung.goldstein)
    for name in type(sc.levers).model_fields:
        lever = getattr(sc.levers, name)
        if lever.enabled and lever.start_day == 0:
            tracer.note(0, "lever", f"{name.replace('_', ' ')} in force")
    for event in sc.events:
        if event.day == 0:
            tracer.note(0, "event", event.label or "scheduled change")


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
