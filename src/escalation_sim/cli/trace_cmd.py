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
    out,
    print_json,
)
from escalation_sim.cli.steps import loaded_or_exit, planned

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
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.commands import trace as command
    from escalation_sim.render.trace import render_trace

    loaded = loaded_or_exit(scenario, sets, runs=runs, days=days, seed=seed)
    plan = planned(lambda: command.plan(loaded, run=run_index, pick=pick, holds=holds))
    pool = executor_or_exit(executor, scheduler, workers) if plan.pick is not None else None
    with progress_bar(plan.total) as progress:
        try:
            output = plan.run(pool, progress)
        except command.NoSuchRun as exc:
            fail(exc, EXIT_FAILURE)
    if as_json:
        print_json(output.document)
        return
    assert output.story is not None
    render_trace(output.story, out, holds=holds, why=output.why)
    sys.stdout.flush()

def register(app: typer.Typer) -> None:
    """Add ``escsim trace`` to the app."""
    app.command("trace", help=HELP, epilog=EPILOG,
                short_help="One run as a dated event log: moves with CAMEO, Goldstein, why.")(
        trace)
