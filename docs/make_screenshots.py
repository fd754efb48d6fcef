"""Regenerate the README's screenshot of ``escsim run scenarios/base.yaml`` (docs/run-summary.svg).

Usage (from anywhere)::

    python docs/make_screenshots.py              # writes docs/run-summary.svg
    python docs/make_screenshots.py --png x.png  # also a PNG preview (needs cairosvg)

The summary is drawn exactly as ``escsim run`` draws it on an 80-column colour terminal, by the
same functions, and recorded with rich's ``Console(record=True)``.
"""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

from rich.console import Console

from escalation_sim.analysis.summary import file_sha256, summarize
from escalation_sim.engine.ensemble import simulate
from escalation_sim.engine.executors import default_workers
from escalation_sim.render.terminal import render_summary
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[1]
SCENARIO = "scenarios/base.yaml"
WIDTH = 80


def record_summary(scenario: str = SCENARIO, width: int = WIDTH) -> Console:
    """Run the scenario as ``escsim run`` does and record the summary in a console."""
    os.chdir(REPO)  # so that the header shows the path as a user would type it
    workers = default_workers()
    result = simulate(load_scenario(scenario), workers=workers)
    summary = summarize(result, scenario, file_sha256(scenario), workers=workers)
    console = Console(record=True, width=width, force_terminal=True, color_system="truecolor",
                      file=io.StringIO())
    render_summary(summary, console)
    return console


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "run-summary.svg")
    parser.add_argument("--png", type=Path, help="also write a PNG preview (needs cairosvg)")
    args = parser.parse_args()
    console = record_summary()
    svg = console.export_svg(title=f"escsim run {SCENARIO}")
    args.out.write_text(svg, encoding="utf-8")
    print(f"wrote {args.out}")
    if args.png:
        import cairosvg  # optional: only for looking at the result

        # cairosvg cannot fetch the web font; any installed monospace font keeps the grid
        preview = svg.replace("Fira Code", "DejaVu Sans Mono")
        cairosvg.svg2png(bytestring=preview.encode("utf-8"), write_to=str(args.png),
                         output_width=1200)
        print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
