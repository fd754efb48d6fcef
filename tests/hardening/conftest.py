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
