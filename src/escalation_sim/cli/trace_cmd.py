"""``escsim trace SCENARIO``: one run of the ensemble told as a dated event log.

``--run K`` tells run ``K`` (the same story as run ``K`` of ``escsim run`` with the same seed);
``--pick`` runs the ensemble first and chooses a run by its outcome.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from escalation_sim.analysis.picks import PICKS
from escalation_sim.cli.common import (
    EXIT_FAILURE,
    DaysOpt,
    ExecutorOpt,
    JsonOpt,
    RunsOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    examples,
    executor_or_exit,
    fail,
    load_or_exit,
    out,
    print_json,
)

HELP = (
    "Tell one run of a scenario as a dated event log: incidents, each side's moves with the "
    "rung's name, CAMEO code and Goldstein weight and the main reason for the move, mediation, "
    "forum meetings, levers and scheduled events, and the run's outcome class.\n\n"
    "--run K tells run K of the ensemble (default 0): the same story as run K of 'escsim run' "
    "with the same seed. --pick runs the ensemble first and tells the first run that ended in "
    "war, armed clashes or normalization, or the median run. --json prints the events."
)
EPILOG = examples(
    "escsim trace scenarios/base.yaml",
    "escsim trace scenarios/base.yaml --run 17 --holds",
    "escsim trace scenarios/base.yaml --pick clashes",
    "escsim trace scenarios/base.yaml --pick median --json > run.json",
)


def trace(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML).")],
    run_index: Annotated[int | None, typer.Option("--run", min=0, metavar="K",
                                                  help="Run index to tell (default 0).")] = None,
    pick: Annotated[str | None, typer.Option("--pick", metavar="|".join(PICKS),
                                             help="Run the ensemble and tell a run of this "
                                                  "outcome, or the median run.")] = None,
    holds: Annotated[bool, typer.Option("--holds", help="Also show reviews that kept the "
                                                        "rung.")] = False,
    runs: RunsOpt = None,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tell one run as a dated event log (help text: ``HELP``)."""
    from escalation_sim.analysis.trace import pick_run, trace_run
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.engine.ensemble import simulate
    from escalation_sim.render.trace import render_trace

    if run_index is not None and pick is not None:
        fail("--run and --pick exclude each other; give one")
    if pick is not None and pick not in PICKS:
        fail(f"--pick {pick}: choose one of {', '.join(PICKS)}")
    resolved = load_or_exit(scenario, sets, runs=runs, days=days, seed=seed)
    why = None
    if pick is None:
        index = run_index or 0
        if index >= resolved.runs:
            fail(f"--run {index}: the ensemble has {resolved.runs:,} runs (0 to "
                 f"{resolved.runs - 1}); choose a smaller K or raise --runs")
    else:
        pool = executor_or_exit(executor, scheduler, workers)
        with progress_bar(resolved.runs) as progress:
            result = simulate(resolved, executor=pool, keep_runs=True, progress=progress)
        assert result.runs is not None
        found = pick_run(result.runs, pick)
        if found is None:
            fail(f"--pick {pick}: none of the {resolved.runs:,} runs with seed {resolved.seed} "
                 f"ended in {PICKS[pick].replace('_', ' ')}; try more --runs or another --seed",
                 EXIT_FAILURE)
        index = found
        why = (f"--pick {pick}: the median run of {resolved.runs:,}" if PICKS[pick] is None
               else f"--pick {pick}: the first of {resolved.runs:,} runs that ended in "
                    f"{PICKS[pick].replace('_', ' ')}")
    story = trace_run(resolved, index)
    if as_json:
        data = story.to_dict()
        if not holds:
            data["events"] = [e for e in data["events"] if e["kind"] != "hold"]
        print_json(data)
        return
    render_trace(story, out, holds=holds, why=why)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Add ``escsim trace`` to the app."""
    app.command("trace", help=HELP, epilog=EPILOG,
                short_help="One run as a dated event log: moves with CAMEO, Goldstein, why.")(
        trace)
