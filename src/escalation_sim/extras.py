"""Optional parts of escsim and the extra that installs each.

The base install (``pip install escsim``) runs, traces, compares, sweeps and backtests. Some
commands need more, installed as extras: ``escsim[report]`` (the HTML report and
``--figures``), ``escsim[sensitivity]`` (SALib), ``escsim[parquet]``, ``escsim[xarray]``,
``escsim[dask]``, or all of them with ``escsim[all]``. :func:`require` turns a missing one
into a message that says what to install.
"""

from __future__ import annotations

from importlib.util import find_spec

EXTRAS = {
    "plotly": "report",
    "matplotlib": "report",
    "SALib": "sensitivity",
    "pyabc": "calibrate",
    "pyarrow": "parquet",
    "xarray": "xarray",
    "dask": "dask",
}
"""Importable module -> the extra that installs it."""


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def install_hint(module: str) -> str:
    """``pip install 'escsim[EXTRA]'`` for the extra that provides ``module``."""
    return f"pip install 'escsim[{EXTRAS[module]}]'"


def require(module: str, what: str) -> None:
    """Check that ``module`` can be imported, before any work is done.

    Args:
        module: A key of ``EXTRAS``.
        what: What needs it, for the message (e.g. ``"escsim report"``).

    Raises:
        MissingExtra: It is not installed (``what needs X, which is not installed: pip
            install 'escsim[EXTRA]'``).
    """
    if find_spec(module) is None:
        raise MissingExtra(f"{what} needs {module}, which is not installed: "
                           f"{install_hint(module)}")
