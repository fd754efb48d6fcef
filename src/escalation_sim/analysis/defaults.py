"""Default sizes of the analyses, kept apart so that the command line's help loads light.

The analysis modules import them from here; ``escsim … --help`` quotes them without loading
numpy or the engine.
"""

from __future__ import annotations

COMPARE_RUNS = 10_000
"""Runs per scenario of ``compare`` (and per variant of ``levers``) when ``--runs`` is not given:
enough to resolve differences of about one percentage point in common outcomes (paired
intervals of ±0.2–0.8 points)."""
LEVERS_RUNS = COMPARE_RUNS
"""Runs per variant of ``levers`` when ``--runs`` is not given (as ``compare``)."""
EXPLORE_SAMPLES = 100
"""Samples of ``explore`` when ``--samples`` is not given: enough for PRIM to peel in 5% steps."""
LIBRARY_RUNS = 500
"""Runs per episode when ``backtest`` scores several and ``--runs`` is not given."""
METHODS = ("sobol", "morris")
"""The methods of ``sensitivity``."""
DEFAULT_SAMPLES = {"sobol": 64, "morris": 32}
"""Base samples ``N`` per method: Sobol 64·(D + 2) points (768 with the 10 default factors),
Morris 32 trajectories (352 points)."""
DEFAULT_RUNS = 256
"""Runs per point of ``sensitivity`` when ``--runs`` is not given. Common random numbers make
the output a smooth function of the factors, so a larger sample of points buys more than more
runs per point."""
OUTPUTS = ("p_coercion_or_worse", "p_force", "peak_rung_mean", "trade_loss_mean")
"""The outputs whose sensitivity ``sensitivity`` measures."""
DEFAULT_METRIC = "p_coercion_or_worse"
"""What a sweep shows when no metric is named: P(coercive standoff, armed clashes or war)."""
MAX_RUNS = 10_000_000
"""Most runs per ensemble any command takes (as a scenario's ``runs``): bounds the work asked
for before any of it starts."""
MAX_EXPLORE_SAMPLES = 10_000
"""Most ``explore --samples``: each sample is a scenario and an ensemble, built before they run."""
MAX_SENSITIVITY_SAMPLES = 8_192
"""Most ``sensitivity --samples`` (SALib's base sample N; the points are N·(factors + 2) for
Sobol, N·(factors + 1) for Morris)."""

RUNS_WHY = {
    "run": "set by the scenario (runs:)",
    "trace": "set by the scenario (runs:)",
    "report": "set by the scenario (runs:)",
    "sweep": "per point, set by the scenario (runs:)",
    "compare": "per scenario, compare's default: differences of about one point need them",
    "levers": "per variant, as compare: differences of about one point need them",
    "sensitivity": "per point, sensitivity's default: more points buy more than more runs",
    "explore": "per sample, explore's default: more samples buy more than more runs",
    "backtest": "set by the episode's scenario (runs:)",
    "backtest --all": "per episode, backtest's default for several episodes",
}
"""Why each command runs the ensembles it runs, when ``--runs`` is not given.

``run``, ``report``, ``trace`` and ``sweep`` run the scenario's ``runs:`` (2,000 unless the
file says otherwise): one ensemble answers one question, and its intervals say how precisely.
``compare`` and ``levers`` run ``COMPARE_RUNS`` (10,000) per scenario, because a difference
between scenarios is smaller than either probability and needs more runs to be told from zero.
``sensitivity`` and ``explore`` run ``DEFAULT_RUNS`` (256) per point, because they need many
points more than precise points. Every command's header says which (:func:`runs_note`).
"""
RUNS_GIVEN = {"sweep": "per point", "compare": "per scenario", "levers": "per variant",
              "sensitivity": "per point", "explore": "per sample", "backtest --all":
              "per episode"}
"""What ``--runs`` counts, where it is not the one ensemble."""


def runs_line(command: str, runs: int, runs_from: str | None) -> str:
    """``10,000 runs per scenario, compare's default: …``: the runs and why, for a header."""
    return f"{runs:,} run{'' if runs == 1 else 's'} {runs_note(command, runs_from)}"


def runs_note(command: str, runs_from: str | None) -> str:
    """Why so many runs, to follow ``N runs``: ``set by the scenario (runs:)``, ``per scenario, …``.

    Args:
        command: The command (a key of :data:`RUNS_WHY`).
        runs_from: ``"--runs"`` when the user gave it; anything else means the default.
    """
    if runs_from == "--runs":
        per = RUNS_GIVEN.get(command)
        return f"{per}, set by --runs" if per else "set by --runs"
    return RUNS_WHY.get(command, "")
