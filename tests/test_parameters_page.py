"""docs/parameters.md is what docs/make_parameters.py makes from the schema today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_parameters_page_is_current() -> None:
    spec = importlib.util.spec_from_file_location("make_parameters",
                                                  REPO / "docs" / "make_parameters.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    page = (REPO / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert page == maker.render(), ("docs/parameters.md is out of date: "
                                    "run python docs/make_parameters.py")
