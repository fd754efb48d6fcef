"""Safe YAML reading that remembers where every key came from.

Scenario files are read with :class:`LineLoader`, a ``yaml.SafeLoader`` that composes the node
tree and builds plain Python values from it itself, so that it can:

- record the file and line of every key path (for error messages),
- reject duplicate keys, non-text keys and any tag outside plain YAML (``!!python/...``),
- bound the work an alias-heavy or deeply nested document can cause, and refuse files larger
  than 1 MB.

The result is a :class:`Document`: the data plus, for each key path, its source and line. The
last texts parsed are kept (:data:`PARSED_KEPT`): a process that loads the same files again (the
bundled calibration under every scenario that names it, an episode per backtest) gets a copy of
what it read before instead of parsing the text again.

The node tree is composed by libyaml when PyYAML was built with it (:data:`FAST`), ten times
faster than PyYAML's own parser (a calibration's 2,500 numbers take 5 ms instead of 55, which
every command that loads the base scenario paid); the values are built from those nodes by the
same code either way. A document libyaml cannot compose, or whose values are refused, is read
again by PyYAML's parser, so every message is the one PyYAML's reading gives; and a text with
one of the few characters around which libyaml accepts what PyYAML refuses (:data:`_DISAGREE`)
is read by PyYAML's parser alone, so both accept the same documents with the same data and
lines (``tests/scenario/test_scenario_yaml_io.py`` compares the two on every YAML file of the
repository and on hostile text).

Every file read here is an input of the command reading it: inside :func:`track_reads` (each
CLI command runs in one), :func:`files_read` tells which files those were, so that no output
ever replaces one of them (``--force`` included).
"""

from __future__ import annotations

import copy
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from escalation_sim.scenario.errors import Loc, ScenarioError, format_path

_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
"""A plain number as YAML text."""
MAX_BYTES = 1_000_000
"""Largest scenario file accepted, in bytes (1 MB)."""
MAX_NODES = 200_000
"""Most YAML nodes a document may expand to (aliases counted each time they are used)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (a scenario needs about five levels)."""
FAST: bool = bool(getattr(yaml, "__with_libyaml__", False))
"""Compose the node tree with libyaml first (see the module docstring); PyYAML's parser else."""
_DISAGREE = re.compile("[\t?\ufeff]")
"""Characters around which libyaml accepts what PyYAML refuses (a tab as a separator, ``?`` in
a flow collection's plain text, a byte-order mark inside the text): a text with any of them is
read by PyYAML's parser alone, so that both accept the same documents."""

_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map",
                                   "seq")}
_MERGE = _YAML + "merge"
_PLAIN = "plain YAML only: mappings, lists, text, numbers, true/false, null and dates"

Where = tuple[str | None, int | None]
"""Where a key was written: (source, 1-based line), either ``None`` when not known."""
Locator = Callable[[Loc], Where]
"""Maps a key path to (source, line) for error messages."""


@dataclass
class Document:
    """Data read from YAML with the source and line of each key path.

    Attributes:
        data: The top-level mapping.
        source: Where the data came from (file name as given, or e.g. ``"<string>"``).
        where: Key path -> (source, line) for every key and list item read.
        aliases: Key path in ``data`` -> the key path the user wrote it under, where the two
            differ (``("events", 3)`` -> ``("add_events", 0)``: an event added to a parent's).
    """

    data: dict[str, Any]
    source: str
    where: dict[Loc, Where] = field(default_factory=dict)
    aliases: dict[Loc, Loc] = field(default_factory=dict)

    def user_path(self, loc: Loc | str) -> str:
        """A key path as the user wrote it: ``events[3].day`` -> ``add_events[0].day``."""
        path = loc if isinstance(loc, str) else format_path(loc)
        for inner, written in self.aliases.items():
            prefix = format_path(inner)
            if path == prefix or path.startswith((prefix + ".", prefix + "[")):
                return format_path(written) + path[len(prefix):]
        return path

    def user_error(self, exc: ScenarioError) -> ScenarioError:
        """``exc`` with its key path as the user wrote it (:meth:`user_path`); returns it."""
        if exc.path:
            exc.path = self.user_path(exc.path)
            exc.args = (str(exc),)
        return exc

    def locate(self, loc: Loc) -> Where:
        """Source and line of the deepest known key on ``loc`` (the document's source if none)."""
        for n in range(len(loc), 0, -1):
            hit = self.where.get(tuple(loc[:n]))
            if hit is not None:
                return hit
        return self.source, None

    def forget(self, loc: Loc) -> None:
        """Drop the recorded locations of ``loc`` and everything below it."""
        n = len(loc)
        for key in [k for k in self.where if k[:n] == tuple(loc)]:
            del self.where[key]


def show_tag(tag: str) -> str:
    """Spell a YAML tag as written: ``tag:yaml.org,2002:python/name:x`` -> ``!!python/name:x``."""
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


class LineLoader(yaml.SafeLoader):
    """A ``SafeLoader`` that builds plain values from the node tree and records key lines."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.text = text
        self.source = source
        self.lines: dict[Loc, int] = {}
        self._budget = MAX_NODES
        self._open: list[Node] = []  # the mappings being built, outermost first

    def read(self) -> Any:
        """Read the single document in the stream (``None`` if the stream is empty).

        libyaml's node tree first (:data:`FAST`); on any error, from a clean start, PyYAML's.
        """
        if FAST and _DISAGREE.search(self.text) is None:
            try:
                node = _libyaml_node(self.text)
                return None if node is None else self._value(node, ())
            except (yaml.YAMLError, ScenarioError, ValueError):
                self.lines, self._budget, self._open = {}, MAX_NODES, []
                self.constructed_objects, self.recursive_objects = {}, {}
        try:
            node = self.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(exc, self.source) from None
        except RecursionError:  # PyYAML composes nested nodes recursively
            raise ScenarioError(f"nested too deeply (at most {MAX_DEPTH} levels of mappings and "
                                "lists)", source=self.source) from None
        finally:
            self.dispose()
        return None if node is None else self._value(node, ())

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        """Refuse ``[`` or ``{`` nested too deeply before PyYAML's scanner slows down on it."""
        if self.flow_level >= MAX_DEPTH:
            raise ScenarioError(f"nested too deeply (at most {MAX_DEPTH} levels of mappings and "
                                "lists)", source=self.source, line=self.line + 1)
        super().fetch_flow_collection_start(token_class)

    def _error(self, message: str, node: Node, loc: Loc, **kw: Any) -> ScenarioError:
        return ScenarioError(message, source=self.source, path=format_path(loc),
                             line=node.start_mark.line + 1, **kw)

    def _value(self, node: Node, loc: Loc) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise self._error(f"the document expands to more than {MAX_NODES:,} values "
                              "(too many aliases?)", node, loc)
        if len(loc) > MAX_DEPTH:
            raise self._error(f"nested too deeply (at most {MAX_DEPTH} levels of mappings and "
                              "lists)", node, loc[:8])
        if node.tag not in _PLAIN_TAGS:
            raise self._error(f"tag {show_tag(node.tag)} is not allowed — scenario files hold "
                              f"{_PLAIN}", node, loc)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            items = []
            for n, child in enumerate(node.value):
                self.lines[(*loc, n)] = child.start_mark.line + 1
                items.append(self._value(child, (*loc, n)))
            return items
        try:
            return self.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as exc:  # e.g. a date like 2025-13-01
            what = {"timestamp": "date"}.get(show_tag(node.tag)[2:], show_tag(node.tag)[2:])
            why = "too many digits" if "int_max_str_digits" in str(exc) else exc
            raise self._error(f"is not a valid {what}: {why}", node, loc,
                              value=node.value) from None

    def _check_unbracketed_list(self, node: MappingNode, loc: Loc) -> None:
        """Refuse ``{uniform: 0.5, 0.7}``, saying how to write it: ``{uniform: [0.5, 0.7]}``.

        Without brackets YAML reads the numbers after the first as keys with no value; the
        useful hint is the brackets, not quotes around a key.
        """
        pairs = node.value
        if not node.flow_style or len(pairs) < 2:
            return
        first_key, first_value = pairs[0]

        def number(n: Node) -> bool:
            return isinstance(n, ScalarNode) and _NUMBER.fullmatch(n.value or "") is not None

        rest_are_numbers = all(number(k) and isinstance(v, ScalarNode) and v.value == ""
                               for k, v in pairs[1:])
        if isinstance(first_key, ScalarNode) and number(first_value) and rest_are_numbers:
            numbers = ", ".join([first_value.value, *(k.value for k, _ in pairs[1:])])
            raise self._error(f"a list of numbers goes in brackets: write {{{first_key.value}: "
                              f"[{numbers}]}}", node, loc)

    def _key(self, node: Node, loc: Loc) -> str:
        if not isinstance(node, ScalarNode) or node.tag not in _PLAIN_TAGS:
            raise self._error("a key must be plain text", node, loc)
        key = self.construct_object(node)
        if isinstance(key, str) and key:
            return key
        if isinstance(key, bool) or key is None:
            spelled = {True: "true", False: "false", None: "null"}[key]
            raise self._error(f"key {node.value!r} is read by YAML as {spelled}; put it in quotes",
                              node, loc)
        raise self._error(f"key {node.value!r} must be text; put it in quotes", node, loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        if any(node is other for other in self._open):
            raise self._error("an alias refers to a mapping it is inside (a loop)", node, loc)
        self._open.append(node)
        try:
            return self._mapping_items(node, loc)
        finally:
            self._open.pop()

    def _mapping_items(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        self._check_unbracketed_list(node, loc)
        result: dict[str, Any] = {}
        merges: list[Node] = []
        first_line: dict[str, int] = {}
        pairs = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self._key(key_node, loc)
            line = key_node.start_mark.line + 1
            if key in first_line:
                raise ScenarioError(f"duplicate key (first written on line {first_line[key]})",
                                    source=self.source, path=format_path((*loc, key)), line=line)
            first_line[key] = line
            pairs.append((key, value_node))
        # Merge keys (<<: *anchor): earlier mappings win over later ones, explicit keys over all.
        for merge in reversed(merges):
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in reversed(sources):
                if not isinstance(source, MappingNode):
                    raise self._error("'<<' must merge a mapping or a list of mappings",
                                      source, loc)
                result.update(self._mapping(source, loc))
        for key, value_node in pairs:
            self.lines[(*loc, key)] = first_line[key]
            result[key] = self._value(value_node, (*loc, key))
        return result


# YAML 1.1 (PyYAML) reads 1e-9 or 2E5 as text; YAML 1.2, and every user, as a number.
LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def _libyaml_node(text: str) -> Node | None:
    """The document's node tree composed by libyaml (``None`` for an empty stream).

    The tags are resolved by :class:`LineLoader`'s own resolvers, so the tree is the one
    PyYAML's parser composes. libyaml refuses nesting deeper than 1,000 levels itself.

    Raises:
        yaml.YAMLError: libyaml cannot compose it.
    """
    composer = _LibyamlComposer(text)
    try:
        node: Node | None = composer.get_single_node()
        return node
    finally:
        composer.dispose()


if FAST:
    from yaml._yaml import CParser

    class _LibyamlComposer(CParser, Resolver):
        """libyaml's parser and composer with :class:`LineLoader`'s tag resolvers."""

        yaml_implicit_resolvers = LineLoader.yaml_implicit_resolvers

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Resolver.__init__(self)


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "unreadable"
    if exc.context and exc.problem:
        problem = f"{problem} ({exc.context})"
    column = f" at column {mark.column + 1}" if mark is not None else ""
    line = mark.line + 1 if mark is not None else None
    return ScenarioError(f"broken YAML{column}: {problem}", source=source, line=line)


PARSED_KEPT = 32
"""How many parsed texts :func:`parse_yaml` keeps (each at most :data:`MAX_BYTES`)."""


def parse_yaml(text: str, source: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML text safely.

    A text parsed before (with the same ``source``) is not parsed again: the value is a deep
    copy of the kept one, which the caller may change. Errors are raised every time.

    Args:
        text: The YAML text.
        source: Name for messages (file name or option).

    Returns:
        The value and the 1-based line of each key path in it.

    Raises:
        ScenarioError: On broken YAML, a forbidden tag, a duplicate or non-text key, or text
            larger than :data:`MAX_BYTES`.
    """
    value, lines = _parsed(text, source, FAST)
    return copy.deepcopy(value), dict(lines)


@lru_cache(maxsize=PARSED_KEPT)
def _parsed(text: str, source: str, fast: bool) -> tuple[Any, dict[Loc, int]]:
    """:func:`parse_yaml` itself, its results kept (not to be changed: it hands out copies).

    ``fast`` is :data:`FAST` at the call, which the loader reads: a reading by one parser is
    never handed out for the other's (the tests compare the two).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ScenarioError(f"too large ({size:,} bytes); scenario files are limited to 1 MB",
                            source=source)
    try:
        loader = LineLoader(text, source)
        value = loader.read()
    except yaml.reader.ReaderError as exc:  # a control character or bad encoding
        line = text[: max(exc.position, 0)].count("\n") + 1
        raise ScenarioError(f"broken YAML: character #x{exc.character:04x} is not allowed",
                            source=source, line=line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other errors carry marks
        raise ScenarioError(f"broken YAML: {' '.join(str(exc).split())}",
                            source=source) from None
    return value, loader.lines


def read_document(text: str, source: str) -> Document:
    """Parse scenario YAML whose top level must be a mapping.

    Raises:
        ScenarioError: As :func:`parse_yaml`, or when the top level is not a mapping.
    """
    value, lines = parse_yaml(text, source)
    if not isinstance(value, dict):
        got = "an empty file" if value is None else f"a {type(value).__name__}"
        raise ScenarioError(f"the top level must be a mapping of scenario keys (name, actors, …), "
                            f"not {got}", source=source, line=1 if value is not None else None)
    return Document(value, source, {loc: (source, line) for loc, line in lines.items()})


_READ: ContextVar[set[tuple[int, int]] | None] = ContextVar("escsim_files_read", default=None)


@contextmanager
def track_reads() -> Iterator[None]:
    """Within the block, remember every file :func:`read_file` opens (see :func:`files_read`)."""
    token = _READ.set(set())
    try:
        yield
    finally:
        _READ.reset(token)


def files_read() -> frozenset[tuple[int, int]]:
    """The files read so far inside :func:`track_reads`, as (device, inode) pairs."""
    return frozenset(_READ.get() or ())


def read_file(path: Path, display: str | None = None) -> str:
    """Read a scenario file as text, refusing folders, pipes, huge files and non-UTF-8 bytes.

    Args:
        path: The file.
        display: Name for messages (default: ``str(path)``).

    Raises:
        ScenarioError: If the file cannot be read, is too large or is not UTF-8.
    """
    name = display or str(path)
    try:
        if path.is_dir():
            raise ScenarioError("is a directory, not a scenario file", source=name)
        # non-blocking open, then a look at what was opened: a FIFO or device never blocks
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            seen = _READ.get()
            if seen is not None:
                seen.add((info.st_dev, info.st_ino))
            if not stat.S_ISREG(info.st_mode):
                raise ScenarioError("is not a regular file (a pipe, device or socket); give "
                                    "a scenario file", source=name)
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read the file: {exc.strerror or exc}", source=name) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError("too large; scenario files are limited to 1 MB", source=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError("is not UTF-8 text", source=name, line=line) from None
