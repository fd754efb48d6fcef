"""Dotted paths and the one-line error format."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation_sim.scenario.errors import ScenarioError, did_you_mean, format_path
from escalation_sim.scenario.paths import parse_path, schema_node

keys = st.from_regex(r"[a-z_*][a-z0-9_]{0,10}", fullmatch=True)
locs = st.tuples(keys, st.lists(st.one_of(keys, st.integers(0, 99)), max_size=5)).map(
    lambda t: (t[0], *t[1]))


@given(locs)
def test_format_and_parse_round_trip(loc):
    assert parse_path(format_path(loc)) == loc


@pytest.mark.parametrize("text", ["", ".", "a.", ".a", "a[x]", "a[0", "a..b", "[0].a"])
def test_malformed_paths(text):
    with pytest.raises(ScenarioError, match="not a parameter path"):
        parse_path(text)


@given(st.text(), st.one_of(st.text(), st.floats(allow_nan=False), st.none(),
                            st.lists(st.text(), max_size=3)))
def test_error_text_is_always_one_line(message, value):
    err = ScenarioError(message, source="a\nb.yaml", path="x\ny", line=3, value=value)
    assert "\n" not in str(err) and "\r" not in str(err)


def test_did_you_mean():
    assert did_you_mean("nationalsim", ["nationalism", "capability"]) == \
        "did you mean 'nationalism'?"
    assert did_you_mean("zzz", ["a", "b"], what="ids") == "valid ids: a, b"
    assert did_you_mean("zzz", []) == ""


def test_schema_nodes_know_ranges_and_types():
    node = schema_node(parse_path("issues.*.position.baku"))
    assert (node.type_text(), node.bounds) == ("number", (0, 1))
    assert schema_node(("incidents", "x", "perpetrator")).type_text() == "actor id or null"
    assert schema_node(("actors",)).type_text() == "mapping of actor id → Actor"
