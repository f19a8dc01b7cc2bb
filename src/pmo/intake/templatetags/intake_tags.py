"""Formatting of intake figures: money, percentages, years."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def money(value, places: int = 0):
    """Grouped money with ``places`` decimals; an em dash for none."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)))
    return intcomma(f"{amount:.{int(places)}f}")


@register.filter
def percent(value, places: int = 1):
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(places)}f} %"


@register.filter
def years(value):
    if value is None:
        return "never"
    return f"{float(value):.1f} years"


@register.filter
def state_label(value):
    from ..choices import ProposalState

    return ProposalState(value).label if value in ProposalState.values else value


@register.filter
def get_index(sequence, index):
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return None


@register.filter
def start_label(month, labels):
    """The month label of a start offset into the horizon."""
    if month is None:
        return "—"
    try:
        return labels[int(month)]
    except (IndexError, TypeError, ValueError):
        return f"month {month}"
