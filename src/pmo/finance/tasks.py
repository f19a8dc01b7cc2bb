"""Background work of finance: the month-end EVM snapshots. Task bodies parse arguments
and call the real code.
"""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from pmo.portfolios.models import Portfolio

from .periods import month_end, month_start
from .services import take_snapshots


@task()
def take_month_end_snapshots(status_date: str | None = None) -> int:
    """Store last month's figures of record for every portfolio (run on the 1st)."""
    day = (
        dt.date.fromisoformat(status_date)
        if status_date
        else month_end(month_start(timezone.localdate()) - dt.timedelta(days=1))
    )
    return sum(len(take_snapshots(p.projects.all(), day)) for p in Portfolio.objects.all())
