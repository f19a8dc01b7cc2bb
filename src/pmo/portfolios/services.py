"""Writes to the portfolio hierarchy. Each ``do_*`` checks permission, validates and saves
atomically; a failed call changes nothing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can_create_portfolio, require
from pmo.core.text import counted

from .models import Portfolio, Program, Project, StrategicObjective

PORTFOLIO_FIELDS = {"code", "name", "description", "owner", "governance_model"}
PROGRAM_FIELDS = {"code", "name", "description", "manager", "status"}
PROJECT_FIELDS = {
    "code",
    "name",
    "description",
    "manager",
    "sponsor",
    "status",
    "phase",
    "priority",
    "planned_start",
    "planned_finish",
    "health",
    "program",
    "portfolio",
}
OBJECTIVE_FIELDS = {"code", "name", "description", "weight"}


def _assign(instance, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown field(s) for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _save(instance, m2m: dict[str, Any] | None = None):
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def do_create_portfolio(actor, **fields) -> Portfolio:
    if not can_create_portfolio(actor):
        raise PermissionDenied("Only PMO admins may create portfolios.")
    portfolio = Portfolio()
    _assign(portfolio, fields, PORTFOLIO_FIELDS)
    return _save(portfolio)


@transaction.atomic
def do_update_portfolio(actor, portfolio: Portfolio, **fields) -> Portfolio:
    require(actor, Action.CHANGE, portfolio)
    _assign(portfolio, fields, PORTFOLIO_FIELDS)
    return _save(portfolio)


@transaction.atomic
def do_create_program(actor, *, portfolio: Portfolio, **fields) -> Program:
    require(actor, Action.ADD_CHILD, portfolio)
    program = Program(portfolio=portfolio)
    _assign(program, fields, PROGRAM_FIELDS)
    return _save(program)


@transaction.atomic
def do_update_program(actor, program: Program, **fields) -> Program:
    require(actor, Action.CHANGE, program)
    _assign(program, fields, PROGRAM_FIELDS)
    return _save(program)


def _check_project_parent(actor, portfolio: Portfolio | None, program: Program | None) -> None:
    """Creating or moving a project needs the right to add items to where it will live."""
    parent = program or portfolio
    if parent is None:
        return
    require(actor, Action.ADD_CHILD, parent)


@transaction.atomic
def do_create_project(actor, *, objectives=None, **fields) -> Project:
    program = fields.get("program")
    if program is not None and fields.get("portfolio") is None:
        fields["portfolio"] = program.portfolio
    _check_project_parent(actor, fields.get("portfolio"), program)
    project = Project()
    _assign(project, fields, PROJECT_FIELDS)
    m2m = {"objectives": objectives} if objectives is not None else None
    return _save(project, m2m)


@transaction.atomic
def do_update_project(actor, project: Project, *, objectives=None, **fields) -> Project:
    require(actor, Action.CHANGE, project)
    program = fields.get("program", project.program)
    if "program" in fields and program is not None and "portfolio" not in fields:
        fields["portfolio"] = program.portfolio
    moving = (program.pk if program else None) != project.program_id or (
        "portfolio" in fields and fields["portfolio"].pk != project.portfolio_id
    )
    if moving:
        _check_project_parent(actor, fields.get("portfolio", project.portfolio), program)
    _assign(project, fields, PROJECT_FIELDS)
    m2m = {"objectives": objectives} if objectives is not None else None
    return _save(project, m2m)


@transaction.atomic
def do_delete_project(actor, project: Project) -> None:
    require(actor, Action.DELETE, project)
    project.delete()


@transaction.atomic
def do_delete_program(actor, program: Program) -> None:
    """Delete an empty program; its projects must be moved or deleted first."""
    require(actor, Action.DELETE, program)
    if program.projects.exists():
        raise ValidationError(
            f"Program {program} still has {counted(program.projects.count(), 'project')}; "
            "move or delete them first."
        )
    program.delete()


@transaction.atomic
def do_delete_portfolio(actor, portfolio: Portfolio) -> None:
    """Delete an empty portfolio; only organisation-wide PMO admins may."""
    if not can_create_portfolio(actor):
        raise PermissionDenied("Only PMO admins may delete portfolios.")
    if portfolio.programs.exists() or portfolio.projects.exists():
        raise ValidationError(
            f"Portfolio {portfolio} still has programs or projects; move or delete them first."
        )
    portfolio.delete()


@transaction.atomic
def do_create_objective(actor, *, portfolio: Portfolio, **fields) -> StrategicObjective:
    require(actor, Action.CHANGE, portfolio)
    objective = StrategicObjective(portfolio=portfolio)
    _assign(objective, fields, OBJECTIVE_FIELDS)
    return _save(objective)


@transaction.atomic
def do_update_objective(actor, objective: StrategicObjective, **fields) -> StrategicObjective:
    require(actor, Action.CHANGE, objective.portfolio)
    _assign(objective, fields, OBJECTIVE_FIELDS)
    return _save(objective)
