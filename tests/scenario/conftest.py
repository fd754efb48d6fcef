"""Fixtures for the scenario tests: a small valid scenario to break in known places."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

MINIMAL = Path(__file__).with_name("minimal.yaml")


@pytest.fixture(scope="session")
def minimal_text() -> str:
    """The text of minimal.yaml (line 5 is baku's nationalism, line 21 the raid's victim)."""
    return MINIMAL.read_text(encoding="utf-8")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
