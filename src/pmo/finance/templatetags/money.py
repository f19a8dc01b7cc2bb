"""Money and index formatting for templates: one currency per installation."""

from django import template

from pmo.finance import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("cents", formatting.cents)
register.filter("index", formatting.index)
register.filter("percent", formatting.percent)
register.filter("isodate", formatting.isodate)


@register.filter
def index_class(value, limits: str = "0.95,0.9"):
    """``rag-green|amber|red`` for an index against "amber,red" limits."""
    if value is None or value == "":
        return "rag-none"
    amber, red = (float(x) for x in limits.split(","))
    return "rag-red" if value < red else "rag-amber" if value < amber else "rag-green"
