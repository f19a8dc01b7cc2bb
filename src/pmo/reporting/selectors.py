"""Reads of status reports and the assessments behind their RAG ratings."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet, Sum

from pmo.finance import selectors as finance
from pmo.finance.adapters import to_cents
from pmo.finance.choices import CostCategory
from pmo.finance.formatting import cents, index, money
from pmo.finance.periods import month_end, month_start
from pmo.portfolios.choices import ProjectStatus
from pmo.portfolios.models import Project
from pmo.portfolios.selectors import visible_projects
from pmo.schedules.models import Task

from .choices import Dimension, Rag, ReportState
from .models import RagRating, RagThresholds, ReportEvent, StatusReport


def visible_reports(user) -> QuerySet[StatusReport]:
    return (
        StatusReport.objects.filter(project__in=visible_projects(user))
        .select_related("project", "project__program", "project__portfolio", "author")
        .prefetch_related("ratings")
    )


def reports_of(project) -> QuerySet[StatusReport]:
    return (
        StatusReport.objects.filter(project=project)
        .select_related("author", "reviewed_by")
        .prefetch_related("ratings")
        .order_by("-period")
    )


def report_detail(pk: int, user) -> StatusReport:
    return (
        visible_reports(user)
        .select_related("project__manager", "project__sponsor", "reviewed_by")
        .prefetch_related(
            Prefetch("events", queryset=ReportEvent.objects.select_related("actor").order_by("at"))
        )
        .get(pk=pk)
    )


def thresholds_for(portfolio) -> RagThresholds:
    """The portfolio's thresholds, or the defaults (unsaved) when the PMO set none."""
    found = RagThresholds.objects.filter(portfolio=portfolio).first()
    return found or RagThresholds(portfolio=portfolio)


@dataclass(frozen=True)
class Assessment:
    dimension: str
    rag: str
    measure: str


def rate_below(value: float | None, amber, red) -> str:
    """Red under ``red``, amber under ``amber``, else green; not rated without a figure."""
    if value is None:
        return Rag.NONE
    if value < float(red):
        return Rag.RED
    if value < float(amber):
        return Rag.AMBER
    return Rag.GREEN


def rate_above(value: float | None, amber, red) -> str:
    """Red over ``red``, amber over ``amber``, else green; not rated without a figure."""
    if value is None:
        return Rag.NONE
    if value > float(red):
        return Rag.RED
    if value > float(amber):
        return Rag.AMBER
    return Rag.GREEN


def expected_risk_delay(project) -> float:
    """Working days of delay the project's open threats are expected to cause."""
    from pmo.risks.selectors import expected_delay_days

    return float(expected_delay_days(project))


def assess(project, status_date: dt.date, thresholds: RagThresholds | None = None):
    """Rate every dimension of ``project`` at ``status_date``; returns the assessments and
    the key figures a report freezes.
    """
    thresholds = thresholds or thresholds_for(project.portfolio)
    figures = finance.project_figures(project, status_date)
    position = finance.cost_positions([project.pk], status_date)[project.pk]
    labour = finance.cost_positions([project.pk], status_date, CostCategory.LABOUR)[project.pk]
    plan_cost = Task.objects.filter(project=project, is_summary=False).aggregate(total=Sum("cost"))[
        "total"
    ] or Decimal(0)

    spi_t = figures.spi_t if figures.spi_t is not None else figures.spi
    schedule = Assessment(
        Dimension.SCHEDULE,
        rate_below(spi_t, thresholds.spi_amber, thresholds.spi_red),
        f"SPI(t) {index(figures.spi_t)}, SPI {index(figures.spi)}; forecast finish "
        f"{figures.forecast_finish_date:%d %b %Y}"
        if figures.forecast_finish_date
        else f"SPI(t) {index(figures.spi_t)}, SPI {index(figures.spi)}",
    )
    cost = Assessment(
        Dimension.COST,
        rate_below(figures.cpi, thresholds.cpi_amber, thresholds.cpi_red),
        f"CPI {index(figures.cpi)}; EAC {cents(figures.eac)} against BAC {cents(figures.bac)}",
    )
    growth = None
    if figures.bac:
        growth = 100 * (to_cents(plan_cost) - figures.bac) / figures.bac
    scope = Assessment(
        Dimension.SCOPE,
        rate_above(growth, thresholds.scope_amber_pct, thresholds.scope_red_pct),
        f"Plan {money(plan_cost)} against baseline {cents(figures.bac)} ({growth:+.1f}%)"
        if growth is not None
        else "No baseline to compare the plan with",
    )
    delay = expected_risk_delay(project)
    risk = Assessment(
        Dimension.RISK,
        rate_above(delay, thresholds.risk_amber_days, thresholds.risk_red_days),
        f"Open threats expected to delay by {delay:.1f} working days",
    )
    over = None
    if labour.budget_to_date:
        over = float(100 * (labour.actual_to_date / labour.budget_to_date - 1))
    resources = Assessment(
        Dimension.RESOURCES,
        rate_above(over, thresholds.resources_amber_pct, thresholds.resources_red_pct),
        f"Labour spent {money(labour.actual_to_date)} against {money(labour.budget_to_date)} "
        f"budgeted to date ({over:+.1f}%)"
        if over is not None
        else "No labour budgeted to date",
    )
    rated = [schedule, cost, scope, risk, resources]
    overall = Assessment(
        Dimension.OVERALL,
        RagRating.worst([a.rag for a in rated]),
        "Worst of the dimensions rated",
    )
    key = {
        "currency": settings.PMO_CURRENCY,
        "status_date": status_date.isoformat(),
        "evm": figures.as_dict(),
        "budget": str(position.budget),
        "budget_to_date": str(position.budget_to_date),
        "actual_to_date": str(position.actual_to_date),
        "forecast_at_completion": str(position.forecast_at_completion),
        "plan_cost": str(plan_cost),
        "percent_complete": round(100 * figures.ev / figures.bac, 1) if figures.bac else None,
    }
    return [*rated, overall], key


def default_period(today: dt.date) -> dt.date:
    return month_start(today)


def status_date_of(period: dt.date, today: dt.date) -> dt.date:
    return min(month_end(period), today)


def reports_due(as_of: dt.date) -> list[tuple]:
    """(project, period, due date) of active projects whose last month's report is not
    submitted although its due date has passed.
    """
    period = month_start(month_start(as_of) - dt.timedelta(days=1))
    done = set(
        StatusReport.objects.filter(period=period)
        .exclude(state=ReportState.DRAFT)
        .values_list("project_id", flat=True)
    )
    limits = {t.portfolio_id: t.due_days for t in RagThresholds.objects.all()}
    out = []
    projects = (
        Project.objects.filter(status=ProjectStatus.ACTIVE)
        .exclude(pk__in=done)
        .select_related("manager", "portfolio")
    )
    for project in projects:
        due = month_end(period) + dt.timedelta(days=limits.get(project.portfolio_id, 5))
        if as_of >= due:
            out.append((project, period, due))
    return out
