"""The analyst's first hour: bundled names from any folder, a scheduled add held at a bound."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from escalation_sim.scenario.edit import held_at_bounds
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
FAST = ("--runs", "60", "--days", "45")


def test_heat_bound_is_held_and_reported_once(run):
    result = run("run", BASE, *FAST, "--set", "actors.baku.nationalism=0.9",
                 "--set", "issues.corridors.heat=0.9", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["held_at_bound"] == ["day 38: corridors heat held at 1.0"]
    shown = run("run", BASE, *FAST, "--set", "issues.corridors.heat=0.9")
    assert shown.stdout.count("corridors heat held at 1.0") == 1


def test_heat_one_can_be_set_and_out_of_range_set_stays_an_error(run):
    scenario = load_scenario(BASE, ["issues.corridors.heat=1.0"])
    assert [h["text"] for h in held_at_bounds(scenario)] == ["day 38: corridors heat held at 1.0"]
    assert held_at_bounds(load_scenario(BASE)) == []
    result = run("run", BASE, *FAST, "--set", "issues.corridors.heat=1.1")
    assert result.exit_code == 2
    assert "--set issues.corridors.heat=1.1" in result.stderr


def test_trace_says_where_the_bound_held(run):
    result = run("trace", BASE, "--set", "issues.corridors.heat=0.95", "--json")
    assert result.exit_code == 0, result.stderr
    texts = [e.get("text") for e in json.loads(result.stdout)["events"] if e["day"] == 38]
    assert "corridors heat held at 1.0" in texts


@pytest.mark.parametrize("command", [
    ("run", "base", *FAST), ("trace", "base"), ("validate", "base"),
    ("sweep", "base", "--vary", "actors.baku.nationalism=0:1:2", *FAST),
    ("compare", "base", "all_levers", *FAST)])
def test_bundled_name_from_another_folder(run, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(*command)
    assert result.exit_code == 0, result.stderr


def test_missing_path_points_to_the_bundled_name(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("run", "scenarios/base.yaml", *FAST)
    assert result.exit_code == 2
    assert "no file scenarios/base.yaml here; the bundled scenario is `base` (escsim list)" \
        in result.stderr


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["run", "--help"]])
def test_version_and_help_load_neither_numpy_nor_the_engine(args):
    code = ("import sys\nfrom escalation_sim.cli.app import app\n"
            f"try:\n    app({args!r}, prog_name='escsim')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'escalation_sim.engine.ensemble')"
            " if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1]
    assert found == "[]"


def test_shell_completion_is_offered(run):
    assert "--install-completion" in run("--help").stdout


# -- quiet ends ----------------------------------------------------------------------------------
ESCSIM = Path(sys.executable).with_name("escsim")


@pytest.mark.slow
@pytest.mark.parametrize("args", [["list"], ["run", "base", "--runs", "50", "--days", "30"],
                                  ["run", "base", "--runs", "50", "--days", "30", "--json"]])
def test_a_closed_pipe_ends_quietly_with_exit_0(args):
    proc = subprocess.Popen([str(ESCSIM), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()  # `| head -1`: read one line, then close the pipe
    proc.stdout.close()
    stderr = proc.stderr.read() if proc.stderr else b""
    assert proc.wait(timeout=120) == 0
    assert stderr == b""


def test_variant_mistakes_name_the_variant(run):
    result = run("compare", "base", "--variant", "hot: issues.corridors.heet=0.8", "--runs", "10")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --variant 'hot: issues.corridors.heet=0.8'")
    assert "did you mean 'heat'" in result.stderr


@pytest.mark.slow
def test_list_shows_only_episodes_backtest_takes(run):
    result = run("list", "--json")
    episodes = sorted(p.name for p in (REPO / "episodes").glob("*.yaml"))
    assert len(episodes) > 1  # the library, not only the Azerbaijan–Russia episode
    assert [e["file"] for e in json.loads(result.stdout)["episodes"]] == episodes


def test_validate_checks_an_episode_as_an_episode(run):
    result = run("validate", REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("(episode)") and "unknown key" not in result.stderr


def test_new_says_it_wrote_the_schema(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "mine", "--from", "base")
    assert result.exit_code == 0, result.stderr
    assert "wrote scenario.schema.json" in result.stderr
    again = run("new", "other", "--from", "base")
    assert "scenario.schema.json" not in again.stderr  # there already: not written again


# -- scenario editing ----------------------------------------------------------------------------
def test_warnings_are_one_line_each_on_stderr(run, tmp_path):
    variant = tmp_path / "variant.yaml"
    variant.write_text("extends: base\nname: variant\nevents:\n  - day: 400\n    add:\n"
                       "      actors.baku.nationalism: 0.05\n", encoding="utf-8")
    result = run("run", variant, *FAST, "--json")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("warning: ") for line in lines)
    assert "dropping day 38" in lines[0] and "after the horizon" in lines[1]
    json.loads(result.stdout)  # stdout still holds only the JSON


def test_explain_shows_the_scenarios_value_and_finds_bare_names(run):
    result = run("explain", "issues.karabakh.heat")
    assert "default  0.5" in result.stdout and "in base  0.4" in result.stdout
    surge = run("explain", "actors.baku.nationalism", "--scenario", "nationalist_surge")
    assert re.search(r"in nationalist_surge\s+0\.9\b", surge.stdout)
    bare = run("explain", "c_mil")
    assert bare.exit_code == 2 and "did you mean model.c_mil?" in bare.stderr


@pytest.mark.parametrize(("term", "words"), [("rps", "ranked probability score"),
                                             ("Brier", "squared error"),
                                             ("persistence", "carried forward"),
                                             ("goldstein", "−10")])
def test_explain_holds_a_glossary(run, term, words):
    result = run("explain", term)
    assert result.exit_code == 0 and words in " ".join(result.stdout.split())


def test_a_scenario_that_fails_gets_its_error_line_alone(run, tmp_path):
    variant = tmp_path / "variant.yaml"
    variant.write_text("extends: base\nname: variant\nevents:\n  - day: 400\n    set:\n"
                       "      actors.baku.nationalism: 5\n", encoding="utf-8")
    result = run("validate", variant)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
