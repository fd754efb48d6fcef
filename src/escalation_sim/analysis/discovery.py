"""Scenario discovery: the boxes of parameter space where a condition on an outcome holds.

Given an experiments table (sampled parameter values against outcome measures) and a condition
such as ``p_force>0.05``, PRIM — the Patient Rule Induction Method (Friedman & Fisher 1999,
"Bump hunting in high-dimensional data", *Statistics and Computing* 9:123–143), as used for
scenario discovery by Bryant & Lempert (2010, *Technological Forecasting and Social Change*
77:34–49) — finds a *box*: a range for some of the parameters inside which most samples meet
the condition (the *cases*). PRIM peels thin slices (``PEEL_ALPHA`` of the box's samples) off
the box one at a time, always the slice whose removal leaves the highest share of cases
(Friedman & Fisher's own criterion), down to ``MASS_MIN`` of the samples; each step is a box
on the *peeling trajectory*, from the whole space (every case, low density) to a small box
(few cases, high density).

A box is judged by

- **coverage**: the share of all cases inside the box;
- **density**: the share of the samples inside the box that are cases;
- **mass**: the share of all samples inside the box.

Which box of the trajectory is kept (:func:`choose`): of those covering at least
``MIN_COVERAGE`` of the cases looked for, the one with the largest coverage among those whose
density is within ``DENSITY_SLACK`` of the best. That box is then pasted: slices of
``PASTE_ALPHA`` of its samples are added back on a restricted side while the share of cases does
not fall. Its restrictions whose quasi-p value (Bryant & Lempert's one-sided binomial test of a
restriction) exceeds ``QP_MAX`` are then dropped, the least significant first. The samples in
the box are set aside and PRIM looks for a further box among the rest, up to ``MAX_BOXES``,
while at least ``MIN_REMAINING`` of the cases are left, as long as a box restricts some
parameter and is denser than the samples it was found in.

The search itself is :mod:`escalation_sim.analysis.prim` (numpy and scipy only). It peels by
the original criterion on to ``MASS_MIN`` rather than stopping at the first step that does not
raise the share of cases (a "lenient" criterion, which with noisy estimates often leaves a box
close to the whole space), so the whole trade-off is there to choose from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.analysis.points import MEASURES
from escalation_sim.analysis.prim import Search, peel
from escalation_sim.scenario.errors import did_you_mean, term

PEEL_ALPHA = 0.05
"""Share of the box's samples peeled off at each step (PRIM's alpha)."""
PASTE_ALPHA = 0.05
"""Share of samples pasted back at each step."""
MASS_MIN = 0.05
"""Smallest box, as a share of all samples."""
MIN_COVERAGE = 0.5
"""The box kept from a peeling trajectory covers at least this share of the cases sought."""
DENSITY_SLACK = 0.05
"""Density the kept box may give up, against the densest that qualifies, for more coverage."""
QP_MAX = 0.05
"""A restriction whose quasi-p value is larger is dropped from the kept box."""
MAX_BOXES = 3
"""Most boxes looked for."""
MIN_REMAINING = 0.1
"""A further box is looked for only while this share of the cases is outside the boxes."""
OPERATORS = (">=", "<=", ">", "<")
_CONDITION = re.compile(r"^\s*(?P<measure>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>>=|<=|>|<)\s*"
                        r"(?P<value>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(?P<pct>%?)\s*$")


@dataclass(frozen=True)
class Condition:
    """What makes a sample a case: ``measure op threshold`` on its estimate.

    Attributes:
        measure: A measure key (``p_force``, ``peak_rung_mean`` …).
        op: ``>``, ``>=``, ``<`` or ``<=``.
        threshold: The number it is compared with (a share for probabilities: 0.05 = 5%).
        text: As the user wrote it.
    """

    measure: str
    op: str
    threshold: float
    text: str

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Which values meet the condition (``NaN`` never does)."""
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            if self.op == ">":
                return values > self.threshold
            if self.op == ">=":
                return values >= self.threshold
            if self.op == "<":
                return values < self.threshold
            return values <= self.threshold

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready ``{text, measure, op, threshold}``."""
        return {"text": self.text, "measure": self.measure, "op": self.op,
                "threshold": self.threshold}


def parse_condition(text: str) -> Condition:
    """Read ``MEASURE>THRESHOLD`` (or ``<``, ``>=``, ``<=``; ``5%`` for 0.05).

    Raises:
        ValueError: Malformed, an unknown measure (with a hint), or a threshold that is not a
            finite number.
    """
    found = _CONDITION.match(text)
    if found is None:
        raise ValueError(f"{term('--discover')} {text!r}: expected MEASURE>THRESHOLD (or <, "
                         ">=, <=), e.g. 'p_force>0.05'")
    measure = found["measure"]
    if measure not in MEASURES:
        raise ValueError(f"{term('--discover')} {text!r}: {measure!r} is not a measure; "
                         f"{did_you_mean(measure, MEASURES, what='measures')}")
    threshold = float(found["value"]) / (100.0 if found["pct"] else 1.0)
    if not math.isfinite(threshold):
        raise ValueError(f"{term('--discover')} {text!r}: the threshold must be a finite number")
    return Condition(measure, found["op"], threshold, text.strip())


@dataclass(frozen=True)
class Limit:
    """A box's range on one parameter; ``None`` on a side the box does not restrict.

    Attributes:
        path: The parameter.
        low: Lowest value in the box, or ``None`` (no lower restriction).
        high: Highest value in the box, or ``None`` (no upper restriction).
        qp: PRIM's quasi-p value of the restriction (a one-sided binomial test of whether
            the restriction raises the share of cases; small is significant).
    """

    path: str
    low: float | None
    high: float | None
    qp: float


@dataclass(frozen=True)
class Step:
    """One box of a peeling trajectory."""

    coverage: float
    density: float
    mass: float
    restricted: int


@dataclass(frozen=True)
class Box:
    """A box kept from a peeling trajectory.

    Attributes:
        limits: The restricted parameters, most restricted (smallest share of its range) first.
        coverage: Share of all cases inside the box.
        density: Share of the samples inside the box that are cases.
        mass: Share of all samples inside the box.
        cases: Cases inside the box.
        samples: Samples inside the box.
        chosen: Index of the box on its trajectory.
        trajectory: Every step of the peeling (and pasting) trajectory.
    """

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float
    cases: int
    samples: int
    chosen: int
    trajectory: tuple[Step, ...]


@dataclass(frozen=True)
class Discovery:
    """The boxes found for a condition.

    Attributes:
        condition: What makes a sample a case.
        cases: How many samples are cases.
        samples: How many samples there are.
        boxes: The boxes, in the order found (empty when there are no cases, every sample is
            one, or no box restricts anything).
    """

    condition: Condition
    cases: int
    samples: int
    boxes: tuple[Box, ...]


def discover(x: np.ndarray, names: Sequence[str], cases: np.ndarray, condition: Condition, *,
             min_coverage: float = MIN_COVERAGE, max_boxes: int = MAX_BOXES) -> Discovery:
    """Find the boxes of parameter space where the cases lie (PRIM; module docstring).

    Args:
        x: Sampled parameter values, shape ``(samples, parameters)``.
        names: The parameters' paths, one per column of ``x``.
        cases: Whether each sample meets the condition, shape ``(samples,)``.
        condition: The condition (kept in the result).
        min_coverage: Least share of the sought cases the kept box must cover.
        max_boxes: Most boxes to look for.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(cases, dtype=bool)
    total = int(y.sum())
    n = int(y.shape[0])
    if total == 0 or total == n:
        return Discovery(condition, total, n, ())
    whole = {name: (float(x[:, k].min()), float(x[:, k].max())) for k, name in enumerate(names)}
    boxes: list[Box] = []
    remaining = np.ones(n, dtype=bool)
    while len(boxes) < max_boxes:
        sought = int(y[remaining].sum())
        if sought < max(1.0, MIN_REMAINING * total):
            break
        search = peel(x, y, remaining, total, alpha=PEEL_ALPHA, mass_min=MASS_MIN)
        chosen = choose(_trajectory(search), sought / total, min_coverage)
        chosen = search.paste(chosen, PASTE_ALPHA)
        chosen = _drop_weak(search, chosen)
        inside = search.inside(search.boxes[chosen])
        box = _box(search, chosen, names, whole, y, inside)
        base_rate = sought / max(1, int(remaining.sum()))
        if not box.limits or box.density <= base_rate:
            break
        boxes.append(box)
        remaining &= ~inside
    return Discovery(condition, total, n, tuple(boxes))


def choose(steps: Sequence[Step], sought: float = 1.0, min_coverage: float = MIN_COVERAGE,
           slack: float = DENSITY_SLACK) -> int:
    """Index of the box kept from a peeling trajectory.

    Of the steps covering at least ``min_coverage`` of the sought cases, those whose density
    is within ``slack`` of the best such density; of these, the one with the largest coverage
    (ties: the denser, then the earlier). The first step (the whole space) always qualifies.

    Args:
        steps: The peeling trajectory.
        sought: Share of all cases the box was looking for (1 for the first box; the cases
            outside earlier boxes for later ones); coverage is measured against all cases.
        min_coverage: Least share of the sought cases to cover.
        slack: How much density may be given up for coverage.
    """
    floor = min_coverage * sought - 1e-12
    eligible = [k for k, step in enumerate(steps) if step.coverage >= floor] or [0]
    best = max(steps[k].density for k in eligible)
    near = [k for k in eligible if steps[k].density >= best - slack - 1e-12]
    return max(near, key=lambda k: (steps[k].coverage, steps[k].density, -k))


def _drop_weak(search: Search, chosen: int) -> int:
    """Drop the box's restrictions whose quasi-p exceeds ``QP_MAX``, weakest first.

    Each drop adds a box to the trajectory; returns the index of the box kept.
    """
    while True:
        weak = {j: qp for j, qp in search.quasi_p(chosen).items() if qp > QP_MAX}
        if not weak:
            return chosen
        chosen = search.drop(chosen, max(weak, key=lambda j: (weak[j], -j)))


def _trajectory(search: Search) -> tuple[Step, ...]:
    """A search's trajectory as steps."""
    return tuple(Step(*search.step(k)) for k in range(len(search.boxes)))


def _box(search: Search, chosen: int, names: Sequence[str],
         whole: Mapping[str, tuple[float, float]], y: np.ndarray, inside: np.ndarray) -> Box:
    """The chosen box: its limits inside the sampled ranges, and its counts.

    ``whole`` is each parameter's lowest and highest sampled value (PRIM's initial box).
    """
    region = search.boxes[chosen]
    qp = search.quasi_p(chosen)
    limits = []
    for j in region.restricted():
        path = names[j]
        lo0, hi0 = whole[path]
        low, high = float(region.low[j]), float(region.high[j])
        limit = Limit(path, low if low > lo0 else None, high if high < hi0 else None, qp[j])
        if limit.low is not None or limit.high is not None:
            limits.append(limit)
    limits.sort(key=lambda lim: _share(lim, whole[lim.path]))
    steps = _trajectory(search)
    cases = int(y[inside].sum())
    samples = int(inside.sum())
    return Box(tuple(limits), coverage=cases / int(y.sum()),
               density=cases / samples if samples else steps[chosen].density,
               mass=samples / y.shape[0], cases=cases, samples=samples, chosen=chosen,
               trajectory=steps)


def _share(limit: Limit, whole: tuple[float, float]) -> float:
    """The share of the sampled range a box keeps on one parameter."""
    lo0, hi0 = whole
    if hi0 <= lo0:
        return 1.0
    low = lo0 if limit.low is None else limit.low
    high = hi0 if limit.high is None else limit.high
    return (high - low) / (hi0 - lo0)


def discovery_dict(found: Discovery) -> dict[str, Any]:
    """The ``discovery`` part of ``explore --json`` (stable keys, see docs/analysis.md)."""
    return {
        "condition": found.condition.to_dict(),
        "cases": found.cases,
        "samples": found.samples,
        "rule": {"method": "PRIM", "peel_alpha": PEEL_ALPHA, "paste_alpha": PASTE_ALPHA,
                 "mass_min": MASS_MIN, "min_coverage": MIN_COVERAGE,
                 "density_slack": DENSITY_SLACK, "qp_max": QP_MAX},
        "boxes": [_box_dict(box) for box in found.boxes],
    }


def _box_dict(box: Box) -> dict[str, Any]:
    return {
        "limits": {lim.path: {"low": lim.low, "high": lim.high, "qp": lim.qp}
                   for lim in box.limits},
        "coverage": box.coverage,
        "density": box.density,
        "mass": box.mass,
        "cases": box.cases,
        "samples": box.samples,
        "chosen_step": box.chosen,
        "trajectory": [{"coverage": s.coverage, "density": s.density, "mass": s.mass,
                        "restricted": s.restricted} for s in box.trajectory],
    }
