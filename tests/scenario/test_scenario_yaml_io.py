"""Safe YAML reading: lines, duplicates, tags, size limits, broken YAML.

Every test runs twice: with the node tree composed by libyaml (the default where PyYAML has it)
and by PyYAML's own parser (``test_yaml_two_parsers.py`` compares the two readings).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from escalation_sim.scenario import yaml_io
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.yaml_io import MAX_BYTES, parse_yaml, read_document, read_file

LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


@pytest.fixture(autouse=True, params=["libyaml", "pyyaml"])
def composer(request, monkeypatch):
    """Read with libyaml's node tree first, or with PyYAML's parser alone."""
    if request.param == "libyaml" and not LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yaml_io, "FAST", request.param == "libyaml")
    return request.param


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        read_document(text, "f.yaml")
    return info.value


def test_lines_are_recorded_for_keys_and_list_items():
    value, lines = parse_yaml("a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n", "f.yaml")
    assert value == {"a": {"b": 1, "c": ["x", {"d": 2}]}}
    assert lines[("a",)] == 1
    assert lines[("a", "b")] == 2
    assert lines[("a", "c", 0)] == 4
    assert lines[("a", "c", 1, "d")] == 5


def test_duplicate_key_is_an_error_with_both_lines():
    err = error_of("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert (err.line, err.path) == (4, "b.c")
    assert "duplicate key" in err.message and "line 3" in err.message


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system",
                                 "!custom", "!!set"])
def test_non_standard_tags_are_refused(tag):
    err = error_of(f"name: x\nheat: {tag} ['true']\n")
    assert err.line == 2 and err.path == "heat"
    assert tag in str(err) and "not allowed" in str(err)


def test_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(ScenarioError):
        read_document(f"a: !!python/object/apply:os.system ['touch {marker}']\n", "f.yaml")
    assert not marker.exists()


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: [1, 2\nb: 3\n", 2, "broken YAML"),
    ("a: 1\n  b: 2\n", 2, "mapping values are not allowed"),
    ("a: 1\n---\nb: 2\n", 2, "single document"),
    ("a: *nope\n", 1, "undefined alias"),
    ("a: 1\nb: \x00\n", 2, "not allowed"),
])
def test_broken_yaml_reports_its_line_in_one_line(text, line, words):
    err = error_of(text)
    assert err.line == line and words in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty file"), ("# nothing\n", "empty file"), ("- a\n- b\n", "not a list"),
    ("just text\n", "not a str"),
])
def test_top_level_must_be_a_mapping(text, words):
    assert words in str(error_of(text))


@pytest.mark.parametrize(("text", "words"), [
    ("on: 1\n", "read by YAML as true"), ("1: x\n", "must be text"), ("? [a]\n: 1\n", "plain text"),
])
def test_keys_must_be_text(text, words):
    assert words in str(error_of(text))


def test_invalid_date_is_reported_at_its_key():
    err = error_of("name: x\nstart_date: 2025-13-01\n")
    assert (err.line, err.path) == (2, "start_date") and "not a valid date" in err.message


def test_merge_keys_work_and_explicit_keys_win():
    value, lines = parse_yaml("base: &b {x: 1, y: 2}\nc: {<<: *b, y: 3}\n", "f.yaml")
    assert value["c"] == {"x": 1, "y": 3}
    assert lines[("c", "x")] == 1 and lines[("c", "y")] == 2


def test_alias_bomb_is_bounded():
    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n, name in enumerate("bcdefg"):
        prev = "abcdefg"[n]
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    err = error_of("\n".join(rows) + "\n")
    assert "expands to more than" in str(err)


def test_too_large_text_is_refused():
    err = error_of("a: '" + "x" * MAX_BYTES + "'\n")
    assert "1 MB" in str(err)


def test_too_large_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * MAX_BYTES + "\nname: x\n")
    with pytest.raises(ScenarioError, match="1 MB"):
        read_file(path)


def test_missing_file_and_directory_and_bad_bytes(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the file") as info:
        read_file(tmp_path / "nope.yaml")
    assert info.value.source == str(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="directory"):
        read_file(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: x\nlabel: caf\xe9\n")
    with pytest.raises(ScenarioError, match="not UTF-8") as info:
        read_file(bad)
    assert info.value.line == 2


def test_bom_is_ignored(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: x\n")
    assert read_document(read_file(Path(path)), "bom.yaml").data == {"name": "x"}
