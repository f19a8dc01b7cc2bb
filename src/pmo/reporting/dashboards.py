"""The executive, program and portfolio dashboards, read in a fixed number of queries.

Figures come from the stored EVM snapshots (the latest per project) and the latest
submitted or reviewed status report of each project, so the page costs the same
whether it shows 5 projects or 500 and shows the figures of record.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Prefetch, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from pmo.finance.models import EvmRecord
from pmo.finance.selectors import cost_positions, latest_records, total_position
from pmo.portfolios.choices import Phase, ProjectStatus
from pmo.portfolios.selectors import visible_objectives, visible_programs, visible_projects
from pmo.schedules.models import BaselineTask, Task

from .choices import RATED, Dimension, Rag, ReportState
from .models import RagRating, RagThresholds, StatusReport
from .selectors import rate_below

FILTERS = ("portfolio", "program", "manager", "phase", "objective")
SHOWN_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)
DIMENSIONS = [*RATED, Dimension.OVERALL]
MILESTONE_HORIZON_DAYS = 90


def parse_filters(params) -> dict:
    """Keep the filters that are well-formed; ignore the rest (a stale bookmark still works)."""
    out = {}
    for name in ("portfolio", "program", "manager", "objective"):
        value = str(params.get(name) or "")
        if value.isdigit():
            out[name] = int(value)
    if params.get("phase") in Phase.values:
        out["phase"] = params["phase"]
    if params.get("only") in ("red", "late", "over", "unreported"):
        out["only"] = params["only"]
    return out


@dataclass
class Row:
    project: object
    record: EvmRecord | None
    report: StatusReport | None
    ratings: dict = field(default_factory=dict)  # dimension -> (rag, measure, overridden)

    @property
    def figures(self) -> dict:
        return self.record.figures if self.record else {}

    @property
    def overall(self) -> str:
        return self.ratings.get(Dimension.OVERALL, (Rag.NONE,))[0]


def _projects(user, filters: dict):
    projects = visible_projects(user).filter(status__in=SHOWN_STATUSES)
    if "portfolio" in filters:
        projects = projects.filter(portfolio_id=filters["portfolio"])
    if "program" in filters:
        projects = projects.filter(program_id=filters["program"])
    if "manager" in filters:
        projects = projects.filter(manager_id=filters["manager"])
    if "phase" in filters:
        projects = projects.filter(phase=filters["phase"])
    if "objective" in filters:
        projects = projects.filter(objectives=filters["objective"])
    # Only what the grid shows: the page must cost the same for 20 or 2,000 projects.
    return list(
        projects.select_related(None)
        .select_related("program", "manager")
        .only(
            "pk",
            "code",
            "name",
            "status",
            "phase",
            "portfolio_id",
            "program_id",
            "program__name",
            "manager_id",
            "manager__first_name",
            "manager__last_name",
            "manager__username",
        )
        .order_by("code")
    )


def _latest_reports(project_ids) -> dict[int, StatusReport]:
    """Each project's latest submitted or reviewed report with its ratings (3 queries)."""
    newest: dict[int, int] = {}
    for pk, project_id in (
        StatusReport.objects.filter(project_id__in=project_ids)
        .exclude(state=ReportState.DRAFT)
        .order_by("period")
        .values_list("pk", "project_id")
    ):
        newest[project_id] = pk
    reports = (
        StatusReport.objects.filter(pk__in=newest.values())
        .only("pk", "project_id", "period", "state", "status_date")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=RagRating.objects.only(
                    "pk", "report_id", "dimension", "computed", "override", "measure"
                ),
            )
        )
    )
    return {r.project_id: r for r in reports}


def _ratings(row: Row, thresholds: RagThresholds) -> dict:
    if row.report is not None:
        return {
            r.dimension: (r.value, r.measure, r.is_overridden) for r in row.report.ratings.all()
        }
    # No report yet: what the figures alone say, for schedule and cost.
    figures = row.figures
    spi = figures.get("spi_t") if figures.get("spi_t") is not None else figures.get("spi")
    schedule = rate_below(spi, thresholds.spi_amber, thresholds.spi_red)
    cost = rate_below(figures.get("cpi"), thresholds.cpi_amber, thresholds.cpi_red)
    out = {
        Dimension.SCHEDULE: (schedule, "From the latest EVM snapshot; no report yet", False),
        Dimension.COST: (cost, "From the latest EVM snapshot; no report yet", False),
    }
    out[Dimension.OVERALL] = (RagRating.worst([schedule, cost]), "No status report yet", False)
    return out


def milestones_of(project_ids, today: dt.date) -> dict:
    rows = list(
        Task.objects.filter(
            project_id__in=project_ids,
            is_milestone=True,
            finish__isnull=False,
            percent_complete__lt=100,
        )
        .values("pk", "project_id", "project__code", "name", "finish", "percent_complete")
        .order_by("finish")
    )
    planned: dict[int, tuple[int, dt.datetime]] = {}
    open_ids = [m["pk"] for m in rows if m["percent_complete"] < 100]
    for task_id, number, finish in BaselineTask.objects.filter(
        task_id__in=open_ids, finish__isnull=False
    ).values_list("task_id", "baseline__number", "finish"):
        if task_id not in planned or number < planned[task_id][0]:
            planned[task_id] = (number, finish)
    upcoming, slipped = [], []
    horizon = today + dt.timedelta(days=MILESTONE_HORIZON_DAYS)
    for m in rows:
        if m["percent_complete"] >= 100:
            continue
        forecast = timezone.localtime(m["finish"]).date()
        base = planned.get(m["pk"])
        baseline = timezone.localtime(base[1]).date() if base else None
        item = {
            **m,
            "forecast": forecast,
            "baseline": baseline,
            "slip_days": (forecast - baseline).days if baseline else None,
        }
        if baseline and forecast > baseline:
            slipped.append(item)
        if today <= forecast <= horizon:
            upcoming.append(item)
    slipped.sort(key=lambda m: -m["slip_days"])
    return {
        "upcoming": upcoming,
        "slipped": slipped,
        "timeline": _timeline(slipped, upcoming, today),
    }


def _timeline(slipped: list[dict], upcoming: list[dict], today: dt.date, shown: int = 8) -> dict:
    """The most slipped and the next milestones on one axis (fractions 0..1)."""
    picked, seen = [], set()
    for item in [*slipped[:shown], *upcoming[:shown]]:
        if item["pk"] not in seen:
            seen.add(item["pk"])
            picked.append(item)
    if not picked:
        return {"rows": [], "ticks": []}
    days = [
        today,
        *(m["forecast"] for m in picked),
        *(m["baseline"] for m in picked if m["baseline"]),
    ]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day):
        return round(100 * (day - first).days / span, 2)

    rows = [
        {
            **m,
            "x_forecast": x(m["forecast"]),
            "x_baseline": x(m["baseline"]) if m["baseline"] else None,
            "late": bool(m["slip_days"] and m["slip_days"] > 0),
        }
        for m in picked
    ]
    ticks = [first + dt.timedelta(days=span * k // 4) for k in range(5)]
    return {"rows": rows, "ticks": ticks, "today": x(today)}


def _s_curve(project_ids, records: dict[int, EvmRecord]) -> dict:
    """Portfolio PV (baseline, every month), EV and AC (stored snapshots) and the forecast."""
    curves = [
        ((r.pv_curve or {}).get("months", []), (r.pv_curve or {}).get("pv", []))
        for r in records.values()
    ]
    months = sorted({m for ms, _ in curves for m in ms})
    totals = dict.fromkeys(months, 0)
    for ms, values in curves:
        if not ms:
            continue
        series = dict(zip(ms, values, strict=True))
        level = 0
        for month in months:
            if month in series:
                level = series[month]
            elif month < ms[0]:
                continue
            # After its last month a curve stays at its BAC.
            totals[month] += level
    history = defaultdict(lambda: [0, 0])
    money = BigIntegerField()
    for status_date, ev, ac in (
        EvmRecord.objects.filter(scope="project", project_id__in=project_ids)
        .values_list("status_date")
        .annotate(ev=Sum(Cast(KT("figures__ev"), money)), ac=Sum(Cast(KT("figures__ac"), money)))
        .order_by("status_date")
    ):
        history[status_date.isoformat()] = [int(ev or 0), int(ac or 0)]
    dates = sorted(history)
    forecast, outlook = [], None
    if dates and months and totals[months[-1]] > 0:
        # The portfolio's own earned schedule: money summed, indices recomputed.
        from pmo.engine.evm import EvmInput, PeriodGrid, evaluate, snapshot

        ends = [dt.date.fromisoformat(m) for m in months]
        grid = PeriodGrid.from_dates(ends[0].replace(day=1), ends)
        status = dt.date.fromisoformat(dates[-1])
        ev, ac = history[dates[-1]]
        figures = evaluate(
            EvmInput(pv=[[totals[m] for m in months]], ev=[ev], ac=[ac]),
            grid.status_position(status),
        )
        outlook = snapshot(figures, grid=grid, status_date=status)
        if outlook.forecast_finish_date and outlook.eac is not None:
            forecast = [
                {"x": dates[-1], "y": ac / 100},
                {"x": outlook.forecast_finish_date.isoformat(), "y": outlook.eac / 100},
            ]
    return {
        "pv": [{"x": m, "y": totals[m] / 100} for m in months],
        "ev": [{"x": d, "y": history[d][0] / 100} for d in dates],
        "ac": [{"x": d, "y": history[d][1] / 100} for d in dates],
        "forecast": forecast,
        "outlook": outlook,
    }


def top_risks_of(user, project_ids, limit: int = 8) -> list[dict]:
    from pmo.portfolios.models import Project
    from pmo.risks.selectors import top_risks

    return top_risks(user, Project.objects.filter(pk__in=project_ids), limit)


def executive(user, filters: dict, *, today: dt.date | None = None, full: bool = True) -> dict:
    """Everything the dashboard shows; ``full=False`` keeps the grid and tiles only."""
    today = today or timezone.localdate()
    projects = _projects(user, filters)
    ids = [p.pk for p in projects]
    records = latest_records(ids, until=today)
    reports = _latest_reports(ids)
    thresholds = {t.portfolio_id: t for t in RagThresholds.objects.all()}
    rows = []
    for project in projects:
        row = Row(project, records.get(project.pk), reports.get(project.pk))
        row.ratings = _ratings(
            row,
            thresholds.get(project.portfolio_id)
            or RagThresholds(portfolio_id=project.portfolio_id),
        )
        rows.append(row)

    def late(row):
        return row.ratings.get(Dimension.SCHEDULE, (Rag.NONE,))[0] in (Rag.AMBER, Rag.RED)

    def over(row):
        return row.ratings.get(Dimension.COST, (Rag.NONE,))[0] in (Rag.AMBER, Rag.RED)

    measured = [r for r in rows if r.figures.get("bac")]
    bac = sum(r.figures["bac"] for r in measured)
    ac = sum(r.figures["ac"] for r in measured)
    ev = sum(r.figures["ev"] for r in measured)
    pv = sum(r.figures["pv"] for r in measured)
    eac = sum((r.figures.get("eac") or r.figures["ac"]) for r in measured)
    kpis = {
        "projects": len(rows),
        "red": sum(1 for r in rows if r.overall == Rag.RED),
        "amber": sum(1 for r in rows if r.overall == Rag.AMBER),
        "green": sum(1 for r in rows if r.overall == Rag.GREEN),
        "on_time": sum(1 for r in measured if not late(r)),
        "on_budget": sum(1 for r in measured if not over(r)),
        "measured": len(measured),
        "bac": bac,
        "ac": ac,
        "ev": ev,
        "pv": pv,
        "eac": eac,
        "vac": bac - eac,
        "burn": ac / bac if bac else None,
        "spi": ev / pv if pv else None,
        "cpi": ev / ac if ac else None,
        "unreported": sum(1 for r in rows if r.report is None),
    }
    only = filters.get("only")
    shown = {
        None: rows,
        "red": [r for r in rows if r.overall == Rag.RED],
        "late": [r for r in rows if late(r)],
        "over": [r for r in rows if over(r)],
        "unreported": [r for r in rows if r.report is None],
    }[only]
    curve = _s_curve(ids, records) if full else {}
    outlook = curve.pop("outlook", None)
    scatter = [
        {
            "x": round(r.figures["spi"], 3),
            "y": round(r.figures["cpi"], 3),
            "code": r.project.code,
            "id": r.project.pk,
            "rag": r.overall,
        }
        for r in measured
        if r.figures.get("spi") is not None and r.figures.get("cpi") is not None
    ]
    return {
        "today": today,
        "filters": filters,
        "rows": shown,
        "all_rows": rows,
        "dimensions": DIMENSIONS,
        "kpis": kpis,
        "scatter": scatter,
        "s_curve": curve,
        "outlook": outlook,
        "milestones": milestones_of(ids, today) if full else {},
        "risks": top_risks_of(user, ids) if full else [],
        "cost": total_position(cost_positions(ids, today).values(), today) if full else None,
        "status_date": max((r.record.status_date for r in rows if r.record), default=None),
    }


def filter_options(user) -> dict:
    """Choices for the filter bar, from everything the user may see (three queries)."""
    from pmo.portfolios.selectors import visible_portfolios

    managers = {}
    for pk, first, last, username in (
        visible_projects(user)
        .filter(status__in=SHOWN_STATUSES, manager__isnull=False)
        .values_list("manager_id", "manager__first_name", "manager__last_name", "manager__username")
        .distinct()
    ):
        managers[pk] = f"{first} {last}".strip() or username
    return {
        "portfolios": list(visible_portfolios(user).values_list("pk", "name")),
        "programs": list(visible_programs(user).values_list("pk", "name")),
        "managers": sorted(managers.items(), key=lambda m: m[1]),
        "phases": Phase.choices,
        "objectives": list(visible_objectives(user).values_list("pk", "code", "name")),
    }
