"""Fixtures for the CLI tests: run ``escsim`` in-process and write broken scenarios."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from escalation_sim.cli.app import app

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "scenario" / "minimal.yaml"


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke escsim with arguments; stdout and stderr are kept apart."""
    runner = CliRunner()

    def _run(*args: object, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], env=env)

    return _run


@pytest.fixture
def case(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write tests/scenario/minimal.yaml with one replacement to case.yaml; return its path."""

    def _case(old: str, new: str) -> Path:
        text = MINIMAL.read_text(encoding="utf-8")
        assert old in text, old
        path = tmp_path / "case.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return _case
