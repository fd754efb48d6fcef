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
    as_option_error,
    check_figures_or_exit,
    check_out_file_or_exit,
    emit_document,
    examples,
    executor_or_exit,
    fail,
    option_items,
    scenario_warnings,
    write_figures_or_exit,
)
from escalation_sim.scenario.errors import ScenarioError

if TYPE_CHECKING:
    from escalation_sim.analysis.compare import Variant
    from escalation_sim.scenario.schema import Scenario

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
    from escalation_sim.analysis.compare import compare, comparison_dict, comparison_table
    from escalation_sim.analysis.summary import summarize
    from escalation_sim.cli.progress import progress_bar
    from escalation_sim.render.compare import render_comparison
    from escalation_sim.render.figures import compare_figures

    chosen = load_variants(scenarios, list(sets or []), list(variants or []), days)
    if out_file is not None:
        check_out_file_or_exit(out_file, inputs=[*scenarios], force=force)
    check_figures_or_exit(figures, "compare")
    pool = executor_or_exit(executor, scheduler, workers)
    n = runs or COMPARE_RUNS
    master = chosen[0].scenario.seed if seed is None else seed
    with progress_bar(n * len(chosen), quiet=quiet) as progress:
        try:
            comparison = compare(chosen, n, master, executor=pool, progress=progress)
        except ValueError as exc:
            fail(exc)
    summaries = [summarize(r, v.path, v.sha256, overrides=list(v.overrides))
                 for v, r in zip(chosen, comparison.results, strict=True)]
    doc = comparison_dict(comparison, summaries, "--runs" if runs is not None else None)
    write_figures_or_exit(figures, compare_figures, doc, quiet=quiet)
    emit_document(doc, table=comparison_table(comparison) if out_file is not None else None,
                  out_file=out_file, as_json=as_json, quiet=quiet, render=render_comparison,
                  force=force, inputs=[*scenarios])


def load_variants(paths: list[Path], sets: list[str], variants: list[str],
                  days: int | None) -> list[Variant]:
    """The scenarios to compare, loaded and validated (a bad one exits 2 with its problem)."""
    from escalation_sim.analysis.compare import Variant, parse_variant, unique_labels
    from escalation_sim.analysis.summary import file_sha256

    inline = len(paths) == 1 and not variants
    if inline and not sets:
        fail("compare needs two or more scenarios, or one scenario with --set or --variant "
             "(e.g. escsim compare base.yaml --set levers.crisis_hotline.enabled=true)")
    shared = [] if inline else sets
    specs: list[tuple[str, Path, list[str]]] = [(p.stem, p, shared) for p in paths]
    if inline:
        specs.append(("variant", paths[0], sets))
    origins: dict[str, str] = {}
    for text in variants:
        try:
            name, items = parse_variant(text)
        except ScenarioError as exc:
            fail(exc)
        specs.append((name or "variant", paths[0], shared + items))
        origins.update({item: text for item in items if item not in shared})
    labels = unique_labels([label for label, _, _ in specs])
    return [Variant(label, _load_variant(path, items, days, origins), str(path),
                    file_sha256(path), tuple(items))
            for label, (_, path, items) in zip(labels, specs, strict=True)]


def _load_variant(path: Path, items: list[str], days: int | None,
                  origins: dict[str, str]) -> Scenario:
    """Load one scenario of the comparison; a bad ``--variant`` item is reported as such."""
    from escalation_sim.scenario.edit import set_source
    from escalation_sim.scenario.load import load_scenario

    try:
        with scenario_warnings():
            return load_scenario(path, [*items, *option_items(days=days)])
    except ScenarioError as exc:
        for item, origin in origins.items():
            if exc.source == set_source(item):
                exc.source = f"--variant {origin!r} ({item})"
                exc.args = (str(exc),)
        fail(as_option_error(exc))


def register(app: typer.Typer) -> None:
    """Add ``escsim compare`` to the app."""
    app.command("compare", help=HELP, epilog=EPILOG,
                short_help="Compare scenarios with common random numbers: paired differences "
                           "with 95% intervals.")(compare_cmd)
