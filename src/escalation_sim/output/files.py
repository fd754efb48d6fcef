"""The files an analyst keeps (``escsim run --out DIR``), written atomically.

``DIR`` receives:

- ``summary.json`` — the summary, exactly as ``--json`` prints it;
- ``runs.csv`` — one row per run (and ``runs.parquet`` when pyarrow is installed);
- ``daily.csv`` — one row per day: distributions over runs of rungs, flows, mediation;
- ``scenario.resolved.yaml`` — the scenario with every default filled in and overrides
  applied: ``escsim run DIR/scenario.resolved.yaml --seed S`` gives the same results again.

- ``.escsim-output.json`` — the marker: the escsim version and the size and SHA-256 of each
  file above, so a later ``--out DIR`` knows the folder is escsim's own, unchanged.

Everything is written into a staging folder next to ``DIR`` (``.DIR.tmp-PID-…``), which is
renamed to ``DIR`` only when complete (``StagedOutput``; per-run rows are appended there chunk
by chunk while the ensemble runs, so they never need to be held in memory whole).
An existing ``DIR`` from an earlier run is renamed aside first and removed after
the swap (and put back if the swap fails), so a failure or Ctrl-C at any point leaves either the
old output or the new one, never a mix.

escsim never deletes what it did not write: ``DIR`` is replaced only when it is empty or holds
exactly the files its marker lists, each with the SHA-256 escsim wrote. This is checked before
the run and again at the swap; a file added to ``DIR`` during the run keeps ``DIR`` as it is,
and the new result goes to a fresh folder beside it. Staging folders left by an escsim process
that was killed are removed at the next ``--out`` into the same folder.

Single files (``--out FILE`` of ``report``, ``compare``, ``sweep``, ``sensitivity``,
``levers``, ``schema``, ``calibrate``) and figures are written by :func:`write_file_atomic`: a
temporary file beside the target, synced and renamed over it, and recorded in the folder's
manifest (:mod:`escalation_sim.output.manifest`). An existing file is replaced only if that
manifest records it with the hash it still has, or with ``--force``; never when it is one of
the command's inputs (any file the command read), whatever ``--force`` says.
:func:`check_out_file` applies the same rules before any work, and :func:`write_file_atomic`
again at the moment of replacing.
"""

from __future__ import annotations

import contextlib
import csv
import errno
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
from types import FrameType
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import numpy as np

from escalation_sim.output import manifest
from escalation_sim.output.manifest import (
    MANIFEST_FILE,
    folder_lock,
    matches,
    read_manifest,
    record,
)
from escalation_sim.scenario.yaml_io import files_read

SUMMARY_FILE = "summary.json"
RUNS_CSV = "runs.csv"
RUNS_PARQUET = "runs.parquet"
DAILY_CSV = "daily.csv"
SCENARIO_FILE = "scenario.resolved.yaml"
OUTPUT_FILES = (SUMMARY_FILE, RUNS_CSV, RUNS_PARQUET, DAILY_CSV, SCENARIO_FILE)
"""Every file ``--out`` may write (besides the marker)."""
MARKER_FILE = ".escsim-output.json"
"""In an ``--out`` folder: what escsim wrote there (names, sizes and SHA-256 hashes)."""
STAGING_FILE = ".escsim-staging.json"
"""In a staging folder while it is being written: the host and pid of the escsim writing it."""
HELD_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None),
                                 getattr(signal, "SIGHUP", None)) if s is not None)
"""Signals held back while a finished folder is swapped into place."""
_STAGING_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]{8}$")
SCENARIO_HEADER = ("# The fully resolved scenario of this run: every default filled in, --set, "
                   "--runs, --days and --seed applied.\n# Run it again with: escsim run {path}\n")

Table = Mapping[str, "Sequence[Any] | np.ndarray"]


class OutputError(Exception):
    """The output folder cannot be used or written (the message says why, in one line)."""


class OutputRefused(OutputError):
    """escsim may not replace what is at the target: bad input, not a runtime failure.

    escsim did not write it, it changed since, or it is one of the command's inputs.
    """


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
        _probe_folder(ancestor, path)
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
    read = files_read()
    for child in target.iterdir():
        if _identity(child) in read:
            raise OutputError(f"--out {path}: holds {child.name}, an input of this command, "
                              "which escsim never replaces; choose another folder")
    _probe_folder(target.parent, path)


def _identity(path: Path) -> tuple[int, int] | None:
    """A file's device and inode (what :func:`files_read` records), or ``None``."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _probe_folder(folder: Path, path: Path) -> None:
    """Create and remove a folder in ``folder``, as the staging folder will need to.

    ``/proc`` or a read-only filesystem passes the permission bits and still refuses.
    """
    try:
        probe = Path(tempfile.mkdtemp(prefix=".escsim-probe-", dir=folder))
    except OSError as exc:
        raise OutputError(f"--out {path}: cannot write in {folder}: "
                          f"{exc.strerror or exc}") from exc
    with contextlib.suppress(OSError):
        probe.rmdir()


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
    SHA-256 it had when escsim wrote it. An empty folder holds nothing foreign.
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
    for name, rec in listed.items():
        if not isinstance(name, str) or "/" in name or name in (".", "..") or \
                not os.path.lexists(folder / name):
            continue  # removed since: nothing of the user's to lose
        if not isinstance(rec, dict):
            return (f"files escsim cannot show it wrote ({name}: the marker of an earlier "
                    "escsim records no hash)")
        if not matches(folder / name, rec):
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
    removed: list[str] = []
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
            if not _own_staging(folder, host, pid):
                continue
        else:
            swapped = parent / match["name"]
            if not (folder / MARKER_FILE).is_file() or foreign_files(folder) or \
                    not (swapped / MARKER_FILE).is_file():
                continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(entry.name)
    return removed


def _own_staging(folder: Path, host: str, pid: int) -> bool:
    """Whether a staging folder is one this host's escsim process ``pid`` made.

    Its note says so; or, when the note cannot be read (the disk was full, or escsim was
    killed as it wrote it), the folder holds nothing but that note: nothing to lose.
    """
    try:
        note = json.loads((folder / STAGING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        note = None
    if isinstance(note, dict):
        return note.get("host") == host and note.get("pid") == pid
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    note_file = folder / STAGING_FILE
    return names == [STAGING_FILE] and note_file.is_file() and not note_file.is_symlink()


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
        except OSError as exc:
            self._remove_made()
            raise OutputError(f"--out {path}: cannot create it: {exc.strerror or exc}") from exc
        try:
            _write_text(self.folder / STAGING_FILE, json.dumps(
                {"host": socket.gethostname(), "pid": os.getpid()}))
        except OSError as exc:  # e.g. a full disk: no staging folder with an empty note left
            shutil.rmtree(self.folder, ignore_errors=True)
            self._remove_made()
            raise OutputError(f"--out {path}: cannot write: {exc.strerror or exc}") from exc

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
            with interrupts_deferred():
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


ROW_GROUP_ROWS = 32_768
"""Rows per row group of ``runs.parquet`` (the last one holds the rest): fixed, so that the
file's bytes do not depend on how the runs were chunked (``--workers``, executor)."""


class RunsWriter:
    """Appends per-run rows to ``runs.csv`` (and ``runs.parquet`` when pyarrow is present).

    With pyarrow, columns go from numpy to Arrow and both files are written by Arrow's own
    writers (the text of a float is its shortest exact form: ``1`` for 1.0); without it, the
    csv module writes ``runs.csv`` from Python values. Either way the values are the same.
    Parquet rows are held back until a row group of ``ROW_GROUP_ROWS`` is full.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._arrow = parquet_available()
        csv_path = folder / RUNS_CSV
        self._csv: Any = (csv_path.open("wb") if self._arrow else
                          csv_path.open("w", encoding="utf-8", newline=""))
        self._writer: Any = None
        self._parquet: Any = None
        self._schema: Any = None
        self._pending: list[Any] = []  # Arrow tables not yet in a Parquet row group
        self._pending_rows = 0

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
        self._pending.append(block)
        self._pending_rows += block.num_rows
        while self._pending_rows >= ROW_GROUP_ROWS:
            self._write_group(ROW_GROUP_ROWS)

    def _write_group(self, rows: int) -> None:
        """Write the first ``rows`` pending rows to Parquet as one row group."""
        import pyarrow as pa

        table = pa.concat_tables(self._pending)
        self._parquet.write_table(table.slice(0, rows), row_group_size=rows)
        rest = table.slice(rows)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self) -> list[str]:
        """Finish the files (flushed to disk); returns their names."""
        names = [RUNS_CSV]
        if self._arrow and self._writer is not None:
            self._writer.close()
        self._csv.flush()
        os.fsync(self._csv.fileno())
        self._csv.close()
        if self._parquet is not None:
            if self._pending_rows:
                self._write_group(self._pending_rows)
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
    """Write ``MARKER_FILE``: each written file's size and SHA-256."""
    listed = {name: manifest.entry(folder / name) for name in written}
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
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back until the block is done: no swap left halfway.

    The Python-level handlers are swapped for one that only notes the signal (a signal mask
    would not do: the C-level signal may land on another thread, e.g. one of pyarrow's), and
    the previous handler gets the first signal once the block is over.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
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


def write_csv_file(path: Path, table: Table, *, force: bool = False,
                   inputs: Sequence[Path] = ()) -> None:
    """Write a column table to one CSV file atomically (``--out FILE.csv`` of the analyses).

    Raises:
        OutputError: ``path`` is a folder, may not be replaced (see :func:`write_file_atomic`),
            or cannot be written (nothing is left).
    """
    write_file_atomic(path, lambda temp: write_csv(temp, table), example="results.csv",
                      force=force, inputs=inputs)


RECORDS = (MANIFEST_FILE, MARKER_FILE, STAGING_FILE)
"""escsim's own records of what it wrote: never a target."""
FORCE_HINT = "give another file name, or add --force to replace it"


def input_of(path: Path, inputs: Sequence[Path] = ()) -> str | None:
    """Which input of the command ``path`` is (as the user named it), or ``None``.

    Inputs are the files given (``inputs``) and every file the command has read
    (:func:`escalation_sim.scenario.yaml_io.files_read`: scenarios, their ``extends:`` chains
    and ``calibration:`` files, episodes).
    """
    identity = _identity(path)
    if identity is None:
        return None
    for source in inputs:
        if _identity(Path(source)) == identity:
            return str(source)
    if identity in files_read():
        return "a file it read"
    return None


def replace_problem(path: Path, *, force: bool = False, inputs: Sequence[Path] = (),
                    hint: str = FORCE_HINT) -> str:
    """Why the existing file ``path`` may not be replaced, or ``""`` if it may (or is absent).

    Never one of escsim's own records, a folder, anything but a regular file (a symbolic link
    only with ``force``) or an input of the command; otherwise only a file the folder's
    manifest records with the SHA-256 it still has, or any regular file with ``force``.
    """
    if path.name in RECORDS:
        return "is where escsim records what it wrote; give another file name"
    if path.is_dir():
        return "is a folder; give a file name"
    if not os.path.lexists(path):
        return ""
    if path.is_symlink() and not force:
        return ("is a symbolic link, which escsim did not write; give another file name, or "
                "--force to replace the link")
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot be used ({exc.strerror or exc}); give another file name"
    if not stat_module.S_ISREG(info.st_mode):
        return "is not a regular file (a pipe, device or socket); give a file name"
    source = input_of(path, inputs)
    if source is not None:
        return (f"is an input of this command ({source}), which escsim never replaces, even "
                "with --force; give another file name")
    if force:
        return ""
    absolute = Path(os.path.abspath(path))
    listed = read_manifest(absolute.parent).get(absolute.name)
    if listed is None:
        return f"exists and escsim did not write it; {hint}"
    if not matches(absolute, listed):
        return f"was written by escsim but has changed since; {hint}"
    return ""


def check_out_file(path: Path, *, inputs: Sequence[Path] = (), force: bool = False,
                   example: str = "results.csv") -> None:
    """Check, before any work, that ``--out path`` may receive a file.

    Args:
        path: The target file.
        inputs: The command's input files: never replaced, even with ``force`` (nor is any
            other file the command has read so far).
        force: ``--force``: replace an existing regular file escsim did not write, or that was
            changed since.
        example: A file name to suggest in messages.

    Raises:
        OutputError: ``path`` may not be replaced (:func:`replace_problem`), or its folder
            cannot be written.
    """
    problem = replace_problem(path, force=force, inputs=inputs)
    if problem:
        if problem.startswith(("is a folder", "is not a regular")):
            problem += f", e.g. {example}"
        raise OutputRefused(f"--out {path}: {problem}")
    ancestor = _existing_ancestor(Path(os.path.abspath(path)))
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"--out {path}: cannot write in {ancestor} (not a writable folder)")
    _probe(ancestor, path)


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
                      example: str = "report.html", label: str | None = None,
                      force: bool = False, inputs: Sequence[Path] = (),
                      hint: str = FORCE_HINT) -> None:
    """Write one file atomically, replacing only what escsim may replace, and record it.

    The file is written to a temporary file beside ``path`` and synced; then, holding the
    folder's lock, the rules of :func:`replace_problem` are checked again (so a file that
    appeared or changed since the command started is kept), the temporary file takes the
    place of ``path``, and the folder's manifest records its size and SHA-256
    (:mod:`escalation_sim.output.manifest`). A failure or Ctrl-C leaves ``path`` as it was (the
    earlier file, or none), never half a file or an empty one; folders created for it are
    removed again. The file gets a new file's usual permissions (0666 less the umask).

    Args:
        path: The file to write.
        content: Its text, or a function that writes the file at the path it is given.
        example: A file name to suggest when ``path`` is a folder.
        label: How messages name the file (default ``--out PATH``).
        force: ``--force``: replace a regular file escsim did not write (never an input).
        inputs: The command's input files (besides every file it read).
        hint: What to do when the file may not be replaced (default: another name or --force).

    Raises:
        OutputError: ``path`` may not be replaced, or the file cannot be written (nothing is
            left).
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
        written = manifest.entry(temp)
        with folder_lock(parent):
            problem = replace_problem(path, force=force, inputs=inputs, hint=hint)
            if problem:
                raise OutputRefused(f"{label}: {problem}")
            try:
                _put(temp, path)
            except FileExistsError:
                raise OutputRefused(f"{label}: appeared while escsim was writing it, so it was "
                                  "left as it is; run again to replace it") from None
            record(parent, {path.name: written}, _version())
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


def _put(temp: Path, path: Path, *, replace: bool = True) -> None:
    """Move the finished temporary file to ``path``.

    An absent ``path`` is created with a hard link, which fails (``FileExistsError``) rather
    than replace a file that appeared in the meantime; where hard links are not supported, by
    a rename. An existing ``path`` is replaced only if ``replace``.
    """
    if os.path.lexists(path):
        if not replace:
            raise FileExistsError(errno.EEXIST, "File exists", str(path))
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (e.g. some network or FAT filesystems)
        os.replace(temp, path)
        return
    os.unlink(temp)


def create_file(path: Path, text: str, *, label: str | None = None) -> None:
    """Create a new text file whole, or not at all: never over an existing file, never empty.

    Raises:
        OutputError: ``path`` exists, or it cannot be written (nothing is left).
    """
    label = label or str(path)
    parent = Path(os.path.abspath(path)).parent
    temp = parent / f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        _write_text(temp, text)
        _put(temp, path, replace=False)
    except FileExistsError:
        raise OutputError(f"{label} already exists; escsim never replaces it") from None
    except OSError as exc:
        raise OutputError(f"cannot write {label}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("escsim")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return ""
