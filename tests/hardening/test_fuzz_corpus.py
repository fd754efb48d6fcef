"""A corpus of hostile input, kind by kind: every case ends in one correct line, or succeeds.

Kinds: command-line options (``cli``), scenario files (``file``), ``--set`` items (``set``),
episodes (``episode``), calibration files (``calibration``), databases under
``calibrate --resume`` (``database``) and the Python API (``api``). Each case must end within
``CASE_TIMEOUT_S`` with exit 0, or with exit 1 or 2 and exactly one ``error:`` line on
stderr (warnings apart) — never ``unexpected …`` (a bug), never a traceback — and must leave
every file of the user's as it was: a folder of the user's own files is given as ``--out``,
``--figures`` and inputs throughout, and compared byte by byte after each case. Bad input
exits 2; only a failure of the machine (a full disk) may exit 1, so the corpus expects 2 for
every failing case. The API must raise ``TypeError``, ``ValueError``, ``ScenarioError`` or
``FileNotFoundError`` with a message, nothing else.

The first ``FAST_CASES`` cases of each kind run as ordinary tests; the rest are marked
``slow`` (CI runs them all: ``python -m pytest``). ``CORPUS_STATS`` counts what was tried and
found; the hardening conftest prints it at the end of the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.scenario.errors import ScenarioError

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
BASE_TEXT = BASE.read_text(encoding="utf-8")
EPISODE = REPO / "episodes" / "azerbaijan_russia_2024_2026.yaml"
EPISODE_TEXT = EPISODE.read_text(encoding="utf-8")
CASE_TIMEOUT_S = 20
FAST_CASES = 6
"""Cases of each kind run without the ``slow`` mark."""
TINY = ("--runs", "16", "--days", "4", "--workers", "1", "--quiet")
CORPUS_STATS: dict[str, Any] = {"inputs": 0, "by_kind": {}, "crashes": 0, "wrong_exit": 0,
                                "bytes_lost": 0, "hangs": 0, "ok": 0, "refused": 0}

# --- the user's files, watched for loss -----------------------------------------------------

USER_FILES = {
    "mine.csv": b"measure,value,comment\n1,2,mine\n",
    "levers.csv": b"rank,lever,who\n1,hotline,me\n",
    "report.html": b"<html><meta name='generator' content='escsim'>my notes</html>\n",
    "run_fan_baku.svg": b"<svg><!-- numbers from escsim --></svg>\n",
    "notes.txt": b"the user's own notes\n",
    "scenario.yaml": BASE_TEXT.encode("utf-8"),
    "cal.yaml": b"priors:\n  model.c_mil: {uniform: [4, 9]}\n",
    "cal.yaml.db": b"SQLite format 3\x00" + b"\x00" * 84 + b"the user's database",
}


def user_folder(root: Path) -> Path:
    folder = root / "user"
    folder.mkdir()
    for name, data in USER_FILES.items():
        (folder / name).write_bytes(data)
    (folder / "figs").mkdir()
    (folder / "figs" / "run_outcomes.png").write_bytes(b"\x89PNG\r\n\x1a\nescsim? no, mine")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --- the cases ------------------------------------------------------------------------------

U = "{user}"
"""Stands for the user's folder in a case's arguments."""

CLI: list[list[str]] = [
    ["run", "a" * 300],
    ["run", "base", "--runs", "0"],
    ["run", "base", "--runs", "-5"],
    ["run", "base", "--runs", "1e9"],
    ["run", "base", "--runs", "99999999999999999999999"],
    ["run", "base", "--days", "0"],
    ["run", "base", "--days", "36501"],
    ["run", "base", "--seed", "-1"],
    ["run", "base", "--seed", str(2 ** 64)],
    ["run", "base", "--workers", "0"],
    ["run", "base", "--workers", "100000"],
    ["run", "base", "--executor", "threads"],
    ["run", "base", "--scheduler", "tcp://nowhere"],
    ["run", "base", "--out", f"{U}/mine.csv"],
    ["run", "base", "--out", U],
    ["run", "base", "--out", "/proc/escsim"],
    ["run", "base", "--out", "/dev/null"],
    ["run", "base", "--figures", f"{U}/figs"],
    ["run", "base", "--figures", f"{U}/notes.txt"],
    ["run", f"{U}/scenario.yaml", "--out", f"{U}/out-{{n}}"],
    ["run", "/dev/zero"],
    ["run", "/etc"],
    ["run", ""],
    ["run", "base", "--set", ""],
    ["run", "base", "--set", "="],
    ["compare", "base", "base", "--out", f"{U}/mine.csv"],
    ["compare", "base", "base", "--out", f"{U}/mine.csv", "--force"],
    ["compare", f"{U}/scenario.yaml", "base", "--out", f"{U}/scenario.yaml", "--force"],
    ["compare", "base"],
    ["compare", "base", "--variant", ""],
    ["compare", "base", "--variant", "x: y"],
    ["compare", "base", "all_levers", "--runs", "10000001"],
    ["levers", "base", "--out", f"{U}/levers.csv"],
    ["report", "base", "--out", f"{U}/report.html"],
    ["report", f"{U}/scenario.yaml", "--out", f"{U}/scenario.yaml", "--force"],
    ["report", "base", "--out", U],
    ["sweep", "base", "--vary", "actors.baku.nationalism=0:1:2000000000"],
    ["sweep", "base", "--vary", "actors.baku.nationalism=0:1:" + "9" * 5000],
    ["sweep", "base", "--vary", "actors.baku.nationalism=inf:1:3"],
    ["sweep", "base", "--vary", "actors.baku.nationalism=" + ",".join(["0.1"] * 5000)],
    ["sweep", "base", "--vary", "runs=1,2"],
    ["sweep", "base", "--vary", "actors.baku.nuclear=1,0"],
    ["sweep", "base", "--vary", "x"],
    ["sweep", "base", "--vary", "actors.baku.nationalism=0:1:3", "--metric", "nope"],
    ["sweep", "base", "--vary", "actors.baku.nationalism=0.2,0.4", "--out",
     f"{U}/mine.csv"],
    ["explore", "base", "--samples", "100000000000000000"],
    ["explore", "base", "--samples", "1"],
    ["explore", "base", "--param", "actors.baku.initial_rung=0:inf"],
    ["explore", "base", "--param", "runs=1:10"],
    ["explore", "base", "--param", "actors.baku.nationalism=0:1", "--discover", "p_force>>1"],
    ["explore", "base", "--param", "actors.baku.nationalism=0:1", "--out", "/proc/x"],
    ["explore", "base", "--param", "actors.baku.nationalism=0:1", "--out", U],
    ["sensitivity", "base", "--samples", "3"],
    ["sensitivity", "base", "--samples", "1048576"],
    ["sensitivity", "base", "--method", "magic"],
    ["sensitivity", "base", "--param", "actors.baku.initial_rung=-inf:5"],
    ["sensitivity", "base", "--param", "seed=1:5"],
    ["trace", "base", "--run", "99999999"],
    ["trace", "base", "--pick", "nothing"],
    ["backtest"],
    ["backtest", "no_such_episode"],
    ["backtest", "b" * 300],
    ["backtest", "/dev/zero"],
    ["backtest", f"{U}/notes.txt"],
    ["calibrate", "azerbaijan_russia_2024_2026", "--resume", "--out", f"{U}/cal.yaml"],
    ["calibrate", "azerbaijan_russia_2024_2026", "--out", f"{U}/cal.yaml", "--force"],
    ["calibrate", "azerbaijan_russia_2024_2026", "--out", f"{U}/mine.csv"],
    ["validate", f"{U}/notes.txt"],
    ["validate", "/dev/zero"],
    ["new", "../x"],
    ["new", "mine", "--dir", f"{U}/notes.txt"],
    ["new", "scenario", "--dir", U],
    ["schema", "--out", f"{U}/notes.txt"],
    ["schema", "--out", f"{U}/.escsim-files.json", "--force"],
    ["explain", "a" * 5000],
]
"""Command lines (``{user}`` is the user's folder; ``{n}`` a fresh number)."""

SETS = [
    "actors.baku.nationalism={uniform: [0, " + "9" * 400 + "]}",
    "actors.baku.nationalism={beta: [1e308, 1e308]}",
    "actors.baku.nationalism={normal: [0.5, 1e308]}",
    "actors.baku.nationalism={uniform: [-1e308, 1e308]}",
    "actors.baku.nationalism={uniform: []}",
    "actors.baku.nationalism={uniform: [0.1, 0.2], normal: [0.5, 0.1]}",
    "actors.baku.nationalism=.nan",
    "actors.baku.nationalism=-.inf",
    "actors.baku.nationalism=1e999",
    "actors.baku.nationalism=" + "1" * 5000,
    "actors.baku.initial_rung={uniform: [0, 9]}",
    "actors.baku.nuclear=1",
    "actors.baku.nuclear='yes'",
    "actors.baku.nuclear=~",
    "levers.crisis_hotline.enabled=on",
    "levers.crisis_hotline.enabled='on'",
    "start_date='2025-07-01'",
    "start_date=2025-02-30",
    "start_date=9999-12-31",
    "start_date=0001-01-01",
    "incidents.diaspora_crackdown.cameo=173",
    "incidents.diaspora_crackdown.cameo='9999'",
    f"alliances[{'9' * 4400}].commitment=1",
    f"alliances.{'9' * 20}.commitment=1",
    "alliances[0]=1",
    "actors=[]",
    "actors.baku={}",
    "events=[{day: {uniform: [1, 2]}}]",
    "events=[{day: 5, set: {levers.crisis_hotline.enabled: 1}}]",
    "events=[{date: '2025-08-01', set: {issues.corridors.heat: 0.5}}]",
    "add_events=5",
    "extends=other.yaml",
    "calibration=x.yaml",
    "a" * 10_000 + "=1",
    "actors.baku.name=" + "x" * 100_000,
    "description=!!python/object/apply:os.system ['true']",
    "seed=" + str(2 ** 63),
    "runs=10000001",
    "horizon_days=3651",
]
"""``--set`` items."""


def _scenario_texts() -> list[str]:
    """Scenario files: the base scenario with one hostile change each."""
    changes = [
        (r"^  baku:\n", "  baku:\n    nuclear: 'yes'\n"),
        (r"^  baku:\n", "  baku:\n    nuclear: 1\n"),
        (r"^start_date:.*$", "start_date: '2025-07-01'"),
        (r"^start_date:.*$", "start_date: 2025-07-01 10:00:00"),
        (r"^start_date:.*$", "start_date: [2025]"),
        (r"^name:.*$", "name: 2025"),
        (r"^name:.*$", "name: {a: 1}"),
        (r"^seed:.*$", "seed: " + "9" * 4400),
        (r"^runs:.*$", "runs: 1e309"),
        (r"^calibration:.*$", "calibration: ../../etc/passwd"),
        (r"^calibration:.*$", "calibration: /etc/passwd"),
        (r"^calibration:.*$", "calibration: [a, b]"),
        (r"^actors:\n", "actors: &a\n  <<: *a\n"),
        (r"^name:.*$", "name: x\nextends: nope.yaml"),
        (r"^name:.*$", "name: x\nextends: {a: 1}"),
        (r"^name:.*$", "name: x\nadd_events: [{day: {uniform: [1, 2]}}]"),
        (r"^name:.*$", "name: x\nevents: {day: 3}"),
        (r"^  baku:\n", "  baku:\n    nationalism: {beta: [0, 1]}\n"),
        (r"^  baku:\n", "  baku:\n    nationalism: {uniform: [0.1]}\n"),
        (r"^  baku:\n", "  baku:\n    lag_days: {uniform: [1, 3]}\n"),
    ]
    texts = []
    for old, new in changes:
        assert re.search(old, BASE_TEXT, flags=re.MULTILINE), old
        texts.append(re.sub(old, lambda _m, new=new: new, BASE_TEXT, count=1,
                            flags=re.MULTILINE))
    texts += ["", "\x00", "---\n...\n", "[1, 2, 3]\n", "name: x\n" * 3, "\ufeffname: x\n",
              BASE_TEXT[: len(BASE_TEXT) // 2]]
    return texts


def _episode_texts() -> list[str]:
    """Episode files: the bundled record with one hostile change each."""
    changes = [
        (r"^start_date: (\S+)$", "start_date: '\\1'"),
        (r"^end_date: (\S+)$", "end_date: 1999-01-01"),
        (r"^scenario:.*$", "scenario: /dev/zero"),
        (r"^scenario:.*$", "scenario: " + "s" * 300),
        (r"^scenario:.*$", "scenario: {a: 1}"),
        (r"^scenario:.*$", "scenario: ../../../etc/passwd"),
        (r"^scenario:.*$", "scenario: notes.txt"),
        (r"^scenario:.*$", "scenario: broken.yaml"),
        (r"^name:.*$", "name: [1]"),
        (r"^events:\n", "events: 7\nold_events:\n"),
        (r"^events:\n", "events: []\nold_events:\n"),
        (r"^  - date: (\S+)$", "  - date: '\\1'"),
        (r"cameo: ['\"]?(\d+)['\"]?", "cameo: 12345"),
        (r"cameo: ['\"]?(\d+)['\"]?", "cameo: 173"),
        (r"rung: (\d+)", "rung: 99"),
        (r"rung: (\d+)", "rung: true"),
    ]
    texts = []
    for old, new in changes:
        if not re.search(old, EPISODE_TEXT, flags=re.MULTILINE):
            continue
        texts.append(re.sub(old, new, EPISODE_TEXT, count=1, flags=re.MULTILINE))
    return texts + ["", "scenario: base\nend_date: 2025-01-01\n", "[]\n"]


CALIBRATIONS = [
    "",
    "priors: 7\n",
    "priors: []\n",
    "priors:\n  model.c_mil: " + "9" * 400 + "\n",
    "priors:\n  model.c_mil: {uniform: [0, " + "9" * 400 + "]}\n",
    "priors:\n  model.c_mil: {beta: [1e308, 1e308]}\n",
    "priors:\n  model.nope: {uniform: [0, 1]}\n",
    "priors:\n  actors.baku.nuclear: {uniform: [0, 1]}\n",
    "priors:\n  actors.baku.lag_days: {uniform: [0, 5]}\n",
    f"priors:\n  alliances[{'9' * 5000}].commitment: 0.5\n",
    "priors:\n  '': 1\n",
    "priors:\n  model.c_mil: !!python/name:os.system\n",
]
"""Calibration files (``calibration:`` of a scenario)."""


def _databases() -> list[bytes]:
    header = bytearray(b"SQLite format 3\x00" + b"\x00" * 84)
    header[68:72] = (0x45534353).to_bytes(4, "big")  # escsim's id, and nothing behind it
    return [b"", b"\x00" * 4096, b"SQLite format 3\x00", bytes(header),
            bytes(header) + os.urandom(4096), b"x" * 100_000]


API: list[tuple[str, Callable[[], Any]]] = []


def _api_cases() -> list[tuple[str, Callable[[], Any]]]:
    import escalation_sim as es

    small = {"runs": 4, "days": 3, "workers": 1}
    return [
        ("run runs='10'", lambda: es.run("base", runs="10")),
        ("run runs=0", lambda: es.run("base", runs=0)),
        ("run runs=True", lambda: es.run("base", runs=True)),
        ("run runs=2.5", lambda: es.run("base", runs=2.5)),
        ("run runs=10**12", lambda: es.run("base", runs=10 ** 12)),
        ("run days=-1", lambda: es.run("base", days=-1, runs=4)),
        ("run seed=-1", lambda: es.run("base", seed=-1, runs=4)),
        ("run workers=-1", lambda: es.run("base", workers=-1, runs=4)),
        ("run workers=2.5", lambda: es.run("base", workers=2.5, runs=4)),
        ("run workers=True", lambda: es.run("base", workers=True, runs=4)),
        ("run workers=10**6", lambda: es.run("base", workers=10 ** 6, runs=4)),
        ("run executor='threads'", lambda: es.run("base", executor="threads", **small)),
        ("run executor=5", lambda: es.run("base", executor=5, **small)),
        ("run scenario=None", lambda: es.run(None)),  # type: ignore[arg-type]
        ("run scenario=123", lambda: es.run(123)),  # type: ignore[arg-type]
        ("run scenario=''", lambda: es.run("")),
        ("run set=5", lambda: es.run("base", set=5, **small)),  # type: ignore[arg-type]
        ("run set={1: 2}", lambda: es.run("base", set={1: 2}, **small)),  # type: ignore[dict-item]
        ("run set=object", lambda: es.run("base", set={"seed": object()}, **small)),
        ("run set=['x']", lambda: es.run("base", set=["x"], **small)),
        ("run set nuclear=1", lambda: es.run("base", set={"actors.baku.nuclear": 1}, **small)),
        ("run set cameo=173", lambda: es.run(
            "base", set={"incidents.diaspora_crackdown.cameo": 173}, **small)),
        ("compare ()", lambda: es.compare()),
        ("compare one", lambda: es.compare("base", **small)),
        ("compare variants=5", lambda: es.compare("base", variants=5, **small)),
        ("compare runs=0", lambda: es.compare("base", "base", runs=0)),
        ("sweep vary=''", lambda: es.sweep("base", "", **small)),
        ("sweep vary=[]", lambda: es.sweep("base", [], **small)),
        ("sweep vary=[1]", lambda: es.sweep("base", [1], **small)),  # type: ignore[list-item]
        ("sweep huge", lambda: es.sweep("base", ["actors.baku.nationalism=0:1:10000000000"],
                                        **small)),
        ("sweep metrics=[]", lambda: es.sweep("base", ["actors.baku.nationalism=0:1:2"],
                                              metrics=[], **small)),
        ("sensitivity samples=0", lambda: es.sensitivity("base", samples=0, **small)),
        ("sensitivity samples=huge", lambda: es.sensitivity("base", samples=2 ** 40, **small)),
        ("sensitivity method=1", lambda: es.sensitivity("base", method=1, **small)),
        ("sensitivity params=''", lambda: es.sensitivity("base", params="", **small)),
        ("backtest runs=0", lambda: es.backtest("azerbaijan_russia_2024_2026", runs=0)),
        ("backtest episode=None", lambda: es.backtest(None)),  # type: ignore[arg-type]
        ("backtest episode=''", lambda: es.backtest("", runs=4)),
        ("load 3", lambda: es.load(3)),  # type: ignore[arg-type]
        ("load missing", lambda: es.load("/nonexistent/folder")),
    ]


# --- running a case -------------------------------------------------------------------------

class Hang(Exception):
    """A case ran past ``CASE_TIMEOUT_S``."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def count(kind: str, outcome: str) -> None:
    CORPUS_STATS["inputs"] += 1
    CORPUS_STATS["by_kind"][kind] = CORPUS_STATS["by_kind"].get(kind, 0) + 1
    CORPUS_STATS[outcome] += 1


def check_cli(kind: str, args: list[str], user: Path, *, forced_ok: bool = False) -> None:
    """Run a command line; it succeeds or fails in one line (exit 2), user files untouched."""
    before = snapshot(user)
    start = time.perf_counter()
    try:
        with deadline(CASE_TIMEOUT_S):
            result = CliRunner().invoke(app, args)
    except Hang:
        count(kind, "hangs")
        pytest.fail(f"{args[:3]} ran past {CASE_TIMEOUT_S} s")
    elapsed = time.perf_counter() - start
    errors = [ln for ln in result.stderr.splitlines() if ln.strip()
              and not ln.startswith("warning: ")]
    if "unexpected" in result.stderr or "Traceback" in result.stderr + result.stdout or \
            result.exception is not None and not isinstance(result.exception, SystemExit):
        count(kind, "crashes")
        pytest.fail(f"{args[:3]}: {result.stderr or result.exception!r}")
    if result.exit_code not in (0, 2) or (result.exit_code and len(errors) != 1):
        count(kind, "wrong_exit")
        pytest.fail(f"{args[:3]}: exit {result.exit_code}, stderr {result.stderr!r}")
    after = snapshot(user)
    lost = [name for name, data in before.items() if after.get(name) != data]
    if lost and not (forced_ok and "--force" in args):
        count(kind, "bytes_lost")
        pytest.fail(f"{args[:3]}: the user's {lost} changed")
    count(kind, "ok" if result.exit_code == 0 else "refused")
    assert elapsed < CASE_TIMEOUT_S


def marked(kind: str, cases: list[Any]) -> list[Any]:
    """The cases as parameters, those past ``FAST_CASES`` marked slow."""
    return [pytest.param(case, id=f"{kind}-{n}",
                         marks=[pytest.mark.slow] if n >= FAST_CASES else [])
            for n, case in enumerate(cases)]


@pytest.fixture
def user(tmp_path: Path) -> Path:
    return user_folder(tmp_path)


@pytest.mark.parametrize("args", marked("cli", CLI))
def test_cli(args, user, monkeypatch):
    monkeypatch.chdir(user.parent)
    filled = [a.replace(U, str(user)).replace("{n}", "1") for a in args]
    if filled[0] in ("run", "compare", "levers", "report", "sweep", "explore", "sensitivity",
                     "trace") and not any(a in filled for a in ("--runs", "--days")):
        filled += [*TINY[:4]]
    if filled[0] == "calibrate":
        filled += ["--population", "2", "--generations", "1", "--runs", "1", "--max-months",
                   "1", "--workers", "1"]
    # --force may replace a file of the user's that is not an input: asked for, not lost
    check_cli("cli", filled + ["--quiet"] if filled[0] not in ("explain", "list") else filled,
              user, forced_ok=True)


@pytest.mark.parametrize("item", marked("set", SETS))
def test_set(item, user):
    check_cli("set", ["run", str(user / "scenario.yaml"), "--set", item, *TINY], user)


@pytest.mark.parametrize("text", marked("file", _scenario_texts()))
def test_file(text, user):
    (user / "case.yaml").write_text(text, encoding="utf-8")
    check_cli("file", ["run", str(user / "case.yaml"), *TINY], user)


@pytest.mark.parametrize("text", marked("episode", _episode_texts()))
def test_episode(text, user):
    (user / "broken.yaml").write_text("name: broken\nactors: [a]\n", encoding="utf-8")
    (user / "episode.yaml").write_text(text, encoding="utf-8")
    check_cli("episode", ["validate", str(user / "episode.yaml")], user)
    check_cli("episode", ["backtest", str(user / "episode.yaml"), "--runs", "16", "--workers",
                          "1", "--quiet"], user)


@pytest.mark.parametrize("text", marked("calibration", CALIBRATIONS))
def test_calibration_file(text, user):
    (user / "c.yaml").write_text(text, encoding="utf-8")
    scenario = user / "s.yaml"
    scenario.write_text(BASE_TEXT.replace("calibration: calibration/calibration.yaml",
                                          "calibration: c.yaml"), encoding="utf-8")
    check_cli("calibration", ["run", str(scenario), *TINY], user)


@pytest.mark.parametrize("data", marked("database", _databases()))
def test_database(data, user):
    (user / "c.yaml.db").write_bytes(data)
    check_cli("database", ["calibrate", "azerbaijan_russia_2024_2026", "--resume", "--out",
                           str(user / "c.yaml"), "--population", "2", "--generations", "1",
                           "--runs", "1", "--max-months", "1", "--workers", "1", "--quiet"],
              user)


@pytest.fixture
def no_simulation(monkeypatch):
    """The API refuses its arguments before any ensemble is planned."""
    from escalation_sim.engine import ensemble

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before refusing")

    monkeypatch.setattr(ensemble, "plan_chunks", refuse)


@pytest.mark.parametrize("case", marked("api", _api_cases()))
def test_api(case, no_simulation):
    name, call = case
    try:
        with deadline(CASE_TIMEOUT_S):
            call()
    except Hang:
        count("api", "hangs")
        pytest.fail(f"{name} ran past {CASE_TIMEOUT_S} s")
    except (TypeError, ValueError, ScenarioError, FileNotFoundError) as exc:
        if isinstance(exc, AssertionError) or not str(exc) or \
                re.search(r"unhashable|has no attribute|'\w+' object is not|max\(\) arg",
                          str(exc)):
            count("api", "crashes")
            pytest.fail(f"{name}: a bare error: {type(exc).__name__}: {exc}")
        count("api", "refused")
        return
    except AssertionError as exc:  # the no_simulation guard: it ran with a bad argument
        count("api", "wrong_exit")
        pytest.fail(f"{name}: accepted and simulated ({exc})")
    except Exception as exc:  # noqa: BLE001 - the finding
        count("api", "crashes")
        pytest.fail(f"{name}: {type(exc).__name__}: {exc}")
    count("api", "wrong_exit")
    pytest.fail(f"{name}: accepted")


def test_the_corpus_keeps_user_files_in_view(user):
    """The watched folder really holds the files the cases aim at."""
    names = set(snapshot(user))
    assert {"mine.csv", "scenario.yaml", "cal.yaml.db", "figs/run_outcomes.png"} <= names
    assert hashlib.sha256((user / "scenario.yaml").read_bytes()).hexdigest() == \
        hashlib.sha256(BASE_TEXT.encode("utf-8")).hexdigest()


HOSTILE_VALUES = ["true", "'0.5'", "1e999", "-1", "9" * 400, "{uniform: [0, 1e308]}",
                  "{beta: [1e308, 1e308]}", "[]", "{}", "null", "'" + "x" * 300 + "'",
                  "2025-07-01", "'2025-07-01'", "!!binary aGk="]
"""Values given to every parameter of the base scenario by ``--set``."""


def leaf_paths(data: Any, prefix: str = "") -> list[str]:
    """Every path to a single value in scenario data (``alliances[0].commitment``)."""
    if isinstance(data, dict):
        return [p for key, value in data.items()
                for p in leaf_paths(value, f"{prefix}.{key}" if prefix else key)]
    if isinstance(data, list):
        return [p for n, value in enumerate(data) for p in leaf_paths(value, f"{prefix}[{n}]")]
    return [prefix]


@pytest.mark.slow
def test_every_parameter_with_hostile_values():
    """Each value above at every path of the base scenario: a scenario or one clear line."""
    import copy

    from escalation_sim.scenario.load import _finish, load_document, load_scenario, scenario_to_dict

    doc = load_document(BASE)
    paths = leaf_paths(scenario_to_dict(load_scenario(BASE)))
    # A calibration's parameter sets are lists of hundreds of numbers read by one rule: the
    # first two entries of each list stand for the rest.
    paths = [p for p in paths if not re.search(r"\.particles\.\w+\[([2-9]|\d\d+)\]", p)]
    assert len(paths) > 100
    found = []
    for path in paths:
        for value in HOSTILE_VALUES:
            item = f"{path}={value}"
            try:
                with deadline(CASE_TIMEOUT_S):
                    _finish(copy.deepcopy(doc), [item])
            except ScenarioError as exc:
                line = str(exc)
                if "\n" in line or len(line) > 600 or "unexpected" in line:
                    found.append((item[:80], line[:200]))
                    count("set-every", "wrong_exit")
                    continue
                count("set-every", "refused")
            except Hang:
                count("set-every", "hangs")
                found.append((item[:80], "hang"))
            except Exception as exc:  # noqa: BLE001 - the finding
                count("set-every", "crashes")
                found.append((item[:80], f"{type(exc).__name__}: {exc}"[:200]))
            else:
                count("set-every", "ok")
    assert not found, found[:10]
