"""The calendar: one simpy Environment drives the day process and the scenario's processes.

All runs of a chunk advance together (docs/model.md §3). The day process does, each day:
incidents, perception, reviews and decisions, state updates, recording. Scenario processes wake
at fixed days: scheduled events and lever starts (which recompile the parameters) and forum
meetings. Per-run timing (who reviews today, which incidents strike) is a mask over the run axis.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import simpy

from escalation_sim.engine.record import Recorder
from escalation_sim.engine.rng import Streams
from escalation_sim.engine.state import HISTORY, State
from escalation_sim.model import decision, dynamics
from escalation_sim.model.params import Params, compile_params
from escalation_sim.scenario.edit import apply_event
from escalation_sim.scenario.schema import Event, Scenario


class Observer(Protocol):
    """Receives what happens in run 0 of a chunk (used by ``escsim trace``)."""

    def note(self, day: int, kind: str, text: str) -> None:
        """A calendar happening: an event, a lever starting, a forum meeting."""

    def incident(self, day: int, key: str, explained: bool) -> None:
        """An incident of type ``key`` struck run 0."""

    def decision(self, day: int, actor: int, old: int, new: int, terms: np.ndarray,
                 desired: float, threat: float) -> None:
        """Actor ``actor`` reviewed and chose ``new``; ``terms`` is U(x) by term (T, rungs)."""

    def mediation(self, day: int, engaged: bool) -> None:
        """The mediator engaged or left in run 0."""


@dataclass
class ChunkResult:
    """Per-run metrics and per-day histograms of one chunk of runs."""

    first_run: int
    runs: dict[str, np.ndarray]
    daily: dict[str, np.ndarray]


class DaySim:
    """One chunk of runs of one scenario, stepped by a simpy calendar."""

    def __init__(self, scenario: Scenario, seed: int, first_run: int, n_runs: int,
                 observer: Observer | None = None) -> None:
        self.scenario = scenario
        self.days = scenario.horizon_days
        self.observer = observer
        self.streams = Streams(seed, first_run, n_runs)
        self.first_run, self.n_runs = first_run, n_runs
        self.state = State.initial(scenario, n_runs)
        self.recorder = Recorder(n_runs, len(scenario.actors), len(scenario.incidents), self.days)
        self.forum_today = False
        for event in scenario.events:  # day-0 events act before the first day
            if event.day == 0:
                self.scenario = apply_event(self.scenario, event)
        self.params = compile_params(self.scenario, 0)

    # -- scenario processes ------------------------------------------------------------------
    def event_process(self, env: simpy.Environment, event: Event) -> Generator[Any, Any, None]:
        """A scheduled event changes scenario parameters from its day on (§9)."""
        yield env.timeout(event.day)
        self.scenario = apply_event(self.scenario, event)
        self.params = compile_params(self.scenario, event.day)
        self._note(event.day, "event", event.label or "scheduled change")

    def lever_process(self, env: simpy.Environment, name: str,
                      day: int) -> Generator[Any, Any, None]:
        """A lever starts to act on its start day (§10)."""
        yield env.timeout(day)
        self.params = compile_params(self.scenario, day)
        self._note(day, "lever", f"{name.replace('_', ' ')} starts")

    def forum_process(self, env: simpy.Environment) -> Generator[Any, Any, None]:
        """Multilateral forum meetings every ``period_days`` from the lever's start day (§10)."""
        forum = self.scenario.levers.multilateral_forum
        if forum.start_day > 0:  # a zero timeout would fire after day 0 had been stepped
            yield env.timeout(forum.start_day)
        while True:
            self.forum_today = True
            self._note(int(env.now), "forum", "multilateral forum meets")
            yield env.timeout(forum.period_days)

    def day_process(self, env: simpy.Environment) -> Generator[Any, Any, None]:
        """The daily loop over all runs of the chunk."""
        self.recorder.start(self.state)
        for t in range(self.days):
            self.step(t)
            self.forum_today = False
            yield env.timeout(1)

    # -- one day -----------------------------------------------------------------------------
    def step(self, t: int) -> None:
        """Advance every run by day ``t``."""
        p, s = self.params, self.state
        r, a, k = self.n_runs, p.n_actors, len(p.incident_keys)
        u_inc = self.streams.uniform("incidents", 2 * k)
        u_per = self.streams.uniform("perception", 2 * a * a).reshape(r, 2, a, a)
        u_rev = self.streams.uniform("reviews", 2 * a).reshape(r, 2, a)
        u_dec = self.streams.uniform("decisions", a)
        shock = self.streams.normal("domestic", a)

        if self.forum_today:  # §10 forum: grievances aired and reduced, joint review
            s.grievance *= 1.0 - p.forum_grievance_cut
        hits, struck = self._incidents(t, u_inc, p)

        # §5 perception: lagged true rungs, misread now and then, plus rhetoric
        lagged = np.empty((r, a, a), dtype=np.int64)
        for i in range(a):
            lagged[:, i, :] = s.history[(t - p.lag[i]) % HISTORY]
        seen = decision.perceive(lagged, u_per[:, 0], u_per[:, 1], p.p_mis, p.p_mis_military,
                                 p.worst_case_bias)
        threat = decision.threat(seen, s.nationalism, s.trust, p)
        threat_max = max_over_others(threat)

        # §3 reviews: routine, reaction to a newly perceived escalation, incident, forum
        rose = max_over_others(lagged > s.prev_lagged)
        review = (u_rev[:, 0] < p.p_review) | (rose & (u_rev[:, 1] < p.reaction)) | struck
        if self.forum_today:
            review[:] = True
        self._decide(t, review, struck, threat_max, u_dec, p)

        # §7 state updates
        top = top_rung(s.level)
        suffered = dynamics.hostility_suffered(s.level)
        s.history[(t + 1) % HISTORY] = s.level
        s.prev_lagged = lagged
        s.grievance = dynamics.grievance(s.grievance, suffered, p)
        s.nationalism = dynamics.nationalism(s.nationalism, suffered, shock, p)
        s.trade, s.energy = dynamics.flows(s.trade, s.energy, top, p)
        s.trust = dynamics.trust(s.trust, seen, p)
        was = bool(s.mediating[0])
        s.crisis_days, s.mediating = dynamics.mediation(s.crisis_days, s.mediating, top, p)
        if self.observer is not None and bool(s.mediating[0]) != was:
            self.observer.mediation(t, bool(s.mediating[0]))
        self.recorder.day(t, s, hits)

    def _incidents(self, t: int, u: np.ndarray, p: Params) -> tuple[np.ndarray, np.ndarray]:
        """§9: Poisson incidents strike; victims gain grievance and nationalism at once."""
        k, a = len(p.incident_keys), p.n_actors
        if k == 0:
            return np.zeros((self.n_runs, 0), dtype=np.int64), np.zeros((self.n_runs, a), bool)
        hits = u[:, :k] < p.p_incident
        explained = u[:, k:] < p.explain_prob
        severity = p.severity * np.where(explained, 0.5, 1.0) * hits
        suffered = severity @ p.to_victim
        s = self.state
        s.grievance = np.minimum(s.grievance + suffered, p.grievance_max)
        s.nationalism = np.minimum(s.nationalism + p.rally_per_severity * suffered, 1.0)
        if self.observer is not None:
            for j in np.flatnonzero(hits[0]):
                self.observer.incident(t, p.incident_keys[j], bool(explained[0, j]))
        return hits.astype(np.int64), (hits.astype(float) @ p.to_victim) > 0

    def _decide(self, t: int, review: np.ndarray, struck: np.ndarray, threat_max: np.ndarray,
                u_dec: np.ndarray, p: Params) -> None:
        """§6: reviewing actors choose a rung near their current one by logit choice."""
        s = self.state
        rows, actor = np.nonzero(review)
        if rows.size == 0:
            return
        desired = decision.desired_rung(threat_max, s.grievance, s.nationalism, p)[rows, actor]
        x0 = s.level[rows, actor]
        terms = decision.utility_terms(actor, x0, desired, s.nationalism[rows, actor],
                                       s.trade[rows], s.mediating[rows], p)
        window = np.where(struck[rows, actor], p.window_after_incident, p.window)
        new = decision.choose(terms.sum(axis=0), x0, window, p.rationality[actor],
                              u_dec[rows, actor])
        s.level[rows, actor] = new
        if self.observer is not None:
            for n in np.flatnonzero(rows == 0):
                self.observer.decision(t, int(actor[n]), int(x0[n]), int(new[n]), terms[:, n],
                                       float(desired[n]), float(threat_max[0, actor[n]]))

    def _note(self, day: int, kind: str, text: str) -> None:
        if self.observer is not None:
            self.observer.note(day, kind, text)

    # -- run ---------------------------------------------------------------------------------
    def run(self) -> ChunkResult:
        """Run the calendar to the horizon and return the chunk's results."""
        env = simpy.Environment()
        # scenario processes are created before the day process, so on a shared day they act
        # first: a change dated day d applies to day d's decisions
        for event in self.scenario.events:
            if 0 < event.day < self.days:
                env.process(self.event_process(env, event))
        for name in type(self.scenario.levers).model_fields:
            lever = getattr(self.scenario.levers, name)
            if lever.enabled and 0 < lever.start_day < self.days:
                env.process(self.lever_process(env, name, lever.start_day))
        forum = self.scenario.levers.multilateral_forum
        if forum.enabled and forum.strength > 0 and forum.start_day < self.days:
            env.process(self.forum_process(env))
        env.process(self.day_process(env))
        env.run(until=self.days)
        return ChunkResult(self.first_run, self.recorder.finish(self.state),
                           self.recorder.daily)


def max_over_others(x: np.ndarray) -> np.ndarray:
    """``out[r, i] = max over j != i of x[r, i, j]`` for a few actors (faster than an axis max)."""
    a = x.shape[1]
    out = np.empty(x.shape[:2], dtype=x.dtype)
    for i in range(a):
        cols = [x[:, i, j] for j in range(a) if j != i]
        out[:, i] = cols[0] if len(cols) == 1 else np.maximum.reduce(cols)
    return out


def top_rung(level: np.ndarray) -> np.ndarray:
    """Highest rung over actors in each run."""
    return np.maximum.reduce([level[:, i] for i in range(level.shape[1])])


def simulate_chunk(scenario: Scenario, seed: int, first_run: int, n_runs: int,
                   observer: Observer | None = None) -> ChunkResult:
    """Simulate runs ``first_run .. first_run + n_runs - 1`` of ``scenario`` with ``seed``."""
    return DaySim(scenario, seed, first_run, n_runs, observer).run()
