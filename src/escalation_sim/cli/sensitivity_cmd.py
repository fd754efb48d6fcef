"""``escsim sensitivity SCENARIO [--param PATH=LO:HI …]``: which drivers decide the outcome.

Scenario → factors (``--param`` or the defaults) → :func:`analysis.sensitivity.run_sensitivity`
(SALib sampling, ensembles with common random numbers, SALib indices) → the JSON document, the
ranked tables, or the CSV of ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escalation_sim.analysis.defaults import (
    DEFAULT_RUNS,
    DEFAULT_SAMPLES,
    MAX_RUNS,
    MAX_SENSITIVITY_SAMPLES,
    OUTPUTS,
)
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
    require_or_exit,
)
from escalation_sim.cli.steps import execute, finish, loaded_or_exit, planned

HELP = (
    "Global sensitivity analysis with SALib: which parameters drive "
    f"{', '.join(OUTPUTS)}. Points are drawn across each factor's range and every point is run "
    "as an ensemble with the same seed (common random numbers).\n\n"
    "--method sobol (default) gives first-order (S1) and total (ST) indices with 95% "
    "bootstrap intervals from N·(factors + 2) points (N = --samples, a power of two); "
    "--method morris gives mu_star and sigma from N·(factors + 1) points, cheaper. Factors "
    "are ranked by ST or mu_star, with bars.\n\n"
    "--param PATH=LO:HI chooses a factor and its range; repeatable; * in PATH stands for "
    "every key there (actors.*.nationalism). Without --param: issues.corridors.heat and "
    "issues.karabakh.heat and each actor's nationalism over 0–1, and each actor's "
    "reciprocity, rationality and dependence from half to 1.5 times their value (ranges kept "
    "inside what the scenario and its scheduled events allow).\n\n"
    f"--runs is the runs per point (default {DEFAULT_RUNS}); --samples defaults to "
    f"{DEFAULT_SAMPLES['sobol']} (Sobol) or {DEFAULT_SAMPLES['morris']} trajectories (Morris). "
    "--json prints the indices; --out FILE.csv writes one row per output and factor; "
    "--figures DIR a tornado chart per output as PNG and SVG.\n\n"
    "Needs the sensitivity extra (SALib): pip install 'escsim\\[sensitivity]'."
)
EPILOG = examples(
    "escsim sensitivity scenarios/base.yaml",
    "escsim sensitivity scenarios/base.yaml --method morris --samples 20",
    "escsim sensitivity scenarios/base.yaml \\\n"
    "    --param 'actors.*.nationalism=0:1' \\\n"
    "    --param issues.corridors.heat=0:0.8 \\\n"
    "    --param levers.crisis_hotline.strength=0:1 \\\n"
    "    --set levers.crisis_hotline.enabled=true --samples 64 --runs 1024",
)

ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", metavar="PATH=LO:HI", help="A factor and its range; repeatable (default: the "
                                          "main drivers, see above).")]
MethodOpt = Annotated[str, typer.Option("--method", metavar="sobol|morris",
                                        help="Sobol indices or Morris screening.")]
SamplesOpt = Annotated[int | None, typer.Option("--samples", min=2, max=MAX_SENSITIVITY_SAMPLES,
                                                metavar="N",
                                                help="SALib's base sample size N.")]

PointRunsOpt = Annotated[int | None, typer.Option(
    "--runs", min=1, max=MAX_RUNS, metavar="N",
    help=f"Runs per sample point (default: {DEFAULT_RUNS}).")]

def sensitivity_cmd(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML).")],
    params: ParamOpt = None,
    method: MethodOpt = "sobol",
    samples: SamplesOpt = None,
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
    """Global sensitivity of the outcome to the main drivers (help text: ``HELP``)."""
    require_or_exit("SALib", "escsim sensitivity")
    from escalation_sim.commands import sensitivity as command
    from escalation_sim.render.figures import sensitivity_figures
    from escalation_sim.render.sensitivity import render_sensitivity

    loaded = loaded_or_exit(scenario, sets, days=days, seed=seed)
    plan = planned(lambda: command.plan(loaded, params, method=method, samples=samples,
                                        runs=runs))
    if out_file is not None:
        check_out_file_or_exit(out_file, inputs=[scenario], force=force)
    check_figures_or_exit(figures, "sensitivity")
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    finish(output, render=render_sensitivity, as_json=as_json, quiet=quiet, out_file=out_file,
           figures=figures, draw=sensitivity_figures, force=force, inputs=[scenario])

def register(app: typer.Typer) -> None:
    """Add ``escsim sensitivity`` to the app."""
    app.command("sensitivity", help=HELP, epilog=EPILOG,
                short_help="Global sensitivity (Sobol or Morris, via SALib): which drivers "
                           "matter.")(sensitivity_cmd)
