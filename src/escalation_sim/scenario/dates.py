"""Days and dates: a day of a scenario may be written as a day number or, with a start date, a date.

Scheduled events (``date:``), summits (``date:``) and levers (``start_date:``) take a calendar
date instead of a day number when the scenario has a ``start_date``; the loader turns each into
its day (:func:`resolve_dates`) and keeps the date, so that messages name the day in the form
the user wrote it (:func:`when`): ``2025-11-15: energy routes heat held at 1.0`` for an event
written with a date, ``day 137: …`` for one written with a day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from escalation_sim.scenario.errors import ScenarioError, format_path
from escalation_sim.scenario.yaml_io import Locator


def when(day: int, date: dt.date | None = None) -> str:
    """A day as the user wrote it: ``2025-11-15`` for a date, else ``day 137``."""
    return date.isoformat() if date is not None else f"day {day}"


def _day_of(item: Any, date_field: str, day_field: str, start: dt.date | None,
            loc: tuple[Any, ...], locate: Locator) -> None:
    """Set ``item.<day_field>`` from ``item.<date_field>`` (in place), or raise at the date."""
    date = getattr(item, date_field)
    if date is None:
        return
    source, line = locate((*loc, date_field))
    path = format_path((*loc, date_field))
    problem = ""
    day = 0
    if start is None:
        problem = (f"a date needs the scenario's start_date; give {day_field}: instead, or set "
                   "start_date")
    else:
        day = (date - start).days
        if day < 0:
            problem = (f"is before the scenario's start_date ({start}); it must be on or "
                       "after it")
        elif day_field in item.model_fields_set and getattr(item, day_field) != day:
            problem = (f"is day {day} from start_date {start}, but {day_field}: says "
                       f"{getattr(item, day_field)}; give one of them")
    if not problem:
        try:
            setattr(item, day_field, day)
        except ValidationError:
            problem = (f"is day {day} from start_date {start}, past the last day a "
                       f"{day_field} may be")
    if problem:
        raise ScenarioError(problem, source=source, line=line, path=path, value=date)


def resolve_dates(scenario: Any, locate: Locator) -> None:
    """Give every event, summit and lever written with a date its day (in place).

    Events and summits take ``date:`` for ``day:``; levers ``start_date:`` for
    ``start_day:``. The date is kept beside the day.

    Raises:
        ScenarioError: At the date's key: no ``start_date``, a date before it, or a day given
            too that names another day.
    """
    start = scenario.start_date
    for n, event in enumerate(scenario.events):
        _day_of(event, "date", "day", start, ("events", n), locate)
    for n, summit in enumerate(scenario.summits):
        _day_of(summit, "date", "day", start, ("summits", n), locate)
    for name in type(scenario.levers).model_fields:
        _day_of(getattr(scenario.levers, name), "start_date", "start_day", start,
                ("levers", name), locate)
