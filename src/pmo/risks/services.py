"""Writes to risk registers, the RAID log, estimates and simulation runs.

Each ``do_*`` checks permission first, validates (a ``ValidationError`` names the
field, and the row for multi-row writes) and runs in one transaction.
"""

import random
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can, require
from pmo.portfolios.models import Portfolio, Program, Project
from pmo.schedules.models import ProjectSchedule, Task

from .choices import (
    OPPORTUNITY_STRATEGIES,
    THREAT_STRATEGIES,
    ActionStatus,
    DistributionChoice,
    Level,
    RaidKind,
    RaidStatus,
    RiskKind,
    RiskStatus,
    RunStatus,
    Severity,
)
from .models import (
    Escalation,
    RaidItem,
    Risk,
    RiskAction,
    RiskAssessment,
    RiskMatrix,
    SimulationRun,
    TaskCorrelation,
    TaskEstimate,
)
from .selectors import matrix_for

RISK_FIELDS = {
    "title",
    "kind",
    "category",
    "cause",
    "event",
    "effect",
    "owner",
    "probability",
    "impact",
    "residual_probability",
    "residual_impact",
    "cost_min",
    "cost_likely",
    "cost_max",
    "days_min",
    "days_likely",
    "days_max",
    "proximity",
    "trigger",
    "strategy",
    "response",
    "status",
}
SCORE_FIELDS = ("probability", "impact", "residual_probability", "residual_impact")
RAID_FIELDS = {
    "title",
    "description",
    "owner",
    "severity",
    "status",
    "due_date",
    "counterparty",
    "resolution",
}
ACTION_FIELDS = {"description", "owner", "due_date", "status"}
MATRIX_FIELDS = {
    "size",
    "probability_labels",
    "impact_labels",
    "probability_percent",
    "amber_from",
    "red_from",
}
MIN_ITERATIONS, MAX_ITERATIONS = 100, 100_000


def _assign(instance, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown field(s) for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _place(item, scope) -> None:
    """Put a new risk or RAID item in the register of ``scope``."""
    if isinstance(scope, Project):
        item.level, item.project, item.program = Level.PROJECT, scope, scope.program
        item.portfolio = scope.portfolio
    elif isinstance(scope, Program):
        item.level, item.program, item.portfolio = Level.PROGRAM, scope, scope.portfolio
    elif isinstance(scope, Portfolio):
        item.level, item.portfolio = Level.PORTFOLIO, scope
    else:
        raise TypeError(f"no register for {type(scope).__name__}")


def _check_risk(risk: Risk, matrix: RiskMatrix) -> None:
    errors: dict[str, str] = {}
    size = matrix.size
    for name in SCORE_FIELDS:
        value = getattr(risk, name)
        if value is not None and not 1 <= value <= size:
            errors[name] = f"Choose a level from 1 to {size} (the {size}x{size} matrix)."
    if (risk.residual_probability is None) != (risk.residual_impact is None):
        missing = "residual_impact" if risk.residual_impact is None else "residual_probability"
        errors[missing] = "Give both the residual probability and the residual impact, or neither."
    for prefix, unit in (("cost", "cost"), ("days", "delay")):
        low, likely, high = (getattr(risk, f"{prefix}_{s}") for s in ("min", "likely", "max"))
        if low is not None and low < 0:
            errors[f"{prefix}_min"] = f"The minimum {unit} cannot be negative."
        elif not low <= likely <= high:
            errors[f"{prefix}_likely"] = (
                f"The {unit} range must be minimum <= most likely <= maximum "
                f"(got {low} / {likely} / {high})."
            )
    allowed = THREAT_STRATEGIES if risk.kind == RiskKind.THREAT else OPPORTUNITY_STRATEGIES
    if risk.strategy not in allowed:
        names = ", ".join(sorted(str(s) for s in allowed))
        errors["strategy"] = (
            f"'{risk.get_strategy_display()}' is not a response to "
            f"{'a threat' if risk.kind == RiskKind.THREAT else 'an opportunity'}; use {names}."
        )
    if errors:
        raise ValidationError(errors)
    risk.score = risk.probability * risk.impact
    risk.residual_score = (
        risk.residual_probability * risk.residual_impact
        if risk.residual_probability is not None
        else None
    )


def _assess(risk: Risk, actor, note: str = "") -> RiskAssessment:
    return RiskAssessment.objects.create(
        risk=risk,
        probability=risk.probability,
        impact=risk.impact,
        score=risk.score,
        residual_probability=risk.residual_probability,
        residual_impact=risk.residual_impact,
        residual_score=risk.residual_score,
        assessed_by=actor,
        note=note[:300],
    )


@transaction.atomic
def do_raise_risk(actor, *, scope, tasks=None, **fields) -> Risk:
    """Add a risk to the register of ``scope`` (a project, program or portfolio).

    Anyone who contributes to the scope may raise a risk; the first assessment is kept.
    """
    require(actor, Action.CONTRIBUTE, scope)
    risk = Risk(raised_by=actor)
    _place(risk, scope)
    _assign(risk, fields, RISK_FIELDS)
    _check_risk(risk, matrix_for(risk.portfolio_id))
    risk.full_clean()
    risk.save()
    if tasks is not None:
        _set_tasks(risk, tasks)
    _assess(risk, actor, "Raised")
    return risk


def can_change_risk(actor, risk: Risk) -> bool:
    # The owner keeps their own risk current even without change rights on the register.
    return can(actor, Action.CHANGE, risk) or (
        risk.owner_id == getattr(actor, "pk", None) and can(actor, Action.CONTRIBUTE, risk)
    )


@transaction.atomic
def do_update_risk(actor, risk: Risk, *, note: str = "", tasks=None, **fields) -> Risk:
    """Change a risk; a new score (inherent or residual) is added to its history."""
    if not can_change_risk(actor, risk):
        raise PermissionDenied(f"You may not change risk {risk.reference}.")
    before = tuple(getattr(risk, name) for name in SCORE_FIELDS)
    _assign(risk, fields, RISK_FIELDS)
    _check_risk(risk, matrix_for(risk.portfolio_id))
    if risk.status == RiskStatus.OPEN:
        risk.closed_at = None
    elif risk.closed_at is None:
        risk.closed_at = timezone.now()
    risk.full_clean()
    risk.save()
    if tasks is not None:
        _set_tasks(risk, tasks)
    if tuple(getattr(risk, name) for name in SCORE_FIELDS) != before:
        _assess(risk, actor, note or "Reassessed")
    return risk


def _set_tasks(risk: Risk, tasks) -> None:
    tasks = list(tasks)
    wrong = [t for t in tasks if t.project_id != risk.project_id]
    if wrong:
        names = ", ".join(f"{t.pk} ({t.name})" for t in wrong[:5])
        raise ValidationError(
            {"tasks": f"Tasks {names} are not in the plan of the risk's project."}
        )
    risk.tasks.set(tasks)


def _next_level(item) -> str:
    if item.level == Level.PROJECT:
        return Level.PROGRAM if item.program_id else Level.PORTFOLIO
    if item.level == Level.PROGRAM:
        return Level.PORTFOLIO
    raise ValidationError({"level": f"{item.reference} is already in the portfolio register."})


def _escalate(actor, item, reason: str, **target) -> Escalation:
    require(actor, Action.CHANGE, item)
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why it needs the next level's attention."})
    to_level = _next_level(item)
    record = Escalation(
        from_level=item.level,
        to_level=to_level,
        reason=reason.strip(),
        escalated_by=actor,
        **target,
    )
    item.level = to_level
    item.save(update_fields=["level", "updated_at"])
    record.save()
    return record


@transaction.atomic
def do_escalate_risk(actor, risk: Risk, *, reason: str) -> Escalation:
    """Move a risk from the project register to the program's (or the portfolio's when
    the project is in no program), or from the program's to the portfolio's.
    """
    return _escalate(actor, risk, reason, risk=risk)


@transaction.atomic
def do_escalate_raid_item(actor, item: RaidItem, *, reason: str) -> Escalation:
    return _escalate(actor, item, reason, raid_item=item)


@transaction.atomic
def do_add_action(actor, risk: Risk, **fields) -> RiskAction:
    if not can_change_risk(actor, risk):
        raise PermissionDenied(f"You may not plan responses to risk {risk.reference}.")
    action = RiskAction(risk=risk)
    _assign(action, fields, ACTION_FIELDS)
    if not (action.description or "").strip():
        raise ValidationError({"description": "Say what will be done."})
    _close_action(action)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def do_update_action(actor, action: RiskAction, **fields) -> RiskAction:
    risk = action.risk
    owner_of_action = action.owner_id == getattr(actor, "pk", None)
    if not (can_change_risk(actor, risk) or owner_of_action):
        raise PermissionDenied(f"You may not change the actions of risk {risk.reference}.")
    _assign(action, fields, ACTION_FIELDS)
    _close_action(action)
    action.full_clean()
    action.save()
    return action


def _close_action(action: RiskAction) -> None:
    if action.status == ActionStatus.OPEN:
        action.completed_at = None
    elif action.completed_at is None:
        action.completed_at = timezone.now()


SEVERITY_OF_RATING = {"red": Severity.HIGH, "amber": Severity.MEDIUM, "green": Severity.LOW}


@transaction.atomic
def do_raise_issue_from_risk(actor, risk: Risk, **fields) -> RaidItem:
    """The risk occurred: mark it so and open an issue in the same register."""
    if not can_change_risk(actor, risk):
        raise PermissionDenied(f"You may not change risk {risk.reference}.")
    if risk.status != RiskStatus.OPEN:
        raise ValidationError(
            {"status": f"{risk.reference} is {risk.get_status_display().lower()}, not open."}
        )
    if risk.kind != RiskKind.THREAT:
        raise ValidationError({"kind": f"{risk.reference} is an opportunity: it raises no issue."})
    rating = matrix_for(risk.portfolio_id).rating(risk.score)
    issue = RaidItem(
        kind=RaidKind.ISSUE,
        level=risk.level,
        portfolio_id=risk.portfolio_id,
        program_id=risk.program_id,
        project_id=risk.project_id,
        title=f"{risk.title} (occurred)",
        description=risk.effect or risk.event,
        owner=risk.owner,
        severity=SEVERITY_OF_RATING[rating],
        raised_by=actor,
        source_risk=risk,
    )
    _assign(issue, fields, RAID_FIELDS)
    issue.full_clean()
    issue.save()
    risk.status = RiskStatus.OCCURRED
    risk.closed_at = timezone.now()
    risk.save(update_fields=["status", "closed_at", "updated_at"])
    return issue


@transaction.atomic
def do_create_raid_item(actor, *, scope, kind: str, **fields) -> RaidItem:
    require(actor, Action.CONTRIBUTE, scope)
    if kind not in RaidKind.values:
        raise ValidationError({"kind": f"Choose issue, assumption or dependency, not {kind!r}."})
    item = RaidItem(kind=kind, raised_by=actor)
    _place(item, scope)
    _assign(item, fields, RAID_FIELDS)
    _resolve(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def do_update_raid_item(actor, item: RaidItem, **fields) -> RaidItem:
    if not (
        can(actor, Action.CHANGE, item)
        or (item.owner_id == getattr(actor, "pk", None) and can(actor, Action.CONTRIBUTE, item))
    ):
        raise PermissionDenied(f"You may not change {item.reference}.")
    _assign(item, fields, RAID_FIELDS)
    _resolve(item)
    item.full_clean()
    item.save()
    return item


def _resolve(item: RaidItem) -> None:
    if item.status in (RaidStatus.RESOLVED, RaidStatus.CLOSED):
        item.resolved_at = item.resolved_at or timezone.now()
    else:
        item.resolved_at = None


@transaction.atomic
def do_set_matrix(actor, portfolio: Portfolio, **fields) -> RiskMatrix:
    """Set a portfolio's scale; refused while risks sit at levels the new size lacks."""
    require(actor, Action.CHANGE, portfolio)
    matrix = RiskMatrix.objects.filter(portfolio=portfolio).first() or RiskMatrix(
        portfolio=portfolio
    )
    _assign(matrix, fields, MATRIX_FIELDS)
    matrix.full_clean()
    too_high = (
        Risk.objects.filter(portfolio=portfolio)
        .filter(_above(matrix.size))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if too_high:
        refs = ", ".join(f"R-{pk:04d}" for pk in too_high[:10])
        raise ValidationError(
            {"size": f"Risks {refs} are scored above level {matrix.size}; rescore them first."}
        )
    matrix.save()
    return matrix


def _above(size: int):
    from django.db.models import Q

    return (
        Q(probability__gt=size)
        | Q(impact__gt=size)
        | Q(residual_probability__gt=size)
        | Q(residual_impact__gt=size)
    )


@transaction.atomic
def do_set_estimates(actor, project: Project, rows: list[dict]) -> int:
    """Set three-point estimates of a project's tasks; all rows or none.

    Each row: ``task`` (id), ``optimistic``, ``most_likely``, ``pessimistic`` (working
    minutes) and ``distribution``; a row with all three durations empty removes the
    task's estimate. Errors name the row (1-based) and the task.
    """
    require(actor, Action.CHANGE, project)
    tasks = Task.objects.filter(project=project).in_bulk()
    errors: list[str] = []
    keep: dict[int, TaskEstimate] = {}
    drop: list[int] = []
    for number, row in enumerate(rows, start=1):
        task = tasks.get(_int_or_none(row.get("task")))
        if task is None:
            errors.append(f"Row {number}: task {row.get('task')!r} is not in {project.code}.")
            continue
        where = f"Row {number} (task {task.outline or task.pk} {task.name})"
        values = [row.get(k) for k in ("optimistic", "most_likely", "pessimistic")]
        if all(v in (None, "") for v in values):
            drop.append(task.pk)
            continue
        if task.is_summary:
            errors.append(f"{where}: summary tasks take their duration from their subtasks.")
            continue
        try:
            a, m, b = (int(v) for v in values)
        except (TypeError, ValueError):
            errors.append(f"{where}: give all three durations as whole working minutes.")
            continue
        distribution = row.get("distribution") or DistributionChoice.TRIANGULAR
        if a < 0:
            errors.append(f"{where}: the optimistic duration cannot be negative.")
        elif not a <= m <= b:
            errors.append(f"{where}: need optimistic <= most likely <= pessimistic ({a}/{m}/{b}).")
        elif distribution not in DistributionChoice.values:
            errors.append(f"{where}: unknown distribution {distribution!r}.")
        else:
            keep[task.pk] = TaskEstimate(
                task=task,
                optimistic_minutes=a,
                most_likely_minutes=m,
                pessimistic_minutes=b,
                distribution=distribution,
            )
    if errors:
        raise ValidationError({"estimates": errors})
    TaskEstimate.objects.filter(task_id__in=[*drop, *keep]).delete()
    TaskEstimate.objects.bulk_create(keep.values())
    return len(keep)


@transaction.atomic
def do_correlate(
    actor, project: Project, *, first: Task, second: Task, coefficient
) -> TaskCorrelation:
    """Set the rank correlation of two tasks' durations (replacing an earlier one).

    Refused when the project's correlations would contradict each other: no set of
    durations could have them all (the matrix is not positive definite).
    """
    from pmo.engine.risk.sampling import InvalidCorrelation, correlation_matrix

    require(actor, Action.CHANGE, project)
    errors = {}
    for name, task in (("first", first), ("second", second)):
        if task.project_id != project.pk:
            errors[name] = f"Task {task.pk} ({task.name}) is not in {project.code}."
        elif task.is_summary:
            errors[name] = f"{task} is a summary; correlate the tasks inside it."
    if first.pk == second.pk:
        errors["second"] = "A task cannot be correlated with itself."
    value = Decimal(str(coefficient))
    if not Decimal(-1) <= value <= Decimal(1):
        errors["coefficient"] = f"A correlation lies between -1 and 1, not {value}."
    if errors:
        raise ValidationError(errors)
    a, b = sorted((first, second), key=lambda t: t.pk)
    TaskCorrelation.objects.filter(first=a, second=b).delete()
    link = TaskCorrelation.objects.create(first=a, second=b, coefficient=value)
    pairs = list(
        TaskCorrelation.objects.filter(first__project=project).values_list(
            "first_id", "second_id", "coefficient"
        )
    )
    ids = sorted({t for p in pairs for t in p[:2]})
    where = {t: i for i, t in enumerate(ids)}
    try:
        correlation_matrix(
            [[where[f], where[s]] for f, s, _ in pairs],
            [float(c) for *_, c in pairs],
            len(ids),
            np.asarray(ids, dtype=np.int64),
        )
    except InvalidCorrelation as error:
        names = dict(Task.objects.filter(pk__in=error.ids).values_list("pk", "name"))
        listed = ", ".join(names.get(i, str(i)) for i in error.ids)
        raise ValidationError(
            {
                "coefficient": f"These correlations contradict each other: {listed}. "
                "Loosen one of them."
            }
        ) from error
    return link


@transaction.atomic
def do_uncorrelate(actor, link: TaskCorrelation) -> None:
    require(actor, Action.CHANGE, link.first.project)
    link.delete()


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def do_start_simulation(
    actor,
    project: Project,
    *,
    iterations: int = 5000,
    seed: int | None = None,
    include_risks: bool = True,
) -> SimulationRun:
    """Queue a Monte Carlo run of the project's current plan as a background job."""
    from pmo.jobs.services import do_start_job

    from .tasks import run_simulation

    require(actor, Action.CONTRIBUTE, project)
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise ValidationError(
            {"iterations": f"Run between {MIN_ITERATIONS:,} and {MAX_ITERATIONS:,} iterations."}
        )
    settings = ProjectSchedule.objects.filter(project=project).first()
    if settings is None or not Task.objects.filter(project=project).exists():
        raise ValidationError({"project": f"{project.code} has no plan to simulate yet."})
    if settings.direction != "forward":
        raise ValidationError(
            {"project": "Schedule risk analysis runs on forward-scheduled plans only."}
        )
    run = SimulationRun.objects.create(
        project=project,
        plan_version=settings.version,
        iterations=iterations,
        seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
        include_risks=include_risks,
        created_by=actor,
    )
    job = do_start_job(
        actor,
        run_simulation,
        label=f"Schedule risk analysis of {project.code} ({iterations:,} iterations)",
        kwargs={"run_id": run.pk},
    )
    run.job = job
    run.save(update_fields=["job"])
    return run


def do_run_simulation(run: SimulationRun, progress) -> dict:
    """Compute and store the results of a queued run (called by the background task)."""
    from pmo.engine.errors import EngineError

    from .adapters import simulate_project

    SimulationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    started = timezone.now()
    try:
        results = simulate_project(run, progress)
    except (EngineError, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        SimulationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message, finished_at=timezone.now()
        )
        raise
    took = (timezone.now() - started).total_seconds()
    SimulationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED, results=results, took_seconds=took, finished_at=timezone.now()
    )
    return {"run": run.pk, "p80": results["percentiles"]["P80"]}


def cents(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())
