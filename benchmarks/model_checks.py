"""The figures model 3 must show (docs/model.md), measured on the bundled scenarios.

Paired runs (common random numbers: one seed, the same run keys) of each scenario and its
variants, at the shipped calibration or, with ``--defaults``, with every calibrated weight at its
documented default. Prints, each probability with a 95% interval over runs (chance only; at the
calibration the runs also draw the calibrated weights):

- a calm start (status quo, no measure, no grievance, no event, no demand) over 1 and 3 years:
  the share of runs that stay at rung 3 or below, and P(force);
- ``base`` and ``latest``: P(force) by actor, P(military signalling or more), settlements per
  run-year, trade lost, and the share of runs in which an actor keeps a measure in force while
  its leaders meet;
- the drivers: corridors and Karabakh heat 0 -> 1, each side's nationalism 0.3 -> 0.9, on
  P(it ends in a coercive standoff or worse) and on each actor's P(force);
- the levers: each one's effect on P(it ends in a coercive standoff or worse) and P(force), and
  the measure of its own mechanism.

Usage: ``python benchmarks/model_checks.py [--runs N] [--workers W] [--defaults]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.model.ladder import LEGAL_COERCION, LIMITED_FORCE, MILITARY_SIGNALLING
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.schema import ModelParams

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
LEVERS = ("crisis_hotline", "economic_initiatives", "military_transparency",
          "cultural_exchanges", "multilateral_forum", "trusted_intermediaries")
CALM = ("actors.baku.initial_rung=2", "actors.moscow.initial_rung=2",
        "actors.baku.initial_measures={}", "actors.moscow.initial_measures={}",
        "actors.baku.initial_grievance=0", "actors.moscow.initial_grievance=0",
        "events=[]", "opening=[]", "demands=[]", "summits=[]")
Runs = dict[str, np.ndarray]


def calibrated_defaults() -> tuple[str, ...]:
    """``--set`` lines putting every calibrated weight back at its documented default."""
    cal = yaml.safe_load((SCENARIOS / "calibration" / "calibration.yaml").read_text())
    fields = ModelParams.model_fields
    return tuple(f"{path}={fields[path.split('.', 1)[1]].default}" for path in cal["priors"])


def ci(x: np.ndarray, scale: float = 100.0, unit: str = "%") -> str:
    """Mean and 95% interval of the mean (normal approximation) of per-run values."""
    m, se = x.mean(), x.std(ddof=1) / np.sqrt(x.size)
    low, high = m - 1.96 * se, m + 1.96 * se
    if x.dtype == bool:  # a share: the interval stays in [0, 1]
        low, high = max(low, 0.0), min(high, 1.0)
    return f"{scale * m:.1f}{unit} [{scale * low:.1f}, {scale * high:.1f}]"


def diff(a: np.ndarray, b: np.ndarray) -> str:
    """Paired difference ``b - a`` in percentage points, with its 95% interval."""
    d = b.astype(float) - a.astype(float)
    m, se = d.mean(), d.std(ddof=1) / np.sqrt(d.size)
    return f"{100 * m:+.1f} pp [{100 * (m - 1.96 * se):+.1f}, {100 * (m + 1.96 * se):+.1f}]"


def force(r: Runs, actor: int | None = None) -> np.ndarray:
    """Per run: the actor (or either) chose force."""
    if actor is None:
        return r["actor_force"].sum(axis=1) > 0
    return r["actor_force"][:, actor] > 0


def standoff(r: Runs) -> np.ndarray:
    """Per run: it ends in a coercive standoff or worse (base opens in one, so every run's
    worst is at least that)."""
    return r["final_rung"] >= LEGAL_COERCION


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--defaults", action="store_true",
                    help="every calibrated weight at its documented default")
    args = ap.parse_args()
    fixed = calibrated_defaults() if args.defaults else ()
    where = "documented defaults" if args.defaults else "shipped calibration"

    def runs(name: str, *variants: tuple[str, ...]) -> list[Runs]:
        scenarios = [load_scenario(SCENARIOS / f"{name}.yaml", [*fixed, *v]) for v in variants]
        res = evaluate([Point(s, 1) for s in scenarios], args.runs, keep_runs=True,
                       workers=args.workers)
        return [r.runs for r in res]

    print(f"{args.runs} runs per variant, seed 1, {where}")
    print("calm start (status quo, no measure, grievance, event or demand):")
    for years in (1, 3):
        [r] = runs("base", (*CALM, f"horizon_days={365 * years}"))
        print(f"  {years} year(s): stays at rung <= 3 {ci(r['peak_rung'] <= 3)}; reaches legal "
              f"coercion {ci(r['peak_rung'] >= LEGAL_COERCION)}; P(force) {ci(force(r))}")

    for name in ("base", "latest"):
        [r] = runs(name, ())
        years = load_scenario(SCENARIOS / f"{name}.yaml").horizon_days / 365
        print(f"{name}:")
        for a, actor in enumerate(("Baku", "Moscow")):
            print(f"  {actor}: P(force) {ci(force(r, a))}; keeps a measure in force while its "
                  f"leaders meet {ci(r['actor_days_talking'][:, a] > 0)}; imposes "
                  f"{r['actor_imposed'][:, a].mean():.1f}, lifts "
                  f"{r['actor_lifted'][:, a].mean():.1f} measures a run")
        print(f"  P(military signalling or more) {ci(r['peak_rung'] >= MILITARY_SIGNALLING)}; "
              f"settlements per run-year {r['summits'].mean() / years:.2f}; trade lost "
              f"{ci(r['trade_loss'], unit='%')}; energy lost {ci(r['energy_loss'], unit='%')}")

    print("drivers on base (events off, so that scheduled changes do not move them):")
    drivers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
        f"{issue} heat 0 -> 1": ((f"issues.{issue}.heat=0",), (f"issues.{issue}.heat=1",))
        for issue in ("corridors", "karabakh")}
    for actor in ("baku", "moscow"):
        drivers[f"{actor} nationalism 0.3 -> 0.9"] = ((f"actors.{actor}.nationalism=0.3",),
                                                     (f"actors.{actor}.nationalism=0.9",))
    for label, (lo, hi) in drivers.items():
        a, b = runs("base", ("events=[]", *lo), ("events=[]", *hi))
        print(f"  {label}: P(ends standoff+) {diff(standoff(a), standoff(b))}; P(force) Baku "
              f"{diff(force(a, 0), force(b, 0))}, Moscow {diff(force(a, 1), force(b, 1))}")

    print("levers on base, each at strength 1: effect, and its own mechanism's measure")
    measures: dict[str, Callable[[Runs], str]] = {
        "crisis_hotline": lambda r: f"misread military moves {r['misread_military'].mean():.2f}",
        "economic_initiatives": lambda r: f"trade lost {ci(r['trade_loss'], unit='%')}",
        "military_transparency": lambda r: f"misread military moves "
                                           f"{r['misread_military'].mean():.2f}",
        "cultural_exchanges": lambda r: f"rally (nationalism gained) "
                                        f"{r['actor_rally'].sum(axis=1).mean():.3f}",
        "multilateral_forum": lambda r: f"settlements {r['summits'].mean():.2f}",
        "trusted_intermediaries": lambda r: f"mediation days {r['mediation_days'].mean():.0f}, "
                                            f"settlements {r['summits'].mean():.2f}",
    }
    variants = [(), *[(f"levers.{x}.enabled=true",) for x in LEVERS]]
    [b, *levered] = runs("base", *variants)
    print(f"  none: {', '.join(m(b) for m in measures.values())}")
    for lever, r in zip(LEVERS, levered, strict=True):
        print(f"  {lever}: P(ends standoff+) {diff(standoff(b), standoff(r))}; P(force) "
              f"{diff(force(b), force(r))}; {measures[lever](r)}")
    border = runs("border_operations", ())[0]
    print(f"border_operations: P(force) Baku {ci(force(border, 0))}, Moscow "
          f"{ci(force(border, 1))}; P(military signalling or more) "
          f"{ci(border['peak_rung'] >= MILITARY_SIGNALLING)}; P(force by either) "
          f"{ci(border['peak_rung'] >= LIMITED_FORCE)}")


if __name__ == "__main__":
    main()
