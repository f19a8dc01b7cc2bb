"""Starting background jobs and reporting their progress.

A job is created in the request's transaction and its task is enqueued only after that
transaction commits, so a worker never picks up a job whose data is not yet visible.
Tasks report progress with ``report_progress``; each report is its own small write so
the UI sees it while the task is still running.
"""

import functools
import traceback
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .choices import JobStatus
from .models import Job


def do_start_job(actor, task, *, label: str, kwargs: dict | None = None) -> Job:
    """Create a job for ``task`` (a ``django.tasks`` task taking ``job_id``) and enqueue it."""
    job = Job.objects.create(kind=task.module_path, label=label, created_by=actor)

    def enqueue() -> None:
        result = task.enqueue(job_id=str(job.pk), **(kwargs or {}))
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def report_progress(job_id, percent: float, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        percent=max(0, min(100, round(percent))), message=message[:300]
    )


def job_task(function: Callable) -> Callable:
    """Wrap a task body so the job's status, timing, result and error are kept for it.

    The body receives ``job_id`` and a ``progress(percent, message)`` callback and
    returns a JSON-serialisable result.
    """

    @functools.wraps(function)
    def run(job_id: str, **kwargs):
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), message="Started"
        )

        def progress(percent: float, message: str = "") -> None:
            report_progress(job_id, percent, message)

        try:
            result = function(job_id=job_id, progress=progress, **kwargs)
        except Exception as error:
            Job.objects.filter(pk=job_id).update(
                status=JobStatus.FAILED,
                finished_at=timezone.now(),
                message=f"Failed: {error}"[:300],
                error=traceback.format_exc(),
            )
            raise
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
            percent=100,
            message="Done",
            result=result or {},
        )
        return result

    return run
