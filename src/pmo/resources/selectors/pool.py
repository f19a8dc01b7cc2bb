"""The pool itself, who may change it, and a project's team, bookings and leveling runs."""

import datetime as dt

from django.db.models import Q, QuerySet

from pmo.core.permissions import can_create_portfolio
from pmo.portfolios.selectors import visible_projects

from ..choices import (
    ResourceKind,
)
from ..models import (
    Assignment,
    Booking,
    CostRate,
    LevelingRun,
    Resource,
)
from ..workload import (
    period_bounds,
)

# --- the pool -----------------------------------------------------------------------


def pool() -> QuerySet[Resource]:
    """Every resource; the pool is the organisation's, visible to anyone signed in."""
    return Resource.objects.select_related("role", "org_unit", "user", "manager", "calendar")


def can_manage_pool(user) -> bool:
    """PMO admins keep the pool (people, rates, skills)."""
    return can_create_portfolio(user)


def can_manage_resource(user, resource: Resource) -> bool:
    """The pool's keepers, and a person's manager for their people's capacity and skills."""
    return can_manage_pool(user) or (user.is_authenticated and user.pk in resource.approver_ids)


def resource_of(user) -> Resource | None:
    if not user.is_authenticated:
        return None
    return Resource.objects.filter(user=user, kind=ResourceKind.PERSON).first()


def rate_on(rates: list[CostRate], day: dt.date) -> CostRate | None:
    """The rate in force on ``day`` among one resource's rates sorted by date."""
    current = None
    for rate in rates:
        if rate.effective_from <= day:
            current = rate
        else:
            break
    return current


# --- project team ---------------------------------------------------------------------


def assignments_of_project(project) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(task__project=project)
        .select_related("task", "resource", "resource__role")
        .order_by("task__sort_key", "resource__name")
    )


def bookings_of_project(project) -> QuerySet[Booking]:
    return Booking.objects.filter(project=project).select_related("resource", "resource__role")


def booking_grid(project, first: dt.date, months: int = 6) -> dict:
    """The project's bookings as rows of people and roles by month."""
    starts = [b for b, _ in period_bounds(first, months, "month")]
    rows: dict[int, dict] = {}
    for booking in bookings_of_project(project).filter(month__gte=starts[0], month__lte=starts[-1]):
        row = rows.setdefault(
            booking.resource_id,
            {"resource": booking.resource, "kind": booking.kind, "hours": {}},
        )
        row["hours"][booking.month] = booking.hours
        if booking.kind == "hard":
            row["kind"] = "hard"
    ordered = sorted(rows.values(), key=lambda row: row["resource"].name)
    for row in ordered:
        row["cells"] = [(month, row["hours"].get(month)) for month in starts]
        row["total"] = sum(row["hours"].values())
    return {"months": starts, "rows": ordered}


def leveling_runs(user, *, project=None, program=None) -> QuerySet[LevelingRun]:
    runs = LevelingRun.objects.select_related("project", "program", "created_by", "job")
    if project is not None:
        return runs.filter(project=project)
    if program is not None:
        return runs.filter(program=program)
    return runs.filter(
        Q(project__in=visible_projects(user)) | Q(program__projects__in=visible_projects(user))
    ).distinct()
