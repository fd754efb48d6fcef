"""Load a scenario: read the YAML, resolve ``extends``, apply ``--set``, validate.

This is the entry point for everything that needs a :class:`Scenario`::

    scenario = load_scenario("scenarios/base.yaml", ["actors.baku.nationalism=0.9"])

Any problem raises :class:`ScenarioError` with a one-line message naming the file and line
(or the ``--set`` item), the key path, the bad value and what is allowed.

``extends: base.yaml`` lets a scenario build on another: the parent is loaded (recursively), and
this file's content is merged over it — mappings key by key, lists and values replaced. The path
is relative to the file; when no such file exists there, a bundled scenario of that name is used.
Errors in inherited values are reported in the parent file, at their line.

Lists replace the parent's, ``events`` too; ``add_events:`` adds to the parent's events instead.
A variant whose ``events:`` leaves out a day on which the parent has an event gets a warning
(:class:`~escalation_sim.scenario.errors.ScenarioWarning`), as does an event after the horizon.
An event may give ``date:`` instead of ``day:`` when the scenario has a ``start_date``.

A real-valued parameter may be written as a distribution (``{uniform: [0.5, 0.7]}``, see
:mod:`escalation_sim.scenario.priors`), in a file or a ``--set``. ``calibration: FILE`` (path
relative to the scenario file, as for ``extends``; failing that, among the bundled scenarios'
files) reads a calibration file whose ``priors:``
mapping (dotted path -> distribution or number) replaces the scenario's values at those paths;
a ``--set`` on the same path still wins. See docs/analysis.md.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from escalation_sim.scenario import bundled
from escalation_sim.scenario.dates import resolve_dates, when
from escalation_sim.scenario.edit import (
    apply_event,
    apply_overrides,
    check_events,
    override_document,
    resolve_path,
    set_path,
)
from escalation_sim.scenario.editor_schema import json_schema
from escalation_sim.scenario.errors import MISSING, Loc, ScenarioError, warn
from escalation_sim.scenario.explain import explain
from escalation_sim.scenario.paths import assign, parse_path, schema_node
from escalation_sim.scenario.schema import Scenario
from escalation_sim.scenario.validate import build
from escalation_sim.scenario.yaml_io import Document, read_document, read_file

__all__ = [
    "ScenarioError",
    "apply_event",
    "apply_overrides",
    "explain",
    "json_schema",
    "load_document",
    "load_scenario",
    "load_scenario_text",
    "resolve_path",
    "scenario_to_dict",
    "set_path",
]

EXTENDS = "extends"
CALIBRATION = "calibration"
"""Key naming a calibration file, whose ``priors:`` replace the scenario's values."""
ADD_EVENTS = "add_events"
"""Key of a scenario's events to be added to its parent's (``events:`` replaces them)."""
MAX_EXTENDS_DEPTH = 10
"""Most ``extends:`` in a chain (a scenario, its parent, … : at most 11 files)."""


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Load and validate a scenario file.

    Args:
        path: The YAML file.
        overrides: ``--set`` items, ``"PATH=VALUE"``, applied in order after ``extends``.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: The first problem found, in one line.
    """
    return _finish(load_document(path), overrides)


def load_scenario_text(text: str, source: str = "<string>", overrides: Sequence[str] = (),
                       base_dir: str | Path | None = None) -> Scenario:
    """Load and validate a scenario from YAML text.

    Args:
        text: The YAML.
        source: Name used in messages.
        overrides: ``--set`` items, as for :func:`load_scenario`.
        base_dir: Folder against which ``extends`` is resolved (default: the current one).

    Raises:
        ScenarioError: The first problem found, in one line.
    """
    doc = read_document(text, source)
    folder = Path(base_dir) if base_dir is not None else Path()
    return _finish(_resolve_extends(doc, folder, ()), overrides)


def load_document(path: str | Path, *, calibrated: bool = True) -> Document:
    """Read a scenario file into a :class:`Document` with ``extends`` resolved (not validated).

    ``path`` may also be the name of a bundled scenario (``base``) when no such file exists
    (:func:`~escalation_sim.scenario.bundled.scenario_source`). With ``calibrated=False`` the
    ``calibration:`` keys of the file and its parents are dropped: the scenario with its own
    values, as a calibration starts from it.
    """
    return _read(bundled.scenario_source(path), (), calibrated)


def _read(path: Path, chain: tuple[Path, ...], calibrated: bool = True) -> Document:
    doc = read_document(read_file(path), str(path))
    return _resolve_extends(doc, path.parent, (*chain, path.resolve()), calibrated)


def scenario_to_dict(scenario: Scenario, *, dates: bool = False) -> dict[str, Any]:
    """The fully resolved scenario (every default filled in) as JSON-able data.

    Uncertain parameters are written as their distributions (``{"uniform": [0.5, 0.7]}``), so
    that the data loads back into the same scenario. With ``dates``, dates stay
    ``datetime.date`` objects (for YAML, which writes them as dates, not as quoted text).
    """
    data = scenario.model_dump(mode="python" if dates else "json")
    for path, dist in scenario.priors.items():
        set_value(data, parse_path(path), dist.to_data())
    return data


def set_value(data: Any, loc: Loc, value: Any) -> None:
    """Put ``value`` at ``loc`` in plain data whose path is known to exist."""
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def _finish(doc: Document, overrides: Sequence[str]) -> Scenario:
    horizon = doc.data.get("horizon_days")  # the file's own: --days may shorten a run at will
    override_document(doc, overrides)
    try:
        scenario = build(doc.data, doc.locate, doc.source)
        resolve_dates(scenario, doc.locate)
        check_events(scenario, doc.locate)
    except ScenarioError as exc:  # named by the key the user wrote (add_events[0])
        raise doc.user_error(exc) from None
    if not isinstance(horizon, int) or isinstance(horizon, bool):
        horizon = scenario.horizon_days
    for n, event in enumerate(scenario.events):
        if event.day >= horizon:
            source, line = doc.locate(("events", n))
            warn(f"{when(event.day, event.date)} is after the horizon ({horizon} days): the "
                 "event never happens", source=source, line=line, path=doc.user_path(("events", n)))
    return scenario


def _fold_added_events(doc: Document) -> Document:
    """Append the document's ``add_events:`` to its ``events`` (the parent's, if inherited)."""
    if ADD_EVENTS not in doc.data:
        return doc
    added = doc.data.pop(ADD_EVENTS)
    if not isinstance(added, list):
        source, line = doc.where.get((ADD_EVENTS,), (doc.source, None))
        raise ScenarioError("must be a list of events, as events: is", source=source,
                            line=line, path=ADD_EVENTS, value=added)
    events = doc.data.get("events")
    events = list(events) if isinstance(events, list) else []
    first = len(events)
    doc.data["events"] = events + added
    for loc in [k for k in doc.where if k[:1] == (ADD_EVENTS,)]:
        where = doc.where.pop(loc)
        if len(loc) > 1 and isinstance(loc[1], int):
            doc.where[("events", first + loc[1], *loc[2:])] = where
    for k in range(len(added)):
        doc.aliases[("events", first + k)] = (ADD_EVENTS, k)
    return doc


def _warn_dropped_events(base: Document, doc: Document) -> None:
    """Warn when a variant's ``events:`` leaves out a day on which its parent has an event."""
    parent, own = base.data.get("events"), doc.data.get("events")
    if not isinstance(parent, list) or not isinstance(own, list):
        return
    days = {_when(e.get("day")) for e in own if isinstance(e, dict)}
    dates = {_when(e.get("date")) for e in own if isinstance(e, dict)}
    dropped = [e for e in parent if isinstance(e, dict) and _when(e.get("day")) not in days
               and (e.get("date") is None or _when(e.get("date")) not in dates)]
    if dropped:
        source, line = doc.where.get(("events",), (doc.source, None))
        names = "; ".join((str(e["date"]) if e.get("date") is not None else f"day {e.get('day')}")
                          + (f" ({e['label']})" if e.get("label") else "") for e in dropped)
        warn(f"replaces the parent's events, dropping {names}; restate them, or write "
             "add_events: to add to the parent's events", source=source, line=line,
             path="events")


def _when(value: Any) -> str:
    """An event's ``day`` or ``date`` as comparable text, whatever was written there.

    A number, a date, or a mapping or list that validation refuses later: text is hashable.
    """
    return repr(value)


def _resolve_extends(doc: Document, folder: Path, chain: tuple[Path, ...],
                     calibrated: bool = True) -> Document:
    calibration = None
    if CALIBRATION in doc.data:
        source, line = doc.where.pop((CALIBRATION,), (doc.source, None))
        calibration = (doc.data.pop(CALIBRATION), source, line)
    doc = _extend(doc, folder, chain, calibrated)
    if calibration is not None and calibrated:
        _calibrate(doc, folder, *calibration)
    _record_path(doc)
    return doc


def _record_path(doc: Document) -> None:
    """Make a ``record:`` episode file relative to the file that names it.

    A bundled episode's name stays as it is.
    """
    ref = doc.data.get("record")
    if not isinstance(ref, str) or not ref.endswith((".yaml", ".yml")) or Path(ref).is_absolute():
        return
    source, _ = doc.where.get(("record",), (doc.source, None))
    if source and os.path.isfile(source):
        doc.data["record"] = str(Path(source).parent / ref)


def _local_file(ref: Any, folder: Path, fail: Callable[[str], ScenarioError],
                example: str) -> Path:
    """``folder / ref``, for a relative file name that stays in ``folder`` or below it."""
    if not isinstance(ref, str) or not ref.strip():
        raise fail(f"must name a file, e.g. {example}")
    if Path(ref).is_absolute() or ".." in Path(ref).parts or ":" in ref or "\\" in ref:
        raise fail("must name a file in this scenario's folder or below it (no absolute path, "
                   f"no '..'), e.g. {example}")
    return folder / ref


def _contained(path: Path, folder: Path, fail: Callable[[str], ScenarioError]) -> bool:
    """Whether ``path`` exists; if it does, its real path must lie in ``folder`` or below.

    Symbolic links are resolved, in ``path`` and in ``folder`` alike.

    Raises:
        ScenarioError: The path cannot be looked up, is a broken or looping symbolic link, or
            leads out of ``folder``.
    """
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:  # e.g. a name longer than the filesystem allows
        raise fail(f"cannot be looked up ({(exc.strerror or str(exc)).lower()}); name a "
                   "scenario file, e.g. base.yaml") from None
    try:
        real = path.resolve(strict=True)
        home = folder.resolve()
    except RuntimeError:  # a loop, before Python 3.13
        raise fail("is a looping symbolic link; name a scenario file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise fail("is a looping symbolic link; name a scenario file") from None
        if exc.errno == errno.ENOENT:
            raise fail("is a broken symbolic link; name a scenario file") from None
        raise fail(f"cannot be looked up ({(exc.strerror or str(exc)).lower()}); name a "
                   "scenario file, e.g. base.yaml") from None
    if not real.is_relative_to(home):
        raise fail("leads out of this scenario's folder through a symbolic link; it must name "
                   "a file in this scenario's folder or below it")
    return True


def _calibrate(doc: Document, folder: Path, ref: Any, source: str | None,
               line: int | None) -> None:
    """Put a calibration file's ``priors`` at their paths in ``doc`` (in place)."""
    def fail(message: str) -> ScenarioError:
        return ScenarioError(message, source=source, line=line, path=CALIBRATION, value=ref)

    path = _local_file(ref, folder, fail, "calibration/base.yaml")
    try:
        found = _contained(path, folder, fail)
        if not found:  # a copy of a bundled scenario (escsim new) still finds the bundled file
            bundled_path = bundled.bundled_dir("scenarios") / ref
            found = bundled_path.is_file()
            path = bundled_path if found else path
    except OSError as exc:
        raise fail(f"cannot be looked up ({(exc.strerror or str(exc)).lower()})") from None
    if not found:
        raise fail("no such file next to this scenario (the path is relative to the scenario "
                   "file), nor among the bundled scenarios' files")
    calib = read_document(read_file(path), str(path))
    priors = particle_specs(calib) if PARTICLES_KEY in calib.data else calib.data.get("priors")
    if not isinstance(priors, dict):
        where, at = calib.where.get(("priors",), (calib.source, None))
        raise ScenarioError("a calibration file needs particles: (the weighted parameter sets "
                            "escsim calibrate writes) or priors: a mapping of parameter path -> "
                            "distribution, e.g. actors.baku.nationalism: {uniform: [0.5, 0.7]}",
                            source=where, line=at, path="priors",
                            value=priors if "priors" in calib.data else MISSING)
    for key, spec in priors.items():
        where, at = calib.where.get(("priors", key), calib.where.get(
            (PARTICLES_KEY,), (calib.source, None)))
        try:
            loc = assign(doc.data, parse_path(key), spec)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=where, line=at,
                                path=f"priors.{key}", value=exc.value) from None
        doc.forget(loc)
        doc.where[loc] = (where, at)


PARTICLES_KEY = "particles"
"""Key of a calibration file's weighted parameter sets (``escsim calibrate``)."""


def particle_specs(calib: Document) -> dict[str, Any]:
    """A calibration file's ``particles:`` as one ``{particles: …}`` distribution per path.

    ``particles: {parameters: [PATH, …], weights: [w, …], values: [[v, …], …]}`` (one row per
    parameter set). The paths share one joint name, the file's name and a digest of its sets,
    so they are drawn together (:mod:`escalation_sim.engine.draws`), and two calibrations never
    share a stream. A value outside the range the calibration searched (``parameters: {PATH:
    {prior: {uniform: [lo, hi]}}}``, where given) is refused.

    Raises:
        ScenarioError: The block is malformed, or a value lies outside its searched range.
    """
    import hashlib
    import json

    block = calib.data[PARTICLES_KEY]
    where, at = calib.where.get((PARTICLES_KEY,), (calib.source, None))

    def fail(message: str, value: Any = MISSING) -> ScenarioError:
        return ScenarioError(message, source=where, line=at, path=PARTICLES_KEY, value=value)

    if not isinstance(block, dict) or not {"parameters", "weights", "values"} <= set(block):
        raise fail("must be a mapping with parameters: [PATH, …], weights: [w, …] and values: "
                   "[[v, …], …] (one row per parameter set), as escsim calibrate writes it")
    paths, weights, rows = block["parameters"], block["weights"], block["values"]
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths) or \
            not isinstance(rows, list) or not isinstance(weights, list) or \
            not all(isinstance(r, list) and len(r) == len(paths) for r in rows):
        raise fail("parameters must be a list of paths and values a list of rows, one value "
                   "per parameter in each")
    found = calib.data.get("parameters")
    searched: dict[str, Any] = found if isinstance(found, dict) else {}
    digest = hashlib.blake2b(json.dumps([paths, weights, rows]).encode("utf-8"),
                             digest_size=8).hexdigest()
    joint = f"{Path(calib.source).name}:{digest}"
    specs: dict[str, Any] = {}
    for j, key in enumerate(paths):
        column = [row[j] for row in rows]
        bounds = ((searched.get(key) or {}).get("prior") or {}).get("uniform")
        if isinstance(bounds, list) and len(bounds) == 2 and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in column):
            outside = [v for v in column if not bounds[0] <= v <= bounds[1]]
            if outside:
                raise fail(f"{key}: value {outside[0]} lies outside the range searched, "
                           f"{bounds[0]} to {bounds[1]}", outside[0])
        specs[key] = {"particles": {"joint": joint, "values": column, "weights": weights}}
    return specs


def _extend(doc: Document, folder: Path, chain: tuple[Path, ...],
            calibrated: bool = True) -> Document:
    if EXTENDS not in doc.data:
        return _fold_added_events(doc)
    ref = doc.data.pop(EXTENDS)
    source, line = doc.where.pop((EXTENDS,), (doc.source, None))

    def fail(message: str) -> ScenarioError:
        return ScenarioError(message, source=source, line=line, path=EXTENDS, value=ref)

    if not isinstance(ref, str) or not ref.strip():
        raise fail("must be the file this scenario builds on, e.g. base.yaml")
    if Path(ref).is_absolute() or ".." in Path(ref).parts or ":" in ref or "\\" in ref:
        raise fail("must name a file in this scenario's folder or below it (no absolute path, "
                   "no '..'), or a bundled scenario, e.g. base.yaml")
    parent = folder / ref
    found = _contained(parent, folder, fail)
    if not found:
        try:
            parent = bundled.find_scenario(Path(ref).name)
        except ScenarioError:
            raise fail("no such file next to this one, nor a bundled scenario of that "
                       "name") from None
    if parent.resolve() in chain:
        names = " → ".join(p.name for p in (*chain, parent.resolve()))
        raise fail(f"extends itself: {names}")
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise fail(f"too many levels of extends (at most {MAX_EXTENDS_DEPTH})")
    base = _read(parent, chain, calibrated)
    _warn_dropped_events(base, doc)
    replaced: list[Loc] = []
    data = _merge(base.data, doc.data, (), replaced)
    for loc in replaced:
        base.forget(loc)
    aliases = {inner: written for inner, written in base.aliases.items()
               if not any(inner[:len(loc)] == loc for loc in replaced)}
    return _fold_added_events(Document(data, doc.source, {**base.where, **doc.where},
                                       {**aliases, **doc.aliases}))


DATE_KEYS = {"date": "day", "start_date": "start_day"}
"""A date key and the day key it stands for: a variant's date replaces its parent's day."""


def _merge(base: dict[str, Any], over: dict[str, Any], loc: Loc,
           replaced: list[Loc]) -> dict[str, Any]:
    """Deep-merge ``over`` onto ``base``: mappings key by key, everything else replaced.

    A date written in ``over`` (``start_date:``) replaces the day its parent gave
    (``start_day:``), and a day replaces the parent's date.
    """
    out = dict(base)
    for date_key, day_key in DATE_KEYS.items():
        for given, other in ((date_key, day_key), (day_key, date_key)):
            if given in over and other not in over and other in out:
                del out[other]
                replaced.append((*loc, other))
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and \
                not _is_leaf((*loc, key)):
            out[key] = _merge(base[key], value, (*loc, key), replaced)
        else:
            out[key] = value
            replaced.append((*loc, key))
    return out


def _is_leaf(loc: Loc) -> bool:
    """Whether the schema has one value at ``loc`` (a mapping there is a distribution)."""
    try:
        return schema_node(loc).kind == "leaf"
    except ScenarioError:
        return False
