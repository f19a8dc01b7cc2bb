"""A project whose plan is a published earned value example, built through the models."""

import datetime as dt
from decimal import Decimal

import pytest


def day(text: str, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(hour), tzinfo=dt.UTC)


def build_plan(project, rows, *, baseline_number: int = 0):
    """``rows``: (name, start, finish, budget, percent, actual finish or None).

    Creates the tasks with their dates, and a baseline holding those dates and budgets.
    """
    from pmo.schedules.models import Baseline, BaselineTask, Task

    baseline = Baseline.objects.create(project=project, number=baseline_number, name="Approved")
    tasks = []
    for position, (name, start, finish, budget, percent, finished) in enumerate(rows, start=1):
        task = Task.objects.create(
            project=project,
            name=name,
            position=position,
            sort_key=f"{position:05d}",
            outline=str(position),
            start=day(start),
            finish=day(finish, 17),
            cost=Decimal(budget),
            percent_complete=percent,
            actual_start=day(start) if percent else None,
            actual_finish=day(finished, 17) if finished else None,
        )
        BaselineTask.objects.create(
            baseline=baseline,
            task=task,
            start=day(start),
            finish=day(finish, 17),
            cost=Decimal(budget),
        )
        tasks.append(task)
    return tasks


@pytest.fixture
def fence(org):
    """Mulcahy's fence: four sides, one a day from Mon 4 Mar 2024, $1,000 each; at the end
    of day 3 sides 1-2 are done, side 3 is half done; AC 1,000 + 1,200 + 600.
    """
    from pmo.finance.models import CostEntry

    tasks = build_plan(
        org.a,
        [
            ("Side 1", "2024-03-04", "2024-03-04", "1000", 100, "2024-03-04"),
            ("Side 2", "2024-03-05", "2024-03-05", "1000", 100, "2024-03-05"),
            ("Side 3", "2024-03-06", "2024-03-06", "1000", 50, None),
            ("Side 4", "2024-03-07", "2024-03-07", "1000", 0, None),
        ],
    )
    for task, amount in zip(tasks, ("1000", "1200", "600"), strict=False):
        CostEntry.objects.create(
            project=org.a, task=task, category="labour", date=task.start.date(), amount=amount
        )
    return tasks
