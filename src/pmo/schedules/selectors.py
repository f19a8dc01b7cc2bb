"""Reads of plans: the task table, the Gantt payload and the board, in a few queries."""

import datetime as dt
import zoneinfo

from django.db.models import QuerySet
from django.utils import timezone

from pmo.portfolios.selectors import visible_projects

from .models import Baseline, BaselineTask, Calendar, Dependency, Task


def visible_tasks(user) -> QuerySet[Task]:
    return Task.objects.filter(project__in=visible_projects(user)).select_related("project")


def visible_dependencies(user) -> QuerySet[Dependency]:
    return Dependency.objects.filter(successor__project__in=visible_projects(user)).select_related(
        "predecessor", "successor", "successor__project", "predecessor__project"
    )


def plan_tasks(project) -> QuerySet[Task]:
    return Task.objects.filter(project=project).order_by("sort_key", "id")


def iso_utc(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a "Z", as JavaScript and the API's other dates write it."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def baseline_dates(project, number: int | None) -> dict[int, tuple]:
    """Task id -> (start, finish, duration) of the chosen baseline (default: the lowest)."""
    baselines = Baseline.objects.filter(project=project)
    baseline = baselines.filter(number=number).first() if number is not None else baselines.first()
    if baseline is None:
        return {}
    return {
        task_id: (start, finish, duration)
        for task_id, start, finish, duration in BaselineTask.objects.filter(
            baseline=baseline
        ).values_list("task_id", "start", "finish", "duration_minutes")
    }


TASK_PAYLOAD_FIELDS = (
    "id",
    "parent_id",
    "outline",
    "name",
    "is_summary",
    "is_milestone",
    "start",
    "finish",
    "late_start",
    "late_finish",
    "duration_minutes",
    "total_float_minutes",
    "free_float_minutes",
    "is_critical",
    "percent_complete",
    "board_status",
    "constraint_type",
    "constraint_date",
    "deadline",
)


def task_payload(row: dict, baselines: dict[int, tuple]) -> dict:
    base = baselines.get(row["id"])
    return {
        "id": row["id"],
        "parent": row["parent_id"],
        "outline": row["outline"],
        "level": row["outline"].count(".") + 1 if row["outline"] else 1,
        "name": row["name"],
        "summary": row["is_summary"],
        "milestone": row["is_milestone"],
        "start": iso_utc(row["start"]),
        "finish": iso_utc(row["finish"]),
        "late_start": iso_utc(row["late_start"]),
        "late_finish": iso_utc(row["late_finish"]),
        "duration_minutes": row["duration_minutes"],
        "total_float_minutes": row["total_float_minutes"],
        "free_float_minutes": row["free_float_minutes"],
        "critical": row["is_critical"],
        "percent_complete": row["percent_complete"],
        "baseline_start": iso_utc(base[0]) if base else None,
        "baseline_finish": iso_utc(base[1]) if base else None,
        "kanban_status": row["board_status"],
        "constraint_type": row["constraint_type"],
        "constraint_date": iso_utc(row["constraint_date"]),
        "deadline": iso_utc(row["deadline"]),
    }


def links_payload(project) -> list[dict]:
    rows = Dependency.objects.filter(successor__project=project).values_list(
        "id",
        "predecessor_id",
        "successor_id",
        "type",
        "lag",
        "lag_unit",
        "predecessor__project_id",
        "predecessor__project__code",
        "predecessor__name",
    )
    return [
        {
            "id": pk,
            "predecessor": pred,
            "successor": succ,
            "type": kind,
            "lag": lag,
            "lag_unit": unit,
            "lag_minutes": lag if unit != "pct" else None,
            "external": pred_project != project.pk,
            "label": f"{code}: {name}" if pred_project != project.pk else None,
        }
        for pk, pred, succ, kind, lag, unit, pred_project, code, name in rows
    ]


def gantt_payload(project, baseline_number: int | None = None) -> dict:
    """Everything the Gantt draws, in three queries (tasks, baseline, links)."""
    from .services import ensure_schedule

    settings = ensure_schedule(project)
    baselines = baseline_dates(project, baseline_number)
    tasks = [
        task_payload(row, baselines) for row in plan_tasks(project).values(*TASK_PAYLOAD_FIELDS)
    ]
    return {
        "project": {
            "id": project.pk,
            "code": project.code,
            "name": project.name,
            "start": iso_utc(settings.computed_start or settings.start),
            "finish": iso_utc(settings.computed_finish),
            "status_date": iso_utc(settings.status_date),
            "today": iso_utc(timezone.now()),
            "timezone": settings.calendar.timezone,
            "hours_per_day": settings.calendar.hours_per_day,
            "version": settings.version,
            "days_off": days_off(settings),
        },
        "tasks": tasks,
        "links": links_payload(project),
    }


def days_off(settings) -> list[str]:
    """Local dates without working time on the plan's calendar (weekends, holidays,
    shutdowns), from two months before the plan to six after it, for the Gantt."""
    from .adapters import engine_calendar

    zone = zoneinfo.ZoneInfo(settings.calendar.timezone)
    start = (settings.computed_start or settings.start).astimezone(zone).date()
    finish = settings.computed_finish.astimezone(zone).date() if settings.computed_finish else start
    first, last = start - dt.timedelta(days=62), max(finish, start) + dt.timedelta(days=183)
    calendar = engine_calendar(settings.calendar, range(first.year, last.year + 1))
    return [day.isoformat() for day in calendar.days_off(first, last)]


def board_columns(project) -> dict[str, list[Task]]:
    from .choices import BoardStatus

    columns: dict[str, list[Task]] = {status: [] for status in BoardStatus.values}
    for task in plan_tasks(project).filter(is_summary=False).select_related("assignee"):
        columns[task.board_status].append(task)
    return columns


def task_table(project, baseline_number: int | None = None) -> list[dict]:
    """Rows of the plan table: the task, its predecessors as typed, baseline variance."""
    from .durations import format_duration
    from .predecessors import format_predecessors
    from .services import ensure_schedule

    settings = ensure_schedule(project)
    hours_per_day = settings.calendar.hours_per_day
    tasks = list(plan_tasks(project))
    outline_of = {task.pk: task.outline for task in tasks}
    links: dict[int, list[dict]] = {}
    for link in Dependency.objects.filter(successor__project=project).values(
        "successor_id",
        "predecessor_id",
        "type",
        "lag",
        "lag_unit",
        "predecessor__project__code",
        "predecessor__outline",
    ):
        if link["predecessor_id"] not in outline_of:
            link["external_label"] = (
                f"{link['predecessor__project__code']}:{link['predecessor__outline']}"
            )
        links.setdefault(link["successor_id"], []).append(link)
    baselines = baseline_dates(project, baseline_number)
    rows = []
    for task in tasks:
        base = baselines.get(task.pk)
        variance = None
        if base and base[1] and task.finish:
            # Finish variance in working days of the project calendar, rounded.
            variance = round((task.finish - base[1]).total_seconds() / 86400, 1)
        rows.append(
            {
                "task": task,
                "level": task.outline.count(".") if task.outline else 0,
                "duration": format_duration(task.duration_minutes, hours_per_day),
                "float": format_duration(task.total_float_minutes, hours_per_day)
                if task.total_float_minutes is not None
                else "",
                "predecessors": format_predecessors(
                    links.get(task.pk, []), outline_of, hours_per_day
                ),
                "baseline_finish": base[1] if base else None,
                "finish_variance_days": variance,
            }
        )
    return rows


def program_roadmap(user, program) -> dict:
    """The roadmap of a program's projects (see ``roadmap``)."""
    return roadmap(visible_projects(user).filter(program=program))


def roadmap(projects_queryset) -> dict:
    """Bars for projects and diamonds for their milestones, placed on a shared time axis
    (fractions 0..1 of the span of all of them) for the roadmap chart.
    """
    from django.db.models import F
    from django.db.models.functions import Coalesce

    projects = list(
        projects_queryset.annotate(
            bar_start=Coalesce(F("schedule__computed_start__date"), F("planned_start")),
            bar_finish=Coalesce(F("schedule__computed_finish__date"), F("planned_finish")),
        ).order_by("bar_start", "code")
    )
    milestones = list(
        Task.objects.filter(project__in=projects, is_milestone=True, finish__isnull=False)
        .order_by("finish")
        .values("project_id", "name", "finish", "is_critical", "total_float_minutes")
    )
    dates = [d for p in projects for d in (p.bar_start, p.bar_finish) if d]
    if not dates:
        return {"rows": [], "months": [], "today": None}
    first, last = min(dates), max(dates)
    first = first.replace(day=1)
    span = max((last - first).days, 1)

    def x(day):
        return max(0.0, min(1.0, (day - first).days / span))

    by_project: dict[int, list] = {}
    for m in milestones:
        day = timezone.localtime(m["finish"]).date()
        by_project.setdefault(m["project_id"], []).append(
            {
                "name": m["name"],
                "date": day,
                "x": x(day),
                "late": (m["total_float_minutes"] or 0) < 0,
            }
        )
    # One tick every 1, 3, 6 or 12 months so labels never overlap, whatever the span.
    span_months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(k for k, limit in ((1, 12), (3, 36), (6, 72), (12, 10**6)) if span_months <= limit)
    months = []
    cursor = first
    while cursor <= last:
        if (cursor.month - 1) % step == 0:
            months.append({"label": cursor.strftime("%b %Y"), "x": x(cursor)})
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    today = timezone.localdate()
    return {
        "rows": [
            {
                "project": p,
                "x0": x(p.bar_start) if p.bar_start else 0,
                "x1": x(p.bar_finish) if p.bar_finish else 0,
                "milestones": by_project.get(p.pk, []),
            }
            for p in projects
        ],
        "months": months,
        "today": x(today) if first <= today <= last else None,
    }


def calendars_with_usage(calendars):
    """Annotate calendars with their exception count and how many projects use them."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import CalendarException, ProjectSchedule

    def count(model, field):
        return Coalesce(
            Subquery(
                model.objects.filter(**{field: OuterRef("pk")})
                .values(field)
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    return calendars.select_related("portfolio").annotate(
        n_exceptions=count(CalendarException, "calendar"),
        n_projects=count(ProjectSchedule, "calendar"),
    )


def public_holidays(calendar: Calendar, first_year: int, years: int = 2) -> list[dict]:
    """The public holidays a calendar takes from its country, one entry per year (names
    in English where the ``holidays`` package has them); empty without a country."""
    from pmo.engine.calendars import country_holidays

    if not calendar.country:
        return []
    out = []
    for year in range(first_year, first_year + years):
        days = country_holidays(
            calendar.country, [year], calendar.subdivision or None, language="en_US"
        )
        out.append({"year": year, "days": [(d.start, d.name) for d in days]})
    return out


def schedule_summary(project) -> dict | None:
    """Key schedule figures for a project's overview: finish against the first baseline,
    progress, critical tasks and the next milestones.
    """
    from django.db.models import Count, Max, Min, Q

    from .models import ProjectSchedule

    settings = ProjectSchedule.objects.filter(project=project).select_related("calendar").first()
    if settings is None or settings.computed_finish is None:
        return None
    tasks = Task.objects.filter(project=project)
    figures = tasks.filter(is_summary=False).aggregate(
        critical=Count("pk", filter=Q(is_critical=True, percent_complete__lt=100)),
        late=Count("pk", filter=Q(total_float_minutes__lt=0)),
        total=Count("pk"),
        done=Count("pk", filter=Q(percent_complete=100)),
    )
    baseline = Baseline.objects.filter(project=project).order_by("number").first()
    baseline_finish = None
    if baseline is not None:
        baseline_finish = BaselineTask.objects.filter(baseline=baseline).aggregate(
            finish=Max("finish")
        )["finish"]
    roots = tasks.filter(parent__isnull=True)
    weights = [
        (t.duration_minutes or 0, t.percent_complete)
        for t in roots.only("duration_minutes", "percent_complete")
    ]
    total_weight = sum(w for w, _ in weights)
    percent = round(sum(w * p for w, p in weights) / total_weight) if total_weight else 0
    now = timezone.now()
    milestones = list(
        tasks.filter(is_milestone=True, finish__gte=now, percent_complete__lt=100)
        .order_by("finish")
        .values("pk", "name", "finish", "total_float_minutes")[:4]
    )
    slip = None
    if baseline_finish is not None:
        slip = round((settings.computed_finish - baseline_finish).total_seconds() / 86400)
    span = tasks.aggregate(start=Min("start"))
    return {
        "start": span["start"],
        "finish": settings.computed_finish,
        "baseline": baseline,
        "baseline_finish": baseline_finish,
        "slip_days": slip,
        "percent": percent,
        "milestones": milestones,
        "status_date": settings.status_date,
        **figures,
    }


def visible_calendars(user, project=None) -> QuerySet[Calendar]:
    """Organisation-wide calendars and those of the user's portfolios; for a project, only
    the ones it may use (organisation-wide or its own portfolio's).
    """
    from django.db.models import Q

    from pmo.portfolios.selectors import visible_portfolios

    queryset = Calendar.objects.filter(
        Q(portfolio__isnull=True) | Q(portfolio__in=visible_portfolios(user))
    )
    if project is not None:
        queryset = queryset.filter(Q(portfolio__isnull=True) | Q(portfolio=project.portfolio))
    return queryset
