"""``escsim validate``: ok lines, one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalation_sim.scenario import bundled
from escalation_sim.scenario.yaml_io import MAX_BYTES

REPO = Path(__file__).resolve().parents[2]


def test_all_bundled_scenarios_are_valid(run):
    files = sorted((REPO / "scenarios").glob("*.yaml"))
    assert len(files) >= 10
    result = run("validate", *files)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"ok  {f}" for f in files]
    assert result.stderr == ""


def test_bundled_folder_is_the_repository_folder():
    assert {p.name for p in bundled.scenario_files()} == \
        {p.name for p in (REPO / "scenarios").glob("*.yaml")}


# (replace this, with that, expected line or None, words that must appear in the message)
BAD_FILES = {
    "unknown key": ("nationalism: 0.7", "nationalsim: 0.7", 5,
                    ["actors.baku.nationalsim", "did you mean 'nationalism'"]),
    "wrong type": ("nationalism: 0.7", "nationalism: high", 5,
                   ['actors.baku.nationalism = "high"', "must be a number between 0 and 1"]),
    "out of range": ("nationalism: 0.7", "nationalism: 1.4", 5,
                     ["actors.baku.nationalism = 1.4", "must be between 0 and 1", "index 0-1"]),
    "undefined actor": ("victim: baku", "victim: kyiv", 21,
                        ['incidents.raid.victim = "kyiv"', "an actor id: one of baku, moscow"]),
    "broken yaml": ("heat: 0.6", "heat: [0.6", 11, ["broken YAML at column"]),
    "python tag": ("heat: 0.6", "heat: !!python/object/apply:os.system ['ls']", 10,
                   ["issues.corridors.heat", "!!python/object/apply:os.system", "not allowed"]),
    "duplicate key": ("    nationalism: 0.5\n", "    nationalism: 0.5\n    nationalism: 0.6\n", 8,
                      ["actors.moscow.nationalism", "duplicate key", "line 7"]),
    "too large": ("name: minimal", "# " + "x" * MAX_BYTES + "\nname: minimal", None,
                  ["too large", "1 MB"]),
}


def assert_one_line_error(result, source: str, line: int | None, words: list[str]) -> None:
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    where = f"{source}:{line}:" if line is not None else f"{source}:"
    assert where in lines[0]
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_gives_one_line_and_exit_2(run, case, name):
    old, new, line, words = BAD_FILES[name]
    path = case(old, new)
    result = run("validate", path)
    assert_one_line_error(result, str(path), line, words)
    assert result.stdout == ""


def test_missing_file(run, tmp_path):
    result = run("validate", tmp_path / "nope.yaml")
    assert_one_line_error(result, str(tmp_path / "nope.yaml"), None, ["cannot read the file"])


@pytest.mark.parametrize(("item", "words"), [
    ("actors.baku.nationalsim=0.9", ["actors.baku.nationalsim", "did you mean 'nationalism'"]),
    ("actors.baku.nationalism=1.4", ["actors.baku.nationalism = 1.4", "between 0 and 1"]),
    ("levers.crisis_hotline.enabled=perhaps", ['= "perhaps"', "must be true or false"]),
])
def test_bad_set_gives_one_line_naming_the_option(run, case, item, words):
    path = case("name: minimal", "name: minimal")
    result = run("validate", path, "--set", item)
    assert_one_line_error(result, f"--set {item}", None, words)


def test_good_set_is_accepted(run, case):
    path = case("name: minimal", "name: minimal")
    result = run("validate", path, "--set", "levers.crisis_hotline.enabled=true",
                 "--set", "alliances[0].commitment=0.9")
    assert result.exit_code == 0, result.stderr


def test_one_bad_file_among_good_ones(run, case):
    bad = case("nationalism: 0.7", "nationalism: 2")
    good = REPO / "scenarios" / "base.yaml"
    result = run("validate", good, bad, good)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"ok  {good}", f"ok  {good}"]
    assert len(result.stderr.splitlines()) == 1


def test_json_output(run, case):
    bad = case("nationalism: 0.7", "nationalism: 2")
    good = REPO / "scenarios" / "base.yaml"
    result = run("validate", "--json", good, bad)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["files"][0] == {"file": str(good), "ok": True, "kind": "scenario"}
    error = data["files"][1]["error"]
    assert (error["line"], error["path"], error["value"]) == (5, "actors.baku.nationalism", "2")
    assert result.stderr == ""


def test_quiet_prints_nothing_for_good_files(run):
    result = run("validate", "-q", REPO / "scenarios" / "base.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
