"""``escsim explore SCENARIO [--param PATH=LO:HI …] [--discover COND]``: experiments table.

Scenario → uncertainties (``--param`` ranges, or the scenario's own distributions) →
:func:`analysis.explore.run_explore` (Latin hypercube, an ensemble per sample with common random
numbers, PRIM boxes for ``--discover``) → the JSON document, the terminal view, or the files of
``--out DIR``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escalation_sim.analysis.defaults import DEFAULT_RUNS, MAX_EXPLORE_SAMPLES, MAX_RUNS
from escalation_sim.cli.common import (
    EXIT_FAILURE,
    DaysOpt,
    ExecutorOpt,
    JsonOpt,
    OutOpt,
    QuietOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    err,
    examples,
    fail,
    on_interrupt,
)
from escalation_sim.cli.steps import execute, finish, loaded_or_exit, planned

if TYPE_CHECKING:
    from escalation_sim.analysis.documents import ExploreDocument
    from escalation_sim.analysis.explore import Exploration
    from escalation_sim.scenario.schema import Scenario

DEFAULT_SAMPLES = 100
"""Samples when ``--samples`` is not given: enough for PRIM to peel in 5% steps."""
EXPERIMENTS_CSV = "experiments.csv"
EXPERIMENTS_PARQUET = "experiments.parquet"
EXPLORE_JSON = "explore.json"
SCENARIO_FILE = "scenario.resolved.yaml"

HELP = (
    "Explore a scenario under uncertainty: draw Latin hypercube samples of some parameters, "
    "run an ensemble for each, and tabulate every sample's outcome measures with 95% "
    "intervals (an experiments table).\n\n"
    "--param PATH=LO:HI gives a parameter and its range (repeatable; * in PATH for every key "
    "there, e.g. actors.*.nationalism). Without --param, explore samples what an analyst can "
    "act on or observe: the scenario's own distributions outside the model's weights (e.g. "
    "nationalism: {uniform: [0.5, 0.7]}), the drivers (the issues' heat, the actors' "
    "nationalism), the actors' traits (reciprocity, rationality, dependence) and the strength "
    "of each lever in use; --weights adds the model's uncertain weights (model.*), which "
    "are otherwise drawn run by run. Every sample is run with the same seed (common random "
    "numbers), so samples differ by their parameters, not by noise.\n\n"
    "--discover 'MEASURE>THRESHOLD' (or <, >=, <=; e.g. 'p_force>0.05' or 'p_force>5%') finds "
    "with PRIM the boxes of parameter space where the condition holds, with their coverage "
    "and density, and says them in a sentence.\n\n"
    f"--samples defaults to {DEFAULT_SAMPLES}, --runs (per sample) to {DEFAULT_RUNS}. --json "
    "prints the samples, ranges, experiments and boxes; --out DIR writes experiments.csv "
    "(experiments.parquet too when pyarrow is installed), explore.json and "
    "scenario.resolved.yaml, replaced as a whole."
)
EPILOG = examples(
    "escsim explore base --param actors.baku.nationalism=0.3:0.9 \\\n"
    "    --param issues.corridors.heat=0:1",
    "escsim explore base --param 'actors.*.nationalism=0.3:0.9' \\\n"
    "    --param issues.karabakh.heat=0:1 \\\n"
    "    --samples 64 --runs 256 --discover 'p_force>0.05'",
    "escsim explore base --samples 32 --discover 'p_force>5%'",
    "escsim explore my_uncertain_case.yaml --samples 200 --out results/explore",
)

ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", metavar="PATH=LO:HI",
    help="A parameter and its range; repeatable (default: the drivers, actors' traits and "
         "levers in use).")]
WeightsOpt = Annotated[bool, typer.Option(
    "--weights", help="Without --param, also sample the model's uncertain weights (model.*).")]
SamplesOpt = Annotated[int, typer.Option("--samples", min=2, max=MAX_EXPLORE_SAMPLES,
                                         metavar="N", help="Latin hypercube samples.")]
SampleRunsOpt = Annotated[int | None, typer.Option(
    "--runs", min=1, max=MAX_RUNS, metavar="R",
    help=f"Runs per sample (default: {DEFAULT_RUNS}).")]
DiscoverOpt = Annotated[str | None, typer.Option(
    "--discover", metavar="MEASURE>THRESHOLD",
    help="Find the boxes where a condition holds, e.g. 'p_force>0.05' (PRIM).")]


def explore_cmd(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML) or bundled name.")],
    params: ParamOpt = None,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    runs: SampleRunsOpt = None,
    discover: DiscoverOpt = None,
    weights: WeightsOpt = False,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    out_dir: OutOpt = None,
) -> None:
    """Sample parameters, run each sample, tabulate (help text: ``HELP``)."""
    from escalation_sim.commands import explore as command
    from escalation_sim.output.files import OutputError, check_out_dir
    from escalation_sim.render.explore import render_explore

    loaded = loaded_or_exit(scenario, sets, days=days, seed=seed)
    plan = planned(lambda: command.plan(loaded, params, samples=samples, runs=runs,
                                        discover=discover, weights=weights))
    if out_dir is not None:
        try:
            check_out_dir(out_dir)
        except OutputError as exc:
            fail(exc)
        on_interrupt(_interrupted_note(out_dir))
    output = execute(plan, executor=executor, scheduler=scheduler, workers=workers, quiet=quiet)
    if out_dir is not None:
        assert output.result is not None
        try:
            files = write_explore(out_dir, output.document, output.result, plan.loaded.scenario)
        except OutputError as exc:
            fail(exc, EXIT_FAILURE)
        if not quiet:
            err.print(f"wrote {out_dir}/: {', '.join(files)}", highlight=False)
    finish(output, render=render_explore, as_json=as_json, quiet=quiet)

def write_explore(out_dir: Path, doc: ExploreDocument, result: Exploration,
                  scenario: Scenario) -> list[str]:
    """Write ``--out DIR`` atomically: the experiments table, the JSON, the scenario.

    Raises:
        OutputError: ``DIR`` cannot be used or written (nothing of it is left behind).
    """
    import yaml

    from escalation_sim.analysis.explore import experiments_table
    from escalation_sim.output.files import (
        SCENARIO_HEADER,
        StagedOutput,
        parquet_available,
        summary_json,
        write_csv,
        write_parquet,
    )
    from escalation_sim.scenario.load import scenario_to_dict

    table = experiments_table(result)

    def write(folder: Path) -> list[str]:
        written = [EXPERIMENTS_CSV]
        write_csv(folder / EXPERIMENTS_CSV, table)
        if parquet_available():
            write_parquet(folder / EXPERIMENTS_PARQUET, table)
            written.append(EXPERIMENTS_PARQUET)
        _write_text(folder / EXPLORE_JSON, summary_json(doc))
        header = SCENARIO_HEADER.format(path=out_dir / SCENARIO_FILE)
        _write_text(folder / SCENARIO_FILE, header + yaml.safe_dump(
            scenario_to_dict(scenario, dates=True), sort_keys=False, allow_unicode=True, width=100))
        return [*written, EXPLORE_JSON, SCENARIO_FILE]

    with StagedOutput(out_dir) as staged:
        return staged.commit_files(write, str(doc.get("escsim_version", "")))


def _write_text(path: Path, text: str) -> None:
    """Write a text file and flush it to disk (it is renamed into place afterwards)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _interrupted_note(out_dir: Path) -> Callable[[], str]:
    """What Ctrl-C leaves in ``--out DIR``: the earlier output, this one's, or nothing."""
    def identity() -> tuple[int, int] | None:
        try:
            info = (out_dir / EXPERIMENTS_CSV).stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns

    before = identity()

    def note() -> str:
        now = identity()
        if now is None:
            return f"nothing written to {out_dir}"
        if now == before:
            return f"{out_dir} left as it was (the earlier result)"
        return f"{out_dir} holds this exploration's complete result"

    return note


def register(app: typer.Typer) -> None:
    """Add ``escsim explore`` to the app."""
    app.command("explore", help=HELP, epilog=EPILOG,
                short_help="Latin hypercube samples of uncertain parameters: experiments "
                           "table; scenario discovery (PRIM).")(explore_cmd)
