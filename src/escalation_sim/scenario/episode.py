"""Episodes: dated records of real crises that a backtest scores the model against.

An episode file (YAML, see ``docs/episodes.md``) names the scenario it starts from, the changes
that put that scenario at the episode's start (``set``), the trigger incident, the window
(``start_date`` .. ``end_date``) and the observed events, each with its actor, target, rung (or
CAMEO code) and source. Events that are instances of one of the scenario's incident types carry
``incident: <type>``: like the model's incidents, they are not counted as chosen rungs.

Problems are :class:`ScenarioError` lines naming the file and line, the key path, the value and
what is allowed, as for scenarios.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, StringConstraints, ValidationError

from escalation_sim.engine.monthly import month_of_day
from escalation_sim.model.ladder import ENGAGEMENT, LIMITED_FORCE, N_RUNGS, rung_of_cameo
from escalation_sim.scenario import bundled
from escalation_sim.scenario.edit import check_events, override_document
from escalation_sim.scenario.errors import MISSING, Loc, ScenarioError, did_you_mean, format_path
from escalation_sim.scenario.load import load_document
from escalation_sim.scenario.schema import Key, Label, Scenario, Strict
from escalation_sim.scenario.validate import build
from escalation_sim.scenario.yaml_io import Document, read_document, read_file

Cameo = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
Text = Annotated[str, StringConstraints(max_length=2000)]


class ObservedEvent(Strict):
    """One dated act of one actor towards another."""

    date: dt.date = Field(description="Day of the act (YYYY-MM-DD), within the episode window.")
    actor: str = Field(description="Who acted: a scenario actor id or an alias from `actors`.")
    target: str = Field(description="Towards whom: a scenario actor id or an alias.")
    rung: int | None = Field(None, ge=0, le=N_RUNGS - 1, strict=True,
                             description="Ladder rung 0-9 (default: the rung of `cameo`).")
    cameo: Cameo | None = Field(None, description="CAMEO event code, e.g. '161'.")
    incident: Key | None = Field(None, description="The scenario's incident type this act is an "
                                                   "instance of (then not a chosen rung).")
    event: Text = Field("", description="What happened.")
    source: Text = Field("", description="Where it is reported (URL).")
    kind: Literal["declaratory", "material"] | None = Field(
        None, description="Words (declaratory) or deeds (material); docs/episodes.md, coding "
                          "protocol. Recorded for the monthly reading; not yet scored.")
    chosen: Literal["leadership", "uncontrolled", "external"] | None = Field(
        None, description="Who chose the act: the leadership, towards the other side; no one in "
                          "control (security services, third parties, accidents); or the "
                          "leadership, aimed elsewhere. The last two are incidents.")
    ends: dt.date | Literal["open"] | None = Field(
        None, description="For a measure that stays in force (a ban, a closure, a suspension): "
                          "the day its lifting is recorded, or 'open' if the record holds none.")


class Trigger(Strict):
    """The incident that opens the episode, on its start date."""

    incident: Key = Field(description="An incident type of the scenario.")
    event: Text = Field("", description="What happened.")
    source: Text = Field("", description="Where it is reported (URL).")


class Episode(Strict):
    """A dated record of a real crisis and the scenario it starts from."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Short name shown in reports.")
    description: Annotated[str, StringConstraints(max_length=5000)] = Field("")
    sources: list[Text] = Field(default_factory=list, description="Citations for the record.")
    scenario: Label = Field(description="Scenario file (relative to the episode) or the name "
                                        "of a bundled scenario, e.g. 'base'.")
    set: dict[str, Any] = Field(default_factory=dict,
                                description="Dotted scenario paths and their values at the start.")
    start_date: dt.date = Field(description="First day of the episode (day 0).")
    end_date: dt.date = Field(description="Last day of the episode.")
    actors: dict[str, str] = Field(default_factory=dict,
                                   description="Aliases used in events -> scenario actor ids.")
    trigger: Trigger | None = None
    events: list[ObservedEvent] = Field(min_length=1, max_length=10_000)


@dataclass(frozen=True)
class Observed:
    """The observed path by calendar month (month 0 holds ``start_date``).

    Attributes:
        month_max: (A, M) each actor's highest chosen rung in each month.
        force_by: (M,) whether some actor had chosen force by the end of each month.
        engaged_by: (M,) whether the higher rung had been at engagement or better by then.
        start: (A,) the rungs at the start (persistence carries them forward).
        labels: (M,) ``YYYY-MM`` of each month.
    """

    month_max: np.ndarray
    force_by: np.ndarray
    engaged_by: np.ndarray
    start: np.ndarray
    labels: list[str]


@dataclass(frozen=True)
class LoadedEpisode:
    """An episode with the scenario it starts from, ready to simulate."""

    episode: Episode
    scenario: Scenario
    source: str

    @property
    def days(self) -> int:
        """Days in the window, both ends included."""
        return (self.episode.end_date - self.episode.start_date).days + 1

    def observed(self) -> Observed:
        """The observed monthly path (docs/episodes.md: an act's rung stands until the next)."""
        ids = list(self.scenario.actors)
        start = np.array([a.initial_rung for a in self.scenario.actors.values()])
        months = month_of_day(self.episode.start_date, self.days)
        standing = start.copy()
        day_max = np.zeros((len(ids), self.days), dtype=np.int64)
        day_top = np.zeros(self.days, dtype=np.int64)
        acts = [e for e in self.episode.events if e.incident is None]
        alias = self.episode.actors
        for t in range(self.days):
            high = standing.copy()
            date = self.episode.start_date + dt.timedelta(days=t)
            for e in (e for e in acts if e.date == date):
                a = ids.index(alias.get(e.actor, e.actor))
                standing[a] = event_rung(e)
                high[a] = max(high[a], standing[a])
            day_max[:, t] = high
            day_top[t] = standing.max()
        m = int(months[-1]) + 1
        month_max = np.stack([day_max[:, months == k].max(axis=1) for k in range(m)], axis=1)
        top_max = np.array([day_max[:, months == k].max() for k in range(m)])
        top_min = np.array([day_top[months == k].min() for k in range(m)])
        first = self.episode.start_date
        labels = [f"{first.year + (first.month - 1 + k) // 12}-"
                  f"{(first.month - 1 + k) % 12 + 1:02d}" for k in range(m)]
        return Observed(month_max, np.maximum.accumulate(top_max >= LIMITED_FORCE),
                        np.maximum.accumulate(top_min <= ENGAGEMENT), start, labels)


def event_rung(event: ObservedEvent) -> int:
    """The rung of an observed event: its own, or its CAMEO code's."""
    if event.rung is not None:
        return event.rung
    assert event.cameo is not None  # checked on loading
    return rung_of_cameo(event.cameo)


def load_episode(path: str | Path) -> LoadedEpisode:
    """Read, validate and prepare an episode file (or a bundled episode by name).

    Raises:
        ScenarioError: The first problem, in one line (file:line, key path, value, allowed).
    """
    path = find_episode(path)
    if path.is_dir():
        raise ScenarioError("is a folder; give an episode file (YAML, docs/episodes.md) or a "
                            "bundled episode's name (escsim list)", source=str(path))
    if path.suffix not in (".yaml", ".yml"):
        raise ScenarioError("an episode for backtest is a YAML file (docs/episodes.md); a CSV "
                            "record must be converted first", source=str(path))
    doc = read_document(read_file(path), str(path))
    try:
        episode = Episode.model_validate(doc.data)
    except ValidationError as exc:
        raise _translate(exc.errors(include_url=False)[0], doc) from None
    scenario = episode_scenario(episode, doc, path.parent)
    check_episode(episode, scenario, doc)
    return LoadedEpisode(episode, scenario, str(path))


def find_episode(name: str | Path) -> Path:
    """The episode file ``name``, or the bundled episode of that name (``.yaml`` optional)."""
    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml") and path.parent != Path():
        return path
    files = {p.stem: p for p in bundled.episode_files() if p.suffix == ".yaml"}
    stem = path.name.removesuffix(".yaml")
    if stem in files:
        return files[stem]
    hint = did_you_mean(stem, files, what="bundled episodes")
    raise ScenarioError(f"no such file or bundled episode; {hint}", value=str(name))


def _at(doc: Document, loc: Loc, message: str, value: Any = MISSING) -> ScenarioError:
    source, line = doc.locate(loc)
    return ScenarioError(message, source=source, path=format_path(loc), line=line, value=value)


def _translate(error: dict[str, Any], doc: Document) -> ScenarioError:
    loc = tuple(p for p in error["loc"] if p != "[key]")
    kind, value = error["type"], error.get("input", MISSING)
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        hint = did_you_mean(str(loc[-1]), model.model_fields if model else (), what="keys")
        return _at(doc, loc, f"unknown key; {hint}")
    if kind == "missing":
        model = _model_at(loc[:-1])
        field = model.model_fields.get(str(loc[-1])) if model else None
        what = f" ({field.description})" if field and field.description else ""
        return _at(doc, loc, f"required key is missing{what}")
    if kind in ("string_pattern_mismatch", "string_type") and loc[-1] == "cameo":
        return _at(doc, loc, "must be a CAMEO code of 2-4 digits in quotes, e.g. '161'", value)
    if kind == "string_pattern_mismatch" and loc[-1] == "incident":
        return _at(doc, loc, "must be an incident id (lower case, digits, _)", value)
    if loc and loc[-1] == "rung":
        return _at(doc, loc, f"must be a whole rung from 0 to {N_RUNGS - 1}", value)
    return _at(doc, loc, error["msg"].lower(), value)


def _model_at(loc: Loc) -> type[Strict] | None:
    model: type[Strict] | None = Episode
    for part in loc:
        if isinstance(part, int):
            continue
        if model is Episode and part == "events":
            model = ObservedEvent
        elif model is Episode and part == "trigger":
            model = Trigger
        else:
            return None
    return model


WINDOW_KEYS = ("start_date", "horizon_days")
"""Scenario keys an episode's ``set`` may not change: the episode's window fixes them."""


def episode_scenario(episode: Episode, doc: Document, folder: Path) -> Scenario:
    """The scenario of ``episode``, moved to its start.

    The scenario's scheduled events keep their calendar dates (their days are shifted; those
    after the episode's end are dropped, those before its start act on day 0), its
    ``start_date`` and ``horizon_days`` become the episode's window, the ``set`` changes are
    applied, and the trigger's victim starts with the trigger's severity as grievance.
    """
    if episode.end_date < episode.start_date:
        raise _at(doc, ("end_date",), f"must not be before start_date {episode.start_date}",
                  episode.end_date)
    for key in WINDOW_KEYS:
        if key in episode.set:
            raise _at(doc, ("set", key), "is fixed by the episode's start_date and end_date; "
                      "remove it from set", episode.set[key])
    ref = episode.scenario
    path = folder / ref
    try:
        base_doc = load_document(path if path.is_file() else bundled.find_scenario(ref))
    except ScenarioError as exc:
        if exc.source is not None:
            raise
        raise _at(doc, ("scenario",), exc.message, ref) from None
    data = base_doc.data
    old_start = data.get("start_date")
    shift = (old_start - episode.start_date).days if isinstance(old_start, dt.date) else 0
    days = (episode.end_date - episode.start_date).days + 1
    events = []
    for event in data.get("events") or []:
        if isinstance(event, dict) and isinstance(event.get("day"), int):
            event["day"] = max(0, event["day"] + shift)
            if event["day"] >= days:
                continue  # after the episode's end
        events.append(event)
    if "events" in data:
        data["events"] = events
    data["start_date"] = episode.start_date
    data["horizon_days"] = days
    for key, value in episode.set.items():
        try:
            override_document(base_doc, [f"{key}={json.dumps(value, default=str)}"])
        except ScenarioError as exc:
            raise _at(doc, ("set", key), exc.message, value) from None
    if episode.trigger is not None:
        incident = data.get("incidents", {}).get(episode.trigger.incident)
        if not isinstance(incident, dict):
            hint = did_you_mean(episode.trigger.incident, data.get("incidents", {}),
                                what="incident types")
            raise _at(doc, ("trigger", "incident"), f"not an incident type of the scenario; "
                      f"{hint}", episode.trigger.incident)
        victim = data["actors"].get(incident.get("victim"), {})
        victim["initial_grievance"] = victim.get("initial_grievance", 0.0) + \
            incident.get("severity", 1.0)
    try:
        scenario = build(data, base_doc.locate, base_doc.source)
        check_events(scenario, base_doc.locate)
    except ScenarioError as exc:
        key = (exc.source or "").removeprefix("--set ").partition("=")[0]
        if exc.source and exc.source.startswith("--set ") and key in episode.set:
            raise _at(doc, ("set", key), exc.message, episode.set[key]) from None
        raise ScenarioError(f"the scenario moved to the episode's start is not valid: "
                            f"{exc}", source=doc.source, path="scenario", value=ref) from None
    return scenario


def check_episode(episode: Episode, scenario: Scenario, doc: Document) -> None:
    """Cross-checks: dates in the window, known actors and incident types, valid CAMEO codes."""
    if episode.end_date < episode.start_date:
        raise _at(doc, ("end_date",), f"must not be before start_date {episode.start_date}",
                  episode.end_date)
    ids = list(scenario.actors)
    for alias, actor in episode.actors.items():
        if actor not in ids:
            raise _at(doc, ("actors", alias), f"not an actor of the scenario; "
                      f"{did_you_mean(actor, ids, what='actors')}", actor)
    names = ids + list(episode.actors)
    for n, e in enumerate(episode.events):
        loc: Loc = ("events", n)
        if not episode.start_date <= e.date <= episode.end_date:
            raise _at(doc, (*loc, "date"), f"outside the episode window {episode.start_date} "
                      f"to {episode.end_date}", e.date)
        for key in ("actor", "target"):
            who = getattr(e, key)
            if who not in names:
                raise _at(doc, (*loc, key), f"unknown actor; "
                          f"{did_you_mean(who, names, what='actors')}", who)
        if episode.actors.get(e.actor, e.actor) == episode.actors.get(e.target, e.target):
            raise _at(doc, (*loc, "target"), "must differ from the actor", e.target)
        if e.cameo is not None:
            try:
                rung_of_cameo(e.cameo)
            except KeyError:
                raise _at(doc, (*loc, "cameo"), "not a code in the CAMEO/Goldstein table "
                          "(e.g. 161 reduce relations, 163 embargo, 173 arrest)",
                          e.cameo) from None
        elif e.rung is None:
            raise _at(doc, loc, "each event needs a rung (0-9) or a CAMEO code")
        if isinstance(e.ends, dt.date) and not e.date <= e.ends <= episode.end_date:
            raise _at(doc, (*loc, "ends"), f"must lie between the act's date {e.date} and the "
                      f"episode's end {episode.end_date} (or be 'open')", e.ends)
        if e.chosen is not None and (e.chosen == "leadership") != (e.incident is None):
            need = "no `incident:`" if e.chosen == "leadership" else "an `incident:` type"
            raise _at(doc, (*loc, "chosen"), f"an act chosen '{e.chosen}' takes {need} "
                      "(docs/episodes.md, coding protocol)", e.chosen)
        if e.incident is not None and e.incident not in scenario.incidents:
            raise _at(doc, (*loc, "incident"), f"not an incident type of the scenario; "
                      f"{did_you_mean(e.incident, scenario.incidents, what='incident types')}",
                      e.incident)
