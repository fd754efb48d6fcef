"""A light start-up: what a command imports, checked in a fresh process after it ran.

The commands that simulate nothing (``validate``, ``list``, ``explain``, ``schema``, ``new``)
and scenario loading import neither numba (the compiled kernel) nor scipy, pandas, the figure
libraries or the backtest machinery; ``run`` imports numba but neither ``scipy.stats`` nor the
backtest machinery for its one sentence on out-of-sample scores, and numba only once its
run-days are past the few that run faster as Python (``model/_jit.py``). docs/performance.md
gives the times; these tests keep the imports from creeping back, without timing anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
HEAVY = ("numba", "scipy", "pandas", "matplotlib", "plotly", "simpy", "pyarrow",
         "escalation_sim.engine.kernel", "escalation_sim.analysis.backtest")
"""What a command that simulates nothing must not import."""


def imported_after(code: str, watched: tuple[str, ...], cwd: Path) -> list[str]:
    """Run ``code`` in a fresh interpreter; which of ``watched`` it imported."""
    probe = (f"{code}\nimport sys\n"
             f"print('WATCHED', sorted(m for m in {list(watched)!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=cwd, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("WATCHED ")]
    assert lines, done.stderr
    return json.loads(lines[-1].removeprefix("WATCHED ").replace("'", '"'))


def cli(args: list[str]) -> str:
    """Code that runs ``escsim ARGS`` in this process and returns (no exit)."""
    return ("from escalation_sim.cli.app import app\n"
            f"try:\n    app({args!r}, prog_name='escsim')\nexcept SystemExit as exc:\n"
            "    assert exc.code in (0, None), exc.code\n")


@pytest.mark.parametrize("args", [
    ["validate", str(BASE)], ["validate", "base", "all_levers"], ["list"],
    ["explain", "P(force)"], ["explain", "ends_calm"], ["explain", "actors.baku.nationalism"],
    ["explain", "verdict"],
    ["schema"], ["new", "mine", "--from", "base"]], ids=lambda a: " ".join(a[:2]))
def test_commands_that_simulate_nothing_import_no_heavy_library(args, tmp_path):
    assert imported_after(cli(args), HEAVY, tmp_path) == []


def test_loading_a_scenario_imports_no_heavy_library(tmp_path):
    code = ("from escalation_sim.commands.common import load\n"
            f"loaded = load({str(BASE)!r}, ['runs=5'])\n"
            "assert loaded.scenario.priors  # the calibrated base draws its weights per run\n"
            "from escalation_sim import load_scenario\n"
            f"load_scenario({str(BASE)!r})\n")
    assert imported_after(code, HEAVY, tmp_path) == []


def test_normal_and_point_priors_need_no_scipy(tmp_path):
    code = ("from escalation_sim.commands.common import load\n"
            "from escalation_sim.scenario.priors import priors_of\n"
            f"loaded = load({str(BASE)!r}, ['runs=5', 'model.c_mil={{normal: [8, 3]}}',\n"
            "                               'actors.baku.nationalism=0.6'])\n"
            "d = priors_of(loaded.scenario)['model.c_mil']\n"
            "assert d.kind == 'normal' and 7 < d.central() < 9, d.words(median=True)\n")
    assert imported_after(code, ("scipy",), tmp_path) == []


@pytest.mark.parametrize(("runs", "numba"), [(1, False), (40, True)])
def test_a_run_imports_numba_only_past_a_few_run_days_nor_ever_scipy_stats(runs, numba,
                                                                           tmp_path):
    # one run of a year runs the kernel as Python (model/_jit.py); forty compile it
    watched = ("numba", "scipy.stats", "pandas", "matplotlib", "plotly",
               "escalation_sim.analysis.backtest", "escalation_sim.analysis.out_of_sample")
    found = imported_after(cli(["run", str(BASE), "--runs", str(runs), "--workers", "1",
                                "--quiet"]), watched, tmp_path)
    assert found == (["numba"] if numba else [])


def test_the_command_line_starts_no_blas_threads(tmp_path):
    # escsim's parallelism is its worker processes; a BLAS pool per process only contends
    code = ("import os\nos.environ.pop('OPENBLAS_NUM_THREADS', None)\n"
            "import escalation_sim.cli.main\n"
            "assert os.environ['OPENBLAS_NUM_THREADS'] == '1'\n")
    assert imported_after(code, (), tmp_path) == []
