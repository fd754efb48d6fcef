"""The decorators the compiled code uses: numba, cached on disk by the code's own digest.

Every equation of ``model/`` is a scalar function of numbers, compiled with ``numba.njit``
(:func:`equation`) and inlined into the engine's day kernel (``engine/kernel.py``, compiled with
:func:`compiled`). Called from Python, the equations take and return plain floats, which is how
their unit tests and the Mesa reference use them.

Compiled code is cached on disk so a process compiles it once per installation. numba checks a
cached function against its own file only, not against the functions it calls in other files, so
the cache lives in a folder named after a digest of every file the compiled code is made of
(``<user cache>/escsim/numba-<digest>``): a change to any of them compiles afresh, and a stale
cache is never used. ``NUMBA_CACHE_DIR`` set by the user takes precedence.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])
PACKAGE = Path(__file__).resolve().parents[1]
COMPILED_SOURCES = ("model/*.py", "engine/kernel.py", "engine/rng.py", "engine/record.py",
                    "engine/state.py", "engine/compile.py")
"""The files the compiled code is made of (globs under the package)."""


def _digest() -> str:
    """A digest of the compiled code's files, names and bytes."""
    h = hashlib.sha256()
    for pattern in COMPILED_SOURCES:
        for path in sorted(PACKAGE.glob(pattern)):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> None:
    """Point numba's cache at a folder of this code's own, when the user has not chosen one."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "escsim"
    folder = root / f"numba-{_digest()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # numba's default (beside the package) or no cache
    if os.access(folder, os.W_OK):
        numba.config.CACHE_DIR = str(folder)  # type: ignore[attr-defined]  # set at run time


_cache_dir()


def equation(fn: F) -> F:
    """Compile ``fn`` as a model equation (nopython, cached, no Python objects)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def compiled(fn: F) -> F:
    """Compile an engine function that calls the equations (the day kernel and its helpers)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))
