"""Every ``--help`` as a reader sees it at 80 columns: extras named whole, examples that run.

Each command's help is rendered as a terminal of 80 columns shows it. An extra is named as
``escsim[NAME]`` (rich must not eat the brackets as markup). Every example line is whole:
an example starts with ``escsim`` and each of its lines but the last ends in `` \\``, so it can
be copied as printed. Then every example runs, as printed (continuations joined, globs
expanded, ``> FILE`` written), from a folder of its own, with small runs as the README test
makes them; a command that needs an extra that is not installed must say which to install.
"""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest
from test_readme import CLUSTER, REPO, smaller
from typer.testing import CliRunner

from escalation_sim.cli.app import app

COMMANDS = ["", "run", "compare", "levers", "sweep", "sensitivity", "explore", "trace",
            "report", "backtest", "calibrate", "validate", "schema", "explain", "list", "new"]
WIDTH = 80
EXTRA = re.compile(r"\bextra\b|pip install")
"""Help text that names an extra, which must then show escsim[NAME]."""
SLOW_COMMANDS = {"calibrate", "sensitivity", "report", "backtest", "list"}
"""Commands whose examples take seconds even when small (ABC-SMC, SALib, plotly, episodes read
and coded from the library)."""
SLOW_WORDS = ("--all", "--figures", "--pick clashes", "india_pakistan_2019 russia")
"""Examples that take seconds even when small: many episodes, matplotlib, a rare run."""
RARE_PICK = ["--runs", "300", "--days", "365"]
"""``trace --pick clashes`` needs enough runs, long enough, for a run of armed clashes."""


def slow(command: str, example: str) -> bool:
    """Whether an example takes seconds even with small runs."""
    return command in SLOW_COMMANDS or any(word in example for word in SLOW_WORDS)
TINY_CALIBRATION = ["--population", "3", "--generations", "1", "--runs", "4", "--max-months",
                    "1", "--workers", "1"]


def help_text(command: str) -> str:
    """``escsim COMMAND --help`` as an 80-column terminal prints it."""
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(WIDTH), "TERM": "dumb"},
                                terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output


def example_lines(text: str) -> list[str]:
    """The lines after ``Examples:``, stripped of the help box's margins, blanks dropped."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() in ("Examples:",
                                                                        "Example:")), None)
    if start is None:
        return []
    return [line.strip() for line in lines[start + 1:] if line.strip()]


def examples(text: str) -> list[str]:
    """The examples, each a whole command: continuation lines joined.

    Raises:
        AssertionError: A line that neither starts an example nor follows a line ending in a
            backslash (an example wrapped by the terminal, which cannot be copied).
    """
    found: list[str] = []
    joining = False
    for line in example_lines(text):
        if joining:
            found[-1] = found[-1][:-1].rstrip() + " " + line
        else:
            assert line.startswith("escsim "), f"a wrapped example line: {line!r}"
            found.append(line)
        joining = found[-1].endswith("\\")
    assert not joining, f"an example ends in a backslash: {found[-1]!r}"
    return found


def all_examples() -> list[tuple[str, str]]:
    return [(command or "escsim", example) for command in COMMANDS
            for example in examples(help_text(command)) if CLUSTER not in example]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "escsim")
def test_help_names_extras_whole_and_fits(command):
    text = help_text(command)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    if EXTRA.search(text) and command not in ("", "list", "new", "schema", "explain"):
        assert "escsim[" in text, f"escsim {command} --help names an extra without its name"
    assert "(needs escsim)" not in text and "install 'escsim'" not in text


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "escsim")
def test_help_examples_are_whole_lines(command):
    found = examples(help_text(command))
    assert found, f"escsim {command} --help has no example"


@pytest.fixture
def folder(tmp_path):
    """A folder of the reader's own: scenarios/ and the files the examples assume."""
    root = tmp_path
    (root / "scenarios").symlink_to(REPO / "scenarios")
    episode = (REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml").read_text(encoding="utf-8")
    (root / "my_episode.yaml").write_text(episode, encoding="utf-8")
    (root / "my_uncertain_case.yaml").write_text(
        "extends: base.yaml\nname: my uncertain case\nactors:\n  baku:\n"
        "    nationalism: {uniform: [0.5, 0.8]}\n", encoding="utf-8")
    return root


def _cases() -> list:
    cases = []
    for command, example in all_examples():
        marks = [pytest.mark.slow] if slow(command, example) else []
        cases.append(pytest.param(example, marks=marks, id=example[:70]))
    return cases


@pytest.mark.parametrize("example", _cases())
def test_every_help_example_runs_as_printed(example, folder, monkeypatch):
    monkeypatch.chdir(folder)
    words = shlex.split(example)[1:]
    target = None
    if ">" in words:
        target = Path(words[words.index(">") + 1])
        words = words[:words.index(">")]
    args = [w for word in words for w in (sorted(glob.glob(word)) if "*" in word and
                                          glob.glob(word) else [word])]
    args = smaller(args)
    if "--pick" in args and args[args.index("--pick") + 1] != "median":
        args = _last_wins([*args, *RARE_PICK])
    if args[0] == "calibrate":
        args = _last_wins([*args, *TINY_CALIBRATION])
        if "--resume" in args or "--leave-one-out" in args:
            # a calibration to resume or to refit, made as the examples before it do
            CliRunner().invoke(app, ["calibrate", *TINY_CALIBRATION])
    result = CliRunner().invoke(app, args)
    if result.exit_code == 1 and "pip install 'escsim[" in result.stderr:
        return  # needs an extra this environment lacks, and says which
    assert result.exit_code == 0, f"{example}\n{result.stderr}"
    if target is not None:
        target.write_text(result.stdout, encoding="utf-8")
        assert target.stat().st_size > 0


def _last_wins(args: list[str]) -> list[str]:
    """Options given twice keep their last value (the small one)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("--") and i + 1 < len(args) and not args[i + 1].startswith("--"):
            if word in seen:
                out[seen[word] + 1] = args[i + 1]
            else:
                seen[word] = len(out)
                out += [word, args[i + 1]]
            i += 2
            continue
        out.append(word)
        i += 1
    return out
