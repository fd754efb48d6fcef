"""Random numbers: a counter-based generator keyed by (seed, run, day, slot).

Every random number a run uses is a pure function of the master seed, the run's index, the day
and a fixed *slot* naming its purpose (an incident type, an ordered pair's perception, an actor's
review or decision …): ``u = mix64(day_key + slot * GAMMA)``, with ``day_key = mix64(run_key +
day * GAMMA)`` and ``run_key = mix64(mix64(seed) + run * GAMMA)``. ``mix64`` is the output function
of SplitMix64 (Stafford's Mix13 finaliser; Steele, Lea & Flood 2014) and ``GAMMA`` its odd Weyl
increment, so each (run, day) reads a SplitMix64 stream at a random starting point.

So the numbers a run sees do not depend on the number of runs, the chunking, the batching of
analysis points or the workers; two scenarios run with one seed share their random numbers run by
run and slot by slot (common random numbers), which is what makes paired comparisons sharp; and a
number that a run does not need (a review that does not happen) is never computed. The kernel
(``engine/kernel.py``) calls ``uniform``; run keys are made here once per chunk.

The uncertain parameters drawn once per run (``engine/draws.py``) use numpy's ``SeedSequence``
per block of ``RNG_BLOCK`` runs.
"""

from __future__ import annotations

import numpy as np

from escalation_sim.model._jit import equation

RNG_BLOCK = 1024
"""Runs per block of the per-run parameter draws (``engine/draws.py``)."""
GAMMA = np.uint64(0x9E3779B97F4A7C15)
"""SplitMix64's Weyl increment (the golden ratio in 64 bits)."""
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_S43, _S22, _S1, _M21 = np.uint64(43), np.uint64(22), np.uint64(1), np.uint64(2**21 - 1)
UNIT53 = 2.0**-53
UNIT21 = 2.0**-21

# slots: where each purpose's numbers are read in a run's day
SLOT_INCIDENT = 0  # + k // 3, incident type k (< 64): a triple holds three types
SLOT_PERCEPTION = 64  # + q, pair q: a triple (the reading wrong, upwards)
SLOT_REVIEW = 192  # + i, actor i: a triple (routine review, reaction)
SLOT_ACTOR = 224  # + 8 i + (STANCE, DEED, LIFT, FORCE, WAR, SHOCK): SHOCK a triple, used for
# actors i and i + 1 (Box-Muller)
STANCE, DEED, LIFT, FORCE, WAR, SHOCK = range(6)
SLOT_SUMMIT = 300  # opportunity, then agreement
SLOT_WAR_END = 302
SLOT_DEMAND = 304  # + 2 d (+1), demand d: met, dropped


@equation
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64's output function (Mix13): a bijection of 64-bit integers that mixes well."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@equation
def day_key(run_key: np.uint64, day: int) -> np.uint64:
    """The key of one run's day."""
    return mix64(run_key + np.uint64(day + 1) * GAMMA)


@equation
def uniform(key: np.uint64, slot: int) -> float:
    """The uniform in [0, 1) of ``slot`` in the day of ``key`` (53 bits)."""
    return float(mix64(key + np.uint64(slot + 1) * GAMMA) >> _S11) * UNIT53


@equation
def triple(key: np.uint64, slot: int) -> tuple[float, float, float]:
    """Three uniforms in [0, 1) of 21 bits each from ``slot`` in the day of ``key``.

    For the frequent draws whose probabilities are far above 2**-21 (incidents, perception,
    reviews, domestic politics): one mix gives three.
    """
    z = mix64(key + np.uint64(slot + 1) * GAMMA)
    return (float(z >> _S43) * UNIT21, float((z >> _S22) & _M21) * UNIT21,
            float((z >> _S1) & _M21) * UNIT21)


def run_keys(seed: int, first_run: int, n_runs: int) -> np.ndarray:
    """The keys of runs ``first_run .. first_run + n_runs - 1`` under ``seed``, ``(n_runs,)``."""
    base = _mix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))[0]
    runs = np.arange(first_run + 1, first_run + n_runs + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix(base + runs * GAMMA)


def rekey(keys: np.ndarray, salt: int) -> np.ndarray:
    """New keys for runs that go on from a resampling: each its own, mixed with ``salt``."""
    with np.errstate(over="ignore"):
        return _mix(keys ^ _mix(np.array([salt + 1], dtype=np.uint64) * GAMMA))


def _mix(z: np.ndarray) -> np.ndarray:
    """``mix64`` over an array (numpy's uint64 arithmetic wraps as the kernel's does)."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        return np.asarray(z ^ (z >> _S31))
