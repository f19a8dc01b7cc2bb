"""Reads of money and earned value, filtered to what the user may see by the caller."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import TruncMonth

from pmo.engine.evm import EvmSnapshot, evaluate, rollup, snapshot
from pmo.portfolios.selectors import visible_projects
from pmo.schedules.models import Task

from . import adapters
from .choices import SnapshotScope
from .models import BudgetLine, CostEntry, EvmRecord, Forecast
from .periods import fraction_of_month, month_start

ZERO = Decimal("0.00")


def visible_budget_lines(user):
    return BudgetLine.objects.filter(project__in=visible_projects(user)).select_related("project")


def visible_cost_entries(user):
    return CostEntry.objects.filter(project__in=visible_projects(user)).select_related(
        "project", "task"
    )


def visible_forecasts(user):
    return Forecast.objects.filter(project__in=visible_projects(user)).select_related("project")


def visible_evm_records(user):
    return EvmRecord.objects.filter(
        scope=SnapshotScope.PROJECT, project__in=visible_projects(user)
    ).select_related("project")


@dataclass(frozen=True)
class CostPosition:
    """Plan vs actual vs forecast of one project (or a sum of projects) at a date.

    ``budget_to_date`` counts the months before ``at`` fully and ``at``'s own month
    pro rata by day; the forecast at completion is the actual cost to date plus the
    forecasts of the months after ``at``'s month (or, where a project has no forecast,
    its budget still to come).
    """

    at: dt.date
    budget: Decimal
    budget_to_date: Decimal
    actual_to_date: Decimal
    forecast_at_completion: Decimal

    @property
    def variance_to_date(self) -> Decimal:
        return self.budget_to_date - self.actual_to_date

    @property
    def variance_at_completion(self) -> Decimal:
        return self.budget - self.forecast_at_completion

    @property
    def burn(self) -> float | None:
        return float(self.actual_to_date / self.budget) if self.budget else None

    def __add__(self, other: "CostPosition") -> "CostPosition":
        return CostPosition(
            at=self.at,
            budget=self.budget + other.budget,
            budget_to_date=self.budget_to_date + other.budget_to_date,
            actual_to_date=self.actual_to_date + other.actual_to_date,
            forecast_at_completion=self.forecast_at_completion + other.forecast_at_completion,
        )


def cost_positions(
    project_ids, at: dt.date, category: str | None = None
) -> dict[int, CostPosition]:
    """Cost position of every project in ``project_ids`` at ``at`` (of one cost category
    when given), in three queries.
    """
    only = {"category": category} if category else {}
    current = month_start(at)
    share = Decimal(str(fraction_of_month(at)))
    budget = defaultdict(lambda: ZERO)
    to_date = defaultdict(lambda: ZERO)
    to_come = defaultdict(lambda: ZERO)
    for project_id, month, amount in (
        BudgetLine.objects.filter(project_id__in=project_ids, **only)
        .values_list("project_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        budget[project_id] += amount
        if month < current:
            to_date[project_id] += amount
        elif month == current:
            to_date[project_id] += (amount * share).quantize(adapters.CENT)
            to_come[project_id] += amount - (amount * share).quantize(adapters.CENT)
        else:
            to_come[project_id] += amount
    actual = dict(
        CostEntry.objects.filter(project_id__in=project_ids, date__lte=at, **only)
        .values_list("project_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    forecast = dict(
        Forecast.objects.filter(project_id__in=project_ids, month__gt=current, **only)
        .values_list("project_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    out = {}
    for pk in project_ids:
        spent = actual.get(pk, ZERO)
        remaining = forecast[pk] if pk in forecast else to_come[pk]
        # SQLite sums decimals without their places; money always has two.
        cent = adapters.CENT
        out[pk] = CostPosition(
            at=at,
            budget=budget[pk].quantize(cent),
            budget_to_date=to_date[pk].quantize(cent),
            actual_to_date=spent.quantize(cent),
            forecast_at_completion=(spent + remaining).quantize(cent),
        )
    return out


def category_positions(project_ids, at: dt.date) -> list[tuple[str, CostPosition]]:
    """Cost position per cost category (label, position) of the projects at ``at``, for
    the categories that have a budget, a cost or a forecast.
    """
    from .choices import CostCategory

    used = set(
        BudgetLine.objects.filter(project_id__in=project_ids).values_list("category", flat=True)
    )
    used |= set(
        CostEntry.objects.filter(project_id__in=project_ids).values_list("category", flat=True)
    )
    used |= set(
        Forecast.objects.filter(project_id__in=project_ids).values_list("category", flat=True)
    )
    return [
        (
            label,
            total_position(cost_positions(project_ids, at, category).values(), at),
        )
        for category, label in CostCategory.choices
        if category in used
    ]


def total_position(positions, at: dt.date) -> CostPosition:
    total = CostPosition(at, ZERO, ZERO, ZERO, ZERO)
    for position in positions:
        total = total + position
    return total


def monthly_costs(project_ids) -> list[dict]:
    """Per month: budget, actual and forecast, and their running totals (for charts)."""
    rows: dict[dt.date, dict] = defaultdict(
        lambda: {"budget": ZERO, "actual": ZERO, "forecast": ZERO}
    )
    for month, total in (
        BudgetLine.objects.filter(project_id__in=project_ids)
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        rows[month]["budget"] += total
    for month, total in (
        CostEntry.objects.filter(project_id__in=project_ids)
        .annotate(m=TruncMonth("date"))
        .values_list("m")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        rows[month]["actual"] += total
    for month, total in (
        Forecast.objects.filter(project_id__in=project_ids)
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        rows[month]["forecast"] += total
    out = []
    running = {"budget": ZERO, "actual": ZERO}
    for month in sorted(rows):
        row = rows[month]
        running["budget"] += row["budget"]
        running["actual"] += row["actual"]
        out.append(
            {
                "month": month,
                **row,
                "cum_budget": running["budget"],
                "cum_actual": running["actual"],
            }
        )
    return out


@dataclass(frozen=True)
class ProjectEvm:
    """Live earned value of one project: the project figures and one row per task."""

    data: adapters.EvmData
    project: EvmSnapshot
    tasks: list[dict]
    curve: dict


def project_evm(
    project, status_date: dt.date, baseline_number: int | None = None, *, period: str = "day"
) -> ProjectEvm:
    """Live figures of one project; earned schedule in days by default (see
    ``adapters.load``), in months with ``period="month"`` as snapshots keep them.
    """
    data = adapters.load([project.pk], status_date, baseline_number, period=period)
    figures = data.figures()
    totals = data.project_inputs()
    project_figures = data.project_figures()
    labels = {
        pk: (outline, name, key)
        for pk, outline, name, key in Task.objects.filter(
            pk__in=data.task_ids.tolist()
        ).values_list("pk", "outline", "name", "sort_key")
    }
    names = {pk: name for pk, (_, name, _) in labels.items()}
    outlines = {pk: outline for pk, (outline, _, _) in labels.items()}
    keys = {pk: key for pk, (_, _, key) in labels.items()}
    rows = []
    for i in np.argsort([keys.get(int(t), "~") for t in data.task_ids], kind="stable"):
        task_id = int(data.task_ids[i])
        if task_id == 0 and figures.ac[i] == 0:
            continue
        rows.append(
            {
                "task_id": task_id or None,
                "outline": outlines.get(task_id, ""),
                "name": names.get(task_id, "Costs not booked to a baselined task"),
                **{k: int(getattr(figures, k)[i]) for k in ("bac", "pv", "ev", "ac", "sv", "cv")},
                **{
                    k: (None if np.isnan(getattr(figures, k)[i]) else float(getattr(figures, k)[i]))
                    for k in ("spi", "cpi", "spi_t")
                },
            }
        )
    return ProjectEvm(
        data=data,
        project=snapshot(project_figures, grid=data.grid, status_date=status_date),
        tasks=rows,
        curve=adapters.pv_curve(data, totals.pv[0]),
    )


def grouped_evm(
    project_ids, groups: list[int], status_date: dt.date, baseline_number: int | None = None
) -> list[EvmSnapshot]:
    """Figures of groups of projects (programs, portfolios): money summed on a grid of
    months, ratios and earned schedule recomputed. ``groups[i]`` is the group number of
    ``project_ids[i]``.
    """
    data = adapters.load(project_ids, status_date, baseline_number)
    per_project = data.project_inputs()
    n_groups = max(groups, default=-1) + 1
    summed = rollup(per_project, np.asarray(groups, dtype=np.intp), n_groups)
    figures = evaluate(summed, data.at)
    return [snapshot(figures, i, grid=data.grid, status_date=status_date) for i in range(n_groups)]


def project_figures(project, status_date: dt.date) -> EvmSnapshot:
    """The figures of record at ``status_date``: the stored snapshot when there is one,
    else computed now.
    """
    record = EvmRecord.objects.filter(
        scope=SnapshotScope.PROJECT, project=project, status_date=status_date
    ).first()
    if record is not None:
        return record.snapshot()
    return project_evm(project, status_date).project


def evm_history(project) -> list[EvmRecord]:
    return list(
        EvmRecord.objects.filter(scope=SnapshotScope.PROJECT, project=project).order_by(
            "status_date"
        )
    )


def latest_records(project_ids, until: dt.date | None = None) -> dict[int, EvmRecord]:
    """Each project's most recent stored snapshot (on or before ``until``), in one query."""
    latest = EvmRecord.objects.filter(
        scope=SnapshotScope.PROJECT, project_id=OuterRef("project_id")
    )
    if until is not None:
        latest = latest.filter(status_date__lte=until)
    latest = latest.order_by("-status_date").values("pk")[:1]
    records = EvmRecord.objects.filter(
        scope=SnapshotScope.PROJECT, project_id__in=project_ids, pk=Subquery(latest)
    )
    return {r.project_id: r for r in records}
