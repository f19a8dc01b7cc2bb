"""Validation of the working-hours notation stored on calendars ("08:00-12:00")."""

from django.core.exceptions import ValidationError

from pmo.engine.calendars import parse_hours
from pmo.engine.errors import InvalidCalendar

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_intervals(hours) -> tuple[tuple[int, int], ...]:
    try:
        return parse_hours(list(hours))
    except InvalidCalendar as error:
        raise ValueError(str(error)) from error


def parse_week(week) -> tuple[tuple[tuple[int, int], ...], ...]:
    if not isinstance(week, list | tuple) or len(week) != 7:
        raise ValidationError("Give the working hours of 7 days, Monday to Sunday.")
    parsed = []
    for name, day in zip(DAY_NAMES, week, strict=True):
        if not isinstance(day, list | tuple):
            raise ValidationError(f'{name}: give a list of intervals like "08:00-12:00".')
        try:
            parsed.append(parse_intervals(day))
        except ValueError as error:
            raise ValidationError(f"{name}: {error}") from error
    if not any(parsed):
        raise ValidationError("A calendar needs at least one working day.")
    return tuple(parsed)
