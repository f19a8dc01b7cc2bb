"""Background work on portfolios. Task bodies parse arguments and call the real code."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task

from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.jobs.services import job_task

from .exports import write_projects_csv
from .models import Portfolio
from .selectors import visible_projects


@task()
@job_task
def export_projects_csv(*, job_id, progress, user_id: int, portfolio_id: int) -> dict:
    user = get_user_model().objects.get(pk=user_id)
    portfolio = Portfolio.objects.get(pk=portfolio_id)
    # The permission is checked again here: it may have been revoked since enqueueing.
    require(user, Action.VIEW, portfolio)
    relative = Path("exports") / f"{portfolio.code}-projects-{job_id}.csv"
    progress(0, "Collecting projects")
    rows = write_projects_csv(
        visible_projects(user).filter(portfolio=portfolio),
        Path(settings.MEDIA_ROOT) / relative,
        progress,
    )
    return {"file": str(relative), "rows": rows, "content_type": "text/csv"}
