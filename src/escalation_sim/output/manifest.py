"""What escsim wrote, by record: the manifests that let it replace its own files and no others.

escsim replaces an existing file only when a manifest of its own records that file with the
SHA-256 of the bytes escsim wrote, and the file still has exactly those bytes. Nothing is
recognised by its content or its name: a user's file that looks like an escsim table is not
escsim's, and an escsim file the user has edited since is the user's.

- Single files (``--out FILE`` of ``report``, ``compare``, ``sweep``, ``sensitivity``,
  ``levers``, ``schema``, ``calibrate``) and figures (``--figures DIR``): the manifest
  ``.escsim-files.json`` in the file's folder lists each file escsim wrote there, with its
  size and SHA-256. It is updated under a lock on the folder whenever escsim writes a file
  there, and entries of files that no longer exist are dropped.
- ``--out DIR``: the folder's marker ``.escsim-output.json`` (:mod:`output.files`) lists the
  folder's files the same way.

``--force`` replaces a regular file that is not recorded (or was edited), but never one of the
command's inputs (:func:`escalation_sim.scenario.yaml_io.files_read`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

MANIFEST_FILE = ".escsim-files.json"
"""In a folder escsim wrote single files or figures into: name -> size and SHA-256."""
CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB pieces (hex)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(CHUNK):
            digest.update(piece)
    return digest.hexdigest()


def entry(path: Path) -> dict[str, Any]:
    """A file's record: its size and SHA-256."""
    return {"size": path.stat().st_size, "sha256": sha256_file(path)}


def matches(path: Path, record: Any) -> bool:
    """Whether ``path`` is a regular file with the size and SHA-256 that ``record`` holds."""
    if not isinstance(record, dict) or not isinstance(record.get("sha256"), str):
        return False
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != record.get("size"):
            return False
        return bool(sha256_file(path) == record["sha256"])
    except OSError:
        return False


def read_manifest(folder: Path) -> dict[str, Any]:
    """The files a folder's manifest records (name -> record); empty if it has none."""
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def recorded(path: Path) -> bool:
    """Whether escsim wrote ``path`` (its folder's manifest says so) and it is unchanged."""
    absolute = Path(os.path.abspath(path))
    return matches(absolute, read_manifest(absolute.parent).get(absolute.name))


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock``) while the block runs.

    Two escsim processes writing there so update its manifest one after the other. Where
    folders cannot be locked, there is no lock.
    """
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def record(folder: Path, written: Mapping[str, Mapping[str, Any]], version: str) -> None:
    """Add files to ``folder``'s manifest (call it holding :func:`folder_lock`).

    Entries whose files are gone are dropped. The manifest is replaced atomically.

    Raises:
        OSError: The manifest cannot be written.
    """
    files = {name: rec for name, rec in read_manifest(folder).items()
             if isinstance(name, str) and os.path.lexists(folder / name)}
    files.update({name: dict(rec) for name, rec in written.items()})
    text = json.dumps({"escsim_version": version, "files": dict(sorted(files.items()))},
                      indent=1) + "\n"
    temp = folder / f"{MANIFEST_FILE}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with temp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, folder / MANIFEST_FILE)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
