"""The one decorator the model's equations use: compiled by numba, cached on disk.

Every equation of ``model/`` is a scalar function of numbers, compiled with ``numba.njit``
(cached, so a process compiles it once per installation) and inlined into the engine's day
kernel (``engine/kernel.py``). Called from Python, the same functions take and return plain
floats, which is how their unit tests and the Mesa reference use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

F = TypeVar("F", bound=Callable[..., Any])


def equation(fn: F) -> F:
    """Compile ``fn`` as a model equation (nopython, cached, no Python objects)."""
    return numba.njit(cache=True, nogil=True)(fn)  # type: ignore[no-any-return]
