"""Write docs/parameters.md: every scenario parameter with unit, default, range and meaning.

Generated from the schema (the same source as `escsim explain`); tests/test_parameters_page.py
checks it is current.
Usage: python docs/make_parameters.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from escalation_sim.scenario.explain import describe

SECTIONS = [
    ("Scenario", ""),
    ("Actor (`actors.<id>.…`)", "actors.*"),
    ("Issue (`issues.<id>.…`)", "issues.*"),
    ("Alliance (`alliances[n].…`)", "alliances[0]"),
    ("Backing of an outside party (`clients[n].…`)", "clients[0]"),
    ("Demand (`demands[n].…`)", "demands[0]"),
    ("Incident type (`incidents.<id>.…`)", "incidents.*"),
    ("Scheduled event (`events[n].…`)", "events[0]"),
    ("Scheduled summit (`summits[n].…`)", "summits[0]"),
    ("Lever (`levers.<name>.…`)", "levers.crisis_hotline"),
    ("Multilateral forum (`levers.multilateral_forum.…`)", "levers.multilateral_forum"),
    ("Reading the record (`assimilation.…`)", "assimilation"),
    ("Model weights and rates (`model.…`)", "model"),
]
OUT = Path(__file__).with_name("parameters.md")


def render() -> str:
    lines = ["# Scenario parameters", "",
             "Generated from the schema by `docs/make_parameters.py`; `escsim explain PATH` "
             "prints the same for one path. The model is explained in [model.md](model.md).", ""]
    for title, path in SECTIONS:
        lines += [f"## {title}", "", "| key | unit | default | range | meaning | see |",
                  "|---|---|---|---|---|---|"]
        for f in describe(path).fields:
            key = f.path.split(".")[-1]
            desc = f.description.replace("|", "\\|")
            lines.append(f"| `{key}` | {f.unit} | {f.default} | {f.range} | {desc} | "
                         f"{f.section} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text() == text else "docs/parameters.md is out of date")
    OUT.write_text(text)
