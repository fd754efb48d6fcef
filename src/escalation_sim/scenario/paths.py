"""Dotted parameter paths and where they lead in the scenario schema.

A path such as ``actors.baku.nationalism`` or ``alliances[0].commitment`` (also
``alliances.0.commitment``) names one value in a scenario. This module parses such paths, walks
them through the pydantic models of :mod:`escalation_sim.scenario.schema` (to find a field's type,
range, unit and meaning) and, alongside, through scenario data (plain dicts or model objects) to
read and write the value. ``--set``, scheduled events, error messages and ``escsim explain`` all
use it.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Union, cast, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from escalation_sim.scenario.errors import MISSING, Loc, ScenarioError, did_you_mean, format_path
from escalation_sim.scenario.schema import ActorId, Scenario

_SEGMENT = re.compile(r"^(?P<key>[^.\[\]]*)(?P<idx>(?:\[\d+\])*)$")
MAX_INDEX_DIGITS = 9
"""Digits of the longest list index a path may hold (lists in a scenario are far shorter)."""
_PATTERN_NAMES = {
    r"^[a-z][a-z0-9_]{0,31}$": "actor id",
    r"^[a-z][a-z0-9_]{0,47}$": "id (lowercase letters, digits, _)",
    r"^[0-9]{2,4}$": "CAMEO code (2-4 digits)",
}


def parse_path(text: str) -> Loc:
    """Split a dotted path into segments.

    ``"alliances[0].commitment"`` -> ``("alliances", 0, "commitment")``. Numeric segments written
    with dots (``alliances.0``) stay strings here and become list indices when walked.

    Raises:
        ScenarioError: If the path is empty or malformed.
    """
    parts: list[str | int] = []
    for piece in text.strip().split("."):
        match = _SEGMENT.match(piece)
        if not match or (not match["key"] and (not match["idx"] or not parts)):
            raise ScenarioError("is not a parameter path; write e.g. actors.baku.nationalism or "
                                "alliances[0].commitment", path=_short(text) or "''")
        indices = re.findall(r"\d+", match["idx"])
        if any(len(i) > MAX_INDEX_DIGITS for i in indices) or \
                (match["key"].isdigit() and len(match["key"]) > MAX_INDEX_DIGITS):
            raise ScenarioError(f"a list index has at most {MAX_INDEX_DIGITS} digits; write "
                                "e.g. alliances[0].commitment", path=_short(text))
        if match["key"]:
            parts.append(match["key"])
        parts.extend(int(i) for i in indices)
    return tuple(parts)


def _short(text: str, limit: int = 60) -> str:
    """A path as messages show it: cut short with … when long."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Strip ``Optional`` and ``Annotated``: (base type, metadata, nullable)."""
    metadata: list[Any] = []
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (Union, types.UnionType) and len(get_args(annotation)) == 2 and \
                type(None) in get_args(annotation):  # Optional[X]
            annotation = next(a for a in get_args(annotation) if a is not type(None))
            nullable = True
        else:
            return annotation, metadata, nullable


@dataclass(frozen=True)
class SchemaNode:
    """A place in the scenario schema: the field found at the end of a path.

    Attributes:
        field: The pydantic field (for mapping values and list items, one built from their type).
        loc: The path to it (ids as written, or ``"*"`` for "any id").
    """

    field: FieldInfo
    loc: Loc

    @cached_property
    def _unwrapped(self) -> tuple[Any, list[Any], bool]:
        # Read on every value of every scenario built (a sensitivity analysis builds hundreds).
        return _unwrap(self.field.annotation)

    @property
    def base(self) -> Any:
        """The field's type without ``Optional``/``Annotated``."""
        return self._unwrapped[0]

    @property
    def metadata(self) -> list[Any]:
        """Constraints on the value (``Ge``, ``Le``, ``StringConstraints``, …)."""
        return [*self.field.metadata, *self._unwrapped[1]]

    @property
    def nullable(self) -> bool:
        """Whether ``null`` is allowed."""
        return self._unwrapped[2]

    @property
    def kind(self) -> str:
        """``"model"`` (a section), ``"dict"`` (keyed entries), ``"list"`` or ``"leaf"``."""
        base = self.base
        if isinstance(base, type) and issubclass(base, BaseModel):
            return "model"
        return {dict: "dict", list: "list"}.get(get_origin(base), "leaf")

    @property
    def numeric(self) -> bool:
        """Whether the value is a number (an integer or a float, not a boolean)."""
        return self.base in (int, float)

    @property
    def extra(self) -> dict[str, Any]:
        """The field's ``json_schema_extra`` (unit, model.md section)."""
        extra = self.field.json_schema_extra
        return extra if isinstance(extra, dict) else {}

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Closed range (lower, upper) of a numeric value; ``None`` where unbounded."""
        lo = next((m.ge for m in self.metadata if isinstance(m, at.Ge)), None)
        hi = next((m.le for m in self.metadata if isinstance(m, at.Le)), None)
        return cast("float | None", lo), cast("float | None", hi)  # a number's bounds

    def child_field(self, segment: str | int) -> FieldInfo:
        """The field one level down (for a model: its field ``segment``)."""
        base = self.base
        if self.kind == "model":
            return cast(FieldInfo, base.model_fields[segment])
        item = get_args(base)[-1] if get_args(base) else Any
        return FieldInfo.from_annotation(item)

    @property
    def keys_are_actors(self) -> bool:
        """Whether this mapping is keyed by actor ids defined elsewhere (issue positions)."""
        return self.kind == "dict" and get_args(self.base)[0] == ActorId and \
            self.loc != ("actors",)

    def key_text(self) -> str:
        """The type of a mapping's keys in words (``actor id``), or ``""`` if not a mapping."""
        if self.kind != "dict":
            return ""
        return _type_words(*_unwrap(get_args(self.base)[0])[:2])

    def type_text(self) -> str:
        """The value's type in words: ``number``, ``mapping of actor id → number``, …."""
        text = _type_words(self.base, self.metadata)
        return f"{text} or null" if self.nullable else text


ROOT = SchemaNode(FieldInfo.from_annotation(Scenario), ())
"""The whole scenario."""


def _type_words(base: Any, metadata: list[Any]) -> str:
    if isinstance(base, type) and issubclass(base, BaseModel):
        return f"{base.__name__} section"
    origin, args = get_origin(base), get_args(base)
    if origin is dict:
        key, value = _unwrap(args[0]), _unwrap(args[1])
        return f"mapping of {_type_words(key[0], key[1])} → {_item_words(value[0], value[1])}"
    if origin is list:
        item = _unwrap(args[0])
        return f"list of {_item_words(item[0], item[1])}"
    if base is str:
        pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
        return _PATTERN_NAMES.get(str(pattern), "text")
    return {bool: "true/false", int: "integer", float: "number",
            dt.date: "date (YYYY-MM-DD)"}.get(base, "any value")


def _item_words(base: Any, metadata: list[Any]) -> str:
    """Words for the entries of a mapping or list: a model by its name."""
    if isinstance(base, type) and issubclass(base, BaseModel):
        return base.__name__
    return _type_words(base, metadata)


def step(node: SchemaNode, segment: str | int, data: Any = MISSING,
         actor_ids: Any = MISSING) -> tuple[SchemaNode, str | int]:
    """Go one level down the schema (and check the segment against data when given).

    Args:
        node: Where we are.
        segment: The next path segment.
        data: The value at ``node`` in a scenario, or :data:`MISSING` to accept any id.
        actor_ids: The defined actor ids (for mappings keyed by actor), or :data:`MISSING`.

    Returns:
        The child node and the segment normalised (list indices as ``int``).

    Raises:
        ScenarioError: Unknown key (with a did-you-mean hint), bad index, or a path that goes
            below a plain value. Its ``source`` is left unset for the caller to fill in.
    """
    here = (*node.loc, segment)
    kind = node.kind
    if kind == "model":
        fields = node.base.model_fields
        if segment not in fields:
            raise ScenarioError(_unknown(segment, fields, "keys"), path=format_path(here))
    elif kind == "dict":
        if data is not MISSING and segment != "*":
            if node.keys_are_actors and actor_ids is not MISSING:
                valid, what = actor_ids, "actor ids"
            else:
                valid, what = data if isinstance(data, dict) else {}, "ids"
            if segment not in valid:
                raise ScenarioError(_unknown(segment, valid, what), path=format_path(here))
    elif kind == "list":
        if isinstance(segment, str) and segment.isdigit():
            segment = int(segment)
        if not isinstance(segment, int):
            raise ScenarioError("is a list: use an index, e.g. [0]", path=format_path(node.loc))
        if data is not MISSING and isinstance(data, list) and segment >= len(data):
            raise ScenarioError(f"no item [{segment}]: the list has {len(data)} item(s)",
                                path=format_path(here))
        here = (*node.loc, segment)
    else:
        raise ScenarioError(f"is a single value ({node.type_text()}); it has no keys below it",
                            path=format_path(node.loc))
    return SchemaNode(node.child_field(segment), here), segment


def _unknown(segment: str | int, valid: Any, what: str) -> str:
    hint = did_you_mean(str(segment), valid, what=what)
    return f"unknown key; {hint}" if hint else f"unknown key; no {what} are defined"


def schema_node(loc: Loc) -> SchemaNode:
    """The schema node at ``loc``, accepting any id in keyed sections (for help and errors)."""
    node = ROOT
    for segment in loc:
        node, _ = step(node, segment)
    return node


def child_value(container: Any, segment: str | int, default: Any = MISSING) -> Any:
    """Read one level down from a dict, a list or a model object."""
    if isinstance(container, BaseModel):
        return getattr(container, str(segment), default)
    if isinstance(container, dict):
        return container.get(segment, default)
    if isinstance(container, list) and isinstance(segment, int) and segment < len(container):
        return container[segment]
    return default


def walk(root: Any, loc: Loc) -> list[tuple[SchemaNode, Any]]:
    """Walk ``loc`` through the schema and through ``root`` (a scenario dict or model).

    Returns:
        For each level below the root, the schema node and the value there (:data:`MISSING` where
        the data has no such key yet but the schema allows it).

    Raises:
        ScenarioError: As :func:`step`; also when a list item does not exist.
    """
    actor_ids = child_value(root, "actors", {})
    actor_ids = list(actor_ids) if isinstance(actor_ids, dict) else []
    node, value = ROOT, root
    out = []
    for segment in loc:
        # Below a key the data lacks, keyed sections are empty: ids must still exist.
        node, segment = step(node, segment, None if value is MISSING else value, actor_ids)
        value = child_value(value, segment) if value is not MISSING else MISSING
        out.append((node, value))
    return out


def assign(data: dict[str, Any], loc: Loc, value: Any) -> Loc:
    """Set ``value`` at ``loc`` in scenario data (plain dicts and lists), checking the path.

    Missing mapping levels are created only where the schema has them (a lever section absent
    from the file; an issue position for a defined actor); ids of actors, issues and incidents
    must already exist.

    Returns:
        The path normalised (list indices as ``int``).

    Raises:
        ScenarioError: If the path does not exist in the schema or in the data.
    """
    if not loc:
        raise ScenarioError("is not a parameter path", path="''")
    steps = walk(data, loc)
    container: Any = data
    norm: list[str | int] = []
    for node, below in steps:
        segment = node.loc[-1]
        norm.append(segment)
        if len(norm) == len(loc):
            break
        if below is MISSING or below is None:
            if node.kind not in ("model", "dict"):
                raise ScenarioError("is not defined in this scenario", path=format_path(norm))
            below = {}
            container[segment] = below
        elif not isinstance(below, dict | list):
            raise ScenarioError(f"is {type(below).__name__}, not a mapping", path=format_path(norm),
                                value=below)
        container = below
    container[norm[-1]] = value
    return tuple(norm)
