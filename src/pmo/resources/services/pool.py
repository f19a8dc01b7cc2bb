"""Writes to the pool, assignments and bookings."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, require
from pmo.schedules.models import Task

from .. import selectors
from ..choices import BookingKind, ResourceKind
from ..models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    JobRole,
    OrgUnit,
    Resource,
    ResourceSkill,
    Skill,
)

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
    if resource.kind == ResourceKind.MATERIAL:
        raise ValidationError(
            {
                "resource": f"{resource} is material: it is consumed, not scheduled by the "
                "hour. Record it as a cost of the task instead."
            }
        )


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
