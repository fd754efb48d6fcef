"""The escsim model written plainly with Mesa: one Model per run, one Agent per actor.

This is what a modeller would write first: the rules of docs/model.md, day by day, in scalar
Python, one run at a time, with Mesa's agents and per-run random numbers (``Model.random``).
It shares with the engine the scenario files, the parameter compilation (``compile_params``:
scenario -> numbers), the ladder's constants and the model's equations (``model/decision.py``
for the utility of a rung, ``model/dynamics.py`` for summit chances and acceptance); the
orchestration (perception, incidents, reviews, summits, talks, settlement, state updates,
recording) is its own, so it serves two purposes:

- a speed baseline (``benchmarks/bench_vs_mesa.py``);
- a correctness reference (``tests/engine/test_mesa_agreement.py``): its outcome and peak-rung
  distributions must agree with the engine's. Its random numbers are its own, so the agreement
  is distributional, not run by run.

It records what the engine records, the way Mesa does it: a ``DataCollector`` for the daily
values (each actor's rung, nationalism and grievance; the top rung, flows and mediation) and
per-run metrics (docs/model.md §11) kept on the model and its agents.

Usage: ``run_reference(scenario, runs, seed)`` -> per-run outcome, peak, final rung and metrics.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from escalation_sim.model import decision, dynamics
from escalation_sim.model.ladder import (
    ECONOMIC_COERCION,
    ENGAGEMENT,
    GOLDSTEIN,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    MILITARY_SIGNALLING,
    N_RUNGS,
    RIVERA_POINTS,
    STATUS_QUO,
    VERBAL_HOSTILITY,
)
from escalation_sim.model.outcomes import classify
from escalation_sim.model.params import Params, compile_params, lever_strengths, ramp_days
from escalation_sim.scenario.edit import apply_event
from escalation_sim.scenario.schema import Scenario


class Actor(mesa.Agent):
    """One state: its rung, grievance, nationalism, trust in the others and what it saw."""

    def __init__(self, model: EscalationRun, index: int, rung: int, grievance: float,
                 nationalism: float, trust: float) -> None:
        super().__init__(model)
        self.index = index
        self.level = rung
        self.peak = rung
        self.grievance = grievance
        self.nationalism = nationalism
        self.trust: dict[int, float] = {}
        self.initial_trust = trust
        self.seen: dict[int, int] = {}
        self.prev_lagged: dict[int, int] = {}
        self.answering = False
        self.stepped_down = 0
        self.struck = False
        self.reviews = False
        self.days_coercion = 0
        self.goldstein = 0.0
        self.escalation_points = 0.0

    # §5 perception -------------------------------------------------------------------------
    def perceive(self) -> None:
        """See each other's rung ``lag`` days ago, off by one now and then."""
        m: EscalationRun = self.model
        p, rnd, i = m.params, m.random, self.index
        rose = fell = False
        for other in m.actors:
            j = other.index
            if j == i:
                continue
            lagged = m.level_on(m.day - int(p.lag[i, 0]), j)
            chance = p.p_mis_military[i, 0] if lagged >= MILITARY_SIGNALLING else p.p_mis[i, 0]
            seen = lagged
            if rnd.random() < chance:
                seen += 1 if rnd.random() < p.worst_case_bias[i, 0] else -1
                seen = min(max(seen, 0), N_RUNGS - 1)
            self.seen[j] = seen
            rose = rose or lagged > self.prev_lagged.get(j, lagged)
            fell = fell or lagged < self.prev_lagged.get(j, lagged)
            self.prev_lagged[j] = lagged
            self.trust.setdefault(j, self.initial_trust)
        self.answering = fell
        # §3 reviews: routine, reaction to a move of the other, incident, direct talks
        self.reviews = (rnd.random() < p.p_review[i, 0]
                        or ((rose or fell) and rnd.random() < p.reaction[i, 0])
                        or self.struck or m.talks_left > 0)

    # §6 decision ---------------------------------------------------------------------------
    def decide(self) -> None:
        """Choose a rung within reach by logit choice over the utility of each rung."""
        if not self.reviews:
            return
        m: EscalationRun = self.model
        p, i = m.params, self.index
        threat = -math.inf
        for other in m.actors:
            j = other.index
            if j == i:
                continue
            seen = self.seen[j]
            t = (seen - (p.signal_discount if seen == MILITARY_SIGNALLING else 0.0)
                 + p.rhetoric_gain[j, 0] * other.nationalism * (1.0 - self.trust[j]))
            threat = max(threat, t)
        desired = float(decision.desired_rung(np.array(i), np.array(threat),
                                              np.array(self.grievance),
                                              np.array(self.nationalism), p))
        window = p.window_after_incident if self.struck else p.window
        x0 = self.level
        talking = m.mediating or m.talks_left > 0
        d = decision.Deciders(np.array([i]), np.array([x0]), np.array([desired]),
                              np.array([self.nationalism]), np.array([m.trade]),
                              np.array([talking]), np.array([self.answering]))
        rungs = list(range(max(0, x0 - window), min(N_RUNGS - 1, x0 + window) + 1))
        values = decision.utility(d, np.array(rungs)[:, None], p)[:, 0]
        utility = [p.rationality[i, 0] * float(v) for v in values]
        top = max(utility)
        weights = [math.exp(u - top) for u in utility]
        pick = m.random.random() * sum(weights)
        for x, w in zip(rungs, weights, strict=True):
            pick -= w
            if pick < 0:
                self.level = x
                break
        else:
            self.level = rungs[-1]
        self.stepped_down = max(0, x0 - self.level)


class EscalationRun(mesa.Model):
    """One run of a scenario, day by day."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        super().__init__(seed=seed)
        for event in scenario.events:
            if event.day == 0:
                scenario = apply_event(scenario, event)
        self.scenario = scenario
        self.params: Params = compile_params(scenario, 0)
        self.day = 0
        m = scenario.model
        self.actors = [Actor(self, i, a.initial_rung, float(a.initial_grievance), a.nationalism,
                             m.initial_trust) for i, a in enumerate(scenario.actors.values())]
        self.history: list[tuple[int, ...]] = [tuple(a.level for a in self.actors)]
        self.trade, self.energy = m.initial_trade_flow, m.initial_energy_flow
        self.crisis_days, self.mediating, self.talks_left = 0, False, 0
        self.meeting = 0.0
        forum = scenario.levers.multilateral_forum
        self.forum_days = set()
        if forum.enabled and forum.strength > 0:
            self.forum_days = set(range(forum.start_day, scenario.horizon_days, forum.period_days))
        self.summit_days = {s.day for s in scenario.summits}
        self.ramp_days = set(ramp_days(scenario))
        self.summits = 0
        self.top_peak = max(self.history[0])
        self.top = self.top_peak
        self.first_legal = self.first_force = -1
        self.days_ge = {4: 0, LEGAL_COERCION: 0, MILITARY_SIGNALLING: 0}
        self.trade_loss = self.energy_loss = 0.0
        self.mediation_days = 0
        self.incident_counts = [0] * len(self.params.incident_keys)
        self.datacollector = mesa.DataCollector(
            model_reporters={"top": "top", "trade": "trade", "energy": "energy",
                             "mediating": "mediating"},
            agent_reporters={"level": "level", "nationalism": "nationalism",
                             "grievance": "grievance"})

    def level_on(self, day: int, j: int) -> int:
        """Rung of actor ``j`` at the start of ``day`` (its initial rung before day 0)."""
        return self.history[max(day, 0)][j]

    def scenario_changes(self) -> None:
        """§9-§10: events and lever starts dated today recompile the parameters."""
        t, sc = self.day, self.scenario
        changed = False
        for event in sc.events:
            if event.day == t and t > 0:
                self.scenario = apply_event(self.scenario, event)
                changed = True
        for name in type(sc.levers).model_fields:
            lever = getattr(sc.levers, name)
            if lever.enabled and lever.start_day == t and t > 0:
                changed = True
        if changed or t in self.ramp_days:
            self.params = compile_params(self.scenario, t)
            for a in self.actors:
                a.grievance = min(a.grievance, self.params.grievance_max)
        self.meeting = 1.0 if t in self.summit_days else 0.0
        if t in self.forum_days:
            self.meeting = max(self.meeting,
                               lever_strengths(self.scenario, t)["multilateral_forum"]
                               * self.scenario.model.forum_summit_chance)

    def incidents(self) -> None:
        """§9: each incident type strikes with a daily probability set by the driving rung."""
        p, rnd = self.params, self.random
        for a in self.actors:
            a.struck = False
        for k in range(len(p.incident_keys)):
            driver = self.actors[int(p.perpetrator[k])].level if p.chosen[k] else self.top
            hit = rnd.random() < p.p_incident[driver, k, 0]
            explained = rnd.random() < p.explain_prob
            if hit:
                victim = self.actors[int(p.victim[k])]
                severity = p.severity[k, 0] * (0.5 if explained else 1.0)
                victim.grievance = min(victim.grievance + severity, p.grievance_max)
                victim.nationalism = min(victim.nationalism
                                         + p.rally_per_severity[victim.index, 0] * severity, 1.0)
                victim.struck = True
                self.incident_counts[k] += 1
                if explained and p.call_days:
                    self.talks_left = max(self.talks_left, p.call_days)

    def summit(self) -> None:
        """§10: a summit opportunity; if every leader accepts, all step down to engagement."""
        p, rnd = self.params, self.random
        chance = float(dynamics.summit_chance(np.array(self.crisis_days),
                                              np.array(self.mediating), np.array(self.trade),
                                              np.array(self.top), p))
        if self.top >= VERBAL_HOSTILITY:
            chance = max(chance, self.meeting)
        if not rnd.random() < chance:
            return
        accept = dynamics.summit_acceptance(
            np.array([[a.nationalism] for a in self.actors]),
            np.array([[a.grievance] for a in self.actors]), np.array([self.trade]),
            np.array([self.mediating]), p)[:, 0]
        if not rnd.random() < float(np.prod(accept)):  # every leader, independently
            return
        self.summits += 1
        for a in self.actors:
            a.level = min(a.level, ENGAGEMENT)
            a.grievance *= p.summit_grievance_keep
            for j in a.trust:
                a.trust[j] += p.summit_trust_gain * (1.0 - a.trust[j])
        levels = tuple(a.level for a in self.actors)
        self.history = [levels for _ in self.history]  # a summit is seen by all at once
        for a in self.actors:
            a.prev_lagged = {j: levels[j] for j in a.prev_lagged}

    def step(self) -> None:
        """One day: forum, incidents, perception and reviews, decisions, state, records."""
        self.scenario_changes()
        p = self.params
        self.incidents()
        self.summit()
        self.agents.do("perceive")
        for a in self.actors:
            a.stepped_down = 0
        self.agents.do("decide")
        for a in self.actors:  # §7 settlement: a climb-down eases the others' grievance
            for other in self.actors:
                if other is not a and a.stepped_down:
                    other.grievance = max(0.0, other.grievance
                                          - p.settle_per_rung * a.stepped_down)
        levels = tuple(a.level for a in self.actors)
        self.history.append(levels)
        top = max(levels)
        hostility = [float(HOSTILITY[x]) for x in levels]
        total = sum(hostility)
        for a in self.actors:  # §7
            suffered = total - hostility[a.index]
            a.grievance = min(a.grievance * p.grievance_decay
                              + p.grievance_per_hostility * suffered, p.grievance_max)
            drift = (p.nationalism_relax * (p.n0[a.index, 0] - a.nationalism)
                     + p.rally[a.index, 0] * suffered)
            shock = self.random.gauss(0.0, 1.0)
            a.nationalism = min(max(a.nationalism + drift + p.nationalism_volatility * shock,
                                    0.0), 1.0)
            for j, seen in a.seen.items():
                target = 1.0 if seen <= STATUS_QUO else 0.0 if seen >= LEGAL_COERCION else 0.5
                a.trust[j] += p.trust_speed * (target - a.trust[j])
            a.peak = max(a.peak, a.level)
            a.days_coercion += a.level >= LEGAL_COERCION
            a.goldstein += GOLDSTEIN[a.level]
            a.escalation_points += RIVERA_POINTS[a.level]
        if top >= ECONOMIC_COERCION:
            self.trade *= 1.0 - p.trade_fall
            self.energy *= 1.0 - (p.energy_force_fall if top >= LIMITED_FORCE
                                  else p.energy_fall)
        else:
            self.trade += p.trade_recovery * (1.0 - self.trade)
            self.energy += p.energy_recovery * (1.0 - self.energy)
        self.crisis_days = self.crisis_days + 1 if top >= dynamics.CRISIS_RUNG else 0
        self.mediating = ((self.mediating or self.crisis_days >= p.mediation_onset)
                          and top > dynamics.RESTORED)
        self.talks_left = max(0, self.talks_left - 1)
        self.top_peak = max(self.top_peak, top)
        self.record(top)
        self.day += 1

    def record(self, top: int) -> None:
        """§11: the day's values (``DataCollector``) and the per-run metrics."""
        self.top = top
        if self.first_legal < 0 and top >= LEGAL_COERCION:
            self.first_legal = self.day
        if self.first_force < 0 and top >= LIMITED_FORCE:
            self.first_force = self.day
        for rung in self.days_ge:
            self.days_ge[rung] += top >= rung
        self.trade_loss += 1.0 - self.trade
        self.energy_loss += 1.0 - self.energy
        self.mediation_days += self.mediating
        self.datacollector.collect(self)


def run_reference(scenario: Scenario, runs: int, seed: int) -> dict[str, np.ndarray]:
    """Run ``runs`` independent Mesa runs; per-run outcome class, peak and final top rung and
    the other per-run metrics (the daily values stay in each model's ``DataCollector``)."""
    days = scenario.horizon_days
    rows: list[dict[str, object]] = []
    seeds = np.random.SeedSequence(seed).generate_state(runs)
    for r in range(runs):
        model = EscalationRun(scenario, int(seeds[r]))
        for _ in range(days):
            model.step()
        actors = model.actors
        rows.append({
            "peak_rung": model.top_peak, "final_rung": max(a.level for a in actors),
            "first_legal_day": model.first_legal, "first_force_day": model.first_force,
            "days_reduced_relations": model.days_ge[4],
            "days_coercion": model.days_ge[LEGAL_COERCION],
            "days_military": model.days_ge[MILITARY_SIGNALLING],
            "trade_loss": model.trade_loss / days, "energy_loss": model.energy_loss / days,
            "mediation_days": model.mediation_days, "summits": model.summits,
            "actor_peak": [a.peak for a in actors], "actor_final": [a.level for a in actors],
            "actor_days_coercion": [a.days_coercion for a in actors],
            "actor_goldstein": [a.goldstein / days for a in actors],
            "actor_escalation_score": [a.escalation_points / days for a in actors],
            "actor_final_nationalism": [a.nationalism for a in actors],
            "incidents": model.incident_counts,
        })
    out = {name: np.array([row[name] for row in rows]) for name in rows[0]} if rows else {}
    out["outcome"] = classify(out["peak_rung"], out["final_rung"])
    return out
