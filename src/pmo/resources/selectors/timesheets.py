"""Timesheet grids and approvals, and the approved labour actuals finance reads."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from ..choices import (
    TimesheetStatus,
)
from ..models import (
    Assignment,
    Resource,
    Timesheet,
    TimesheetEntry,
)
from ..workload import Window
from .capacity import demand
from .pool import can_manage_pool

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


def planned_in_week(sheets: list[Timesheet]) -> dict[tuple[int, int], int]:
    """``(sheet, assignment) -> minutes`` the plan puts in that sheet's week, spread
    over the task's working days by the assignment's contour, as the heatmap does."""
    if not sheets:
        return {}
    first = min(s.week_start for s in sheets)
    window = Window(first, (max(s.week_start for s in sheets) - first).days + 7)
    resources = list({s.resource_id: s.resource for s in sheets}.values())
    by_person = defaultdict(list)  # resource -> [(assignment, minutes per day)]
    for row in demand(resources, window, soft=False):
        if row.assignment_id is not None:
            by_person[row.resource_id].append((row.assignment_id, row.minutes))
    out = {}
    for sheet in sheets:
        i = window.index(sheet.week_start)
        for assignment_id, minutes in by_person[sheet.resource_id]:
            out[(sheet.pk, assignment_id)] = round(float(minutes[i : i + 7].sum()))
    return out


def waiting_for(user, ids) -> tuple[list[Timesheet], list[int]]:
    """The timesheets among ``ids`` that wait for ``user``'s approval, and the ids that
    do not (unknown, not submitted, or someone else's to approve), sorted."""
    ids = set(ids)
    sheets = list(timesheets_to_approve(user).filter(pk__in=ids))
    return sheets, sorted(ids - {s.pk for s in sheets})


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
