"""``escsim schema``, ``explain``, ``list``, ``new``, usage errors and the error guard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from escalation_sim.commands import common as commands_common
from escalation_sim.scenario import bundled
from escalation_sim.scenario import load as scenario_load
from escalation_sim.scenario.load import load_scenario

ESCSIM = Path(sys.executable).with_name("escsim")
REPO = Path(__file__).resolve().parents[2]


def test_schema_prints_a_valid_json_schema(run):
    result = run("schema")
    assert result.exit_code == 0
    Draft202012Validator.check_schema(json.loads(result.stdout))


def test_schema_out_writes_the_file(run, tmp_path):
    target = tmp_path / "sub" / "s.json"
    result = run("schema", "--out", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["title"] == "escsim scenario"
    # no temporary file left; the folder's manifest records the file escsim wrote
    assert sorted(p.name for p in target.parent.iterdir()) == [".escsim-files.json", "s.json"]


def test_explain_leaf(run):
    result = run("explain", "actors.baku.nationalism")
    assert result.exit_code == 0
    for words in ("number", "index 0-1", "between 0 and 1", "0.5", "§4 Actors"):
        assert words in result.stdout


def test_explain_section_lists_fields(run):
    result = run("explain", "levers")
    assert result.exit_code == 0
    for name in ("crisis_hotline", "multilateral_forum", "trusted_intermediaries"):
        assert f"levers.{name}" in result.stdout


def test_explain_json(run):
    data = json.loads(run("explain", "--json", "model.w_issue").stdout)
    assert data["subject"]["path"] == "model.w_issue" and data["fields"] == []


def test_explain_unknown_path(run):
    result = run("explain", "actors.baku.nationalsim")
    assert result.exit_code == 2
    assert "did you mean 'nationalism'" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
def test_list_shows_scenarios_and_episodes(run):
    result = run("list")
    assert result.exit_code == 0
    assert "base.yaml" in result.stdout and "Azerbaijan–Russia, mid-2025" in result.stdout
    assert "Episodes" in result.stdout
    data = json.loads(run("list", "--json").stdout)
    assert {row["file"] for row in data["scenarios"]} == \
        {p.name for p in bundled.scenario_files()}
    assert all(row["description"] and not row["description"].startswith("invalid")
               for row in data["scenarios"])


def test_list_leaves_out_csv_records_backtest_refuses(run, tmp_path, monkeypatch):
    record = tmp_path / "e.csv"
    record.write_text("date,event\n2025-01-02,a\n2024-12-25,b\n")
    episode = REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml"
    monkeypatch.setattr(bundled, "episode_files", lambda: [record, episode])
    data = json.loads(run("list", "--json").stdout)
    assert [row["file"] for row in data["episodes"]] == [episode.name]
    assert data["episodes"][0]["period"] == "2024-12-25 – 2026-03-31"


def test_new_copies_a_bundled_scenario(run, tmp_path):
    result = run("new", "my_case", "--dir", tmp_path)
    assert result.exit_code == 0, result.stderr
    target = tmp_path / "my_case.yaml"
    lines = target.read_text().splitlines()
    assert lines[0] == "# yaml-language-server: $schema=scenario.schema.json"
    assert (tmp_path / "scenario.schema.json").exists()
    assert 'name: "my_case"' in lines
    scenario = load_scenario(target)
    assert scenario.name == "my_case"
    assert scenario.actors == load_scenario(bundled.find_scenario("base")).actors


def test_new_from_a_variant_extends_the_bundled_base(run, tmp_path):
    assert run("new", "hot", "--from", "lever_crisis_hotline", "--dir", tmp_path).exit_code == 0
    scenario = load_scenario(tmp_path / "hot.yaml")
    assert scenario.levers.crisis_hotline.enabled and scenario.name == "hot"


def test_new_refuses_to_overwrite(run, tmp_path):
    (tmp_path / "mine.yaml").write_text("keep me\n")
    result = run("new", "mine", "--dir", tmp_path)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (tmp_path / "mine.yaml").read_text() == "keep me\n"


@pytest.mark.parametrize(("args", "words"), [
    (["new", "bad name"], "must be 1-64 letters"),
    (["new", "../escape"], "must be 1-64 letters"),
    (["new", "ok", "--from", "bsae"], "did you mean 'base'"),
])
def test_new_rejects_bad_names(run, tmp_path, args, words):
    result = run(*args, "--dir", tmp_path)
    assert result.exit_code == 2 and words in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["validate"], ["validate", "--bogus", "x.yaml"],
                                  ["nosuchcommand"], ["explain", "a", "b"]])
def test_usage_errors_exit_2_in_one_line(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "--help" in result.stderr


def test_help_has_examples(run):
    assert run("--help").exit_code == 0
    for command in ("validate", "schema", "explain", "list", "new"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout


def test_unexpected_error_is_one_line_and_exit_1(run, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("oops")

    for module in (scenario_load, commands_common):  # the commands' loader holds its own name
        monkeypatch.setattr(module, "load_scenario", boom)
    result = run("validate", "x.yaml")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: unexpected ZeroDivisionError: oops — this is a bug in escsim; set ESCSIM_DEBUG=1 "
        "to see the traceback"]


def test_debug_env_lets_the_traceback_through(run, monkeypatch):
    for module in (scenario_load, commands_common):  # the commands' loader holds its own name
        monkeypatch.setattr(module, "load_scenario", lambda *a, **k: 1 / 0)
    result = run("validate", "x.yaml", env={"ESCSIM_DEBUG": "1"})
    assert isinstance(result.exception, ZeroDivisionError)


@pytest.mark.skipif(not ESCSIM.exists(), reason="console script not installed")
def test_console_script_without_colour(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nactors: {baku: {}, moscow: {nationalism: 9}}\n")
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run([ESCSIM, "validate", bad], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {bad}:2: actors.moscow.nationalism = 9 — ")
    assert "\x1b[" not in proc.stderr and proc.stderr.count("\n") == 1


def test_load_or_exit_applies_common_options_and_exits_2(capsys):
    import typer

    from escalation_sim.cli.steps import load_or_exit

    base = bundled.find_scenario("base")
    scenario = load_or_exit(base, ["actors.baku.nationalism=0.8"], runs=10, days=50, seed=3)
    assert (scenario.runs, scenario.horizon_days, scenario.seed) == (10, 50, 3)
    assert scenario.actors["baku"].nationalism == 0.8
    assert load_or_exit(base, days=30).horizon_days == 30  # ends before the day-38 event
    with pytest.raises(typer.Exit) as info:
        load_or_exit(base, days=0)
    assert info.value.exit_code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--days 0: must be between 1 and" in err  # as given
