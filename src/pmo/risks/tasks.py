"""Background work of the risks app: Monte Carlo runs."""

from django.tasks import task

from pmo.jobs.services import job_task

from .models import SimulationRun
from .services import do_run_simulation


@task()
@job_task
def run_simulation(*, job_id, progress, run_id: int) -> dict:
    run = SimulationRun.objects.select_related("project").get(pk=run_id)
    return do_run_simulation(run, progress)
