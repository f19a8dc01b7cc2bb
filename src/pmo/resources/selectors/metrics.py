"""Utilisation per person and team, velocity and burn rate."""

import datetime as dt
from collections import defaultdict

import numpy as np

from ..choices import (
    ResourceKind,
    TimesheetStatus,
)
from ..models import (
    Resource,
    TimesheetEntry,
)
from ..workload import (
    Window,
    period_bounds,
    week_start,
)
from .capacity import Workloads, demand
from .pool import pool

# --- metrics --------------------------------------------------------------------------


def metrics(
    *,
    start: dt.date,
    periods: int,
    granularity: str = "week",
    resources: list[Resource] | None = None,
    project_ids=None,
) -> dict:
    """Utilisation (planned and actual) per resource and per team, velocity (approved
    hours of work per period) and burn rate (approved cost per period, and cumulative).
    """
    bounds = period_bounds(start, periods, granularity)
    window = Window(bounds[0][0], (bounds[-1][1] - bounds[0][0]).days + 1)
    if resources is None:
        resources = list(pool().filter(is_active=True, kind=ResourceKind.PERSON))
    loads = Workloads(resources, window)
    planned = {r.pk: np.zeros(window.days) for r in resources}
    for row in demand(resources, window, loads=loads):
        planned[row.resource_id] += row.minutes
    entries = TimesheetEntry.objects.filter(
        day__gte=window.first,
        day__lte=window.last,
        timesheet__status__in=[TimesheetStatus.APPROVED, TimesheetStatus.SUBMITTED],
    )
    if project_ids is not None:
        entries = entries.filter(assignment__task__project_id__in=list(project_ids))
    actual = defaultdict(lambda: np.zeros(window.days))
    cost = np.zeros(window.days)
    approved = np.zeros(window.days)
    for resource_id, day, minutes, entry_cost, status in entries.values_list(
        "timesheet__resource_id", "day", "minutes", "cost", "timesheet__status"
    ):
        i = window.index(day)
        actual[resource_id][i] += minutes
        if status == TimesheetStatus.APPROVED:
            approved[i] += minutes
            cost[i] += float(entry_cost or 0)
    edges = [window.index(a) for a, _ in bounds]

    def periodise(values: np.ndarray) -> list[float]:
        return [float(x) for x in np.add.reduceat(values, edges)]

    def pct(part: float, whole: float) -> float | None:
        return round(100 * part / whole, 1) if whole > 0 else None

    per_resource = []
    teams = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in resources:
        cap = float(loads.capacity[r.pk].sum()) / 60
        plan = float(planned[r.pk].sum()) / 60
        act = float(actual[r.pk].sum()) / 60 if r.pk in actual else 0.0
        per_resource.append(
            {
                "id": r.pk,
                "name": r.name,
                "capacity": round(cap, 1),
                "planned": round(plan, 1),
                "actual": round(act, 1),
                "planned_pct": pct(plan, cap),
                "actual_pct": pct(act, cap),
            }
        )
        team = teams[r.org_unit.name if r.org_unit else "No org unit"]
        team[0] += cap
        team[1] += plan
        team[2] += act
    burn = [round(x, 2) for x in periodise(cost)]
    return {
        "periods": [f"{a:%d %b}" if granularity == "week" else f"{a:%b %Y}" for a, _ in bounds],
        "resources": sorted(per_resource, key=lambda x: -(x["planned_pct"] or 0)),
        "teams": [
            {
                "name": name,
                "capacity": round(c, 1),
                "planned": round(p, 1),
                "actual": round(a, 1),
                "planned_pct": pct(p, c),
                "actual_pct": pct(a, c),
            }
            for name, (c, p, a) in sorted(teams.items())
        ],
        "velocity": [round(x / 60, 1) for x in periodise(approved)],
        "has_actuals": bool(approved.any()),
        "burn": burn,
        "burn_cumulative": [round(x, 2) for x in np.cumsum(burn)],
    }


def current_week() -> dt.date:
    from django.utils import timezone

    return week_start(timezone.localdate())


def resource_weeks(resource: Resource, *, start: dt.date, periods: int) -> dict:
    """One person's weeks: hours available, planned and reported, for a chart."""
    bounds = period_bounds(start, periods, "week")
    window = Window(bounds[0][0], (bounds[-1][1] - bounds[0][0]).days + 1)
    loads = Workloads([resource], window)
    planned = np.zeros(window.days)
    for row in demand([resource], window, loads=loads):
        planned += row.minutes
    actual = np.zeros(window.days)
    for day, minutes in TimesheetEntry.objects.filter(
        timesheet__resource=resource,
        timesheet__status__in=[TimesheetStatus.APPROVED, TimesheetStatus.SUBMITTED],
        day__gte=window.first,
        day__lte=window.last,
    ).values_list("day", "minutes"):
        actual[window.index(day)] += minutes
    edges = [window.index(a) for a, _ in bounds]

    def hours(values):
        return [round(float(x) / 60, 1) for x in np.add.reduceat(values, edges)]

    return {
        "labels": [f"{a:%d %b}" for a, _ in bounds],
        "capacity": hours(loads.capacity[resource.pk]),
        "planned": hours(planned),
        "actual": hours(actual),
    }
