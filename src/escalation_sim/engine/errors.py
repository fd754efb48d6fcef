"""Errors of the engine that the command line names without importing the engine itself."""

from __future__ import annotations


class ExecutorError(RuntimeError):
    """An executor cannot be set up or reached (the CLI exits 1 with this message)."""
