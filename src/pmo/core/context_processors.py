"""Template context every page needs: the navigation and the installation's currency."""

from django.conf import settings
from django.urls import reverse

from .navigation import menu_entries


def navigation(request):
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items = [(entry.label, reverse(entry.url_name)) for entry in menu_entries()]
        items.append(("API", reverse("swagger-ui")))
        if user.is_staff:
            items.append(("Admin", reverse("admin:index")))
    path = request.path if request is not None else ""
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path.startswith(url)} for label, url in items
        ],
        "currency": settings.PMO_CURRENCY,
    }
