"""The calendar: one simpy Environment drives the day kernel and the scenario's processes.

All runs of a chunk advance together (docs/model.md §3). Scenario processes wake at fixed days:
scheduled events and lever starts and build-ups (which recompile the parameters), scheduled
summits and forum meetings (a summit opportunity on their day). Between two such days the day
process hands the whole span to the compiled kernel (``engine/kernel.py``), which steps every run
through it; a process dated day *d* acts before day *d*'s step.

Parameters may differ from run to run (``engine/compile.py``): the scenario's uncertain
parameters, drawn per run (``engine/draws.py``), explicit per-run ``values``, and, for a chunk
that holds several analysis points side by side (*blocks*, ``engine/batch.py``), the numbers in
which their scenarios differ. A scheduled event that changes a parameter with per-run values acts
on each run's value: ``set`` replaces them, ``add`` adds to each run's value, held within the
parameter's range as for a number.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import simpy

from escalation_sim.engine import kernel
from escalation_sim.engine.batch import Block, block_values, event_values
from escalation_sim.engine.compile import (
    FIXED,
    Params,
    RunValues,
    compile_params,
    lever_strengths,
    ramp_days,
    with_run_values,
)
from escalation_sim.engine.record import Record, daily, finish, new_record
from escalation_sim.engine.rng import rekey, run_keys
from escalation_sim.engine.state import Start, State
from escalation_sim.model import _jit
from escalation_sim.model.ladder import DOMAIN_RUNGS
from escalation_sim.scenario.edit import apply_event, event_changes
from escalation_sim.scenario.schema import Event, Scenario, Summit


def kernel_layout(state: State) -> State:
    """``state`` with every array C-ordered and writable, as the day kernel is compiled for.

    numba compiles the kernel (about a minute) for each distinct set of array types it is
    called with, and an array's order and writability are part of its type. A per-run
    ``model.initial_trust`` would otherwise give ``State.trust`` in Fortran order (numpy's copy
    of a broadcast keeps its order). A copy holds the same numbers, so results are unchanged and
    the kernel compiles once.
    """
    if all(x.flags.c_contiguous and x.flags.writeable for x in state):
        return state
    return State(*(x if x.flags.c_contiguous and x.flags.writeable else np.array(x, order="C")
                   for x in state))


def kernel_params(params: Params, n_runs: int) -> Params:
    """``params`` as the day kernel reads them: column ``r`` of every field is run ``r``'s value.

    A field shared by the runs (one column) becomes a read-only view that repeats it (stride 0:
    every run reads the same numbers, which stay in cache); a field with a column per run, a
    read-only view of them (stored in reverse, so that its strides, like the shared fields',
    are not those of a contiguous array). Every field thus has one array type whichever
    parameters are per run, and the kernel compiles once for all of them (numba compiles for
    each set of argument types, about a minute). At least two columns, for the same reason; the
    kernel reads the first ``n_runs``. A field of no numbers (a scenario without issues or
    incident types) gets one zero the kernel never reads: its loops take their counts from the
    state and the scenario's structure. The structure (``FIXED``) is C-ordered and writable.
    """
    columns = max(n_runs, 2)
    out = []
    for name, x in zip(Params._fields, params, strict=True):
        if name in FIXED:
            out.append(x if x.flags.c_contiguous and x.flags.writeable
                       else np.array(x, order="C"))
            continue
        if x.size == 0:
            x = np.zeros((*(max(n, 1) for n in x.shape[:-1]), 1), dtype=x.dtype)
        if x.shape[-1] == 1:
            out.append(np.broadcast_to(x, (*x.shape[:-1], columns)))
            continue
        assert x.shape[-1] == n_runs, (name, x.shape, n_runs)
        view = np.ascontiguousarray(x[..., ::-1])[..., ::-1]
        view.flags.writeable = False
        out.append(view)
    return Params(*out)


class Observer(Protocol):
    """Receives what happens in run 0 of a chunk (used by ``escsim trace``)."""

    def note(self, day: int, kind: str, text: str) -> None:
        """A calendar happening: an event, a lever starting, a forum meeting."""

    def happened(self, row: np.ndarray) -> None:
        """One row of the kernel's events (``kernel.EV_*``): day, kind, then its numbers."""


@dataclass
class ChunkResult:
    """Per-run metrics and per-day histograms of one chunk of runs."""

    first_run: int
    runs: dict[str, np.ndarray]
    daily: dict[str, np.ndarray]


def month_of_day(start: Any, days: int) -> np.ndarray:
    """Month index of each simulated day: calendar months counted from ``start``'s month.

    Without a calendar start date, months are blocks of 30 days.
    """
    t = np.arange(days)
    if start is None:
        return t // 30
    import datetime as dt

    dates = [start + dt.timedelta(days=int(d)) for d in t]
    return np.array([(d.year - start.year) * 12 + d.month - start.month for d in dates],
                    dtype=np.int64)


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
            ``first_run ..``, each exactly as it would run alone.
        monthly: Keep each run's monthly extremes (backtests).
        start: The runs' state and per-run values on day 0, instead of the scenario's starting
            state: an ensemble filtered through the record (``engine/filter.py``).
        stops: Days on which the calendar pauses, so that ``advance`` can stop there.
    """

    def __init__(self, scenario: Scenario, seed: int, first_run: int, n_runs: int,
                 observer: Observer | None = None, values: RunValues | None = None,
                 blocks: Sequence[Block] | None = None, monthly: bool = False,
                 start: Start | None = None, stops: Sequence[int] = ()) -> None:
        blocks = list(blocks) if blocks else [(scenario, seed)]
        self.scenario = blocks[0][0]
        self.days = self.scenario.horizon_days
        self.observer = observer
        self.n_blocks = len(blocks)
        self.first_run, self.block_runs = first_run, n_runs
        self.n_runs = n_runs * self.n_blocks
        self.monthly = monthly
        _jit.prepare(self.n_runs * self.days)  # Python for a process's first few run-days
        self.keys = np.concatenate([run_keys(s, first_run, n_runs) for _, s in blocks])
        self.values = block_values(blocks, first_run, n_runs, values)
        if start is not None:  # the filtered runs' own draws travel with them
            self.values = {**self.values, **start.values}
        for event in self.scenario.events:  # day-0 events act before the first day
            if event.day == 0:
                self.scenario = apply_event(self.scenario, event)
                self.values = event_values(self.values, event)
        self.state = kernel_layout(
            State.initial(with_run_values(self.scenario, self.values), self.n_runs)
            if start is None else start.state.copy())
        self.stops = sorted(set(stops))
        self._env: simpy.Environment | None = None
        self._processes: list[Generator[Any, Any, None]] = []
        months = month_of_day(self.scenario.start_date, self.days) if monthly else None
        self.record: Record = new_record(self.n_runs, len(self.scenario.actors),
                                         len(self.scenario.incidents),
                                         len(self.scenario.demands), self.days, self.n_blocks,
                                         months)
        self.meeting: Any = 0.0  # chance of a summit opportunity from a meeting held today
        self.events = np.zeros((kernel.MAX_EVENTS if observer else 1, kernel.EVENT_WIDTH))
        self.n_events = np.zeros(1, dtype=np.int64)
        self.work = kernel.new_work(len(self.scenario.actors))
        self.params = compile_params(self.scenario, 0, self.values)

    def run_scenario(self) -> Scenario:
        """The scenario in force, with the per-run values in place (unvalidated)."""
        return with_run_values(self.scenario, self.values)

    # -- scenario processes ------------------------------------------------------------------
    def event_process(self, env: simpy.Environment, event: Event) -> Generator[Any, Any, None]:
        """A scheduled event changes scenario parameters from its day on (§9)."""
        yield env.timeout(event.day)
        self.scenario = apply_event(self.scenario, event)
        self.values = event_values(self.values, event)
        self.params = compile_params(self.scenario, event.day, self.values)
        self._contend(event)
        self._note(event.day, "event", event.label or "scheduled change")

    def _contend(self, event: Event) -> None:
        """An event on an issue's contention triggers it in every run (§8).

        Contention is state, not a parameter: ``set`` puts the issue's contention at the new
        value, ``add`` adds to each run's contention of the day, held within 0-1.
        """
        keys = list(self.scenario.issues)
        for path, value, is_add in event_changes(event):
            parts = path.split(".")
            if len(parts) != 3 or parts[0] != "issues" or parts[2] != "activation":
                continue
            q = keys.index(parts[1])
            row = self.state.activation[q]
            if is_add:
                row += float(value)
            else:
                row[:] = np.asarray(self.run_scenario().issues[parts[1]].activation, float)
            np.clip(row, 0.0, 1.0, out=row)

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
        self.meeting = 1.0
        self._note(summit.day, "summit", summit.label or "leader-level meeting")

    def forum_process(self, env: simpy.Environment) -> Generator[Any, Any, None]:
        """Multilateral forum meetings every ``period_days``: summit opportunities (§10)."""
        forum = self.scenario.levers.multilateral_forum
        if forum.start_day > 0:
            yield env.timeout(forum.start_day)
        while True:
            scenario = self.run_scenario()
            strength = lever_strengths(scenario, int(env.now))["multilateral_forum"]
            self.meeting = np.maximum(self.meeting, strength * scenario.model.forum_summit_chance)
            self._note(int(env.now), "forum", "multilateral forum meets")
            yield env.timeout(forum.period_days)

    def day_process(self, env: simpy.Environment,
                    wakes: list[int]) -> Generator[Any, Any, None]:
        """Step the kernel from one scenario process's day to the next."""
        t = 0
        for stop in [*wakes, self.days]:
            if stop <= t:
                continue
            self.step(t, stop)
            self.meeting = 0.0
            yield env.timeout(stop - t)
            t = stop

    # -- days ---------------------------------------------------------------------------------
    def step(self, t0: int, t1: int) -> None:
        """Advance every run through days ``t0 .. t1 - 1`` with the parameters in force."""
        p = self.params
        meeting = np.array(self.meeting, dtype=float).reshape(-1)  # (1,) or per run
        self.n_events[0] = 0
        # in Python, numpy's scalars warn where the compiled code wraps (the random streams'
        # 64-bit arithmetic) or follows numpy's error model, as both forms mean to
        with np.errstate(all="ignore"):
            kernel.run_days(t0, t1, self.state, p, self.record, self.work, self.keys, meeting,
                            self.block_runs, self.monthly, self.observer is not None,
                            self.events, self.n_events)
        if self.observer is not None:
            for row in self.events[:self.n_events[0]]:
                self.observer.happened(row)

    def _note(self, day: int, kind: str, text: str) -> None:
        if self.observer is not None:
            self.observer.note(day, kind, text)

    @property
    def params(self) -> Params:
        """The compiled parameters in force."""
        return self._params

    @params.setter
    def params(self, params: Params) -> None:
        self._params = kernel_params(params, self.n_runs)

    # -- run ----------------------------------------------------------------------------------
    def run(self) -> ChunkResult:
        """Run the calendar to the horizon and return the chunk's results (one block)."""
        [result] = self.run_blocks()
        return result

    def run_blocks(self) -> list[ChunkResult]:
        """Run the calendar to the horizon and return each block's results."""
        self.open()
        self.advance(self.days)
        return self.close()

    def open(self) -> None:
        """Set up the calendar: a process per scheduled change, lever, summit and forum."""
        env = self._env = simpy.Environment()
        processes = self._processes = []

        def start(process: Generator[Any, Any, None]) -> None:
            processes.append(process)
            env.process(process)

        wakes: set[int] = set(self.stops)
        # scenario processes are created before the day process, so on a shared day they act
        # first: a change dated day d applies to day d's decisions
        for event in self.scenario.events:
            if 0 < event.day < self.days:
                start(self.event_process(env, event))
                wakes.add(event.day)
        for name in type(self.scenario.levers).model_fields:
            lever = getattr(self.scenario.levers, name)
            if lever.enabled and 0 < lever.start_day < self.days:
                start(self.lever_process(env, name, lever.start_day))
                wakes.add(lever.start_day)
        ramps = ramp_days(self.run_scenario())
        if ramps:
            start(self.ramp_process(env))
            wakes.update(ramps)
        for summit in self.scenario.summits:
            if summit.day < self.days:
                start(self.summit_process(env, summit))
                wakes.update((summit.day, summit.day + 1))
        forum = self.run_scenario().levers.multilateral_forum
        if forum.enabled and np.any(np.asarray(forum.strength) > 0) \
                and forum.start_day < self.days:
            start(self.forum_process(env))
            for day in range(forum.start_day, self.days, forum.period_days):
                wakes.update((day, day + 1))
        start(self.day_process(env, sorted(d for d in wakes if 0 < d < self.days)))
        self._start()

    def advance(self, day: int) -> None:
        """Simulate the days before ``day`` not yet simulated (``day``: 0 … horizon, a stop)."""
        assert self._env is not None, "open() first"
        if day > self._env.now:
            self._env.run(until=day)

    def close(self) -> list[ChunkResult]:
        """End the calendar and return each block's results (the days simulated so far)."""
        for process in self._processes:  # processes still waiting would keep arrays alive
            process.close()
        self._processes, self._env = [], None
        runs = finish(self.record, self.state, self.days, self.monthly)
        n = self.block_runs
        return [ChunkResult(self.first_run, {k: v[b * n:(b + 1) * n] for k, v in runs.items()},
                            daily(self.record, b))
                for b in range(self.n_blocks)]

    def select(self, runs: np.ndarray, salt: int) -> None:
        """Go on with the runs ``runs`` (indices, one per row): state, per-run values, params.

        A particle filter's resampling (``engine/filter.py``): row ``k`` takes run
        ``runs[k]``'s state and draws; its random key is made new from its own and ``salt``, so
        that copies of one run go their own ways from here.
        """
        self.state = kernel_layout(self.state.take(runs))
        self.values = {path: np.asarray(v)[runs] if np.ndim(v) else v
                       for path, v in self.values.items()}
        self.keys = rekey(self.keys, salt)
        day = 0 if self._env is None else int(self._env.now)
        self.params = compile_params(self.scenario, day, self.values)

    def _start(self) -> None:
        """Count the day-0 readings towards month 0 of a backtest.

        The record's month 0 holds the start. Peaks count the days simulated: the starting
        reading is given, not forecast (a scenario that opens with force does not make every run
        one of force).
        """
        rec, level = self.record, self.state.level
        if self.monthly and self.days:
            rec.month_max[:, :, 0] = np.maximum(rec.month_max[:, :, 0], level.T)
            rec.month_stance[:, :, 0] = np.maximum(rec.month_stance[:, :, 0],
                                                   self.state.stance.T)
            held = np.where(self.state.measures > 0, DOMAIN_RUNGS[None, :, None], -1).max(axis=1)
            rec.month_material[:, :, 0] = np.maximum(rec.month_material[:, :, 0], held.T)
            rec.month_min_top[:, 0] = np.minimum(rec.month_min_top[:, 0], level.max(axis=0))


def simulate_chunk(scenario: Scenario, seed: int, first_run: int, n_runs: int,
                   observer: Observer | None = None, values: RunValues | None = None,
                   monthly: bool = False, start: Start | None = None) -> ChunkResult:
    """Simulate runs ``first_run .. first_run + n_runs - 1`` of ``scenario`` with ``seed``."""
    return DaySim(scenario, seed, first_run, n_runs, observer, values, monthly=monthly,
                  start=start).run()


def simulate_blocks(blocks: Sequence[Block], first_run: int, n_runs: int,
                    monthly: bool = False, start: Start | None = None) -> list[ChunkResult]:
    """Runs ``first_run ..`` (``n_runs`` of them) of each ``(scenario, seed)`` block, side by side.

    The blocks must be structurally alike (``batch.structure``); each block's results are those
    of ``simulate_chunk(scenario, seed, first_run, n_runs)``.
    """
    return DaySim(blocks[0][0], blocks[0][1], first_run, n_runs, blocks=blocks,
                  monthly=monthly, start=start).run_blocks()
