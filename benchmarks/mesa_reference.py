"""Model 3 written plainly with Mesa: one Model per run, one Agent per actor, scalar Python.

This is what a modeller would write first: model 3's day, one run at a time, with Mesa's agents,
each run's own random numbers (``Model.random``) and a ``DataCollector`` for the daily values. It
shares with the engine only

- the scenario files (``load_scenario``, ``apply_event`` for scheduled events);
- the parameter compilation (``engine/compile.py``: ``compile_params``, and ``lever_strengths``
  and ``ramp_days`` for the levers' build-up and the forum's meetings);
- the day-0 state (``State.initial``: the reading of ``initial_rung`` and ``initial_measures``);
- the ladder's constants and the outcome classes (``model/ladder.py``, ``model/outcomes.py``);
- the model's equations (``model/perception.py``, ``decision.py``, ``measures.py``, ``force.py``,
  ``dynamics.py``), called here with plain numbers, never restated.

The orchestration is its own, written from the rules of the engine's day kernel
(``engine/kernel.py``) and of its calendar (``engine/calendar.py``): which day's reading an
observer sees, who reviews, who may use force and lift a measure, the stance and the measure
chosen, what a settlement and a met demand change, the flows, mediation and the records. It serves
two purposes:

- a correctness reference (``tests/engine/test_mesa_agreement.py``): the distributions of its
  outcomes, peak rungs and measures imposed must agree with the engine's. Its random numbers are
  Python's own (``random.Random`` per run), not the engine's counter-based ones, so the agreement
  is distributional, not run by run;
- a speed baseline (``benchmarks/bench_vs_mesa.py``).

The day, in order (docs/model.md §3-§11):

1. the calendar: scheduled events, lever starts and build-ups recompile the parameters; a
   scheduled summit or a forum meeting makes a summit opportunity likely today;
2. incidents (§9); a war may end; open demands may be met or dropped (§6 Compellence);
3. a leader-level summit may settle the crisis (§10);
4. perception (§5): each observer sees each other's reading some days ago, and its new measures;
5. each actor's desired rung (§6); force where it is in play; the lifting of measures;
6. reviews: the stance (words) and, unless a measure was lifted today, a new measure (deeds);
7. the state moves on (§7, §8, §10) and the day is recorded (§11).

Scheduled events change the scenario, whose parameters are recompiled; an event on an issue's
``activation`` triggers the issue's contention (``set`` puts it at the value, ``add`` adds to the
day's contention, held within 0-1), as contention is state.

The reference runs the scenario's point values (``scenario/edit.point_valued``); it does not
draw uncertain parameters per run.

Usage: ``run_reference(scenario, runs, seed)`` -> per-run arrays (outcome, peak and final rung,
per-actor peaks, measures imposed and lifted, summits, ...).
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from escalation_sim.engine.compile import (
    CONTROLS,
    EXTERNAL_ROW,
    FIXED,
    compile_params,
    lever_strengths,
    ramp_days,
)
from escalation_sim.engine.state import State
from escalation_sim.model import decision, dynamics, force, measures, perception
from escalation_sim.model.ladder import (
    DIPLOMATIC_RETALIATION,
    DOMAIN_ECONOMIC,
    DOMAIN_ENERGY,
    DOMAIN_MILITARY,
    DOMAIN_RUNGS,
    ENGAGEMENT,
    GOLDSTEIN,
    HOSTILITY,
    LEGAL_COERCION,
    LIMITED_FORCE,
    MAX_MEASURES,
    MILITARY_SIGNALLING,
    N_DOMAINS,
    OPEN_WAR,
    RIVERA_POINTS,
    STATUS_QUO,
    VERBAL_HOSTILITY,
)
from escalation_sim.model.outcomes import classify
from escalation_sim.scenario.edit import apply_event, event_changes, point_valued
from escalation_sim.scenario.schema import Event, Scenario

LEADERSHIP, EXTERNAL = CONTROLS.index("leadership"), CONTROLS.index("external")
RUNG_OF = [int(x) for x in DOMAIN_RUNGS]
"""The rung of a measure of each domain."""
HOSTILITY_OF, GOLDSTEIN_OF = HOSTILITY.tolist(), GOLDSTEIN.tolist()
RIVERA_OF = RIVERA_POINTS.tolist()
"""Hostility, Goldstein weight and escalation points of each rung, as plain numbers."""
SUMMIT_MEMORY = 60
"""Days of everyone's view a summit overwrites with the new readings (the longest lag)."""
OPEN, MET, DROPPED = "open", "met", "dropped"


class Plain:
    """The compiled parameters of one run as plain Python numbers and lists (run column 0)."""

    def __init__(self, scenario: Scenario, day: int) -> None:
        params = compile_params(scenario, day)
        for name, value in params._asdict().items():
            array = np.asarray(value)
            setattr(self, name, array.tolist() if name in FIXED else array[..., 0].tolist())

    def __getattr__(self, name: str) -> Any:  # for the type checker: every field is set
        raise AttributeError(name)


class Actor(mesa.Agent):
    """One state: its stance, measures in force, grievance, nationalism and what it sees."""

    def __init__(self, model: EscalationRun, index: int, state: State) -> None:
        super().__init__(model)
        i = self.index = index
        self.stance = int(state.stance[i, 0])
        self.measures = [int(x) for x in state.measures[i, :, 0]]
        self.measures_since = [int(x) for x in state.measures_since[i, :, 0]]
        self.war = bool(state.war[i, 0])
        self.level = int(state.level[i, 0])
        self.grievance = float(state.grievance[i, 0])
        self.nationalism = float(state.nationalism[i, 0])
        self.others: list[Actor] = []  # the other actors, once all are made
        self.trust: dict[int, float] = {}
        self.seen: dict[int, int] = {}
        self.prev_lagged: dict[int, int] = {}
        self.hit_domain: int = -1  # the domain the actor was last hit in, and the day
        self.hit_day: int | None = None
        met = int(state.force_met_day[i, 0])  # 0 after an opening use of force
        self.force_met_day: int | None = met if met >= 0 else None
        # what happens to the actor today
        self.struck = self.moved = self.answering = self.lifted = self.used_force = False
        self.act: tuple[str, int] | None = None
        self.desire = self.threat = 0.0
        # per-run records (§11); peaks count the days simulated, not the day-0 reading
        self.peak = 0
        self.imposed = self.lifted_count = self.force_acts = 0
        self.days_coercion = 0
        self.goldstein = self.rivera = 0.0

    @property
    def material(self) -> int:
        """The rung of the highest measure in force, -1 for none (§2)."""
        return max((RUNG_OF[k] for k in range(N_DOMAINS) if self.measures[k] > 0), default=-1)

    def new_day(self) -> None:
        """Forget yesterday's happenings."""
        self.struck = self.moved = self.answering = self.lifted = self.used_force = False
        self.act = None

    # §5 perception ------------------------------------------------------------------------------
    def perceive(self) -> None:
        """See each other's reading ``lag`` days ago (now and then one rung off, unless the
        hotline explains it) and the measure it imposed or lifted that day; a new measure is
        answered in kind and contests the issues of its domain."""
        m: EscalationRun = self.model
        p, rnd, t = m.p, m.random, m.day
        for other in self.others:
            j = other.index
            day = t - p.lag[self.index]
            lagged = m.reading_on(day, j)
            chance = p.p_mis_military[self.index] if lagged >= MILITARY_SIGNALLING \
                else p.p_mis[self.index]
            wrong = rnd.random() < chance
            if wrong and rnd.random() < p.explain:
                wrong = False
            up = wrong and rnd.random() < p.bias[self.index]
            self.seen[j] = perception.perceived(lagged, wrong, up)
            before = self.prev_lagged[j]
            if lagged != before:
                self.moved = True
                self.answering = self.answering or lagged < before
            self.prev_lagged[j] = lagged
            act = m.act_on(day, j)
            if act is None:
                continue
            kind, k = act
            self.moved = True
            if kind == "lifted":
                self.answering = True
            else:
                if kind == "imposed":
                    self.hit_domain, self.hit_day = k, t
                for q in range(m.n_issues):
                    if p.issue_domain[q] == k:
                        m.activation[q] = dynamics.triggered(m.activation[q],
                                                             p.activation_per_measure)

    # §6 the desired rung -----------------------------------------------------------------------
    def want(self) -> None:
        """Richardson's target: the threat seen, the stake of contested issues and of an open
        demand, grievance and nationalism."""
        m: EscalationRun = self.model
        p, i = m.p, self.index
        best = -math.inf
        for other in self.others:
            j = other.index
            best = max(best, perception.threat(self.seen[j], p.absorbed[m.pair(i, j)],
                                               other.nationalism, self.trust[j], p.rhetoric[j]))
        stake = demand = 0.0
        for q in range(m.n_issues):
            stake += p.stake[i][q] * m.activation[q] * m.gap_left[q]
            best += p.client[i][q] * m.activation[q]
        amplified = decision.amplifier(self.nationalism, p.w_nat)
        for d, status in enumerate(m.demands):
            if status == OPEN and p.dem_actor[d] == i and not m.settlement_holds:
                demand = max(demand, decision.demand_push(
                    p.w_demand, p.salience[i][p.dem_issue[d]], p.demand_rung[d], amplified))
        self.threat = best
        self.desire = decision.desired(stake, demand, self.grievance, best, p.reciprocity[i],
                                       amplified)

    # §6 force -----------------------------------------------------------------------------------
    def consider_force(self, posture: bool) -> None:
        """Use force by its hazard while force is in play; limited force or open war."""
        m: EscalationRun = self.model
        p, i, t = m.p, self.index, m.day
        if self.war:
            return
        militarised = 0.0
        for q in range(m.n_issues):
            if p.militarised[q] and p.salience[i][q] > 0.0:
                militarised = max(militarised, m.activation[q])
        met = self.force_met_day is not None and t - self.force_met_day <= p.force_memory
        opened = force.gate(militarised, met, posture, p.posture_gate)
        if opened <= 0.0:
            return
        value = measures.relationship_value(p.dependence[i], m.trade, p.energy_dependence[i],
                                            m.energy)
        cost = p.force_cost[i] + p.c_relationship * value
        if not m.random.random() < force.hazard(p.force_rate, opened, self.desire,
                                                p.w_force_desire, cost):
            return
        target = max(self.others, key=lambda a: self.seen[a.index])  # the most hostile seen
        m.flare_day = t
        if m.random.random() < decision.war_share(p.rationality[i], self.desire, p.w_fit,
                                                  p.war_cost[i]):
            self.war = target.war = True
        else:
            self.used_force = True
        self.force_acts += 1
        target.suffer(p.force_severity)
        target.force_met_day = t
        target.hit_domain, target.hit_day = DOMAIN_MILITARY, t
        for q in range(m.n_issues):
            if p.militarised[q]:
                m.activation[q] = 1.0

    def suffer(self, severity: float) -> None:
        """A hit: grievance and nationalism rise by its severity; the actor reviews at once."""
        p = self.model.p
        self.grievance = min(self.grievance + severity, p.grievance_max)
        self.nationalism = min(self.nationalism + p.rally_severity[self.index] * severity, 1.0)
        self.struck = True

    # §6 lifting ---------------------------------------------------------------------------------
    def audience_cost(self) -> float:
        """The audience cost of backing down, cut by talks and when answering a step down."""
        m: EscalationRun = self.model
        p = m.p
        return (p.audience[self.index] * self.nationalism
                * (1.0 - p.talks_audience_cut * m.talking)
                * (1.0 - p.reciprocal_cut * self.answering))

    def consider_lifting(self) -> None:
        """Lift one measure by the summed hazard of those in force, the domain in proportion."""
        m: EscalationRun = self.model
        p, i, t = m.p, self.index, m.day
        if sum(self.measures) == 0:
            return
        settled = 0.0
        if m.settlement_holds:
            settled = measures.fading_push(p.settle_lift, t - m.settled_day, p.settle_memory)
        mine = [d for d in range(len(m.demands)) if p.dem_actor[d] == i]
        met = 0.0
        if mine and all(m.demands[d] != OPEN for d in mine):
            met = measures.fading_push(p.met_lift, t - max(m.closed_day[d] for d in mine),
                                       p.settle_memory)
        aud = self.audience_cost()
        grudge = p.summit_grievance_weight * self.grievance
        hazards = []
        for k in range(N_DOMAINS):
            h = 0.0
            if self.measures[k] > 0:
                holding = measures.holding_cost(k, p.trade_cost[i], p.energy_cost[i], m.trade,
                                                m.energy, p.legal_share, p.posture_cost[i])
                h = self.measures[k] * measures.lift_hazard(
                    RUNG_OF[k], self.desire, p.lift_rate, p.lift_want, settled, met, holding,
                    aud, grudge, t - self.measures_since[k], p.lift_entrench)
            hazards.append(h)
        u = m.random.random()
        if u >= sum(hazards):
            return
        cum = 0.0
        for k in range(N_DOMAINS):  # the domain in whose share of the summed hazard ``u`` falls
            cum += hazards[k]
            if u < cum:
                break
        self.measures[k] -= 1
        self.lifted = True
        self.act = ("lifted", k)
        self.lifted_count += 1
        for other in self.others:  # a measure lifted eases the other's grievance
            other.grievance = max(0.0, other.grievance - p.settle_per_lift)

    # §3, §6 reviews -----------------------------------------------------------------------------
    def reviews(self) -> bool:
        """Routine review, reaction to a move seen, an incident or force suffered, or talks."""
        m: EscalationRun = self.model
        p, rnd, i = m.p, m.random, self.index
        return (rnd.random() < p.p_review[i]
                or (self.moved and rnd.random() < p.reaction[i])
                or self.struck or m.talks_left > 0)

    def review(self) -> None:
        """Choose the stance by logit over the window; then, unless a measure was lifted today,
        whether to impose a new measure and of which domain (nested logit)."""
        m: EscalationRun = self.model
        p, i, t = m.p, self.index, m.day
        if not self.reviews() or self.war:
            return
        window = p.window_incident if self.struck else p.window
        s0 = self.stance
        aud = self.audience_cost()
        gain = p.talks_bonus * m.talking
        options = list(range(max(0, s0 - window), min(VERBAL_HOSTILITY, s0 + window) + 1))
        utilities = np.array([decision.stance_utility(x, s0, self.desire, p.w_fit, p.c_move, aud,
                                                      gain, p.cooperation[i])
                              for x in options])
        self.stance = options[decision.logit_pick(utilities, len(options), p.rationality[i],
                                                  m.random.random())]
        if self.lifted:
            return
        # deeds answer what words cannot: the fit gained over the most words can say (up to
        # verbal hostility) or over the measures already in force
        material = max(min(self.desire, float(VERBAL_HOSTILITY)), float(STATUS_QUO),
                       float(self.material))
        reach = self.level + window
        value = measures.relationship_value(p.dependence[i], m.trade, p.energy_dependence[i],
                                            m.energy)
        domains: list[int | None] = [None]
        utilities_list = [0.0]
        for k in range(N_DOMAINS):
            if RUNG_OF[k] > reach or self.measures[k] >= MAX_MEASURES:
                continue
            kind = p.w_kind if (self.hit_domain == k and self.hit_day is not None
                                and t - self.hit_day <= p.kind_memory) else 0.0
            pull = sum(p.pull[i][q] * m.activation[q] * m.gap_left[q]
                       for q in range(m.n_issues) if p.issue_domain[q] == k)
            holding = measures.holding_cost(k, p.trade_cost[i], p.energy_cost[i], m.trade,
                                            m.energy, p.legal_share, p.posture_cost[i])
            cost = measures.imposing_cost(holding, p.c_measure[i], value)
            utilities_list.append(decision.impose_utility(material, RUNG_OF[k], self.desire,
                                                          p.w_fit, kind, pull, cost))
            domains.append(k)
        pick = decision.nested_pick(np.array(utilities_list), len(domains), p.rationality[i],
                                    m.random.random())
        k = domains[pick]
        if k is None:
            return
        if self.measures[k] == 0:
            self.measures_since[k] = t  # a new spell of measures in this domain
        self.measures[k] += 1
        self.act = ("imposed", k)
        if self.hit_domain == k and self.hit_day is not None and t - self.hit_day <= p.kind_memory:
            self.act = ("replied", k)  # a reply in kind: answered, and nothing new for the other
            self.hit_domain = -1
        self.imposed += 1
        m.flare_day = t

    # §7 the state moves on ----------------------------------------------------------------------
    def read(self) -> int:
        """Today's reading: the higher of stance and measures, force, war (§2)."""
        level = max(self.stance, self.material)
        if self.used_force:
            level = max(level, LIMITED_FORCE)
        if self.war:
            level = OPEN_WAR
        self.level = level
        return level

    def carry_on(self) -> None:
        """Grievance, nationalism and trust move on with what the others did today (§5, §7)."""
        m: EscalationRun = self.model
        p, i = m.p, self.index
        suffered = sum(HOSTILITY_OF[a.level] for a in self.others)
        self.grievance = dynamics.grievance_step(self.grievance, suffered, p.grievance_decay,
                                                 p.grievance_per_hostility, p.grievance_max)
        self.nationalism = dynamics.nationalism_step(
            self.nationalism, p.n0[i], p.nationalism_relax, p.rally[i] * suffered,
            p.nationalism_volatility, m.random.gauss(0.0, 1.0))
        for j, seen in self.seen.items():
            self.trust[j] = perception.trust_step(self.trust[j], seen, p.trust_speed)
        # records (§11)
        self.peak = max(self.peak, self.level)
        self.days_coercion += self.level >= LEGAL_COERCION
        self.goldstein += GOLDSTEIN_OF[self.level]
        self.rivera += RIVERA_OF[self.level]


class EscalationRun(mesa.Model):
    """One run of a scenario, day by day (model 3)."""

    def __init__(self, scenario: Scenario, seed: int,
                 compiled: dict[int, tuple[Scenario, Plain]] | None = None) -> None:
        super().__init__(seed=seed)
        self.compiled = {} if compiled is None else compiled
        self.day = 0
        self.scenario = scenario
        self.activation: list[float] = []
        self.changes(0, [e for e in scenario.events if e.day == 0])  # before the first day
        state = State.initial(self.scenario, 1)  # the day-0 reading, after day-0 events
        self.days = scenario.horizon_days
        self.actors = [Actor(self, i, state) for i in range(len(scenario.actors))]
        for a in self.actors:
            a.others = [b for b in self.actors if b is not a]
            for b in a.others:
                a.trust[b.index] = float(state.trust[self.pair(a.index, b.index), 0])
                a.seen[b.index] = a.prev_lagged[b.index] = b.level
        self.n_issues = len(scenario.issues)
        self.activation = [float(x) for x in state.activation[:, 0]]
        self.gap_left = [1.0] * self.n_issues
        self.demands = [OPEN] * len(scenario.demands)
        self.closed_day = [0] * len(scenario.demands)
        self.trade = float(state.trade[0])
        self.energy_supply, self.energy_damage = float(state.energy_supply[0]), 1.0
        self.crisis_days, self.mediating, self.talks_left = 0, False, 0
        self.settled_day: int | None = None
        self.flare_day: int | None = 0 if any(sum(a.measures) for a in self.actors) else None
        self.top = max(a.level for a in self.actors)  # the highest reading at yesterday's end
        self.start = tuple(a.level for a in self.actors)  # as seen of day 0 and before
        self.readings: list[tuple[int, ...]] = []  # readings[d]: at the end of day d
        self.acts: list[tuple[tuple[str, int] | None, ...]] = []  # acts[d]: on day d
        self.talking = False
        self.plan_calendar()
        # per-run records (§11)
        self.summits = 0
        self.first_legal = self.first_force = -1
        self.days_reduced = self.days_coercion = self.days_military = 0
        self.trade_loss = self.energy_loss = 0.0
        self.mediation_days = self.war_days = 0
        self.incidents = [0] * len(scenario.incidents)
        self.datacollector = mesa.DataCollector(
            model_reporters={"top": "top", "trade": "trade", "energy": "energy",
                             "mediating": "mediating"},
            agent_reporters={"level": "level", "stance": "stance", "nationalism": "nationalism",
                             "grievance": "grievance"})

    def pair(self, i: int, j: int) -> int:
        """Index of the ordered pair (observer ``i``, other ``j``) in the compiled arrays
        (observer-major, ``engine/state.pairs``)."""
        return i * (len(self.actors) - 1) + (j if j < i else j - 1)

    @property
    def energy(self) -> float:
        """Energy flowing: what measures and war leave of the supply, less incident damage."""
        return self.energy_supply * self.energy_damage

    @property
    def settlement_holds(self) -> bool:
        """A settlement holds: nothing flared since (open demands are shelved meanwhile)."""
        return self.settled_day is not None and (self.flare_day is None
                                                 or self.settled_day >= self.flare_day)

    def reading_on(self, day: int, j: int) -> int:
        """Actor ``j``'s reading as seen at the start of ``day`` (the day before's end)."""
        return self.readings[day - 1][j] if day >= 1 else self.start[j]

    def act_on(self, day: int, j: int) -> tuple[str, int] | None:
        """The measure actor ``j`` imposed or lifted the day before ``day``, if any."""
        return self.acts[day - 1][j] if day >= 1 else None

    # -- 1. the calendar (engine/calendar.py's processes, day by day) ----------------------------
    def plan_calendar(self) -> None:
        """The days on which the parameters are recompiled and on which leaders meet."""
        sc, days = self.scenario, self.days
        self.event_days = {e.day for e in sc.events if 0 < e.day < days}
        levers = [getattr(sc.levers, name) for name in type(sc.levers).model_fields]
        self.recompile_days = {lever.start_day for lever in levers
                               if lever.enabled and 0 < lever.start_day < days}
        self.recompile_days |= set(ramp_days(sc))
        self.summit_days = {s.day for s in sc.summits if s.day < days}
        forum = sc.levers.multilateral_forum
        self.forum_days: set[int] = set()
        if forum.enabled and forum.strength > 0 and forum.start_day < days:
            self.forum_days = set(range(forum.start_day, days, forum.period_days))

    def calendar(self) -> float:
        """Today's scheduled changes; the chance of a summit opportunity from a meeting today."""
        t = self.day
        if t in self.event_days or t in self.recompile_days:
            self.changes(t, [e for e in self.scenario.events if e.day == t])
        meeting = 1.0 if t in self.summit_days else 0.0
        if t in self.forum_days:
            strength = lever_strengths(self.scenario, t)["multilateral_forum"]
            meeting = max(meeting, strength * self.scenario.model.forum_summit_chance)
        return meeting

    def changes(self, t: int, events: list[Event]) -> None:
        """Apply ``events`` and compile the parameters in force on day ``t``.

        Every run of a scenario meets the same changes on the same days, so the runs of one
        ``run_reference`` share what they compile (``compiled``, by day), as the engine's runs of
        a chunk share their parameters.
        """
        if t not in self.compiled:
            scenario = self.scenario
            for event in events:
                scenario = apply_event(scenario, event)
            self.compiled[t] = (scenario, Plain(scenario, t))
        self.scenario, self.p = self.compiled[t]
        keys = list(self.scenario.issues)
        for event in events if self.activation else ():
            for path, value, is_add in event_changes(event):
                parts = path.split(".")
                if len(parts) == 3 and parts[0] == "issues" and parts[2] == "activation":
                    q = keys.index(parts[1])
                    new = self.activation[q] + value if is_add else value
                    self.activation[q] = min(max(float(new), 0.0), 1.0)

    # -- 2. incidents, war's end, demands --------------------------------------------------------
    def strike(self, k: int, explained: bool) -> None:
        """Incident type ``k`` hits its victim (§9)."""
        p = self.p
        victim = self.actors[p.inc_victim[k]]
        severity = p.severity[k]
        perpetrator = p.inc_perpetrator[k]
        if perpetrator >= 0:  # what trust in the perpetrator explains away
            severity *= 1.0 - p.trust_attribution * victim.trust[perpetrator]
        if explained:  # explained on the hotline, which opens direct talks
            severity *= 0.5
            self.talks_left = max(self.talks_left, p.call_days)
        else:  # a trigger: it ends the hold of a settlement
            self.flare_day = self.day
        victim.suffer(severity)
        if p.inc_control[k] != EXTERNAL:
            victim.hit_domain, victim.hit_day = p.inc_domain[k], self.day
        q = p.inc_issue[k]
        if q >= 0:
            self.activation[q] = dynamics.triggered(self.activation[q],
                                                    p.activation_per_severity * severity)
        if p.inc_domain[k] == DOMAIN_ENERGY:
            self.energy_damage *= 1.0 - min(1.0, p.energy_incident_cut * severity)
        self.incidents[k] += 1

    def incidents_today(self) -> None:
        """The opening incidents on day 0; each type by its rate, set by its driving rung."""
        p, rnd = self.p, self.random
        if self.day == 0:
            for k in p.opening:
                self.strike(k, False)
        for k in range(len(p.inc_victim)):
            if p.inc_control[k] == LEADERSHIP:
                row = self.actors[p.inc_perpetrator[k]].level
            elif p.inc_control[k] == EXTERNAL:
                row = EXTERNAL_ROW
            else:
                row = self.top
            if rnd.random() < p.p_incident[row][k]:
                self.strike(k, rnd.random() < p.explain)

    def war_and_demands(self) -> bool:
        """An open war may end in a ceasefire; open demands are met or dropped. At war after?"""
        p, rnd = self.p, self.random
        at_war = any(a.war for a in self.actors)
        if at_war and rnd.random() < p.war_end * (2.0 if self.mediating else 1.0):
            for a in self.actors:
                a.war = False
            at_war = False
        for d, status in enumerate(self.demands):
            if status != OPEN:
                continue
            demander, compelled = self.actors[p.dem_actor[d]], self.actors[p.dem_of[d]]
            q, o = p.dem_issue[d], compelled.index
            if not self.settlement_holds:  # an open demand pressed keeps its issue contested
                self.activation[q] = 1.0
            coerced = (demander.measures[DOMAIN_ECONOMIC] + demander.measures[DOMAIN_ENERGY]) > 0
            pain = (p.trade_cost[o] * max(0.0, 1.0 - self.trade)
                    + p.energy_cost[o] * max(0.0, 1.0 - self.energy)
                    + p.c_econ * p.transit[demander.index] * coerced)
            resistance = (p.audience[o] * compelled.nationalism
                          + p.stake[o][q] * self.gap_left[q])
            if rnd.random() < measures.concede_hazard(p.concede_rate, pain, resistance):
                self.demands[d] = MET
                self.closed_day[d] = self.day
                self.gap_left[q] = 0.0
                self.activation[q] = 0.0
            elif rnd.random() < p.drop_rate / 365.0:
                self.demands[d] = DROPPED
                self.closed_day[d] = self.day
        return at_war

    # -- 3. summits ------------------------------------------------------------------------------
    def summit(self, meeting: float, at_war: bool) -> None:
        """A leader-level summit: an opportunity, then every leader's acceptance (§10)."""
        p, rnd = self.p, self.random
        chance = 0.0
        flared = self.flare_day is not None and (self.settled_day is None
                                                 or self.flare_day > self.settled_day)
        hostile_words = any(a.stance >= VERBAL_HOSTILITY for a in self.actors)
        if flared and self.top >= DIPLOMATIC_RETALIATION and (hostile_words or at_war):
            chance = dynamics.summit_chance(
                p.summit_rate, p.summit_time_gain, float(self.crisis_days), p.summit_pain_gain,
                max(0.0, 1.0 - self.trade), p.summit_mediation_gain, self.mediating)
        if self.top >= VERBAL_HOSTILITY:
            chance = max(chance, meeting)
        if not rnd.random() < chance:
            return
        talking = self.mediating or self.talks_left > 0
        agree = 1.0
        for a in self.actors:
            i = a.index
            pain = (p.trade_cost[i] * max(0.0, 1.0 - self.trade)
                    + p.energy_cost[i] * max(0.0, 1.0 - self.energy))
            agree *= decision.summit_acceptance(
                p.rationality[i], p.summit_value, pain, p.cooperation[i],
                p.talks_bonus * talking, p.audience[i] * a.nationalism,
                p.summit_grievance_weight * a.grievance)
        if not rnd.random() < agree:
            return
        for a in self.actors:
            a.stance = min(a.stance, ENGAGEMENT)  # words down to engagement
            a.grievance *= p.summit_grievance_keep
            a.war = False
            for j in a.trust:
                a.trust[j] += p.summit_trust_gain * (1.0 - a.trust[j])
            a.level = max(a.stance, a.material)
        for q in range(self.n_issues):
            self.activation[q] *= p.summit_activation_keep
        self.settled_day = self.day
        # a summit is public: everyone's view of the recent days shows the new readings at once
        levels = tuple(a.level for a in self.actors)
        if self.day <= SUMMIT_MEMORY:
            self.start = levels
        for d in range(max(0, self.day - SUMMIT_MEMORY - 1), self.day):
            self.readings[d] = levels
        for a in self.actors:
            for j in a.prev_lagged:
                a.prev_lagged[j] = levels[j]
        self.summits += 1

    # -- the day ---------------------------------------------------------------------------------
    def step(self) -> None:
        """One day of the run (see the module docstring for the order)."""
        meeting = self.calendar()
        for a in self.actors:
            a.new_day()
        self.incidents_today()
        at_war = self.war_and_demands()
        self.summit(meeting, at_war)
        for a in self.actors:
            a.perceive()
        self.talking = self.mediating or self.talks_left > 0
        posture = any(a.measures[DOMAIN_MILITARY] > 0 for a in self.actors)
        for a in self.actors:
            a.want()
        for a in self.actors:  # in turn: force used by the first is met by the second
            a.consider_force(posture)
        for a in self.actors:
            a.consider_lifting()
        for a in self.actors:
            a.review()
        self.move_on()
        self.record()
        self.day += 1

    def move_on(self) -> None:
        """Readings, grievance, nationalism, trust, contention, flows and mediation (§7-§10)."""
        p = self.p
        levels = tuple(a.read() for a in self.actors)
        self.readings.append(levels)
        self.acts.append(tuple(a.act for a in self.actors))
        war = any(a.war for a in self.actors)
        trade_left, energy_left = p.trade_ceiling, 1.0
        for a in self.actors:
            trade_left *= dynamics.cut(p.trade_cut, a.measures[DOMAIN_ECONOMIC])
            energy_left *= dynamics.cut(p.energy_cut, a.measures[DOMAIN_ENERGY])
        if war:
            trade_left *= 1.0 - p.force_flow_cut
            energy_left *= 1.0 - p.force_flow_cut
        for a in self.actors:
            a.carry_on()
        self.activation = [x * p.activation_decay for x in self.activation]
        self.trade = dynamics.flow_step(self.trade, trade_left, p.trade_fall, p.trade_recovery)
        self.energy_supply = dynamics.flow_step(self.energy_supply, energy_left, p.energy_fall,
                                                p.energy_recovery)
        self.energy_damage = dynamics.flow_step(self.energy_damage, 1.0, 0.0, p.energy_recovery)
        self.top = max(levels)
        self.crisis_days = self.crisis_days + 1 if self.top >= dynamics.CRISIS_RUNG else 0
        self.mediating = ((self.mediating or self.crisis_days >= p.mediation_onset)
                          and self.top > dynamics.RESTORED)
        self.talks_left = max(0, self.talks_left - 1)
        self.war_days += war

    def record(self) -> None:
        """§11: the day's values (``DataCollector``) and the per-run metrics."""
        top, t = self.top, self.day
        if self.first_legal < 0 and top >= LEGAL_COERCION:
            self.first_legal = t
        if self.first_force < 0 and top >= LIMITED_FORCE:
            self.first_force = t
        self.days_reduced += top >= DIPLOMATIC_RETALIATION
        self.days_coercion += top >= LEGAL_COERCION
        self.days_military += top >= MILITARY_SIGNALLING
        self.trade_loss += max(0.0, 1.0 - self.trade)
        self.energy_loss += max(0.0, 1.0 - self.energy)
        self.mediation_days += self.mediating
        self.datacollector.collect(self)


def run_reference(scenario: Scenario, runs: int, seed: int) -> dict[str, np.ndarray]:
    """Run ``runs`` independent Mesa runs of ``scenario`` (its point values) with ``seed``.

    Returns per-run arrays keyed like the engine's ``keep_runs`` output: ``outcome``,
    ``peak_rung``, ``final_rung``, ``actor_peak``, ``actor_final``, ``actor_imposed``,
    ``actor_lifted``, ``actor_force``, ``summits`` and the other metrics kept here. The daily
    values stay in each model's ``DataCollector``.
    """
    scenario = point_valued(scenario)
    days = scenario.horizon_days
    rows: list[dict[str, Any]] = []
    seeds = np.random.SeedSequence(seed).generate_state(runs)
    compiled: dict[int, tuple[Scenario, Plain]] = {}
    for r in range(runs):
        model = EscalationRun(scenario, int(seeds[r]), compiled)
        for _ in range(days):
            model.step()
        actors = model.actors
        rows.append({
            "peak_rung": max(a.peak for a in actors),
            "final_rung": max(a.level for a in actors),
            "first_legal_day": model.first_legal, "first_force_day": model.first_force,
            "days_reduced_relations": model.days_reduced, "days_coercion": model.days_coercion,
            "days_military": model.days_military,
            "trade_loss": model.trade_loss / days, "energy_loss": model.energy_loss / days,
            "mediation_days": model.mediation_days, "summits": model.summits,
            "war_days": model.war_days,
            "actor_peak": [a.peak for a in actors], "actor_final": [a.level for a in actors],
            "actor_final_stance": [a.stance for a in actors],
            "actor_final_measures": [sum(a.measures) for a in actors],
            "actor_imposed": [a.imposed for a in actors],
            "actor_lifted": [a.lifted_count for a in actors],
            "actor_force": [a.force_acts for a in actors],
            "actor_days_coercion": [a.days_coercion for a in actors],
            "actor_goldstein": [a.goldstein / days for a in actors],
            "actor_escalation_score": [a.rivera / days for a in actors],
            "actor_final_nationalism": [a.nationalism for a in actors],
            "incidents": model.incidents,
        })
    out = {name: np.array([row[name] for row in rows]) for name in rows[0]} if rows else {}
    if rows:
        out["outcome"] = classify(out["peak_rung"], out["final_rung"])
    return out
