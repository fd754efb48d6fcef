"""Regenerate the two example figures in docs/ (written by ``--figures``, as a user gets them).

Usage (from anywhere)::

    python docs/make_figures.py

Writes ``docs/figure-fan-baku.png`` (``escsim run scenarios/base.yaml --runs 10000 --seed 7``)
and ``docs/figure-sweep-heatmap.png`` (a sweep of Baku's nationalism against the corridors'
heat). Needs ``escsim[report]``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ESCSIM = [sys.executable, "-m", "escalation_sim"]
FIGURES = {
    "figure-fan-baku.png": (["run", "scenarios/base.yaml", "--runs", "10000", "--seed", "7"],
                            "run_fan_baku.png"),
    "figure-sweep-heatmap.png": (["sweep", "scenarios/base.yaml", "--vary",
                                  "actors.baku.nationalism=0:1:6", "--vary",
                                  "issues.corridors.heat=0:0.8:5", "--runs", "2000",
                                  "--seed", "7"], "sweep_p_coercion_or_worse.png"),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for target, (args, made) in FIGURES.items():
            out = Path(folder) / target
            subprocess.run([*ESCSIM, *args, "--quiet", "--figures", str(out)], cwd=REPO,
                           check=True)
            shutil.copyfile(out / made, REPO / "docs" / target)
            print(f"wrote docs/{target}")


if __name__ == "__main__":
    main()
