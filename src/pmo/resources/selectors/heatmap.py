"""The capacity heatmap, its drill-down, and the search for a free person with a skill."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q

from pmo.portfolios.selectors import visible_projects

from ..choices import (
    TIMED_KINDS,
    Grouping,
    ResourceKind,
)
from ..models import (
    Resource,
    ResourceSkill,
)
from ..workload import (
    Window,
    period_bounds,
)
from .capacity import Workloads, demand
from .pool import pool

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
                    # A person's week can balance on paper and still ask for two
                    # tasks at once on Monday: any over-allocated day makes their cell
                    # red. A team's cell is red when the team as a whole is short;
                    # its people's over-allocated days are counted beside it.
                    "over": (not unstaffed)
                    and (dem > cap + 0.05 or (days > 0 and self.kind != "group")),
                    "over_days": 0 if unstaffed else days,
                    "unstaffed": unstaffed and dem > 0,
                    # Work booked on days off (leave, holidays): no percentage to show.
                    "no_capacity": cap <= 0 < dem and not unstaffed,
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


def _selected_resources(
    *, portfolio=None, program=None, unit=None, role=None, q: str = ""
) -> list[Resource]:
    resources = pool().filter(is_active=True, kind__in=TIMED_KINDS)
    # People with assigned or booked work in the portfolio, or in the program.
    for scope, value in (("portfolio", portfolio), ("program", program)):
        if value is not None:
            resources = resources.filter(
                Q(**{f"assignments__task__project__{scope}": value})
                | Q(**{f"bookings__project__{scope}": value})
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
    program=None,
    unit=None,
    role=None,
    q: str = "",
    soft: bool = True,
) -> dict:
    """Capacity and demand in hours by row (resource, role, skill or unit) and period.

    ``portfolio`` and ``program`` pick the people with work there; every row still
    counts all of their work, wherever it is.
    """
    bounds = period_bounds(start, periods, granularity)
    window = Window(bounds[0][0], (bounds[-1][1] - bounds[0][0]).days + 1)
    resources = _selected_resources(portfolio=portfolio, program=program, unit=unit, role=role, q=q)
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
            add(f"role-{r.role_id}", r.role.name, "", "group", r.pk)
        elif group == Grouping.SKILL:
            for skill in skills[r.pk]:
                add(f"skill-{skill.pk}", skill.name, skill.category, "group", r.pk)
        elif group == Grouping.UNIT:
            if r.org_unit is None:
                add("unit-0", "No org unit", "", "group", r.pk)
            else:
                add(f"unit-{r.org_unit_id}", r.org_unit.name, "", "group", r.pk)
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


def staffing_suggestions(project, *, per_role: int = 3) -> list[dict]:
    """For each generic role still on the project: the work it holds, when, and the
    people of that role with the most free time then.
    """
    from ..models import Assignment

    rows = []
    open_work = (
        Assignment.objects.filter(task__project=project, resource__kind=ResourceKind.ROLE)
        .exclude(task__percent_complete=100)
        .select_related("resource__role", "task")
    )
    by_role: dict[int, list] = defaultdict(list)
    for assignment in open_work:
        by_role[assignment.resource_id].append(assignment)
    for assignments in by_role.values():
        role_resource = assignments[0].resource
        start = min(a.task.start for a in assignments if a.task.start).date()
        end = max(a.task.finish for a in assignments if a.task.finish).date()
        hours = sum(a.work_minutes for a in assignments) / 60
        candidates = find_people(role=role_resource.role, start=start, end=end)[:per_role]
        rows.append(
            {
                "role_resource": role_resource,
                "tasks": len(assignments),
                "hours": round(hours, 1),
                "start": start,
                "end": end,
                "candidates": candidates,
            }
        )
    return sorted(rows, key=lambda row: row["start"])
