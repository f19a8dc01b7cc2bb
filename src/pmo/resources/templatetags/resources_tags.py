"""Template filters of the resource pages."""

from django import template

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours people type: ``450`` -> ``"7.5"``, ``0`` -> ``""``."""
    if not minutes:
        return ""
    value = round(minutes / 60, 2)
    return f"{value:g}"
