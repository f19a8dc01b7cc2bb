"""Leveling runs: compute a preview in the background, apply it in one transaction, undo it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.schedules import services as plan_services
from pmo.schedules.choices import ConstraintType
from pmo.schedules.models import ProjectSchedule, Task

from ..choices import LevelingStatus
from ..models import (
    LevelingRun,
)

# --- leveling -----------------------------------------------------------------------


def _scope_projects(run: LevelingRun):
    if run.project_id:
        return [run.project]
    return list(run.program.projects.order_by("code"))


@transaction.atomic
def do_start_leveling(actor, *, project=None, program=None, mode: str = "finish") -> LevelingRun:
    """Create a leveling run and compute its preview in the background."""
    from pmo.jobs.services import do_start_job

    from ..tasks import compute_leveling

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

    from .. import adapters

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
