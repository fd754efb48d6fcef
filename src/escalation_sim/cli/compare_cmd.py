"""``escsim compare A B [C…]``: scenarios run with one seed, differences with paired intervals.

Scenario files → variants (``--set`` for all; with one file, ``--set`` makes the variant;
``--variant`` adds named variants of the first file) → :func:`analysis.compare.compare` →
the JSON document, the terminal table, or the CSV of ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escalation_sim.analysis.defaults import COMPARE_RUNS, MAX_RUNS
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
from escalation_sim.cli.steps import execute, finish, planned

if TYPE_CHECKING:
    pass

HELP = (
    "Compare scenarios run with the same seed: every scenario sees the same random numbers run "
    "by run (common random numbers), so differences are estimated from paired runs, with far "
    "narrower intervals than two separate runs would give.\n\n"
    "The table lists each outcome class and key metric per scenario and the difference of "
    "each scenario from the first with its 95% interval, marked * where the interval excludes "
    f"zero. Runs default to {COMPARE_RUNS:,} per scenario; the seed to the first scenario's.\n\n"
    "--set applies to every file. With a single file, --set makes the variant to compare it "
    "with (the file as it is vs the file with the overrides). --variant 'NAME: PATH=VALUE, …' "
    "adds a named variant of the first file; repeatable.\n\n"
    "--json prints each scenario's summary (as escsim run --json) and the paired differences; "
    "--out FILE.csv writes the table; --figures DIR the outcome probabilities and paired "
    "differences as PNG and SVG."
)
EPILOG = examples(
    "escsim compare scenarios/base.yaml scenarios/all_levers.yaml",
    "escsim compare scenarios/base.yaml scenarios/lever_*.yaml --runs 20000",
    "escsim compare scenarios/base.yaml --set levers.crisis_hotline.enabled=true",
    "escsim compare scenarios/base.yaml \\\n"
    "    --variant 'hot: issues.corridors.heat=0.8' \\\n"
    "    --variant 'calm: issues.corridors.heat=0.2, issues.karabakh.heat=0.2'",
    "escsim compare scenarios/base.yaml scenarios/all_levers.yaml --json \\\n"
    "    > compare.json",
)

VariantOpt = Annotated[list[str] | None, typer.Option(
    "--variant", metavar="'NAME: PATH=VALUE, …'",
    help="A variant of the first scenario with these overrides; repeatable.")]

CompareRunsOpt = Annotated[int | None, typer.Option(
    "--runs", min=1, max=MAX_RUNS, metavar="N",
    help=f"Runs per scenario (default: {COMPARE_RUNS:,}).")]

def compare_cmd(
    scenarios: Annotated[list[Path], typer.Argument(metavar="SCENARIO…", show_default=False,
                                                    help="Scenario files; the first is the "
                                                         "baseline.")],
    variants: VariantOpt = None,
    runs: CompareRunsOpt = None,
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
    """Compare scenarios with common random numbers (help text: ``HELP``)."""
    from escalation_sim.analysis.compare import parse_variant
    from escalation_sim.commands import compare as command
    from escalation_sim.render.compare import render_comparison
    from escalation_sim.render.figures import compare_figures

    def named() -> list[command.Named]:
        found = []
        for text in variants or []:
            name, items = parse_variant(text)
            found.append(command.Named(name, items, f"--variant {text!r}"))
        return found

    plan = planned(lambda: command.plan(
        command.load_variants(scenarios, list(sets or []), named(), days=days),
        runs=runs, seed=seed))
    if out_file is not None:
        check_out_file_or_exit(out_file, inputs=[*scenarios], force=force)
    check_figures_or_exit(figures, "compare")
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    finish(output, render=render_comparison, as_json=as_json, quiet=quiet, out_file=out_file,
           figures=figures, draw=compare_figures, force=force, inputs=[*scenarios])


def register(app: typer.Typer) -> None:
    """Add ``escsim compare`` to the app."""
    app.command("compare", help=HELP, epilog=EPILOG,
                short_help="Compare scenarios with common random numbers: paired differences "
                           "with 95% intervals.")(compare_cmd)
