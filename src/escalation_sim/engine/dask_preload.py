"""Preload of the workers of escsim's local Dask cluster: they ignore Ctrl-C.

A terminal sends Ctrl-C to every process of the foreground group, the cluster's workers
included. escsim handles it and shuts the cluster down; the workers themselves would print
tracebacks. Dask runs ``dask_setup`` in each worker as it starts.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    """Ignore SIGINT in this worker process (where signals can be set: the main thread)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
