"""The terminal fan chart: bands and median in the right cells, axis labels in the right place."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from escalation_sim.render.fanchart import (
    INNER,
    LABEL_WIDTH,
    MEDIAN,
    OUTER,
    _axis,
    fan_chart,
    pick_columns,
    step_name,
)


def render(chart, width=80, colour=False) -> list[str]:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="truecolor" if colour else None,
                      force_terminal=colour)
    console.print(chart)
    return buf.getvalue().splitlines()


def series(n, lo90, lo50, mid, hi50, hi90):
    return {"p05": [lo90] * n, "p10": [lo90] * n, "p25": [lo50] * n, "p50": [mid] * n,
            "p75": [hi50] * n, "p90": [hi90] * n, "p95": [hi90] * n}


def cells(line: str) -> str:
    assert line[LABEL_WIDTH] == "│"
    return line[LABEL_WIDTH + 1:]


def test_rows_are_rungs_from_war_down_with_bands_and_median():
    days = list(range(0, 70, 7))
    lines = render(fan_chart(series(10, 2, 3, 4, 5, 7), days, None, width=80, colour=False))
    assert lines[0].startswith(" 9 open war") and lines[9].startswith(" 0 cooperation")
    by_rung = {9 - i: cells(lines[i]) for i in range(10)}
    assert set(by_rung[4]) == {MEDIAN}
    assert set(by_rung[3]) == set(by_rung[5]) == {INNER}
    assert set(by_rung[2]) == set(by_rung[6]) == set(by_rung[7]) == {OUTER}
    assert by_rung[8].strip() == by_rung[1].strip() == ""


def test_axis_lines_up_with_the_cells():
    days = list(range(0, 70, 7))
    dates = [(dt.date(2025, 7, 1) + dt.timedelta(days=d)).isoformat() for d in days]
    lines = render(fan_chart(series(10, 5, 5, 5, 5, 5), days, dates, width=80, colour=False))
    axis, labels = lines[10], lines[11]
    assert axis.index("└") == LABEL_WIDTH  # under the chart's left edge
    assert axis.index("┬") == LABEL_WIDTH + 1 == labels.index("Jul")  # first cell, first label
    assert labels.index("Aug") == LABEL_WIDTH + 1 + 5 * 3  # day 35 is the 6th point, 3 cells each


def test_short_timelines_get_wider_cells_and_long_ones_fit():
    short = render(fan_chart(series(10, 5, 5, 5, 5, 5), list(range(0, 70, 7)), None, width=80,
                             colour=False))
    assert len(cells(short[4])) == 30  # 10 points x 3 cells
    days = list(range(0, 365, 7)) + [364]
    long = render(fan_chart(series(len(days), 5, 5, 5, 5, 5), days, None, width=60,
                            colour=False))
    assert all(len(line) <= 60 for line in long)


def test_colour_draws_bands_as_background_not_glyphs():
    lines = render(fan_chart(series(10, 2, 3, 4, 5, 7), list(range(0, 70, 7)), None, width=80,
                             colour=True), colour=True)
    text = "\n".join(lines)
    assert "\x1b[" in text and INNER not in text and OUTER not in text and MEDIAN in text


def test_pick_columns_keeps_the_last_point():
    assert pick_columns(10, 80) == list(range(10))
    cols = pick_columns(53, 20)
    assert len(cols) <= 20 and cols[0] == 0 and cols[-1] == 52


def test_axis_labels_months_at_their_first_week():
    dates = ["2025-07-01", "2025-07-08", "2025-07-15", "2025-07-22", "2025-07-29", "2025-08-05"]
    axis, labels = _axis(list(range(0, 42, 7)), dates, room=10)
    assert axis == "┬────┬"
    assert labels == "Jul  Aug"
    assert _axis(list(range(0, 42, 7)), dates)[1] == "Jul"  # no room for Aug past the axis


def test_axis_gives_years_when_the_dates_cross_one():
    dates = [f"2025-{m:02d}-01" for m in range(7, 13)] + [f"2026-{m:02d}-01" for m in (1, 2, 3)]
    labels = _axis(list(range(0, 270, 30)), dates, cell=4)[1]
    assert labels.startswith("Jul 2025") and "Jan 2026" in labels and "Nov" in labels
    assert _axis(list(range(0, 42, 7)), [f"2025-07-{d:02d}" for d in (1, 8, 15, 22, 29)] +
                 ["2025-08-05"], room=10)[1] == "Jul  Aug"  # one year: months alone


def test_axis_without_dates_counts_days():
    axis, labels = _axis(list(range(0, 364, 7)), None)
    assert labels.startswith("0   28  56")


def test_step_name():
    assert step_name([0, 7, 14], 3) == "week"
    assert step_name([0, 14, 28], 3) == "2 weeks"
    assert step_name([0, 10, 20], 3) == "10 days"
