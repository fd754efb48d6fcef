"""escsim replaces a file only by record: its manifest lists the file with the hash escsim wrote.

Nothing is taken for escsim's by its content (an SVG or PNG that mentions escsim, a CSV whose
header looks like escsim's), an escsim file the user has edited since is the user's, and
``--force`` never replaces an input: the scenario, its ``extends:`` chain, its
``calibration:`` file.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.output.files import OutputError, write_file_atomic

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
TINY = ("--runs", "30", "--days", "10", "--workers", "1", "--quiet")
MANIFEST_FILE = ".escsim-files.json"
"""The manifest of the files escsim wrote into a folder (``output/manifest.py``)."""


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def refused(result, *phrases: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = [ln for ln in result.stderr.strip().splitlines() if not ln.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def png_with_text(text: str) -> bytes:
    """A PNG signature and a tEXt chunk (enough to have fooled a look at the first bytes)."""
    data = b"Comment\x00" + text.encode()
    chunk = b"tEXt" + data
    return (b"\x89PNG\r\n\x1a\n" + len(data).to_bytes(4, "big") + chunk
            + zlib.crc32(chunk).to_bytes(4, "big"))


# --- figures --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content", [
    ("run_fan_baku.svg", b"<svg><!-- numbers from escsim --></svg>"),
    ("run_outcomes.png", png_with_text("made from escsim output")),
])
def test_a_users_figure_that_mentions_escsim_is_not_replaced(tmp_path, name, content):
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / name).write_bytes(content)
    line = refused(run("run", BASE, *TINY, "--figures", figs), name, "escsim did not write it")
    assert "choose another folder" in line
    assert (figs / name).read_bytes() == content
    assert sorted(p.name for p in figs.iterdir()) == [name]


@pytest.mark.slow
def test_a_note_added_to_an_escsim_figure_is_kept(tmp_path):
    figs = tmp_path / "figs"
    first = run("run", BASE, *TINY, "--figures", figs)
    assert first.exit_code == 0, first.stderr
    listed = json.loads((figs / MANIFEST_FILE).read_text())["files"]
    assert "run_fan_baku.svg" in listed and "run_outcomes.png" in listed
    svg = figs / "run_fan_baku.svg"
    edited = svg.read_text(encoding="utf-8").replace("</svg>", "<!-- my note --></svg>")
    svg.write_text(edited, encoding="utf-8")
    refused(run("run", BASE, *TINY, "--figures", figs), "run_fan_baku.svg",
            "changed since")
    assert svg.read_text(encoding="utf-8") == edited
    svg.unlink()  # gone: nothing of the user's to lose, so the next run may write it again
    again = run("run", BASE, *TINY, "--figures", figs)
    assert again.exit_code == 0, again.stderr
    assert "my note" not in svg.read_text(encoding="utf-8")


@pytest.mark.slow
def test_unchanged_escsim_figures_are_replaced(tmp_path):
    figs = tmp_path / "figs"
    for seed in ("1", "2"):
        result = run("run", BASE, *TINY, "--seed", seed, "--figures", figs)
        assert result.exit_code == 0, result.stderr
    listed = json.loads((figs / MANIFEST_FILE).read_text())["files"]
    for name, record in listed.items():
        assert hashlib.sha256((figs / name).read_bytes()).hexdigest() == record["sha256"]


# --- --out FILE -----------------------------------------------------------------------------

COMPARE = ("compare", BASE, REPO / "scenarios" / "all_levers.yaml", *TINY)


@pytest.mark.parametrize("command, header", [
    (COMPARE, "measure,value,comment\n"),
    (("levers", BASE, "--runs", "20", "--days", "5", "--workers", "1", "--quiet"),
     "rank,lever,who\n"),
    (("sweep", BASE, "--vary", "actors.baku.nationalism=0.2:0.8:2", *TINY),
     "x_ci_low,y,runs\n"),
    (("sensitivity", BASE, "--param", "actors.baku.nationalism=0:1", "--param",
      "issues.corridors.heat=0:1", "--samples", "2", *TINY), "output,rank,factor,mine\n"),
])
def test_a_users_csv_that_looks_like_escsims_is_not_replaced(tmp_path, command, header):
    mine = tmp_path / "mine.csv"
    mine.write_text(header + "1,2,3\n")
    refused(run(*command, "--out", mine), "escsim did not write it", "--force")
    assert mine.read_text() == header + "1,2,3\n"


@pytest.mark.parametrize("command, name", [
    (COMPARE, "table.csv"),
    (("report", BASE, *TINY, "--no-levers"), "report.html"),
])
def test_lines_added_to_an_escsim_file_are_kept(tmp_path, command, name):
    target = tmp_path / name
    assert run(*command, "--out", target).exit_code == 0
    with target.open("a", encoding="utf-8") as fh:
        fh.write("my own line\n")
    kept = target.read_bytes()
    refused(run(*command, "--out", target), "changed since", "--force")
    assert target.read_bytes() == kept
    forced = run(*command, "--out", target, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert b"my own line" not in target.read_bytes()


def test_the_manifest_is_no_target(tmp_path):
    (tmp_path / MANIFEST_FILE).write_text("{}")
    refused(run("schema", "--out", tmp_path / MANIFEST_FILE, "--force"),
            "where escsim records what it wrote")


def test_a_file_that_appears_during_the_command_is_kept(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"

    def write(temp: Path) -> None:
        target.write_text("the user's, written meanwhile\n")
        temp.write_text("escsim's\n")

    with pytest.raises(OutputError, match="escsim did not write it"):
        write_file_atomic(target, write)
    assert target.read_text() == "the user's, written meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


# --- --force and inputs ---------------------------------------------------------------------

def family(folder: Path) -> dict[str, Path]:
    """A parent scenario, a child that extends it, and a calibration file the parent uses."""
    (folder / "cal").mkdir()
    calibration = folder / "cal" / "c.yaml"
    calibration.write_text("priors:\n  actors.baku.nationalism: {uniform: [0.5, 0.7]}\n")
    parent = folder / "parent.yaml"
    parent.write_text(BASE.read_text(encoding="utf-8").replace(
        "calibration: calibration/calibration.yaml", "calibration: cal/c.yaml"), encoding="utf-8")
    assert "cal/c.yaml" in parent.read_text(encoding="utf-8")
    child = folder / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n", encoding="utf-8")
    return {"parent": parent, "child": child, "calibration": calibration}


@pytest.mark.parametrize("command", ["report", "compare", "sweep"])
@pytest.mark.parametrize("target", ["parent", "calibration"])
def test_force_never_replaces_a_parent_or_a_calibration_file(tmp_path, command, target):
    files = family(tmp_path)
    args = {"report": ("report", files["child"], *TINY, "--no-levers"),
            "compare": ("compare", files["child"], BASE, *TINY),
            "sweep": ("sweep", files["child"], "--vary", "issues.corridors.heat=0.2,0.4",
                      *TINY)}[command]
    before = {name: path.read_bytes() for name, path in files.items()}
    line = refused(run(*args, "--out", files[target], "--force"), "is an input of this command")
    assert "even with --force" in line
    assert {name: path.read_bytes() for name, path in files.items()} == before


def test_force_replaces_a_file_that_is_not_an_input(tmp_path):
    files = family(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("x\n")
    result = run("compare", files["child"], BASE, *TINY, "--out", other, "--force")
    assert result.exit_code == 0, result.stderr
    assert other.read_text().startswith("measure,")


def test_an_out_folder_holding_an_input_is_not_replaced(tmp_path):
    out = tmp_path / "res"
    assert run("run", BASE, *TINY, "--out", out).exit_code == 0
    resolved = out / "scenario.resolved.yaml"
    before = resolved.read_bytes()
    refused(run("run", resolved, *TINY, "--out", out), "an input of this command")
    assert resolved.read_bytes() == before
