"""``explain``: help on parameters and sections, derived from the schema."""

from __future__ import annotations

import pytest

from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.explain import describe
from escalation_sim.scenario.load import explain
from escalation_sim.scenario.schema import Actor


@pytest.mark.parametrize("path", ["actors.baku.nationalism", "actors.*.nationalism",
                                  "actors.kyiv.nationalism"])
def test_leaf_help_has_type_unit_default_range_meaning_section(path):
    info = describe(path).subject
    assert info.type == "number"
    assert info.unit == "index 0-1"
    assert info.default == "0.5"
    assert info.range == "between 0 and 1"
    assert "nationalist" in info.description
    assert info.section == "§4 Actors"
    assert describe(path).fields == []


def test_leaf_help_text():
    text = explain("levers.multilateral_forum.period_days")
    for words in ("integer", "days", "between 1 and 365", "default: 30", "docs/model.md §10"):
        assert words in text


def test_model_parameters_are_explained():
    assert describe("model.w_issue").subject.section.startswith("§6")


@pytest.mark.parametrize(("path", "first"), [
    ("actors.baku", "actors.baku.name"),
    ("actors", "actors.*.name"),
    ("alliances", "alliances[0].patron"),
    ("levers", "levers.crisis_hotline"),
    ("", "name"),
])
def test_sections_list_their_fields(path, first):
    info = describe(path)
    assert info.fields[0].path == first
    if path.startswith("actors"):
        assert [f.path.rsplit(".", 1)[1] for f in info.fields] == list(Actor.model_fields)
    assert all(f.description for f in info.fields)


def test_section_text_has_one_line_per_field():
    text = explain("levers")
    assert sum(line.strip().startswith("levers.") for line in text.splitlines()) == 6


def test_unknown_path_has_did_you_mean():
    with pytest.raises(ScenarioError, match="did you mean 'nationalism'") as info:
        describe("actors.baku.nationalsim")
    assert info.value.path == "actors.baku.nationalsim"
    with pytest.raises(ScenarioError, match="did you mean 'levers'"):
        describe("lever.crisis_hotline")
