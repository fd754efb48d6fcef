"""Every escsim command line in the README runs, from a folder of its own, with small runs.

The README's code blocks are parsed; each ``escsim …`` command is run in-process in a temporary
folder holding ``scenarios/`` (a link to the repository's) and the files the README assumes the
reader has (``my_episode.yaml``). Runs, days and samples are made small so the whole test stays
fast; the commands are otherwise run as written (globs expanded, ``> FILE`` written).
"""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
SIMULATING = {"run", "compare", "sweep", "trace", "report", "levers", "sensitivity", "explore"}
"""Commands that take --runs and --days."""
SMALL = {"--runs": "24", "--days": "20", "--samples": "4", "--workers": "1"}
CLUSTER = "tcp://HEAD:"
"""A placeholder scheduler address: these lines need a Dask cluster, not run here."""


def readme_commands() -> list[str]:
    """The ``escsim …`` commands of the README's indented code blocks, comments dropped."""
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("    "):
            continue
        for part in line.strip().split("&&"):
            part = part.strip()
            if part.startswith("escsim ") and CLUSTER not in part:
                found.append(re.sub(r"\s+#.*$", "", part))
    return found


def smaller(args: list[str]) -> list[str]:
    """The arguments with --runs, --days, --samples and --workers made small where they apply."""
    wanted = dict(SMALL)
    if args[0] not in SIMULATING:
        wanted = {"--runs": SMALL["--runs"], "--workers": "1"} if args[0] == "backtest" else {}
    if args[0] not in ("sensitivity", "explore"):
        wanted.pop("--samples", None)
    out = list(args)
    for option, value in wanted.items():
        if option in out:
            out[out.index(option) + 1] = value
        else:
            out += [option, value]
    return out


def test_the_readme_has_commands_of_every_kind():
    names = {shlex.split(c)[1] for c in readme_commands()}
    assert {"run", "compare", "levers", "sweep", "sensitivity", "trace", "report", "backtest",
            "validate", "explain", "list", "new", "schema"} <= names


def _commands() -> list:
    """The README's commands as cases, those that read the episode library marked slow."""
    return [pytest.param(c, marks=[pytest.mark.slow] if c.split()[1] in ("backtest", "list")
                         else []) for c in readme_commands()]


@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs(run, tmp_path, monkeypatch, command):
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    (tmp_path / "my_episode.yaml").write_text(
        (REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    words = shlex.split(command)[1:]
    target = None
    if ">" in words:
        target = Path(words[words.index(">") + 1])
        words = words[:words.index(">")]
    args = [w for word in words for w in (sorted(glob.glob(word)) if "*" in word and
                                          glob.glob(word) else [word])]
    result = run(*smaller(args))
    assert result.exit_code == 0, f"{command}\n{result.stderr}"
    if target is not None:
        target.write_text(result.stdout, encoding="utf-8")
        assert target.stat().st_size > 0


CITING = [README, *sorted((REPO / "docs").glob("*.md")),
          *sorted((REPO / "scenarios").glob("*.yaml")),
          *sorted((REPO / "episodes").glob("*.yaml"))]


@pytest.mark.parametrize("path", CITING, ids=lambda p: p.name)
def test_sources_are_cited_from_the_repository(path):
    text = path.read_text(encoding="utf-8")
    for outside in ("shared/data", "shared/design"):
        assert outside not in text, f"{path.name} cites a file outside the repository"


def test_the_sources_page_links_to_files_that_exist():
    page = REPO / "docs" / "sources.md"
    links = re.findall(r"\]\(([^)#]+)\)", page.read_text(encoding="utf-8"))
    assert links and all((page.parent / link).resolve().exists() for link in links
                         if not link.startswith("http"))
    assert "AZ–RU trade 2023" in page.read_text(encoding="utf-8")


def test_readme_pictures_exist():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text(encoding="utf-8"))
    assert {"docs/levers.svg", "docs/compare.svg", "docs/run-summary.svg"} <= set(pictures)
    assert all((REPO / p).exists() for p in pictures)
