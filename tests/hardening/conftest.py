"""Shared by the hardening tests: strict numerics (warnings and floating-point errors raise)."""

from __future__ import annotations

import contextlib
import sys
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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many fuzz cases ran (the fuzz tests count them in ``FUZZ_STATS`` and
    ``CORPUS_STATS``)."""
    for module in list(sys.modules.values()):
        corpus = getattr(module, "CORPUS_STATS", None)
        if isinstance(corpus, dict) and corpus.get("inputs"):
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(corpus["by_kind"].items()))
            terminalreporter.write_line(
                f"hostile-input corpus: {corpus['inputs']} inputs ({kinds}): "
                f"{corpus['ok']} succeeded, {corpus['refused']} refused in one line; "
                f"{corpus['crashes']} crashes, {corpus['wrong_exit']} wrong exit codes, "
                f"{corpus['bytes_lost']} cases of user bytes lost, {corpus['hangs']} hangs")
        stats = getattr(module, "FUZZ_STATS", None)
        if isinstance(stats, dict) and stats.get("cases"):
            terminalreporter.write_line(
                f"scenario fuzzing: {stats['cases']} cases ({stats['valid']} valid, "
                f"{stats['runs']} run) and {stats['options']} option cases in "
                f"{stats['seconds']:.1f} s")
