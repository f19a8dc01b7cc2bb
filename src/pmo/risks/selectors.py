"""Reads of risk registers and the RAID log, filtered to what the user may see."""

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse

from pmo.core.permissions import visibility
from pmo.portfolios.models import Portfolio, Program, Project
from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects

from .choices import Level, RiskKind, RiskStatus, RunStatus
from .models import RaidItem, Risk, RiskMatrix, SimulationRun

__all__ = [
    "expected_delay_days",
    "heat_map",
    "latest_simulation",
    "matrix_for",
    "raid_in",
    "risks_in",
    "top_risks",
    "visible_raid_items",
    "visible_risks",
]


def _visible(user, queryset: QuerySet) -> QuerySet:
    """Items whose register the user may view (the same rule as ``can(VIEW)``)."""
    if visibility(user).everything:
        return queryset
    return queryset.filter(
        Q(level=Level.PROJECT, project__in=visible_projects(user).values("pk"))
        | Q(level=Level.PROGRAM, program__in=visible_programs(user).values("pk"))
        | Q(level=Level.PORTFOLIO, portfolio__in=visible_portfolios(user).values("pk"))
    )


def visible_risks(user) -> QuerySet[Risk]:
    return _visible(user, Risk.objects.select_related("portfolio", "program", "project", "owner"))


def visible_raid_items(user) -> QuerySet[RaidItem]:
    return _visible(
        user, RaidItem.objects.select_related("portfolio", "program", "project", "owner")
    )


def _in_scope(queryset: QuerySet, obj, below: bool) -> QuerySet:
    """The register of ``obj`` (a project, program or portfolio); ``below`` adds the
    registers under it (a program's projects, a portfolio's programs and projects).
    """
    if isinstance(obj, Project):
        return queryset.filter(level=Level.PROJECT, project=obj)
    if isinstance(obj, Program):
        if below:
            return queryset.filter(program=obj).exclude(level=Level.PORTFOLIO)
        return queryset.filter(level=Level.PROGRAM, program=obj)
    if isinstance(obj, Portfolio):
        if below:
            return queryset.filter(portfolio=obj)
        return queryset.filter(level=Level.PORTFOLIO, portfolio=obj)
    raise TypeError(f"no register for {type(obj).__name__}")


def risks_in(user, obj, below: bool = False) -> QuerySet[Risk]:
    return _in_scope(visible_risks(user), obj, below)


def raid_in(user, obj, below: bool = False) -> QuerySet[RaidItem]:
    return _in_scope(visible_raid_items(user), obj, below)


def matrix_for(portfolio_id: int) -> RiskMatrix:
    """The portfolio's matrix, or the default 5 x 5 one (unsaved) when it has none."""
    matrix = RiskMatrix.objects.filter(portfolio_id=portfolio_id).first()
    return matrix or RiskMatrix(portfolio_id=portfolio_id)


def heat_map(risks: QuerySet[Risk], matrix: RiskMatrix, residual: bool = False) -> dict:
    """Counts of open risks per probability x impact cell, highest probability first.

    Residual maps place risks without a residual assessment at their inherent cell.
    """
    p_field, i_field = (
        ("residual_probability", "residual_impact") if residual else ("probability", "impact")
    )
    counts: dict[tuple[int, int], int] = {}
    open_risks = risks.filter(status=RiskStatus.OPEN).order_by()
    for p, i, p0, i0 in open_risks.values_list(p_field, i_field, "probability", "impact"):
        key = (p or p0, i or i0)
        counts[key] = counts.get(key, 0) + 1
    size = matrix.size
    rows = []
    for p in range(size, 0, -1):
        cells = [
            {
                "probability": p,
                "impact": i,
                "count": counts.get((p, i), 0),
                "rating": matrix.rating(p * i),
                "score": p * i,
            }
            for i in range(1, size + 1)
        ]
        rows.append({"probability": p, "label": matrix.probability_labels[p - 1], "cells": cells})
    return {
        "rows": rows,
        "impact_labels": list(matrix.impact_labels),
        "total": sum(counts.values()),
        "residual": residual,
    }


def top_risks(user, projects_queryset: QuerySet[Project], limit: int = 5) -> list[dict]:
    """The highest-scoring open risks raised on these projects that ``user`` may see.

    Keys: id, project_id, project_code, title, score, residual_score, owner, status, url.
    Escalated risks count for the project they were raised on.
    """
    risks = (
        visible_risks(user)
        .filter(project__in=projects_queryset.values("pk"), status=RiskStatus.OPEN)
        .order_by("-score", "-residual_score", "pk")[:limit]
    )
    return [
        {
            "id": r.pk,
            "project_id": r.project_id,
            "project_code": r.project.code,
            "title": r.title,
            "score": r.score,
            "residual_score": r.residual_score,
            "owner": r.owner.get_full_name() or r.owner.username if r.owner else "",
            "status": r.status,
            "url": reverse("risks:risk-detail", args=[r.pk]),
        }
        for r in risks
    ]


def expected_delay_days(project: Project) -> float:
    """Sum over the project's open threats of chance x most likely delay, in working days.

    The chance of each probability level comes from the portfolio's risk matrix;
    opportunities are not netted off, so the figure is the exposure to delay.
    """
    matrix = matrix_for(project.portfolio_id)
    total = Decimal(0)
    rows = Risk.objects.filter(
        project=project, status=RiskStatus.OPEN, kind=RiskKind.THREAT
    ).values_list("probability", "days_likely")
    for probability, days in rows:
        total += Decimal(str(matrix.chance(probability))) * days
    return float(total)


def latest_simulation(project: Project, finished: bool = True) -> SimulationRun | None:
    runs = SimulationRun.objects.filter(project=project)
    if finished:
        runs = runs.filter(status=RunStatus.SUCCEEDED)
    return runs.order_by("-created_at", "-pk").first()


def with_ratings(risks) -> list[Risk]:
    """The risks as a list, each with ``rating`` and ``residual_rating`` from its
    portfolio's matrix ("green", "amber", "red" or "none"); one query for the matrices.
    """
    risks = list(risks)
    stored = RiskMatrix.objects.in_bulk({r.portfolio_id for r in risks}, field_name="portfolio_id")
    for risk in risks:
        matrix = stored.get(risk.portfolio_id) or RiskMatrix(portfolio_id=risk.portfolio_id)
        risk.rating = matrix.rating(risk.score)
        risk.residual_rating = matrix.rating(risk.residual_score)
    return risks


def red_count(grid: dict) -> int:
    """Open risks in the red cells of a heat map."""
    return sum(c["count"] for row in grid["rows"] for c in row["cells"] if c["rating"] == "red")
