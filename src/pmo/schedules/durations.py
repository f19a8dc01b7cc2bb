"""Durations as people type and read them ("5d", "2w 3d", "4h", "90m") <-> working minutes."""

import re

UNIT_PATTERN = re.compile(r"(\d+(?:[.,]\d+)?)\s*(w|d|h|m|wk|wks|day|days|hr|hrs|min|mins)?", re.I)


def parse_duration(
    text: str, hours_per_day: int = 8, days_per_week: int = 5, bare: str = "d"
) -> int:
    """Working minutes in ``text``; a bare number is in the unit ``bare`` (days).

    >>> parse_duration("2w 3d")
    6240
    >>> parse_duration("1.5h")
    90
    >>> parse_duration("80", bare="h")
    4800
    """
    cleaned = (text or "").strip().lower()
    if not cleaned:
        raise ValueError("Enter a duration such as 5d, 3h or 2w.")
    total = 0.0
    position = 0
    for match in UNIT_PATTERN.finditer(cleaned):
        if cleaned[position : match.start()].strip():
            break
        number = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or bare)[0]
        minutes_per = {
            "w": hours_per_day * 60 * days_per_week,
            "d": hours_per_day * 60,
            "h": 60,
            "m": 1,
        }[unit]
        total += number * minutes_per
        position = match.end()
    if position == 0 or cleaned[position:].strip():
        raise ValueError(f"{text!r} is not a duration; use e.g. 5d, 3h, 2w or 90m.")
    return round(total)


def format_duration(minutes: int | None, hours_per_day: int = 8) -> str:
    """``2400`` -> ``"5d"``; ``720`` -> ``"1.5d"``; ``90`` -> ``"1.5h"``; ``45`` -> ``"45m"``."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    per_day = hours_per_day * 60
    if minutes == 0:
        return "0d"
    if minutes >= per_day:
        return (
            f"{sign}{minutes / per_day:g}d"
            if minutes % (per_day // 8 or 1) == 0
            else (f"{sign}{minutes / per_day:.2f}d")
        )
    if minutes >= 60:
        return f"{sign}{minutes / 60:g}h"
    return f"{sign}{minutes}m"
