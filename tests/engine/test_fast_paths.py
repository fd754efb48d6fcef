"""The engine's shortcuts give the model's numbers to the bit (docs/model.md §3, §6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalation_sim.engine.rng import RNG_BLOCK, STREAMS, UNIT, Streams, threshold
from escalation_sim.model import decision
from escalation_sim.model.params import compile_params
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import Scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"


def per_day(seed: int, first_run: int, n: int, stream: str, width: int, days: int,
            normal: bool = False) -> np.ndarray:
    """What day-by-day float32 draws of whole blocks give, as (days, n, width)."""
    s = STREAMS.index(stream)
    blocks = range(first_run // RNG_BLOCK, (first_run + n - 1) // RNG_BLOCK + 1)
    gens = [np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(b, s))))
            for b in blocks]
    out = []
    for _ in range(days):
        day = [g.standard_normal((RNG_BLOCK, width), dtype=np.float32) if normal
               else g.random((RNG_BLOCK, width), dtype=np.float32) for g in gens]
        start = first_run - blocks[0] * RNG_BLOCK
        out.append(np.concatenate(day)[start:start + n])
    return np.stack(out)


@pytest.mark.parametrize("first_run,n", [(0, 2048), (1000, 1500), (3072, 10)])
def test_draws_for_many_days_are_the_day_by_day_float32_draws(first_run: int, n: int) -> None:
    streams = Streams(7, first_run, n)
    bits = np.concatenate([streams.uniform_bits("perception", 8, 3).copy(),  # reused buffer
                           streams.uniform_bits("perception", 8, 2)])
    expected = per_day(7, first_run, n, "perception", 8, 5)
    np.testing.assert_array_equal((bits * UNIT).astype(np.float32), expected)
    normals = np.concatenate([streams.normal("domestic", 2, 4).copy(),
                              streams.normal("domestic", 2, 1)])
    np.testing.assert_array_equal(normals, per_day(7, first_run, n, "domestic", 2, 5, True))


def test_integer_thresholds_decide_as_float_comparisons_do() -> None:
    rng = np.random.default_rng(0)
    m = np.concatenate([rng.integers(0, 2**24, 10_000), [0, 1, 2**23, 2**24 - 1]]).astype(
        np.uint32)
    u = (m * UNIT).astype(np.float32)
    ps = np.concatenate([rng.random(50), [0.0, 1.0, 0.5, UNIT, 3 * UNIT, 1 - UNIT, -0.1, 1.5]])
    for p in ps:
        assert np.array_equal(m < threshold(p), u < np.float64(p)), p
        assert np.array_equal(m < threshold(np.float32(p)), u < float(p)), p  # float32 compare


@pytest.mark.parametrize("rationality", [0.0, 3.0, 1000.0])
def test_choice_at_reachable_rungs_is_the_full_logit_choice(rationality: float) -> None:
    data = load_scenario(BASE).model_dump()
    data["actors"]["baku"]["rationality"] = rationality
    p = compile_params(Scenario.model_validate(data))
    rng = np.random.default_rng(int(rationality))
    n = 5000
    x0 = rng.integers(0, 10, n)
    desired = rng.normal(5, 3, n)
    nat, flow = rng.random(n), rng.random(n)
    u = (rng.integers(0, 2**24, n) * UNIT).astype(np.float32)
    answering = rng.random(n) < 0.2
    for talking in (np.zeros(n, bool), rng.random(n) < 0.4):
        for window in (1, 2, np.where(rng.random(n) < 0.3, 2, 1)):
            for actor in (np.zeros(n, dtype=np.int64), rng.integers(0, 2, n)):  # one or both
                d = decision.Deciders(actor, x0, desired, nat, flow, talking, answering)
                full = decision.choose(d, window, u, p)
                near = decision.choose_near(d, window, u.astype(float), p)
                np.testing.assert_array_equal(near, full)
                assert np.all(np.abs(near - x0) <= window) and near.min() >= 0
