"""Day-by-day arithmetic of capacity and demand, on plain dates and numpy arrays.

Everything here is pure: selectors load rows and calendars, these functions turn them
into per-day minutes over a window of consecutive dates, and periods (weeks, months)
are sums of days.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pmo.engine.calendars import Calendar as EngineCalendar

__all__ = [
    "Window",
    "availability_pct",
    "calendar_minutes",
    "contour_weights",
    "month_start",
    "period_bounds",
    "spread",
    "week_start",
]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_bounds(first: dt.date, periods: int, granularity: str) -> list[tuple[dt.date, dt.date]]:
    """``periods`` consecutive weeks (from the Monday of ``first``) or months, as
    ``(first day, last day)`` pairs.

    >>> [f"{a:%d}-{b:%d}" for a, b in period_bounds(dt.date(2026, 3, 4), 2, "week")]
    ['02-08', '09-15']
    """
    out = []
    if granularity == "week":
        start = week_start(first)
        for _ in range(periods):
            out.append((start, start + dt.timedelta(days=6)))
            start += dt.timedelta(days=7)
    elif granularity == "month":
        start = month_start(first)
        for _ in range(periods):
            following = _next_month(start)
            out.append((start, following - dt.timedelta(days=1)))
            start = following
    else:
        raise ValueError(f"granularity must be 'week' or 'month', not {granularity!r}")
    return out


@dataclass(frozen=True)
class Window:
    """Consecutive dates ``first`` .. ``first + days - 1``."""

    first: dt.date
    days: int

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=self.days - 1)

    def index(self, day: dt.date) -> int:
        return (day - self.first).days

    def clip(self, start: dt.date, end: dt.date) -> tuple[int, int] | None:
        """Indices ``[a, b)`` of ``start .. end`` inside the window, or None if outside."""
        a, b = max(self.index(start), 0), min(self.index(end) + 1, self.days)
        return (a, b) if a < b else None


def calendar_minutes(calendar: EngineCalendar, window: Window) -> np.ndarray:
    """Working minutes of each local date of ``window`` on ``calendar``.

    Exceptions override the weekly pattern on their days, later ones last, as in the
    engine's own compilation.
    """
    per_weekday = np.array([sum(b - a for a, b in day) for day in calendar.week], np.int64)
    weekday0 = window.first.weekday()
    out = per_weekday[(np.arange(window.days) + weekday0) % 7].copy()
    for exception in calendar.exceptions:
        span = window.clip(exception.start, exception.end)
        if span:
            out[span[0] : span[1]] = sum(b - a for a, b in exception.hours)
    return out


def availability_pct(base: int, changes, window: Window) -> np.ndarray:
    """Percent of calendar time available on each day.

    ``changes`` are ``(start, end or None, percent, is_leave)``: leave always wins (0 %);
    otherwise the change that started last applies; elsewhere ``base``.
    """
    pct = np.full(window.days, float(base))
    leave = np.zeros(window.days, bool)
    for start, end, percent, is_leave in sorted(changes, key=lambda c: c[0]):
        span = window.clip(start, end or window.last)
        if not span:
            continue
        a, b = span
        if is_leave:
            leave[a:b] = True
        else:
            pct[a:b] = percent
    pct[leave] = 0.0
    return pct


def contour_weights(contour: str, n: int) -> np.ndarray:
    """Relative share of work on each of ``n`` days of a task, by contour.

    >>> contour_weights("front", 4).tolist()
    [4.0, 3.0, 2.0, 1.0]
    """
    if n <= 0:
        return np.zeros(0)
    steps = np.arange(1, n + 1, dtype=float)
    if contour == "front":
        return steps[::-1].copy()
    if contour == "back":
        return steps
    if contour == "bell":
        return np.minimum(steps, steps[::-1])
    return np.ones(n)


def spread(total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``weights`` (evenly when they are all zero)."""
    if weights.size == 0:
        return np.zeros(0)
    s = weights.sum()
    if s <= 0:
        return np.full(weights.size, total / weights.size)
    return total * weights / s
