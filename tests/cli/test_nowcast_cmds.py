"""Nowcasting from the command line: ``run`` of a scenario with a record, rolling-origin
``backtest --from`` / ``--origins``, and their errors."""

from __future__ import annotations

import json

import pytest


def test_run_says_what_the_record_did(run) -> None:
    result = run("run", "latest", "--runs", "200", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Filtered through the record azerbaijan_russia_2024_2026: 15 months (2024-12 to " \
           "2026-02)" in text
    assert "from the scenario's hand-set start" in text


def test_a_record_that_does_not_fit_exits_2_in_one_line(run) -> None:
    bad = run("run", "latest", "--runs", "200", "--set", "start_date=2024-06-01")
    assert bad.exit_code == 2
    errors = [line for line in bad.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "record" in errors[0] and "2024-06-01" in errors[0]
    checked = run("validate", "latest", "--set", "start_date=2024-06-01")  # says what run says
    assert checked.exit_code == 2 and checked.stderr.strip() == errors[0]


@pytest.mark.slow
def test_backtest_from_an_origin_scores_by_horizon(run) -> None:
    result = run("backtest", "azerbaijan_russia_2024_2026", "--from", "2025-07-01", "--runs",
                 "200", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    [episode] = data["episodes"]
    [origin] = episode["origins"]
    assert origin["origin"] == "2025-07-01" and origin["assimilated"] == 7  # Dec 2024 - Jun 2025
    assert set(origin["horizons"]) == {"1", "3", "6"}  # the record ends in March 2026
    for row in data["pooled"].values():
        assert 0 <= row["model"] <= 1 and 0 <= row["cover_90"] <= 1
        if row["persistence"] > 0:
            assert row["skill_persistence"] == 1 - row["model"] / row["persistence"]
        else:  # a perfect reference: no skill can be computed against it
            assert row["skill_persistence"] is None


@pytest.mark.slow
def test_backtest_origins_every_n_months_and_their_errors(run) -> None:
    result = run("backtest", "russia_ukraine_2013", "--origins", "every:2m", "--runs", "100")
    assert result.exit_code == 0, result.stderr
    assert "pooled, by horizon" in result.stdout
    for args, needle in ((("--origins", "every:three"), "expected every:Nm"),
                         (("--from", "2030-01-01"), "must lie between"),
                         (("--from", "2025-07-01", "--origins", "every:3m"), "give one")):
        bad = run("backtest", "azerbaijan_russia_2024_2026", *args)
        assert bad.exit_code == 2, bad.stdout
        assert needle in bad.stderr
