"""Background jobs: progress is visible, results are kept, failures are recorded."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from pmo.jobs.models import Job
from pmo.jobs.services import do_start_job, report_progress
from pmo.portfolios.tasks import export_projects_csv


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_export_runs_and_reports_progress(org, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_job(
            org.people.pgm,
            export_projects_csv,
            label="Export",
            kwargs={"user_id": org.people.pgm.pk, "portfolio_id": org.p1.pk},
        )
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.percent == 100
    assert job.result["rows"] == 2
    with (Path(media) / job.result["file"]).open() as handle:
        rows = list(csv.reader(handle))
    # The program manager sees only the program's projects, so only those are exported.
    assert [row[0] for row in rows] == ["Code", "PRJ-A", "PRJ-B"]
    assert job.task_result_id


def test_failure_is_recorded_with_the_reason(org, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_job(
            org.people.member_a,
            export_projects_csv,
            label="Export",
            kwargs={"user_id": org.people.member_a.pk, "portfolio_id": org.p2.pk},
        )
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == "Failed: You may not view Operations."


def test_progress_is_readable_from_the_api_and_the_page(org, media, client):
    job = Job.objects.create(kind="x", label="Levelling", created_by=org.people.pm_a)
    report_progress(job.pk, 42.4, "Scheduling 420 of 1000 activities")
    api = APIClient()
    api.force_authenticate(org.people.pm_a)
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["percent"] == 42
    assert body["message"] == "Scheduling 420 of 1000 activities"
    assert body["status"] == "queued"
    client.force_login(org.people.pm_a)
    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'value="42"' in page
    assert 'hx-trigger="every 1s"' in page
    # Someone else's job is not visible.
    other = APIClient()
    other.force_authenticate(org.people.member_a)
    assert other.get(f"/api/v1/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_database_backend_and_worker_run_the_job(org, media):
    """The real path: enqueue into the database, then a worker process picks it up."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        job = do_start_job(
            org.people.admin,
            export_projects_csv,
            label="Export",
            kwargs={"user_id": org.people.admin.pk, "portfolio_id": org.p1.pk},
        )
        job.refresh_from_db()
        assert job.status == "queued"
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["rows"] == 3


def test_finished_job_links_to_its_result(org, client):
    job = Job.objects.create(
        kind="x",
        label="Leveling",
        created_by=org.people.pm_a,
        status="succeeded",
        percent=100,
        result={"url": "/projects/1/plan/"},
    )
    client.force_login(org.people.pm_a)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'href="/projects/1/plan/">Open the result</a>' in page
    assert 'hx-trigger="every 1s"' not in page
