"""The scenarios and episodes that ship with escsim.

They live in the repository's ``scenarios/`` and ``episodes/`` folders. A built package carries
copies of them as ``escalation_sim/bundled/scenarios`` and ``…/episodes`` (see
pyproject.toml); an editable install or a checkout on ``sys.path`` reads the repository's
folders, found from this file's place in ``src/``. No symlinks, so Windows clones work.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from escalation_sim.scenario.errors import ScenarioError, did_you_mean

SCENARIO_SUFFIX = ".yaml"


REPOSITORY = Path(__file__).resolve().parents[3]
"""The checkout's root, when escsim runs from one (``src/escalation_sim/scenario/`` → root)."""


def bundled_dir(kind: str) -> Path:
    """The folder of bundled ``"scenarios"`` or ``"episodes"`` on disk.

    The package's own copy when it has one (an installed wheel), else the checkout's folder.
    """
    packaged = Path(str(resources.files("escalation_sim").joinpath("bundled", kind)))
    if packaged.is_dir():
        return packaged
    return REPOSITORY / kind


def _files(kind: str, suffixes: tuple[str, ...]) -> list[Path]:
    folder = bundled_dir(kind)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix in suffixes and not p.name.startswith("."))


def scenario_files() -> list[Path]:
    """The bundled scenario files, sorted by name."""
    return _files("scenarios", (SCENARIO_SUFFIX,))


def episode_files() -> list[Path]:
    """The bundled episode files (dated event records), sorted by name."""
    return _files("episodes", (".csv", ".yaml", ".json"))


def calibration_file(name: str) -> Path:
    """A file of the bundled calibration (``scenarios/calibration/``), e.g. ``out_of_sample.json``.

    Scenarios cite it as ``calibration: calibration/calibration.yaml``; it may not exist.
    """
    return bundled_dir("scenarios") / "calibration" / name


def find_scenario(name: str) -> Path:
    """The bundled scenario called ``name`` (``"base"`` or ``"base.yaml"``).

    Raises:
        ScenarioError: If there is none by that name (with a did-you-mean hint).
    """
    stem = name.removesuffix(SCENARIO_SUFFIX)
    files = {p.stem: p for p in scenario_files()}
    if stem not in files:
        hint = did_you_mean(stem, files, what="bundled scenarios")
        raise ScenarioError(f"no bundled scenario by that name; {hint}", value=name)
    return files[stem]


def scenario_source(text: str | Path) -> Path:
    """The file a command's SCENARIO argument names: a file, or else a bundled scenario.

    ``base`` (or ``base.yaml``) with no such file in the current folder is the bundled
    scenario of that name, so every command works from any folder. A path that does not exist
    but whose stem is a bundled scenario's is refused with a pointer to the bundled name.

    Raises:
        ScenarioError: The path names no file but a bundled scenario has its stem.
    """
    path = Path(text)
    try:
        if path.exists():
            return path
    except OSError as exc:  # e.g. a name longer than the filesystem allows
        raise ScenarioError(f"cannot be looked up ({(exc.strerror or str(exc)).lower()}); give "
                            "a scenario file or a bundled scenario's name (escsim list)",
                            value=str(text)) from None
    files = {p.stem: p for p in scenario_files()}
    stem = path.name.removesuffix(SCENARIO_SUFFIX)
    if stem not in files:
        if path.parent == Path() and path.suffix in ("", SCENARIO_SUFFIX):  # a bare name
            hint = did_you_mean(stem, files, what="bundled scenarios")
            raise ScenarioError(f"no such file, and no bundled scenario of that name; {hint} "
                                "(escsim list)", source=str(text))
        return path  # reading it will say what is wrong
    if path.parent == Path():
        return files[stem]
    raise ScenarioError(f"no file {text} here; the bundled scenario is `{stem}` (escsim list)")


def file_sha256(path: str | Path) -> str | None:
    """SHA-256 of a scenario file's bytes, hex (for a bundled name, the bundled file's).

    ``None`` when ``path`` names no file.
    """
    try:
        path = scenario_source(path)
    except ScenarioError:
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
