"""``escsim sweep SCENARIO --vary PATH=LO:HI:N [--vary …]``: outcome probabilities over a grid.

Scenario → axes checked by the loader (``parse_axis``) → :func:`analysis.sweep.run_sweep` →
the JSON document, the terminal table or heatmap, or the CSV of ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escalation_sim.analysis.defaults import DEFAULT_METRIC, MAX_RUNS
from escalation_sim.cli.common import (
    CsvOutOpt,
    DaysOpt,
    ExecutorOpt,
    FiguresOpt,
    ForceOpt,
    JsonOpt,
    QuietOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    check_figures_or_exit,
    check_out_file_or_exit,
    examples,
)
from escalation_sim.cli.steps import execute, finish, loaded_or_exit, planned

HELP = (
    "Run a scenario over a grid of one or two parameters and show chosen outcome "
    "probabilities at each point: a table with bars for one parameter, a heatmap for two.\n\n"
    "--vary PATH=LO:HI:N gives N evenly spaced values from LO to HI (whole numbers for integer "
    "parameters); --vary PATH=V1,V2,… gives the values themselves (e.g. "
    "levers.crisis_hotline.enabled=false,true). Every value is checked before anything runs. "
    "All points use the same seed, so they share their random numbers and curves are smooth.\n\n"
    f"--metric chooses what to show (repeatable; default {DEFAULT_METRIC}: P(coercive standoff, "
    "armed clashes or war)): an outcome class (normalization, cold_tension, "
    "coercive_standoff, armed_clashes, war) or a key of the run summary's metrics (p_force, "
    "peak_rung_mean, trade_loss_mean, …). Runs per point default to the scenario's.\n\n"
    "--json prints every point; --out FILE.csv writes one row per point; --figures DIR a "
    "heatmap (or curve) per metric as PNG and SVG."
)
EPILOG = examples(
    "escsim sweep scenarios/base.yaml --vary actors.baku.nationalism=0:1:11",
    "escsim sweep scenarios/base.yaml --vary issues.corridors.heat=0:0.8:5 \\\n"
    "    --vary actors.baku.nationalism=0:1:6 --metric p_force --runs 1000",
    "escsim sweep scenarios/base.yaml \\\n"
    "    --vary levers.crisis_hotline.enabled=false,true \\\n"
    "    --metric war --metric trade_loss_mean --out hotline.csv",
)

VaryOpt = Annotated[list[str], typer.Option(
    "--vary", metavar="PATH=LO:HI:N", show_default=False,
    help="A parameter and its values: LO:HI:N evenly spaced, or V1,V2,…; once or twice.")]
MetricOpt = Annotated[list[str] | None, typer.Option(
    "--metric", metavar="MEASURE", help=f"What to show (repeatable; default {DEFAULT_METRIC}).")]

PointRunsOpt = Annotated[int | None, typer.Option(
    "--runs", min=1, max=MAX_RUNS, metavar="N",
    help="Runs per grid point (default: the scenario's).")]

def sweep_cmd(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML).")],
    vary: VaryOpt,
    metrics: MetricOpt = None,
    runs: PointRunsOpt = None,
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
    figures: FiguresOpt = None,
) -> None:
    """Sweep one or two parameters (help text: ``HELP``)."""
    from escalation_sim.commands import sweep as command
    from escalation_sim.commands.common import runs_from
    from escalation_sim.render.figures import sweep_figures
    from escalation_sim.render.sweep import render_sweep

    loaded = loaded_or_exit(scenario, sets, runs=runs, days=days, seed=seed)
    plan = planned(lambda: command.plan(loaded, vary, metrics, runs_from=runs_from(runs)))
    if out_file is not None:
        check_out_file_or_exit(out_file, inputs=[scenario], force=force)
    check_figures_or_exit(figures, "sweep")
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    finish(output, render=render_sweep, as_json=as_json, quiet=quiet, out_file=out_file,
           figures=figures, draw=sweep_figures, force=force, inputs=[scenario])

def register(app: typer.Typer) -> None:
    """Add ``escsim sweep`` to the app."""
    app.command("sweep", help=HELP, epilog=EPILOG,
                short_help="Grid over one or two parameters: table or heatmap of outcome "
                           "probabilities.")(sweep_cmd)

