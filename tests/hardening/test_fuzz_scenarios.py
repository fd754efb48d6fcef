"""Property-based fuzzing of scenario input: every outcome is success or one line and exit 2.

Each case takes a bundled scenario, mutates its data (wrong types, missing and extra keys,
non-finite, extreme and negative numbers, huge and empty lists, unicode, deep nesting) and
possibly its text (random insertions and cuts, object tags, bytes that are not UTF-8), adds
``--set`` items, and then:

1. loads it in-process: a ``Scenario`` or a one-line ``ScenarioError``, nothing else;
2. runs ``escsim validate`` (Typer's CliRunner): exit 0, or exit 2 with one ``error:`` line per
   problem (validate lists every problem of a file; other commands print one line);
3. when it is valid, runs ``escsim run --runs 1 --days 2 --json`` with warnings as errors: exit 0
   and strict JSON.

A case that takes longer than ``CASE_TIMEOUT_S`` fails as a hang. The profile is fixed
(derandomized), so the same cases run every time; ``ESCSIM_FUZZ_EXAMPLES`` sets how many and
``ESCSIM_FUZZ_SEED`` explores other cases.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.commands.common import load
from escalation_sim.scenario.errors import ScenarioError, format_path

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
FUZZ_EXAMPLES = int(os.environ.get("ESCSIM_FUZZ_EXAMPLES", "150"))
FUZZ_SEED = os.environ.get("ESCSIM_FUZZ_SEED")
"""Set it to explore other cases than the fixed ones (with ESCSIM_FUZZ_EXAMPLES=2000, say)."""
CASE_TIMEOUT_S = 20
MAX_NODES = 50_000
"""Growth stops when a case's data would pass about this many values (growth compounds)."""

settings.register_profile(
    "escsim-fuzz", derandomize=FUZZ_SEED is None, database=None, deadline=None,
    max_examples=FUZZ_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])

RAW = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in SCENARIOS}
"""The bundled scenarios as plain data (read once)."""

FLOATS = [float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 5e-324, -0.0, 0.0, 0.5, 1.0,
          1e-300, 3650.0, 1e16]
INTS = [0, -1, 1, 2, 9, 10, 365, 3650, 3651, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63), 10**30]
TEXTS = ["", " ", "é", "中文 Баку", "🙂", "\u202e", "\x00", "\t", "null", "true", "~", "1e308",
         ".nan", "-.inf", "0x1F", "2025-02-30", "a" * 5000, "baku", "moscow", "day", "trade",
         "x" * 33, "ok: no", "- [", "{", "*anchor", "&anchor", "!!python/object:os.system"]
TAGS = ["!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!binary aGk=",
        "!custom 1", "!!set {a, b}", "!!omap [a: 1]"]


class Raw(str):
    """Text spliced into the YAML as written (for deep nesting and tags the dumper cannot make)."""




def nested(depth: int, kind: str) -> Raw:
    if kind == "list":
        return Raw("[" * depth + "1" + "]" * depth)
    return Raw("{a: " * depth + "1" + "}" * depth)


leaf_values = st.one_of(
    st.sampled_from(FLOATS), st.sampled_from(INTS), st.sampled_from(TEXTS), st.booleans(),
    st.none(), st.floats(), st.integers(), st.text(max_size=30),
    st.just(dt.date(2025, 7, 1)))
SPECIALS = [*(nested(d, k) for d in (3, 40, 70, 400, 3000) for k in ("list", "map")),
            *map(Raw, TAGS), [0] * 20000, {f"k{i}": i for i in range(2000)}]
"""Values that stress the reader: deep nesting, object tags, huge lists and mappings."""
values = st.one_of(
    leaf_values,
    st.lists(leaf_values, max_size=4),
    st.dictionaries(st.text(max_size=8), leaf_values, max_size=3),
    st.sampled_from(SPECIALS).map(copy.deepcopy))  # a fresh copy: cases mutate what they draw
in_range_numbers = st.sampled_from([0, 0.0, -0.0, 5e-324, 1e-300, 0.5, 1, 1.0, 2, 3, 9, 20, 365,
                                    1000, 3650, 5000, 10_000_000])
"""Numbers that are valid for many parameters: their edges, subnormals and negative zero."""


def locations(data: Any, loc: tuple = ()) -> list[tuple]:
    """Every key path in the data (including the top level ``()``)."""
    found = [loc]
    if isinstance(data, dict):
        for key, value in data.items():
            found += locations(value, (*loc, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found += locations(value, (*loc, n))
    return found


def size(data: Any, limit: int = MAX_NODES) -> int:
    """Number of values in the data, counted up to a little past ``limit``."""
    count, stack = 0, [data]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def get(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = data[part]
    return data


@st.composite
def mutated_data(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(sorted(RAW)))
    data = copy.deepcopy(RAW[name])  # dates stay dates (a date written as text is refused)
    for _ in range(draw(st.integers(1, 3))):
        locs = locations(data)
        loc = draw(st.sampled_from(locs))
        op = draw(st.sampled_from(["replace", "replace", "delete", "extra", "grow", "empty",
                                   "number", "number", "number"]))
        target = get(data, loc)
        if op == "number" and isinstance(target, int | float) and not isinstance(target, bool):
            get(data, loc[:-1])[loc[-1]] = draw(in_range_numbers)
        elif op == "replace" and loc:
            get(data, loc[:-1])[loc[-1]] = draw(values)
        elif op == "delete" and loc:
            del get(data, loc[:-1])[loc[-1]]
        elif op == "extra" and isinstance(target, dict):
            key = draw(st.one_of(st.text(max_size=12), st.sampled_from(
                ["extends", "actors", "runs", "seed", "Name", "nationalism", "baku", "1", "<<"])))
            target[key] = draw(values)
        elif op == "grow" and isinstance(target, list | dict) and target:
            times = draw(st.sampled_from([2, 50, 600]))
            times = min(times, (MAX_NODES - size(data)) // size(target))
            if times < 2:
                continue
            if isinstance(target, list):
                target.extend(target * (times - 1))
            else:
                first = next(iter(target.values()))
                target.update({f"{k}_{i}": first for k in list(target)[:2] for i in range(times)})
        elif op == "empty" and isinstance(target, list | dict):
            target.clear()
        elif loc and op != "number":
            get(data, loc[:-1])[loc[-1]] = draw(values)
    return name, data


def dump(data: Any) -> str:
    """YAML text of the data, with ``Raw`` values spliced in verbatim."""
    raws: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(str(value))
            return f"RAW{len(raws) - 1}RAW"
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    text = yaml.safe_dump(swap(data), sort_keys=False, allow_unicode=True, width=100)
    for n, raw in enumerate(raws):
        text = text.replace(f"RAW{n}RAW", raw)
    return text


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, bytes, list[str]]:
    """(bundled name, file bytes, --set items)."""
    name, data = draw(mutated_data())
    text = dump(data) if isinstance(data, dict) else yaml.safe_dump(data)
    edit = draw(st.sampled_from(["none", "none", "none", "insert", "cut", "truncate", "bytes"]))
    at = draw(st.integers(0, len(text)))
    if edit == "insert":
        text = text[:at] + draw(st.one_of(st.text(max_size=20), st.sampled_from(
            [": ", "\n- ", "\t", "&a ", "*a", "<<: *a\n", "!!python/object:os.system ", "'",
             '"', "\n  bad: [\n", "%YAML 1.1\n---\n", "---\n", "\x1b", "\ufeff"]))) + text[at:]
    elif edit == "cut":
        text = text[:at] + text[at + draw(st.integers(1, 200)):]
    elif edit == "truncate":
        text = text[:at]
    raw = text.encode("utf-8", "surrogatepass")
    if edit == "bytes":
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80\x80", b"\xfe\xff"])) + \
            raw[at:]
    leaves = [format_path(loc) for loc in locations(data) if loc] or ["name"]
    sets = draw(st.lists(st.one_of(
        st.tuples(st.sampled_from(leaves), st.one_of(st.sampled_from(TEXTS), st.text(max_size=12),
                                                     st.sampled_from(TAGS)))
        .map(lambda pv: f"{pv[0]}={pv[1]}"),
        st.text(max_size=20)), max_size=2))
    return name, raw, sets


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang(f"a case took longer than {CASE_TIMEOUT_S} s")


def check_cli(result: Any, allowed: tuple[int, ...], *, every: bool = False) -> None:
    """No traceback, an allowed exit code, and on exit 2 one ``error:`` line (``every``: one
    or more, one per problem, as ``escsim validate`` lists them)."""
    text = f"{result.stdout}\n{result.stderr}"
    assert "Traceback" not in text, text
    assert result.exit_code in allowed, (result.exit_code, result.stderr)
    if result.exit_code == 2:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert (len(lines) >= 1 if every else len(lines) == 1), result.stderr
        assert all(ln.startswith("error: ") for ln in lines), result.stderr


FUZZ_STATS = {"cases": 0, "valid": 0, "runs": 0, "options": 0, "seconds": 0.0}
"""What ran; printed at the end of the session (``conftest.pytest_terminal_summary``)."""


@pytest.mark.slow
@settings(settings.get_profile("escsim-fuzz"))
@seed(int(FUZZ_SEED or 0))
@given(case=cases())
def test_mutated_scenarios_succeed_or_fail_in_one_line(case, tmp_path_factory, strict):
    name, raw, sets = case
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / name
    path.write_bytes(raw)
    start = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_TIMEOUT_S)
    try:
        try:
            load(path, sets)  # as every command loads it: a record that does not fit is bad input
            valid = True
        except ScenarioError as exc:
            assert "\n" not in str(exc) and str(exc).strip(), repr(str(exc))
            valid = False
        runner = CliRunner()
        args = ["validate", str(path)] + [a for s in sets for a in ("--set", s)]
        result = runner.invoke(app, args)
        check_cli(result, (0,) if valid else (2,), every=True)
        if valid:
            FUZZ_STATS["valid"] += 1
            with strict():
                result = runner.invoke(app, ["run", str(path), "--runs", "1", "--days", "2",
                                             "--workers", "1", "--json", *args[2:]])
            check_cli(result, (0,))
            summary = json.loads(result.stdout, parse_constant=_no_constants)
            assert summary["runs"] == 1 and summary["days"] == 2
            FUZZ_STATS["runs"] += 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        FUZZ_STATS["cases"] += 1
        FUZZ_STATS["seconds"] += time.perf_counter() - start


def _no_constants(token: str) -> Any:
    raise AssertionError(f"JSON holds {token}")


OPTION_VALUES = {
    "--runs": [0, -1, 1, 2, "x", "1e3", "", 2**64, "½"],
    "--days": [0, -5, 1, 2, 3651, 2**70, "nan", " 2"],
    "--seed": [-1, 0, 7, 2**63 - 1, 2**63, "abc", "1.5", "0x10"],
    "--workers": [0, 1, 2, -3, "two"],
    "--executor": ["local", "dask", "", "🙂"],
    "--scheduler": ["tcp://127.0.0.1:1", ""],
    "--out": ["", "\x00", "/proc/version", "/nonexistent/x/y", "OUT"],
}
"""Odd values for the options of ``run`` (with --runs and --days small whenever valid)."""


@settings(settings.get_profile("escsim-fuzz"), max_examples=max(10, FUZZ_EXAMPLES // 5))
@given(options=st.dictionaries(st.sampled_from(sorted(OPTION_VALUES)), st.none(), min_size=1)
       .flatmap(lambda keys: st.fixed_dictionaries(
           {k: st.sampled_from(OPTION_VALUES[k]) for k in keys})))
def test_odd_option_values_succeed_or_fail_in_one_line(options, tmp_path_factory, strict):
    start = time.perf_counter()
    folder = tmp_path_factory.mktemp("opts")
    args = ["run", str(SCENARIOS[0]), "--json"]
    options = {"--runs": 1, "--days": 2, **options}
    for name, value in options.items():
        if name == "--out" and value == "OUT":
            value = folder / "out"
        args += [name, str(value)]
    with strict():
        result = CliRunner().invoke(app, args)
    dask = options.get("--executor") == "dask"  # cannot be set up without the extra: exit 1
    check_cli(result, (0, 2, 1) if dask else (0, 2))
    if result.exit_code == 1:  # the dask executor is an optional extra
        assert result.stderr.count("\n") == 1 and "dask" in result.stderr, result.stderr
    if result.exit_code == 0:
        assert json.loads(result.stdout, parse_constant=_no_constants)["runs"] == \
            int(options["--runs"])
    FUZZ_STATS["options"] += 1
    FUZZ_STATS["seconds"] += time.perf_counter() - start
