"""Regenerate the README's terminal screenshots (SVG) at 80 columns.

Usage (from anywhere)::

    python docs/make_screenshots.py              # docs/run-summary.svg, levers.svg, compare.svg
    python docs/make_screenshots.py run          # only one of them
    python docs/make_screenshots.py --png DIR    # also PNG previews (needs cairosvg)

Each screenshot is the output of the escsim command itself, run in this process with its
result console replaced by one that records (rich's ``Console(record=True)``) on an 80-column
colour terminal.
"""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from escalation_sim.cli import common, run_cmd
from escalation_sim.cli.app import app

REPO = Path(__file__).resolve().parents[1]
WIDTH = 80
LEVERS = ["base", *(f"lever_{name}" for name in (
    "crisis_hotline", "economic_initiatives", "military_transparency", "cultural_exchanges",
    "multilateral_forum", "trusted_intermediaries")), "all_levers"]
SHOTS = {
    "run": ("run-summary.svg", ["run", "scenarios/base.yaml"]),
    "levers": ("levers.svg", ["levers", "base", "--runs", "4000"]),
    "compare": ("compare.svg", ["compare", *LEVERS, "--runs", "4000"]),
}
"""Name -> (file in docs/, the escsim arguments)."""


def record(args: list[str], width: int = WIDTH) -> Console:
    """Run ``escsim ARGS`` and return the console that recorded what it printed."""
    os.chdir(REPO)  # so that headers show paths as a user would type them
    console = Console(record=True, width=width, force_terminal=True, color_system="truecolor",
                      file=io.StringIO(), highlight=False, soft_wrap=True)
    common.out, run_cmd.out = console, console
    result = CliRunner().invoke(app, args)  # the progress bar goes to stderr, not recorded
    if result.exit_code != 0:
        raise SystemExit(f"escsim {' '.join(args)} failed: {result.stderr or result.output}")
    return console


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"which screenshots ({', '.join(SHOTS)})")
    parser.add_argument("--png", type=Path, help="also write PNG previews here (needs cairosvg)")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(SHOTS))
    if unknown:
        parser.error(f"unknown screenshot {unknown[0]!r}; choose from {', '.join(SHOTS)}")
    for name in args.names or list(SHOTS):
        filename, argv = SHOTS[name]
        svg = record(argv).export_svg(title=f"escsim {' '.join(argv)}")
        out = REPO / "docs" / filename
        out.write_text(svg, encoding="utf-8")
        print(f"wrote {out}")
        if args.png:
            import cairosvg  # optional: only for looking at the result

            # cairosvg cannot fetch the web font; any installed monospace font keeps the grid
            preview = svg.replace("Fira Code", "DejaVu Sans Mono")
            target = args.png / filename.replace(".svg", ".png")
            cairosvg.svg2png(bytestring=preview.encode("utf-8"), write_to=str(target),
                             output_width=1200)
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
