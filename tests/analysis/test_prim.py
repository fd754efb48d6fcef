"""PRIM (``analysis/prim.py``): peeling and pasting find a planted box and report it honestly."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.explore import latin_hypercube
from escalation_sim.analysis.prim import Region, limits_of, peel

NAMES = ["a", "b", "c", "d"]


def planted(seed: int, n: int = 300, noise: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """Cases where 0.2 <= a <= 0.7 and d > 0.45 (b and c play no part), 2% of labels flipped."""
    x = latin_hypercube(4, n, seed)
    y = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.7) & (x[:, 3] > 0.45)
    return x, y ^ (np.random.default_rng(seed).random(n) < noise)


def best_box(x: np.ndarray, y: np.ndarray) -> tuple[Region, float, float]:
    """Peel, take the densest box covering 80% of the cases, paste it: box, coverage, density."""
    search = peel(x, y, np.ones(len(y), dtype=bool), int(y.sum()), alpha=0.05, mass_min=0.05)
    steps = [search.step(k) for k in range(len(search.boxes))]
    k = max((k for k, s in enumerate(steps) if s[0] >= 0.8), key=lambda k: steps[k][1])
    k = search.paste(k, 0.05)
    coverage, density, _, _ = search.step(k)
    return search.boxes[k], coverage, density


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_peeling_and_pasting_recover_the_planted_bounds(seed):
    x, y = planted(seed)
    box, coverage, density = best_box(x, y)
    limits = limits_of(box, NAMES)
    assert {"a", "d"} <= set(limits)
    assert limits["a"][0] == pytest.approx(0.2, abs=0.05)
    assert limits["a"][1] == pytest.approx(0.7, abs=0.05)
    assert limits["d"][0] == pytest.approx(0.45, abs=0.05)
    assert coverage >= 0.8 and density >= 0.9


def test_the_trajectory_peels_nested_boxes_down_to_the_least_mass():
    x, y = planted(5)
    search = peel(x, y, np.ones(len(y), dtype=bool), int(y.sum()), alpha=0.05, mass_min=0.1)
    steps = [search.step(k) for k in range(len(search.boxes))]
    assert steps[0] == (1.0, pytest.approx(y.mean()), 1.0, 0)
    masses = [s[2] for s in steps]
    assert all(later < earlier for earlier, later in zip(masses, masses[1:], strict=False))
    assert min(masses) >= 0.1 and min(masses) < 0.1 / 0.95 + 1 / len(y)
    # each box lies inside the one before it
    for earlier, later in zip(search.boxes, search.boxes[1:], strict=False):
        assert np.all(later.low >= earlier.low) and np.all(later.high <= earlier.high)


def test_pasting_never_lowers_the_share_of_cases():
    x, y = planted(6)
    search = peel(x, y, np.ones(len(y), dtype=bool), int(y.sum()), alpha=0.05, mass_min=0.05)
    start = len(search.boxes) - 1
    end = search.paste(start, 0.05)
    densities = [search.step(k)[1] for k in [start, *range(start + 1, end + 1)]]
    assert all(b >= a - 1e-12 for a, b in zip(densities, densities[1:], strict=False))


def test_quasi_p_tells_a_real_restriction_from_a_dropped_one():
    x, y = planted(2)
    search = peel(x, y, np.ones(len(y), dtype=bool), int(y.sum()), alpha=0.05, mass_min=0.05)
    steps = [search.step(k) for k in range(len(search.boxes))]
    k = max((k for k, s in enumerate(steps) if s[0] >= 0.8), key=lambda k: steps[k][1])
    qp = search.quasi_p(k)
    assert qp[0] < 1e-3 and qp[3] < 1e-3
    dropped = search.drop(k, 3)
    assert 3 not in search.boxes[dropped].restricted()
    assert search.step(dropped)[1] < steps[k][1]


def test_later_boxes_look_only_among_the_samples_left():
    x, y = planted(3)
    among = x[:, 0] > 0.5
    search = peel(x, y, among, int(y.sum()), alpha=0.05, mass_min=0.05)
    for k in range(len(search.boxes)):
        assert not (search.inside(search.boxes[k]) & ~among).any()
