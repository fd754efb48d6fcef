"""Changing a scenario by path: ``--set`` overrides and scheduled events.

``--set PATH=VALUE`` edits the raw data before validation, so that a bad value is reported
against the option that gave it. VALUE is read as YAML, by the rules of a scenario file: text
that YAML reads as a number or true/false (a CAMEO code, ``yes``) must be quoted, as in a file
(``--set 'incidents.arrests.cameo="173"'``).

Scheduled events (``events:`` in a scenario) change parameters on a given day: ``set`` gives a
new value, ``add`` a delta; the loader applies them all, in day order, to a copy at load time
so that an event that would break the scenario is caught before any run. The engine applies
them with :func:`apply_event`.

An ``add`` that would take a bounded parameter past its range holds it at the bound (heat 0.9
plus 0.2 stays at 1.0), so a ``--set`` near a bound never clashes with a scheduled rise;
:func:`held_at_bounds` says where that happens. A ``set`` outside the range stays an error.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from escalation_sim.scenario.dates import when
from escalation_sim.scenario.errors import (
    MISSING,
    Loc,
    ScenarioError,
    format_path,
    show_value,
    term,
)
from escalation_sim.scenario.paths import assign, parse_path, walk
from escalation_sim.scenario.priors import priors_of
from escalation_sim.scenario.schema import Event, Scenario
from escalation_sim.scenario.validate import build
from escalation_sim.scenario.yaml_io import Document, Locator, parse_yaml

EVENT_TARGETS = ("actors", "issues", "incidents", "levers", "model")
"""Sections whose parameters scheduled events may change (plus ``alliances[n].commitment`` and
``clients[n].commitment``)."""

Change = tuple[str, Any, bool]
"""One change: (dotted path, value, True if the value is a delta to add)."""


def set_source(item: str) -> str:
    """How messages name a ``--set`` item: ``--set PATH=VALUE``, shortened if long."""
    return option_source("--set", item)


def option_source(option: str, item: str) -> str:
    """How messages name an option's item (``--vary PATH=…``), shortened if long.

    In the Python API (:func:`~escalation_sim.scenario.errors.python_terms`) the argument's
    name and the item quoted: ``vary item 'PATH=…'``.
    """
    text = " ".join(item.split())
    if len(text) > SOURCE_CHARS:
        text = text[:SOURCE_CHARS - 1] + "…"
    name = term(option)
    return f"{option} {text}" if name == option else f"{name} item {text!r}"


SOURCE_CHARS = 80
"""Longest ``--set`` item shown whole in a message."""


def split_override(item: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and read VALUE as YAML (``true``, ``0.8``, ``2025-08-08``, text).

    Raises:
        ScenarioError: If there is no ``=`` or the value is not valid YAML.
    """
    source = set_source(item)
    path, sep, text = item.partition("=")
    if not sep or not path.strip():
        raise ScenarioError("expected PATH=VALUE, e.g. actors.baku.nationalism=0.8",
                            source=term("--set"), value=item)
    try:
        value, _ = parse_yaml(text, source)
    except ScenarioError as exc:  # the value is one line: its line number says nothing
        raise ScenarioError(exc.message, source=source, path=path.strip(), value=text) from None
    return path.strip(), value


def override_document(doc: Document, sets: Sequence[str]) -> None:
    """Apply ``--set`` items to a document in place, recording the option as their source.

    Raises:
        ScenarioError: If an item is malformed or its path does not exist (did-you-mean hint).
    """
    for item in sets:
        source = set_source(item)
        path, value = split_override(item)
        try:
            loc = assign(doc.data, parse_path(path), value)
        except ScenarioError as exc:
            raise exc.located(source) from None
        doc.forget(loc)
        doc.where[loc] = (source, None)


def apply_overrides(raw: dict[str, Any], sets: Sequence[str]) -> dict[str, Any]:
    """Return a copy of raw scenario data with ``--set PATH=VALUE`` items applied.

    The result still has to be validated (:func:`escalation_sim.scenario.load.load_scenario`
    does both, and reports bad values against the ``--set`` item).

    Args:
        raw: Scenario data as read from YAML.
        sets: Items such as ``"actors.baku.nationalism=0.9"`` or ``"alliances[0].commitment=1"``.

    Raises:
        ScenarioError: If an item is malformed or names a path the scenario does not have.
    """
    doc = Document(copy.deepcopy(raw), "--set")
    override_document(doc, sets)
    return doc.data


def dotted(path: str) -> str:
    """A path as ``Scenario.priors`` keys it: ``alliances.0.commitment`` -> ``alliances[0]…``.

    Ids start with a letter, so a segment of digits is always a list index.
    """
    loc = parse_path(path)
    return format_path(int(p) if isinstance(p, str) and p.isdigit() else p for p in loc)


def _event_loc(path: str) -> Loc:
    loc = parse_path(path)
    if loc[0] in ("alliances", "clients") and len(loc) == 3 and str(loc[1]).isdigit() and \
            loc[2] == "commitment":
        return loc
    if loc[0] in EVENT_TARGETS and len(loc) > 1:
        return loc
    raise ScenarioError("events may change actors.*, issues.*, incidents.*, levers.*, model.*, "
                        "alliances[n].commitment and clients[n].commitment", path=path)


def apply_changes(data: dict[str, Any], changes: Iterable[Change]) -> list[Held]:
    """Apply event changes (absolute or delta) to scenario data in place, without validating.

    Returns:
        The ``add`` changes that were held at a bound of their parameter's range.

    Raises:
        ScenarioError: If a path may not be changed by events or does not exist, or ``add`` is
            used on a value that is not a number.
    """
    held: list[Held] = []
    for path, value, is_add in changes:
        loc = _event_loc(path)
        if is_add:
            node, current = walk(data, loc)[-1]
            if not node.numeric or current is MISSING or isinstance(current, bool):
                raise ScenarioError(f"'add' needs a numeric parameter; this one is "
                                    f"{node.type_text()} (use 'set')", path=path)
            value = current + value
            lo, hi = node.bounds
            bound = lo if lo is not None and value < lo else \
                hi if hi is not None and value > hi else None
            if bound is not None:
                value = bound
                held.append((path, bound))
            if node.base is int and float(value).is_integer():
                value = int(value)
        assign(data, loc, value)
    return held


Held = tuple[str, float]
"""An ``add`` held at a bound: (dotted path, the bound it was held at)."""


def held_note(path: str, bound: float) -> str:
    """``"corridors heat held at 1.0"``: the path in words (its section left out), the bound."""
    loc = parse_path(path)
    words = " ".join(str(p).replace("_", " ") for p in loc[1:]) if len(loc) > 1 else path
    shown = f"{bound:.1f}" if float(bound).is_integer() else f"{bound:g}"
    return f"{words} held at {shown}"


def held_at_bounds(scenario: Scenario) -> list[dict[str, Any]]:
    """Where the scenario's events hold a parameter at a bound, in the order they happen.

    Each entry: ``{"day", "path", "value", "note", "text"}``: ``note`` as :func:`held_note`
    puts it, ``text`` the same after the day in the form the file gave it (``"day 38: corridors
    heat held at 1.0"``, or ``"2025-11-15: …"`` for an event written with a date).
    Events are applied in day order (file order within a day), as the engine applies them.
    """
    found: list[dict[str, Any]] = []
    if not scenario.events:
        return found
    data = scenario.model_dump()
    for event in sorted(scenario.events, key=lambda e: e.day):
        for path, bound in apply_changes(data, event_changes(event)):
            note = held_note(path, bound)
            found.append({"day": event.day, "path": path, "value": bound, "note": note,
                          "text": f"{when(event.day, event.date)}: {note}"})
    return found


def event_changes(event: Event) -> list[Change]:
    """The changes an event makes, ``set`` before ``add``."""
    return [(p, v, False) for p, v in event.set.items()] + \
        [(p, v, True) for p, v in event.add.items()]


def check_events(scenario: Scenario, locate: Locator) -> None:
    """Apply every event, in day order, to a copy and check each change leaves a valid scenario.

    An event whose changes are all numbers at distinct paths is checked with one build: every
    check a number takes part in is on that number alone (its range), so the scenario is valid
    after each of its changes exactly when it is after the whole event. Only if that fails are
    the changes checked one at a time, to say which one breaks it.

    Raises:
        ScenarioError: At the event key (``events[n].set.PATH``) that breaks the scenario.
    """
    if scenario.events and not _valid_after_each_event(scenario):
        _check_each_change(scenario, locate)


def _valid_after_each_event(scenario: Scenario) -> bool:
    """Whether each event leaves a valid scenario, checked whole.

    ``False`` also when an event has changes other than numbers at distinct paths: those are
    checked one at a time.
    """
    data = scenario.model_dump()
    try:
        for event in sorted(scenario.events, key=lambda e: e.day):
            changes = event_changes(event)
            paths = {_event_loc(path) for path, _, _ in changes}
            if len(paths) < len(changes) or not all(
                    isinstance(value, int | float) and not isinstance(value, bool)
                    for _, value, _ in changes):
                return False
            apply_changes(data, changes)
            build(data, lambda _loc: (None, None), priors=False)
    except ScenarioError:
        return False
    return True


def _check_each_change(scenario: Scenario, locate: Locator) -> None:
    data = scenario.model_dump()
    order = sorted(range(len(scenario.events)), key=lambda n: scenario.events[n].day)
    for n in order:
        event = scenario.events[n]
        for path, value, is_add in event_changes(event):
            loc = ("events", n, "add" if is_add else "set", path)
            source, line = locate(loc)
            try:
                apply_changes(data, [(path, value, is_add)])
                build(data, lambda _loc: (None, None), priors=False)
            except ScenarioError as exc:
                if exc.value is MISSING:  # a bad path: say so at the event key
                    message = f"{exc.path} — {exc.message}" if exc.path != path else exc.message
                else:
                    message = (f"on {when(event.day, event.date)} this makes {exc.path} "
                               f"{show_value(exc.value)}, which {exc.message}")
                raise ScenarioError(message, source=source, line=line, path=format_path(loc),
                                    value=value) from None


def apply_event(scenario: Scenario, event: Event) -> Scenario:
    """A new, validated scenario with the event's changes (``set`` absolute, ``add`` delta).

    Apply a scenario's events in day order (file order within a day), as the loader checks them.
    A path the event ``set``s loses its distribution (the event's number holds from its day
    on); one it ``add``s to keeps it (the median in the scenario shifted by the event).

    Raises:
        ScenarioError: If the changes do not leave a valid scenario.
    """
    label = f"event on {when(event.day, event.date)}" + (f" ({event.label})" if event.label
                                                            else "")
    return _changed(scenario, event_changes(event), label)


def _changed(scenario: Scenario, changes: Iterable[Change], label: str) -> Scenario:
    changes = list(changes)
    data = scenario.model_dump()
    try:
        apply_changes(data, changes)
    except ScenarioError as exc:
        raise exc.located(label) from None
    new = build(data, lambda _loc: (label, None), label, priors=False)
    fixed = {dotted(path) for path, _, is_add in changes if not is_add}
    new._priors = {p: d for p, d in scenario.priors.items() if p not in fixed}
    return new


def resolve_path(scenario: Scenario, path: str) -> Any:
    """The value at a dotted path, e.g. ``resolve_path(s, "actors.baku.nationalism")``.

    Raises:
        ScenarioError: If the path does not exist (with a did-you-mean hint).
    """
    return walk(scenario, parse_path(path))[-1][1]


def set_path(scenario: Scenario, path: str, value: Any) -> None:
    """Set the value at a dotted path in place; the whole scenario is validated again.

    Use it on a copy (``scenario.model_copy(deep=True)``); it accepts the same paths as ``--set``.

    Raises:
        ScenarioError: If the path does not exist or the value is not allowed; ``scenario`` is
            then unchanged.
    """
    new = with_values(scenario, {path: value})
    scenario.__dict__.update(new.__dict__)
    scenario._priors = new.priors


def with_values(scenario: Scenario, values: Mapping[str, Any],
                source: str | None = None) -> Scenario:
    """A new, validated scenario with the values at the given dotted paths replaced.

    A path that had a distribution (``scenario.priors``) gets the new value instead: a number
    fixes it (:func:`fix`), a distribution
    (``{"uniform": [0.5, 0.7]}``) replaces it. The other distributions are kept.

    Args:
        scenario: The scenario to start from (left unchanged).
        values: Dotted path -> new value, as for ``--set``.
        source: Named in error messages (e.g. ``"--vary actors.baku.nationalism=0:1:5"``).

    Raises:
        ScenarioError: A path does not exist, a value is not allowed, or a scheduled event
            would take a parameter out of its range.
    """
    data = scenario.model_dump()
    written = set()
    try:
        for path, value in values.items():
            written.add(format_path(assign(data, parse_path(path), value)))
    except ScenarioError as exc:
        raise exc.located(source) from None
    new = build(data, lambda _loc: (source, None), source or "")
    check_events(new, lambda _loc: (source, None))
    kept = {p: d for p, d in scenario.priors.items() if p not in written}
    new._priors = dict(sorted({**kept, **new.priors}.items()))
    return new


def fix(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """A copy with the given paths set to plain numbers (their distributions removed)."""
    return with_values(scenario, values)


def point_valued(scenario: Scenario) -> Scenario:
    """A copy with every uncertain parameter fixed at its median: one number each, as before."""
    return fix(scenario, {path: d.central() for path, d in priors_of(scenario).items()})
