"""Calendar months as the reporting periods of budgets, actuals and EVM snapshots."""

import calendar
import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from the month of ``first`` to that of ``last``."""
    out, cursor, stop = [], month_start(first), month_start(last)
    while cursor <= stop:
        out.append(cursor)
        cursor = next_month(cursor)
    return out


def month_ends_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The month ends ``e`` with ``first <= e <= last``: monthly snapshot dates."""
    return [month_end(m) for m in month_starts(first, last) if first <= month_end(m) <= last]


def fraction_of_month(day: dt.date) -> float:
    """How much of ``day``'s month has passed at the end of ``day`` (1.0 on its last day)."""
    return day.day / calendar.monthrange(day.year, day.month)[1]


def parse_day(value: str | None, default: dt.date) -> dt.date:
    """An ISO date from a query string or a command line, or ``default`` when absent or
    malformed (a stale bookmark still opens the page).
    """
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
