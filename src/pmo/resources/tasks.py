"""Background work on resources: leveling previews. Bodies parse arguments and call
the services."""

from django.contrib.auth import get_user_model
from django.tasks import task

from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.jobs.services import job_task

from .models import LevelingRun
from .services import compute_preview


@task()
@job_task
def compute_leveling(*, job_id, progress, run_id: int, user_id: int) -> dict:
    run = LevelingRun.objects.select_related("project", "program").get(pk=run_id)
    user = get_user_model().objects.get(pk=user_id)
    # The right is checked again here: it may have been revoked since enqueueing.
    require(user, Action.CHANGE, run.scope)
    run = compute_preview(run, progress)
    return {
        "run": run.pk,
        "url": run.get_absolute_url(),
        "moves": len(run.preview["moves"]),
        "conflicts": len(run.preview["conflicts"]),
    }
