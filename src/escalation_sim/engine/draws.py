"""Per-run draws of a scenario's uncertain parameters, next to the random streams.

A parameter written as a distribution (``scenario/priors.py``) takes one value per run. Run ``k``'s
value of a path depends only on ``(seed, k, path)``: block ``b`` of ``RNG_BLOCK`` runs draws
from ``SeedSequence(seed, spawn_key=(PRIOR_STREAM, path_key(path), b))``, so the same prior gives
the same draws in every scenario, for any chunking or number of workers (common random numbers).

A calibration's weighted parameter sets (``{particles: …}``, docs/calibration.md) are drawn
jointly: every parameter of one joint sample reads the same quantile, from the stream of its
joint name (``path_key("particles:" + joint)``), and run ``k`` takes all of them from the one
parameter set that quantile picks (:meth:`Distribution.pick`). A run never leaves the sets the
calibration found, and their correlations are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache, partial

import numpy as np

from escalation_sim.engine.rng import RNG_BLOCK
from escalation_sim.scenario.priors import PARTICLES, Distribution, priors_of
from escalation_sim.scenario.schema import Scenario

PRIOR_STREAM = 0x5052494F
"""First element of the spawn key of prior draws (``"PRIO"``)."""
BLOCK_CACHE = 512
"""Blocks of drawn values kept per process (8 KB each)."""


def path_key(path: str) -> int:
    """A stable 64-bit number for a dotted path: its UTF-8 text's BLAKE2b digest, 8 bytes.

    Sixty-four bits keep two paths from sharing a stream (with 32, one pair in a few hundred
    paths would do so once in about 10^5 scenarios).
    """
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "little")


def _block_uniforms(seed: int, key: int, block: int) -> np.ndarray:
    """The quantiles of block ``block``'s runs for the path whose :func:`path_key` is ``key``."""
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        seed, spawn_key=(PRIOR_STREAM, key, block))))
    return gen.random(RNG_BLOCK)


@lru_cache(maxsize=BLOCK_CACHE)
def _block_values(dist: Distribution, seed: int, key: int, block: int) -> np.ndarray:
    """A block's drawn values (kept: the engine and the runs table draw the same blocks)."""
    values = dist.ppf(_block_uniforms(seed, key, block))
    values.flags.writeable = False
    return values


def _by_block(first_run: int, n_runs: int,
              block_of: Callable[[int], np.ndarray]) -> np.ndarray:
    """Runs ``first_run ..`` taken from whole blocks of ``RNG_BLOCK`` runs."""
    out = np.empty(n_runs, dtype=np.float64)
    if n_runs <= 0:
        return out
    for b in range(first_run // RNG_BLOCK, (first_run + n_runs - 1) // RNG_BLOCK + 1):
        start = max(first_run, b * RNG_BLOCK)
        stop = min(first_run + n_runs, (b + 1) * RNG_BLOCK)
        out[start - first_run:stop - first_run] = \
            block_of(b)[start - b * RNG_BLOCK:stop - b * RNG_BLOCK]
    return out


def uniforms(seed: int, path: str, first_run: int, n_runs: int) -> np.ndarray:
    """Run ``k``'s quantile for ``path``, for ``k`` in ``first_run .. first_run + n_runs - 1``.

    Block ``b`` of ``RNG_BLOCK`` runs draws from ``SeedSequence(seed, spawn_key=(PRIOR_STREAM,
    path_key(path), b))``: one float64 uniform per run, so run ``k``'s value depends only on
    ``(seed, k, path)``.
    """
    key = path_key(path)
    return _by_block(first_run, n_runs, lambda b: _block_uniforms(seed, key, b))


def joint_key(joint: str) -> str:
    """The stream name of a joint sample's quantiles (shared by its parameters)."""
    return "particles:" + joint


def particle_index(scenario: Scenario, seed: int, first_run: int, n_runs: int
                   ) -> dict[str, np.ndarray]:
    """The parameter set each run takes from each joint sample: joint name -> ``(n_runs,)``.

    Run ``k``'s set depends only on ``(seed, k, joint name)`` and the weights. Empty when the
    scenario has no calibration's parameter sets.
    """
    out: dict[str, np.ndarray] = {}
    for dist in priors_of(scenario).values():
        if dist.kind == PARTICLES and dist.joint not in out:
            out[dist.joint] = dist.pick(uniforms(seed, joint_key(dist.joint), first_run,
                                                 n_runs))
    return out


def joint_samples(scenario: Scenario) -> dict[str, list[str]]:
    """Each joint sample's parameters: joint name -> dotted paths (sorted)."""
    out: dict[str, list[str]] = {}
    for path, dist in priors_of(scenario).items():
        if dist.kind == PARTICLES:
            out.setdefault(dist.joint, []).append(path)
    return out


def draw(scenario: Scenario, seed: int, first_run: int, n_runs: int) -> dict[str, np.ndarray]:
    """Each uncertain parameter's value in runs ``first_run .. first_run + n_runs - 1``.

    Run ``k``'s value of a path depends only on ``(seed, k, path)``: the same prior gives the
    same draws in every scenario, for any chunking or number of workers (common random numbers).
    Returns path -> float array of shape ``(n_runs,)``; empty when nothing is uncertain.
    Run ``k``'s value is ``dist.ppf(u)`` with ``u`` its quantile from :func:`uniforms`; for a
    calibration's parameter sets, the value of the set :func:`particle_index` gives the run.
    """
    picks = particle_index(scenario, seed, first_run, n_runs)
    return {path: np.asarray(dist.args, dtype=np.float64)[picks[dist.joint]]
            if dist.kind == PARTICLES else
            _by_block(first_run, n_runs, partial(_block_values, dist, seed, path_key(path)))
            for path, dist in priors_of(scenario).items()}
