"""The one error type for bad scenario input, and helpers to phrase it.

Every problem with a scenario — unreadable file, broken YAML, unknown key, value out of range,
undefined actor, bad ``--set`` — becomes a :class:`ScenarioError`. Its ``str()`` is one line that
names where (file and line, or the ``--set`` option), what (the dotted key path and the bad
value) and what is allowed, so that the CLI can print it as is and exit with code 2.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Loc = tuple[str | int, ...]
"""A key path as a tuple: mapping keys are strings, list indices are integers."""

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
"""Marker for "no value to show" (e.g. a missing key), distinct from ``None`` (YAML ``null``)."""

_MAX_VALUE_CHARS = 80
_MAX_PATH_CHARS = 120

ARGUMENTS = {"--set": "set", "--vary": "vary", "--param": "params", "--metric": "metrics",
             "--samples": "samples", "--method": "method", "--discover": "discover",
             "--runs": "runs", "--days": "days", "--seed": "seed", "--workers": "workers",
             "--variant": "variants", "--by": "by", "--run": "run", "--pick": "pick",
             "--weights": "weights", "--from": "origin", "--origins": "origins"}
"""Each command-line option and the Python API's argument of the same meaning."""
_PYTHON_TERMS: ContextVar[bool] = ContextVar("escsim_python_terms", default=False)


@contextmanager
def python_terms() -> Iterator[None]:
    """Inside the block, messages name inputs as the Python API's arguments, not as options."""
    token = _PYTHON_TERMS.set(True)
    try:
        yield
    finally:
        _PYTHON_TERMS.reset(token)


def term(option: str) -> str:
    """How messages name an input: ``--vary`` on the command line, ``vary`` in Python."""
    if _PYTHON_TERMS.get():
        return ARGUMENTS.get(option, option.lstrip("-"))
    return option


def format_path(loc: Iterable[str | int]) -> str:
    """Format a key path tuple as text: ``('alliances', 0, 'backs')`` -> ``alliances[0].backs``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def show_value(value: Any) -> str:
    """Render a value compactly on one line, as YAML/JSON would spell it (truncated if long)."""
    if isinstance(value, dt.date):
        text = value.isoformat()
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):  # pragma: no cover - exotic values
            text = repr(value)
    text = " ".join(text.split())
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return text


def did_you_mean(word: str, choices: Iterable[str], *, what: str = "") -> str:
    """Phrase a hint naming the valid choices closest to ``word``.

    Args:
        word: The unknown word as written.
        choices: The valid words.
        what: Optional noun for the fallback list, e.g. ``"keys"``.

    Returns:
        ``"did you mean 'x'?"`` (or ``'x' or 'y'``) when some choices are close, otherwise a
        list of the valid choices (abbreviated when long), or ``""`` when there are none.
    """
    options = sorted({str(c) for c in choices})
    close = difflib.get_close_matches(str(word), options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if not options:
        return ""
    shown = ", ".join(options[:12]) + (", …" if len(options) > 12 else "")
    return f"valid {what or 'choices'}: {shown}"


class ScenarioError(Exception):
    """A problem with scenario input, reported as one line.

    Attributes:
        message: What is allowed (``"must be between 0 and 1 (…)"``) or, for problems that are not
            about one value, what went wrong (``"duplicate key"``).
        source: The file, or the option (``"--set actors.baku.x=1"``), or ``"<string>"``.
        path: Dotted key path (``[n]`` for list items), or ``""`` when not about one key.
        line: 1-based line in ``source`` when known.
        value: The bad value, or :data:`MISSING` when there is none to show.
        more: Further problems found in the same check (``escsim validate`` lists them all);
            this error is the first of them.
    """

    def __init__(self, message: str, *, source: str | None = None, path: str = "",
                 line: int | None = None, value: Any = MISSING) -> None:
        self.message = message
        self.source = source
        self.path = path
        self.line = line
        self.value = value
        self.more: list[ScenarioError] = []
        super().__init__(str(self))

    def every(self) -> list[ScenarioError]:
        """Every problem found with this one, this one first (:attr:`more`)."""
        return [self, *self.more]

    @classmethod
    def of(cls, problems: list[ScenarioError]) -> ScenarioError:
        """The first of ``problems``, carrying the others in :attr:`more`."""
        first = problems[0]
        first.more = list(problems[1:])
        return first

    @property
    def allowed(self) -> str:
        """What is allowed (an alias of :attr:`message`)."""
        return self.message

    def located(self, source: str | None, line: int | None = None) -> ScenarioError:
        """Fill in the source and line when they are not known yet; returns ``self``."""
        if self.source is None:
            self.source = source
            if self.line is None:
                self.line = line
        self.args = (str(self),)
        return self

    def __str__(self) -> str:
        where = self.source or ""
        if where and self.line is not None:
            where += f":{self.line}"
        what = self.path
        if len(what) > _MAX_PATH_CHARS:
            what = what[: _MAX_PATH_CHARS - 1] + "…"
        if self.value is not MISSING:
            what = f"{what} = {show_value(self.value)}" if what else show_value(self.value)
        text = f"{what} — {self.message}" if what else self.message
        text = f"{where}: {text}" if where else text
        return " ".join(text.split())

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-able mapping (for ``--json`` output)."""
        return {
            "source": self.source,
            "line": self.line,
            "path": self.path or None,
            "value": None if self.value is MISSING else show_value(self.value),
            "message": self.message,
            "text": str(self),
        }


class ScenarioWarning(UserWarning):
    """Something in a scenario that is allowed but probably not meant.

    E.g. an event after the horizon, or a parent's events dropped by a variant. The CLI
    prints it as ``warning: …``.
    """


def warn(message: str, *, source: str | None = None, line: int | None = None,
         path: str = "") -> None:
    """Issue a :class:`ScenarioWarning` phrased like an error: where, what, why."""
    import warnings

    where = (source or "") + (f":{line}" if source and line is not None else "")
    text = f"{path} — {message}" if path else message
    warnings.warn(f"{where}: {text}" if where else text, ScenarioWarning, stacklevel=3)


def bounds_text(low: float | None, high: float | None) -> str:
    """A range in words (``between 0 and 1``, ``at least 0``), or ``""`` if unbounded."""
    def shown(x: float) -> str:
        return f"{x:g}" if isinstance(x, float) else str(x)

    if low is not None and high is not None:
        return f"between {shown(low)} and {shown(high)}"
    if low is not None:
        return f"at least {shown(low)}"
    if high is not None:
        return f"at most {shown(high)}"
    return ""
