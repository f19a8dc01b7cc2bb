"""Template context every page needs: the navigation and the installation's currency."""

from django.conf import settings
from django.urls import reverse


def navigation(request):
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items = [
            ("Portfolios", reverse("portfolios:portfolio-list")),
            ("Programs", reverse("portfolios:program-list")),
            ("Projects", reverse("portfolios:project-list")),
            ("Jobs", reverse("jobs:job-list")),
            ("API", reverse("swagger-ui")),
        ]
        if user.is_staff:
            items.append(("Admin", reverse("admin:index")))
    path = request.path if request is not None else ""
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path.startswith(url)} for label, url in items
        ],
        "currency": settings.PMO_CURRENCY,
    }
