"""Shared by the tests: the day kernel compiled before the test runner's workers start, a small
ensemble of the base scenario and its summary (renderer and output tests), the repository's
scripts imported by path, and the fuzz tests' counts said at the end of the session."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

# The consoles take their width when escsim is imported; a COLUMNS set by the test runner's
# workers would fix it there, and tests that pass COLUMNS to a command could not change it.
os.environ.pop("COLUMNS", None)

from escalation_sim.analysis.summary import summarize  # noqa: E402
from escalation_sim.engine.ensemble import PointResult, simulate
from escalation_sim.model import _jit
from escalation_sim.scenario.edit import point_valued
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[1]
BASE = REPO / "scenarios" / "base.yaml"


def pytest_configure(config: pytest.Config) -> None:
    """In the main process of a parallel run, compile the day kernel before the workers start.

    numba keeps compiled code in an on-disk cache, empty on a fresh checkout (as in CI). There
    every process that simulates would compile the kernel itself, about a minute of one core
    each: both test runner workers at once, and the command-line subprocesses and ensemble
    worker processes started before one of them had written the cache. Compiled here once,
    they all load it (half a second). The kernel has one set of argument types
    (``calendar.kernel_layout``, ``kernel_params``), so one small ensemble compiles all of it.

    Only in pytest-xdist's main process with workers: a worker (``workerinput``) loads the
    cache, and a run in one process (``-p no:xdist``, ``-n 0``) compiles when it first
    simulates, as before. Where numba cannot keep its cache, each process compiles anyway and
    this costs one compilation more. A failure here is left to the tests to report.
    """
    _jit.compile_all()  # the suite tests the compiled forms (tests/engine/test_tiers.py: both)
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    try:
        simulate(load_scenario(BASE, ["runs=2", "horizon_days=2"]))
    except Exception as exc:  # the tests that simulate will fail with it and say why
        config.issue_config_time_warning(
            pytest.PytestWarning(f"the day kernel was not compiled before the workers: {exc}"),
            stacklevel=2)


@cache
def _script(relative: str) -> ModuleType:
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def repo_script() -> Callable[[str], ModuleType]:
    """Import a script of the repository by its path from the root (``docs/…``, ``benchmarks/…``),
    once per process."""
    return _script


@pytest.fixture(scope="session")
def base_result() -> PointResult:
    """300 runs x 60 days of the base scenario, weights at their medians; per-run arrays kept."""
    return simulate(point_valued(load_scenario(BASE, ["runs=300", "horizon_days=60"])),
                    keep_runs=True)


@pytest.fixture(scope="session")
def base_summary(base_result: PointResult) -> dict[str, Any]:
    """The summary of ``base_result``."""
    return summarize(base_result, "scenarios/base.yaml", "0" * 64, workers=1)


WORKER_LINES: list[str] = []
"""The fuzz counts of the test runner's worker processes, collected as each one ends."""


def _fuzz_lines() -> list[str]:
    """How many fuzz cases ran in this process (from ``FUZZ_STATS`` and ``CORPUS_STATS``)."""
    lines = []
    for module in list(sys.modules.values()):
        corpus = getattr(module, "CORPUS_STATS", None)
        if isinstance(corpus, dict) and corpus.get("inputs"):
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(corpus["by_kind"].items()))
            lines.append(
                f"hostile-input corpus: {corpus['inputs']} inputs ({kinds}): "
                f"{corpus['ok']} succeeded, {corpus['refused']} refused in one line; "
                f"{corpus['crashes']} crashes, {corpus['wrong_exit']} wrong exit codes, "
                f"{corpus['bytes_lost']} cases of user bytes lost, {corpus['hangs']} hangs")
        stats = getattr(module, "FUZZ_STATS", None)
        if isinstance(stats, dict) and stats.get("cases"):
            lines.append(
                f"scenario fuzzing: {stats['cases']} cases ({stats['valid']} valid, "
                f"{stats['runs']} run) and {stats['options']} option cases in "
                f"{stats['seconds']:.1f} s")
    return lines


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a worker process of pytest-xdist, hand the fuzz counts to the main process."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_lines"] = _fuzz_lines()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """Collect a finished worker's fuzz counts (pytest-xdist's hook)."""
    WORKER_LINES.extend(getattr(node, "workeroutput", {}).get("fuzz_lines", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many fuzz cases ran, here or in the worker processes."""
    for line in _fuzz_lines() + WORKER_LINES:
        terminalreporter.write_line(line)
