"""Writes to the pool, assignments, bookings, leveling and timesheets.

Every ``do_*`` checks the actor's right first, validates with messages that name the
row and field at fault, and runs in one transaction: it completes or changes nothing.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can, require
from pmo.schedules import services as plan_services
from pmo.schedules.choices import ConstraintType
from pmo.schedules.models import ProjectSchedule, Task

from . import selectors
from .choices import BookingKind, LevelingStatus, ResourceKind, TimesheetStatus
from .models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    JobRole,
    LevelingRun,
    OrgUnit,
    Resource,
    ResourceSkill,
    Skill,
    Timesheet,
    TimesheetEntry,
)
from .workload import Window, week_start

CENT = Decimal("0.01")
RESOURCE_FIELDS = {
    "kind",
    "name",
    "user",
    "role",
    "org_unit",
    "manager",
    "calendar",
    "units",
    "availability_pct",
    "material_unit",
    "is_active",
}


def _require_pool(actor) -> None:
    if not selectors.can_manage_pool(actor):
        raise PermissionDenied("Only PMO admins may change the resource pool.")


def _require_resource(actor, resource: Resource) -> None:
    if not selectors.can_manage_resource(actor, resource):
        raise PermissionDenied(
            f"You may not change {resource}: only PMO admins and their manager may."
        )


# --- the pool -----------------------------------------------------------------------


@transaction.atomic
def do_save_resource(actor, resource: Resource | None = None, **fields) -> Resource:
    _require_pool(actor)
    unknown = set(fields) - RESOURCE_FIELDS
    if unknown:
        raise TypeError(f"Unknown resource field(s): {sorted(unknown)}")
    resource = resource or Resource()
    for name, value in fields.items():
        setattr(resource, name, value)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def do_create_skill(actor, *, name: str, category: str = "") -> Skill:
    _require_pool(actor)
    skill = Skill(name=name.strip(), category=category.strip())
    skill.full_clean()
    skill.save()
    return skill


@transaction.atomic
def do_create_role(actor, *, name: str, description: str = "") -> JobRole:
    _require_pool(actor)
    role = JobRole(name=name.strip(), description=description)
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def do_create_org_unit(actor, *, name: str, parent=None, manager=None) -> OrgUnit:
    _require_pool(actor)
    unit = OrgUnit(name=name.strip(), parent=parent, manager=manager)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def do_set_skill(actor, resource: Resource, skill: Skill, level: int) -> ResourceSkill:
    _require_resource(actor, resource)
    held, _ = ResourceSkill.objects.get_or_create(
        resource=resource, skill=skill, defaults={"level": level}
    )
    held.level = level
    held.full_clean()
    held.save()
    return held


@transaction.atomic
def do_remove_skill(actor, held: ResourceSkill) -> None:
    _require_resource(actor, held.resource)
    held.delete()


@transaction.atomic
def do_add_capacity_change(actor, resource: Resource, **fields) -> CapacityChange:
    _require_resource(actor, resource)
    change = CapacityChange(resource=resource, **fields)
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def do_delete_capacity_change(actor, change: CapacityChange) -> None:
    _require_resource(actor, change.resource)
    change.delete()


@transaction.atomic
def do_add_rate(
    actor, resource: Resource, *, effective_from: dt.date, standard, overtime=None
) -> CostRate:
    _require_pool(actor)
    standard = Decimal(standard)
    rate = CostRate(
        resource=resource,
        effective_from=effective_from,
        standard=standard,
        overtime=Decimal(overtime) if overtime is not None else standard,
    )
    if CostRate.objects.filter(resource=resource, effective_from=effective_from).exists():
        raise ValidationError(
            {
                "effective_from": f"{resource} already has a rate from "
                f"{effective_from:%d %b %Y}; choose another date."
            }
        )
    rate.full_clean()
    rate.save()
    return rate


# --- assignments and bookings -------------------------------------------------------


def _check_assignable(task: Task, resource: Resource) -> None:
    if task.is_summary:
        raise ValidationError(
            {"task": f"'{task.name}' is a summary task; assign the tasks inside it."}
        )
    if not resource.is_active:
        raise ValidationError({"resource": f"{resource} is no longer active."})


@transaction.atomic
def do_assign(
    actor,
    *,
    task: Task,
    resource: Resource,
    units_pct: int = 100,
    work_minutes: int | None = None,
    contour: str = "flat",
) -> Assignment:
    require(actor, Action.CHANGE, task.project)
    _check_assignable(task, resource)
    if Assignment.objects.filter(task=task, resource=resource).exists():
        raise ValidationError({"resource": f"{resource} is already assigned to '{task.name}'."})
    assignment = Assignment(
        task=task,
        resource=resource,
        units_pct=units_pct,
        work_minutes=(
            work_minutes
            if work_minutes is not None
            else round(units_pct * task.duration_minutes / 100)
        ),
        contour=contour,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def do_update_assignment(actor, assignment: Assignment, **fields) -> Assignment:
    require(actor, Action.CHANGE, assignment.task.project)
    unknown = set(fields) - {"units_pct", "work_minutes", "contour"}
    if unknown:
        raise TypeError(f"Unknown assignment field(s): {sorted(unknown)}")
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def do_unassign(actor, assignment: Assignment) -> None:
    require(actor, Action.CHANGE, assignment.task.project)
    if assignment.timesheet_entries.exists():
        raise ValidationError(
            {
                "assignment": f"{assignment.resource} has reported time on "
                f"'{assignment.task.name}': the assignment stays so the actuals keep "
                "their task. Set its remaining work to zero instead."
            }
        )
    assignment.delete()


@transaction.atomic
def do_book(
    actor,
    *,
    project,
    resource: Resource,
    month: dt.date,
    hours,
    kind: str = BookingKind.SOFT,
    note: str = "",
) -> Booking | None:
    """Reserve ``hours`` of a person or role for ``project`` in ``month`` (0 removes it)."""
    require(actor, Action.CHANGE, project)
    if resource.kind not in (ResourceKind.PERSON, ResourceKind.ROLE):
        raise ValidationError({"resource": "Only people and generic roles are booked."})
    month = month.replace(day=1)
    hours = Decimal(str(hours))
    booking = Booking.objects.filter(project=project, resource=resource, month=month).first()
    if hours == 0:
        if booking:
            booking.delete()
        return None
    booking = booking or Booking(project=project, resource=resource, month=month)
    booking.hours, booking.kind, booking.note = hours, kind, note
    booking.full_clean()
    booking.save()
    return booking


@transaction.atomic
def do_save_bookings(actor, *, project, rows: list[dict]) -> int:
    """Save a grid of bookings at once: each row is ``resource``, ``kind`` and ``hours``
    by month (first day of month -> hours; 0 removes). All or nothing.
    """
    require(actor, Action.CHANGE, project)
    saved = 0
    for number, row in enumerate(rows, start=1):
        for month, hours in row["hours"].items():
            try:
                do_book(
                    actor,
                    project=project,
                    resource=row["resource"],
                    month=month,
                    hours=hours,
                    kind=row.get("kind", BookingKind.SOFT),
                )
            except ValidationError as error:
                raise ValidationError(
                    f"Row {number} ({row['resource']}), {month:%b %Y}: {' '.join(error.messages)}"
                ) from error
            saved += 1
    return saved


@transaction.atomic
def do_replace_role(actor, *, project, role_resource: Resource, person: Resource) -> dict:
    """Hand every assignment and booking of a generic role on ``project`` to ``person``.

    Where the person already works on the same task, the role's work is added to theirs.
    """
    require(actor, Action.CHANGE, project)
    if role_resource.kind != ResourceKind.ROLE:
        raise ValidationError({"role": f"{role_resource} is not a generic role."})
    if person.kind != ResourceKind.PERSON:
        raise ValidationError({"person": f"{person} is not a person."})
    if not person.is_active:
        raise ValidationError({"person": f"{person} is no longer active."})
    moved = merged = 0
    for assignment in Assignment.objects.filter(task__project=project, resource=role_resource):
        existing = Assignment.objects.filter(task=assignment.task, resource=person).first()
        if existing is not None:
            existing.work_minutes += assignment.work_minutes
            existing.units_pct = min(1000, existing.units_pct + assignment.units_pct)
            existing.save(update_fields=["work_minutes", "units_pct", "updated_at"])
            assignment.delete()
            merged += 1
        else:
            assignment.resource = person
            assignment.save(update_fields=["resource", "updated_at"])
            moved += 1
    bookings = 0
    for booking in Booking.objects.filter(project=project, resource=role_resource):
        existing = Booking.objects.filter(
            project=project, resource=person, month=booking.month
        ).first()
        if existing is not None:
            existing.hours += booking.hours
            if booking.kind == BookingKind.HARD:
                existing.kind = BookingKind.HARD
            existing.save(update_fields=["hours", "kind", "updated_at"])
            booking.delete()
        else:
            booking.resource = person
            booking.save(update_fields=["resource", "updated_at"])
        bookings += 1
    if not (moved or merged or bookings):
        raise ValidationError(
            {"role": f"{role_resource} has no assignment or booking on {project.code}."}
        )
    return {"assignments": moved + merged, "merged": merged, "bookings": bookings}


# --- leveling -----------------------------------------------------------------------


def _scope_projects(run: LevelingRun):
    if run.project_id:
        return [run.project]
    return list(run.program.projects.order_by("code"))


@transaction.atomic
def do_start_leveling(actor, *, project=None, program=None, mode: str = "finish") -> LevelingRun:
    """Create a leveling run and compute its preview in the background."""
    from pmo.jobs.services import do_start_job

    from .tasks import compute_leveling

    scope = project or program
    if scope is None or (project is not None and program is not None):
        raise ValidationError("Level either one project or one program.")
    require(actor, Action.CHANGE, scope)
    if mode not in ("finish", "slack"):
        raise ValidationError({"mode": f"Unknown leveling mode {mode!r}: use finish or slack."})
    run = LevelingRun.objects.create(project=project, program=program, mode=mode, created_by=actor)
    run.job = do_start_job(
        actor,
        compute_leveling,
        label=f"Level resources of {scope}",
        kwargs={"run_id": run.pk, "user_id": actor.pk},
    )
    run.save(update_fields=["job"])
    return run


def _delay(result, problem) -> int:
    return int((result.start - problem.baseline).clip(min=0).sum())


def compute_preview(run: LevelingRun, progress=lambda percent, message="": None) -> LevelingRun:
    """Run the engine for ``run`` and store its preview (called by the background task)."""
    from pmo.engine.rcpsp import LevelingError, level

    from . import adapters

    progress(5, "Loading the plans and everyone's other work")
    problem = None
    try:
        problem = adapters.load_problem(_scope_projects(run))
        n = problem.instance.n_activities
        progress(30, f"Leveling {n} tasks on {len(problem.resources)} resources")
        result = level(
            problem.instance,
            mode=run.mode,
            schedules=2000 if n < 2000 else 500,
            time_limit=20.0,
            seed=0,
            baseline=problem.baseline,
        )
        if run.mode == "finish":
            # Among equally short schedules, people want the one that changes least:
            # a priority-rule pass keeps plan order and project priority.
            progress(70, "Comparing with a priority-rule schedule that moves less")
            ruled = level(
                problem.instance,
                mode="finish",
                method="rule",
                rule="LST",
                baseline=problem.baseline,
            )
            if (ruled.makespan, _delay(ruled, problem)) <= (
                result.makespan,
                _delay(result, problem),
            ):
                result = ruled
    except (LevelingError, ValueError) as error:
        message = str(error)
        if problem is not None and isinstance(error, LevelingError):
            message = adapters.describe_error(problem, error)
        run.status, run.error = LevelingStatus.FAILED, message
        run.save(update_fields=["status", "error"])
        raise ValueError(message) from error
    progress(90, "Explaining what moved and why")
    run.preview = adapters.preview(problem, result)
    run.status = LevelingStatus.READY
    run.save(update_fields=["preview", "status"])
    return run


def _check_current(run: LevelingRun) -> list:
    projects = _scope_projects(run)
    versions = dict(
        ProjectSchedule.objects.filter(project__in=projects).values_list("project_id", "version")
    )
    for project in projects:
        expected = run.preview.get("versions", {}).get(str(project.pk))
        if expected is not None and versions.get(project.pk) != expected:
            raise ValidationError(
                f"The plan of {project.code} changed since this preview was computed; "
                "run leveling again."
            )
    return projects


@transaction.atomic
def do_apply_leveling(actor, run: LevelingRun) -> int:
    """Delay the resource-bound tasks with Start-no-earlier-than constraints and
    re-schedule; the previous constraints are kept so the run can be undone.
    """
    run = LevelingRun.objects.select_for_update().get(pk=run.pk)
    require(actor, Action.CHANGE, run.scope)
    if run.status != LevelingStatus.READY:
        raise ValidationError(
            f"This leveling is {run.get_status_display().lower()}: nothing to apply."
        )
    projects = _check_current(run)
    for project in projects:
        require(actor, Action.CHANGE, project)
    moves = [m for m in run.preview["moves"] if m["resource_delay"] > 0 and m["shift_days"] > 0]
    tasks = Task.objects.in_bulk([m["task_id"] for m in moves])
    undo = []
    for move in moves:
        task = tasks.get(move["task_id"])
        if task is None:
            raise ValidationError(f"Task '{move['task']}' was deleted since the preview.")
        undo.append(
            {
                "task_id": task.pk,
                "constraint_type": task.constraint_type,
                "constraint_date": task.constraint_date.isoformat()
                if task.constraint_date
                else None,
                "leveled_date": move["new_start"],
            }
        )
        task.constraint_type = ConstraintType.SNET
        task.constraint_date = dt.datetime.fromisoformat(move["new_start"])
    Task.objects.bulk_update(list(tasks.values()), ["constraint_type", "constraint_date"])
    for project in projects:
        plan_services.reschedule(project)
    run.undo = undo
    run.status = LevelingStatus.APPLIED
    run.applied_at = timezone.now()
    run.save(update_fields=["undo", "status", "applied_at"])
    return len(undo)


@transaction.atomic
def do_undo_leveling(actor, run: LevelingRun) -> dict:
    """Restore the constraints the tasks had before the run, and re-schedule.

    A task whose constraint was changed by hand since is left as it is now, and named.
    """
    run = LevelingRun.objects.select_for_update().get(pk=run.pk)
    require(actor, Action.CHANGE, run.scope)
    if run.status != LevelingStatus.APPLIED:
        raise ValidationError("Only an applied leveling can be undone.")
    projects = _scope_projects(run)
    for project in projects:
        require(actor, Action.CHANGE, project)
    tasks = Task.objects.in_bulk([row["task_id"] for row in run.undo])
    restored, kept = [], []
    for row in run.undo:
        task = tasks.get(row["task_id"])
        if task is None:
            continue
        leveled = dt.datetime.fromisoformat(row["leveled_date"])
        if task.constraint_type != ConstraintType.SNET or task.constraint_date != leveled:
            kept.append(task.name)
            continue
        task.constraint_type = row["constraint_type"]
        task.constraint_date = (
            dt.datetime.fromisoformat(row["constraint_date"]) if row["constraint_date"] else None
        )
        restored.append(task)
    Task.objects.bulk_update(restored, ["constraint_type", "constraint_date"])
    for project in projects:
        plan_services.reschedule(project)
    run.status = LevelingStatus.UNDONE
    run.undone_at = timezone.now()
    run.save(update_fields=["status", "undone_at"])
    return {"restored": len(restored), "kept": kept}


@transaction.atomic
def do_discard_leveling(actor, run: LevelingRun) -> None:
    require(actor, Action.CHANGE, run.scope)
    if run.status not in (LevelingStatus.READY, LevelingStatus.FAILED, LevelingStatus.QUEUED):
        raise ValidationError("An applied leveling is undone, not discarded.")
    run.status = LevelingStatus.DISCARDED
    run.save(update_fields=["status"])


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
