"""Scenario input that could run code or exhaust memory is refused by every command that reads it.

Object-constructing YAML tags, files over the size limit, alias bombs and deep nesting: exit 2
with one ``error:`` line, nothing executed, no traceback — in-process and as a real process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.scenario.yaml_io import MAX_BYTES

REPO = Path(__file__).resolve().parents[2]
BASE_TEXT = (REPO / "scenarios" / "base.yaml").read_text(encoding="utf-8")
ESCSIM = Path(sys.executable).with_name("escsim")
COMMANDS = {"validate": ["validate"], "run": ["run", "--runs", "1", "--days", "2", "--json"]}
"""Every command that reads a scenario file, with the options of a tiny run."""


def pwned_tag(marker: Path) -> str:
    return f"!!python/object/apply:os.system ['touch {marker}']"


def bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase its error line must hold)."""
    marker = folder / "PWNED"
    cases = {
        "apply-tag": (f"name: x\ndescription: {pwned_tag(marker)}\n", "not allowed"),
        "object-tag": ("name: !!python/object:escalation_sim.scenario.schema.Scenario {}\n",
                       "not allowed"),
        "name-tag": ("seed: !!python/name:os.system\n", "not allowed"),
        "module-tag": ("seed: !!python/module:os\n", "not allowed"),
        "custom-tag": ("seed: !escsim 7\n", "not allowed"),
        "too-large": (BASE_TEXT + "#" + "x" * MAX_BYTES + "\n", "too large"),
        "alias-bomb": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                                 for p, c in zip("abcdefg", "bcdefgh", strict=True)),
                       "too many aliases"),
        "deep": ("name: x\nextra: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        "deep-1mb": ("a: " + "[" * (MAX_BYTES - 10), "nested too deeply"),  # was quadratic
        "extends-tagged": ("extends: apply-tag.yaml\nname: child\n", "not allowed"),
    }
    found = {}
    for name, (text, phrase) in cases.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        found[name] = (path, phrase)
    return found


def one_error_line(stderr: str, phrase: str, stdout: str) -> None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert phrase in lines[0], lines[0]
    assert "Traceback" not in stderr + stdout
    assert len(lines[0]) < 400  # a line, not a dump of the file


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_file_reading_command_refuses_in_one_line(tmp_path, command):
    runner = CliRunner()
    for name, (path, phrase) in bad_files(tmp_path).items():
        args = COMMANDS[command]
        result = runner.invoke(app, [args[0], str(path), *args[1:]])
        assert result.exit_code == 2, (name, result.exit_code, result.stderr)
        one_error_line(result.stderr, phrase, result.stdout)
        if name == "extends-tagged":
            assert "apply-tag.yaml" in result.stderr  # the parent file is named
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_tag_in_set_is_refused(tmp_path, command):
    marker = tmp_path / "PWNED"
    args = COMMANDS[command]
    result = CliRunner().invoke(app, [args[0], str(REPO / "scenarios" / "base.yaml"), *args[1:],
                                      "--set", f"description={pwned_tag(marker)}"])
    assert result.exit_code == 2
    one_error_line(result.stderr, "not allowed", result.stdout)
    assert "--set description" in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize("name", ["apply-tag", "too-large", "deep-1mb"])
def test_refusals_as_a_real_process(tmp_path, name):
    path, phrase = bad_files(tmp_path)[name]
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([str(ESCSIM), "run", str(path), "--runs", "1", "--days", "2"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2
    one_error_line(proc.stderr, phrase, proc.stdout)
    assert proc.stdout == ""
    assert not (tmp_path / "PWNED").exists()


def test_an_extends_name_too_long_for_the_filesystem_is_one_line(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(f"extends: {'a' * 300}\nname: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "extends" in lines[0] and "cannot be looked up" in lines[0]
