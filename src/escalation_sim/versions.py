"""The escsim version stamped in every output: summaries, documents, manifests, figures.

Read from the installed package's metadata (``pyproject.toml``'s ``version``), never written
out by hand, so that an output cannot name another version than the code that made it. A leaf
module: anything may import it.
"""

from __future__ import annotations

from importlib import metadata

UNKNOWN = "0+unknown"
"""The version of a source tree that was never installed (PEP 440 local version)."""


def escsim_version() -> str:
    """The installed escsim version (``UNKNOWN`` when run from an uninstalled tree)."""
    try:
        return metadata.version("escsim")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed in practice
        return UNKNOWN
