"""Episodes: dated records of real crises that a backtest scores the model against.

An episode file (YAML, see ``docs/episodes.md``) names the scenario it starts from, the changes
that put that scenario at the episode's start (``set``), the trigger incident, the window
(``start_date`` .. ``end_date``) and the observed events, each with its actor, target, rung (or
CAMEO code) and source. Events that are instances of one of the scenario's incident types carry
``incident: <type>``: like the model's incidents, they are not counted as chosen rungs.

The observed monthly path (:func:`read_path`, docs/episodes.md §6) reads each actor's month as
the highest of its chosen acts dated in the month and its measures in force (``ends``), or its
starting rung when there are none; :func:`force_by_month` and :func:`engaged_by_month` read the
two events from monthly rungs, observed or simulated alike.

Problems are :class:`ScenarioError` lines naming the file and line, the key path, the value and
what is allowed, as for scenarios.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from escalation_sim.model.ladder import (
    DIPLOMATIC_RETALIATION,
    ENGAGEMENT,
    LIMITED_FORCE,
    N_RUNGS,
    rung_of_cameo,
)
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

    model_config = ConfigDict(strict=True)  # a quoted date is text, a number is not a name

    date: dt.date = Field(description="Day of the act (YYYY-MM-DD), within the episode window.")
    actor: str = Field(description="Who acted: a scenario actor id or an alias from `actors`.")
    target: str = Field(description="Towards whom: a scenario actor id or an alias.")
    rung: int | None = Field(None, ge=0, le=N_RUNGS - 1, strict=True,
                             description="Ladder rung 0-9 (default: the rung of `cameo`).")
    cameo: Cameo | None = Field(None, description="CAMEO event code, e.g. '161'.")
    incident: Key | None = Field(None, description="The scenario's incident type this act is an "
                                                   "instance of (then not a chosen rung).")
    event: Text = Field("", description="What happened.")
    source: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="Where it is reported: a public source (URL).")
    kind: Literal["declaratory", "material"] | None = Field(
        None, description="Words (declaratory) or deeds (material); docs/episodes.md, coding "
                          "protocol §4. Default: from the CAMEO root.")
    chosen: Literal["leadership", "uncontrolled", "external"] | None = Field(
        None, description="Who chose the act: the leadership, towards the other side; no one in "
                          "control (security services, third parties, accidents); or the "
                          "leadership, aimed elsewhere. The last two are incidents.")
    ends: dt.date | Literal["open"] | None = Field(
        None, description="For a measure that stays in force (a ban, a closure, a suspension): "
                          "the day its lifting is recorded, or 'open' if the record holds none.")
    leaders: bool = Field(False, description="The act is a meeting in person of the two sides' "
                                             "heads of state or government (docs/episodes.md "
                                             "§7).")


class Trigger(Strict):
    """The incident that opens the episode, on its start date."""

    model_config = ConfigDict(strict=True)

    incident: Key = Field(description="An incident type of the scenario.")
    event: Text = Field("", description="What happened.")
    source: Text = Field("", description="Where it is reported (URL).")


class Episode(Strict):
    """A dated record of a real crisis and the scenario it starts from."""

    model_config = ConfigDict(strict=True)

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


NONE = -1
"""In ``Observed.material`` and ``Observed.declaratory``: no such act or measure that month."""


def force_by_month(rungs: np.ndarray) -> np.ndarray:
    """Whether some actor has read force (rung >= 8) in some month up to each month.

    Args:
        rungs: Monthly rungs ``(..., A, M)``, observed (``Observed.rung``) or simulated.

    Returns:
        ``(..., M)`` booleans.
    """
    return np.maximum.accumulate(np.asarray(rungs).max(axis=-2) >= LIMITED_FORCE, axis=-1)


def engaged_by_month(rungs: np.ndarray) -> np.ndarray:
    """Whether, in some month up to each month, every actor read engagement or better (<= 1).

    Args:
        rungs: Monthly rungs ``(..., A, M)``, observed (``Observed.rung``) or simulated.

    Returns:
        ``(..., M)`` booleans.
    """
    return np.maximum.accumulate(np.asarray(rungs).max(axis=-2) <= ENGAGEMENT, axis=-1)


@dataclass(frozen=True)
class Observed:
    """The observed path by calendar month (month 0 holds ``start_date``; docs/episodes.md §6).

    Attributes:
        rung: (A, M) the observed rung R(a, m) = max(M, D), or the starting rung when the actor
            neither acted nor kept a measure in force that month.
        start: (A,) the rungs at the start (persistence carries them forward).
        labels: (M,) ``YYYY-MM`` of each month.
        material: (A, M) M(a, m), the highest chosen material act or measure in force; ``NONE``
            (-1) where there is none. ``None`` when the path was not read from a record.
        declaratory: (A, M) D(a, m), the highest chosen declaratory act; ``NONE`` where none.
        incidents: (A, M) how many incidents (``uncontrolled`` or ``external`` acts) the actor
            is named for in each month; never part of R.
        imposed: (A, M) the actor's chosen material acts from diplomatic retaliation up (deeds:
            measures and one-off acts) dated in each month.
        lifted: (A, M) the actor's measures whose lifting is recorded in each month.
        meeting: (M,) whether the leaders met in person in each month (an act marked
            ``leaders: true``, §7).
    """

    rung: np.ndarray
    start: np.ndarray
    labels: list[str]
    material: np.ndarray | None = None
    declaratory: np.ndarray | None = None
    incidents: np.ndarray | None = None
    imposed: np.ndarray | None = None
    lifted: np.ndarray | None = None
    meeting: np.ndarray | None = None

    @property
    def met_by(self) -> np.ndarray | None:
        """(M,) the leaders had met in person by the end of each month (``None``: not read)."""
        return None if self.meeting is None else np.maximum.accumulate(self.meeting)

    @property
    def month_max(self) -> np.ndarray:
        """(A, M) the observed rungs, ``rung`` (the name the simulated arrays use)."""
        return self.rung

    @property
    def force_by(self) -> np.ndarray:
        """(M,) some actor had read force (rung >= 8) by the end of each month."""
        return force_by_month(self.rung)

    @property
    def engaged_by(self) -> np.ndarray:
        """(M,) in some month up to each month, every actor read engagement or better (<= 1)."""
        return engaged_by_month(self.rung)


def month_labels(first: dt.date, months: int) -> list[str]:
    """``YYYY-MM`` of ``months`` calendar months from ``first``'s month."""
    return [f"{first.year + (first.month - 1 + k) // 12}-{(first.month - 1 + k) % 12 + 1:02d}"
            for k in range(months)]


def _month(first: dt.date, day: dt.date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def is_chosen(event: ObservedEvent) -> bool:
    """Whether the act is the leadership's choice towards the other side (not an incident).

    ``chosen: leadership`` or, where ``chosen`` is not given, no ``incident:`` type (§3).
    """
    if event.chosen is not None:
        return event.chosen == "leadership"
    return event.incident is None


def act_kind(event: ObservedEvent) -> Literal["declaratory", "material"]:
    """Words or deeds (§4): ``kind`` if given, else from the CAMEO root, else from the rung.

    CAMEO roots 01-05 and 10-14 are declaratory, 06-09 and 15-20 material; an act with a rung
    and no code is material from rung 4 (diplomatic retaliation) up, declaratory below.
    """
    if event.kind is not None:
        return event.kind
    if event.cameo is not None:
        return "declaratory" if int(event.cameo[:2]) in DECLARATORY_ROOTS else "material"
    return "material" if event_rung(event) >= 4 else "declaratory"


DECLARATORY_ROOTS = frozenset((1, 2, 3, 4, 5, 10, 11, 12, 13, 14))
"""CAMEO root codes of words rather than deeds (docs/episodes.md §4)."""


def read_path(episode: Episode, ids: list[str], start: np.ndarray) -> Observed:
    """The observed monthly path of an episode's record (docs/episodes.md §6).

    For actor a and month m: M(a, m) is the highest rung among a's chosen material acts dated
    in m and a's measures in force on some day of m (from the act's date to the day before
    ``ends``; ``open`` to the end of the window; an act without ``ends`` is a one-off); D(a, m)
    the highest rung among a's chosen declaratory acts dated in m; R(a, m) = max(M, D), or the
    starting rung when there is neither. Incidents are counted apart and never enter R.

    Args:
        episode: The validated record (dates in the window, known actors).
        ids: The scenario's actor ids, in order.
        start: (A,) the actors' starting rungs.
    """
    first, last = episode.start_date, episode.end_date
    months = _month(first, last) + 1
    shape = (len(ids), months)
    material = np.full(shape, NONE, dtype=np.int64)
    declaratory = np.full(shape, NONE, dtype=np.int64)
    incidents = np.zeros(shape, dtype=np.int64)
    imposed = np.zeros(shape, dtype=np.int64)
    lifted = np.zeros(shape, dtype=np.int64)
    meeting = np.zeros(months, dtype=bool)
    for e in episode.events:
        a = ids.index(episode.actors.get(e.actor, e.actor))
        m = _month(first, e.date)
        meeting[m] |= e.leaders
        if not is_chosen(e):
            incidents[a, m] += 1
            continue
        r = event_rung(e)
        if act_kind(e) == "declaratory":
            declaratory[a, m] = max(declaratory[a, m], r)
            continue
        if r >= DIPLOMATIC_RETALIATION:
            imposed[a, m] += 1
        if isinstance(e.ends, dt.date):
            lifted[a, _month(first, e.ends)] += 1
        if e.ends is None:
            until = m
        elif e.ends == "open":
            until = months - 1
        else:  # in force to the day before its lifting; the act itself counts in its month
            until = max(m, _month(first, e.ends - dt.timedelta(days=1)))
        material[a, m:until + 1] = np.maximum(material[a, m:until + 1], r)
    high = np.maximum(material, declaratory)
    rung = np.where(high == NONE, np.asarray(start, dtype=np.int64)[:, None], high)
    return Observed(rung, np.asarray(start, dtype=np.int64), month_labels(first, months),
                    material, declaratory, incidents, imposed, lifted, meeting)


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
        """The observed monthly path (docs/episodes.md §6, :func:`read_path`)."""
        start = np.array([a.initial_rung for a in self.scenario.actors.values()])
        return read_path(self.episode, list(self.scenario.actors), start)


def event_rung(event: ObservedEvent) -> int:
    """The rung of an observed event: its own, or its CAMEO code's."""
    if event.rung is not None:
        return event.rung
    assert event.cameo is not None  # checked on loading
    return rung_of_cameo(event.cameo)


def load_episode(path: str | Path, *, calibrated: bool = True) -> LoadedEpisode:
    """Read, validate and prepare an episode file (or a bundled episode by name).

    With ``calibrated=False`` the scenario's ``calibration:`` is not applied: the scenario with
    its own values (what a calibration fits from, and the leave-one-out's "uncalibrated").

    Raises:
        ScenarioError: The first problem, in one line (file:line, key path, value, allowed).
    """
    path = find_episode(path)
    if os.path.isdir(path):
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
    scenario = episode_scenario(episode, doc, path.parent, calibrated=calibrated)
    check_episode(episode, scenario, doc)
    return LoadedEpisode(episode, scenario, str(path))


def find_episode(name: str | Path) -> Path:
    """The episode file ``name``, or the bundled episode of that name (``.yaml`` optional)."""
    path = Path(name)
    try:
        if os.path.lexists(path) or path.suffix in (".yaml", ".yml") and path.parent != Path():
            return path
    except (OSError, ValueError) as exc:  # a name too long, or with a NUL byte
        raise ScenarioError(f"cannot be looked up ({getattr(exc, 'strerror', None) or exc}); "
                            "give an episode file or a bundled episode's name (escsim list)",
                            value=str(name)) from None
    files = {p.stem: p for p in bundled.episode_files() if p.suffix == ".yaml"}
    stem = path.name.removesuffix(".yaml")
    if stem in files:
        return files[stem]
    hint = did_you_mean(stem, files, what="bundled episodes")
    raise ScenarioError(f"no such file or bundled episode; {hint}", value=str(name))


def _at(doc: Document, loc: Loc, message: str, value: Any = MISSING) -> ScenarioError:
    source, line = doc.locate(loc)
    return ScenarioError(message, source=source, path=format_path(loc), line=line, value=value)


def _translate(error: ErrorDetails, doc: Document) -> ScenarioError:
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
    if loc and loc[-1] == "source" and "events" in loc:
        return _at(doc, loc, "each act needs a public source (a URL)", value)
    if loc and loc[-1] == "rung":
        return _at(doc, loc, f"must be a whole rung from 0 to {N_RUNGS - 1}", value)
    if kind.startswith(("date_", "datetime_")) or (kind == "literal_error" and "ends" in loc):
        return _at(doc, loc, "must be a date written as YYYY-MM-DD without quotes (e.g. "
                   "2025-07-01)" + (", or 'open'" if "ends" in loc else ""), value)
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


def episode_scenario(episode: Episode, doc: Document, folder: Path, *,
                     calibrated: bool = True) -> Scenario:
    """The scenario of ``episode``, moved to its start.

    The scenario's scheduled events keep their calendar dates (their days are shifted; those
    after the episode's end are dropped, those before its start act on day 0), its
    ``start_date`` and ``horizon_days`` become the episode's window, the ``set`` changes are
    applied, and the scenario opens with the trigger: its incident strikes on day 0 (``opening``).
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
        try:
            here = bool(ref) and os.path.lexists(path)  # a file, or a pipe read_file refuses
        except (OSError, ValueError):
            here = False
        base_doc = load_document(path if here else bundled.find_scenario(ref),
                                 calibrated=calibrated)
        # the scenario as written must be valid before it is moved to the episode's start
        written = build(copy.deepcopy(base_doc.data), base_doc.locate, base_doc.source)
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
        incident = written.incidents.get(episode.trigger.incident)
        if incident is None:
            hint = did_you_mean(episode.trigger.incident, written.incidents,
                                what="incident types")
            raise _at(doc, ("trigger", "incident"), f"not an incident type of the scenario; "
                      f"{hint}", episode.trigger.incident)
        data["opening"] = [*data.get("opening", []), episode.trigger.incident]
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


def _number(value: Any, otherwise: float) -> float:
    """``value`` if it is a number, else ``otherwise`` (e.g. a distribution's median)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return otherwise


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
        if e.ends is not None and act_kind(e) == "declaratory":
            raise _at(doc, (*loc, "ends"), "only a material act puts a measure in force; a "
                      "declaratory act takes no `ends` (docs/episodes.md, coding protocol §5)",
                      e.ends)
        if e.chosen is not None and (e.chosen == "leadership") != (e.incident is None):
            need = "no `incident:`" if e.chosen == "leadership" else "an `incident:` type"
            raise _at(doc, (*loc, "chosen"), f"an act chosen '{e.chosen}' takes {need} "
                      "(docs/episodes.md, coding protocol)", e.chosen)
        if e.incident is not None and e.incident not in scenario.incidents:
            raise _at(doc, (*loc, "incident"), f"not an incident type of the scenario; "
                      f"{did_you_mean(e.incident, scenario.incidents, what='incident types')}",
                      e.incident)
