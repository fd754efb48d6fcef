"""Default sizes of the analyses, kept apart so that the command line's help loads light.

The analysis modules import them from here; ``escsim … --help`` quotes them without loading
numpy or the engine.
"""

from __future__ import annotations

COMPARE_RUNS = 10_000
"""Runs per scenario of ``compare`` (and per variant of ``levers``) when ``--runs`` is not given:
enough to resolve differences of about one percentage point in common outcomes (paired
intervals of ±0.2–0.8 points)."""
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
