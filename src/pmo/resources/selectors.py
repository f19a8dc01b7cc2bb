"""Reads of the pool: capacity, demand, the heatmap and its drill-down, people search,
timesheets, labour actuals and metrics.

Capacity and demand always count all of a person's work, in every portfolio; what a
user may not see is summed into "other work" rather than left out.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from pmo.core.permissions import can_create_portfolio
from pmo.engine.calendars import Calendar as EngineCalendar
from pmo.portfolios.selectors import visible_projects
from pmo.schedules.models import Calendar

from .choices import (
    TIMED_KINDS,
    CapacityReason,
    Grouping,
    ResourceKind,
    TimesheetStatus,
)
from .models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    LevelingRun,
    Resource,
    ResourceSkill,
    Timesheet,
    TimesheetEntry,
)
from .workload import (
    Window,
    availability_pct,
    calendar_minutes,
    contour_weights,
    period_bounds,
    spread,
    week_start,
)

__all__ = [
    "assignments_of_project",
    "capacity_minutes",
    "cell_detail",
    "demand",
    "find_people",
    "heatmap",
    "labour_actuals",
    "metrics",
    "pool",
    "rate_on",
    "timesheet_grid",
    "timesheets_to_approve",
]


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


# --- calendars and capacity -----------------------------------------------------------


def engine_calendars(calendar_ids: set, years: range) -> dict:
    """Engine calendars by stored id (``None``: the organisation's standard calendar)."""
    from pmo.schedules.adapters import engine_calendar
    from pmo.schedules.services import STANDARD_CALENDAR

    out = {}
    stored = {c.pk: c for c in Calendar.objects.filter(pk__in=calendar_ids - {None})}
    if None in calendar_ids:
        standard = Calendar.objects.filter(name=STANDARD_CALENDAR, portfolio=None).first()
        out[None] = engine_calendar(standard, years) if standard else EngineCalendar.standard()
    for pk, calendar in stored.items():
        out[pk] = engine_calendar(calendar, years)
    return out


def _years(window: Window) -> range:
    return range(window.first.year, window.last.year + 1)


class Workloads:
    """Per-day capacity and calendar minutes of a set of resources over a window."""

    def __init__(self, resources: list[Resource], window: Window):
        self.window = window
        self.resources = {r.pk: r for r in resources}
        calendars = engine_calendars({r.calendar_id for r in resources}, _years(window))
        self.calendars = calendars
        self._cal_minutes = {k: calendar_minutes(c, window) for k, c in calendars.items()}
        changes = defaultdict(list)
        for change in CapacityChange.objects.filter(resource__in=list(self.resources)).filter(
            Q(end__isnull=True) | Q(end__gte=window.first), start__lte=window.last
        ):
            changes[change.resource_id].append(
                (change.start, change.end, change.percent, change.reason == CapacityReason.LEAVE)
            )
        self.capacity = {}
        for r in resources:
            if r.kind not in TIMED_KINDS or r.kind == ResourceKind.ROLE:
                # Generic roles are demand waiting for a person; material is consumed.
                self.capacity[r.pk] = np.zeros(window.days)
                continue
            pct = availability_pct(r.availability_pct, changes[r.pk], window)
            self.capacity[r.pk] = self._cal_minutes[r.calendar_id] * r.units * pct / 100.0

    def calendar_minutes(self, resource_id: int) -> np.ndarray:
        return self._cal_minutes[self.resources[resource_id].calendar_id]


def capacity_minutes(resources: list[Resource], window: Window) -> dict[int, np.ndarray]:
    return Workloads(resources, window).capacity


# --- demand ---------------------------------------------------------------------------


@dataclass
class DemandRow:
    resource_id: int
    project_id: int
    minutes: np.ndarray
    task_id: int | None = None
    task_name: str = ""
    assignment_id: int | None = None
    booking_kind: str = ""


def _local_date(value: dt.datetime, zone) -> dt.date:
    return value.astimezone(zone).date()


def assignment_work(a: Assignment) -> int:
    """Planned work of an assignment: its own, or units x the task's duration."""
    return a.work_minutes or round(a.units_pct * a.task.duration_minutes / 100)


def demand(
    resources: list[Resource], window: Window, *, soft: bool = True, loads: Workloads = None
) -> list[DemandRow]:
    """Minutes per day of every assignment and booking of ``resources`` in ``window``.

    Assignment work is spread over the working days of the task on the resource's
    calendar, shaped by the contour; a booking's hours over the working days of its
    month, and only where the project has no task work for that resource that month
    (bookings plan before tasks exist).
    """
    import zoneinfo

    ids = [r.pk for r in resources]
    first_dt = dt.datetime.combine(window.first, dt.time.min, tzinfo=dt.UTC)
    last_dt = dt.datetime.combine(window.last, dt.time.max, tzinfo=dt.UTC)
    assignments = list(
        Assignment.objects.filter(
            resource_id__in=ids,
            task__is_summary=False,
            task__start__lte=last_dt + dt.timedelta(days=1),
            task__finish__gte=first_dt - dt.timedelta(days=1),
        ).select_related("task")
    )
    loads = loads or Workloads(resources, window)
    # One wide calendar table covers every task span, so spans outside the window
    # still spread their work correctly.
    spans = [(a.task.start, a.task.finish) for a in assignments]
    lo = min([s.date() for s, _ in spans] + [window.first]) - dt.timedelta(days=1)
    hi = max([f.date() for _, f in spans] + [window.last]) + dt.timedelta(days=1)
    wide = Window(lo, (hi - lo).days + 1)
    wide_minutes = {k: calendar_minutes(c, wide) for k, c in loads.calendars.items()}
    rows = []
    with_tasks = set()
    for a in assignments:
        resource = loads.resources[a.resource_id]
        cal = loads.calendars[resource.calendar_id]
        zone = zoneinfo.ZoneInfo(cal.timezone)
        sd, fd = _local_date(a.task.start, zone), _local_date(a.task.finish, zone)
        if fd < sd:
            continue
        a0, a1 = wide.index(sd), wide.index(fd) + 1
        weights = wide_minutes[resource.calendar_id][a0:a1].astype(float)
        weights = weights * contour_weights(a.contour, a1 - a0) if a.contour != "flat" else weights
        per_day = spread(assignment_work(a), weights)
        offset = wide.index(window.first)
        minutes = np.zeros(window.days)
        lo_i, hi_i = max(a0, offset), min(a1, offset + window.days)
        if lo_i < hi_i:
            minutes[lo_i - offset : hi_i - offset] = per_day[lo_i - a0 : hi_i - a0]
        if minutes.any():
            rows.append(
                DemandRow(
                    a.resource_id,
                    a.task.project_id,
                    minutes,
                    a.task_id,
                    a.task.name,
                    a.pk,
                )
            )
            for month in {d.replace(day=1) for d in (sd, fd)}:
                with_tasks.add((a.resource_id, a.task.project_id, month))
    bookings = Booking.objects.filter(
        resource_id__in=ids,
        month__gte=window.first.replace(day=1),
        month__lte=window.last,
    )
    if not soft:
        bookings = bookings.filter(kind="hard")
    for b in bookings:
        if (b.resource_id, b.project_id, b.month) in with_tasks:
            continue
        month_end = (b.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        month_window = Window(b.month, (month_end - b.month).days)
        resource = loads.resources[b.resource_id]
        weights = calendar_minutes(loads.calendars[resource.calendar_id], month_window)
        per_day = spread(float(b.hours) * 60, weights.astype(float))
        minutes = np.zeros(window.days)
        span = window.clip(b.month, month_window.last)
        if span:
            offset = window.index(b.month)
            minutes[span[0] : span[1]] = per_day[span[0] - offset : span[1] - offset]
            rows.append(DemandRow(b.resource_id, b.project_id, minutes, booking_kind=b.kind))
    return rows


# --- heatmap --------------------------------------------------------------------------


@dataclass
class HeatRow:
    key: str
    label: str
    sublabel: str = ""
    kind: str = ""
    capacity: list[float] = field(default_factory=list)
    demand: list[float] = field(default_factory=list)
    bounds: list[tuple] = field(default_factory=list)
    ref: int = 0
    over_days: list[int] = field(default_factory=list)

    @property
    def cells(self) -> list[dict]:
        out = []
        for (first, last), cap, dem, days in zip(
            self.bounds, self.capacity, self.demand, self.over_days, strict=True
        ):
            pct = round(100 * dem / cap) if cap > 0 else (None if dem <= 0 else 999)
            unstaffed = self.kind == ResourceKind.ROLE
            out.append(
                {
                    "capacity": round(cap, 1),
                    "demand": round(dem, 1),
                    "free": round(cap - dem, 1),
                    "pct": pct,
                    # A week can balance on paper and still ask for two tasks at
                    # once on Monday: any over-allocated day makes the cell red.
                    "over": (not unstaffed) and (dem > cap + 0.05 or days > 0),
                    "over_days": 0 if unstaffed else days,
                    "unstaffed": unstaffed and dem > 0,
                    "level": _level(pct),
                    "start": first,
                    "end": last,
                }
            )
        return out

    @property
    def over_periods(self) -> int:
        return sum(1 for c in self.cells if c["over"])


def _level(pct: int | None) -> int:
    """Shade 0-4 for a utilisation, so the eye finds the busy weeks."""
    if pct is None or pct == 0:
        return 0
    return 1 if pct < 50 else 2 if pct < 80 else 3 if pct <= 100 else 4


def _over_days(demand_minutes: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """1 on the days when work exceeds the time available (a minute's slack for rounding)."""
    return (demand_minutes > capacity + 1.0).astype(np.int64)


def _selected_resources(*, portfolio=None, unit=None, role=None, q: str = "") -> list[Resource]:
    resources = pool().filter(is_active=True, kind__in=TIMED_KINDS)
    if portfolio is not None:
        resources = resources.filter(
            Q(assignments__task__project__portfolio=portfolio)
            | Q(bookings__project__portfolio=portfolio)
        ).distinct()
    if unit is not None:
        resources = resources.filter(org_unit=unit)
    if role is not None:
        resources = resources.filter(role=role)
    if q:
        resources = resources.filter(name__icontains=q)
    return list(resources)


def heatmap(
    *,
    group: str = Grouping.RESOURCE,
    granularity: str = "week",
    start: dt.date,
    periods: int = 12,
    portfolio=None,
    unit=None,
    role=None,
    q: str = "",
    soft: bool = True,
) -> dict:
    """Capacity and demand in hours by row (resource, role, skill or unit) and period."""
    bounds = period_bounds(start, periods, granularity)
    window = Window(bounds[0][0], (bounds[-1][1] - bounds[0][0]).days + 1)
    resources = _selected_resources(portfolio=portfolio, unit=unit, role=role, q=q)
    loads = Workloads(resources, window)
    per_resource = {r.pk: np.zeros(window.days) for r in resources}
    for row in demand(resources, window, soft=soft, loads=loads):
        per_resource[row.resource_id] += row.minutes
    edges = [window.index(a) for a, _ in bounds] + [window.days]
    over = {
        r.pk: [
            int(x)
            for x in np.add.reduceat(
                _over_days(per_resource[r.pk], loads.capacity[r.pk]), edges[:-1]
            )
        ]
        for r in resources
    }

    def by_period(minutes: np.ndarray) -> list[float]:
        sums = np.add.reduceat(minutes, edges[:-1]) if minutes.size else np.zeros(len(bounds))
        return [float(x) / 60 for x in sums]

    rows: dict[str, HeatRow] = {}

    def add(key, label, sublabel, kind, resource_id):
        row = rows.get(key)
        if row is None:
            ref = int(key.rsplit("-", 1)[1])
            row = rows[key] = HeatRow(key, label, sublabel, kind, bounds=bounds, ref=ref)
            row.capacity = [0.0] * len(bounds)
            row.demand = [0.0] * len(bounds)
            row.over_days = [0] * len(bounds)
        cap, dem = by_period(loads.capacity[resource_id]), by_period(per_resource[resource_id])
        row.over_days = [a + b for a, b in zip(row.over_days, over[resource_id], strict=True)]
        row.capacity = [x + y for x, y in zip(row.capacity, cap, strict=True)]
        row.demand = [x + y for x, y in zip(row.demand, dem, strict=True)]

    skills = defaultdict(list)
    if group == Grouping.SKILL:
        for rs in ResourceSkill.objects.filter(resource__in=resources).select_related("skill"):
            skills[rs.resource_id].append(rs.skill)
    for r in resources:
        if group == Grouping.RESOURCE:
            if r.kind == ResourceKind.ROLE and not per_resource[r.pk].any():
                continue
            sub = r.role.name if r.role else r.get_kind_display()
            if r.kind == ResourceKind.ROLE:
                sub = "Generic role · not yet staffed"
            add(f"resource-{r.pk}", r.name, sub, r.kind, r.pk)
        elif group == Grouping.ROLE:
            if r.role is None:
                continue
            add(f"role-{r.role_id}", r.role.name, "", "", r.pk)
        elif group == Grouping.SKILL:
            for skill in skills[r.pk]:
                add(f"skill-{skill.pk}", skill.name, skill.category, "", r.pk)
        elif group == Grouping.UNIT:
            if r.org_unit is None:
                add("unit-0", "No org unit", "", "", r.pk)
            else:
                add(f"unit-{r.org_unit_id}", r.org_unit.name, "", "", r.pk)
        else:
            raise ValueError(f"Unknown grouping {group!r}: use resource, role, skill or unit.")
    ordered = sorted(rows.values(), key=lambda row: row.label.lower())
    return {
        "group": group,
        "granularity": granularity,
        "periods": [
            {
                "start": a,
                "end": b,
                "label": f"{a:%d %b}" if granularity == "week" else f"{a:%b %Y}",
            }
            for a, b in bounds
        ],
        "rows": ordered,
        "over_cells": sum(row.over_periods for row in ordered),
        "over_rows": sum(1 for row in ordered if row.over_periods),
    }


def _members_of(group: str, key: int) -> list[Resource]:
    resources = pool().filter(kind__in=TIMED_KINDS)
    if group == Grouping.RESOURCE:
        return list(resources.filter(pk=key))
    if group == Grouping.ROLE:
        return list(resources.filter(role_id=key))
    if group == Grouping.SKILL:
        return list(resources.filter(skills__skill_id=key).distinct())
    if group == Grouping.UNIT:
        return list(resources.filter(org_unit_id=key or None))
    raise ValueError(f"Unknown grouping {group!r}: use resource, role, skill or unit.")


def cell_detail(user, *, group: str, key: int, start: dt.date, end: dt.date, soft=True) -> dict:
    """What makes up one heatmap cell: hours per resource, project and task.

    Work on projects the user may not see is summed per resource as "other work".
    """
    from pmo.portfolios.models import Project

    resources = _members_of(group, key)
    window = Window(start, (end - start).days + 1)
    loads = Workloads(resources, window)
    rows = demand(resources, window, soft=soft, loads=loads)
    visible = set(
        visible_projects(user)
        .filter(pk__in={r.project_id for r in rows})
        .values_list("pk", flat=True)
    )
    projects = Project.objects.in_bulk(visible)
    names = {r.pk: r.name for r in resources}
    lines, hidden = [], defaultdict(float)
    for row in rows:
        hours = float(row.minutes.sum()) / 60
        if hours < 0.05:
            continue
        if row.project_id not in visible:
            hidden[row.resource_id] += hours
            continue
        project = projects[row.project_id]
        lines.append(
            {
                "resource": names[row.resource_id],
                "resource_id": row.resource_id,
                "project": project,
                "task_id": row.task_id,
                "task": row.task_name or f"{row.booking_kind.title()} booking",
                "assignment_id": row.assignment_id,
                "hours": round(hours, 1),
            }
        )
    lines.sort(key=lambda line: (-line["hours"], line["resource"]))
    per_resource = defaultdict(lambda: np.zeros(window.days))
    for row in rows:
        per_resource[row.resource_id] += row.minutes
    over_dates = sorted(
        {
            window.first + dt.timedelta(days=int(i))
            for r in resources
            if r.kind != ResourceKind.ROLE
            for i in np.flatnonzero(_over_days(per_resource[r.pk], loads.capacity[r.pk]))
        }
    )
    capacity = sum(float(loads.capacity[r.pk].sum()) for r in resources) / 60
    total = sum(line["hours"] for line in lines) + sum(hidden.values())
    return {
        "start": start,
        "end": end,
        "lines": lines,
        "hidden": [
            {"resource": names[rid], "hours": round(h, 1)} for rid, h in sorted(hidden.items())
        ],
        "capacity": round(capacity, 1),
        "demand": round(total, 1),
        "over_dates": over_dates,
    }


# --- find a person ----------------------------------------------------------------------


def find_people(
    *, skill=None, min_level: int = 1, start: dt.date, end: dt.date, hours: float = 0, role=None
) -> list[dict]:
    """People with ``skill`` at ``min_level`` or better, most free hours first."""
    people = pool().filter(kind=ResourceKind.PERSON, is_active=True)
    if skill is not None:
        people = people.filter(skills__skill=skill, skills__level__gte=min_level)
    if role is not None:
        people = people.filter(role=role)
    people = list(people.distinct())
    if not people:
        return []
    window = Window(start, (end - start).days + 1)
    loads = Workloads(people, window)
    booked = defaultdict(float)
    for row in demand(people, window, loads=loads):
        booked[row.resource_id] += float(row.minutes.sum()) / 60
    levels = {}
    if skill is not None:
        levels = dict(
            ResourceSkill.objects.filter(resource__in=people, skill=skill).values_list(
                "resource_id", "level"
            )
        )
    out = []
    for person in people:
        capacity = float(loads.capacity[person.pk].sum()) / 60
        free = capacity - booked[person.pk]
        if free + 1e-9 < hours:
            continue
        out.append(
            {
                "resource": person,
                "level": levels.get(person.pk),
                "capacity": round(capacity, 1),
                "booked": round(booked[person.pk], 1),
                "free": round(free, 1),
                "pct": round(100 * booked[person.pk] / capacity) if capacity else None,
            }
        )
    out.sort(key=lambda row: (-row["free"], -(row["level"] or 0), row["resource"].name))
    return out


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


# --- timesheets -----------------------------------------------------------------------


def timesheet_grid(resource: Resource, monday: dt.date) -> dict:
    """The week's rows: the person's assignments running that week (prefilled), plus
    any row already holding hours, with minutes per day.
    """
    sunday = monday + dt.timedelta(days=6)
    sheet = Timesheet.objects.filter(resource=resource, week_start=monday).first()
    entries = (
        list(
            TimesheetEntry.objects.filter(timesheet=sheet).values_list(
                "assignment_id", "day", "minutes"
            )
        )
        if sheet
        else []
    )
    active = Assignment.objects.filter(
        resource=resource,
        task__is_summary=False,
        task__start__date__lte=sunday,
        task__finish__date__gte=monday,
    ).exclude(task__percent_complete=100)
    ids = set(active.values_list("pk", flat=True)) | {a for a, _, _ in entries}
    assignments = (
        Assignment.objects.filter(pk__in=ids)
        .select_related("task", "task__project")
        .order_by("task__project__code", "task__sort_key")
    )
    minutes = {(a, d): m for a, d, m in entries}
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    rows = []
    for a in assignments:
        values = [minutes.get((a.pk, d), 0) for d in days]
        rows.append(
            {
                "assignment": a,
                "minutes": values,
                "cells": list(zip(days, values, strict=True)),
                "total": sum(values),
            }
        )
    totals = [sum(row["minutes"][i] for row in rows) for i in range(7)]
    others = (
        Assignment.objects.filter(resource=resource, task__is_summary=False)
        .exclude(pk__in=ids)
        .exclude(task__percent_complete=100)
        .select_related("task__project")
        .order_by("task__project__code", "task__sort_key")
    )
    return {
        "others": others,
        "sheet": sheet,
        "monday": monday,
        "days": days,
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
        "editable": sheet is None
        or sheet.status in (TimesheetStatus.DRAFT, TimesheetStatus.REJECTED),
    }


def entry_grids(sheets: list[Timesheet]) -> list[tuple[Timesheet, dict]]:
    """Each sheet with its rows of hours (only rows holding hours), in two queries."""
    by_sheet: dict[int, dict[int, list]] = defaultdict(dict)
    assignments = {}
    for entry in (
        TimesheetEntry.objects.filter(timesheet__in=sheets)
        .select_related("assignment__task__project")
        .order_by("assignment__task__project__code", "assignment__task__sort_key")
    ):
        assignments[entry.assignment_id] = entry.assignment
        values = by_sheet[entry.timesheet_id].setdefault(entry.assignment_id, [0] * 7)
        values[entry.day.weekday()] += entry.minutes
    out = []
    for sheet in sheets:
        days = [sheet.week_start + dt.timedelta(days=i) for i in range(7)]
        rows = [
            {
                "assignment": assignments[a],
                "minutes": values,
                "cells": list(zip(days, values, strict=True)),
                "total": sum(values),
            }
            for a, values in by_sheet[sheet.pk].items()
        ]
        totals = [sum(row["minutes"][i] for row in rows) for i in range(7)]
        out.append((sheet, {"days": days, "rows": rows, "totals": totals, "total": sum(totals)}))
    return out


def timesheets_to_approve(user) -> QuerySet[Timesheet]:
    sheets = Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED).select_related(
        "resource", "resource__org_unit"
    )
    if can_manage_pool(user):
        return sheets.exclude(resource__user=user)
    return sheets.filter(Q(resource__manager=user) | Q(resource__org_unit__manager=user)).exclude(
        resource__user=user
    )


def visible_timesheets(user) -> QuerySet[Timesheet]:
    sheets = Timesheet.objects.select_related("resource")
    if can_manage_pool(user):
        return sheets
    return sheets.filter(
        Q(resource__user=user) | Q(resource__manager=user) | Q(resource__org_unit__manager=user)
    )


# --- actuals for finance --------------------------------------------------------------


def labour_actuals(project_ids, until: dt.date | None = None) -> list[tuple]:
    """Approved labour by project, task and month:
    ``(project_id, task_id, month (first day), minutes, cost Decimal)``.

    Only approved timesheets count; ``until`` keeps days up to and including it.
    """
    entries = TimesheetEntry.objects.filter(
        timesheet__status=TimesheetStatus.APPROVED,
        assignment__task__project_id__in=list(project_ids),
    )
    if until is not None:
        entries = entries.filter(day__lte=until)
    rows = (
        entries.annotate(
            project_id=F("assignment__task__project_id"),
            task_id=F("assignment__task_id"),
            month=TruncMonth("day"),
        )
        .values("project_id", "task_id", "month")
        .annotate(total_minutes=Sum("minutes"), total_cost=Sum("cost"))
        .order_by("project_id", "task_id", "month")
    )
    return [
        (
            row["project_id"],
            row["task_id"],
            row["month"],
            int(row["total_minutes"] or 0),
            Decimal(row["total_cost"] or 0).quantize(Decimal("0.01")),
        )
        for row in rows
    ]


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
