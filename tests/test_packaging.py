"""Packaging: the explicit package list, bundled data without symlinks, extras' install hints."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim import extras
from escalation_sim.cli.app import app
from escalation_sim.scenario import bundled
from escalation_sim.scenario.errors import ScenarioError

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_under_src_is_listed():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO / "src").parts)
             for p in (REPO / "src").rglob("__init__.py")}
    assert found <= listed
    dirs = PYPROJECT["tool"]["setuptools"]["package-dir"]
    for name in listed - found:  # data packages: a repository folder, or one under src/
        folder = REPO / dirs[name] if name in dirs else REPO / "src" / name.replace(".", "/")
        assert folder.is_dir(), name
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert listed - found <= set(data) | {"escalation_sim.bundled"}


DATA_SUFFIXES = {".yaml", ".csv", ".json"}
"""Files the package reads at run time besides its modules."""
IN_WHEEL = {"src/escalation_sim": "escalation_sim", "scenarios": "escalation_sim/bundled/scenarios",
            "episodes": "escalation_sim/bundled/episodes"}
"""Each source folder and where its files go in the wheel (``[tool.setuptools.package-dir]``)."""


def shipped(folder: Path) -> set[str]:
    """The files under ``folder`` a wheel must hold: modules, ``py.typed`` and data files."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)
            and (p.suffix in DATA_SUFFIXES | {".py"} or p.name == "py.typed")}


@pytest.mark.slow
def test_the_built_wheel_holds_every_module_scenario_episode_and_data_file(tmp_path):
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, source / name)
    for folder in IN_WHEEL:
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "--no-index", "-q", "-w", str(tmp_path),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "is absent from the `packages` configuration" not in built.stderr
    [wheel] = tmp_path.glob("escsim-*.whl")
    assert wheel.name.startswith(f"escsim-{PYPROJECT['project']['version']}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, target in IN_WHEEL.items():
        files = shipped(REPO / folder)
        assert files, folder
        assert not {f"{target}/{f}" for f in files} - names, folder
    assert {"escalation_sim/bundled/scenarios/base.yaml",
            "escalation_sim/bundled/scenarios/calibration/calibration.yaml",
            "escalation_sim/bundled/episodes/azerbaijan_russia_2024_2026.csv",
            "escalation_sim/data/icb_aggregates.csv", "escalation_sim/py.typed"} <= names


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
    assert bundled.scenario_source("sub/nothing_here.yaml") == Path("sub/nothing_here.yaml")
    with pytest.raises(ScenarioError, match="no bundled scenario of that name; valid bundled"):
        bundled.scenario_source("nothing_here.yaml")  # a bare name: the bundled names as hint


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
