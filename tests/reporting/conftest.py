"""A project with a plan, a baseline, progress and costs: Mulcahy's fence (see
tests/finance/test_evm.py for the source), so every rating has a published basis.
"""

import datetime as dt
from decimal import Decimal

import pytest

STATUS = dt.date(2024, 3, 6)


def _at(text: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(hour), tzinfo=dt.UTC)


def fence_plan(project, percents=(100, 100, 50, 0), costs=("1000", "1200", "600")):
    from pmo.finance.models import CostEntry
    from pmo.schedules.models import Baseline, BaselineTask, Task

    baseline = Baseline.objects.create(project=project, number=0, name="Approved")
    tasks = []
    for n, percent in enumerate(percents, start=1):
        day = f"2024-03-{3 + n:02d}"
        task = Task.objects.create(
            project=project,
            name=f"Side {n}",
            position=n,
            sort_key=f"{n:05d}",
            start=_at(day, 8),
            finish=_at(day, 17),
            cost=Decimal(1000),
            percent_complete=percent,
            actual_finish=_at(day, 17) if percent == 100 else None,
        )
        BaselineTask.objects.create(
            baseline=baseline, task=task, start=task.start, finish=task.finish, cost=task.cost
        )
        tasks.append(task)
    for task, amount in zip(tasks, costs, strict=False):
        CostEntry.objects.create(
            project=project, task=task, category="labour", date=task.start.date(), amount=amount
        )
    return tasks


@pytest.fixture
def fence(org):
    return fence_plan(org.a)


@pytest.fixture
def report(fence, org):
    from pmo.reporting.services import create_report

    return create_report(org.a, dt.date(2024, 3, 1), STATUS, org.people.pm_a)
