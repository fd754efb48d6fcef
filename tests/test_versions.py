"""The version in pyproject.toml is the one every output names; none is written out by hand."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

import escalation_sim as es
from escalation_sim.cli.app import app
from escalation_sim.versions import escsim_version

REPO = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_the_installed_version_is_pyprojects():
    # fails on an install older than pyproject.toml: reinstall (pip install -e .)
    assert escsim_version() == es.__version__ == VERSION


def test_the_changelog_dates_this_version():
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)


def test_outputs_name_this_version(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "out"
    result = runner.invoke(app, ["run", "base", "--runs", "8", "--days", "5", "--workers", "1",
                                 "--out", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert json.loads((folder / "summary.json").read_text())["escsim_version"] == VERSION
    marker = json.loads((folder / ".escsim-output.json").read_text())
    assert marker["escsim_version"] == VERSION
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "schema.json")])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((tmp_path / ".escsim-files.json").read_text())
    assert manifest["escsim_version"] == VERSION
    trace = es.trace("base", days=5)
    assert trace.document["escsim_version"] == VERSION


def test_no_version_is_written_out_in_the_source():
    pattern = re.compile(r"""(version\w*\s*[=:]\s*|escsim )["']?\d+\.\d+\.\d+""", re.I)
    found = [f"{p.relative_to(REPO)}: {m.group(0)}"
             for p in (REPO / "src").rglob("*.py") for m in pattern.finditer(p.read_text())]
    assert found == []
