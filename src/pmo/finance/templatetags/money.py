"""Money and index formatting for templates: one currency per installation."""

from decimal import Decimal

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def money(value, places: int = 0):
    """``Decimal`` (or number) of the installation's currency: ``EUR 1,234``."""
    if value is None or value == "":
        return "–"
    amount = Decimal(str(value))
    sign = "−" if amount < 0 else ""
    return f"{sign}{settings.PMO_CURRENCY} {abs(amount):,.{int(places)}f}"


@register.filter
def cents(value, places: int = 0):
    """Integer cents (the engine's money) shown as money."""
    if value is None or value == "":
        return "–"
    return money(Decimal(round(float(value))) / 100, places)


@register.filter
def index(value):
    """SPI, CPI, TCPI: two decimals, a dash when undefined."""
    return "–" if value is None or value == "" else f"{float(value):.2f}"


@register.filter
def percent(value, places: int = 0):
    return "–" if value is None or value == "" else f"{100 * float(value):.{int(places)}f}%"


@register.filter
def index_class(value, limits: str = "0.95,0.9"):
    """``rag-green|amber|red`` for an index against "amber,red" limits."""
    if value is None or value == "":
        return "rag-none"
    amber, red = (float(x) for x in limits.split(","))
    return "rag-red" if value < red else "rag-amber" if value < amber else "rag-green"


@register.filter
def isodate(value):
    """A date kept as ISO text in stored figures, back as a date for ``|date``."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
