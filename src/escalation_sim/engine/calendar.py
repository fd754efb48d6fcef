"""The calendar: one simpy Environment drives the day process and the scenario's processes.

All runs of a chunk advance together (docs/model.md §3). The day process does, each day:
incidents, perception, reviews and decisions, state updates, recording. Scenario processes wake
at fixed days: scheduled events and lever starts (which recompile the parameters) and forum
meetings. Per-run timing (who reviews today, which incidents strike) is a mask over the run axis.

Parameters may differ from run to run (``model/params.py``): the scenario's uncertain
parameters, drawn per run (``scenario.priors.draw``), explicit per-run ``values``, and, for a
chunk that holds several analysis points side by side (*blocks*, ``engine/batch.py``), the
numbers in which their scenarios differ. A scheduled event that changes a parameter with
per-run values acts on each run's value: ``set`` replaces them (every run takes the new value
from that day), ``add`` adds to each run's value, held within the parameter's range as for a
number.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import simpy

from escalation_sim.engine import day
from escalation_sim.engine.batch import Block, block_values, event_values
from escalation_sim.engine.record import Recorder
from escalation_sim.engine.rng import UNIT, Streams
from escalation_sim.engine.state import HISTORY, State
from escalation_sim.model import decision
from escalation_sim.model.params import (
    Params,
    RunValues,
    at_runs,
    compile_params,
    lever_strengths,
    ramp_days,
    with_run_values,
)
from escalation_sim.scenario.edit import apply_event
from escalation_sim.scenario.schema import Event, Scenario, Summit

DRAW_RUN_DAYS = 65_536
"""Random numbers are drawn for this many run-days at a time (about 8 MB for the base)."""


class Observer(Protocol):
    """Receives what happens in run 0 of a chunk (used by ``escsim trace``)."""

    def note(self, day: int, kind: str, text: str) -> None:
        """A calendar happening: an event, a lever starting, a forum meeting."""

    def incident(self, day: int, key: str, explained: bool) -> None:
        """An incident of type ``key`` struck run 0."""

    def decision(self, day: int, actor: int, old: int, new: int, terms: np.ndarray,
                 desired: float, threat: float) -> None:
        """Actor ``actor`` reviewed and chose ``new``; ``terms`` is U(x) by term (T, rungs)."""

    def talks(self, day: int) -> None:
        """An explained incident opened direct talks on the hotline in run 0."""

    def mediation(self, day: int, engaged: bool) -> None:
        """The mediator engaged or left in run 0."""

    def summit(self, day: int, levels: list[int]) -> None:
        """A summit settled in run 0; ``levels`` are the rungs it left each actor on."""


@dataclass
class ChunkResult:
    """Per-run metrics and per-day histograms of one chunk of runs."""

    first_run: int
    runs: dict[str, np.ndarray]
    daily: dict[str, np.ndarray]


class DaySim:
    """One chunk of runs of one scenario, stepped by a simpy calendar.

    Args:
        scenario: The scenario (with ``blocks``: the first block's).
        seed: Its seed.
        first_run: Index of the chunk's first run.
        n_runs: Runs in the chunk (with ``blocks``: in each block).
        observer: Told what happens in run 0 (``escsim trace``).
        values: Per-run values, dotted path -> ``(n_runs,)`` array, on top of the scenario's
            own draws of its uncertain parameters.
        blocks: Several points run side by side, ``(scenario, seed)`` each, structurally alike
            (``batch.structure``): rows ``[b n_runs, (b + 1) n_runs)`` are block ``b``'s runs
            ``first_run ..``, each exactly as it would run alone. ``run_blocks`` gives their
            results.
    """

    def __init__(self, scenario: Scenario, seed: int, first_run: int, n_runs: int,
                 observer: Observer | None = None, values: RunValues | None = None,
                 blocks: Sequence[Block] | None = None) -> None:
        blocks = list(blocks) if blocks else [(scenario, seed)]
        self.scenario = blocks[0][0]
        self.days = self.scenario.horizon_days
        self.observer = observer
        self.n_blocks = len(blocks)
        self.streams = Streams(seed, first_run, n_runs,
                               [(s, first_run, n_runs) for _, s in blocks])
        self.first_run, self.block_runs = first_run, n_runs
        self.n_runs = n_runs * self.n_blocks
        self.values = block_values(blocks, first_run, n_runs, values)
        self.state = State.initial(with_run_values(self.scenario, self.values), self.n_runs)
        self.recorder = Recorder(self.n_runs, len(self.scenario.actors),
                                 len(self.scenario.incidents), self.days, self.n_blocks)
        self.meeting_today: float | np.ndarray = 0.0  # chance of a summit opportunity from a
        # meeting held today (per run when the forum's strength is)
        self._draws: dict[str, np.ndarray] = {}
        self._draws_from = 0
        for event in self.scenario.events:  # day-0 events act before the first day
            if event.day == 0:
                self.scenario = apply_event(self.scenario, event)
                self.values = event_values(self.values, event)
        self.params = compile_params(self.scenario, 0, self.values)

    def run_scenario(self) -> Scenario:
        """The scenario in force, with the per-run values in place (unvalidated)."""
        return with_run_values(self.scenario, self.values)

    @property
    def params(self) -> Params:
        """The compiled parameters in force today."""
        return self._params

    @params.setter
    def params(self, params: Params) -> None:
        self._params = params
        self.thresholds = day.Thresholds(params, self.n_runs)
        self._cap_grievance = True  # the cap may have changed: apply it to every run once

    # -- scenario processes ------------------------------------------------------------------
    def event_process(self, env: simpy.Environment, event: Event) -> Generator[Any, Any, None]:
        """A scheduled event changes scenario parameters from its day on (§9)."""
        yield env.timeout(event.day)
        self.scenario = apply_event(self.scenario, event)
        self.values = event_values(self.values, event)
        self.params = compile_params(self.scenario, event.day, self.values)
        self._note(event.day, "event", event.label or "scheduled change")

    def lever_process(self, env: simpy.Environment, name: str,
                      day: int) -> Generator[Any, Any, None]:
        """A lever starts to act on its start day (§10)."""
        yield env.timeout(day)
        self.params = compile_params(self.scenario, day, self.values)
        self._note(day, "lever", f"{name.replace('_', ' ')} starts")

    def ramp_process(self, env: simpy.Environment) -> Generator[Any, Any, None]:
        """Levers build up over their time constants: recompile every 10 days of a ramp (§10)."""
        for when in ramp_days(self.run_scenario()):
            yield env.timeout(when - env.now)
            self.params = compile_params(self.scenario, when, self.values)

    def summit_process(self, env: simpy.Environment, summit: Summit) -> Generator[Any, Any, None]:
        """A scheduled leader-level meeting: a sure summit opportunity on its day (§10)."""
        if summit.day > 0:  # a zero timeout would fire after day 0 had been stepped
            yield env.timeout(summit.day)
        self.meeting_today = 1.0
        self._note(summit.day, "summit", summit.label or "leader-level meeting")

    def forum_process(self, env: simpy.Environment) -> Generator[Any, Any, None]:
        """Multilateral forum meetings every ``period_days``: summit opportunities (§10)."""
        forum = self.scenario.levers.multilateral_forum
        if forum.start_day > 0:  # a zero timeout would fire after day 0 had been stepped
            yield env.timeout(forum.start_day)
        while True:
            scenario = self.run_scenario()
            strength = lever_strengths(scenario, int(env.now))["multilateral_forum"]
            chance = strength * scenario.model.forum_summit_chance
            self.meeting_today = (np.maximum(self.meeting_today, chance)
                                  if isinstance(chance, np.ndarray)
                                  else max(self.meeting_today, chance))
            self._note(int(env.now), "forum", "multilateral forum meets")
            yield env.timeout(forum.period_days)

    def day_process(self, env: simpy.Environment) -> Generator[Any, Any, None]:
        """The daily loop over all runs of the chunk."""
        self.recorder.start(self.state)
        for t in range(self.days):
            self.step(t)
            self.meeting_today = 0.0
            yield env.timeout(1)

    # -- one day -----------------------------------------------------------------------------
    def draws(self, t: int) -> day.Draws:
        """Day ``t``'s random numbers, ``DRAW_RUN_DAYS`` run-days at a time.

        Runs are counted as drawn: whole random blocks, whatever the runs simulated.
        """
        if t == 0 or t - self._draws_from >= next(iter(self._draws.values())).shape[0]:
            p, n = self.params, self.days - t
            n = max(1, min(n, DRAW_RUN_DAYS // self.streams.drawn_runs))
            a, k, st = p.n_actors, len(p.incident_keys), self.streams
            self._draws = {"incidents": st.uniform_bits("incidents", k, n),
                           "perception": st.uniform_bits("perception", 2 * a * (a - 1), n),
                           "reviews": st.uniform_bits("reviews", 2 * a, n),
                           "decisions": st.uniform_bits("decisions", a, n),
                           "shock": st.normal("domestic", a, n),
                           "summits": st.uniform_bits("summits", 2, n)}
            self._draws_from = t
        i, d = t - self._draws_from, self._draws
        return day.Draws(*(d[name][i] for name in ("incidents", "perception", "reviews",
                                                   "decisions", "shock", "summits")))

    def step(self, t: int) -> None:
        """Advance every run by day ``t``."""
        p, s, th = self.params, self.state, self.thresholds
        u = self.draws(t)
        today = day.incidents(s, p, th, u.incidents, self._cap_grievance)
        self._cap_grievance = False
        day.summits(t, s, p, u.summits, self.meeting_today, today)
        moved = day.perceive(t, s, p, th, u.perception, today)
        review = day.reviews(s, th, u.reviews, moved, today, p)
        struck = np.zeros(review.shape, dtype=bool)
        if today.hit_rows.size:
            struck[p.victim[today.hit_kinds], today.hit_rows] = True
        if self.observer is not None:
            self._observe_morning(t, u, today)
        self._decide(t, review, struck, u.decisions, today)
        s.history[(t + 1) % HISTORY] = s.level
        was = bool(s.mediating[0])
        day.update(s, p, today, u.shock)
        if self.observer is not None and bool(s.mediating[0]) != was:
            self.observer.mediation(t, bool(s.mediating[0]))
        self.recorder.day(t, s, today)

    def _observe_morning(self, t: int, u: day.Draws, today: day.Today) -> None:
        """Tell the observer about run 0's incidents, talks and summit of day ``t``."""
        assert self.observer is not None
        p = self.params
        mine = today.hit_rows == 0
        for j, explained in zip(today.hit_kinds[mine], today.explained[mine], strict=True):
            self.observer.incident(t, p.incident_keys[j], bool(explained))
            if explained and at_runs(p.call_days, 0):
                self.observer.talks(t)
        if today.settled.size and today.settled[0] == 0:
            self.observer.summit(t, [int(x) for x in self.state.level[:, 0]])

    def _decide(self, t: int, review: np.ndarray, struck: np.ndarray, u: np.ndarray,
                today: day.Today) -> None:
        """§6: every reviewing actor chooses a rung near its current one (one batch)."""
        flat = np.flatnonzero(review)  # actor-major: actor * R + run
        if flat.size == 0:
            return
        s, r = self.state, self.n_runs
        actor, rows = np.divmod(flat, r)
        p = self.params.at(rows)  # one column per decision, where parameters are per run
        tmax = day.threat_max(s, p, today, actor, rows)
        nat = s.nationalism.take(flat)
        d = decision.Deciders(
            actor=actor, x0=s.level.take(flat),
            desired=decision.desired_rung(actor, tmax, s.grievance.take(flat), nat, p),
            nationalism=nat, flow=s.trade[rows], talking=s.talking(rows),
            answering=day.answering(today, p, actor, rows))
        uniform = u.take(rows * p.n_actors + actor) * UNIT
        window: int | np.ndarray = p.window
        hit = struck.take(flat)
        if np.any(p.window_after_incident != p.window) and hit.any():  # struck: reach further
            window = np.where(hit, p.window_after_incident, p.window)
        new = decision.choose_near(d, window, uniform, p)
        s.level.put(flat, new)
        day.settle(s, p, actor, rows, d.x0 - new)
        if self.observer is not None:
            for n in np.flatnonzero(rows == 0):
                terms = decision.utility_terms(d.one(n), decision.RUNGS[:, None],
                                               self.params.at(rows[n:n + 1], tables=True))
                self.observer.decision(t, int(actor[n]), int(d.x0[n]), int(new[n]),
                                       terms[:, :, 0], float(d.desired[n]), float(tmax[n]))

    def _note(self, day: int, kind: str, text: str) -> None:
        if self.observer is not None:
            self.observer.note(day, kind, text)

    # -- run ---------------------------------------------------------------------------------
    def run(self) -> ChunkResult:
        """Run the calendar to the horizon and return the chunk's results (one block)."""
        [result] = self.run_blocks()
        return result

    def run_blocks(self) -> list[ChunkResult]:
        """Run the calendar to the horizon and return each block's results."""
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
        if ramp_days(self.run_scenario()):
            env.process(self.ramp_process(env))
        for summit in self.scenario.summits:
            if summit.day < self.days:
                env.process(self.summit_process(env, summit))
        forum = self.run_scenario().levers.multilateral_forum
        if forum.enabled and np.any(np.asarray(forum.strength) > 0) \
                and forum.start_day < self.days:
            env.process(self.forum_process(env))
        env.process(self.day_process(env))
        env.run(until=self.days)
        runs = self.recorder.finish(self.state)
        n = self.block_runs
        return [ChunkResult(self.first_run, {k: v[b * n:(b + 1) * n] for k, v in runs.items()},
                            {k: v[:, b] for k, v in self.recorder.daily.items()})
                for b in range(self.n_blocks)]


def simulate_chunk(scenario: Scenario, seed: int, first_run: int, n_runs: int,
                   observer: Observer | None = None,
                   values: RunValues | None = None) -> ChunkResult:
    """Simulate runs ``first_run .. first_run + n_runs - 1`` of ``scenario`` with ``seed``.

    ``values``: per-run parameter values, dotted path -> ``(n_runs,)`` array (``DaySim``).
    """
    return DaySim(scenario, seed, first_run, n_runs, observer, values).run()


def simulate_blocks(blocks: Sequence[Block], first_run: int, n_runs: int) -> list[ChunkResult]:
    """Runs ``first_run ..`` (``n_runs`` of them) of each ``(scenario, seed)`` block, side by side.

    The blocks must be structurally alike (``batch.structure``); each block's results are
    those of ``simulate_chunk(scenario, seed, first_run, n_runs)``.
    """
    return DaySim(blocks[0][0], blocks[0][1], first_run, n_runs, blocks=blocks).run_blocks()
