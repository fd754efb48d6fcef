"""The layers of docs/architecture.md: imports point down, and no module imports itself back."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "escalation_sim"

ALLOWED = {
    "model": set(),
    "versions": set(),
    "extras": set(),
    "bundled": set(),
    "scenario": {"model"},
    "engine": {"model", "scenario"},
    "analysis": {"engine", "model", "scenario", "extras", "versions"},
    "output": {"scenario"},
    "render": {"analysis", "model", "output", "scenario", "extras", "versions"},
    "commands": {"analysis", "engine", "scenario", "versions"},
    "frames": {"analysis", "model", "render"},
    "api": {"commands", "analysis", "engine", "frames", "output", "scenario", "extras",
            "versions"},
    "cli": {"commands", "render", "output", "analysis", "engine", "scenario", "extras",
            "versions"},
    "__main__": {"cli"},
    "": {"api", "scenario", "versions"},  # the package's __init__: the API, imported lazily
}
"""Each layer and the layers it may import (docs/architecture.md)."""


def modules() -> dict[str, Path]:
    """Every module of escsim by dotted name."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The escsim modules ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    out = set()
    for name in found:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    return out


def layer(module: str) -> str:
    """``escalation_sim.engine.kernel`` -> ``engine``; the package itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: imports(p, known) - {m} for m, p in known.items()}


def test_every_import_points_down_the_layers():
    wrong = sorted(f"{m} -> {t}" for m, targets in graph().items() for t in targets
                   if layer(t) != layer(m) and layer(t) not in ALLOWED[layer(m)])
    assert wrong == []


def test_every_module_has_a_layer():
    assert {layer(m) for m in graph()} <= set(ALLOWED)


def test_no_circles():
    edges = graph()
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module):], module]
        if module in done:
            return None
        path.append(module)
        for target in sorted(edges[module]):
            circle = visit(target)
            if circle:
                return circle
        path.pop()
        done.add(module)
        return None

    for module in sorted(edges):
        assert visit(module) is None
