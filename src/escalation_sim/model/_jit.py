"""The decorators of the compiled code: Python for a process's first few run-days, then numba.

Every equation of ``model/`` is a scalar function of numbers (:func:`equation`), and the engine's
day kernel (``engine/kernel.py``) a set of loops that call them (:func:`compiled`). Both are
plain Python functions until the process compiles: :func:`prepare` is told the size of each job
before it runs and keeps the first ``INTERPRETED_RUN_DAYS`` run-days of a process in Python (a
run of a few runs, a trace: numba is not even imported, which is most of a short command's
start-up); the first job that would take the process past that loads numba and turns every
function into its compiled form (:func:`compile_all`), for good. Both forms are the same code
and give the same numbers to the bit (``tests/engine/test_tiers.py`` runs every bundled scenario
both ways). Called from Python, the equations take and return plain floats, which is how their
unit tests and the Mesa reference use them.

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

F = TypeVar("F", bound=Callable[..., Any])
PACKAGE = Path(__file__).resolve().parents[1]
COMPILED_SOURCES = ("model/*.py", "engine/kernel.py", "engine/rng.py", "engine/record.py",
                    "engine/state.py", "engine/compile.py")
"""The files the compiled code is made of (globs under the package)."""
INTERPRETED_RUN_DAYS = 2_000
"""Run-days a process simulates in Python before it compiles (numba's import and the loading of
the cached kernel cost about 0.5 s of CPU; Python takes about 0.3 ms a run-day, so 2,000 run-days
(five runs of a year) cost about as much as compiling would)."""

_EQUATION: dict[str, Any] = {"cache": True, "nogil": True}
_KERNEL: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False, "error_model": "numpy"}
"""The kernel's options: without numba's reference counting (``_nrt=False``): the kernel reads
~180 arrays through named tuples, and each read would otherwise increment and decrement the
array's reference count (atomic operations the optimiser does not remove in a function this
large), which cost about a third of its time. Such functions allocate nothing (their scratch
space is passed in) and return no arrays. Division follows numpy's error model (no check for
zero: the kernel never divides by zero)."""
_functions: list[tuple[Callable[..., Any], dict[str, Any]]] = []
_interpreted = 0  # run-days this process has simulated in Python
_compiled = False


def equation(fn: F) -> F:
    """Mark ``fn`` as a model equation (compiled nopython and cached, see :func:`compile_all`)."""
    return _mark(fn, _EQUATION)


def compiled(fn: F) -> F:
    """Mark an engine function that calls the equations (the day kernel and its helpers)."""
    return _mark(fn, _KERNEL)


def _mark(fn: F, options: dict[str, Any]) -> F:
    """``fn`` as it runs now: itself, or its compiled form in a process that has compiled."""
    _functions.append((fn, options))
    if _compiled:
        import numba

        return cast(F, numba.njit(**options)(fn))
    return fn


def is_compiled() -> bool:
    """Whether this process runs the compiled forms."""
    return _compiled


def prepare(run_days: int) -> None:
    """Choose the form for a job of ``run_days`` run-days, about to run.

    Python while the process's run-days, this job's included, stay within
    ``INTERPRETED_RUN_DAYS``; otherwise (and from then on) the compiled forms.
    """
    global _interpreted
    if not _compiled and _interpreted + run_days <= INTERPRETED_RUN_DAYS:
        _interpreted += run_days
    else:
        compile_all()


def expect(run_days: int) -> None:
    """A job of ``run_days`` run-days is coming (its chunks will call :func:`prepare`).

    Compiles now if it would take the process past ``INTERPRETED_RUN_DAYS``, so that worker
    processes forked for it start with numba imported and the compiled forms in place, as
    before this scheme. Counts nothing: the chunks count as they run.
    """
    if not _compiled and _interpreted + run_days > INTERPRETED_RUN_DAYS:
        compile_all()


def compile_all() -> None:
    """Turn every marked function into its numba form, in every module that names it.

    numba resolves the functions a compiled function calls through its module's globals when it
    compiles, so each module of the package that holds a marked function (by definition or by
    import) gets the compiled form in its place; calling the Python form afterwards calls the
    compiled forms of what it calls. Compilation itself happens on first call (or loads from the
    disk cache).
    """
    global _compiled
    if _compiled:
        return
    import numba

    _cache_dir(numba)
    _skip_blas_probe()
    forms = {id(fn): (fn, numba.njit(**options)(fn)) for fn, options in _functions}
    for name, module in list(sys.modules.items()):
        if not name.startswith("escalation_sim") or module is None:
            continue
        names = vars(module)
        for attr, value in list(names.items()):
            found = forms.get(id(value))
            if found is not None and found[0] is value:
                names[attr] = found[1]
    _compiled = True


def _digest() -> str:
    """A digest of the compiled code's files, names and bytes."""
    h = hashlib.sha256()
    for pattern in COMPILED_SOURCES:
        for path in sorted(PACKAGE.glob(pattern)):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir(numba: Any) -> None:
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
        numba.config.CACHE_DIR = str(folder)


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
