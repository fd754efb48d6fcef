"""Packaging: the explicit package list, bundled data without symlinks, extras' install hints."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim import extras
from escalation_sim.cli.app import app
from escalation_sim.scenario import bundled

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_under_src_is_listed():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO / "src").parts)
             for p in (REPO / "src").rglob("__init__.py")}
    assert found <= listed
    dirs = PYPROJECT["tool"]["setuptools"]["package-dir"]
    for name in listed - found:  # data packages map to the repository's folders
        assert (REPO / dirs[name]).is_dir(), name


def test_license_is_an_spdx_string_with_its_file():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert any(r.startswith("SALib>=1.4.6") for r in
               project["optional-dependencies"]["sensitivity"])


def test_no_symlinks_in_the_package():
    assert not [p for p in (REPO / "src").rglob("*") if p.is_symlink()]


def test_bundled_scenarios_and_episodes_are_found():
    names = {p.stem for p in bundled.scenario_files()}
    assert {"base", "all_levers"} <= names
    assert any(p.suffix == ".yaml" for p in bundled.episode_files())
    assert bundled.scenario_source("base") == bundled.find_scenario("base")
    assert bundled.scenario_source("nothing_here.yaml") == Path("nothing_here.yaml")


def test_a_missing_extra_names_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(extras, "find_spec", lambda name: None)
    with pytest.raises(extras.MissingExtra, match=r"pip install 'escsim\[sensitivity\]'"):
        extras.require("SALib", "sensitivity analysis")
    result = CliRunner().invoke(app, ["report", "base", "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: escsim report needs plotly, which is not "
                                     "installed: pip install 'escsim[report]'")
    result = CliRunner().invoke(app, ["run", "base", "--runs", "8", "--figures",
                                      str(tmp_path / "f")])
    assert result.exit_code == 1 and "escsim[report]" in result.stderr
