"""Commands about scenario files: ``validate``, ``schema``, ``explain``, ``list`` and ``new``."""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from escalation_sim.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    ForceOpt,
    JsonOpt,
    QuietOpt,
    SetOpt,
    check_out_file_or_exit,
    err,
    error_line,
    examples,
    fail,
    out,
    output_error_code,
    print_json,
    scenario_warnings,
)
from escalation_sim.scenario import bundled
from escalation_sim.scenario.errors import ScenarioError

SCHEMA_FILE = "scenario.schema.json"
SCHEMA_COMMENT = "# yaml-language-server: $schema="
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", show_default=False,
                                                help="Scenario files to check.")],
    sets: SetOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Check scenario files: print 'ok  FILE' for each good one, every problem of each bad one.

    Every problem of types, ranges and keys is listed, one line each; the checks that need a
    whole scenario (actors named elsewhere, CAMEO codes, dates, scheduled events, a record that
    fits) follow once those are right. An episode file (a dated record for ``escsim backtest``)
    is checked as an episode. Exits with 2 if any file is bad.
    """
    from escalation_sim.commands.common import load
    from escalation_sim.scenario.episode import load_episode

    results: list[dict[str, Any]] = []
    for file in files:
        episode = is_episode(file)
        try:
            with scenario_warnings():
                if episode:
                    load_episode(file)
                else:  # as every command loads it: a record is checked against the scenario
                    load(file, sets or ())
            results.append({"file": str(file), "ok": True,
                            "kind": "episode" if episode else "scenario"})
        except ScenarioError as exc:
            problems = exc.every()
            results.append({"file": str(file), "ok": False, "error": exc.to_dict(),
                            "errors": [p.to_dict() for p in problems]})
            if not as_json:
                for problem in problems:
                    error_line(problem)
            continue
        if not as_json and not quiet:
            out.print(Text(f"ok  {file}" + ("  (episode)" if episode else "")))
    if as_json:
        print_json({"ok": all(r["ok"] for r in results), "files": results})
    if not all(r["ok"] for r in results):
        raise typer.Exit(EXIT_BAD_INPUT)


EPISODE_KEYS = {"scenario", "end_date"}
"""Top-level keys that mark a YAML file as an episode rather than a scenario."""


def is_episode(path: Path) -> bool:
    """Whether a file reads as an episode (``scenario:`` and ``end_date:`` at the top)."""
    from escalation_sim.scenario.yaml_io import read_document, read_file

    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        data = read_document(read_file(path), str(path)).data
    except ScenarioError:
        return False
    return isinstance(data, dict) and EPISODE_KEYS <= data.keys()


def schema(
    out_file: Annotated[Path | None, typer.Option("--out", metavar="FILE",
                                                  help="Write the schema to FILE instead of "
                                                       "stdout.")] = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Print the JSON Schema of scenario files (draft 2020-12), for editors and tools."""
    from escalation_sim.scenario.editor_schema import json_schema_text

    text = json_schema_text()
    if out_file is None:
        sys.stdout.write(text)
        return
    check_out_file_or_exit(out_file, force=force, example=SCHEMA_FILE)
    write_atomically(out_file, text, force=force)
    if not quiet:
        err.print(Text(f"wrote {out_file}"))


def explain(
    path: Annotated[str, typer.Argument(metavar="PATH|TERM",
                                        help="Dotted parameter path, e.g. "
                                             "actors.baku.nationalism; or a word a table "
                                             "prints, e.g. coverage, 'how bad it got'.")],
    scenario: Annotated[str, typer.Option(
        "--scenario", metavar="SCENARIO", help="Also show the value in this scenario (file "
                                               "or bundled name).")] = "base",
    as_json: JsonOpt = False,
) -> None:
    """Explain a scenario parameter or section, or a word the tables print.

    A parameter: type, unit, default, range, meaning, and its value in a scenario (--scenario,
    default the bundled base). A word: every column heading, level, outcome class, measure and
    score escsim prints — how it ends, how bad it got, calm … war, normalization, rung, P(force),
    trade lost, RPS, Brier, coverage, verdict, distance, skill, PRIM, density, quasi-p, S1, ST,
    mu_star and more.
    """
    from escalation_sim.analysis.glossary import lookup, terms
    from escalation_sim.scenario.errors import did_you_mean
    from escalation_sim.scenario.explain import describe

    try:  # a parameter path first: levers, runs, model are sections of a scenario
        info = describe(path)
    except ScenarioError as exc:
        term = lookup(path)
        if term is not None:
            if as_json:
                print_json({"term": term[0], "text": term[1]})
            else:
                out.print(Text(term[0], style="bold"))
                out.print(Text(term[1]), soft_wrap=False)
            return
        if "." not in path and "did you mean" not in exc.message:
            hint = did_you_mean(path.lower(), terms(), what="words")
            exc.message = (f"neither a word the tables print nor a parameter path; {hint}"
                           if hint.startswith("did") else
                           "neither a word the tables print (e.g. coverage, rung, 'how it "
                           "ends') nor a parameter path (e.g. actors.baku.nationalism)")
            exc.args = (str(exc),)
        fail(exc)
    value = scenario_value(scenario, info.subject.path)
    if as_json:
        print_json({**info.to_dict(), "value": value})
        return
    s = info.subject
    out.print(Text(s.path or "scenario", style="bold"), Text(f"  {s.type}", style="cyan"))
    if s.description:
        out.print(Text(s.description))
    facts = Table.grid(padding=(0, 2))
    for label, fact in (("unit", s.unit), ("range", s.range), ("default", s.default),
                        (f"in {Path(scenario).name}", value or ""),
                        ("docs", f"docs/model.md {s.section}" if s.section else "")):
        if fact:
            facts.add_row(Text(label, style="dim"), Text(fact))
    if facts.row_count:
        out.print(facts)
    if info.fields:
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column("path", no_wrap=True)
        table.add_column("type / default")
        table.add_column("meaning", ratio=1)
        for f in info.fields:
            kind = ", ".join(x for x in (f.type, f.unit, f.range) if x)
            default = f.default if f.default in ("required", "(all defaults)") else \
                f"default {f.default}"
            table.add_row(Text(f.path), Text(f"{kind}; {default}"), Text(f.description))
        out.print(table)


def scenario_value(scenario: str, path: str) -> str | None:
    """The value at ``path`` in the scenario, shown as YAML would (a distribution as written).

    ``None`` where there is none to show: a ``*`` path, a section, an id the scenario lacks,
    a scenario that does not load.
    """
    from escalation_sim.scenario.explain import value_text
    from escalation_sim.scenario.load import load_scenario

    if not path or "*" in path:
        return None
    try:
        return value_text(load_scenario(scenario), path)
    except ScenarioError:
        return None


def list_bundled(as_json: JsonOpt = False) -> None:
    """List the bundled scenarios (name, file, description) and episodes."""
    scenarios = [_scenario_row(p) for p in bundled.scenario_files()]
    episodes = [_episode_row(p) for p in bundled.episode_files() if p.suffix == ".yaml"]
    if as_json:
        print_json({"scenarios": scenarios, "episodes": episodes})
        return
    out.print(Text.assemble(("Scenarios", "bold"), ("  (escsim new NAME --from FILE)", "dim")))
    width = max((len(row["file"]) for row in scenarios), default=0)
    for row in scenarios:
        out.print(Text.assemble("  ", (row["file"].ljust(width), "cyan"), "  ", row["name"]))
        text = textwrap.fill(row["description"], width=max(out.width, 40), initial_indent="    ",
                             subsequent_indent="    ")
        out.print(Text(text, style="dim"))
    table = Table("file", "events", "period", title="Episodes", title_justify="left",
                  title_style="bold", box=None, header_style="bold", pad_edge=False,
                  caption="(escsim backtest NAME)", caption_justify="left", caption_style="dim")
    for row in episodes:
        table.add_row(Text(row["file"]), Text(str(row["events"])), Text(row["period"]))
    out.print(table)


def _scenario_row(path: Path) -> dict[str, Any]:
    from escalation_sim.scenario.load import load_scenario

    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return {"file": path.name, "name": "?", "description": f"invalid: {exc}"}
    first = " ".join(scenario.description.split("\n\n")[0].split())
    first = first.split(". ")[0].rstrip(".") + "." if first else ""
    return {"file": path.name, "name": scenario.name, "description": first}


def _episode_row(path: Path) -> dict[str, Any]:
    from escalation_sim.scenario.episode import load_episode

    try:  # an episode for escsim backtest (docs/episodes.md)
        episode = load_episode(path).episode
    except ScenarioError as exc:
        return {"file": path.name, "events": 0, "period": f"invalid: {exc}"}
    return {"file": path.name, "events": len(episode.events),
            "period": f"{episode.start_date} – {episode.end_date}"}


def new(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Name of the new scenario; the "
                                                             "file is NAME.yaml.")],
    source: Annotated[str, typer.Option("--from", metavar="SCENARIO",
                                        help="Bundled scenario to start from (see escsim "
                                             "list).")] = "base",
    folder: Annotated[Path, typer.Option("--dir", metavar="DIR",
                                         help="Folder to write NAME.yaml in.")] = Path("."),
    quiet: QuietOpt = False,
) -> None:
    """Create NAME.yaml from a bundled scenario, ready to edit (never overwrites a file)."""
    from escalation_sim.output.files import OutputError, create_file
    from escalation_sim.scenario.editor_schema import json_schema_text
    from escalation_sim.scenario.load import load_scenario_text

    stem = name.removesuffix(".yaml")
    if not _NAME.match(stem):
        fail(ScenarioError("must be 1-64 letters, digits, '_', '-' or '.', starting with a "
                           "letter or digit", path="NAME", value=name))
    try:
        original = bundled.find_scenario(source)
    except ScenarioError as exc:
        fail(exc.located("--from"))
    target = folder / f"{stem}.yaml"
    if target.exists():
        fail(f"{target} already exists; choose another NAME or --dir, or remove the file")
    text = scaffold_text(original.read_text(encoding="utf-8"), stem, original.name)
    try:
        load_scenario_text(text, source=str(target), base_dir=folder)
    except ScenarioError as exc:  # pragma: no cover - bundled scenarios are tested valid
        fail(exc)
    if os.path.lexists(folder) and not folder.is_dir():
        fail(f"--dir {folder}: is not a folder; give a folder to write {target.name} in")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        create_file(target, text)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}", EXIT_FAILURE)
    except OutputError as exc:  # a full disk: nothing is left, not even an empty file
        fail(exc, output_error_code(exc))
    schema_path = folder / SCHEMA_FILE
    wrote_schema = not schema_path.exists()
    if wrote_schema:
        write_atomically(schema_path, json_schema_text(), label=str(schema_path))
    if not quiet:
        err.print(Text(f"wrote {target} (from {original.name}); check it with: "
                       f"escsim validate {target}"), soft_wrap=False)
        if wrote_schema:
            err.print(Text(f"wrote {schema_path} (the JSON Schema your editor uses to check "
                           f"and complete {target.name})"), soft_wrap=False)


def scaffold_text(text: str, name: str, origin: str) -> str:
    """A bundled scenario's text retitled ``name``, pointing editors at ``scenario.schema.json``."""
    header = f"{SCHEMA_COMMENT}{SCHEMA_FILE}\n# Created with 'escsim new {name} --from " \
             f"{origin.removesuffix('.yaml')}'.\n"
    lines = [ln for ln in text.splitlines(keepends=True) if not ln.startswith(SCHEMA_COMMENT)]
    body = "".join(lines)
    name_line = f"name: {json.dumps(name)}"
    body, found = re.subn(r"^name:.*$", name_line, body, count=1, flags=re.MULTILINE)
    if not found:
        body = f"{name_line}\n{body}"
    return header + body


def write_atomically(path: Path, text: str, label: str | None = None, *,
                     force: bool = False) -> None:
    """Write a text file atomically (``output.files.write_file_atomic``), or exit.

    Exit 1 when writing fails, 2 when what is there may not be replaced.
    """
    from escalation_sim.output.files import OutputError, write_file_atomic

    try:
        write_file_atomic(path, text, example=SCHEMA_FILE, label=label, force=force)
    except OutputError as exc:
        fail(exc, output_error_code(exc))


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the ``escsim`` app."""
    app.command(epilog=examples("escsim validate scenarios/*.yaml",
                                "escsim validate scenarios/base.yaml --set "
                                "actors.baku.nationalism=0.9"))(validate)
    app.command(epilog=examples("escsim schema --out scenario.schema.json"))(schema)
    app.command(epilog=examples("escsim explain actors.baku.nationalism",
                                "escsim explain levers", "escsim explain model.w_issue",
                                "escsim explain coverage",
                                "escsim explain 'how bad it got'"))(explain)
    app.command("list", epilog=examples("escsim list", "escsim list --json"))(list_bundled)
    app.command(epilog=examples("escsim new my_case --from lever_crisis_hotline "
                                "--dir work"))(new)
