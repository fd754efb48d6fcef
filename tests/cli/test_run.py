"""``escsim run``: JSON contract, reproducibility, overrides, errors, colour, ``--out``."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from escalation_sim.analysis.stats import Z95
from escalation_sim.output import files

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
ESCSIM = Path(sys.executable).with_name("escsim")
FAST = ("--runs", "200", "--days", "60")
ANSI = re.compile(r"\x1b\[")
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
"""An SGR sequence that sets a foreground or background colour (not just bold or dim)."""


def run_json(run, *args) -> dict:
    result = run("run", BASE, *FAST, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_is_the_summary_and_nothing_else(run):
    result = run("run", BASE, *FAST, "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)  # stdout parses as a whole: nothing else there
    assert summary["schema_version"] == 2
    assert (summary["runs"], summary["days"]) == (200, 60)
    assert summary["timeline"]["day"][-1] == 59  # --days overrides horizon_days
    assert summary["scenario"]["path"] == str(BASE)
    assert len(summary["scenario"]["sha256"]) == 64


def test_outcomes_sum_to_one_and_intervals_contain_their_points(run):
    summary = run_json(run)
    outcomes = summary["outcomes"].values()
    assert sum(o["p"] for o in outcomes) == pytest.approx(1.0, abs=0.03)
    for o in outcomes:
        assert o["ci_low"] <= o["p"] <= o["ci_high"]
    for key, m in summary["metrics"].items():
        if m["ci_low"] is not None:
            assert m["ci_low"] <= m["value"] <= m["ci_high"], key


def test_same_seed_gives_byte_identical_json(run):
    texts = [run("run", BASE, *FAST, "--seed", "11", "--json", "--workers", w).stdout
             for w in ("1", "2")]
    assert texts[0] == texts[1]
    assert "timing" not in json.loads(texts[0])  # how long it took is no part of the result
    other = run("run", BASE, *FAST, "--seed", "12", "--json").stdout
    assert other != texts[0]  # the seed does matter


def test_the_terminal_summary_still_says_how_long_it_took(run):
    result = run("run", BASE, *FAST, "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert " runs/s)" in result.stdout


def test_nationalism_raises_escalation(run):
    """Same seed (common random numbers), Baku's nationalism 0.9 vs 0.1.

    At 400 runs the two means differ by about one rung while each 95% interval is about
    ±0.07, so requiring disjoint intervals *and* a gap of 0.4 rungs cannot flake.
    """
    low, high = (run_json(run, "--runs", "400", "--days", "90", "--seed", "3",
                          "--set", f"actors.baku.nationalism={n}") for n in ("0.1", "0.9"))
    lo, hi = low["metrics"]["peak_rung_mean"], high["metrics"]["peak_rung_mean"]
    assert hi["ci_low"] > lo["ci_high"]
    assert hi["value"] - lo["value"] > 0.4
    lo, hi = low["metrics"]["days_coercion_mean"], high["metrics"]["days_coercion_mean"]
    assert hi["ci_low"] > lo["ci_high"]
    assert high["actors"]["baku"]["peak_rung_mean"] > low["actors"]["baku"]["peak_rung_mean"]


def test_nationalism_paired_per_run(run, tmp_path):
    """The same comparison run by run, from runs.csv: a paired difference with its interval."""
    peaks = []
    for n in ("0.1", "0.9"):
        result = run("run", BASE, "--runs", "400", "--days", "90", "--seed", "3", "-q",
                     "--set", f"actors.baku.nationalism={n}", "--out", tmp_path / n)
        assert result.exit_code == 0, result.stderr
        lines = (tmp_path / n / "runs.csv").read_text().splitlines()
        col = lines[0].split(",").index("baku_peak")
        peaks.append([int(line.split(",")[col]) for line in lines[1:]])
    diffs = [h - lo for lo, h in zip(*peaks, strict=True)]
    mean = sum(diffs) / len(diffs)
    sd = (sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)) ** 0.5
    assert mean - Z95 * sd / len(diffs) ** 0.5 > 0.4


@pytest.mark.parametrize(("item", "words"), [
    ("actors.bku.nationalism=0.3", "did you mean 'baku'"),
    ("actors.baku.nationalsm=0.3", "did you mean 'nationalism'"),
    ("actors.baku.nationalism=7", "between 0 and 1"),
    ("actors.baku.nationalism=high", "actors.baku.nationalism"),
    ("nonsense", "PATH=VALUE"),
])
def test_bad_set_exits_2_with_one_clear_line(run, item, words):
    result = run("run", BASE, *FAST, "--set", item, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_options_and_files_exit_2(run, tmp_path):
    assert run("run", BASE, "--runs", "0").exit_code == 2
    missing = run("run", tmp_path / "missing.yaml")
    assert missing.exit_code == 2 and "missing.yaml" in missing.stderr
    (tmp_path / "mine.txt").write_text("keep me")
    foreign = run("run", BASE, *FAST, "--out", tmp_path)
    assert foreign.exit_code == 2 and "did not write" in foreign.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_quiet_prints_nothing(run):
    result = run("run", BASE, *FAST, "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_human_summary_goes_to_stdout(run):
    result = run("run", BASE, *FAST)
    assert result.exit_code == 0
    assert "Outcomes" in result.stdout and "Azerbaijan (Baku) — rung" in result.stdout
    assert result.stderr == ""


def test_out_writes_every_file(run, tmp_path):
    target = tmp_path / "results"
    result = run("run", BASE, *FAST, "--out", target, "--set", "actors.baku.nationalism=0.8",
                 env={"COLUMNS": "200"})  # the folder's path on one line, however long
    assert result.exit_code == 0, result.stderr
    names = {p.name for p in target.iterdir()}
    assert {"summary.json", "runs.csv", "daily.csv", "scenario.resolved.yaml"} <= names
    assert ("runs.parquet" in names) == files.parquet_available()
    assert f"Files: {target}/" in result.stdout and "  summary.json, runs.csv" in result.stdout
    summary = json.loads((target / "summary.json").read_text())
    assert summary["scenario"]["overrides"] == ["actors.baku.nationalism=0.8"]
    assert "nationalism: 0.8" in (target / "scenario.resolved.yaml").read_text()
    assert len((target / "runs.csv").read_text().splitlines()) == 201
    assert len((target / "daily.csv").read_text().splitlines()) == 61


def test_out_with_json_keeps_stdout_pure(run, tmp_path):
    result = run("run", BASE, *FAST, "--out", tmp_path / "o", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((tmp_path / "o" / "summary.json").read_text())
    assert "wrote" in result.stderr


def test_a_failed_run_leaves_an_earlier_out_folder_intact(run, tmp_path, monkeypatch):
    target = tmp_path / "results"
    assert run("run", BASE, *FAST, "--out", target, "-q").exit_code == 0
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def disk_full(path, table):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_csv", disk_full)
    result = run("run", BASE, *FAST, "--seed", "5", "--out", target)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no temporary folders
    bad = run("run", BASE, *FAST, "--set", "actors.baku.nationalism=7", "--out", target)
    assert bad.exit_code == 2
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_help_has_examples(run):
    result = run("run", "--help")
    assert result.exit_code == 0
    assert "escsim run scenarios/base.yaml --json" in result.stdout
    assert "--set" in result.stdout and "--out" in result.stdout


# -- colour: a real process, through a pipe and in a pseudo-terminal -------------------------------
def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "TTY_COMPATIBLE")}
    env.update({"TERM": "xterm-256color", **extra})
    return env


def in_pty(args: list[str], env: dict[str, str]) -> str:
    """Run a command with stdout and stderr on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL,
                            env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_piped_output_has_no_escapes():
    proc = subprocess.run([ESCSIM, "run", BASE, *FAST], capture_output=True, text=True,
                          env=clean_env(), timeout=120)
    assert proc.returncode == 0
    assert "Outcomes" in proc.stdout
    assert not ANSI.search(proc.stdout) and not ANSI.search(proc.stderr)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_output_is_coloured_unless_no_color_or_dumb():
    args = [str(ESCSIM), "run", str(BASE), *FAST]
    assert COLOUR.search(in_pty(args, clean_env()))  # the control: a terminal gets colour
    assert not COLOUR.search(in_pty(args, clean_env(NO_COLOR="1")))
    assert not ANSI.search(in_pty(args, clean_env(TERM="dumb")))
    assert COLOUR.search(in_pty(args, clean_env(NO_COLOR="")))  # empty: not set (no-color.org)


# -- the progress bar --------------------------------------------------------------------------
def progress_console(monkeypatch):
    import io

    from rich.console import Console

    from escalation_sim.cli import progress

    buf = io.StringIO()
    monkeypatch.setattr(progress, "err", Console(file=buf, force_terminal=True, width=100))
    return progress, buf


def test_progress_appears_only_after_the_delay(monkeypatch):
    import time

    run_cmd, buf = progress_console(monkeypatch)
    with run_cmd.DelayedProgress(1000, enabled=True, delay=30.0) as progress:
        progress(1000)
    assert buf.getvalue() == ""  # a run shorter than the delay shows nothing
    with run_cmd.DelayedProgress(1000, enabled=True, delay=0.01) as progress:
        time.sleep(0.3)
        progress(400)
        time.sleep(0.3)
    assert "simulating" in buf.getvalue() and "400/1000" in buf.getvalue()
    assert progress.done == 400


def test_progress_disabled_never_draws(monkeypatch):
    import time

    run_cmd, buf = progress_console(monkeypatch)
    with run_cmd.DelayedProgress(10, enabled=False, delay=0.0) as progress:
        time.sleep(0.1)
        progress(10)
    assert buf.getvalue() == ""
