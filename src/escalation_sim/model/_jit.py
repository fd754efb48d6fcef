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
import sys
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


def _skip_blas_probe() -> None:
    """Load numba's array functions without its probe for scipy's BLAS (0.2 s of start-up).

    On its first compilation numba imports ``numba.np.arraymath``, which imports
    ``scipy.linalg`` once to learn whether BLAS is there for ``np.correlate`` and
    ``np.convolve`` (otherwise a plain loop). The compiled code uses neither, and linear algebra
    (``np.dot``, ``np.linalg``) still finds BLAS when compiled, so the probe is skipped.
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import numba.np.arraymath  # noqa: F401
    except ImportError:
        pass
    finally:
        del sys.modules["scipy.linalg"]


_skip_blas_probe()


def equation(fn: F) -> F:
    """Compile ``fn`` as a model equation (nopython, cached, no Python objects)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def compiled(fn: F) -> F:
    """Compile an engine function that calls the equations (the day kernel and its helpers).

    Without numba's reference counting (``_nrt=False``): the kernel reads ~180 arrays through
    named tuples, and each read would otherwise increment and decrement the array's reference
    count (atomic operations the optimiser does not remove in a function this large), which
    cost about a third of its time. Such functions allocate nothing (their scratch space is
    passed in) and return no arrays. Division follows numpy's error model (no check for zero:
    the kernel never divides by zero).
    """
    options: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False,
                               "error_model": "numpy"}  # _nrt: not in numba's type stubs
    return cast(F, numba.njit(**options)(fn))
