"""RAG badges and cells for status reports and dashboards."""

from django import template
from django.utils.html import format_html

from pmo.reporting.choices import Rag

register = template.Library()

CLASSES = {Rag.GREEN: "rag-green", Rag.AMBER: "rag-amber", Rag.RED: "rag-red"}


@register.simple_tag
def rag_badge(value, title: str = ""):
    value = value or Rag.NONE
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        CLASSES.get(value, "rag-none"),
        title,
        Rag(value).label,
    )


@register.filter
def rag_of(ratings: dict, dimension: str):
    """The (rag, measure, overridden) triple of ``dimension``, or "not rated"."""
    return ratings.get(dimension) or (Rag.NONE, "Not rated", False)


@register.filter
def rag_class(value) -> str:
    return CLASSES.get(value or Rag.NONE, "rag-none")


@register.filter
def rating_for(report, dimension: str):
    """The report's rating of ``dimension`` (from its prefetched ratings)."""
    return report.rating(dimension)
