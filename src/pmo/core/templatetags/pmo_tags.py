"""Small template helpers used across apps: sortable headers, badges, form fields."""

from django import template
from django.utils.html import format_html

register = template.Library()

HEALTH_CLASSES = {"green": "rag-green", "amber": "rag-amber", "red": "rag-red"}


@register.inclusion_tag("core/partials/sort_header.html", takes_context=True)
def sort_header(context, field: str, label: str, target: str = "#results"):
    """A column header that toggles ordering by ``field`` and swaps only the table."""
    current = context.get("ordering", "")
    if current == field:
        next_order, arrow = f"-{field}", "▲"
    elif current == f"-{field}":
        next_order, arrow = field, "▼"
    else:
        next_order, arrow = field, ""
    base = context.get("query_without_ordering", "")
    query = f"{base}&ordering={next_order}" if base else f"ordering={next_order}"
    return {"query": query, "label": label, "arrow": arrow, "target": target}


@register.simple_tag
def health_badge(value: str, label: str | None = None):
    css = HEALTH_CLASSES.get(value, "rag-none")
    return format_html('<span class="badge {}">{}</span>', css, label or value.title())


@register.simple_tag
def status_badge(value: str, label: str):
    return format_html('<span class="badge status status-{}">{}</span>', value, label)


@register.inclusion_tag("core/partials/field.html")
def field(bound_field):
    return {"field": bound_field}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("core/partials/object_tabs.html", takes_context=True)
def object_tabs(context, level: str, obj, current: str):
    """The tabs registered for ``level`` pages (see ``pmo.core.navigation``)."""
    from django.urls import reverse

    from pmo.core.navigation import tabs_for

    return {
        "tabs": [
            {
                "label": e.label,
                "url": reverse(e.url_name, args=[obj.pk]),
                "current": e.key == current,
            }
            for e in tabs_for(level)
            if e.visible is None or e.visible(context["request"].user, obj)
        ]
    }
