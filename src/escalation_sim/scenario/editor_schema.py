"""The JSON Schema of scenario files, for editors and other tools (``escsim schema``).

It is derived from the pydantic models, so it carries every field's description, default,
range (``minimum``/``maximum``) and unit (``unit``, with ``section`` naming docs/model.md).
A file with ``extends:`` only overrides part of its parent, so for such files nothing is
required: the schema checks them against a relaxed copy of every definition (``…Overlay``).
A real-valued field may hold a distribution instead of a number (``$defs/Distribution``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from escalation_sim.scenario.schema import Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:escsim:scenario:1"
OVERLAY = "Overlay"
_RELAXED = ("required", "minProperties", "minItems")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    full = Scenario.model_json_schema()
    defs: dict[str, Any] = full.pop("$defs", {})
    defs["Scenario"] = full
    for name in list(defs):
        defs[name + OVERLAY] = _relax(defs[name])
    for definition in defs.values():
        _close_keyed_maps(definition)
    for name, definition in defs.items():
        if not name.startswith("Event"):  # an event's value stays a number
            _allow_distributions(definition)
    defs[DISTRIBUTION] = distribution_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "escsim scenario",
        "description": "A scenario for escsim, the Azerbaijan–Russia escalation simulator. "
                       "Files with 'extends' may give only what they change.",
        "type": "object",
        "if": {"required": ["extends"]},
        "then": {"$ref": f"#/$defs/Scenario{OVERLAY}"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": dict(sorted(defs.items())),
    }


def json_schema_text() -> str:
    """The JSON Schema as written by ``escsim schema`` (indented, UTF-8, final newline)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _relax(schema: Any) -> Any:
    """A copy with nothing required and references pointing at the relaxed definitions."""
    if isinstance(schema, list):
        return [_relax(item) for item in schema]
    if not isinstance(schema, dict):
        return copy.deepcopy(schema)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _RELAXED:
            continue
        if key in ("properties", "patternProperties", "$defs"):
            out[key] = {name: _relax(sub) for name, sub in value.items()}
        elif key == "$ref" and isinstance(value, str):
            out[key] = value + OVERLAY
        elif key in ("default", "examples", "const", "enum"):
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _relax(value)
    return out


DISTRIBUTION = "Distribution"
"""Definition of a distribution written in place of a number (scenario/priors.py)."""


def distribution_schema() -> dict[str, Any]:
    """The schema of a distribution: one of ``uniform``, ``triangular``, ``normal``, ``beta``.

    The loader checks the numbers against the parameter's range; the schema checks the shape.
    """
    from escalation_sim.scenario.priors import ARGS

    return {
        "title": "Distribution",
        "description": "An uncertain parameter, drawn once per run (docs/analysis.md): "
                       + ", ".join(f"{{{k}: [{', '.join(v)}]}}" for k, v in ARGS.items()),
        "type": "object", "minProperties": 1, "maxProperties": 1,
        "additionalProperties": False,
        "properties": {kind: {"type": "array", "items": {"type": "number"},
                              "minItems": len(names), "maxItems": len(names),
                              "description": f"[{', '.join(names)}]"}
                       for kind, names in ARGS.items()},
    }


def _allow_distributions(schema: Any) -> None:
    """Let every real-valued field hold a distribution as well as a number."""
    if isinstance(schema, list):
        for item in schema:
            _allow_distributions(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "number":
            schema["type"] = ["number", "object"]
            schema["if"] = {"type": "object"}
            schema["then"] = {"$ref": f"#/$defs/{DISTRIBUTION}"}
        for key, value in schema.items():
            if key not in ("default", "examples", "const", "enum", "if", "then"):
                _allow_distributions(value)


def _close_keyed_maps(schema: Any) -> None:
    """Make mappings keyed by id patterns reject keys that do not match the pattern."""
    if isinstance(schema, list):
        for item in schema:
            _close_keyed_maps(item)
    elif isinstance(schema, dict):
        if "patternProperties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for key, value in schema.items():
            if key not in ("default", "examples", "const", "enum"):
                _close_keyed_maps(value)
