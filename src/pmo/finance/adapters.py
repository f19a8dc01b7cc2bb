"""The one place that maps plans, baselines and costs to the earned value engine and back.

Rows of the engine input are the baseline's work tasks (summary tasks are left out, their
money is their children's) plus one row per project for costs that are not booked to a
baselined task. The period grid is calendar months.

EV of a task is its baseline cost times its reported percent complete: progress is what
the plan reports now, so figures for a status date are only true when taken at that date;
that is why monthly snapshots are stored and never recomputed.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from pmo.engine.evm import EvmFigures, EvmInput, PeriodGrid, evaluate, rollup, spread_budget
from pmo.schedules.models import Baseline, BaselineTask, Task

from .models import CostEntry, Forecast
from .periods import month_end, month_start, month_starts

CENT = Decimal("0.01")


def to_cents(amount: Decimal | int | float | None) -> int:
    if amount is None:
        return 0
    return int((Decimal(amount) * 100).to_integral_value())


def from_cents(cents: int | float | None) -> Decimal | None:
    if cents is None:
        return None
    return (Decimal(round(cents)) / 100).quantize(CENT)


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


@dataclass(frozen=True)
class EvmData:
    """Engine input for a set of projects at one status date, with the ids of each row."""

    status_date: dt.date
    project_ids: list[int]
    baseline_numbers: dict[int, int]
    grid: PeriodGrid
    month_ends: list[dt.date]  # the last day of each period of the grid
    task_ids: np.ndarray  # 0 on the per-project row of unassigned costs
    project_index: np.ndarray  # row -> position in project_ids
    inputs: EvmInput
    at: float
    # Finished work is measured at its actual finish, so SPI(t) keeps its final value.
    task_at: np.ndarray
    project_at: np.ndarray

    def figures(self, eac_method: str = "cpi") -> EvmFigures:
        return evaluate(self.inputs, self.task_at, eac_method=eac_method)

    def project_inputs(self) -> EvmInput:
        return rollup(self.inputs, self.project_index, len(self.project_ids))

    def project_figures(self, eac_method: str = "cpi") -> EvmFigures:
        return evaluate(self.project_inputs(), self.project_at, eac_method=eac_method)


def chosen_baselines(project_ids, baseline_number: int | None = None) -> dict[int, tuple[int, int]]:
    """Project id -> (baseline id, number): the given number, or each project's lowest."""
    chosen: dict[int, tuple[int, int]] = {}
    rows = Baseline.objects.filter(project_id__in=project_ids)
    if baseline_number is not None:
        rows = rows.filter(number=baseline_number)
    for project_id, pk, number in rows.order_by("project_id", "-number").values_list(
        "project_id", "pk", "number"
    ):
        chosen[project_id] = (pk, number)
    return chosen


def rate_based_remaining(project_ids, status_date: dt.date) -> dict[int, int]:
    """Task id -> cost still to come (cents) of its resource assignments: remaining work
    times each resource's standard rate in force at ``status_date``.

    Tasks without assignments are absent; their remaining cost comes from the plan's
    task cost instead.
    """
    from pmo.resources.models import Assignment, CostRate

    assignments = list(
        Assignment.objects.filter(task__project_id__in=project_ids).values_list(
            "task_id", "resource_id", "work_minutes", "actual_minutes"
        )
    )
    if not assignments:
        return {}
    rates: dict[int, Decimal] = {}
    for resource_id, standard in (
        CostRate.objects.filter(
            resource_id__in={a[1] for a in assignments}, effective_from__lte=status_date
        )
        .order_by("resource_id", "effective_from")
        .values_list("resource_id", "standard")
    ):
        rates[resource_id] = standard
    out: dict[int, int] = {}
    for task_id, resource_id, work, actual in assignments:
        remaining = Decimal(max(work - actual, 0)) / 60 * rates.get(resource_id, Decimal(0))
        out[task_id] = out.get(task_id, 0) + to_cents(remaining)
    return out


@dataclass(frozen=True)
class Raw:
    """Everything read from the database for a set of projects at one status date."""

    status_date: dt.date
    project_ids: list[int]
    baselines: dict[int, tuple[int, int]]
    planned: list[tuple]  # (task id, project id, start, finish, cost) of baselined work
    progress: dict[int, tuple]  # task id -> (project id, percent, plan cost)
    finished_on: dict[int, dt.date]
    spent: list[tuple]  # (project id, task id or None, total) up to the status date
    future: dict[int, Decimal]  # project id -> forecasts of the months after it
    by_rates: dict[int, int]


def fetch(project_ids, status_date: dt.date, baseline_number: int | None = None) -> Raw:
    """Read baselines, progress, actual costs and forecasts of ``project_ids`` (six queries)."""
    project_ids = list(project_ids)
    baselines = chosen_baselines(project_ids, baseline_number)
    planned = list(
        BaselineTask.objects.filter(
            baseline_id__in=[b for b, _ in baselines.values()],
            task__is_summary=False,
            start__isnull=False,
            finish__isnull=False,
        ).values_list("task_id", "baseline__project_id", "start", "finish", "cost")
    )
    progress, finished_on = {}, {}
    for pk, project_id, percent, cost, actual_finish in Task.objects.filter(
        project_id__in=project_ids, is_summary=False
    ).values_list("pk", "project_id", "percent_complete", "cost", "actual_finish"):
        progress[pk] = (project_id, percent, cost)
        if percent == 100 and actual_finish is not None:
            finished_on[pk] = min(_day(actual_finish), status_date)
    spent = list(
        CostEntry.objects.filter(project_id__in=project_ids, date__lte=status_date)
        .values_list("project_id", "task_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    future = dict(
        Forecast.objects.filter(project_id__in=project_ids, month__gt=status_date)
        .values_list("project_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return Raw(
        status_date=status_date,
        project_ids=project_ids,
        baselines=baselines,
        planned=planned,
        progress=progress,
        finished_on=finished_on,
        spent=spent,
        future=future,
        by_rates=rate_based_remaining(project_ids, status_date),
    )


def load(
    project_ids,
    status_date: dt.date,
    baseline_number: int | None = None,
    *,
    period: str = "month",
    split_status: bool = True,
) -> EvmData:
    """Engine input of ``project_ids`` at ``status_date`` (see :func:`build`)."""
    return build(
        fetch(project_ids, status_date, baseline_number), period=period, split_status=split_status
    )


def build(
    raw: Raw,
    *,
    period: str = "month",
    split_status: bool = True,
    only: list[int] | None = None,
    earned: dict[int, float] | None = None,
) -> EvmData:
    """Arrays for the engine from what :func:`fetch` read.

    ``period`` "month" gives a grid of calendar months (the common grid on which
    projects add up to programs and portfolios); with ``split_status`` the status date
    also ends a period, so PV at a mid-month status date is exact rather than
    interpolated over the month. ``period`` "day" gives one period per calendar day
    from the first planned day: earned schedule in days, for one project's figures.
    ``only`` keeps a subset of the projects; ``earned`` replaces the reported percent
    complete (fraction 0..1 per task id), for reconstructing past periods.
    """
    if period not in ("month", "day"):
        raise ValueError(f"period must be 'month' or 'day', not {period!r}")
    status_date = raw.status_date
    project_ids = list(raw.project_ids if only is None else only)
    position = {pk: i for i, pk in enumerate(project_ids)}
    planned = [row for row in raw.planned if row[1] in position]

    n_tasks = len(planned)
    n = n_tasks + len(project_ids)
    task_ids = np.zeros(n, dtype=np.int64)
    project_index = np.empty(n, dtype=np.intp)
    bac = np.zeros(n, dtype=np.int64)
    starts = np.empty(n, dtype="datetime64[D]")
    finishes = np.empty(n, dtype="datetime64[D]")
    row_of_task: dict[int, int] = {}
    for row, (task_id, project_id, start, finish, cost) in enumerate(planned):
        task_ids[row] = task_id
        project_index[row] = position[project_id]
        bac[row] = to_cents(cost)
        starts[row] = _day(start)
        finishes[row] = max(_day(finish), _day(start))
        row_of_task[task_id] = row
    project_index[n_tasks:] = np.arange(len(project_ids))

    first = min([status_date, *(s for s in starts[:n_tasks].tolist())])
    last = max([status_date, *(f for f in finishes[:n_tasks].tolist())])
    if period == "day":
        origin = first
        ends = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    else:
        origin = month_start(first)
        ends = [month_end(m) for m in month_starts(first, last)]
        if split_status and status_date not in ends:
            ends = sorted([*ends, status_date])
    grid = PeriodGrid.from_dates(origin, ends)
    # The per-project rows carry no plan: a zero budget at the grid start.
    starts[n_tasks:] = np.datetime64(origin, "D")
    finishes[n_tasks:] = np.datetime64(origin, "D")
    pv = spread_budget(bac, starts, finishes, grid)

    ev = np.zeros(n, dtype=np.int64)
    etc = np.zeros(n, dtype=np.int64)
    for row in range(n_tasks):
        task_id = int(task_ids[row])
        if earned is not None:
            ev[row] = round(int(bac[row]) * earned.get(task_id, 0.0))
        else:
            _, percent, _ = raw.progress.get(task_id, (0, 0, 0))
            ev[row] = round(int(bac[row]) * percent / 100)
    for task_id, (project_id, percent, cost) in raw.progress.items():
        if project_id not in position:
            continue
        # Bottom-up ETC of every task, baselined or added since: remaining work at the
        # resources' rates where it is assigned, else the plan's remaining task cost.
        row = row_of_task.get(task_id, n_tasks + position[project_id])
        remaining = raw.by_rates.get(task_id)
        if remaining is None:
            remaining = round(to_cents(cost) * (100 - percent) / 100)
        etc[row] += remaining
    for project_id, total in raw.future.items():
        if project_id in position:
            etc[n_tasks + position[project_id]] += to_cents(total)

    ac = np.zeros(n, dtype=np.int64)
    for project_id, task_id, total in raw.spent:
        if project_id not in position:
            continue
        row = row_of_task.get(task_id) if task_id is not None else None
        if row is None:
            row = n_tasks + position[project_id]
        ac[row] += to_cents(total)

    at = float(grid.status_position(status_date))
    task_at = np.full(n, at)
    last_finish = np.full(len(project_ids), -np.inf)
    if earned is None:
        for row in range(n_tasks):
            day = raw.finished_on.get(int(task_ids[row]))
            if day is not None:
                task_at[row] = float(grid.status_position(day))
                p = project_index[row]
                last_finish[p] = max(last_finish[p], task_at[row])
    per_project = rollup(EvmInput(pv=pv, ev=ev, ac=ac), project_index, len(project_ids))
    done = (per_project.bac > 0) & (per_project.ev >= per_project.bac) & np.isfinite(last_finish)
    project_at = np.where(done, last_finish, at)

    return EvmData(
        status_date=status_date,
        project_ids=project_ids,
        baseline_numbers={
            pk: number for pk, (_, number) in raw.baselines.items() if pk in position
        },
        grid=grid,
        month_ends=ends,
        task_ids=task_ids,
        project_index=project_index,
        inputs=EvmInput(pv=pv, ev=ev, ac=ac, etc=etc),
        at=at,
        task_at=task_at,
        project_at=project_at,
    )


def pv_curve(data: EvmData, pv_row: np.ndarray) -> dict:
    """The month ends and cumulative PV (cents) of one rolled-up row, without the flat
    stretches before its start and after it reaches BAC.
    """
    keep = [i for i, d in enumerate(data.month_ends) if d == month_end(d)]
    pv_row = np.asarray(pv_row)[keep]
    ends = [data.month_ends[i] for i in keep]
    if not pv_row.size or pv_row[-1] == 0:
        return {"months": [], "pv": []}
    nonzero = np.flatnonzero(pv_row)
    first = max(int(nonzero[0]) - 1, 0)
    last = int(np.flatnonzero(pv_row >= pv_row[-1])[0])
    return {
        "months": [d.isoformat() for d in ends[first : last + 1]],
        "pv": [int(v) for v in pv_row[first : last + 1]],
    }
