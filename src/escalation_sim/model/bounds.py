"""Cheap upper bounds of exponentials, so that a hazard too small for the day's draw is skipped.

Most of the model's daily hazards (force, lifting, conceding, a summit's opportunity) are far
below the uniform they are compared with. The kernel first compares the uniform with an upper
bound computed without an exponential, and evaluates the hazard itself (``model/``) only when
the draw falls below the bound, so the outcome is exactly the one the hazard gives.
"""

from __future__ import annotations

import math

from escalation_sim.model._jit import equation

LOG2_E = 1.4426950408889634
"""log2(e): ``exp(z) = 2 ** (z log2 e)``."""


@equation
def exp_bound(z: float) -> float:
    """An upper bound of ``exp(z)``, within a factor of 4: ``2 ** (ceil(z log2 e) + 1)``.

    The extra power of two covers the rounding of ``z log2 e`` and of the exponential itself;
    ``z`` is held within ±1000 (the bound is then at least 2**-999, above zero).
    """
    k = math.ceil(min(max(z * LOG2_E, -1000.0), 1000.0))
    return math.ldexp(1.0, int(k) + 1)
