"""Input at the edges: one correct line and exit 2, never ``unexpected …`` and never work first.

The eight causes of the crashes found by hostile use (a name too long for the filesystem, a
huge integer in a prior, an event day written as a distribution, a list index of thousands of
digits, huge grid and sample counts, an infinite bound on a whole-number parameter, an episode
whose scenario is malformed, a database that is not escsim's — the last in
``test_calibration_db.py``); the bounds checked before any work (sweep values, explore and
sensitivity samples, workers, runs); strict true/false, dates and codes from files, ``--set``
and the API alike; ``extends:`` kept to the scenario's real folder; messages that were off.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.engine import ensemble
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
BASE_TEXT = BASE.read_text(encoding="utf-8")
EPISODE = REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml"
TINY = ("--runs", "20", "--days", "5", "--workers", "1", "--quiet")
BACKTEST = ("--runs", "20", "--workers", "1", "--quiet")
FAST_S = 3.0
"""A refusal comes at once; this bound catches work done before it (it took 11 s and more)."""


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_error(result, *phrases: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "bug in escsim" not in lines[0] and "unexpected" not in lines[0]
    assert len(lines[0]) < 500, lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before refusing")

    monkeypatch.setattr(ensemble, "plan_chunks", refuse)


def with_text(folder: Path, name: str, old: str, new: str, text: str = BASE_TEXT) -> Path:
    assert re.search(old, text, flags=re.MULTILINE), old
    path = folder / name
    path.write_text(re.sub(old, new, text, count=1, flags=re.MULTILINE), encoding="utf-8")
    return path


# --- the crash causes -----------------------------------------------------------------------

def test_a_scenario_name_too_long_for_the_filesystem(no_simulation):
    one_error(run("run", "a" * 300, *TINY), "cannot be looked up", "name too long")
    one_error(run("validate", "b" * 5000), "name too long")
    one_error(run("backtest", "c" * 300, *BACKTEST), "no such file")


@pytest.mark.parametrize("where", ["set", "file", "calibration"])
def test_a_huge_integer_in_a_prior(tmp_path, no_simulation, where):
    huge = "9" * 400
    spec = f"{{uniform: [0, {huge}]}}"
    if where == "set":
        result = run("run", BASE, *TINY, "--set", f"model.c_mil={spec}")
    elif where == "file":
        (tmp_path / "parent.yaml").write_text(BASE_TEXT, encoding="utf-8")
        child = tmp_path / "child.yaml"
        child.write_text(f"extends: parent.yaml\nmodel:\n  c_mil: {spec}\n", encoding="utf-8")
        result = run("run", child, *TINY)
    else:
        (tmp_path / "cal.yaml").write_text(f"priors:\n  model.c_mil: {spec}\n")
        result = run("run", with_text(tmp_path, "s.yaml", r"^calibration:.*$",
                                      "calibration: cal.yaml"), *TINY)
    one_error(result, "model.c_mil", "finite numbers")


def test_an_event_day_written_as_a_distribution(tmp_path):
    parent = tmp_path / "parent.yaml"
    parent.write_text(BASE_TEXT, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\nevents:\n"
                     "  - day: {uniform: [1, 5]}\n    set: {issues.corridors.heat: 0.9}\n",
                     encoding="utf-8")
    one_error(run("validate", child), "events[0].day", "whole number")


def test_a_list_index_of_thousands_of_digits():
    line = one_error(run("validate", BASE, "--set", f"alliances[{'9' * 4400}].commitment=1"),
                     "at most 9 digits")
    assert len(line) < 400
    one_error(run("validate", BASE, "--set", f"alliances.{'9' * 4400}.commitment=1"),
              "at most 9 digits")


@pytest.mark.parametrize("count", ["20000000", "10000000000000", "9" * 5000])
def test_a_huge_sweep_grid_is_refused_before_it_is_built(no_simulation, count):
    start = time.perf_counter()
    result = run("sweep", BASE, "--vary", f"actors.baku.nationalism=0:1:{count}", *TINY)
    assert time.perf_counter() - start < FAST_S
    assert result.exit_code == 2 and "bug" not in result.stderr, result.stderr


def test_a_long_list_of_sweep_values_is_refused_in_one_short_line(no_simulation):
    values = ",".join(["0.5"] * 100_000)
    start = time.perf_counter()
    line = one_error(run("sweep", BASE, "--vary", f"actors.baku.nationalism={values}", *TINY),
                     "give 1 to 101")
    assert time.perf_counter() - start < FAST_S and len(line) < 400


@pytest.mark.parametrize("command, samples", [("explore", "3000000"), ("explore", "10" * 9),
                                              ("sensitivity", "1048576")])
def test_huge_sample_counts_are_refused_at_once(no_simulation, command, samples):
    start = time.perf_counter()
    result = run(command, BASE, "--param", "actors.baku.nationalism=0:1", "--param",
                 "issues.corridors.heat=0:1", "--samples", samples, *TINY)
    assert time.perf_counter() - start < FAST_S
    assert result.exit_code == 2 and "bug" not in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["explore", "sensitivity"])
@pytest.mark.parametrize("bounds", ["0:inf", "-inf:5", "nan:3"])
def test_an_infinite_bound_on_a_whole_number_parameter(no_simulation, command, bounds):
    one_error(run(command, BASE, "--param", f"actors.baku.initial_rung={bounds}", "--param",
                  "issues.corridors.heat=0:1", *TINY), "finite LO and HI")


@pytest.mark.parametrize("broken, phrase", [
    ("actors: [baku, moscow]", "actors"),
    ("incidents: [1, 2]", "incidents"),
    ("actors: {}", "actors"),
    ("incidents:\n  azal_shootdown: {victim: 7}", "victim"),
])
def test_an_episode_whose_scenario_is_malformed(tmp_path, no_simulation, broken, phrase):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text(f"name: broken\n{broken}\n", encoding="utf-8")
    episode = tmp_path / "episode.yaml"
    text = EPISODE.read_text(encoding="utf-8")
    episode.write_text(re.sub(r"^scenario:.*$", "scenario: broken.yaml", text, count=1,
                              flags=re.MULTILINE), encoding="utf-8")
    line = one_error(run("backtest", episode, *BACKTEST))
    assert "broken.yaml" in line and phrase in line


def test_an_episode_whose_scenario_is_a_pipe_says_so(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    episode = tmp_path / "episode.yaml"
    episode.write_text(re.sub(r"^scenario:.*$", "scenario: pipe.yaml",
                              EPISODE.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE),
                       encoding="utf-8")
    one_error(run("validate", episode), "not a regular file")


# --- bounds before work ---------------------------------------------------------------------

CORES = max(1, os.cpu_count() or 1)


def test_too_many_workers_are_refused(no_simulation):
    one_error(run("run", BASE, *TINY[:4], "--workers", "100000"), f"give 1 to {4 * CORES}")


def test_more_workers_than_cores_get_a_warning():
    result = run("run", BASE, "--runs", "8", "--days", "3", "--quiet", "--workers",
                 str(CORES + 1))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("warning: --workers") and "cores" in result.stderr


@pytest.mark.parametrize("command", [["compare", BASE, BASE], ["levers", BASE],
                                     ["backtest", EPISODE], ["sensitivity", BASE]])
def test_runs_past_the_limit_are_refused(no_simulation, command):
    result = run(*command, "--runs", "10000001")
    assert result.exit_code == 2 and "10000000" in result.stderr, result.stderr


def test_explore_and_sweep_refuse_runs_and_seed_as_parameters(no_simulation):
    one_error(run("explore", BASE, "--param", "runs=1:10", *TINY), "give --runs instead")
    one_error(run("sweep", BASE, "--vary", "seed=1,2", *TINY), "give --seed instead")


# --- strict types, the same rules everywhere ------------------------------------------------

@pytest.mark.parametrize("old, new, phrase", [
    (r"^  baku:\n", "  baku:\n    nuclear: 'yes'\n", "true or false"),
    (r"^  baku:\n", "  baku:\n    nuclear: 1\n", "true or false"),
    (r"^  crisis_hotline: \{enabled: false", "  crisis_hotline: {enabled: 'on'", "true or false"),
    (r"^start_date:.*$", "start_date: '2025-07-01'", "without quotes"),
    (r"^start_date:.*$", "start_date: 2025-07-01T10:00:00", "without quotes"),
])
def test_booleans_and_dates_are_strict_in_files(tmp_path, old, new, phrase):
    one_error(run("validate", with_text(tmp_path, "s.yaml", old, new)), phrase)


@pytest.mark.parametrize("item, phrase", [
    ("actors.baku.nuclear=1", "true or false"),
    ("levers.crisis_hotline.enabled=1", "true or false"),
    ("actors.baku.nuclear='yes'", "true or false"),
    ("start_date='2025-07-01'", "without quotes"),
    ("incidents.diaspora_crackdown.cameo=173", "in quotes"),
])
def test_booleans_dates_and_codes_are_strict_in_set(item, phrase):
    one_error(run("validate", BASE, "--set", item), phrase)


def test_a_quoted_code_in_set_is_a_code():
    assert run("validate", BASE, "--set", 'incidents.diaspora_crackdown.cameo="173"').exit_code \
        == 0


def test_an_events_value_is_strict_too(tmp_path):
    path = with_text(tmp_path, "s.yaml", r"^name:.*$", "name: strict\nadd_events:\n  - day: 3\n"
                     "    set: {levers.crisis_hotline.enabled: 1}")
    one_error(run("validate", path), "true or false")


def test_episode_dates_are_strict(tmp_path):
    text = EPISODE.read_text(encoding="utf-8")
    match = re.search(r"^start_date: (\S+)$", text, re.MULTILINE)
    assert match
    path = with_text(tmp_path, "e.yaml", r"^start_date: \S+$", f"start_date: '{match[1]}'", text)
    one_error(run("validate", path), "start_date", "without quotes")


def test_the_api_follows_the_same_rules():
    import escalation_sim as es
    from escalation_sim.scenario.errors import ScenarioError

    for values in ({"actors.baku.nuclear": 1}, {"start_date": "2025-07-01"},
                   {"incidents.diaspora_crackdown.cameo": 173}):
        with pytest.raises(ScenarioError):
            es.run("base", runs=4, days=3, workers=1, set=values)
    import datetime as dt

    result = es.run("base", runs=4, days=3, workers=1,
                    set={"incidents.diaspora_crackdown.cameo": "173",
                         "start_date": dt.date(2025, 8, 1), "actors.baku.nuclear": True})
    assert result.summary["start_date"] == "2025-08-01"


# --- containment ----------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["outside", "etc-passwd"])
def test_extends_does_not_escape_through_a_symbolic_link(tmp_path, target):
    home = tmp_path / "home"
    home.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(BASE_TEXT, encoding="utf-8")
    os.symlink(outside if target == "outside" else "/etc/passwd", home / "l.yaml")
    (home / "child.yaml").write_text("extends: l.yaml\nname: child\n", encoding="utf-8")
    one_error(run("validate", home / "child.yaml"), "extends", "leads out of this scenario's "
              "folder")


def test_a_symbolic_link_inside_the_folder_is_followed(tmp_path):
    (tmp_path / "real.yaml").write_text(BASE_TEXT, encoding="utf-8")
    os.symlink("real.yaml", tmp_path / "l.yaml")
    (tmp_path / "child.yaml").write_text("extends: l.yaml\nname: child\n", encoding="utf-8")
    assert load_scenario(tmp_path / "child.yaml").name == "child"


def test_a_calibration_file_does_not_escape_through_a_symbolic_link(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "cal.yaml").write_text("priors:\n  model.c_mil: {uniform: [4, 9]}\n")
    os.symlink(tmp_path / "cal.yaml", home / "cal.yaml")
    path = with_text(home, "s.yaml", r"^calibration:.*$", "calibration: cal.yaml")
    one_error(run("validate", path), "calibration", "leads out")


def test_a_looping_extends_link_says_so(tmp_path):
    os.symlink("loop.yaml", tmp_path / "loop.yaml")
    (tmp_path / "child.yaml").write_text("extends: loop.yaml\nname: child\n", encoding="utf-8")
    one_error(run("validate", tmp_path / "child.yaml"), "looping symbolic link")


# --- messages that were off -----------------------------------------------------------------

def chain(folder: Path, levels: int) -> Path:
    (folder / "s0.yaml").write_text(BASE_TEXT, encoding="utf-8")
    for k in range(1, levels + 1):
        (folder / f"s{k}.yaml").write_text(f"extends: s{k - 1}.yaml\nname: s{k}\n",
                                           encoding="utf-8")
    return folder / f"s{levels}.yaml"


def test_a_chain_of_ten_extends_is_allowed_and_eleven_refused(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    assert run("validate", chain(tmp_path / "a", 10)).exit_code == 0
    one_error(run("validate", chain(tmp_path / "b", 11)), "at most 10")


def test_an_extreme_beta_says_what_is_wrong():
    line = one_error(run("validate", BASE, "--set",
                         "actors.baku.nationalism={beta: [1e308, 1e308]}"))
    assert "NaN" not in line and "no finite median" in line


def test_an_impossible_out_folder_is_refused_before_the_exploration(no_simulation):
    one_error(run("explore", BASE, "--param", "actors.baku.nationalism=0:1", *TINY, "--out",
                  "/proc/escsim-out"), "--out")
