"""Print how long the library's measures stood, and the lifting hazard fitted to them.

Every bundled episode's measures (chosen material acts from diplomatic retaliation to military
posture, rungs 4-7, with a recorded end or ``ends: open``) are spells from the day imposed to the
day lifted, or censored at the episode's end. The hazard of lifting is tabulated by age and
fitted by maximum likelihood, constant and entrenched (``lift_rate / (1 + age / 30 days) **
lift_entrenchment``, docs/model.md §6 Lifting); the entrenched fit gives the defaults of
``lift_rate`` and ``lift_entrenchment``.

    python docs/make_lift_durations.py
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from escalation_sim.model.ladder import DOMAIN_RUNG, LIMITED_FORCE
from escalation_sim.model.measures import LIFT_AGE_SCALE_DAYS
from escalation_sim.scenario import bundled
from escalation_sim.scenario.episode import event_rung, load_episode

YEAR = 365.0
AGE_BINS = (0.0, 182.0, 365.0, 730.0, np.inf)
"""Ages (days) of the table's rows."""


@dataclass(frozen=True)
class Spells:
    """The library's measures: how long each stood (years) and whether it was lifted."""

    years: np.ndarray
    lifted: np.ndarray


def library_spells() -> Spells:
    """Every bundled episode's measures as spells, lifted or censored at the episode's end."""
    lowest = min(DOMAIN_RUNG.values())
    years, lifted = [], []
    for path in bundled.episode_files():
        if path.suffix != ".yaml":
            continue
        episode = load_episode(path, calibrated=False).episode
        for event in episode.events:
            rung = event_rung(event)
            if event.kind != "material" or event.ends is None or not lowest <= rung < LIMITED_FORCE:
                continue
            ended = event.ends != "open" and event.ends <= episode.end_date
            end = event.ends if ended and not isinstance(event.ends, str) else episode.end_date
            years.append((end - event.date).days / YEAR)
            lifted.append(ended)
    return Spells(np.array(years), np.array(lifted, dtype=bool))


def by_age(spells: Spells) -> list[tuple[float, float, int, float]]:
    """Rows (from day, to day, measures lifted, measure-years at risk) of the age table."""
    rows = []
    for lo, hi in zip(AGE_BINS, AGE_BINS[1:], strict=False):
        days = spells.years * YEAR
        exposure = float(np.clip(days - lo, 0.0, hi - lo).sum()) / YEAR
        lifts = int((spells.lifted & (days >= lo) & (days < hi)).sum())
        rows.append((lo, hi, lifts, exposure))
    return rows


def neg_log_likelihood(rate: float, strength: float, spells: Spells,
                       scale_days: float = LIFT_AGE_SCALE_DAYS) -> float:
    """Minus the log-likelihood of the spells under ``rate (1 + age/scale) ** -strength``."""
    scale = scale_days / YEAR
    t = spells.years
    if abs(strength - 1.0) < 1e-9:
        cumulative = rate * scale * np.log1p(t / scale)
    else:
        cumulative = rate * scale / (1.0 - strength) * ((1.0 + t / scale) ** (1.0 - strength) - 1.0)
    hazard = rate * (1.0 + t[spells.lifted] / scale) ** -strength
    return float(cumulative.sum() - np.log(hazard).sum())


def fit(spells: Spells, entrenched: bool = True) -> tuple[float, float, float]:
    """Maximum-likelihood ``(lift_rate per year, lift_entrenchment, log-likelihood)``."""
    if not entrenched:
        rate = spells.lifted.sum() / spells.years.sum()
        return float(rate), 0.0, -neg_log_likelihood(rate, 0.0, spells)
    found = minimize(lambda x: neg_log_likelihood(np.exp(x[0]), np.exp(x[1]), spells),
                     x0=[0.0, 0.0], method="Nelder-Mead",
                     options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 10_000})
    rate, strength = np.exp(found.x)
    return float(rate), float(strength), -float(found.fun)


def main() -> None:
    """Tabulate and fit."""
    spells = library_spells()
    print(f"{len(spells.years)} measures, {int(spells.lifted.sum())} lifted, "
          f"{spells.years.sum():.0f} measure-years\n")
    print("| age (days) | lifted | measure-years | hazard (a year) |\n|---|---|---|---|")
    for lo, hi, lifts, exposure in by_age(spells):
        print(f"| {lo:.0f}–{'' if np.isinf(hi) else f'{hi:.0f}'} | {lifts} | {exposure:.1f} | "
              f"{lifts / exposure:.2f} |")
    for name, entrenched in (("constant", False), ("entrenched", True)):
        rate, strength, loglik = fit(spells, entrenched)
        print(f"\n{name}: lift_rate {rate:.2f} a year, lift_entrenchment {strength:.2f}, "
              f"log-likelihood {loglik:.1f}")


if __name__ == "__main__":
    main()
