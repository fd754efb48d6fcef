"""``escsim run SCENARIO``: run an ensemble, print the summary an analyst reads, keep the files.

The data flow is one way: scenario file → validated scenario (``loaded_or_exit``) → the
command's orchestration (:mod:`escalation_sim.commands.run`: ensemble and summary) → the
terminal summary, the JSON on stdout, or the files of ``--out``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escalation_sim.cli.common import (
    EXIT_FAILURE,
    DaysOpt,
    ExecutorOpt,
    FiguresOpt,
    JsonOpt,
    OutOpt,
    QuietOpt,
    RunsOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    check_figures_or_exit,
    err,
    examples,
    executor_or_exit,
    fail,
    on_interrupt,
    out,
    write_figures_or_exit,
)
from escalation_sim.cli.steps import loaded_or_exit

if TYPE_CHECKING:
    from escalation_sim.engine.calendar import ChunkResult
    from escalation_sim.output.files import StagedOutput
    from escalation_sim.scenario.schema import Scenario

HELP = (
    "Run an ensemble of a scenario and summarise it: outcome probabilities with 95% intervals, "
    "fan charts of each side's rung, impacts by domain, actors, levers and incidents.\n\n"
    "One seed gives one answer, whatever --workers. With --json, stdout holds only the summary "
    "JSON; --quiet prints nothing but errors (and the JSON, with --json); a progress bar on "
    "stderr shows for runs longer than a second.\n\n"
    "A real-valued parameter may be a distribution, in the file or in --set "
    "(--set 'actors.baku.nationalism={uniform: [0.5, 0.7]}'; also triangular, normal and "
    "beta): each run draws its own value, and the summary says which "
    "parameters are uncertain and that the intervals include them (docs/analysis.md).\n\n"
    "With --out DIR, DIR receives summary.json, runs.csv (per-run metrics and each uncertain "
    "parameter's drawn value; runs.parquet too "
    "when pyarrow is installed), daily.csv (per-day distributions) and scenario.resolved.yaml "
    "(the scenario with every override applied). --figures DIR writes a fan chart per actor and "
    "the outcome probabilities as PNG and SVG files. DIR is replaced as a whole: a failed or "
    "interrupted run leaves an earlier DIR as it was. Ctrl-C stops a run and exits 130."
)
EPILOG = examples(
    "escsim run scenarios/base.yaml",
    "escsim run scenarios/base.yaml --runs 20000 --seed 7 --workers 2",
    "escsim run scenarios/base.yaml --set actors.baku.nationalism=0.9 \\\n"
    "    --set issues.corridors.heat=0.9",
    "escsim run scenarios/lever_crisis_hotline.yaml --days 180 \\\n"
    "    --out results/hotline",
    "escsim run scenarios/base.yaml \\\n"
    "    --set 'actors.baku.nationalism={triangular: [0.5, 0.65, 0.85]}'",
    "escsim run scenarios/base.yaml --json > summary.json",
    "escsim run scenarios/base.yaml --figures figures/",
)


def run(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML), e.g. "
                                                  "scenarios/base.yaml.")],
    runs: RunsOpt = None,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    out_dir: OutOpt = None,
    figures: FiguresOpt = None,
) -> None:
    """Run an ensemble of a scenario and summarise it (help text: ``HELP``)."""
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.commands import run as command
    from escalation_sim.output.files import (
        OutputError,
        Outputs,
        StagedOutput,
        check_out_dir,
        summary_json,
    )
    from escalation_sim.render.figures import run_figures
    from escalation_sim.render.terminal import render_summary
    from escalation_sim.scenario.load import scenario_to_dict

    plan = command.plan(loaded_or_exit(scenario, sets, runs=runs, days=days, seed=seed))
    resolved = plan.loaded.scenario
    check_figures_or_exit(figures, "run")
    staged: StagedOutput | None = None
    if out_dir is not None:
        try:
            check_out_dir(out_dir)
        except OutputError as exc:
            fail(exc)
        on_interrupt(interrupted_note(out_dir))
    pool = executor_or_exit(executor, scheduler, workers)
    files: list[str] = []
    try:
        with ExitStack() as stack:
            sink = None
            if out_dir is not None:  # per-run rows stream into the staging folder
                staged = stack.enter_context(StagedOutput(out_dir))
                sink = partial(_append_runs, staged, resolved)
            with progress_bar(plan.total, quiet=quiet) as progress:
                output = plan.run(pool, progress, on_runs=sink)
            summary = output.document
            if staged is not None:
                assert output.table is not None  # the daily table
                files = staged.commit(Outputs(summary=summary, daily=output.table,
                                              scenario=scenario_to_dict(resolved, dates=True)))
    except OutputError as exc:
        fail(exc, EXIT_FAILURE)
    write_figures_or_exit(figures, run_figures, summary, quiet=quiet)
    if as_json:  # the JSON holds no timing: identical inputs, identical bytes
        sys.stdout.write(summary_json(summary))
        if files and not quiet:
            err.print(f"wrote {out_dir}/: {', '.join(files)}", highlight=False)
    elif not quiet:  # the terminal summary says how long it took
        render_summary({**summary, "timing": output.timing}, out,
                       files=files, out_dir=str(out_dir) if out_dir is not None else None,
                       runs_from="--runs" if runs is not None else None)


ROWS_PER_WRITE = 8192
"""Per-run rows are turned into a table and written this many at a time (bounded memory)."""


def _append_runs(staged: StagedOutput, scenario: Scenario, chunk: ChunkResult) -> None:
    from escalation_sim.analysis.tables import runs_columns

    n = chunk.runs["outcome"].shape[0]
    for start in range(0, n, ROWS_PER_WRITE):
        part = {name: values[start:start + ROWS_PER_WRITE] for name, values in chunk.runs.items()}
        staged.append_runs(runs_columns(part, scenario, chunk.first_run + start))


def interrupted_note(out_dir: Path) -> Callable[[], str]:
    """What Ctrl-C leaves in ``--out DIR``: the earlier result, this run's, or nothing.

    Never a mix (``write_outputs`` swaps whole folders); which one is told by the identity of
    ``summary.json`` when the run started and when the interrupt comes.
    """
    from escalation_sim.output.files import SUMMARY_FILE

    before = _identity(out_dir / SUMMARY_FILE)

    def note() -> str:
        now = _identity(out_dir / SUMMARY_FILE)
        if now is None:
            return f"nothing written to {out_dir}"
        if now == before:
            return f"{out_dir} left as it was (the earlier result)"
        return f"{out_dir} holds this run's complete result"

    return note


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def register(app: typer.Typer) -> None:
    """Add ``escsim run`` to the app."""
    app.command("run", help=HELP, epilog=EPILOG,
                short_help="Run an ensemble: outcome probabilities, fan charts, impacts; "
                           "optional files.")(run)
