"""Writes to plans. Every change re-schedules the project in the same transaction:
it completes with consistent dates everywhere, or changes nothing.
"""

import datetime as dt
import time
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.engine.errors import CyclicDependency, EngineError

from . import adapters
from .choices import DATED_CONSTRAINTS, MAX_BASELINES, ConstraintType
from .models import Baseline, BaselineTask, Calendar, Dependency, ProjectSchedule, Task

STANDARD_CALENDAR = "Standard (Mon-Fri 08:00-17:00)"

TASK_FIELDS = {
    "name",
    "notes",
    "parent",
    "position",
    "is_milestone",
    "duration_minutes",
    "work_minutes",
    "cost",
    "calendar",
    "constraint_type",
    "constraint_date",
    "deadline",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "remaining_minutes",
    "board_status",
    "assignee",
}
LINK_FIELDS = {"type", "lag", "lag_unit"}


class ScheduleError(ValidationError):
    """A change the plan cannot take (a cycle, a bad link). Carries the task ids at fault."""

    def __init__(self, message, task_ids=(), field=None, cycle=False):
        super().__init__({field: [message]} if field else message)
        self.detail_message = message
        self.task_ids = tuple(int(i) for i in task_ids)
        self.cycle = self.task_ids if cycle else ()


@dataclass
class Rescheduled:
    """What one re-schedule did: the tasks whose computed values changed, per project."""

    project_id: int
    changed_ids: list[int] = field(default_factory=list)
    changed_tasks: list[dict] = field(default_factory=list)
    finish: dt.datetime | None = None
    took_ms: float = 0.0
    cascaded: list["Rescheduled"] = field(default_factory=list)


def standard_calendar() -> Calendar:
    calendar = Calendar.objects.filter(name=STANDARD_CALENDAR, portfolio=None).first()
    if calendar is None:
        calendar = Calendar.objects.create(name=STANDARD_CALENDAR)
    return calendar


def ensure_schedule(project) -> ProjectSchedule:
    """The project's schedule settings, created on first use from its planned start."""
    existing = ProjectSchedule.objects.filter(project=project).first()
    if existing is not None:
        return existing
    calendar = standard_calendar()
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    day = project.planned_start or timezone.localdate()
    start = dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone)
    return ProjectSchedule.objects.create(project=project, calendar=calendar, start=start)


def _cycle_message(cycle_ids, names: dict[int, str]) -> str:
    path = " → ".join(names.get(i, f"task {i}") for i in (*cycle_ids, cycle_ids[0]))
    return f"These dependencies form a cycle, so none of these tasks could ever start: {path}."


def reschedule(project, *, _seen: set[int] | None = None) -> Rescheduled:
    """Re-compute the project's plan and write what changed; cascade to projects that
    depend on it through cross-project links. Call inside a transaction.
    """
    began = time.perf_counter()
    # Work on the locked row: a concurrent re-schedule of this project waits for ours.
    settings = (
        ProjectSchedule.objects.select_for_update()
        .select_related("calendar")
        .get(pk=ensure_schedule(project).pk)
    )
    plan = adapters.load_plan(settings)
    outcome = Rescheduled(project_id=project.pk)
    if not any(not row.get("external") for row in plan.rows):
        settings.computed_start = settings.computed_finish = None
    else:
        calendar_ids = {settings.calendar_id} | {
            row["calendar_id"] for row in plan.rows if row["calendar_id"] is not None
        }
        calendars = {
            c.pk: c
            for c in Calendar.objects.filter(pk__in=calendar_ids).prefetch_related("exceptions")
        }
        try:
            values, _ = adapters.compute(plan, calendars)
        except CyclicDependency as error:
            names = {row["id"]: row["name"] for row in plan.rows}
            raise ScheduleError(
                _cycle_message(error.cycle, names), error.cycle, cycle=True
            ) from error
        except EngineError as error:
            raise ScheduleError(f"The plan cannot be scheduled: {error}", error.ids) from error
        positions = adapters.changed_rows(plan, values)
        adapters.write_results(plan, values, positions)
        outcome.changed_ids = [plan.rows[i]["id"] for i in positions]
        outcome.changed_tasks = adapters.changed_payload(plan, values, positions)
        internal = ~plan.external
        settings.computed_start = adapters.aware(values["start"][internal].min())
        settings.computed_finish = adapters.aware(values["finish"][internal].max())
    settings.version += 1
    settings.scheduled_at = timezone.now()
    settings.save(update_fields=["computed_start", "computed_finish", "version", "scheduled_at"])
    outcome.finish = settings.computed_finish
    seen = (_seen or set()) | {project.pk}
    if outcome.changed_ids:
        dependents = (
            Dependency.objects.filter(predecessor__project_id=project.pk)
            .exclude(successor__project_id=project.pk)
            .values_list("successor__project", flat=True)
            .distinct()
        )
        from pmo.portfolios.models import Project

        for other in Project.objects.filter(pk__in=set(dependents) - seen):
            outcome.cascaded.append(reschedule(other, _seen=seen))
    outcome.took_ms = (time.perf_counter() - began) * 1000
    return outcome


@transaction.atomic
def do_reschedule(actor, project) -> Rescheduled:
    require(actor, Action.CHANGE, project)
    return reschedule(project)


@transaction.atomic
def do_update_schedule_settings(actor, project, **fields) -> Rescheduled:
    require(actor, Action.CHANGE, project)
    settings = ensure_schedule(project)
    allowed = {
        "calendar",
        "direction",
        "start",
        "finish_target",
        "status_date",
        "critical_float_minutes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown schedule setting(s): {sorted(unknown)}")
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return reschedule(project)


def _check_task(task: Task) -> None:
    if task.constraint_type not in DATED_CONSTRAINTS:
        task.constraint_date = None
    # As MS Project does: reported progress implies the task started (and finished) as
    # scheduled unless actual dates say otherwise.
    if task.percent_complete and task.actual_start is None and task.start is not None:
        task.actual_start = task.start
    if task.percent_complete == 100 and task.actual_finish is None and task.finish is not None:
        task.actual_finish = task.finish
    status = (
        ProjectSchedule.objects.filter(project_id=task.project_id)
        .values_list("status_date", flat=True)
        .first()
    )
    if status is not None:
        for name in ("actual_start", "actual_finish"):
            value = getattr(task, name)
            if value is not None and value > status:
                label = name.replace("_", " ")
                raise ValidationError(
                    {
                        name: f"The {label} ({value:%d %b %Y %H:%M}) is after the status date "
                        f"({status:%d %b %Y %H:%M}): progress can only be reported up to it. "
                        "Move the status date or correct the date."
                    }
                )
    if task.is_milestone:
        task.duration_minutes = 0
    task.full_clean()
    if task.parent_id:
        parent = task.parent
        if parent.predecessor_links.exists() or parent.successor_links.exists():
            raise ScheduleError(
                f"'{parent.name}' has dependencies, so it cannot become a summary task; "
                "remove its links first or link the tasks inside it.",
                [parent.pk],
                field="parent",
            )
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == task.pk:
                raise ScheduleError(
                    f"'{task.name}' cannot be placed under its own sub-task.", [task.pk], "parent"
                )
            ancestor = ancestor.parent


def _assign(task: Task, fields: dict) -> None:
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise TypeError(f"Unknown task field(s): {sorted(unknown)}")
    for name, value in fields.items():
        setattr(task, name, value)


@transaction.atomic
def do_create_task(actor, *, project, **fields) -> tuple[Task, Rescheduled]:
    require(actor, Action.CHANGE, project)
    task = Task(project=project)
    _assign(task, fields)
    if "position" not in fields:
        last = Task.objects.filter(project=project, parent=task.parent).aggregate(Max("position"))
        task.position = (last["position__max"] or 0) + 1
    _check_task(task)
    task.save()
    result = reschedule(project)
    task.refresh_from_db()
    return task, result


@transaction.atomic
def do_update_task(actor, task: Task, **fields) -> tuple[Task, Rescheduled]:
    require(actor, Action.CHANGE, task.project)
    _assign(task, fields)
    if task.actual_finish and task.percent_complete < 100:
        task.percent_complete = 100
    _check_task(task)
    task.save()
    result = reschedule(task.project)
    task.refresh_from_db()
    return task, result


@transaction.atomic
def do_report_progress(actor, task: Task, **fields) -> tuple[Task, Rescheduled]:
    """Team members update their own tasks' progress without the right to change the plan."""
    require(actor, Action.CONTRIBUTE, task.project)
    allowed = {
        "percent_complete",
        "actual_start",
        "actual_finish",
        "remaining_minutes",
        "board_status",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Progress updates cannot change: {sorted(unknown)}")
    _assign(task, fields)
    _check_task(task)
    task.save()
    result = reschedule(task.project)
    task.refresh_from_db()
    return task, result


@transaction.atomic
def do_move_task(actor, task: Task, start: dt.datetime) -> tuple[Task, Rescheduled]:
    """Drag a bar: the task may start no earlier than ``start`` (MS Project's behaviour)."""
    if task.is_summary:
        raise ScheduleError("Move the tasks inside a summary, not the summary itself.", [task.pk])
    return do_update_task(actor, task, constraint_type=ConstraintType.SNET, constraint_date=start)


@transaction.atomic
def do_delete_task(actor, task: Task) -> Rescheduled:
    require(actor, Action.CHANGE, task.project)
    project = task.project
    task.delete()
    return reschedule(project)


def _check_link(actor, predecessor: Task, successor: Task) -> None:
    require(actor, Action.CHANGE, successor.project)
    require(actor, Action.VIEW, predecessor.project)
    if predecessor.pk == successor.pk:
        raise ScheduleError("A task cannot depend on itself.", [successor.pk], "predecessor")
    if predecessor.project_id != successor.project_id:
        same_program = (
            predecessor.project.program_id is not None
            and predecessor.project.program_id == successor.project.program_id
        )
        if not same_program:
            raise ScheduleError(
                "Links between projects are allowed only inside one program: "
                f"{predecessor.project.code} and {successor.project.code} are not in the same "
                "program.",
                [predecessor.pk, successor.pk],
                "predecessor",
            )
    for task, role in ((predecessor, "predecessor"), (successor, "successor")):
        if task.children.exists():
            raise ScheduleError(
                f"'{task.name}' is a summary task; link the tasks inside it instead.",
                [task.pk],
                role,
            )


@transaction.atomic
def do_link(
    actor, *, predecessor: Task, successor: Task, **fields
) -> tuple[Dependency, Rescheduled]:
    _check_link(actor, predecessor, successor)
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ScheduleError(
            f"'{successor.name}' already depends on '{predecessor.name}'.",
            [predecessor.pk, successor.pk],
            "successor",
        )
    unknown = set(fields) - LINK_FIELDS
    if unknown:
        raise TypeError(f"Unknown dependency field(s): {sorted(unknown)}")
    link = Dependency(predecessor=predecessor, successor=successor, **fields)
    link.full_clean()
    link.save()
    return link, reschedule(successor.project)


@transaction.atomic
def do_update_link(actor, link: Dependency, **fields) -> tuple[Dependency, Rescheduled]:
    _check_link(actor, link.predecessor, link.successor)
    unknown = set(fields) - LINK_FIELDS
    if unknown:
        raise TypeError(f"Unknown dependency field(s): {sorted(unknown)}")
    for name, value in fields.items():
        setattr(link, name, value)
    link.full_clean()
    link.save()
    return link, reschedule(link.successor.project)


@transaction.atomic
def do_unlink(actor, link: Dependency) -> Rescheduled:
    require(actor, Action.CHANGE, link.successor.project)
    project = link.successor.project
    link.delete()
    return reschedule(project)


@transaction.atomic
def do_capture_baseline(actor, project, *, number: int, name: str = "") -> Baseline:
    """Save the current plan as baseline ``number`` (0-10), replacing what was there
    (a replaced baseline keeps its name unless ``name`` gives a new one)."""
    require(actor, Action.CHANGE, project)
    if not 0 <= number < MAX_BASELINES:
        raise ValidationError({"number": f"Baselines are numbered 0 to {MAX_BASELINES - 1}."})
    settings = ensure_schedule(project)
    old = Baseline.objects.filter(project=project, number=number).first()
    if old is not None:
        name = name or old.name
        old.delete()
    baseline = Baseline.objects.create(
        project=project,
        number=number,
        name=name.strip() or f"Plan of {timezone.localdate():%d %b %Y}",
        captured_by=actor,
        schedule_version=settings.version,
    )
    rows = Task.objects.filter(project=project).values_list(
        "pk", "start", "finish", "duration_minutes", "work_minutes", "cost"
    )
    BaselineTask.objects.bulk_create(
        (
            BaselineTask(
                baseline=baseline,
                task_id=pk,
                start=start,
                finish=finish,
                duration_minutes=duration,
                work_minutes=work,
                cost=cost,
            )
            for pk, start, finish, duration, work, cost in rows
        ),
        batch_size=2000,
    )
    return baseline


@transaction.atomic
def do_delete_baseline(actor, baseline: Baseline) -> None:
    require(actor, Action.CHANGE, baseline.project)
    baseline.delete()


@transaction.atomic
def do_set_predecessors(actor, task: Task, text: str) -> Rescheduled:
    """Replace the task's predecessors with those written in ``text`` ("3, 5SS+2d")."""
    from .predecessors import parse_predecessors

    require(actor, Action.CHANGE, task.project)
    settings = ensure_schedule(task.project)
    try:
        specs = parse_predecessors(text, settings.calendar.hours_per_day)
    except ValueError as error:
        raise ScheduleError(str(error), [task.pk], "predecessors") from error
    by_outline = dict(Task.objects.filter(project=task.project).values_list("outline", "pk"))
    missing = [spec.outline for spec in specs if spec.outline not in by_outline]
    if missing:
        raise ScheduleError(
            f"No task numbered {', '.join(missing)} in this project.", [task.pk], "predecessors"
        )
    Dependency.objects.filter(successor=task, predecessor__project=task.project).delete()
    tasks = Task.objects.in_bulk([by_outline[spec.outline] for spec in specs])
    for spec in specs:
        predecessor = tasks[by_outline[spec.outline]]
        _check_link(actor, predecessor, task)
        Dependency.objects.create(
            predecessor=predecessor,
            successor=task,
            type=spec.type,
            lag=spec.lag,
            lag_unit=spec.lag_unit,
        )
    try:
        return reschedule(task.project)
    except ScheduleError as error:
        raise ScheduleError(
            error.detail_message, error.task_ids, "predecessors", cycle=bool(error.cycle)
        ) from error


@transaction.atomic
def do_move_on_board(actor, task: Task, status: str) -> tuple[Task, Rescheduled]:
    """Drop a card in a board column. Starting or finishing work on the board records it
    as happening now (or at the status date, when one is set), not at planned dates in the
    future; moving a card back to "To do" keeps its recorded actuals.
    """
    from .choices import BoardStatus

    if status not in BoardStatus.values:
        raise ValidationError({"status": f"Unknown board column {status!r}."})
    settings = ensure_schedule(task.project)
    moment = settings.status_date or timezone.now()
    fields: dict = {"board_status": status}
    if status in (BoardStatus.IN_PROGRESS, BoardStatus.DONE) and task.actual_start is None:
        fields["actual_start"] = min(task.start or moment, moment)
    if status == BoardStatus.DONE:
        if task.actual_finish is None:
            fields["actual_finish"] = min(task.finish or moment, moment)
        fields["percent_complete"] = 100
    return do_report_progress(actor, task, **fields)
