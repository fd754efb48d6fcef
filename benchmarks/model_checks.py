"""The figures model 2 must show (docs/model.md), measured on the base scenario.

Paired runs (common random numbers, one seed) of the base and its variants. Prints the outcome
table, the scheduled-summit settlement rate, the drivers' effects, each lever's effect on the
outcome classes and on the measure of its own mechanism, and the force checks, each with a 95%
interval. Usage: ``python benchmarks/model_checks.py [--runs N] [--workers W]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from escalation_sim.engine.ensemble import Point, evaluate
from escalation_sim.model.ladder import LIMITED_FORCE
from escalation_sim.model.outcomes import OUTCOMES
from escalation_sim.model.params import compile_params
from escalation_sim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
LEVERS = ("crisis_hotline", "economic_initiatives", "military_transparency",
          "cultural_exchanges", "multilateral_forum", "trusted_intermediaries")
ISSUES = ("corridors", "karabakh", "border_security", "alliances", "energy_routes",
          "diplomatic_engagement")
NO_EVENTS = "events=[]"  # the day-38 rise of corridors heat would pass 1


def base(*sets: str):  # noqa: ANN201
    return load_scenario(ROOT / "scenarios" / "base.yaml", list(sets))


def ci(x: np.ndarray, scale: float = 100.0) -> str:
    m, se = x.mean(), x.std(ddof=1) / np.sqrt(x.size)
    return f"{scale * m:+.1f} [{scale * (m - 1.96 * se):+.1f}, {scale * (m + 1.96 * se):+.1f}]"


def mechanism(r: dict[str, np.ndarray]) -> dict[str, float]:
    return {"containment days": r["containment_days"].sum() / max(1, r["containments"].sum()),
            "misread military": r["misread_military"].mean(),
            "rally": r["actor_rally"].sum(axis=1).mean(),
            "summits": r["summits"].mean()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    n = args.runs

    def runs(*scenarios):  # noqa: ANN002, ANN202
        res = evaluate([Point(s, 1) for s in scenarios], n, keep_runs=True,
                       workers=args.workers)
        return [r.runs for r in res]

    def worse(r: dict[str, np.ndarray]) -> np.ndarray:
        return (r["outcome"] >= 2).astype(float)

    def force(r: dict[str, np.ndarray], actor: int | None = None) -> np.ndarray:
        peak = r["peak_rung"] if actor is None else r["actor_peak"][:, actor]
        return (peak >= LIMITED_FORCE).astype(float)

    [b] = runs(base())
    print(f"base, {n} runs, seed 1")
    for k, name in enumerate(OUTCOMES):
        print(f"  {name:18s} {100 * (b['outcome'] == k).mean():5.1f}%")
    print(f"  Baku P(force) {100 * force(b, 0).mean():.2f}%, "
          f"Moscow {100 * force(b, 1).mean():.2f}%;"
          f" P(a settlement) {100 * (b['summits'] > 0).mean():.0f}%")
    [s] = runs(base("summits=[{day: 60}]"))
    first = s["first_summit_day"]
    settled = 100 * ((first >= 60) & (first < 90)).mean()
    print(f"summit scheduled on day 60: settled within 30 days {settled:.0f}%")
    for issue in ("corridors", "karabakh"):
        lo, hi = runs(base(NO_EVENTS, f"issues.{issue}.heat=0"),
                      base(NO_EVENTS, f"issues.{issue}.heat=1"))
        print(f"{issue} heat 0 -> 1: P(coercive standoff or worse) {ci(worse(hi) - worse(lo))} pp")
    print("lever (all at strength 1): change in outcome classes (pp) and mechanism measures")
    ref = mechanism(b)
    print("  base", {k: round(v, 3) for k, v in ref.items()})
    for lever in (*LEVERS, "all"):
        names = LEVERS if lever == "all" else (lever,)
        [r] = runs(base(*[f"levers.{x}.enabled=true" for x in names]))
        shift = [100 * ((r["outcome"] == k).mean() - (b["outcome"] == k).mean())
                 for k in range(len(OUTCOMES))]
        classes = ", ".join(f"{o[:5]} {d:+.1f}" for o, d in zip(OUTCOMES, shift, strict=True))
        print(f"  {lever:23s} standoff+ {ci(worse(r) - worse(b))}; {classes}")
        print(f"  {'':23s} {({k: round(v, 3) for k, v in mechanism(r).items()})}")
    econ = compile_params(base("levers.economic_initiatives.enabled=true"), 365)
    print("  cost of coercion c_econ*dep/resolve:", compile_params(base()).econ_cost.round(3),
          "->", econ.econ_cost.round(3))

    def hot(*sets: str):  # noqa: ANN202
        return base(NO_EVENTS, *[f"issues.{i}.heat=1" for i in ISSUES],
                    "actors.baku.nationalism=1", "actors.moscow.nationalism=1", *sets)

    [h] = runs(hot())
    print(f"every driver at its maximum: P(force) {100 * force(h).mean():.1f}%, "
          f"P(war) {100 * (h['peak_rung'] >= 9).mean():.1f}%")
    weak, strong = runs(hot("actors.moscow.available_share=0.1"),
                        hot("actors.moscow.available_share=1"))
    gap = ci(force(strong, 0) - force(weak, 0))
    print(f"  Moscow's available share 0.1 -> 1: Baku P(force) {gap} pp")
    loose, held = runs(hot("alliances[0].restraint=0"), hot("alliances[0].restraint=1"))
    print(f"  Türkiye's restraint 0 -> 1: Baku P(force) {ci(force(held, 0) - force(loose, 0))} pp")


if __name__ == "__main__":
    main()
