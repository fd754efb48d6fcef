"""The files an analyst keeps (``escsim run --out DIR``), written atomically.

``DIR`` receives:

- ``summary.json`` — the summary, exactly as ``--json`` prints it;
- ``runs.csv`` — one row per run (and ``runs.parquet`` when pyarrow is installed);
- ``daily.csv`` — one row per day: distributions over runs of rungs, flows, mediation;
- ``scenario.resolved.yaml`` — the scenario with every default filled in and overrides
  applied: ``escsim run DIR/scenario.resolved.yaml --seed S`` gives the same results again.

- ``.escsim-output.json`` — the marker: the escsim version and the size and modification time
  of each file above, so a later ``--out DIR`` knows the folder is escsim's own, unchanged.

Everything is written into a staging folder next to ``DIR`` (``.DIR.tmp-PID-…``), which is
renamed to ``DIR`` only when complete (``StagedOutput``; per-run rows are appended there chunk
by chunk while the ensemble runs, so they never need to be held in memory whole).
An existing ``DIR`` from an earlier run is renamed aside first and removed after
the swap (and put back if the swap fails), so a failure or Ctrl-C at any point leaves either the
old output or the new one, never a mix.

escsim never deletes what it did not write: ``DIR`` is replaced only when it is empty or holds
exactly the files its marker lists, unchanged. This is checked before the run and again at the
swap; a file added to ``DIR`` during the run keeps ``DIR`` as it is, and the new result goes
to a fresh folder beside it. Staging folders left by an escsim process that was killed are
removed at the next ``--out`` into the same folder.

Single files (``--out FILE`` of ``report``, ``compare``, ``sweep``, ``sensitivity``,
``schema``) are written by :func:`write_file_atomic`: a temporary file beside the target, synced
and renamed over it. :func:`check_out_file` refuses, before any work, a target that is a
command's input, that is not a regular file, or that escsim did not write (unless forced).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import stat as stat_module
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SUMMARY_FILE = "summary.json"
RUNS_CSV = "runs.csv"
RUNS_PARQUET = "runs.parquet"
DAILY_CSV = "daily.csv"
SCENARIO_FILE = "scenario.resolved.yaml"
OUTPUT_FILES = (SUMMARY_FILE, RUNS_CSV, RUNS_PARQUET, DAILY_CSV, SCENARIO_FILE)
"""Every file ``--out`` may write (besides the marker)."""
MARKER_FILE = ".escsim-output.json"
"""In an ``--out`` folder: what escsim wrote there (names, sizes, modification times)."""
STAGING_FILE = ".escsim-staging.json"
"""In a staging folder while it is being written: the host and pid of the escsim writing it."""
HELD_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None),
                                 getattr(signal, "SIGHUP", None)) if s is not None)
"""Signals held back while a finished folder is swapped into place."""
_STAGING_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]{8}$")
SCENARIO_HEADER = ("# The fully resolved scenario of this run: every default filled in, --set, "
                   "--runs, --days and --seed applied.\n# Run it again with: escsim run {path}\n")

Table = Mapping[str, Sequence[Any]]


class OutputError(Exception):
    """The output folder cannot be used or written (the message says why, in one line)."""


@dataclass(frozen=True)
class Outputs:
    """What ``--out`` writes, already computed: renderers only serialise.

    Attributes:
        summary: The summary dict.
        daily: The per-day table.
        scenario: The resolved scenario as plain data.
        runs: The per-run table, when per-run results were kept.
    """

    summary: Mapping[str, Any]
    daily: Table
    scenario: Mapping[str, Any]
    runs: Table | None = None


def summary_json(summary: Mapping[str, Any]) -> str:
    """The summary as JSON text (what ``--json`` prints): indented, UTF-8, never NaN."""
    return json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def parquet_available() -> bool:
    """Whether pyarrow is importable (``runs.parquet`` is written only then)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def check_out_dir(path: Path) -> None:
    """Check, before running, that ``path`` can receive the output.

    Raises:
        OutputError: ``path`` is a file, a broken symbolic link, a mount point, the current
            folder, a folder with files escsim did not write, or cannot be created.
    """
    target = out_target(path)
    if not target.exists():
        ancestor = _existing_ancestor(target)
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"--out {path}: cannot create it in {ancestor} (not a writable "
                              "folder)")
        return
    if not target.is_dir():
        raise OutputError(f"--out {path}: exists and is not a folder; choose a folder name")
    if os.path.ismount(target):
        raise OutputError(f"--out {path}: is a mount point, which escsim cannot replace; give "
                          f"a folder inside it, e.g. {path / 'results'}")
    try:
        cwd = Path.cwd().resolve()
    except OSError:  # the current folder was removed: it cannot be the target
        cwd = Path("/nonexistent-cwd")
    if target.resolve() == cwd or target.resolve() in cwd.parents:
        raise OutputError(f"--out {path}: is the current folder (or holds it), which escsim "
                          "cannot replace; give a new folder name, e.g. results")
    foreign = foreign_files(target)
    if foreign:
        raise OutputError(f"--out {path}: folder holds {foreign}; escsim replaces only an "
                          "empty folder or an unchanged earlier escsim output folder — choose "
                          "another folder")


def out_target(path: Path) -> Path:
    """The absolute folder ``--out path`` names: a symbolic link is followed to its folder.

    Raises:
        OutputError: ``path`` is a broken or looping symbolic link.
    """
    if not path.is_symlink():
        return Path(os.path.abspath(path))
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop, before Python 3.13
        raise OutputError(f"--out {path}: is a broken or looping symbolic link; give a folder "
                          "name") from exc


def foreign_files(folder: Path) -> str:
    """What in ``folder`` escsim did not write, described briefly ('' if nothing).

    A folder is escsim's own if its marker lists exactly the files in it, each with the size and
    modification time it had when escsim wrote it. An empty folder holds nothing foreign.
    """
    names = sorted(p.name for p in folder.iterdir())
    if not names:
        return ""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
        listed = marker["files"]
        assert isinstance(listed, dict)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        return f"files escsim did not write ({shown}: no escsim marker)"
    extra = [n for n in names if n != MARKER_FILE and n not in listed]
    if extra:
        more = ", …" if len(extra) > 3 else ""
        return f"files escsim did not write ({', '.join(extra[:3])}{more})"
    for name, (size, mtime) in listed.items():
        try:
            stat = (folder / name).lstat()
        except OSError:
            continue  # removed since: nothing of the user's to lose
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return f"files changed since escsim wrote them ({name})"
    return ""


def _existing_ancestor(path: Path) -> Path:
    ancestor = path.parent
    while not os.path.lexists(ancestor):
        ancestor = ancestor.parent
    return ancestor


def clean_stale_staging(parent: Path) -> list[str]:
    """Remove what an escsim process that no longer exists left in ``parent``.

    That is: its staging folders (``.DIR.tmp-PID-…``, holding escsim's staging note for this
    host), and earlier outputs it had moved aside (``.DIR.old-PID-…``, an unchanged escsim
    output folder) once ``DIR`` holds the newer output. Returns the names removed.
    """
    removed = []
    host = socket.gethostname()
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = _STAGING_NAME.match(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False):
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _alive(pid):
            continue
        folder = Path(entry.path)
        if match["kind"] == "tmp":
            try:
                note = json.loads((folder / STAGING_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(note, dict) or note.get("host") != host or note.get("pid") != pid:
                continue
        else:
            swapped = parent / match["name"]
            if not (folder / MARKER_FILE).is_file() or foreign_files(folder) or \
                    not (swapped / MARKER_FILE).is_file():
                continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


class StagedOutput:
    """The atomic write of ``--out DIR`` in steps, as a context manager.

    Files go into a fresh staging folder next to ``DIR``: per-run rows as they are computed
    (``append_runs``), the rest on ``commit``, which then renames the folder to ``DIR``.
    Leaving the ``with`` block without a commit (an error, Ctrl-C) removes the staging folder.
    Every ``OSError`` becomes a one-line ``OutputError``.
    """

    def __init__(self, path: Path) -> None:
        check_out_dir(path)
        self.path = path
        self.target = out_target(path)
        parent = self.target.parent
        self._made: list[Path] = []  # folders created for the output, removed if it fails
        self._runs: RunsWriter | None = None
        self._committed = False
        try:
            missing = [p for p in (parent, *parent.parents) if not os.path.lexists(p)]
            for folder in reversed(missing):
                folder.mkdir()
                self._made.append(folder)
            clean_stale_staging(parent)
            self.folder = _fresh_folder(parent, f".{self.target.name}.tmp-{os.getpid()}-")
            _write_text(self.folder / STAGING_FILE, json.dumps(
                {"host": socket.gethostname(), "pid": os.getpid()}))
        except OSError as exc:
            self._remove_made()
            raise OutputError(f"--out {path}: cannot create it: {exc.strerror or exc}") from exc

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._runs is not None:
                self._runs.abandon()
        finally:
            if not self._committed:
                shutil.rmtree(self.folder, ignore_errors=True)
                self._remove_made()

    def _remove_made(self) -> None:
        """Remove the folders created for the output (only while they are empty)."""
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                break
        self._made = []

    def append_runs(self, table: Table) -> None:
        """Append rows to ``runs.csv`` (and ``runs.parquet``), in run order."""
        try:
            if self._runs is None:
                self._runs = RunsWriter(self.folder)
            self._runs.append(table)
        except OSError as exc:
            raise OutputError(f"--out {self.path}: cannot write: {exc.strerror or exc}") from exc

    def commit(self, outputs: Outputs) -> list[str]:
        """Write the remaining files, then put the folder in place as ``DIR``.

        Returns:
            The names of the files written, in the order listed in ``OUTPUT_FILES``.
        """
        def write(folder: Path) -> list[str]:
            runs_files = self._runs.close() if self._runs is not None else []
            self._runs = None
            return _write_all(folder, outputs, self.path, runs_files)

        return self.commit_files(write, str(outputs.summary.get("escsim_version", "")))

    def commit_files(self, write: Callable[[Path], list[str]], version: str) -> list[str]:
        """Write files with ``write(folder)``, then put the folder in place as ``DIR``.

        For outputs other than ``run``'s (e.g. ``explore --out DIR``): ``write`` writes its
        files into the staging folder it is given and returns their names, which the marker
        then lists with ``version``.
        """
        try:
            written = write(self.folder)
            _write_marker(self.folder, written, version)
            (self.folder / STAGING_FILE).unlink()
            _fsync_folder(self.folder)
            with _interrupts_deferred():
                kept = _swap_into_place(self.folder, self.target)
        except OSError as exc:
            raise OutputError(f"--out {self.path}: cannot write: {exc.strerror or exc}") from exc
        self._committed = True
        if kept is not None:
            raise OutputError(f"--out {self.path}: {kept[1]} since the run started, so it was "
                              f"left as it was; this run's result is in {kept[0]}")
        return written


def write_outputs(path: Path, outputs: Outputs) -> list[str]:
    """Write every output file into ``path`` atomically (see the module docstring).

    Returns:
        The names of the files written, in the order listed in ``OUTPUT_FILES``.

    Raises:
        OutputError: ``path`` cannot be used, or writing failed (nothing of it is left behind).
    """
    with StagedOutput(path) as staged:
        return staged.commit(outputs)


def _write_all(folder: Path, outputs: Outputs, final: Path, runs_files: list[str]) -> list[str]:
    written = []
    _write_text(folder / SUMMARY_FILE, summary_json(outputs.summary))
    written.append(SUMMARY_FILE)
    if outputs.runs is not None:
        write_csv(folder / RUNS_CSV, outputs.runs)
        written.append(RUNS_CSV)
        if parquet_available():
            write_parquet(folder / RUNS_PARQUET, outputs.runs)
            written.append(RUNS_PARQUET)
    written += runs_files
    write_csv(folder / DAILY_CSV, outputs.daily)
    written.append(DAILY_CSV)
    header = SCENARIO_HEADER.format(path=final / SCENARIO_FILE)
    _write_text(folder / SCENARIO_FILE, header + yaml.safe_dump(
        dict(outputs.scenario), sort_keys=False, allow_unicode=True, width=100))
    written.append(SCENARIO_FILE)
    return written


class RunsWriter:
    """Appends per-run rows to ``runs.csv`` (and ``runs.parquet`` when pyarrow is present).

    With pyarrow, columns go from numpy to Arrow and both files are written by Arrow's own
    writers (the text of a float is its shortest exact form: ``1`` for 1.0); without it, the
    csv module writes ``runs.csv`` from Python values. Either way the values are the same.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._arrow = parquet_available()
        self._csv = (folder / RUNS_CSV).open("w" if not self._arrow else "wb",
                                             **({} if self._arrow else
                                                {"encoding": "utf-8", "newline": ""}))
        self._writer: Any = None
        self._parquet: Any = None
        self._schema: Any = None

    def append(self, table: Table) -> None:
        """Append the rows of a column table (same columns every time; numpy or lists)."""
        if self._arrow:
            self._append_arrow(table)
            return
        if self._writer is None:
            self._writer = csv.writer(self._csv, lineterminator="\n")
            self._writer.writerow(list(table))
        columns = [_python_values(values) for values in table.values()]
        self._writer.writerows(["" if _missing(v) else v for v in row]
                               for row in zip(*columns, strict=True))

    def _append_arrow(self, table: Table) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        arrays = {name: _arrow_array(values) for name, values in table.items()}
        if self._schema is None:
            # a column that is all missing in the first block (a day that never came) is int64
            self._schema = pa.schema([pa.field(name, pa.int64()) if pa.types.is_null(a.type)
                                      else pa.field(name, a.type) for name, a in arrays.items()])
            self._parquet = pq.ParquetWriter(str(self.folder / RUNS_PARQUET), self._schema)
            quoting = "none" if _plain(table) else "needed"
            try:  # pyarrow >= 19 can leave the header unquoted too, as the csv module does
                options = pacsv.WriteOptions(quoting_style=quoting, quoting_header=quoting)
            except TypeError:
                options = pacsv.WriteOptions(quoting_style=quoting)
            self._writer = pacsv.CSVWriter(self._csv, self._schema, write_options=options)
        block = pa.table({name: a.cast(self._schema.field(name).type)
                          for name, a in arrays.items()}, schema=self._schema)
        self._writer.write_table(block)
        self._parquet.write_table(block)

    def close(self) -> list[str]:
        """Finish the files (flushed to disk); returns their names."""
        names = [RUNS_CSV]
        if self._arrow and self._writer is not None:
            self._writer.close()
        self._csv.flush()
        os.fsync(self._csv.fileno())
        self._csv.close()
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
            names.append(RUNS_PARQUET)
        return names

    def abandon(self) -> None:
        """Close the files without caring whether they are complete.

        Never raises an ``OSError``: on a full disk closing flushes, and fails, but the folder
        is thrown away anyway.
        """
        for thing in (self._writer if self._arrow else None, self._parquet, self._csv):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - the folder is being thrown away
                    pass


def _python_values(values: Any) -> list[Any]:
    """A column as Python values (numpy columns converted in one call each)."""
    if hasattr(values, "tolist"):
        return list(values.tolist())
    return list(values)


def _arrow_array(values: Any) -> Any:
    """A column as an Arrow array: numpy columns without Python objects (NaN, mask: null)."""
    import pyarrow as pa

    if isinstance(values, (list, tuple)):
        return pa.array(values)
    kind = getattr(values, "dtype", None)
    if kind is not None and kind.kind == "O":
        return pa.array(values, type=pa.string())
    return pa.array(values, from_pandas=True)


def _plain(table: Table) -> bool:
    """Whether no header or text cell needs CSV quoting (then none is used, as the csv module)."""
    special = (",", '"', "\n", "\r")
    for name, values in table.items():
        if any(c in name for c in special):
            return False
        if getattr(getattr(values, "dtype", None), "kind", "O") == "O" and any(
                isinstance(v, str) and any(c in v for c in special) for v in values):
            return False
    return True


def _write_marker(folder: Path, written: Sequence[str], version: str) -> None:
    """Write ``MARKER_FILE``: each written file's size and modification time."""
    listed = {}
    for name in written:
        stat = (folder / name).stat()
        listed[name] = [stat.st_size, stat.st_mtime_ns]
    _write_text(folder / MARKER_FILE, json.dumps({"escsim_version": version,
                                                  "files": listed}, indent=1) + "\n")


def _swap_into_place(staging: Path, path: Path) -> tuple[Path, str] | None:
    """Rename the finished folder to ``path``, moving an earlier output aside first.

    ``path`` is checked again once moved aside: if it now holds anything escsim did not write,
    it is put back, the finished folder is renamed to a fresh name beside it, and that name and
    the reason are returned. ``None`` when ``path`` holds the new output.
    """
    if not os.path.lexists(path):
        os.rename(staging, path)
        return None
    aside = _fresh_folder(staging.parent, f".{path.name}.old-{os.getpid()}-")
    os.rmdir(aside)  # keep the free, unique name next to path
    os.rename(path, aside)
    foreign = foreign_files(aside)
    if foreign:
        os.rename(aside, path)
        keep = _free_sibling(path)
        os.rename(staging, keep)
        return keep, f"{path} gained {foreign}"
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(aside, path)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    return None


def _free_sibling(path: Path) -> Path:
    """``path`` with the first free suffix: ``-1``, ``-2``, and so on."""
    n = 1
    while os.path.lexists(path.with_name(f"{path.name}-{n}")):
        n += 1
    return path.with_name(f"{path.name}-{n}")


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back until the block is done: no swap left halfway.

    The Python-level handlers are swapped for one that only notes the signal (a signal mask
    would not do: the C-level signal may land on another thread, e.g. one of pyarrow's), and
    the previous handler gets the first signal once the block is over.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, object]] = []
    previous = {}
    for signum in HELD_SIGNALS:
        handler = signal.getsignal(signum)
        if handler not in (signal.SIG_IGN, None):
            previous[signum] = signal.signal(
                signum, lambda number, frame: caught.append((number, frame)))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            handler = previous[caught[0][0]]
            if callable(handler):  # e.g. Python's default: raise KeyboardInterrupt
                handler(*caught[0])
            elif handler == signal.SIG_DFL:  # the default action: end the process
                signal.raise_signal(caught[0][0])


def _fresh_folder(parent: Path, prefix: str) -> Path:
    """Create a new folder with a unique name in ``parent`` (permissions follow the umask)."""
    while True:
        folder = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


def write_csv(path: Path, table: Table) -> None:
    """Write a column table as CSV (empty cells for ``None``)."""
    names = list(table)
    columns = [table[name] for name in names]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(names)
        for row in zip(*columns, strict=True):
            writer.writerow(["" if _missing(v) else v for v in row])
        fh.flush()
        os.fsync(fh.fileno())


def write_csv_file(path: Path, table: Table) -> None:
    """Write a column table to one CSV file atomically (``--out FILE.csv`` of the analyses).

    Raises:
        OutputError: ``path`` is a folder, or it cannot be written (nothing is left).
    """
    write_file_atomic(path, lambda temp: write_csv(temp, table), example="results.csv")


Recognise = Callable[[str], bool]
"""Tells from the start of an existing file (its first ``HEAD_BYTES``) whether escsim wrote it."""
HEAD_BYTES = 4096


def csv_header_starts(prefix: str) -> Recognise:
    """A CSV file whose header line starts with ``prefix`` (e.g. ``measure,``)."""
    return lambda head: head.startswith(prefix)


def check_out_file(path: Path, *, inputs: Sequence[Path] = (), force: bool = False,
                   recognise: Recognise | None = None, example: str = "results.csv") -> None:
    """Check, before any work, that ``--out path`` may receive a file.

    Args:
        path: The target file.
        inputs: The command's input files: never replaced, even with ``force``.
        force: ``--force``: replace an existing regular file escsim did not write.
        recognise: Tells a file escsim wrote (same kind of output) from the start of it; an
            existing file it does not recognise is refused unless ``force``.
        example: A file name to suggest in messages.

    Raises:
        OutputError: ``path`` is a folder, not a regular file, an input of the command, a file
            escsim did not write (without ``force``), or its folder cannot be written.
    """
    if path.is_dir():
        raise OutputError(f"--out {path}: is a folder; give a file name, e.g. {example}")
    if os.path.lexists(path):
        if path.is_symlink() and not force:
            raise OutputError(f"--out {path}: is a symbolic link, which escsim did not write; "
                              "give another file name, or --force to replace the link")
        try:
            info = path.stat()
        except OSError as exc:
            raise OutputError(f"--out {path}: cannot be used ({exc.strerror or exc}); give "
                              f"another file name, e.g. {example}") from exc
        if not stat_module.S_ISREG(info.st_mode):
            raise OutputError(f"--out {path}: is not a regular file (a pipe, device or "
                              f"socket); give a file name, e.g. {example}")
        for source in inputs:
            try:
                same = os.path.samefile(source, path)
            except OSError:
                same = False
            if same:
                raise OutputError(f"--out {path}: is an input of this command ({source}); "
                                  f"give another file name, e.g. {example}")
        if not force and not (recognise is not None and recognise(_head(path))):
            raise OutputError(f"--out {path}: exists and escsim did not write it; give another "
                              "file name, or add --force to replace it")
    ancestor = _existing_ancestor(Path(os.path.abspath(path)))
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"--out {path}: cannot write in {ancestor} (not a writable folder)")
    _probe(ancestor, path)


def _head(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


def _probe(folder: Path, path: Path) -> None:
    """Create and remove a file in ``folder``, to know it can really be written.

    Permission bits do not show, e.g., a read-only filesystem.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=".escsim-probe-", dir=folder)
    except OSError as exc:
        raise OutputError(f"--out {path}: cannot write in {folder}: "
                          f"{exc.strerror or exc}") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def write_parquet(path: Path, table: Table) -> None:
    """Write a column table as Parquet (needs pyarrow)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({name: list(values) for name, values in table.items()}), str(path))


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def write_file_atomic(path: Path, content: str | Callable[[Path], None], *,
                      example: str = "report.html", label: str | None = None) -> None:
    """Write one file atomically: a temporary file beside it, synced, renamed over it.

    A failure or Ctrl-C leaves ``path`` as it was (the earlier file, or none), never half a
    file; folders created for it are removed again. The file gets a new file's usual
    permissions (0666 less the umask, applied by the system: no process-wide umask change).

    Args:
        path: The file to write.
        content: Its text, or a function that writes the file at the path it is given.
        example: A file name to suggest when ``path`` is a folder.
        label: How messages name the file (default ``--out PATH``).

    Raises:
        OutputError: ``path`` is a folder, or the file cannot be written (nothing is left).
    """
    label = label or f"--out {path}"
    if path.is_dir():
        raise OutputError(f"{label}: is a folder; give a file name, e.g. {example}")
    parent = Path(os.path.abspath(path)).parent
    temp = parent / f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    made: list[Path] = []
    try:
        for folder in reversed([p for p in (parent, *parent.parents) if not os.path.lexists(p)]):
            folder.mkdir()
            made.append(folder)
        if isinstance(content, str):
            _write_text(temp, content)
        else:
            content(temp)
        os.replace(temp, path)
        _fsync_folder(parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):  # e.g. EROFS: the temporary file was never made
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise OutputError(f"{label}: cannot write: {exc.strerror or exc}") from exc
        raise
