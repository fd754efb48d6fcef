"""Turn scenario data into a :class:`Scenario`, or into one clear :class:`ScenarioError`.

Pydantic checks types, ranges and unknown keys; its errors are translated here into one line
that names the file and line, the key path, the bad value and what the field allows (its range,
unit and meaning, read from the schema). Checks that need the whole scenario follow: actor
references (raised by the schema as ``ReferenceProblem``), CAMEO codes of incidents, and
issues that leave an actor out.

Before pydantic sees the data, distributions written in place of numbers
(``{uniform: [0.5, 0.7]}``, :mod:`escalation_sim.scenario.priors`) are checked against their
parameter's range and lifted out (:func:`lift_priors`): the number left in their place is the
distribution's median, and the scenario's ``priors`` records them. The same walk holds
true/false and dates to their own types, as numbers are (``param(strict=True)``): ``yes``,
``1`` or ``'on'`` is not true, a quoted ``'2025-07-01'`` is text, not a date — whether it came
from a file, a ``--set`` or the Python API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import annotated_types as at
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from escalation_sim.scenario.errors import (
    MISSING,
    Loc,
    ScenarioError,
    bounds_text,
    did_you_mean,
    format_path,
)
from escalation_sim.scenario.paths import ROOT, SchemaNode, parse_path, schema_node, step
from escalation_sim.scenario.priors import KINDS, PARTICLES, Distribution, PriorError, parse
from escalation_sim.scenario.schema import ReferenceProblem, Scenario
from escalation_sim.scenario.yaml_io import Locator

_TYPE_PHRASES = {
    "number": "a number",
    "integer": "a whole number",
    "true/false": "true or false",
    "text": "text",
    "date (YYYY-MM-DD)": "a date (YYYY-MM-DD)",
    "actor id": "an actor id (a lowercase letter, then lowercase letters, digits or _)",
    "id (lowercase letters, digits, _)": "an id (a lowercase letter, then lowercase letters, "
                                         "digits or _)",
    "CAMEO code (2-4 digits)": "a CAMEO code of 2-4 digits in quotes, e.g. \"173\"",
}
_RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def range_text(node: SchemaNode) -> str:
    """The allowed range in words (``between 0 and 1``), or ``""`` if unbounded."""
    return bounds_text(*node.bounds)


def meaning(node: SchemaNode) -> str:
    """``(unit: description)`` for a field, or ``""`` when it has neither."""
    unit = node.extra.get("unit", "")
    doc = (node.field.description or "").rstrip(".")
    text = f"{unit}: {doc}" if unit and doc else unit or doc
    return f" ({text})" if text else ""


def allowed_text(node: SchemaNode, *, with_type: bool = True) -> str:
    """What a field allows, e.g. ``must be a number between 0 and 1 (index 0-1: …)``."""
    kind = node.kind
    if kind == "model":
        keys = ", ".join(node.base.model_fields)
        what = f"a mapping with keys {keys}"
    elif kind in ("dict", "list"):
        what = f"a {node.type_text()}"
    else:
        words = node.type_text().removesuffix(" or null")
        what = _TYPE_PHRASES.get(words, words)
        if node.nullable:
            what += " or null"
    limits = range_text(node)
    if not with_type:
        what = limits or what
    elif limits:
        what = f"{what} {limits}"
    return f"must be {what}{meaning(node)}"


def _node(loc: Loc) -> SchemaNode | None:
    try:
        return schema_node(loc)
    except ScenarioError:
        return None


def translate(error: ErrorDetails, locate: Locator) -> ScenarioError:
    """Translate one pydantic error (an item of ``ValidationError.errors()``)."""
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    value = error.get("input", MISSING)
    problem = error.get("ctx", {}).get("error")
    if isinstance(problem, ReferenceProblem):
        return reference_error(problem, locate)
    if loc and loc[-1] == "[key]":  # a mapping key failed its pattern
        loc = loc[:-1]
        mapping = _node(loc[:-1])
        words = mapping.key_text() if mapping else ""
        message = f"the key must be {_TYPE_PHRASES.get(words, words)}" if words else error["msg"]
        return _at(message, loc, locate, value)
    node = _node(loc)
    if kind == "extra_forbidden":
        parent = _node(loc[:-1])
        fields = parent.base.model_fields if parent and parent.kind == "model" else ()
        hint = did_you_mean(str(loc[-1]), fields, what="keys")
        return _at(f"unknown key; {hint}" if hint else "unknown key", loc, locate)
    if node is None:
        return _at(error["msg"], loc, locate, value)
    if kind == "missing":
        return _at("required key is missing; it " + allowed_text(node), loc, locate)
    if kind in _RANGE_ERRORS:
        return _at(allowed_text(node, with_type=False), loc, locate, value)
    if kind in ("too_short", "too_long"):
        lo = next((m.min_length for m in node.metadata if isinstance(m, at.MinLen)), 0)
        hi = next((m.max_length for m in node.metadata if isinstance(m, at.MaxLen)), None)
        count = f"{lo} to {hi}" if hi is not None else f"at least {lo}"
        size = error.get("ctx", {}).get("actual_length")
        if size is None:
            size = len(value) if hasattr(value, "__len__") else "?"
        return _at(f"has {size} {'entry' if size == 1 else 'entries'}; must have {count}"
                   f"{meaning(node)}", loc, locate)
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return _at(f"must be at most {limit} characters{meaning(node)}", loc, locate,
                   value)
    detail = error.get("ctx", {}).get("error")
    suffix = f" ({detail})" if isinstance(detail, str) and kind.startswith("date") else ""
    return _at(allowed_text(node) + suffix, loc, locate, value)


def _at(message: str, loc: Loc, locate: Locator, value: Any = MISSING) -> ScenarioError:
    source, line = locate(loc)
    return ScenarioError(message, source=source, path=format_path(loc), line=line, value=value)


def reference_error(problem: ReferenceProblem, locate: Locator) -> ScenarioError:
    """Translate the schema's ``ReferenceProblem`` (an undefined actor and the like)."""
    loc = parse_path(problem.path)
    message = f"must be {problem.allowed}"
    if isinstance(problem.value, str) and ": one of " in problem.allowed:
        ids = problem.allowed.split(": one of ", 1)[1].split(", ")
        close = did_you_mean(problem.value, ids)
        if close.startswith("did you mean"):
            message += f"; {close}"
    return _at(message, loc, locate, problem.value)


def build(data: dict[str, Any], locate: Locator, main_source: str = "", *,
          priors: bool = True) -> Scenario:
    """Validate scenario data into a :class:`Scenario` and run the whole-scenario checks.

    Args:
        data: Plain scenario data (as read from YAML, ``extends`` resolved, overrides applied).
        locate: Where each key path was written, for messages.
        main_source: The source the user named (its errors are reported first).
        priors: Whether the data may hold distributions (:func:`lift_priors`); ``False`` for
            data known to hold numbers only (a scenario's dump with events applied): then
            only true/false and dates are checked on the walk.

    Raises:
        ScenarioError: The first problem found.
    """
    problems: list[ScenarioError] = []
    lifted = lift_priors(data, locate, problems, lift=priors)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False)
                  if not any(_within(e["loc"], p.path) for p in problems)]
        problems += [translate(e, locate) for e in _ordered(errors, locate, main_source)]
        raise ScenarioError.of(_sorted(problems, main_source)) from None
    except ReferenceProblem as problem:  # pragma: no cover - pydantic wraps it, but be safe
        raise reference_error(problem, locate) from None
    if problems:
        raise ScenarioError.of(_sorted(problems, main_source))
    for check in (check_incident_codes, check_issue_coverage, check_calendar):
        try:
            check(scenario, locate)
        except ScenarioError as exc:
            problems += exc.every()
    if problems:
        raise ScenarioError.of(problems)
    scenario._priors = lifted
    return scenario


def _within(loc: tuple[Any, ...], path: str) -> bool:
    """Whether a pydantic error location lies at or below a dotted path."""
    text = format_path(p for p in loc if p != "[key]")
    return text == path or text.startswith((path + ".", path + "["))


def _ordered(errors: list[ErrorDetails], locate: Locator,
             main_source: str) -> list[ErrorDetails]:
    """Pydantic's errors, the most useful first.

    Those in the file the user gave come before its parents', then by line.
    """
    def key(item: tuple[int, ErrorDetails]) -> tuple[int, float, int]:
        n, error = item
        source, line = locate(tuple(p for p in error["loc"] if p != "[key]"))
        return (source != main_source, line if line is not None else float("inf"), n)

    return [error for _, error in sorted(enumerate(errors), key=key)]


def _sorted(problems: list[ScenarioError], main_source: str) -> list[ScenarioError]:
    """Problems in the user's own file first, then by line (stable otherwise)."""
    return sorted(problems, key=lambda p: (p.source != main_source if main_source else False,
                                           p.line if p.line is not None else float("inf")))


EVENT_VALUE = ("an event's value must be a number: distributions are for the scenario's own "
               "values (write the distribution at the parameter itself; the event then sets "
               "or shifts it from its day on)")


def lift_priors(data: dict[str, Any], locate: Locator,
                problems: list[ScenarioError] | None = None, *,
                lift: bool = True) -> dict[str, Distribution]:
    """Replace each distribution in scenario data by its median, in place; return them by path.

    A distribution may stand wherever the schema has a real number (a ``float`` parameter):
    not for whole numbers (days, rungs, runs, seed), nor as an event's value. On the way,
    true/false and dates are checked to be written as such (:func:`strict_problem`).

    Args:
        data: Scenario data (changed in place).
        locate: Where each key path was written.
        problems: Where to collect the problems found (each distribution's own); without it
            the first is raised.
        lift: ``False`` for data known to hold numbers only: the strict checks alone.

    Returns:
        Dotted path (``actors.baku.nationalism``, ``alliances[0].commitment``) -> distribution.

    Raises:
        ScenarioError: Without ``problems``: a distribution that is malformed, not allowed on
            its parameter's range, or written where a distribution may not stand; a
            true/false or a date that is not written as one.
    """
    found: dict[str, Distribution] = {}
    collected: list[ScenarioError] = [] if problems is None else problems
    start = len(collected)
    _lift(data, ROOT, (), locate, found, collected, lift=lift)
    _check_joint(found, locate, collected)
    if problems is None and len(collected) > start:
        raise collected[start]
    return found


def _check_joint(found: dict[str, Distribution], locate: Locator,
                 problems: list[ScenarioError]) -> None:
    """The parameters of one joint sample (``particles``) must share their sets' weights."""
    first: dict[str, tuple[str, Distribution]] = {}
    for path, dist in found.items():
        if dist.kind != PARTICLES:
            continue
        if dist.joint not in first:
            first[dist.joint] = (path, dist)
            continue
        other_path, other = first[dist.joint]
        if dist.weights != other.weights:
            problems.append(_at(f"belongs to the joint sample '{dist.joint}' of {other_path}, "
                                "but its parameter sets differ in number or weight; a joint "
                                "sample's parameters come from one calibration file",
                                parse_path(path), locate, dist.describe()))


DATE_TEXT = "must be a date written as YYYY-MM-DD without quotes (e.g. 2025-07-01)"


def strict_problem(value: Any, node: SchemaNode, loc: Loc,
                   locate: Locator) -> ScenarioError | None:
    """The problem with a value pydantic would coerce into a true/false or a date, or ``None``.

    ``yes``, ``'on'``, ``1`` are not true/false; ``'2025-07-01'`` (quoted) is text, and a date
    with a time is not a date. ``null`` is left for pydantic to judge.
    """
    if value is None:
        return None
    base = node.base
    if base is bool and not isinstance(value, bool):
        return _at(allowed_text(node), loc, locate, value)
    if base is dt.date and type(value) is not dt.date:
        return _at(DATE_TEXT + meaning(node), loc, locate, value)
    return None


def _is_number(path: Any) -> bool:
    """Whether a dotted path names a numeric parameter (any id accepted)."""
    try:
        loc = parse_path(str(path))
        return schema_node(tuple(int(p) if isinstance(p, str) and p.isdigit() else p
                                 for p in loc)).numeric
    except ScenarioError:
        return False


Slot = tuple[SchemaNode, str, bool, bool]
"""A schema node with its kind, whether it is a real number, and whether it is numeric."""
_SLOTS: dict[tuple[str, ...], Slot | None] = {}
"""Schema nodes by pattern (section keys as written, ids and list items as ``*``): the schema
does not change, and :func:`step` is the costly part of the walk."""


def _slot(node: SchemaNode, pattern: tuple[str, ...], key: str | int) -> Slot | None:
    if pattern not in _SLOTS:
        try:
            below, _ = step(node, key)
        except ScenarioError:  # an unknown key: pydantic reports it
            _SLOTS[pattern] = None
        else:
            _SLOTS[pattern] = (below, below.kind, below.base is float, below.numeric)
    return _SLOTS[pattern]


def _lift(value: Any, node: SchemaNode, loc: Loc, locate: Locator,
          found: dict[str, Distribution], problems: list[ScenarioError],
          pattern: tuple[str, ...] = (), *, lift: bool = True) -> None:
    if isinstance(value, dict):
        items: list[tuple[str | int, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return
    keyed = node.kind != "model"
    for key, child in items:
        here = (*loc, key)
        if not isinstance(child, dict | list):
            if isinstance(child, bool | str | int | dt.date):  # what could pass for another type
                slot = _slot(node, (*pattern, "*" if keyed else str(key)), key)
                problem = strict_problem(child, slot[0], here, locate) \
                    if slot is not None and slot[1] == "leaf" else None
                if problem is not None:
                    problems.append(problem)
            continue
        if len(here) == 3 and here[0] == "events" and here[2] in ("set", "add"):
            for path, change in (child.items() if isinstance(child, dict) else ()):
                if isinstance(change, dict) and _is_number(path):
                    problems.append(_at(EVENT_VALUE, (*here, path), locate, change))
            continue
        below_pattern = (*pattern, "*" if keyed else str(key))
        slot = _slot(node, below_pattern, key)
        if slot is None:
            continue
        below, kind, real, numeric = slot
        if kind != "leaf":
            _lift(child, below, here, locate, found, problems, below_pattern, lift=lift)
        elif not lift:
            continue
        elif isinstance(child, dict) and real:
            lo, hi = below.bounds
            try:
                dist = parse(child, lo, hi)
            except PriorError as exc:
                note = meaning(below) if "range" in str(exc) else ""
                problems.append(_at(f"{exc}{note}", here, locate, child))
                continue
            found[format_path(here)] = dist
            value[key] = dist.central()
        elif isinstance(child, dict) and numeric and len(child) == 1 and \
                next(iter(child)) in KINDS:
            problems.append(_at(allowed_text(below) + "; distributions are allowed only for "
                                "parameters that take any real number in their range", here,
                                locate, child))


CALENDAR_MARGIN_DAYS = 62
"""Days past the horizon that dates are computed for (month ends of monthly summaries)."""


def check_calendar(scenario: Scenario, locate: Locator) -> None:
    """Every simulated day must have a calendar date (the last date Python knows: 9999-12-31)."""
    start = scenario.start_date
    if start is None:
        return
    latest = dt.date.max - dt.timedelta(days=scenario.horizon_days + CALENDAR_MARGIN_DAYS)
    if start > latest:
        raise _at(f"with horizon_days {scenario.horizon_days} the run would pass 9999-12-31; "
                  f"must be {latest.isoformat()} or earlier", ("start_date",), locate, start)


def check_incident_codes(scenario: Scenario, locate: Locator) -> None:
    """Every incident's CAMEO code must be in the CAMEO/Goldstein table."""
    from escalation_sim.model.ladder import cameo_table  # the model package imports the schema

    table = cameo_table()
    for key, incident in scenario.incidents.items():
        if incident.cameo not in table:
            close = did_you_mean(incident.cameo, table)
            hint = f"; {close}" if close.startswith("did you mean") else \
                " (e.g. 173 arrest, 163 embargo, 195 aerial weapons)"
            raise _at(f"must be a code in the CAMEO/Goldstein table{hint}",
                      ("incidents", key, "cameo"), locate, incident.cameo)


def check_issue_coverage(scenario: Scenario, locate: Locator) -> None:
    """Every issue must give a position and a salience for every actor."""
    actors = list(scenario.actors)
    for key, issue in scenario.issues.items():
        for field in ("position", "salience"):
            given = getattr(issue, field)
            for actor in actors:
                if actor not in given:
                    raise _at(f"missing: each issue needs a {field} (0-1) for every actor: "
                              f"{', '.join(actors)}", ("issues", key, field, actor), locate)
