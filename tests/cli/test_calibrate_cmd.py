"""``escsim calibrate``: bad input exits 2 with one line, before any simulation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

pytest.importorskip("pyabc")


def one_error_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(("args", "words"), [
    (["--population", "1"], "--population"),
    (["--generations", "0"], "--generations"),
    (["--runs", "0"], "--runs"),
    (["--min-ess", "1"], "--min-ess"),
    (["no_such_episode"], "no_such_episode"),
    (["--leave-one-out", "india_pakistan_2019"], "--calibration FILE, not EPISODES"),
    (["--leave-one-out", "--resume"], "--resume"),
    (["--calibration", "c.yaml"], "--leave-one-out refits"),
])
def test_bad_options_exit_2(run: Callable[..., Result], tmp_path: Path, args: list[str],
                            words: str) -> None:
    result = run("calibrate", *args, "--out", tmp_path / "c.yaml")
    assert result.exit_code == 2, result.stderr
    assert words in one_error_line(result)
    assert not (tmp_path / "c.yaml").exists()


def test_resume_needs_a_history(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("calibrate", "india_pakistan_2019", "--resume", "--out", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert "no calibration to continue" in one_error_line(result)


def test_an_earlier_history_is_not_overwritten(run: Callable[..., Result],
                                               tmp_path: Path) -> None:
    (tmp_path / "c.yaml.db").write_bytes(b"kept")
    result = run("calibrate", "india_pakistan_2019", "--out", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert "escsim leaves it alone" in one_error_line(result)
    assert (tmp_path / "c.yaml.db").read_bytes() == b"kept"


def test_a_file_escsim_did_not_write_is_kept(run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run("calibrate", "india_pakistan_2019", "--out", target)
    assert result.exit_code == 2
    assert "escsim did not write it" in one_error_line(result)
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_missing_pyabc_names_the_extra(run: Callable[..., Result],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import escalation_sim.extras as extras

    monkeypatch.setattr(extras, "find_spec", lambda name: None)
    result = run("calibrate", "india_pakistan_2019")
    assert result.exit_code == 1
    assert "pip install 'escsim[calibrate]'" in one_error_line(result)


def test_calibrates_writes_and_resumes(run: Callable[..., Result], tmp_path: Path) -> None:
    import yaml

    target = tmp_path / "c.yaml"
    tiny = ("india_pakistan_2019", "--max-months", "1", "--population", "3", "--runs", "4",
            "--workers", "1", "--out", target)
    first = run("calibrate", *tiny, "--generations", "1", "--json")
    assert first.exit_code == 0, first.stderr
    doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert doc["episodes"] == ["india_pakistan_2019"]
    assert len(doc["particles"]["weights"]) == 3
    assert doc["settings"]["generations"] == 1
    assert [g["generation"] for g in doc["generations"]] == [1]
    assert (tmp_path / "c.yaml.db").is_file()
    again = run("calibrate", *tiny, "--generations", "2", "--resume", "--quiet")
    assert again.exit_code == 0, again.stderr
    resumed = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert len(resumed["distance"]["epsilons"]) == 1  # generation 2's threshold; 1's is infinite
    assert resumed["settings"]["generations"] == 2
    assert [g["generation"] for g in resumed["generations"]] == [1, 2]
    assert all(g["ess"] > 0 for g in resumed["generations"])


def test_leave_one_out_refits_a_finished_calibration(run: Callable[..., Result],
                                                     tmp_path: Path) -> None:
    import json

    target = tmp_path / "c.yaml"
    made = run("calibrate", "india_pakistan_2019", "russia_ukraine_2009", "--max-months", "1",
               "--population", "4", "--generations", "2", "--runs", "4", "--workers", "1",
               "--out", target, "--quiet")
    assert made.exit_code == 0, made.stderr
    table = tmp_path / "loo.json"
    loo = run("calibrate", "--leave-one-out", "--calibration", target, "--runs", "4",
              "--min-ess", "2", "--workers", "1", "--out", table, "--quiet")
    assert loo.exit_code == 0, loo.stderr
    doc = json.loads(table.read_text(encoding="utf-8"))
    assert [row["episode"] for row in doc["episodes"]] == ["india_pakistan_2019",
                                                          "russia_ukraine_2009"]
    assert doc["calibration"]["joint"].startswith("c.yaml:")
    assert all(row["ess"] >= 2 for row in doc["episodes"])


def test_leave_one_out_needs_the_database(run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    target.write_text("particles: {parameters: [], weights: [], values: []}\nepisodes: []\n",
                      encoding="utf-8")
    result = run("calibrate", "--leave-one-out", "--calibration", target, "--out",
                 tmp_path / "loo.json")
    assert result.exit_code == 2
    assert "c.yaml.db" in one_error_line(result)


def test_interrupt_leaves_no_file(run: Callable[..., Result], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import escalation_sim.analysis.calibrate as calibrate

    def stop(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(calibrate, "run_abc", stop)
    target = tmp_path / "c.yaml"
    result = run("calibrate", "india_pakistan_2019", "--out", target)
    assert result.exit_code == 130
    assert "nothing written to" in one_error_line(result)
    assert not target.exists()
