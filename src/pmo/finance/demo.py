"""Demo money: rates that price every plan, budgets from the baselines, six months of
actual costs and EVM snapshots, and a few projects in trouble so the dashboard tells a
story (late work, overspend, a forecast over budget).
"""

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db.models import DecimalField, ExpressionWrapper, F

from pmo.portfolios.choices import ProjectStatus
from pmo.schedules import services as plan_services
from pmo.schedules.models import BaselineTask, Task

from . import adapters
from .choices import CostCategory, CostSource, Expenditure
from .models import BudgetLine, CostEntry, Forecast
from .periods import month_end, month_start, next_month
from .services import take_snapshots

# Hourly rates that are whole cents per minute, so every task cost is exact.
RATES_PER_MINUTE = [Decimal("1.00"), Decimal("1.25"), Decimal("1.50"), Decimal("1.75")]
SUPPLIERS = ["Northwind Consulting", "Contoso Cloud", "Fabrikam Hardware", "Adatum Licences"]
HISTORY_MONTHS = 6


def _price(project, rate: Decimal) -> None:
    money = DecimalField(max_digits=14, decimal_places=2)
    Task.objects.filter(project=project, is_summary=False).update(
        cost=ExpressionWrapper(F("work_minutes") * rate, output_field=money)
    )
    BaselineTask.objects.filter(baseline__project=project, task__is_summary=False).update(
        cost=ExpressionWrapper(F("work_minutes") * rate, output_field=money)
    )


def _add_licence(project, amount: Decimal):
    """Licences are part of the plan: bought when the charter is approved (the first
    milestone), so they are in the baseline's BAC and earn their value on that day.
    """
    task = Task.objects.filter(project=project, is_milestone=True).order_by("sort_key").first()
    if task is None:
        return None
    Task.objects.filter(pk=task.pk).update(cost=F("cost") + amount)
    BaselineTask.objects.filter(task=task).update(cost=F("cost") + amount)
    return task


def _troubled(ctx) -> list:
    running = [
        p
        for p in ctx.projects
        if p.status == ProjectStatus.ACTIVE
        and p.planned_start
        and p.planned_start < ctx.as_of - dt.timedelta(days=120)
        and p.planned_finish
        and p.planned_finish > ctx.as_of + dt.timedelta(days=60)
    ]
    return ctx.rng.sample(running, min(len(running), max(3, len(ctx.projects) // 8)))


def _slip(project, as_of: dt.date) -> None:
    """Work behind plan: in-progress and recently finished tasks report less done."""
    recent = as_of - dt.timedelta(days=50)
    changed = []
    for task in Task.objects.filter(project=project, is_summary=False, percent_complete__gt=0):
        finish = task.finish.date() if task.finish else None
        if task.percent_complete < 100:
            task.percent_complete = task.percent_complete // 2
        elif finish and finish >= recent and not task.is_milestone:
            task.percent_complete, task.actual_finish = 60, None
        else:
            continue
        changed.append(task)
    Task.objects.bulk_update(changed, ["percent_complete", "actual_finish"], batch_size=1000)
    plan_services.reschedule(project)


def _earned_history(project_ids, when: dt.date) -> dict[int, int]:
    """EV (cents) of each baselined task at ``when``, read off the current schedule."""
    rows = Task.objects.filter(project_id__in=project_ids, is_summary=False).values_list(
        "pk", "start", "finish", "percent_complete"
    )
    out = {}
    end = dt.datetime.combine(when, dt.time(23, 59), tzinfo=dt.UTC)
    for pk, start, finish, percent in rows:
        if start is None or finish is None:
            continue
        span = (finish - start).total_seconds()
        done = 1.0 if finish <= end else 0.0 if span <= 0 else (end - start).total_seconds() / span
        out[pk] = min(max(done, 0.0), percent / 100)
    return out


def build(ctx) -> None:
    projects = [p for p in ctx.projects if p.baselines.exists()]
    if not projects:
        return
    troubled = _troubled(ctx)
    trouble_ids = {p.pk for p in troubled}
    overrun = {p.pk: 1.0 for p in projects}
    licences = {}
    for project in projects:
        _price(project, ctx.rng.choice(RATES_PER_MINUTE))
        overrun[project.pk] = ctx.rng.uniform(0.95, 1.05)
        amount = Decimal(ctx.rng.randrange(8, 60) * 1000)
        licences[project.pk] = (amount, _add_licence(project, amount))
    for project in troubled:
        _slip(project, ctx.as_of)
        overrun[project.pk] = ctx.rng.uniform(1.22, 1.38)
    ctx.say(f"  finance: priced {len(projects)} plans; {len(troubled)} projects in trouble")

    ids = [p.pk for p in projects]
    plan = adapters.load(ids, ctx.as_of, split_status=False)
    per_project = plan.project_inputs()
    months = [month_start(d) for d in plan.month_ends]
    lines, entries, forecasts = [], [], []
    for i, project in enumerate(projects):
        cumulative = per_project.pv[i]
        monthly = np.diff(np.concatenate([[0], cumulative]))
        licence, licence_task = licences[project.pk]
        bought = None
        if licence_task is not None:
            planned_on = BaselineTask.objects.filter(task=licence_task).values_list(
                "finish", flat=True
            )[:1]
            if planned_on and planned_on[0]:
                bought = month_start(planned_on[0].date())
                monthly[months.index(bought)] -= adapters.to_cents(licence)
        capex = ctx.rng.random() < 0.5
        for month, cents in zip(months, monthly, strict=True):
            if cents:
                lines.append(
                    BudgetLine(
                        project=project,
                        expenditure=Expenditure.CAPEX if capex else Expenditure.OPEX,
                        category=CostCategory.LABOUR,
                        month=month,
                        amount=adapters.from_cents(int(cents)),
                        description="Planned labour from the approved baseline",
                    )
                )
        if bought is not None:
            lines.append(
                BudgetLine(
                    project=project,
                    expenditure=Expenditure.CAPEX,
                    category=CostCategory.SOFTWARE,
                    month=bought,
                    amount=licence,
                    description="Licences and subscriptions",
                )
            )
            if licence_task.percent_complete == 100 and licence_task.finish:
                factor = Decimal(str(round(overrun[project.pk], 2)))
                entries.append(
                    CostEntry(
                        project=project,
                        task=licence_task,
                        source=CostSource.INVOICE,
                        expenditure=Expenditure.CAPEX,
                        category=CostCategory.SOFTWARE,
                        date=licence_task.finish.date(),
                        amount=(licence * factor).quantize(adapters.CENT),
                        reference=f"INV-{project.pk:04d}-01",
                        supplier=ctx.rng.choice(SUPPLIERS),
                        description="Licences and subscriptions",
                    )
                )

    # Labour actuals month by month: earned value of the month times the project's
    # cost efficiency, with some noise, booked at month end.
    start = min(months)
    month = start
    previous: dict[int, int] = {}
    task_project = dict(
        Task.objects.filter(project_id__in=ids, is_summary=False).values_list("pk", "project_id")
    )
    bac = {int(t): int(b) for t, b in zip(plan.task_ids, plan.inputs.bac, strict=True) if t}
    for amount, task in licences.values():
        if task is not None and task.pk in bac:
            bac[task.pk] -= adapters.to_cents(amount)
    while month <= ctx.as_of:
        when = min(month_end(month), ctx.as_of)
        done = _earned_history(ids, when)
        earned: dict[int, int] = {}
        for task_id, fraction in done.items():
            if task_id in bac:
                project_id = task_project[task_id]
                earned[project_id] = earned.get(project_id, 0) + round(bac[task_id] * fraction)
        for project in projects:
            delta = earned.get(project.pk, 0) - previous.get(project.pk, 0)
            if delta > 0:
                cost = delta * overrun[project.pk] * ctx.rng.uniform(0.95, 1.05)
                entries.append(
                    CostEntry(
                        project=project,
                        source=CostSource.LABOUR,
                        expenditure=Expenditure.OPEX,
                        category=CostCategory.LABOUR,
                        date=when,
                        amount=adapters.from_cents(round(cost)),
                        reference=f"TS-{when:%Y%m}",
                        description=f"Timesheets {when:%B %Y}",
                        import_key=f"demo:{project.pk}:{when:%Y-%m}",
                    )
                )
        previous = earned
        month = next_month(month)

    BudgetLine.objects.bulk_create(lines, batch_size=2000)
    CostEntry.objects.bulk_create(entries, batch_size=2000)

    # Forecasts: the remaining plan, inflated where the project overspends.
    for i, project in enumerate(projects):
        cumulative = per_project.pv[i]
        monthly = np.diff(np.concatenate([[0], cumulative]))
        for month_first, cents in zip(months, monthly, strict=True):
            if cents and month_first > ctx.as_of:
                factor = overrun[project.pk] if project.pk in trouble_ids else 1.0
                forecasts.append(
                    Forecast(
                        project=project,
                        category=CostCategory.LABOUR,
                        month=month_first,
                        amount=adapters.from_cents(round(int(cents) * factor)),
                        note="Remaining plan at current rates",
                    )
                )
    Forecast.objects.bulk_create(forecasts, batch_size=2000)
    ctx.say(
        f"  finance: {len(lines)} budget lines, {len(entries)} cost entries, "
        f"{len(forecasts)} forecasts"
    )

    # Six month-end snapshots, then one at the demo date from the live figures.
    every = list(ctx.projects)
    snapshot_dates = []
    cursor = month_start(ctx.as_of)
    for _ in range(HISTORY_MONTHS):
        cursor = month_start(cursor - dt.timedelta(days=1))
        snapshot_dates.insert(0, month_end(cursor))
    stored = 0
    for when in snapshot_dates:
        done = _earned_history([p.pk for p in every], when)
        stored += len(take_snapshots(every, when, earned=done))
    stored += len(take_snapshots(every, ctx.as_of))
    ctx.say(f"  finance: {stored} EVM snapshots over {HISTORY_MONTHS + 1} status dates")
    ctx.counts["troubled_projects"] = len(troubled)
