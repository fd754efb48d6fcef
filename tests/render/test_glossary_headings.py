"""``escsim explain`` knows every column heading, level, outcome class and score a table prints.

Each command's tables are drawn from a small real document; every heading (and the row labels
that name measures, levels and scores) must be a word ``escsim explain`` explains.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from typer.testing import CliRunner

from escalation_sim.analysis.classes import LEVELS, OUTCOME_WORDS
from escalation_sim.analysis.glossary import lookup
from escalation_sim.cli.app import app
from escalation_sim.render.backtest import library_table, month_table, score_table
from escalation_sim.render.compare import comparison_renderables
from escalation_sim.render.explore import explore_renderables
from escalation_sim.render.levers import levers_renderables
from escalation_sim.render.sensitivity import sensitivity_renderables
from escalation_sim.render.sweep import sweep_renderables
from escalation_sim.render.terminal import summary_renderables

BASE = str(Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml")
SMALL = ("--runs", "40", "--days", "30", "--workers", "1", "--json")
NOT_WORDS = {""}
"""Headings that are not words (a bar column)."""


def tables(parts: Iterable[object]) -> list[Table]:
    found: list[Table] = []
    for part in parts:
        if isinstance(part, Table):
            found.append(part)
            for column in part.columns:  # tables nested in cells (grids)
                found += tables(c for c in column._cells if isinstance(c, Table | Group))
        elif isinstance(part, Group):
            found += tables(part.renderables)
    return found


def headings(parts: Iterable[object], *, row_labels: bool = False) -> set[str]:
    """Every column heading of the tables (and, with ``row_labels``, their first column)."""
    found = set()
    for table in tables(parts):
        for k, column in enumerate(table.columns):
            header = column.header.plain if isinstance(column.header, Text) else str(column.header)
            found.add(" ".join(header.split()))
            if row_labels and k == 0:
                for cell in column._cells:
                    text = cell.plain if isinstance(cell, Text) else str(cell)
                    found.add(" ".join(text.split()))
    return found - NOT_WORDS


def unknown(words: set[str]) -> list[str]:
    return sorted(w for w in words if lookup(w) is None)


def cli_json(*args: str) -> dict:
    import json

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_level_and_outcome_class_is_explained():
    for level in LEVELS:
        assert lookup(level.name) and lookup(f"ends: {level.name}") and \
            lookup(f"at worst: {level.name}")
    for key, words in OUTCOME_WORDS.items():
        assert lookup(key) and lookup(words.name) and lookup(key.replace("_", " "))
    for term in ("coverage", "prim", "density", "quasi-p", "distance", "rung",
                 "normalization", "coercive standoff", "how it ends", "how bad it got",
                 "verdict", "skill", "rps", "brier", "mass", "box", "mu_star", "S1", "ST"):
        assert lookup(term) is not None, term


def test_run_summary_headings(base_summary):
    console = Console(file=io.StringIO(), width=80, color_system=None)
    parts = summary_renderables(base_summary, console)
    assert not unknown(headings(parts))


def test_compare_and_levers_headings():
    doc = cli_json("compare", BASE, "--set", "levers.crisis_hotline.enabled=true", *SMALL)
    labels = set(doc["scenarios"]) | {"A", "B"}  # the scenarios' own names and keys
    assert not unknown(headings(comparison_renderables(doc, 80), row_labels=True) - labels)
    assert not unknown(headings(comparison_renderables(doc, 200), row_labels=True) - labels)
    levers = cli_json("levers", BASE, *SMALL)
    assert not unknown(headings(levers_renderables(levers)))


@pytest.mark.slow
def test_sweep_and_sensitivity_headings():
    doc = cli_json("sweep", BASE, "--vary", "actors.baku.nationalism=0:1:3", "--metric",
                   "p_force", "--metric", "ends_calm", *SMALL)
    console = Console(file=io.StringIO(), width=80, color_system=None)
    words = headings(sweep_renderables(doc, console))
    assert not unknown({w for w in words if w != "nationalism"})  # the swept parameter's name
    pytest.importorskip("SALib")
    for method in ("sobol", "morris"):
        doc = cli_json("sensitivity", BASE, "--param", "actors.baku.nationalism=0:1",
                       "--param", "issues.corridors.heat=0:0.8", "--method", method,
                       "--samples", "4", *SMALL)
        assert not unknown(headings(sensitivity_renderables(doc, 80)))


def test_explore_headings():
    doc = cli_json("explore", BASE, "--param", "actors.baku.nationalism=0:1", "--samples",
                   "3", *SMALL)
    words = headings(explore_renderables(doc, 80), row_labels=True)
    assert not unknown({w for w in words if not w.startswith("actors.")})  # parameter paths


@pytest.mark.slow
def test_backtest_headings():
    doc = cli_json("backtest", "india_pakistan_2019", "--runs", "40", "--workers", "1",
                   "--json")
    words = headings([score_table(doc, ["model", *doc["references"]]), month_table(doc)],
                     row_labels=True)
    actors = set(doc["months"][0]["observed"])
    assert not unknown({w for w in words if w not in actors and not w[:4].isdigit()
                        and not w.startswith("RPS ")} | {"RPS all"})
    library = cli_json("backtest", "india_pakistan_2019", "russia_czechia_2021", "--runs",
                       "20", "--workers", "1", "--json")
    for key in ("rps", "brier_force", "brier_engaged"):
        table = library_table(library, key, with_coverage=key == "rps")
        episodes = {e["episode"] for e in library["episodes"]}
        assert not unknown(headings([table]) - episodes)
