"""PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), on numeric samples.

The box search that scenario discovery (``discovery.py``) stands on, written here with numpy
and scipy only (no GPL code in escsim's dependencies):

- **peeling**: from the box around every sample, remove the thin slice — ``alpha`` of the box's
  samples, below a lower or above an upper quantile of one parameter — whose removal leaves the
  highest share of cases (Friedman & Fisher's "original" criterion), one step at a time, while
  the box keeps at least ``mass_min`` of the samples;
- **pasting**: then, from the box chosen off that trajectory, widen one restricted side at a
  time by ``alpha`` of the box's samples, the widening with the highest share of cases, while
  that share does not fall (Friedman & Fisher paste while the share rises; keeping a paste
  that holds it level lets a box whose samples are all cases grow back over the cases that a
  greedy peel on noisy labels cut off);
- **quasi-p values** (Bryant & Lempert 2010): for each restricted parameter, the one-sided
  binomial probability of at least the box's cases among its samples if the restriction were
  not there (the share of cases of the box without it); small means the restriction matters.

Every step is kept on the *trajectory*: its coverage (share of all cases inside), density
(share of the box's samples that are cases), mass (share of all samples inside) and the number
of restricted parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import binom


@dataclass(frozen=True)
class Region:
    """A box: a lower and upper limit per parameter (``-inf``/``inf`` where unrestricted)."""

    low: np.ndarray
    high: np.ndarray

    def contains(self, x: np.ndarray) -> np.ndarray:
        """Which rows of ``x`` lie inside (limits included)."""
        return np.asarray(np.all((x >= self.low) & (x <= self.high), axis=1))

    def restricted(self) -> list[int]:
        """The parameters the box restricts."""
        return [j for j in range(self.low.shape[0])
                if np.isfinite(self.low[j]) or np.isfinite(self.high[j])]

    def without(self, j: int) -> Region:
        """The box with parameter ``j`` unrestricted."""
        low, high = self.low.copy(), self.high.copy()
        low[j], high[j] = -np.inf, np.inf
        return Region(low, high)

    def with_limit(self, j: int, side: int, value: float) -> Region:
        """The box with parameter ``j``'s lower (``side`` 0) or upper (1) limit at ``value``."""
        low, high = self.low.copy(), self.high.copy()
        (low if side == 0 else high)[j] = value
        return Region(low, high)


@dataclass
class Search:
    """One box search: the samples it looks in, its trajectory of boxes, the box selected.

    Attributes:
        x: Sampled parameter values, ``(samples, parameters)``, of all samples.
        y: Whether each sample is a case.
        among: The samples this search looks in (others lie in earlier boxes).
        total: Cases among all samples (coverage is a share of these).
        boxes: The trajectory: every box peeled, pasted or relaxed, in order.
    """

    x: np.ndarray
    y: np.ndarray
    among: np.ndarray
    total: int
    boxes: list[Region] = field(default_factory=list)

    def inside(self, box: Region) -> np.ndarray:
        """The samples of this search inside ``box``."""
        return np.asarray(self.among & box.contains(self.x))

    def step(self, k: int) -> tuple[float, float, float, int]:
        """Coverage, density, mass and restricted parameters of box ``k``."""
        inside = self.inside(self.boxes[k])
        n, cases = int(inside.sum()), int(self.y[inside].sum())
        return (cases / self.total, cases / n if n else 0.0, n / self.x.shape[0],
                len(self.boxes[k].restricted()))

    def quasi_p(self, k: int) -> dict[int, float]:
        """Each restricted parameter's quasi-p value in box ``k`` (module docstring)."""
        box = self.boxes[k]
        inside = self.inside(box)
        n, cases = int(inside.sum()), int(self.y[inside].sum())
        found = {}
        for j in box.restricted():
            wider = self.inside(box.without(j))
            p0 = float(self.y[wider].mean()) if wider.any() else 0.0
            found[j] = float(binom.sf(cases - 1, n, p0))
        return found

    def paste(self, k: int, alpha: float) -> int:
        """Paste box ``k`` (module docstring), adding each wider box to the trajectory.

        Args:
            k: The box pasted.
            alpha: Share of the box's samples added at each step.

        Returns:
            The index of the last box pasted (``k`` when no paste keeps the share of cases).
        """
        while True:
            wider = _best_paste(self, self.boxes[k], alpha)
            if wider is None:
                return k
            self.boxes.append(wider)
            k = len(self.boxes) - 1

    def drop(self, k: int, j: int) -> int:
        """Add box ``k`` without its restriction on ``j`` to the trajectory; its index."""
        self.boxes.append(self.boxes[k].without(j))
        return len(self.boxes) - 1


def peel(x: np.ndarray, y: np.ndarray, among: np.ndarray, total: int, *, alpha: float,
         mass_min: float) -> Search:
    """Peel boxes over the samples ``among`` down to ``mass_min`` (module docstring).

    Args:
        x: Sampled parameter values, ``(samples, parameters)``.
        y: Whether each sample is a case.
        among: The samples to look in.
        total: Cases among all samples.
        alpha: Share of the box's samples peeled off at each step.
        mass_min: Smallest box, as a share of all samples.

    Returns:
        The search, its trajectory running from the whole space to the last box peeled.
    """
    search = Search(np.asarray(x, dtype=float), np.asarray(y, dtype=bool), among, total)
    box = Region(np.full(x.shape[1], -np.inf), np.full(x.shape[1], np.inf))
    search.boxes.append(box)
    least = mass_min * x.shape[0]
    while True:
        best = _best_peel(search, box, alpha, least)
        if best is None:
            break
        box = best
        search.boxes.append(box)
    return search


def _density(search: Search, box: Region) -> tuple[float, int]:
    """A box's share of cases (``-1`` when empty) and its number of samples."""
    inside = search.inside(box)
    n = int(inside.sum())
    return (float(search.y[inside].mean()) if n else -1.0), n


def _best_peel(search: Search, box: Region, alpha: float, least: float) -> Region | None:
    """The peel leaving the highest share of cases (ties: the larger box), or ``None``."""
    inside = search.inside(box)
    n = int(inside.sum())
    best: tuple[float, int, Region] | None = None
    for j in range(search.x.shape[1]):
        values = search.x[inside, j]
        for side, q, method in ((0, alpha, "lower"), (1, 1.0 - alpha, "higher")):
            cut = float(np.quantile(values, q, method=method))  # type: ignore[call-overload]
            kept = values >= cut if side == 0 else values <= cut
            if kept.all():  # ties at the quantile: nothing to peel this way; peel them all
                kept = values > cut if side == 0 else values < cut
                if not kept.any():
                    continue
                cut = float(values[kept].min() if side == 0 else values[kept].max())
            size = int(kept.sum())
            if size >= n or size < least:
                continue
            share = float(search.y[inside][kept].mean())
            if best is None or (share, size) > (best[0], best[1]):
                best = (share, size, box.with_limit(j, side, cut))
    return None if best is None else best[2]


def _best_paste(search: Search, box: Region, alpha: float) -> Region | None:
    """The widening of one restricted side with the highest share of cases, or ``None``.

    Only widenings that keep the box's share of cases qualify (ties: the larger box).
    """
    share, n = _density(search, box)
    step = max(1, int(round(alpha * n)))
    best: tuple[float, int, Region] | None = None
    for j in box.restricted():
        others = search.among & box.without(j).contains(search.x)
        for side in (0, 1):
            limit = box.low[j] if side == 0 else box.high[j]
            if not np.isfinite(limit):
                continue
            beyond = others & ((search.x[:, j] < limit) if side == 0
                               else (search.x[:, j] > limit))
            if not beyond.any():
                continue
            values = np.sort(search.x[beyond, j])
            reach = min(step, values.size)
            value = values[-reach] if side == 0 else values[reach - 1]
            wider = box.with_limit(j, side, float(value))
            found, size = _density(search, wider)
            if found >= share - 1e-12 and (best is None or (found, size) > best[:2]):
                best = (found, size, wider)
    return None if best is None else best[2]


def limits_of(box: Region, names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """A box's limits by parameter name (restricted parameters only)."""
    return {names[j]: (float(box.low[j]), float(box.high[j])) for j in box.restricted()}
