"""Fitting tables to the terminal's width: measure a table, split its columns over several.

A table whose cells are never cut (``no_wrap`` numbers) can be wider than the terminal; rich
then cuts its cells to ``…``. Instead, :func:`pack` builds as many tables as needed, each
with as many column groups (a measure's estimate and interval, say) as fit the width, the row
labels repeated in each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from rich.console import Console, RenderableType
from rich.measure import Measurement

T = TypeVar("T")
_RULER = Console(width=100_000, color_system=None)
"""A console wide enough that measuring never squeezes a table."""


def natural_width(renderable: RenderableType) -> int:
    """The width a renderable takes when nothing has to be squeezed or wrapped."""
    return Measurement.get(_RULER, _RULER.options, renderable).maximum


def fits(renderable: RenderableType, width: int) -> bool:
    """Whether the renderable fits ``width`` columns without cutting or wrapping cells."""
    return natural_width(renderable) <= width


def pack(groups: Sequence[T], build: Callable[[Sequence[T]], RenderableType],
         width: int) -> list[RenderableType]:
    """Tables made by ``build`` from consecutive runs of ``groups``, each fitting ``width``.

    Groups are taken in order; a table gets the next group while it still fits. A group that
    does not fit on its own gets a table of its own (rich then wraps its cells).
    """
    tables: list[RenderableType] = []
    current: list[T] = []
    for group in groups:
        trial = [*current, group]
        if current and not fits(build(trial), width):
            tables.append(build(current))
            current = [group]
        else:
            current = trial
    if current:
        tables.append(build(current))
    return tables
