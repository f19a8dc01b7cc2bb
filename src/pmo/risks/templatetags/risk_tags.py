"""Template helpers of the risk pages."""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def isodate(value):
    """An ISO 8601 string from stored results as an aware datetime in the current zone,
    so templates format it with ``|date`` like any other date.
    """
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.date() if len(value) == 10 else parsed
    return timezone.localtime(parsed)


@register.filter
def percent(value) -> str:
    """A share 0 - 1 as a whole percentage ("83 %")."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)} %"
