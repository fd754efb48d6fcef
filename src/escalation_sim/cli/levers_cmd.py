"""``escsim levers SCENARIO``: the six de-escalation levers ranked by their paired effect.

Scenario → the scenario as it is, each lever switched and all levers on
(:func:`analysis.levers.rank_levers`, common random numbers) → the JSON document, the ranked
table, or the CSV of ``--out``. Heavy modules are imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escalation_sim.analysis.defaults import MAX_RUNS
from escalation_sim.cli.common import (
    CsvOutOpt,
    DaysOpt,
    ExecutorOpt,
    ForceOpt,
    JsonOpt,
    QuietOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    check_out_file_or_exit,
    examples,
    fail,
)
from escalation_sim.cli.steps import execute, finish, loaded_or_exit, planned

LEVERS_RUNS = 10_000
"""Runs per variant when ``--runs`` is not given (as ``compare``)."""
RANK_BY = {"standoff": "p_coercion_or_worse", "force": "p_force"}
"""``--by`` choice -> measure (as ``analysis.levers.RANK_BY``, kept here for a light --help)."""
HELP = (
    "Rank the six de-escalation levers, and all six together, by their effect on "
    "P(coercive standoff or worse) (--by standoff, the default) or on P(force) (--by "
    "force); both effects are shown, side by side.\n\n"
    "The scenario is run as it is, once with each lever switched (on where it is off; off "
    "where the scenario already uses it) and once with every lever on, all with the same seed, "
    "so every variant sees the same random numbers run by run (common random numbers). Each "
    "effect is the measure with the lever minus without it, in percentage points, with a 95% "
    "paired interval; the most helpful lever comes first.\n\n"
    f"Runs default to {LEVERS_RUNS:,} per variant (8 variants). --json prints the ranking; "
    "--out FILE.csv writes it as a table."
)
EPILOG = examples(
    "escsim levers base",
    "escsim levers base --by force",
    "escsim levers scenarios/base.yaml --runs 4000 --seed 7",
    "escsim levers base --set actors.baku.nationalism=0.9 --json > levers.json",
)

LeverRunsOpt = Annotated[int | None, typer.Option(
    "--runs", min=1, max=MAX_RUNS, metavar="N",
    help=f"Runs per variant (default: {LEVERS_RUNS:,}).")]
ByOpt = Annotated[str, typer.Option(
    "--by", metavar="standoff|force", help="Rank by the effect on P(coercive standoff or "
                                           "worse) or on P(force).")]


def levers_cmd(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML) or bundled name.")],
    runs: LeverRunsOpt = None,
    by: ByOpt = "standoff",
    days: DaysOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    out_file: CsvOutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Rank the levers by paired effect (help text: ``HELP``)."""
    from escalation_sim.commands import levers as command
    from escalation_sim.render.levers import render_levers

    if by not in RANK_BY:
        fail(f"--by {by}: choose one of {', '.join(RANK_BY)}")
    loaded = loaded_or_exit(scenario, sets, days=days, seed=seed)
    plan = planned(lambda: command.plan(loaded, runs=runs, by=by))
    if out_file is not None:
        check_out_file_or_exit(out_file, inputs=[scenario], force=force)
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    finish(output, render=render_levers, as_json=as_json, quiet=quiet, out_file=out_file,
           force=force, inputs=[scenario])

def register(app: typer.Typer) -> None:
    """Add ``escsim levers`` to the app."""
    app.command("levers", help=HELP, epilog=EPILOG,
                short_help="Rank the de-escalation levers by paired effect on P(standoff or "
                           "worse) or P(force) (--by).")(levers_cmd)
