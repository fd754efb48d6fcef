"""Uncertain parameters: a distribution written in place of a number, drawn once per run.

Interface shared by the scenario layer (which parses and validates distributions), the engine
(which carries each run's drawn values along the run axis) and the analyses (explore, calibrate).
See docs/analysis.md.

A real-valued scenario parameter may be written as one of::

    {uniform: [lo, hi]}            # flat between lo and hi
    {triangular: [lo, mode, hi]}   # peaked at mode
    {normal: [mean, sd]}           # truncated to the parameter's range
    {beta: [a, b]}                 # scaled to the parameter's range (which must be bounded)

A calibration (``escsim calibrate``, docs/calibration.md) gives a fifth form, the weighted
parameter sets of its posterior, one column per parameter::

    {particles: {joint: NAME, values: [v1, v2, …], weights: [w1, w2, …]}}

The parameters that share a ``joint`` name are drawn together: run ``k`` takes the values of
one parameter set, picked with probability proportional to its weight, for all of them
(:func:`escalation_sim.engine.draws.draw`), so no draw leaves the sets found and their
correlations are kept. Alone (a quantile, a median) such a parameter is its weighted column.

The loader (:mod:`escalation_sim.scenario.load`) lifts such distributions out of the data
before validation: the numeric field holds the distribution's median (:meth:`Distribution.central`),
so everything that needs one number still works, and ``Scenario.priors`` maps each dotted path to
its :class:`Distribution`. Run ``k`` draws its value of a path from a stream that depends only on
``(seed, k, path)`` (``engine/draws.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from escalation_sim.scenario.errors import bounds_text

if TYPE_CHECKING:
    from scipy.stats._distn_infrastructure import rv_continuous_frozen

KINDS = ("uniform", "triangular", "normal", "beta")
"""The distributions a scenario writes by hand (:data:`PARTICLES` comes from a calibration)."""
PARTICLES = "particles"
"""The kind of a calibration's weighted parameter sets (joint across its parameters)."""
ARGS = {"uniform": ("lo", "hi"), "triangular": ("lo", "mode", "hi"), "normal": ("mean", "sd"),
        "beta": ("a", "b")}
"""Each distribution's arguments, in the order they are written."""


class PriorError(ValueError):
    """A distribution that is not allowed; the message says what is (the caller adds where)."""


@dataclass(frozen=True)
class Distribution:
    """A parameter's prior: ``kind`` with ``args`` as written, on the parameter's range.

    ``uniform: [lo, hi]``, ``triangular: [lo, mode, hi]``, ``normal: [mean, sd]`` (truncated to
    ``[low, high]``), ``beta: [a, b]`` (scaled to ``[low, high]`` when both are finite), or
    ``particles``: ``args`` the parameter's value in each of a calibration's parameter sets,
    ``weights`` their weights and ``joint`` the name shared by the parameters drawn together.
    """

    kind: str
    args: tuple[float, ...]
    low: float | None = None
    high: float | None = None
    weights: tuple[float, ...] = ()
    joint: str = ""

    def __post_init__(self) -> None:
        """Check the arguments (:class:`PriorError` says what is allowed)."""
        if self.kind == PARTICLES:
            check_particles(self.args, self.weights, self.joint, self.low, self.high)
        else:
            check(self.kind, self.args, self.low, self.high)

    def probabilities(self) -> np.ndarray:
        """A ``particles`` distribution's weights, normalised to sum to 1."""
        w = np.asarray(self.weights, dtype=np.float64)
        return np.asarray(w / w.sum())

    def pick(self, u: np.ndarray) -> np.ndarray:
        """The parameter set a run with quantile ``u`` takes, in stored order (``particles``).

        The same for every parameter of the joint sample (they share ``u`` and the weights):
        set ``i`` is taken with probability ``weights[i] / sum(weights)``.
        """
        cdf = np.cumsum(self.probabilities())
        cdf[-1] = 1.0
        return np.minimum(np.searchsorted(cdf, np.asarray(u, dtype=np.float64), side="right"),
                          len(cdf) - 1)

    def frozen(self) -> rv_continuous_frozen:
        """The ``scipy.stats`` distribution."""
        from scipy import stats

        lo = -math.inf if self.low is None else float(self.low)
        hi = math.inf if self.high is None else float(self.high)
        if self.kind == "uniform":
            a, b = self.args
            return stats.uniform(loc=a, scale=b - a)
        if self.kind == "triangular":
            a, mode, b = self.args
            return stats.triang((mode - a) / (b - a), loc=a, scale=b - a)
        if self.kind == "normal":
            mean, sd = self.args
            return stats.truncnorm((lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd)
        a, b = self.args
        return stats.beta(a, b, loc=lo, scale=hi - lo)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The values at quantiles ``u`` (inverse CDF), same shape as ``u``.

        The same numbers as ``self.frozen().ppf(u)`` (to rounding), computed in closed form
        (a normal's inverse by Wichura's algorithm, :func:`normal_quantile`, so that loading a
        scenario with normal priors does not import scipy) or with ``scipy.special`` directly,
        without ``scipy.stats``' overhead (a beta's inverse, the slowest, takes about 2 µs a
        value).
        """
        u = np.asarray(u, dtype=np.float64)
        if self.kind == PARTICLES:  # the weighted column's quantile function
            order = np.argsort(self.args, kind="stable")
            cdf = np.cumsum(self.probabilities()[order])
            cdf[-1] = 1.0
            at = np.minimum(np.searchsorted(cdf, u, side="left"), len(cdf) - 1)
            return np.asarray(self.args, dtype=np.float64)[order][at]
        if self.kind == "uniform":
            lo, hi = self.args
            values = lo + u * (hi - lo)
        elif self.kind == "triangular":
            lo, mode, hi = self.args
            cut = (mode - lo) / (hi - lo)
            values = np.where(u < cut, lo + np.sqrt(u * (hi - lo) * (mode - lo)),
                              hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode)))
        elif self.kind == "normal":  # the mean lies in the range, so no far-tail troubles
            mean, sd = self.args
            low, high = self.support()
            pa, pb = normal_cdf((low - mean) / sd), normal_cdf((high - mean) / sd)
            values = mean + sd * normal_quantile(pa + u * (pb - pa))
        else:
            from scipy import special

            a, b = self.args
            low, high = self.support()
            values = low + (high - low) * special.betaincinv(a, b, u)
        low, high = self.support()
        return np.clip(values, low, high)

    def support(self) -> tuple[float, float]:
        """The smallest and largest value a draw can take."""
        if self.kind == PARTICLES:
            return float(min(self.args)), float(max(self.args))
        if self.kind in ("uniform", "triangular"):
            return float(self.args[0]), float(self.args[-1])
        lo = -math.inf if self.low is None else float(self.low)
        hi = math.inf if self.high is None else float(self.high)
        return lo, hi

    def central(self) -> float:
        """The median: the single value used where one number is needed."""
        return float(self.ppf(np.array([0.5]))[0])

    def describe(self) -> str:
        """As written, e.g. ``uniform [0.5, 0.7]`` (a calibration's sets: count and range)."""
        if self.kind == PARTICLES:
            low, high = self.support()
            return f"particles [{len(self.args)} sets, {low:.3g} to {high:.3g}]"
        return f"{self.kind} [{', '.join(_number(a) for a in self.args)}]"

    def words(self, *, median: bool = False) -> str:
        """In words, e.g. ``normal, mean 1.01, sd 0.48`` or ``uniform, from 0.5 to 0.7``.

        A normal's sd keeps two significant figures and its mean the same decimal place; the
        other numbers keep three significant figures. With ``median``, the median follows, to
        the digits of :meth:`places`: ``…, median 1.02``.
        """
        text = self._words()
        if median:
            text += f", median {self.central():.{self.places()}f}"
        return text

    def _words(self) -> str:
        args = self.args
        if self.kind == PARTICLES:
            low, high = (float(v) for v in self.ppf(np.array([0.05, 0.95])))
            return (f"calibrated, drawn jointly from {len(args)} weighted parameter sets, "
                    f"5–95% {low:.3g} to {high:.3g}")
        if self.kind == "normal":
            places = self.places()
            return f"normal, mean {args[0]:.{places}f}, sd {args[1]:.{places}f}"
        if self.kind == "uniform":
            return f"uniform, from {args[0]:.3g} to {args[1]:.3g}"
        if self.kind == "triangular":
            return f"triangular, from {args[0]:.3g} to {args[2]:.3g}, most likely {args[1]:.3g}"
        over = f", over {self.low:g}–{self.high:g}" if self.low is not None and \
            self.high is not None else ""
        return f"beta, a {args[0]:.3g}, b {args[1]:.3g}{over}"

    def places(self) -> int:
        """Decimals that show this distribution's values: a normal's by its sd (two figures)."""
        if self.kind == "normal":
            sd = float(self.args[1])
            return max(0, 1 - math.floor(math.log10(sd)))
        low, high = self.support()
        spread = high - low if math.isfinite(high - low) and high > low else 1.0
        return max(0, 1 - math.floor(math.log10(spread)))

    def to_data(self) -> dict[str, Any]:
        """As a scenario file writes it: ``{"uniform": [0.5, 0.7]}``."""
        if self.kind == PARTICLES:
            return {PARTICLES: {"joint": self.joint, "values": [float(a) for a in self.args],
                                "weights": [float(w) for w in self.weights]}}
        return {self.kind: [float(a) for a in self.args]}


def _number(x: float) -> str:
    return f"{x:g}"


def check(kind: str, args: tuple[float, ...], low: float | None, high: float | None) -> None:
    """Check a distribution against its parameter's range ``[low, high]``.

    Raises:
        PriorError: Unknown kind, wrong number of arguments, a bound outside the range, lo not
            below hi, a mode outside [lo, hi], sd or a, b not positive, beta on an open range.
    """
    if kind not in ARGS:
        raise PriorError(f"unknown distribution '{kind}'; write one of " + ", ".join(
            f"{{{k}: [{', '.join(ARGS[k])}]}}" for k in KINDS))
    names = ARGS[kind]
    usage = f"{{{kind}: [{', '.join(names)}]}}"
    if len(args) != len(names):
        raise PriorError(f"{kind} takes {len(names)} numbers, {usage}; got {len(args)}")
    if any(not math.isfinite(a) for a in args):
        raise PriorError(f"{usage} takes finite numbers")
    inside = bounds_text(low, high) or "any number"

    def within(x: float) -> bool:
        return (low is None or x >= low) and (high is None or x <= high)

    if kind in ("uniform", "triangular"):
        lo, hi = args[0], args[-1]
        for name, x in (("lo", lo), ("hi", hi)):
            if not within(x):
                raise PriorError(f"{usage}: {name} {_number(x)} is outside the parameter's "
                                 f"range; lo and hi must be {inside}")
        if lo >= hi:
            raise PriorError(f"{usage}: lo must be below hi (for a fixed value write the number "
                             "itself)")
        if kind == "triangular" and not lo <= args[1] <= hi:
            raise PriorError(f"{usage}: mode {_number(args[1])} must be between lo and hi")
    elif kind == "normal":
        mean, sd = args
        if not within(mean):
            raise PriorError(f"{usage}: mean {_number(mean)} is outside the parameter's range; "
                             f"must be {inside} (the normal is truncated to that range)")
        if sd <= 0:
            raise PriorError(f"{usage}: sd must be above 0 (for a fixed value write the number "
                             "itself)")
    else:
        a, b = args
        if a <= 0 or b <= 0:
            raise PriorError(f"{usage}: a and b must be above 0")
        if low is None or high is None:
            raise PriorError(f"beta needs a bounded parameter (this one is {inside}); write "
                             "{uniform: [lo, hi]}, {triangular: [lo, mode, hi]} or "
                             "{normal: [mean, sd]}")


MAX_PARTICLES = 100_000
"""Most parameter sets a ``particles`` distribution may hold."""


def check_particles(values: tuple[float, ...], weights: tuple[float, ...], joint: str,
                    low: float | None, high: float | None) -> None:
    """Check a calibration's weighted parameter sets for one parameter.

    Raises:
        PriorError: No sets or too many, values and weights of different lengths, a value
            that is not finite or outside the parameter's range, a negative weight or none
            above 0, or no ``joint`` name.
    """
    usage = "{particles: {joint: NAME, values: [...], weights: [...]}}"
    if not isinstance(joint, str) or not joint.strip():
        raise PriorError(f"{usage} needs joint: the name of the calibration the sets come from")
    if not 1 <= len(values) <= MAX_PARTICLES:
        raise PriorError(f"{usage} needs 1 to {MAX_PARTICLES} values; got {len(values)}")
    if len(weights) != len(values):
        raise PriorError(f"{usage}: values and weights must be as many ({len(values)} values, "
                         f"{len(weights)} weights)")
    if any(not math.isfinite(v) for v in (*values, *weights)):
        raise PriorError(f"{usage} takes finite numbers")
    inside = bounds_text(low, high) or "any number"
    for v in values:
        if (low is not None and v < low) or (high is not None and v > high):
            raise PriorError(f"{usage}: value {_number(v)} is outside the parameter's range; "
                             f"values must be {inside}")
    if min(weights) < 0 or max(weights) <= 0:
        raise PriorError(f"{usage}: weights must be 0 or more, and some above 0")


def _parse_particles(args: Any, low: float | None, high: float | None) -> Distribution:
    """A ``particles`` distribution as written (a mapping of joint, values and weights)."""
    usage = "{particles: {joint: NAME, values: [...], weights: [...]}}"
    if not isinstance(args, dict) or set(args) != {"joint", "values", "weights"}:
        raise PriorError(f"particles takes a mapping {usage}")
    numbers = []
    for key in ("values", "weights"):
        items = args[key]
        if not isinstance(items, list) or any(isinstance(a, bool) or not isinstance(a, int | float)
                                              for a in items):
            raise PriorError(f"{usage}: {key} must be a list of numbers")
        try:
            numbers.append(tuple(float(a) for a in items))
        except OverflowError:
            raise PriorError(f"{usage} takes finite numbers") from None
    joint = args["joint"]
    if not isinstance(joint, str):
        raise PriorError(f"{usage}: joint must be a name (text)")
    return Distribution(PARTICLES, numbers[0], None if low is None else float(low),
                        None if high is None else float(high), numbers[1], joint)


def is_spec(value: Any) -> bool:
    """Whether scenario data holds a distribution here rather than a number (a mapping)."""
    return isinstance(value, dict)


def parse(value: Any, low: float | None, high: float | None) -> Distribution:
    """A distribution as written in a scenario file, e.g. ``{"uniform": [0.5, 0.7]}``.

    Args:
        value: The mapping read from YAML.
        low: Lower bound of the parameter's range (``None``: unbounded).
        high: Upper bound of the parameter's range.

    Raises:
        PriorError: The mapping is not one distribution with numeric arguments, or the
            distribution is not allowed on this range (see :func:`check`).
    """
    forms = ", ".join(f"{{{k}: [{', '.join(ARGS[k])}]}}" for k in KINDS)
    if not isinstance(value, dict) or len(value) != 1:
        raise PriorError(f"must be a number or one distribution: {forms}")
    (kind, args), = value.items()
    if kind == PARTICLES:
        return _parse_particles(args, low, high)
    if kind not in ARGS:
        raise PriorError(f"unknown distribution '{kind}'; write one of {forms}")
    names = ARGS[kind]
    usage = f"{{{kind}: [{', '.join(names)}]}}"
    if not isinstance(args, list):
        raise PriorError(f"{kind} takes a list of {len(names)} numbers, {usage}")
    if any(isinstance(a, bool) or not isinstance(a, int | float) for a in args):
        raise PriorError(f"{usage} takes numbers (not text, true/false or quoted numbers)")
    try:
        numbers = tuple(float(a) for a in args)
    except OverflowError:  # an integer beyond the largest float
        raise PriorError(f"{usage} takes finite numbers (at most about 1.8e308)") from None
    dist = Distribution(kind, numbers, None if low is None else float(low),
                        None if high is None else float(high))
    with np.errstate(all="ignore"):
        central = dist.central()
    if not math.isfinite(central):
        raise PriorError(f"{usage}: numbers this extreme give no finite median; use smaller "
                         "ones")
    return dist


class Uncertain(Protocol):
    """What :func:`priors_of` reads of a scenario (so this module needs no schema import)."""

    @property
    def priors(self) -> Mapping[str, Distribution]:
        """Dotted path -> distribution."""


def priors_of(scenario: Uncertain) -> dict[str, Distribution]:
    """The scenario's uncertain parameters: dotted path -> distribution, sorted by path."""
    return dict(sorted(scenario.priors.items()))


def normal_cdf(x: float) -> float:
    """The standard normal distribution function at ``x`` (``scipy.special.ndtr``)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """The standard normal quantile function over an array (``scipy.special.ndtri``).

    Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), relative error about
    1e-16, as in Python's ``statistics.NormalDist.inv_cdf``, element by element in numpy; -inf
    at 0 and inf at 1.
    """
    p = np.asarray(p, dtype=np.float64)
    q = p - 0.5
    out = np.empty_like(p)
    central = np.abs(q) <= 0.425
    r = 0.180625 - q[central] * q[central]
    qc = q[central]
    out[central] = qc * (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
                              + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
                            + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                          + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) / \
        (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
              + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
            + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
          + 4.2313330701600911252e+1) * r + 1.0)
    tail = ~central
    qt = q[tail]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(-np.log(np.where(qt <= 0.0, p[tail], 1.0 - p[tail])))
        near = r <= 5.0
        rn = r - 1.6
        rf = r - 5.0
        x = np.where(
            near,
            (((((((7.74545014278341407640e-4 * rn + 2.27238449892691845833e-2) * rn
                  + 2.41780725177450611770e-1) * rn + 1.27045825245236838258e+0) * rn
                + 3.64784832476320460504e+0) * rn + 5.76949722146069140550e+0) * rn
              + 4.63033784615654529590e+0) * rn + 1.42343711074968357734e+0)
            / (((((((1.05075007164441684324e-9 * rn + 5.47593808499534494600e-4) * rn
                    + 1.51986665636164571966e-2) * rn + 1.48103976427480074590e-1) * rn
                  + 6.89767334985100004550e-1) * rn + 1.67638483018380384940e+0) * rn
                + 2.05319162663775882187e+0) * rn + 1.0),
            (((((((2.01033439929228813265e-7 * rf + 2.71155556874348757815e-5) * rf
                  + 1.24266094738807843860e-3) * rf + 2.65321895265761230930e-2) * rf
                + 2.96560571828504891230e-1) * rf + 1.78482653991729133580e+0) * rf
              + 5.46378491116411436990e+0) * rf + 6.65790464350110377720e+0)
            / (((((((2.04426310338993978564e-15 * rf + 1.42151175831644588870e-7) * rf
                    + 1.84631831751005468180e-5) * rf + 7.86869131145613259100e-4) * rf
                  + 1.48753612908506148525e-2) * rf + 1.36929880922735805310e-1) * rf
                + 5.99832206555887937690e-1) * rf + 1.0))
    out[tail] = np.where(qt < 0.0, -x, x)
    out[p == 0.0] = -np.inf
    out[p == 1.0] = np.inf
    return out
