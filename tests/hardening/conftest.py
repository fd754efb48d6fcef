"""Shared by the hardening tests: strict numerics (warnings and floating-point errors raise)."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator

import numpy as np
import pytest

STRICT_FP = {"all": "raise", "under": "ignore"}
"""Overflow, invalid operations (NaN) and division by zero raise. Underflow — a result too small
for a float, rounded towards zero — stays allowed, as numpy allows it by default: it yields
neither NaN nor infinity, and a parameter as small as 5e-324 legitimately causes it."""


@contextlib.contextmanager
def strict_numerics() -> Iterator[None]:
    """Every warning an error, and numpy's floating-point errors (``STRICT_FP``) raised."""
    with warnings.catch_warnings(), np.errstate(**STRICT_FP):
        warnings.simplefilter("error")
        yield


@pytest.fixture
def strict() -> Callable[[], contextlib.AbstractContextManager[None]]:
    """The ``strict_numerics`` context manager."""
    return strict_numerics


@pytest.fixture(scope="session", autouse=True)
def compiled_kernel() -> None:
    """Compile the day kernel before the first timed case: on a fresh checkout (no numba cache)
    the first simulation of each test process compiles it, which a case's time bound would
    count as a hang. (In a parallel run the main process has compiled it before the workers
    started, ``tests/conftest.py``, and this loads it.)"""
    from pathlib import Path

    from escalation_sim.engine.ensemble import simulate
    from escalation_sim.model import _jit
    from escalation_sim.scenario.load import load_scenario

    _jit.compile_all()

    base = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"
    simulate(load_scenario(base, ["runs=2", "horizon_days=2"]))
