"""Background work of reporting: portfolio documents, reminders, the weekly digest,
month-end snapshots. Task bodies parse arguments and call the real code.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.jobs.services import job_task
from pmo.portfolios.models import Portfolio

from . import exports, services

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@task()
@job_task
def export_portfolio_report(*, job_id, progress, user_id: int, portfolio_id: int, kind: str):
    user = get_user_model().objects.get(pk=user_id)
    portfolio = Portfolio.objects.get(pk=portfolio_id)
    # The permission is checked again here: it may have been revoked since enqueueing.
    require(user, Action.VIEW, portfolio)
    write = exports.portfolio_pdf if kind == "pdf" else exports.portfolio_xlsx
    content = write(user, portfolio, progress)
    today = timezone.localdate()
    relative = (
        Path("exports") / f"{portfolio.code}-portfolio-report-{today:%Y-%m-%d}-{job_id}.{kind}"
    )
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return {"file": str(relative), "bytes": len(content), "content_type": CONTENT_TYPES[kind]}


@task()
def send_status_reminders() -> int:
    return services.send_reminders(timezone.localdate())


@task()
def send_weekly_digest() -> int:
    return services.send_weekly_digest(timezone.localdate())
