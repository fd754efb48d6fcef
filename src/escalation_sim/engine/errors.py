"""Errors of the engine that the command line names without importing the engine itself."""

from __future__ import annotations


class ExecutorError(RuntimeError):
    """An executor cannot be set up or reached (the CLI exits 1 with this message)."""


class FilterCollapse(RuntimeError):
    """The record is all but impossible under the model (the CLI exits 1 with this message).

    A particle filter's effective size fell below ``assimilation.collapse_below`` of the runs
    (``engine/filter.py``): there is no forecast from so few runs.
    """
