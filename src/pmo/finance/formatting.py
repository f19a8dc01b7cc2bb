"""Money and indices as people read them, in pages, documents and e-mails alike."""

import datetime as dt
from decimal import Decimal

from django.conf import settings


def money(value, places: int = 0) -> str:
    """``Decimal`` (or number) of the installation's currency: ``EUR 1,234``."""
    if value is None or value == "":
        return "–"
    amount = Decimal(str(value))
    sign = "−" if amount < 0 else ""
    return f"{sign}{settings.PMO_CURRENCY} {abs(amount):,.{int(places)}f}"


def cents(value, places: int = 0) -> str:
    """Integer cents (the engine's money) shown as money."""
    if value is None or value == "":
        return "–"
    return money(Decimal(round(float(value))) / 100, places)


def index(value) -> str:
    """SPI, CPI, TCPI: two decimals, a dash when undefined."""
    return "–" if value is None or value == "" else f"{float(value):.2f}"


def percent(value, places: int = 0) -> str:
    return "–" if value is None or value == "" else f"{100 * float(value):.{int(places)}f}%"


def isodate(value) -> dt.date | None:
    """A date kept as ISO text in stored figures, back as a date."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
