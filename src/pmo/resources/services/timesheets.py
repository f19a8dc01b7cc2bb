"""Timesheets: save, copy, submit, approve (pricing and progress) and reject."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can
from pmo.schedules import services as plan_services

from .. import selectors
from ..choices import TimesheetStatus
from ..models import (
    Assignment,
    Resource,
    Timesheet,
    TimesheetEntry,
)
from ..workload import Window, week_start

CENT = Decimal("0.01")


# --- timesheets ---------------------------------------------------------------------


def _own_sheet(actor, resource: Resource) -> None:
    if resource.user_id != actor.pk:
        raise PermissionDenied(f"Only {resource} fills in their own timesheet.")


def _monday(day: dt.date) -> dt.date:
    if day.weekday() != 0:
        raise ValidationError({"week_start": f"{day:%d %b %Y} is not a Monday."})
    return day


@transaction.atomic
def do_save_timesheet(actor, *, resource: Resource, week: dt.date, rows: dict) -> Timesheet:
    """Replace the week's hours: ``rows`` maps assignment id to 7 values in minutes.

    A rejected sheet goes back to draft when it is edited.
    """
    _own_sheet(actor, resource)
    monday = _monday(week)
    sheet, _ = Timesheet.objects.get_or_create(resource=resource, week_start=monday)
    if sheet.status not in (TimesheetStatus.DRAFT, TimesheetStatus.REJECTED):
        raise ValidationError(
            f"The week of {monday:%d %b %Y} is {sheet.get_status_display().lower()}; "
            "it can no longer be changed."
        )
    assignments = Assignment.objects.select_related("task").in_bulk([int(k) for k in rows])
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    daily = [0] * 7
    entries = []
    for assignment_id, values in rows.items():
        assignment = assignments.get(int(assignment_id))
        if assignment is None or assignment.resource_id != resource.pk:
            raise ValidationError(
                {"rows": f"Row {assignment_id} is not one of {resource}'s assignments."}
            )
        if len(values) != 7:
            raise ValidationError(
                {"rows": f"'{assignment.task.name}': give 7 values, Monday to Sunday."}
            )
        for i, minutes in enumerate(values):
            minutes = int(minutes or 0)
            if minutes < 0:
                raise ValidationError(
                    {
                        "rows": f"'{assignment.task.name}', {days[i]:%a %d %b}: hours cannot "
                        "be negative."
                    }
                )
            daily[i] += minutes
            if minutes:
                entries.append(
                    TimesheetEntry(
                        timesheet=sheet, assignment=assignment, day=days[i], minutes=minutes
                    )
                )
    for i, total in enumerate(daily):
        if total > 24 * 60:
            raise ValidationError(
                {"rows": f"{days[i]:%a %d %b}: {total / 60:g} hours is more than a day holds."}
            )
    sheet.entries.all().delete()
    TimesheetEntry.objects.bulk_create(entries)
    if sheet.status == TimesheetStatus.REJECTED:
        sheet.status = TimesheetStatus.DRAFT
    sheet.save()
    return sheet


@transaction.atomic
def do_copy_last_week(actor, *, resource: Resource, week: dt.date) -> Timesheet:
    """Start this week with last week's rows and hours (only still-open assignments)."""
    _own_sheet(actor, resource)
    monday = _monday(week)
    previous = Timesheet.objects.filter(
        resource=resource, week_start=monday - dt.timedelta(days=7)
    ).first()
    if previous is None or not previous.entries.exists():
        raise ValidationError("Last week has no hours to copy.")
    rows: dict[int, list[int]] = {}
    current = selectors.timesheet_grid(resource, monday)
    for row in current["rows"]:
        rows[row["assignment"].pk] = list(row["minutes"])
    for entry in previous.entries.select_related("assignment__task"):
        if entry.assignment.task.percent_complete == 100:
            continue
        values = rows.setdefault(entry.assignment_id, [0] * 7)
        values[entry.day.weekday()] = entry.minutes
    return do_save_timesheet(actor, resource=resource, week=monday, rows=rows)


@transaction.atomic
def do_submit_timesheet(actor, sheet: Timesheet) -> Timesheet:
    _own_sheet(actor, sheet.resource)
    if sheet.status not in (TimesheetStatus.DRAFT, TimesheetStatus.REJECTED):
        raise ValidationError(f"This timesheet is already {sheet.get_status_display().lower()}.")
    if not sheet.entries.exists():
        raise ValidationError("Enter some hours before submitting the week.")
    sheet.status = TimesheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.comment = ""
    sheet.save()
    return sheet


def _require_approver(actor, sheet: Timesheet) -> None:
    resource = sheet.resource
    if resource.user_id == actor.pk:
        raise PermissionDenied("Nobody approves their own timesheet.")
    if not (selectors.can_manage_pool(actor) or actor.pk in resource.approver_ids):
        raise PermissionDenied(
            f"Only {resource}'s manager or a PMO admin may approve this timesheet."
        )
    if sheet.status != TimesheetStatus.SUBMITTED:
        raise ValidationError(
            f"This timesheet is {sheet.get_status_display().lower()}, not submitted."
        )


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cost_entries(resource: Resource, entries: list[TimesheetEntry]) -> None:
    """Price each entry: hours up to the person's working day at the standard rate, the
    rest at the overtime rate (rows in a stable order, first rows first).
    """
    if not entries:
        return
    first = min(e.day for e in entries)
    window = Window(first, (max(e.day for e in entries) - first).days + 1)
    loads = selectors.Workloads([resource], window)
    capacity = loads.capacity[resource.pk]
    rates = list(resource.rates.order_by("effective_from"))
    used: dict[dt.date, int] = {}
    for entry in sorted(entries, key=lambda e: (e.day, e.assignment_id)):
        rate = selectors.rate_on(rates, entry.day)
        if rate is None:
            raise ValidationError(
                {
                    "rate": f"{resource} has no cost rate in force on {entry.day:%d %b %Y}: "
                    "add one before approving."
                }
            )
        day_capacity = round(float(capacity[window.index(entry.day)]))
        before = used.get(entry.day, 0)
        standard = max(0, min(entry.minutes, day_capacity - before))
        overtime = entry.minutes - standard
        used[entry.day] = before + entry.minutes
        entry.cost = _money(
            (Decimal(standard) * rate.standard + Decimal(overtime) * rate.overtime) / 60
        )


def _progress_actor(actor, sheet: Timesheet, project):
    if can(actor, Action.CONTRIBUTE, project):
        return actor
    owner = sheet.resource.user
    if owner is not None and can(owner, Action.CONTRIBUTE, project):
        return owner
    raise PermissionDenied(
        f"Approving this week updates the progress of {project.code}, but neither you nor "
        f"{sheet.resource} may update that project."
    )


@transaction.atomic
def do_approve_timesheet(actor, sheet: Timesheet, comment: str = "") -> Timesheet:
    """Approve the week: price it, add it to the assignments' actuals and move the
    tasks' progress on (work done over planned work, never backwards, never to 100 %:
    finishing a task is its owner's call, not the hours').
    """
    sheet = Timesheet.objects.select_for_update().select_related("resource").get(pk=sheet.pk)
    _require_approver(actor, sheet)
    entries = list(sheet.entries.select_related("assignment", "assignment__task"))
    cost_entries(sheet.resource, entries)
    TimesheetEntry.objects.bulk_update(entries, ["cost"])
    by_assignment: dict[int, list[TimesheetEntry]] = {}
    for entry in entries:
        by_assignment.setdefault(entry.assignment_id, []).append(entry)
    tasks = {}
    for rows in by_assignment.values():
        assignment = rows[0].assignment
        assignment.actual_minutes += sum(e.minutes for e in rows)
        assignment.actual_cost += sum((e.cost for e in rows), Decimal(0))
        assignment.save(update_fields=["actual_minutes", "actual_cost", "updated_at"])
        tasks[assignment.task_id] = assignment.task
    for task in tasks.values():
        totals = Assignment.objects.filter(task=task).aggregate(
            done=Sum("actual_minutes"), planned=Sum("work_minutes")
        )
        planned = totals["planned"] or 0
        if not planned:
            continue
        percent = min(99, int(100 * (totals["done"] or 0) / planned))
        if percent <= task.percent_complete:
            continue
        try:
            plan_services.do_report_progress(
                _progress_actor(actor, sheet, task.project), task, percent_complete=percent
            )
        except ValidationError as error:
            raise ValidationError(
                f"Progress of '{task.name}' ({task.project.code}) cannot be updated: "
                f"{' '.join(error.messages)}"
            ) from error
    sheet.status = TimesheetStatus.APPROVED
    sheet.decided_by = actor
    sheet.decided_at = timezone.now()
    sheet.comment = comment
    sheet.save()
    return sheet


@transaction.atomic
def do_approve_timesheets(actor, sheets, comment: str = "") -> list[Timesheet]:
    """Approve several weeks at once, all or none: if one of them cannot be approved,
    the error names that week and nothing is approved."""
    sheets = list(sheets)
    if not sheets:
        raise ValidationError("Select at least one week to approve.")
    approved = []
    for sheet in sorted(sheets, key=lambda s: s.pk):  # a fixed order of row locks
        try:
            approved.append(do_approve_timesheet(actor, sheet, comment))
        except ValidationError as error:
            raise ValidationError(f"{_week_name(sheet)}: {' '.join(error.messages)}") from error
        except PermissionDenied as error:
            raise PermissionDenied(f"{_week_name(sheet)}: {error}") from error
    return approved


def _week_name(sheet: Timesheet) -> str:
    return f"{sheet.resource} · week of {sheet.week_start:%d %b %Y}"


@transaction.atomic
def do_reject_timesheet(actor, sheet: Timesheet, comment: str) -> Timesheet:
    _require_approver(actor, sheet)
    if not comment.strip():
        raise ValidationError({"comment": "Say what needs fixing when you reject a week."})
    sheet.status = TimesheetStatus.REJECTED
    sheet.decided_by = actor
    sheet.decided_at = timezone.now()
    sheet.comment = comment.strip()
    sheet.save()
    return sheet


def this_week() -> dt.date:
    return week_start(timezone.localdate())
