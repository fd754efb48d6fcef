"""What a scenario parameter means: ``escsim explain PATH``.

For a parameter (``actors.baku.nationalism``, ``actors.*.nationalism``, ``model.w_issue``) the
help gives its type, unit, default, range, meaning and the section of docs/model.md that explains
it; for a section (``levers``, ``actors.baku``) it lists the section's fields, one line each.
Everything comes from the schema, so help and validation cannot disagree. :func:`value_text`
gives a scenario's own value, or its distribution, to show beside the default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic_core import PydanticUndefined

from escalation_sim.scenario.errors import ScenarioError, format_path, show_value
from escalation_sim.scenario.paths import ROOT, SchemaNode, parse_path, schema_node, step
from escalation_sim.scenario.schema import Scenario
from escalation_sim.scenario.validate import range_text

DOCS = "docs/model.md"
_ROOT_NAMES = ("", ".", "scenario")


@dataclass(frozen=True)
class FieldHelp:
    """Help on one field: each item is text ready to print (``""`` when not applicable)."""

    path: str
    type: str
    unit: str
    default: str
    range: str
    description: str
    section: str


@dataclass(frozen=True)
class Explanation:
    """Help on a path: the field itself and, for a section, one line per field in it."""

    subject: FieldHelp
    fields: list[FieldHelp] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """As JSON-able data."""
        return asdict(self)

    def text(self) -> str:
        """As plain text."""
        s = self.subject
        lines = [s.path or "scenario"]
        facts = [f"{k}: {v}" for k, v in (("type", s.type), ("unit", s.unit), ("range", s.range),
                                           ("default", s.default)) if v]
        lines.append("  " + "   ".join(facts))
        if s.description:
            lines.append("  " + s.description)
        if s.section:
            lines.append(f"  see {DOCS} {s.section}")
        if self.fields:
            width = max(len(f.path) for f in self.fields)
            lines.append("")
            for f in self.fields:
                default = f.default if f.default == "required" else f"default {f.default}"
                extra = ", ".join(x for x in (f.unit, f.range, default) if x)
                lines.append(f"  {f.path:<{width}}  {f.type}: {f.description} [{extra}]")
        return "\n".join(lines)


def _default(node: SchemaNode) -> str:
    info = node.field
    if info.default is PydanticUndefined and info.default_factory is None:
        in_section = bool(node.loc) and schema_node(node.loc[:-1]).kind == "model"
        return "required" if in_section else ""
    if node.kind == "model":
        return "(all defaults)"
    return show_value(info.get_default(call_default_factory=True))


def _help(node: SchemaNode, path: str) -> FieldHelp:
    section = node.extra.get("section", "")
    return FieldHelp(path=path, type=node.type_text(), unit=node.extra.get("unit", ""),
                     default=_default(node), range=range_text(node),
                     description=node.field.description or _model_doc(node), section=section)


def _model_doc(node: SchemaNode) -> str:
    doc = node.base.__doc__ if node.kind == "model" else None
    return (doc or "").strip().splitlines()[0] if doc else ""


def describe(path: str) -> Explanation:
    """Structured help on a dotted path (ids may be any id or ``*``).

    Raises:
        ScenarioError: If the path does not exist in the schema (with a did-you-mean hint).
    """
    text = path.strip()
    try:
        node = ROOT if text in _ROOT_NAMES else schema_node(parse_path(text))
    except ScenarioError as exc:
        found = paths_ending_in(text)
        if found:  # a field named without its section: `c_mil` -> `model.c_mil`
            exc.message = f"no such path; did you mean {' or '.join(found[:MAX_HINTS])}?"
            exc.args = (str(exc),)
        raise exc.located("explain") from None
    shown = format_path(node.loc)
    subject = _help(node, shown)
    if node.kind == "model" and node.loc == ():
        subject = FieldHelp("", "scenario", "", "", "", _model_doc(node), "")
    # Sections list their fields; keyed sections and lists list the fields of one entry.
    item = node
    if node.kind in ("dict", "list"):
        item, _ = step(node, 0 if node.kind == "list" else "*")
    if item.kind != "model":
        return Explanation(subject)
    rows = []
    for name in item.base.model_fields:
        child, _ = step(item, name)
        rows.append(_help(child, format_path(child.loc)))
    return Explanation(subject, rows)


MAX_HINTS = 4
"""Full paths suggested at most for a field named without its section."""
MAX_DEPTH = 4
"""How deep :func:`all_paths` walks (``alliances[0].commitment`` is depth 3)."""


def all_paths(node: SchemaNode = ROOT, depth: int = MAX_DEPTH) -> list[str]:
    """Every path in the schema, ids written ``*`` and list items ``[0]``, sections first."""
    found: list[str] = []
    if depth == 0:
        return found
    item = node
    if node.kind in ("dict", "list"):
        item, _ = step(node, 0 if node.kind == "list" else "*")
        found.append(format_path(item.loc))
    if item.kind != "model":
        return found
    for name in item.base.model_fields:
        child, _ = step(item, name)
        found.append(format_path(child.loc))
        if child.kind != "leaf":
            found += all_paths(child, depth - 1)
    return found


def paths_ending_in(text: str) -> list[str]:
    """Full schema paths whose last part is ``text`` (``c_mil`` -> ``model.c_mil``)."""
    tail = text.strip().strip(".")
    if not tail:
        return []
    return list(dict.fromkeys(p for p in all_paths() if p.endswith(f".{tail}") or
                              p.endswith(f"].{tail}")))


def explain(path: str) -> str:
    """Plain-text help on a dotted path, as printed by ``escsim explain``.

    Raises:
        ScenarioError: If the path does not exist in the schema (with a did-you-mean hint).
    """
    return describe(path).text()


def value_text(scenario: Scenario, path: str) -> str | None:
    """The value at ``path`` in a scenario as YAML would show it; a distribution as written.

    ``None`` where there is none to show: a ``*`` path, a section, an id the scenario lacks.
    """
    from escalation_sim.scenario.edit import dotted, resolve_path

    if not path or "*" in path:
        return None
    try:
        found = resolve_path(scenario, path)
        key = dotted(path)
    except ScenarioError:
        return None
    prior = scenario.priors.get(key)
    if prior is not None:
        return f"{prior.describe()}: {prior.words(median=True)}"
    if hasattr(found, "model_dump") or isinstance(found, dict | list):
        return None
    return show_value(found)
