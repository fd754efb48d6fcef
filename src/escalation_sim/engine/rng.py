"""Random streams: one seed fans out into independent streams per block of runs and per process.

Runs are grouped in fixed blocks of ``RNG_BLOCK`` runs. Block ``b`` and random process ``s``
(incidents, perception, reviews, decisions, domestic politics) get the generator seeded by
``SeedSequence(seed, spawn_key=(b, s))``, and every day each stream draws a full block's worth
of numbers whatever the state. So the numbers a run sees depend only on the seed, the run's
index and the day: results do not change with the number of runs, the chunking or the number of
workers, and two scenarios run with one seed share their random numbers (common random numbers).
"""

from __future__ import annotations

from typing import Any

import numpy as np

RNG_BLOCK = 1024
"""Runs per random block; chunks of work are whole numbers of blocks (except the last)."""
STREAMS = ("incidents", "perception", "reviews", "decisions", "domestic")


class Streams:
    """Per-day uniform draws for runs ``first_run .. first_run + n_runs - 1``."""

    def __init__(self, seed: int, first_run: int, n_runs: int) -> None:
        self.first_run, self.n_runs = first_run, n_runs
        first_block, last_block = first_run // RNG_BLOCK, (first_run + n_runs - 1) // RNG_BLOCK
        self.blocks = range(first_block, last_block + 1)
        self.gens = {
            name: [np.random.Generator(np.random.PCG64(np.random.SeedSequence(
                seed, spawn_key=(b, s)))) for b in self.blocks]
            for s, name in enumerate(STREAMS)
        }
        self.aligned = first_run % RNG_BLOCK == 0 and (
            n_runs % RNG_BLOCK == 0 or first_run + n_runs == (last_block + 1) * RNG_BLOCK)

    def uniform(self, stream: str, width: int) -> np.ndarray:
        """Draw ``(n_runs, width)`` float32 uniforms on [0, 1) from ``stream`` for today."""
        return self._draw(stream, width, np.random.Generator.random)

    def normal(self, stream: str, width: int) -> np.ndarray:
        """Draw ``(n_runs, width)`` float32 standard normals from ``stream`` for today."""
        return self._draw(stream, width, np.random.Generator.standard_normal)

    def _draw(self, stream: str, width: int, method: Any) -> np.ndarray:
        out = np.empty((len(self.blocks) * RNG_BLOCK, width), dtype=np.float32)
        if width:
            for k, gen in enumerate(self.gens[stream]):
                method(gen, out=out[k * RNG_BLOCK:(k + 1) * RNG_BLOCK], dtype=np.float32)
        start = self.first_run - self.blocks[0] * RNG_BLOCK
        return out[start:start + self.n_runs]
