"""Reads of the portfolio hierarchy, always filtered to what the user may see."""

from django.db.models import Count, Prefetch, Q, QuerySet

from pmo.core.permissions import visibility

from .models import Portfolio, Program, Project, StrategicObjective


def visible_portfolios(user) -> QuerySet[Portfolio]:
    seen = visibility(user)
    queryset = Portfolio.objects.select_related("owner")
    if seen.everything:
        return queryset
    return queryset.filter(pk__in=seen.portfolios_covered | seen.portfolios_browsable)


def visible_programs(user) -> QuerySet[Program]:
    seen = visibility(user)
    queryset = Program.objects.select_related("portfolio", "manager")
    if seen.everything:
        return queryset
    return queryset.filter(
        Q(portfolio_id__in=seen.portfolios_covered)
        | Q(pk__in=seen.programs_covered | seen.programs_browsable)
    )


def visible_projects(user) -> QuerySet[Project]:
    seen = visibility(user)
    queryset = Project.objects.select_related("portfolio", "program", "manager", "sponsor")
    if seen.everything:
        return queryset
    return queryset.filter(
        Q(portfolio_id__in=seen.portfolios_covered)
        | Q(program_id__in=seen.programs_covered)
        | Q(pk__in=seen.projects_covered)
    )


def visible_objectives(user) -> QuerySet[StrategicObjective]:
    return StrategicObjective.objects.filter(portfolio__in=visible_portfolios(user))


def portfolio_summary(user, portfolio: Portfolio) -> dict:
    """Counts by health and status over the projects of ``portfolio`` the user may see."""
    projects = visible_projects(user).filter(portfolio=portfolio)
    by_health = dict(projects.values_list("health").annotate(n=Count("pk")).order_by())
    by_status = dict(projects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "projects": sum(by_health.values()),
        "health": {key: by_health.get(key, 0) for key in ("green", "amber", "red")},
        "status": by_status,
    }


def programs_of(user, portfolio: Portfolio) -> QuerySet[Program]:
    return (
        visible_programs(user)
        .filter(portfolio=portfolio)
        .annotate(n_projects=Count("projects", filter=Q(projects__in=visible_projects(user))))
    )


def objectives_with_projects(user, portfolio: Portfolio) -> QuerySet[StrategicObjective]:
    return portfolio.objectives.prefetch_related(
        Prefetch(
            "projects",
            queryset=visible_projects(user).select_related(None).only("pk", "code", "name"),
        )
    )
