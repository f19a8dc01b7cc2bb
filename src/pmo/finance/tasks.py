"""Background work of finance: the month-end EVM snapshots. Task bodies parse arguments
and call the real code.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from pmo.jobs.services import job_task
from pmo.portfolios.models import Portfolio

from .periods import month_end, month_start
from .services import do_take_snapshots, take_snapshots


@task()
def take_month_end_snapshots(status_date: str | None = None) -> int:
    """Store last month's figures of record for every portfolio (run on the 1st)."""
    day = (
        dt.date.fromisoformat(status_date)
        if status_date
        else month_end(month_start(timezone.localdate()) - dt.timedelta(days=1))
    )
    return sum(len(take_snapshots(p.projects.all(), day)) for p in Portfolio.objects.all())


@task()
@job_task
def take_portfolio_snapshots(*, job_id, progress, user_id: int, portfolio_id: int, day: str):
    """Store the figures of one portfolio at a day, for the PMO's "store snapshot" button."""
    user = get_user_model().objects.get(pk=user_id)
    portfolio = Portfolio.objects.get(pk=portfolio_id)
    records = do_take_snapshots(user, portfolio, dt.date.fromisoformat(day), progress=progress)
    return {"stored": len(records), "status_date": day}
