"""docs/parameters.md is what docs/make_parameters.py makes from the schema today."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def test_the_parameters_page_is_current(repo_script: Callable[[str], ModuleType]) -> None:
    maker = repo_script("docs/make_parameters.py")
    page = (REPO / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert page == maker.render(), ("docs/parameters.md is out of date: "
                                    "run python docs/make_parameters.py")
