"""``escsim report SCENARIO --out report.html``: a self-contained HTML report to hand over.

The reference scenario and every ``--compare`` scenario are evaluated in one batch with the
reference's seed over the same run indices (common random numbers), so their per-run
differences can be paired (``analysis/compare.py``). The file is written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escalation_sim.cli.common import (
    DaysOpt,
    ExecutorOpt,
    ForceOpt,
    QuietOpt,
    RunsOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    check_out_file_or_exit,
    err,
    examples,
    executor_or_exit,
    fail,
    output_error_code,
    require_or_exit,
)
from escalation_sim.cli.steps import load_or_exit

HELP = (
    "Write a self-contained HTML report of a scenario: its key parameters, outcome "
    "probabilities with 95% intervals, a fan chart of each side's rung, trade and energy flows, "
    "impacts and actors, and the six de-escalation levers ranked by their paired effect (as "
    "escsim levers; --no-levers leaves the ranking out). The file needs no network to "
    "open.\n\n"
    "With --compare B (repeatable), B runs with the reference's seed over the same runs "
    "(common random numbers) and the report adds B's outcomes and its paired differences from "
    "the reference. --set changes the reference SCENARIO only; --runs, --days and --seed apply "
    "to every scenario.\n\n"
    "Needs the report extra (plotly): pip install 'escsim\\[report]'."
)
EPILOG = examples(
    "escsim report scenarios/base.yaml --out base.html",
    "escsim report scenarios/base.yaml \\\n"
    "    --compare scenarios/lever_crisis_hotline.yaml --out hotline.html",
    "escsim report scenarios/base.yaml --set actors.baku.nationalism=0.9 \\\n"
    "    --compare scenarios/base.yaml --out nat.html",
)


def report(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Reference scenario file (YAML).")],
    out_file: Annotated[Path, typer.Option("--out", metavar="FILE", show_default=False,
                                           help="HTML file to write, e.g. report.html.")],
    compare: Annotated[list[Path] | None, typer.Option(
        "--compare", metavar="B", help="Scenario to compare with the reference; "
                                       "repeatable.")] = None,
    runs: RunsOpt = None,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    levers: Annotated[bool, typer.Option(
        "--levers/--no-levers", help="Rank the six levers by paired effect in the report "
                                     "(as escsim levers; 8 more ensembles).")] = True,
) -> None:
    """Write the HTML report (help text: ``HELP``)."""
    require_or_exit("plotly", "escsim report")
    from escalation_sim.analysis.compare import PairedStats, differences_dict
    from escalation_sim.analysis.levers import rank_levers, ranking_dict
    from escalation_sim.analysis.points import document_header
    from escalation_sim.analysis.summary import summarize
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.engine.ensemble import Point, evaluate
    from escalation_sim.output.files import OutputError, write_file_atomic
    from escalation_sim.render.report import ReportPart, build_report  # needs escsim[report]
    from escalation_sim.scenario.bundled import file_sha256

    main = load_or_exit(scenario, sets, runs=runs, days=days, seed=seed)
    others = [load_or_exit(path, runs=main.runs, days=days, seed=main.seed)
              for path in compare or []]
    paths = [scenario, *(compare or [])]
    check_out_file_or_exit(out_file, inputs=paths, force=force, example="report.html")
    pool = executor_or_exit(executor, scheduler, workers)
    points = [Point(sc, main.seed) for sc in (main, *others)]
    stats = PairedStats(len(points))  # paired differences from counts and moments
    extra = len(type(main.levers).model_fields) + 2 if levers else 0
    with progress_bar(main.runs * (len(points) + extra), quiet=quiet) as bar:
        results = evaluate(points, main.runs, executor=pool, progress=bar,
                           on_runs=stats.add if others else None)
        ranking = None
        if levers:
            found = rank_levers(main, main.runs, main.seed, executor=pool, progress=bar)
            ranking = ranking_dict(found, document_header(main, str(scenario), None,
                                                          sets or [], main.runs, main.seed))
    parts = []
    for k, (path, result) in enumerate(zip(paths, results, strict=True)):
        summary = summarize(result, str(path), file_sha256(path),
                            overrides=list(sets or []) if k == 0 else [])
        diff = (differences_dict(stats.differences(k), stats.differing(k)) if k > 0
                else None)
        parts.append(ReportPart(summary, result.point.scenario, diff))
    try:
        write_file_atomic(out_file, build_report(parts[0], parts[1:], ranking,
                                                 "--runs" if runs is not None else None),
                          force=force, inputs=paths)
    except OutputError as exc:
        fail(exc, output_error_code(exc))
    if not quiet:
        size = out_file.stat().st_size
        err.print(f"wrote {out_file} ({size / 1e6:.1f} MB)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``escsim report`` to the app."""
    app.command("report", help=HELP, epilog=EPILOG,
                short_help="A self-contained HTML report: outcomes, fan charts, flows, "
                           "impacts; --compare adds paired differences.")(report)
