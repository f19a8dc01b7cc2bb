"""Reads of people and their roles."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import Membership


def members_of(scope) -> QuerySet[Membership]:
    """Memberships held directly on a portfolio, program or project."""
    return (
        Membership.objects.filter(**{scope.scope_level: scope})
        .select_related("user")
        .order_by("role", "user__last_name")
    )


def people() -> QuerySet:
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")
