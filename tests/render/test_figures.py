"""``--figures DIR``: every command writes its charts as non-trivial PNG and SVG files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.output.files import OutputError
from escalation_sim.render.figures import _save, check_folder

pytest.importorskip("matplotlib")

BASE = str(Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml")
SMALL = ("--runs", "64", "--days", "40", "--workers", "1", "--quiet")
COMMANDS = {
    "run": (["run", BASE, *SMALL], ["run_fan_baku", "run_fan_moscow", "run_outcomes"]),
    "compare": (["compare", BASE, "--set", "levers.crisis_hotline.enabled=true", *SMALL],
                ["compare_outcomes", "compare_differences"]),
    "sweep": (["sweep", BASE, "--vary", "actors.baku.nationalism=0:1:3", "--vary",
               "issues.corridors.heat=0:0.8:2", "--metric", "p_force", "--metric",
               "peak_rung_mean", *SMALL], ["sweep_p_force", "sweep_peak_rung_mean"]),
    "sensitivity": (["sensitivity", BASE, "--method", "morris", "--samples", "4", "--param",
                     "actors.baku.nationalism=0:1", "--param", "actors.baku.reciprocity=0.3:0.9",
                     "--runs", "32", "--days", "40", "--workers", "1", "--quiet"],
                    ["sensitivity_peak_rung_mean"]),
    "backtest": (["backtest", "azerbaijan_russia_2024_2026", "--runs", "64", "--workers", "1",
                  "--quiet"], ["backtest_baku", "backtest_moscow"]),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """Each command run once with --figures; its folder."""
    folders = {}
    for command, (args, _) in COMMANDS.items():
        folder = tmp_path_factory.mktemp(command) / "figs"
        result = CliRunner().invoke(app, [*args, "--figures", str(folder)])
        assert result.exit_code == 0, (command, result.stderr)
        folders[command] = folder
    return folders


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_figures_are_written_as_png_and_svg(command, made):
    folder, stems = made[command], COMMANDS[command][1]
    for stem in stems:
        png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000, stem
        assert b"escsim" in data[:4096]
        text = svg.read_text(encoding="utf-8")
        assert "<svg" in text and len(text) > 5_000 and "Source: escsim" in text, stem
    hidden = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert hidden == [".escsim-files.json"]  # the manifest, and no temporary files
    listed = json.loads((folder / ".escsim-files.json").read_text())["files"]
    assert sorted(listed) == sorted(p.name for p in folder.iterdir() if p.name in listed)
    assert {f"{stem}.{fmt}" for stem in stems for fmt in ("png", "svg")} <= set(listed)


def test_run_figures_have_titles_dates_and_labels(made):
    svg = (made["run"] / "run_fan_baku.svg").read_text(encoding="utf-8")
    assert "fan chart (2025-07-01 to 2025-08-09)" in svg
    assert "escalation rung" in svg and "date (day 0 = 2025-07-01)" in svg
    outcomes = (made["run"] / "run_outcomes.svg").read_text(encoding="utf-8")
    assert "How it ends and how bad it got: 40 days" in outcomes and "95% interval" in outcomes
    assert "How it ends (last day)" in outcomes and "How bad it got (worst day)" in outcomes
    assert "coercive standoff" in outcomes and "normalization" not in outcomes


def test_figures_never_replace_a_file_escsim_did_not_write(tmp_path, made):
    mine = tmp_path / "run_outcomes.png"
    mine.write_bytes(b"my own chart")
    result = CliRunner().invoke(app, ["run", BASE, *SMALL, "--figures", str(tmp_path)])
    assert result.exit_code == 2
    assert "run_outcomes.png exists and escsim did not write it" in result.stderr
    assert mine.read_bytes() == b"my own chart"
    check_folder(made["run"], "run")  # escsim's own figures may be replaced
    from matplotlib.figure import Figure

    with pytest.raises(OutputError, match="escsim did not write it"):
        _save(Figure(), tmp_path, "run_outcomes")
    assert mine.read_bytes() == b"my own chart"


def test_figures_into_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = CliRunner().invoke(app, ["run", BASE, *SMALL, "--figures", str(target)])
    assert result.exit_code == 2 and "not a folder" in result.stderr
