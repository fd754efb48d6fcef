"""Golden files: small fixed runs whose summaries must not change unless the model does.

Each case runs ``escsim run SCENARIO --runs 2048 --days 120 --seed 7 --json`` and compares the
summary, without the fields that describe the machine or the file rather than the model
(``timing``, ``escsim_version``, the scenario's path and hashes), exactly to the committed
``tests/golden/<case>.json``. When the model or a bundled scenario changes on purpose,
regenerate them (``python tests/golden/regenerate.py``) and say so in the commit — see README.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
UPDATE_ENV = "ESCSIM_UPDATE_GOLDEN"
RUN = ("--runs", "2048", "--days", "120", "--seed", "7", "--workers", "1", "--json")
CASES = {"base": "scenarios/base.yaml", "all_levers": "scenarios/all_levers.yaml"}
VOLATILE = {("timing",), ("escsim_version",), ("numpy_version",), ("scenario", "path"),
            ("scenario", "sha256"), ("scenario", "resolved_sha256")}
"""Fields about the machine, the installed version or the file's bytes, not the model."""
NEWER_THAN_GOLDEN = {"held_at_bound", "incident_force", "uncertainty", "ends", "worst",
                     "uncertainty.parameters.*.words"}
"""Summary keys added after the golden files were made (dotted, ``*`` for any key): compared
once a golden file has them (the next deliberate regeneration), not reported as differences
before."""


def drop_newer(summary: dict[str, Any], expected: dict[str, Any], path: str) -> None:
    """Remove ``path`` (dotted, ``*`` for any key) from ``summary`` where ``expected`` lacks it."""
    head, _, rest = path.partition(".")
    keys = list(summary) if head == "*" else [head]
    for key in keys:
        if key not in summary:
            continue
        if not rest:
            if key not in expected:
                summary.pop(key)
        elif isinstance(summary[key], dict) and isinstance(expected.get(key), dict):
            drop_newer(summary[key], expected[key], rest)


def stable(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without the ``VOLATILE`` fields."""
    data = json.loads(json.dumps(summary))
    for path in VOLATILE:
        holder = data
        for key in path[:-1]:
            holder = holder[key]
        holder.pop(path[-1], None)
    return data


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Key paths where two JSON values differ, with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            found += differences(old.get(key, "<missing>"), new.get(key, "<missing>"),
                                 f"{where}.{key}" if where else key)
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for n, (a, b) in enumerate(zip(old, new, strict=True))
                for d in differences(a, b, f"{where}[{n}]")]
    return [] if old == new else [f"{where}: golden {old!r}, now {new!r}"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_summary_matches_the_golden_file(case):
    result = CliRunner().invoke(app, ["run", str(REPO / CASES[case]), *RUN])
    assert result.exit_code == 0, result.stderr
    summary = stable(json.loads(result.stdout))
    golden = HERE / f"{case}.json"
    if os.environ.get(UPDATE_ENV, "") not in ("", "0"):
        golden.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} is missing: run python tests/golden/regenerate.py"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for path in NEWER_THAN_GOLDEN:
        drop_newer(summary, expected, path)
    diff = differences(expected, summary)
    assert not diff, (f"{len(diff)} values differ from {golden.name} (if the model changed on "
                      "purpose: python tests/golden/regenerate.py, and note it in the commit):\n"
                      + "\n".join(diff[:15]))
