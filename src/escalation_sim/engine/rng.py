"""Random streams: one seed fans out into independent streams per block of runs and per process.

Runs are grouped in fixed blocks of ``RNG_BLOCK`` runs. Block ``b`` and random process ``s``
(incidents, perception, reviews, decisions, domestic politics, summits) get the generator seeded by
``SeedSequence(seed, spawn_key=(b, s))``, and every day each stream draws a full block's worth
of numbers whatever the state. So the numbers a run sees depend only on the seed, the run's
index and the day: results do not change with the number of runs, the chunking or the number of
workers, and two scenarios run with one seed share their random numbers (common random numbers).

Draws are made for many days at once (``Streams.uniform_bits``, ``Streams.normal``): a block's
generator fills days one after the other, so the numbers are the ones day-by-day draws give.
Uniforms are kept as the 24-bit integers numpy's float32 uniforms are made of
(``u = m * 2**-24``), so a test ``u < p`` becomes the integer test ``m < threshold(p)``.

A chunk may hold several *segments* side by side (analysis points batched on the run axis,
``engine/batch.py``): each its own ``(seed, first_run, n_runs)``, its rows getting exactly the
numbers it would get alone. Segments that are the same (points sharing a seed: common random
numbers) are drawn once and copied into each of their places.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

RNG_BLOCK = 1024
"""Runs per random block; chunks of work are whole numbers of blocks (except the last)."""
STREAMS = ("incidents", "perception", "reviews", "decisions", "domestic", "summits")
UNIFORM_BITS = 24
"""A float32 uniform on [0, 1) is ``m * 2**-24`` with ``m`` a 24-bit integer."""
UNIT = 2.0**-UNIFORM_BITS


def threshold(p: np.ndarray | float) -> np.ndarray:
    """Integer thresholds: the float32 uniform ``m * 2**-24`` is below ``p`` iff ``m < out``.

    ``p`` is compared as float64, as numpy compares a float32 array with a float64 array; to
    match a comparison with a Python float (done in float32), pass ``np.float32(p)``.
    """
    t = np.ceil(np.asarray(p, dtype=np.float64) * 2.0**UNIFORM_BITS)
    return np.clip(t, 0, 2**UNIFORM_BITS).astype(np.uint32)


_LOCAL = threading.local()


Segment = tuple[int, int, int]
"""``(seed, first_run, n_runs)``: the runs a block of rows of a chunk stands for."""


class Streams:
    """Draws for runs ``first_run .. first_run + n_runs - 1``, many days at a time.

    Or, with ``segments``, for several such ranges side by side (rows ``[0, n)`` the first
    segment, then the next …). Each stream's draws are returned in one reused array: a call
    overwrites the previous one.
    """

    def __init__(self, seed: int, first_run: int, n_runs: int,
                 segments: Sequence[Segment] | None = None) -> None:
        self.segments = list(segments) if segments else [(seed, first_run, n_runs)]
        self.distinct = list(dict.fromkeys(self.segments))
        self.n_runs = sum(n for _, _, n in self.segments)
        self._parts = [_Segment(*segment) for segment in self.distinct]
        self._where = [self.distinct.index(segment) for segment in self.segments]

    @property
    def drawn_runs(self) -> int:
        """Runs each draw is made for: whole random blocks of each distinct segment, or more.

        (The rows the segments are copied into, when there are more of those.)
        """
        return max(self.n_runs, sum(part.drawn_runs for part in self._parts))

    def uniform_bits(self, stream: str, width: int, days: int) -> np.ndarray:
        """The next ``days`` days of ``width`` uniforms per run, shape ``(days, n_runs, width)``.

        Values are the 24-bit integers ``m`` of numpy's float32 uniforms ``m * 2**-24``: the
        very numbers ``Generator.random(dtype=float32)`` would give, day after day.
        """
        return self._joined(stream, [part.uniform_bits(stream, width, days, k)
                                     for k, part in enumerate(self._parts)])

    def normal(self, stream: str, width: int, days: int) -> np.ndarray:
        """The next ``days`` days of float32 standard normals, shape ``(days, n_runs, width)``."""
        return self._joined(stream, [part.normal(stream, width, days, k)
                                     for k, part in enumerate(self._parts)])

    def _joined(self, stream: str, drawn: list[np.ndarray]) -> np.ndarray:
        """Each segment's draws in its place (no copy with a single segment)."""
        if len(self.segments) == 1:
            return drawn[0]
        days, _, width = drawn[0].shape
        out = _buffer(f"{stream}:joined", (days, self.n_runs, width), drawn[0].dtype)
        start = 0
        for k in self._where:
            n = drawn[k].shape[1]
            out[:, start:start + n] = drawn[k]
            start += n
        return out


class _Segment:
    """The generators of one ``(seed, first_run, n_runs)``: one per random block and stream."""

    def __init__(self, seed: int, first_run: int, n_runs: int) -> None:
        self.first_run, self.n_runs = first_run, n_runs
        first_block, last_block = first_run // RNG_BLOCK, (first_run + n_runs - 1) // RNG_BLOCK
        self.blocks = range(first_block, last_block + 1)
        self.gens = {
            name: [np.random.Generator(np.random.PCG64(np.random.SeedSequence(
                seed, spawn_key=(b, s)))) for b in self.blocks]
            for s, name in enumerate(STREAMS)
        }
        self._start = first_run - first_block * RNG_BLOCK

    @property
    def drawn_runs(self) -> int:
        """Runs each draw is made for: whole blocks (``RNG_BLOCK`` runs), whatever ``n_runs``."""
        return len(self.blocks) * RNG_BLOCK

    def uniform_bits(self, stream: str, width: int, days: int, key: int) -> np.ndarray:
        """As ``Streams.uniform_bits``, for this segment (``key`` names its buffer)."""
        out = _buffer(f"{stream}:{key}", (days, self.drawn_runs, width), np.uint32)
        if width:
            for k, gen in enumerate(self.gens[stream]):
                # float32 uniforms take the low then the high half of each 64-bit output
                raw = gen.bit_generator.random_raw(days * RNG_BLOCK * width // 2)
                bits = raw.astype("<u8", copy=False).view("<u4").reshape(days, RNG_BLOCK, width)
                np.right_shift(bits, 32 - UNIFORM_BITS,
                               out=out[:, k * RNG_BLOCK:(k + 1) * RNG_BLOCK])
        return out[:, self._start:self._start + self.n_runs]

    def normal(self, stream: str, width: int, days: int, key: int) -> np.ndarray:
        """As ``Streams.normal``, for this segment."""
        out = _buffer(f"{stream}:{key}", (days, self.drawn_runs, width), np.float32)
        if width:
            for k, gen in enumerate(self.gens[stream]):
                out[:, k * RNG_BLOCK:(k + 1) * RNG_BLOCK] = gen.standard_normal(
                    (days, RNG_BLOCK, width), dtype=np.float32)
        return out[:, self._start:self._start + self.n_runs]


def _buffer(key: str, shape: tuple[int, int, int], dtype: type) -> np.ndarray:
    """A reused output array of ``shape``: the previous draws under ``key`` are overwritten.

    Buffers are kept per thread and reused by the next chunk of the same size, so memory
    does not churn (and fragment) from chunk to chunk.
    """
    days = shape[0]
    buffers = _LOCAL.__dict__.setdefault("buffers", {})
    buf = buffers.get(key)
    if buf is None or buf.shape[0] < days or buf.shape[1:] != shape[1:] or buf.dtype != dtype:
        buf = buffers[key] = np.empty(shape, dtype=dtype)
    return buf[:days]
