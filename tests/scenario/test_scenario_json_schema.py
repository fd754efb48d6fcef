"""The JSON Schema: valid, accepts bundled scenarios, rejects bad ones, committed copy current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from escalation_sim.scenario import bundled
from escalation_sim.scenario.editor_schema import json_schema_text
from escalation_sim.scenario.load import json_schema
from escalation_sim.scenario.yaml_io import parse_yaml

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "scenario.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def as_json(path):
    """Scenario YAML as an editor sees it (dates are strings)."""
    return json.loads(json.dumps(parse_yaml(path.read_text(), str(path))[0], default=str))


def test_schema_is_draft_2020_12_with_id_and_title():
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"]


def test_schema_carries_units_ranges_and_descriptions():
    actor = json_schema()["$defs"]["Actor"]["properties"]["nationalism"]
    facts = (actor["minimum"], actor["maximum"], actor["unit"], actor["default"])
    assert facts == (0, 1, "index 0-1", 0.5)
    assert "nationalist" in actor["description"]


@pytest.mark.parametrize("path", bundled.scenario_files(), ids=lambda p: p.name)
def test_bundled_scenarios_satisfy_the_schema(validator, path):
    assert list(validator.iter_errors(as_json(path))) == []


@pytest.mark.parametrize("doc", [
    {"name": "x", "actors": {"baku": {"nationalism": 1.4}, "moscow": {}}},
    {"name": "x", "actors": {"baku": {"nationalsim": 0.4}, "moscow": {}}},
    {"name": "x", "actors": {"Baku": {}, "moscow": {}}},
    {"actors": {"baku": {}, "moscow": {}}},
    {"extends": "base.yaml", "actors": {"baku": {"nationalism": 2}}},
    {"extends": "base.yaml", "levers": {"hotline": {}}},
])
def test_schema_rejects_bad_documents(validator, doc):
    assert list(validator.iter_errors(doc))


def test_overlay_files_need_not_repeat_required_keys(validator):
    assert not list(validator.iter_errors({"extends": "base.yaml",
                                           "alliances": [{"commitment": 0.9}]}))


def test_committed_schema_file_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == json_schema_text(), (
        "schema/scenario.schema.json is out of date: run "
        "`escsim schema --out schema/scenario.schema.json`")


@pytest.mark.parametrize("value", [{"uniform": [0.5, 0.7]}, {"triangular": [0.1, 0.2, 0.9]},
                                   {"normal": [0.5, 0.1]}, {"beta": [2, 3]}, 0.6])
def test_schema_accepts_distributions_in_place_of_numbers(validator, value):
    doc = {"name": "x", "calibration": "calibration/x.yaml",
           "actors": {"baku": {"nationalism": value}, "moscow": {}},
           "issues": {"c": {"position": {"baku": value}}}}
    assert list(validator.iter_errors(doc)) == []


@pytest.mark.parametrize("doc", [
    {"name": "x", "actors": {"baku": {"nationalism": {"gamma": [1, 2]}}, "moscow": {}}},
    {"name": "x", "actors": {"baku": {"nationalism": {"uniform": [0.5]}}, "moscow": {}}},
    {"name": "x", "actors": {"baku": {"lag_days": {"uniform": [1, 2]}}, "moscow": {}}},
    {"name": "x", "actors": {"baku": {}, "moscow": {}},
     "events": [{"day": 1, "add": {"actors.baku.nationalism": {"uniform": [0.1, 0.2]}}}]},
])
def test_schema_rejects_bad_distributions(validator, doc):
    assert list(validator.iter_errors(doc))
