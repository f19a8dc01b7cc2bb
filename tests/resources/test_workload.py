"""Day arithmetic of capacity and demand (pure: no database)."""

import datetime as dt

import numpy as np
import pytest

from pmo.engine.calendars import Calendar, CalendarException
from pmo.resources.workload import (
    Window,
    availability_pct,
    calendar_minutes,
    contour_weights,
    period_bounds,
    spread,
)

MONDAY = dt.date(2026, 3, 2)


def test_calendar_minutes_follow_the_week_and_exceptions():
    calendar = Calendar.standard().with_exceptions(
        CalendarException(dt.date(2026, 3, 4), dt.date(2026, 3, 4), (), "Holiday"),
        CalendarException(dt.date(2026, 3, 7), dt.date(2026, 3, 7), ("09:00-13:00",), "Sat"),
    )
    minutes = calendar_minutes(calendar, Window(MONDAY, 7))
    assert minutes.tolist() == [480, 480, 0, 480, 480, 240, 0]


def test_leave_wins_and_the_latest_change_applies():
    window = Window(MONDAY, 10)
    changes = [
        (dt.date(2026, 3, 2), None, 50, False),  # part-time from Monday, open-ended
        (dt.date(2026, 3, 5), dt.date(2026, 3, 6), 80, False),  # a later change
        (dt.date(2026, 3, 6), dt.date(2026, 3, 9), 0, True),  # leave
    ]
    pct = availability_pct(100, changes, window)
    assert pct.tolist() == [50, 50, 50, 80, 0, 0, 0, 0, 50, 50]


@pytest.mark.parametrize(
    ("contour", "weights"),
    [
        ("flat", [1, 1, 1, 1, 1]),
        ("front", [5, 4, 3, 2, 1]),
        ("back", [1, 2, 3, 4, 5]),
        ("bell", [1, 2, 3, 2, 1]),
    ],
)
def test_contours(contour, weights):
    assert contour_weights(contour, 5).tolist() == weights


def test_spread_keeps_the_total_and_falls_back_to_even():
    assert spread(900, np.array([480.0, 0.0, 240.0])).tolist() == [600.0, 0.0, 300.0]
    assert spread(90, np.zeros(3)).tolist() == [30.0, 30.0, 30.0]


def test_months_and_weeks():
    assert period_bounds(dt.date(2026, 1, 20), 2, "month") == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ]
    assert period_bounds(dt.date(2026, 3, 8), 1, "week") == [(MONDAY, dt.date(2026, 3, 8))]
    with pytest.raises(ValueError, match="granularity must be 'week' or 'month', not 'day'"):
        period_bounds(MONDAY, 1, "day")
