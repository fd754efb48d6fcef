"""The two forms of the compiled code (``model/_jit.py``): Python and numba, the same numbers.

A process runs its first few run-days with the equations and the day kernel as plain Python
(numba not imported) and compiles for anything larger. Both forms are the same functions, so
every result must be the same to the bit: here every bundled scenario, a trace (run 0's
happenings) and an episode's monthly extremes, run in a fresh process in Python form and in this
(compiled) process. The rest of the suite runs the compiled form (``tests/conftest.py``).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from escalation_sim.model import _jit

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(str(p) for p in (REPO / "scenarios").glob("*.yaml"))
RUNS, SEED, FIRST = 3, 7, 5


def in_fresh_process(code: str, cwd: Path) -> None:
    """Run ``code`` in a new Python process (a process compiles once, for good)."""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=cwd)


SIMULATE = """
import pickle, sys
from escalation_sim.engine.calendar import simulate_chunk
from escalation_sim.scenario.episode import load_episode
from escalation_sim.scenario.load import load_scenario

class Events:
    def __init__(self):
        self.rows, self.notes = [], []
    def note(self, day, kind, text):
        self.notes.append((day, kind, text))
    def happened(self, row):
        self.rows.append(row.copy())

def results(scenarios, episode, runs, seed, first):
    out = {}
    for path in scenarios:
        chunk = simulate_chunk(load_scenario(path), seed, first, runs)
        out[path] = chunk.runs, chunk.daily
    events = Events()
    simulate_chunk(load_scenario(scenarios[0]), seed, 0, 1, observer=events)
    out["trace"] = events.rows, events.notes
    chunk = simulate_chunk(load_episode(episode).scenario, seed, first, runs, monthly=True)
    out["monthly"] = chunk.runs, chunk.daily
    return out
"""


def _results() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(SIMULATE, namespace)  # the very code the Python-form process runs
    return namespace["results"](SCENARIOS, "armenia_azerbaijan_2016", RUNS, SEED, FIRST)


def _python_form_results(tmp_path: Path) -> dict[str, Any]:
    """The same results from a fresh process that never leaves the Python form."""
    out = tmp_path / "python.pickle"
    code = (f"from escalation_sim.model import _jit\n_jit.INTERPRETED_RUN_DAYS = 10**9\n"
            f"{SIMULATE}\n"
            f"out = results({SCENARIOS!r}, 'armenia_azerbaijan_2016', {RUNS}, {SEED}, {FIRST})\n"
            f"assert 'numba' not in sys.modules and not _jit.is_compiled()\n"
            f"pickle.dump(out, open({str(out)!r}, 'wb'))\n")
    in_fresh_process(code, tmp_path)
    with out.open("rb") as f:
        return dict(pickle.load(f))


def _same(a: Any, b: Any, where: str) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)) and not hasattr(a, "_fields"):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{k}]")
    elif hasattr(a, "__dataclass_fields__") or hasattr(a, "_fields"):
        names = a._fields if hasattr(a, "_fields") else a.__dataclass_fields__
        for name in names:
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), where
    else:
        assert a == b, where


@pytest.mark.slow
def test_python_and_compiled_forms_give_the_same_results(tmp_path):
    assert _jit.is_compiled()  # this process: the suite's compiled form
    python = _python_form_results(tmp_path)
    compiled = _results()
    assert len(compiled) == len(SCENARIOS) + 2
    assert any(len(rows) for rows in python["trace"][:1])  # the trace told something
    _same(python, compiled, "results")


def test_a_process_compiles_once_its_run_days_pass_the_budget(tmp_path):
    code = ("import sys\nfrom escalation_sim.model import _jit\n"
            "small = _jit.INTERPRETED_RUN_DAYS // 2\n"
            "_jit.prepare(small)\nassert not _jit.is_compiled() and 'numba' not in sys.modules\n"
            "_jit.prepare(small)\nassert not _jit.is_compiled()  # exactly the budget\n"
            "_jit.prepare(1)\nassert _jit.is_compiled()\n"
            "from escalation_sim.engine import kernel\n"
            "from escalation_sim.model import decision\n"
            "assert type(kernel.run_days).__name__ == 'CPUDispatcher'\n"
            "assert type(kernel.decision.desired).__name__ == 'CPUDispatcher'\n"
            "_jit.prepare(1)\nassert _jit.is_compiled()  # for good\n")
    in_fresh_process(code, tmp_path)


def test_a_large_first_job_compiles_before_it_runs(tmp_path):
    code = ("import sys\nfrom escalation_sim.model import _jit\n"
            "_jit.prepare(_jit.INTERPRETED_RUN_DAYS + 1)\n"
            "assert _jit.is_compiled() and 'numba' in sys.modules\n")
    in_fresh_process(code, tmp_path)


def test_the_equations_called_from_python_give_plain_numbers_in_both_forms(tmp_path):
    code = ("from escalation_sim.model import _jit, force\n"
            "a = force.hazard(0.5, 1.0, 6.0, 0.3, 2.0)\n_jit.compile_all()\n"
            "b = force.hazard(0.5, 1.0, 6.0, 0.3, 2.0)\n"
            "assert type(force.hazard).__name__ == 'CPUDispatcher'\n"
            "assert float(a) == float(b) > 0, (a, b)\n")
    in_fresh_process(code, tmp_path)


def test_an_ensemble_past_the_budget_compiles_before_its_workers_start(tmp_path):
    code = ("from escalation_sim.model import _jit\n"
            "from escalation_sim.engine.ensemble import simulate\n"
            "from escalation_sim.scenario.load import load_scenario\n"
            f"scenario = load_scenario({SCENARIOS[0]!r}, ['horizon_days=30'])\n"
            "simulate(scenario, runs=10, workers=2)  # 300 run-days, in the workers\n"
            "assert not _jit.is_compiled()\n"
            "simulate(scenario, runs=_jit.INTERPRETED_RUN_DAYS // 30 + 1, workers=2)\n"
            "assert _jit.is_compiled()  # here, in the parent, before the workers forked\n")
    in_fresh_process(code, tmp_path)
