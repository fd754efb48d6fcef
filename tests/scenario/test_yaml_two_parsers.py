"""libyaml's node tree and PyYAML's parser read every document alike (scenario/yaml_io.py).

Scenario files are composed by libyaml where PyYAML has it, for speed, and by PyYAML's parser
otherwise and on any error; both must accept the same documents with the same data and lines,
and refuse the others with the same message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from escalation_sim.scenario import yaml_io
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario
from escalation_sim.scenario.yaml_io import parse_yaml

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False),
                                reason="PyYAML was built without libyaml")


def reading(text: str, fast: bool) -> tuple[str, object]:
    """``("ok", (value, lines))`` or ``("error", the message and where)`` for one reading."""
    saved = yaml_io.FAST
    yaml_io.FAST = fast
    try:
        return "ok", parse_yaml(text, "f.yaml")
    except ScenarioError as exc:
        return "error", (str(exc), exc.line, exc.path)
    finally:
        yaml_io.FAST = saved


REPO_YAML = sorted(p for folder in ("scenarios", "episodes", "tests")
                   for p in (REPO / folder).rglob("*.yaml"))


def test_libyaml_and_pyyaml_read_every_file_of_the_repository_alike():
    assert len(REPO_YAML) > 40
    for path in REPO_YAML:
        text = path.read_text(encoding="utf-8")
        assert reading(text, True) == reading(text, False), path


HOSTILE = [
    "a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n", "prior: {uniform: 0.5, 0.7}\n",
    "d: 2025-13-01\n", "e: 1e-9\nf: 2E5\ng: 0x1F\nh: .inf\n", "a: 1\na: 2\n",
    "a:\t1\n", "a: [1, 2\n", "[" * 100 + "]" * 100, "[" * 2000 + "]" * 2000,
    "".join(" " * i + "k:\n" for i in range(80)) + " " * 80 + "v: 1\n",
    "a: 1\u2028b: 2\n", "a: 1\x85b: 2\n", "a: &a [*a]\n", "a: &a {b: *a}\n",
    "x: &x [a, a, a, a, a, a, a, a, a, a]\ny: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n"
    "z: &z [*y, *y, *y, *y, *y, *y, *y, *y, *y, *y]\nw: [*z, *z, *z, *z, *z, *z, *z, *z, *z]\n"
    "v: [*z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z]\n"
    "u: [*z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z]\n",
    "? [a, b]\n: 1\n", "!!python/name:os.system x\n", "a: !!binary aGk=\n",
    "%YAML 1.2\n---\na: 1\n", "a: 1\n---\nb: 2\n", "", "# nothing\n", "- 1\n- 2\n",
    "a: 'it''s'\nb: \"\\u00e9\"\nc: |\n  two\n  lines\nd: >-\n  folded\n  text\n",
    "a: &b 1\nc: &b 2\nd: *b\n", "a: *nowhere\n", "a: b: c\n", "{a: 1, a: 2}\n",
    "1: x\n", "null: x\n", "a:\n  - b\n  c: d\n", "\ufeffa: 1\n", "a: \x07\n",
    "a: {b?c: 1}\n", "a: [b?c]\n", "a: 1\n\ufeff  b: 2\n", "a: {b: 1\t}\n",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_libyaml_and_pyyaml_agree_on_hostile_text(text):
    assert reading(text, True) == reading(text, False)


def test_the_bundled_calibration_and_base_are_composed_by_libyaml(monkeypatch):
    composed = []
    real = yaml_io._libyaml_node

    def counting(text):
        composed.append(len(text))
        return real(text)

    monkeypatch.setattr(yaml_io, "_libyaml_node", counting)
    monkeypatch.setattr(yaml_io, "FAST", True)
    yaml_io._parsed.cache_clear()  # texts this process read before are parsed again here
    load_scenario(REPO / "scenarios" / "base.yaml")
    calibration = REPO / "scenarios" / "calibration" / "calibration.yaml"
    assert len(calibration.read_text(encoding="utf-8")) in composed
    assert len(composed) >= 2
