"""The files an analyst keeps (``escsim run --out DIR``), written atomically.

``DIR`` receives:

- ``summary.json`` — the summary, exactly as ``--json`` prints it;
- ``runs.csv`` — one row per run (and ``runs.parquet`` when pyarrow is installed);
- ``daily.csv`` — one row per day: distributions over runs of rungs, flows, mediation;
- ``scenario.resolved.yaml`` — the scenario with every default filled in and overrides
  applied: ``escsim run DIR/scenario.resolved.yaml --seed S`` gives the same results again.

Everything is written into a temporary folder next to ``DIR``, which is renamed to ``DIR`` only
when complete (``StagedOutput``; per-run rows are appended there chunk by chunk while the
ensemble runs, so they never need to be held in memory whole).
An existing ``DIR`` from an earlier run is renamed aside first and removed after
the swap (and put back if the swap fails), so a failure or Ctrl-C at any point leaves either the
old output or the new one, never a mix. A folder holding anything escsim did not write is never
replaced.
"""

from __future__ import annotations

import csv
import json
import math
import os
import secrets
import shutil
import signal
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
"""Every file ``--out`` may write; a folder holding only these may be replaced."""
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
        OutputError: ``path`` is a file, a folder with files escsim did not write, or cannot
            be created.
    """
    if not path.exists():
        ancestor = path.absolute().parent
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"--out {path}: cannot create it in {ancestor} (not a writable "
                              "folder)")
        return
    if not path.is_dir():
        raise OutputError(f"--out {path}: exists and is not a folder; choose a folder name")
    names = {p.name for p in path.iterdir()}
    foreign = sorted(names - set(OUTPUT_FILES))
    if names and (foreign or SUMMARY_FILE not in names):
        shown = ", ".join(foreign[:3]) or ", ".join(sorted(names)[:3])
        raise OutputError(f"--out {path}: folder holds files escsim did not write ({shown}); "
                          "choose a new or empty folder, or an earlier escsim output folder")


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
        parent = path.absolute().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.folder = _fresh_folder(parent, f".{path.name}.tmp-")
        except OSError as exc:
            raise OutputError(f"--out {path}: cannot create it: {exc.strerror or exc}") from exc
        self._runs: RunsWriter | None = None
        self._committed = False

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runs is not None:
            self._runs.abandon()
        if not self._committed:
            shutil.rmtree(self.folder, ignore_errors=True)

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
        try:
            runs_files = self._runs.close() if self._runs is not None else []
            written = _write_all(self.folder, outputs, self.path, runs_files)
            with _interrupts_deferred():
                _swap_into_place(self.folder, self.path)
        except OSError as exc:
            raise OutputError(f"--out {self.path}: cannot write: {exc.strerror or exc}") from exc
        self._committed = True
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
        """Close the files without caring whether they are complete."""
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


def _swap_into_place(staging: Path, path: Path) -> None:
    """Rename the finished folder to ``path``, moving an earlier output aside first."""
    if not path.exists():
        os.rename(staging, path)
        return
    aside = _fresh_folder(staging.parent, f".{path.name}.old-")
    os.rmdir(aside)  # keep the free, unique name next to path
    os.rename(path, aside)
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(aside, path)
        raise
    shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block is done, so the swap is never left halfway.

    The Python-level handler is swapped for one that only notes the signal (a signal mask would
    not do: the C-level signal may land on another thread, e.g. one of pyarrow's), and the
    previous handler gets the signal once the block is over.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, object]] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):  # e.g. Python's default: raise KeyboardInterrupt
            previous(*caught[0])


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

    The table is written to a temporary file next to ``path`` and renamed over it when
    complete, so a failure or Ctrl-C leaves the earlier file, or none, never half a file.

    Raises:
        OutputError: ``path`` is a folder, or it cannot be written.
    """
    _replace_atomically(path, lambda tmp: write_csv(tmp, table), "results.csv")


def check_out_file(path: Path) -> None:
    """Check, before running, that ``path`` can receive a CSV file.

    Raises:
        OutputError: ``path`` is a folder, or its folder cannot be created or written.
    """
    if path.is_dir():
        raise OutputError(f"--out {path}: is a folder; give a file name such as results.csv")
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"--out {path}: cannot write in {ancestor} (not a writable folder)")


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


def write_file_atomic(path: Path, text: str) -> None:
    """Write one text file atomically: a temporary file beside it, renamed over it when complete.

    Raises:
        OutputError: ``path`` is a folder, or the file cannot be written (nothing is left).
    """
    _replace_atomically(path, lambda tmp: _write_text(tmp, text), "report.html")


def _replace_atomically(path: Path, write: Callable[[Path], None], example: str) -> None:
    """Write one file by ``write(temporary path)`` beside ``path``, then rename it over ``path``.

    On any failure (or Ctrl-C) the temporary file is removed and ``path`` is left as it was.
    """
    if path.is_dir():
        raise OutputError(f"--out {path}: is a folder; give a file name, e.g. {example}")
    parent = path.absolute().parent
    temp = parent / f".{path.name}.tmp-{secrets.token_hex(4)}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        write(temp)
        os.replace(temp, path)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"--out {path}: cannot write: {exc.strerror or exc}") from exc
        raise
