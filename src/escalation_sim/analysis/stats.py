"""Interval estimates for ensemble results, and how many digits of them to report.

Every number in a summary is an estimate from a finite ensemble, so it comes with a 95%
interval and is rounded to the digits that interval supports:

- proportions (``P(outcome)``, ``P(force)``): the Wilson score interval (Wilson 1927), which
  stays inside [0, 1] and behaves well near 0 and 1, where most rare-event estimates live;
- means (peak rung, days at coercion): the normal approximation ``mean ± z·s/√n`` from the
  streamed count, sum and sum of squares (:class:`~escalation_sim.engine.aggregate.Moments`);
- paired differences (``escsim compare``, common random numbers): for means, the same normal
  approximation on the per-run differences ``a_i − b_i``; for proportions, Newcombe's score
  interval for paired proportions (Newcombe 1998, method 10), which combines the two Wilson
  intervals with the runs' correlation and stays sound when few runs disagree;
- quantiles of the per-day histograms (rungs, flows): the inverse of the empirical CDF.

**Rounding rule** (Taylor 1997, *An Introduction to Error Analysis*, §2.2): the half-width of
the interval is kept to one significant figure — two when its leading digit is 1, where one
figure would misstate it by up to 50% — and the estimate and both bounds are rounded to that
same decimal place. So with 2,000 runs a probability near 0.5 (half-width 0.022) reads
0.50 [0.48, 0.52], one near 0.27 (half-width 0.0195) reads 0.270 [0.251, 0.290], and a rare
event of 7 in 2,000 reads 0.0035 [0.0017, 0.0072]. Rounding every number of an interval to one
decimal place is monotone, so a rounded interval still contains its rounded estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from escalation_sim.engine.aggregate import Moments

Z95 = 1.959963984540054
"""Two-sided 95% quantile of the standard normal distribution."""
MAX_DECIMALS = 8
"""Never report more decimals than this (half-widths below 1e-8 count as zero)."""
EXACT_SIGNIFICANT = 6
"""Significant figures kept when an interval has no width (every run gave the same value)."""


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval; NaN where it is undefined (no runs, or one run for a mean).

    Attributes:
        estimate: The point estimate (a proportion or a mean).
        low: Lower bound of the interval.
        high: Upper bound of the interval.
        n: Number of runs the estimate is computed over.
    """

    estimate: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN when the interval is undefined)."""
        return (self.high - self.low) / 2.0

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies inside the closed interval."""
        return self.low <= x <= self.high

    def excludes(self, x: float = 0.0) -> bool:
        """Whether the interval is defined and ``x`` lies outside it."""
        return math.isfinite(self.low) and math.isfinite(self.high) and not self.contains(x)

    def rounded(self) -> Interval:
        """The interval rounded to the digits its width supports (see :func:`round_interval`)."""
        return round_interval(self)

    def to_dict(self, key: str = "value", *, with_n: bool = True) -> dict[str, Any]:
        """JSON-ready ``{key, ci_low, ci_high[, n]}``, with ``None`` for undefined numbers."""
        data: dict[str, Any] = {key: json_float(self.estimate), "ci_low": json_float(self.low),
                                "ci_high": json_float(self.high)}
        if with_n:
            data["n"] = int(self.n)
        return data


def wilson(k: int, n: int, z: float = Z95) -> Interval:
    """Wilson score interval of a proportion ``k / n``.

    Args:
        k: Number of runs where the event happened.
        n: Number of runs.
        z: Normal quantile of the two-sided level (1.96 for 95%).

    Returns:
        The interval around ``k / n``; all NaN when ``n == 0``.

    Raises:
        ValueError: ``k`` is outside ``0..n``.
    """
    k, n = int(k), int(n)
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    p = k / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    # the score interval always contains p; clamp the rounding error at k = 0 or k = n
    return Interval(p, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)), n)


def mean_interval(mean: float, std: float, n: int, z: float = Z95) -> Interval:
    """Normal-approximation interval of a mean: ``mean ± z · std / √n``.

    Args:
        mean: Sample mean.
        std: Sample standard deviation (with ``n − 1`` in the denominator).
        n: Number of values.
        z: Normal quantile of the two-sided level.

    Returns:
        The interval; its bounds are NaN with fewer than two values.
    """
    n = int(n)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean, std = float(mean), float(std)
    if n < 2 or not math.isfinite(std):
        return Interval(mean, math.nan, math.nan, n)
    half = z * std / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def moments_interval(moments: Moments, index: int | tuple[int, ...] | None = None,
                     z: float = Z95) -> Interval:
    """Interval of the mean of a streamed metric, for one element of a per-actor/per-type metric.

    Args:
        moments: The metric's streamed count, sum and sum of squares.
        index: Which element, for metrics with a trailing axis (actors, incident types).
        z: Normal quantile of the two-sided level.
    """
    n, mean, std = np.asarray(moments.n), moments.mean(), moments.std()
    if index is not None:
        n = n if n.ndim == 0 else n[index]
        mean, std = mean[index], std[index]
    return mean_interval(float(mean), float(std), int(n), z)


def paired_difference(a: ArrayLike, b: ArrayLike, z: float = Z95) -> Interval:
    """Interval of the mean of the per-run differences ``a − b`` (runs paired by index).

    With common random numbers (same seed, same run indices) the pairing removes most of the
    noise the two scenarios share. For a difference of proportions pass 0/1 indicators; the
    normal approximation needs a fair number of runs where the two disagree.

    Args:
        a: Per-run values of the first scenario.
        b: Per-run values of the second, same length.
        z: Normal quantile of the two-sided level.

    Raises:
        ValueError: The arrays differ in length.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired values need equal shapes, got {a.shape} and {b.shape}")
    d = (a - b).ravel()
    if d.size == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    std = float(d.std(ddof=1)) if d.size > 1 else math.nan
    return mean_interval(float(d.mean()), std, d.size, z)


def difference_interval(a: Interval, b: Interval, phi: float = 0.0) -> Interval:
    """Interval of ``a − b`` recovered from the intervals of ``a`` and ``b`` (MOVER).

    The method of variance estimates recovery (Zou & Donner 2008) takes each bound's distance
    from its estimate as that side's error and combines them with the correlation ``phi`` of
    the two estimates. With Wilson intervals it is Newcombe's score interval for a difference
    of proportions: method 10 (independent samples) with ``phi = 0``, method 10 for paired
    samples with ``phi`` the runs' correlation. With symmetric normal intervals of two means
    it is the usual ``z·√(s_a² + s_b² − 2·phi·s_a·s_b)/√n``.

    Args:
        a: Interval of the first estimate.
        b: Interval of the second, over the same number of runs.
        phi: Correlation of the two per-run series (0: independent).
    """
    d = a.estimate - b.estimate
    n = min(a.n, b.n)
    if not all(math.isfinite(x) for x in (a.low, a.high, b.low, b.high)):
        return Interval(d, math.nan, math.nan, n)
    a_down, a_up = a.estimate - a.low, a.high - a.estimate
    b_down, b_up = b.estimate - b.low, b.high - b.estimate
    below = a_down**2 - 2.0 * phi * a_down * b_up + b_up**2
    above = a_up**2 - 2.0 * phi * a_up * b_down + b_down**2
    return Interval(d, d - math.sqrt(max(below, 0.0)), d + math.sqrt(max(above, 0.0)), n)


def paired_proportion_difference(a: ArrayLike, b: ArrayLike, z: float = Z95) -> Interval:
    """Interval of ``P(a) − P(b)`` from per-run 0/1 indicators paired by run index.

    Newcombe's method 10 for paired proportions: the Wilson intervals of both proportions,
    combined with the phi coefficient of the 2×2 table of runs (with his continuity correction
    of a positive association; :func:`difference_interval`).
    Unlike the normal approximation on ``a_i − b_i`` it does not collapse to a point when no
    run, or only a handful, differ.

    Raises:
        ValueError: The arrays differ in length.
    """
    a, b = np.asarray(a, dtype=bool).ravel(), np.asarray(b, dtype=bool).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired values need equal shapes, got {a.shape} and {b.shape}")
    return paired_proportion_from_counts(int((a & b).sum()), int((a & ~b).sum()),
                                         int((~a & b).sum()), a.size, z)


def paired_proportion_from_counts(both: int, only_a: int, only_b: int, n: int,
                                  z: float = Z95) -> Interval:
    """:func:`paired_proportion_difference` from the 2×2 table of ``n`` runs.

    Args:
        both: Runs where both indicators are 1.
        only_a: Runs where only ``a`` is.
        only_b: Runs where only ``b`` is.
        n: All runs.
        z: Normal quantile of the two-sided level.
    """
    neither = n - both - only_a - only_b
    margins = float(both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    cross = float(both) * neither - float(only_a) * only_b
    if cross > 0:  # Newcombe's continuity correction of a positive association
        cross = max(cross - n / 2.0, 0.0)
    phi = cross / math.sqrt(margins) if margins > 0 else 0.0
    return difference_interval(wilson(both + only_a, n, z), wilson(both + only_b, n, z), phi)


def decimals_for(half_width: float) -> int | None:
    """Decimal places supported by an interval's half-width (Taylor's rule, module docstring).

    Returns:
        The number of decimals (negative to round to tens, hundreds, …), or ``None`` when the
        half-width is zero, below ``10**-MAX_DECIMALS``, or undefined.
    """
    if not math.isfinite(half_width) or half_width < 10.0**-MAX_DECIMALS:
        return None
    exponent = math.floor(math.log10(half_width))
    leading = round(half_width / 10.0**exponent, 9)
    if leading >= 10.0:  # log10 rounded down across a power of ten
        exponent, leading = exponent + 1, 1.0
    figures = 2 if int(leading) == 1 else 1
    return min(MAX_DECIMALS, figures - 1 - exponent)


def round_to(x: float, decimals: int) -> float:
    """``x`` rounded to ``decimals`` places (negative: tens, hundreds…); NaN stays NaN."""
    if not math.isfinite(x):
        return x
    return round(float(x), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0


def round_significant(x: float, figures: int = EXACT_SIGNIFICANT) -> float:
    """``x`` rounded to ``figures`` significant figures; NaN and zero stay as they are."""
    if not math.isfinite(x) or x == 0:
        return float(x)
    return round_to(x, figures - 1 - math.floor(math.log10(abs(x))))


def round_interval(interval: Interval) -> Interval:
    """Round estimate and bounds to one decimal place chosen from the half-width.

    When the interval has no width (all runs agree) or is undefined, the numbers are kept to
    ``EXACT_SIGNIFICANT`` significant figures instead.
    """
    decimals = decimals_for(interval.half_width)
    if decimals is None:
        return replace(interval, estimate=round_significant(interval.estimate),
                       low=round_significant(interval.low), high=round_significant(interval.high))
    return replace(interval, estimate=round_to(interval.estimate, decimals),
                   low=round_to(interval.low, decimals), high=round_to(interval.high, decimals))


def resolution_decimals(n: int) -> int:
    """Decimals that resolve a proportion ``k / n`` (for distributions shown without intervals)."""
    return max(1, math.ceil(math.log10(max(n, 1))))


def json_float(x: float | None) -> float | None:
    """A float for JSON: ``None`` for NaN or infinity, plain ``float`` otherwise."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def hist_quantiles(counts: np.ndarray, percents: Sequence[int]) -> np.ndarray:
    """Quantiles of distributions given as histograms over bins ``0 .. B−1``.

    The q-quantile is the smallest bin whose cumulative count reaches ``q`` of the total (the
    inverse of the empirical CDF). Integer arithmetic, so ties are decided exactly.

    Args:
        counts: Counts with bins on the last axis, shape ``(..., B)``.
        percents: Quantiles wanted, in whole percent (e.g. ``(10, 50, 90)``).

    Returns:
        Bin indices, shape ``(len(percents), ...)``; -1 where a histogram is empty.
    """
    counts = np.asarray(counts, dtype=np.int64)
    cum = np.cumsum(counts, axis=-1)
    total = cum[..., -1:]
    out = []
    for q in percents:
        if not 0 <= q <= 100:
            raise ValueError(f"percent must be in 0..100, got {q}")
        reached = cum * 100 >= q * total
        reached &= cum > 0  # the 0-quantile is the lowest occupied bin
        index = np.argmax(reached, axis=-1)
        out.append(np.where(total[..., 0] > 0, index, -1))
    return np.stack(out)


def hist_share_at_least(counts: np.ndarray, threshold: int) -> np.ndarray:
    """Share of each histogram's mass in bins ``>= threshold`` (NaN for empty histograms)."""
    counts = np.asarray(counts, dtype=np.int64)
    total = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(counts[..., threshold:].sum(axis=-1) / np.where(total > 0, total, np.nan))


def hist_mean(counts: np.ndarray, values: ArrayLike | None = None) -> np.ndarray:
    """Mean of each histogram, bins valued ``values`` (default: the bin index)."""
    counts = np.asarray(counts, dtype=np.int64)
    v = np.arange(counts.shape[-1]) if values is None else np.asarray(values, dtype=float)
    total = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((counts * v).sum(axis=-1) / np.where(total > 0, total, np.nan))


def between_sets(runs: ArrayLike, hits: ArrayLike, low: float = 0.05, high: float = 0.95
                 ) -> dict[str, float | None]:
    """A probability's spread across parameter sets, from runs that each drew one set.

    Set ``i`` had ``runs[i]`` runs, ``hits[i]`` of them with the event. The pooled probability
    is ``Σ hits / Σ runs``. Its variance across sets (the sets weighed by their runs, as the
    runs drew them) is estimated by the method of moments, the spread of the sets' shares less
    what chance alone gives them (as for a beta-binomial; DerSimonian & Laird 1986), and a beta
    distribution with that mean and variance gives the ``low``-``high`` quantiles. With a few
    runs per set this is rough, and when chance explains the whole spread the quantiles are
    ``None`` (no spread told apart from chance).

    Returns:
        ``{value, p05, p95, sd, sets}`` (``p05``/``p95`` named by the default quantiles).
    """
    n = np.asarray(runs, dtype=float)
    x = np.asarray(hits, dtype=float)
    used = n > 0
    n, x = n[used], x[used]
    total = n.sum()
    out: dict[str, float | None] = {"value": None, "p05": None, "p95": None, "sd": None,
                                    "sets": float(used.sum())}
    if total <= 0:
        return out
    p = float(x.sum() / total)
    out["value"] = p
    k = len(n)
    if k < 2 or p <= 0.0 or p >= 1.0:
        return out
    spread = float(np.sum(n * (x / n - p) ** 2) / total)
    chance = (k - 1) / total * p * (1 - p)
    scale = total / (total - float(np.sum(n ** 2)) / total)
    tau2 = (spread - chance) * scale
    if tau2 <= 0:
        out["sd"] = 0.0
        return out
    tau2 = min(tau2, 0.999 * p * (1 - p))
    size = p * (1 - p) / tau2 - 1.0
    a, b = p * size, (1 - p) * size
    # The beta's quantiles by scipy.special, imported only here: the same numbers as
    # scipy.stats.beta.ppf without importing scipy.stats (about 0.4 s of a command's start-up).
    from scipy.special import betaincinv

    q = betaincinv(a, b, [low, high])
    out.update(p05=float(q[0]), p95=float(q[1]), sd=math.sqrt(tau2))
    return out
