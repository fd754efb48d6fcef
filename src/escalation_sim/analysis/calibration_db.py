"""The calibration database (pyabc's history, ``FILE.db``): escsim opens only one it made.

``escsim calibrate`` keeps pyabc's history in an SQLite file beside its output so that
``--resume`` can continue it. escsim marks every database it creates with its own SQLite
``application_id`` (:data:`APPLICATION_ID`, the bytes ``ESCS`` in the file's header) and, before
pyabc touches a database, :func:`check_db` reads that header itself: anything else — another
application's database, an empty, truncated or damaged file, a folder, a pipe or a device — is
refused with a one-line reason, and nothing is written to it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

APPLICATION_ID = 0x45534353
"""SQLite ``application_id`` of the databases ``escsim calibrate`` makes (``ESCS``)."""
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
"""An SQLite file begins with a 100-byte header; ``application_id`` is at bytes 68-71."""
PYABC_TABLES = frozenset({"abc_smc", "populations", "models", "particles", "parameters",
                          "samples", "version"})
"""Tables pyabc's history has (``summary_statistics`` too, when it keeps them)."""


class DatabaseRefused(ValueError):
    """A calibration database escsim will not open (the message says why, without the path)."""


def mark_db(db: Path) -> None:
    """Stamp a database escsim has just created with :data:`APPLICATION_ID`."""
    con = sqlite3.connect(str(db))
    try:
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.commit()
    finally:
        con.close()


def _header(db: Path) -> bytes:
    """The first bytes of ``db``, read without blocking on a pipe or device.

    Raises:
        DatabaseRefused: It does not exist, cannot be read, or is not a regular file.
    """
    try:
        fd = os.open(db, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DatabaseRefused("does not exist") from None
    except OSError as exc:
        raise DatabaseRefused(f"cannot be read ({exc.strerror or exc})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DatabaseRefused("is not a regular file (a folder, pipe or device)")
        return os.read(fd, HEADER_BYTES)
    finally:
        os.close(fd)


def check_db(db: Path) -> int:
    """Check that ``db`` is an intact calibration database escsim made; return its generations.

    Only the file's header is read before its ``application_id`` is known to be escsim's; then
    SQLite opens it read-only for an integrity check and a look at its tables.

    Returns:
        The number of finished generations it holds (at least 1).

    Raises:
        DatabaseRefused: It is not an escsim calibration database, is damaged, or holds no
            finished generation.
    """
    head = _header(db)
    if len(head) < HEADER_BYTES or not head.startswith(SQLITE_MAGIC):
        raise DatabaseRefused("is not an escsim calibration database (not an SQLite file); "
                              "escsim leaves it alone")
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        raise DatabaseRefused("is not an escsim calibration database (another application's "
                              "SQLite file); escsim leaves it alone")
    try:
        con = sqlite3.connect(f"{Path(os.path.abspath(db)).as_uri()}?mode=ro", uri=True)
        try:
            verdict = con.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in
                      con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if verdict != ("ok",):
                raise DatabaseRefused(f"is damaged ({verdict[0] if verdict else 'unreadable'})")
            if not PYABC_TABLES <= tables:
                raise DatabaseRefused("holds no calibration to continue")
            last = con.execute("SELECT MAX(t) FROM populations").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise DatabaseRefused(f"is damaged ({exc})") from None
    if not isinstance(last, int) or last < 0:
        raise DatabaseRefused("holds no finished generation to continue")
    return last + 1


def generations(db: Path) -> int:
    """Finished generations in ``db`` if it is an intact escsim database, else 0."""
    try:
        return check_db(db)
    except DatabaseRefused:
        return 0
