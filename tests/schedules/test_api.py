"""The plan API: every write answers with the re-scheduled tasks; errors name tasks."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pmo.schedules import services
from pmo.schedules.models import Dependency, Task

from .conftest import at

DAY = 480


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_create_link_and_move_through_the_api(api, plan):
    client = api(plan.people.pm_a)
    first = client.post(
        "/api/v1/tasks/",
        {"project": plan.a.pk, "name": "Design", "duration_minutes": 2 * DAY},
        format="json",
    )
    assert first.status_code == 201, first.json()
    assert first.json()["task"]["start"] == "2026-03-02T08:00:00Z"
    assert first.json()["task"]["finish"] == "2026-03-03T17:00:00Z"
    assert first.json()["finish"] == "2026-03-03T17:00:00Z"
    first = first.json()["task"]
    second = client.post(
        "/api/v1/tasks/",
        {"project": plan.a.pk, "name": "Build", "duration_minutes": DAY},
        format="json",
    ).json()["task"]
    link = client.post(
        "/api/v1/dependencies/",
        {"predecessor": first["id"], "successor": second["id"], "type": "FS"},
        format="json",
    )
    assert link.status_code == 201, link.json()
    changed = {t["id"]: t for t in link.json()["changed"]}
    assert changed[second["id"]]["start"] == "2026-03-04T08:00:00Z"
    assert len(link.json()["links"]) == 1

    moved = client.patch(
        f"/api/v1/tasks/{first['id']}/", {"start": "2026-03-09T08:00:00Z"}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    body = moved.json()
    assert body["task"]["constraint_type"] == "SNET"
    changed = {t["id"]: t for t in body["changed"]}
    assert changed[second["id"]]["start"] == "2026-03-11T08:00:00Z"
    assert body["finish"] == "2026-03-11T17:00:00Z"


def test_cycle_is_a_400_naming_the_cycle(api, plan):
    a, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="A")
    b, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="B")
    services.do_link(plan.people.pm_a, predecessor=a, successor=b)
    response = api(plan.people.pm_a).post(
        "/api/v1/dependencies/", {"predecessor": b.pk, "successor": a.pk}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == (
        "These dependencies form a cycle, so none of these tasks could ever start: "
        + ("A → B → A." if body["cycle"][0] == a.pk else "B → A → B.")
    )
    assert sorted(body["cycle"]) == sorted([a.pk, b.pk])
    assert Dependency.objects.count() == 1


def test_reschedule_endpoint_and_settings(api, plan):
    services.do_create_task(plan.people.pm_a, project=plan.a, name="Only", duration_minutes=DAY)
    client = api(plan.people.pm_a)
    response = client.post(f"/api/v1/projects/{plan.a.pk}/schedule/")
    assert response.status_code == 200
    assert response.json()["finish"] == "2026-03-02T17:00:00Z"
    response = client.patch(
        f"/api/v1/projects/{plan.a.pk}/schedule/", {"start": "2026-03-09T08:00:00Z"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["finish"] == "2026-03-09T17:00:00Z"
    assert Task.objects.get(name="Only").start == at(9, 8)


def test_team_member_may_report_progress_but_not_replan(api, plan):
    task, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="Work")
    services.do_update_schedule_settings(plan.people.pm_a, plan.a, status_date=at(2, 17))
    client = api(plan.people.member_a)
    denied = client.patch(f"/api/v1/tasks/{task.pk}/", {"duration_minutes": 60}, format="json")
    assert denied.status_code == 403
    allowed = client.patch(
        f"/api/v1/tasks/{task.pk}/",
        {
            "percent_complete": 100,
            "actual_start": "2026-03-02T08:00:00Z",
            "actual_finish": "2026-03-02T17:00:00Z",
        },
        format="json",
    )
    assert allowed.status_code == 200, allowed.json()
    assert allowed.json()["task"]["percent_complete"] == 100


def test_other_projects_tasks_are_invisible(api, plan):
    task, _ = services.do_create_task(plan.people.pgm, project=plan.b, name="Secret")
    client = api(plan.people.member_a)
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/{plan.b.pk}/gantt/").status_code == 404


def test_gantt_payload_shape(api, plan):
    phase, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="Phase")
    services.do_create_task(
        plan.people.pm_a, project=plan.a, name="A", parent=phase, duration_minutes=DAY
    )
    services.do_capture_baseline(plan.people.pm_a, plan.a, number=0)
    body = api(plan.people.pm_a).get(f"/api/v1/projects/{plan.a.pk}/gantt/").json()
    assert body["project"]["code"] == "PRJ-A"
    assert [t["outline"] for t in body["tasks"]] == ["1", "1.1"]
    leaf = body["tasks"][1]
    assert leaf["level"] == 2
    assert leaf["parent"] == phase.pk
    assert leaf["baseline_finish"] == "2026-03-02T17:00:00Z"
    assert body["tasks"][0]["summary"] is True
    assert body["links"] == []


def test_gantt_payload_lists_the_days_off_of_the_plans_calendar(api, plan):
    from pmo.schedules.models import CalendarException, ProjectSchedule

    services.do_create_task(plan.people.pm_a, project=plan.a, name="A", duration_minutes=DAY)
    calendar = ProjectSchedule.objects.get(project=plan.a).calendar
    calendar.country, calendar.subdivision = "GB", "ENG"
    calendar.save()
    CalendarException.objects.create(
        calendar=calendar, name="Offsite", start=dt.date(2026, 3, 11), end=dt.date(2026, 3, 12)
    )
    body = api(plan.people.pm_a).get(f"/api/v1/projects/{plan.a.pk}/gantt/").json()
    off = body["project"]["days_off"]
    # Weekends, the offsite, and Good Friday and Easter Monday (England), in order.
    assert [d for d in off if "2026-03-07" <= d <= "2026-03-15"] == [
        "2026-03-07",
        "2026-03-08",
        "2026-03-11",
        "2026-03-12",
        "2026-03-14",
        "2026-03-15",
    ]
    assert {"2026-04-03", "2026-04-06"} <= set(off)
    assert "2026-03-02" not in off
    # From two months before the plan's start (2 March; 30 and 31 December work, New
    # Year's Day does not) to six months after its finish.
    assert off[0] == "2026-01-01" and off[-1] >= "2026-08-29"


def test_calendar_api_validates_hours(api, plan):
    response = api(plan.people.admin).post(
        "/api/v1/calendars/",
        {
            "name": "Night shift",
            "timezone": "Europe/Berlin",
            "week": [["22:00-26:00"], [], [], [], [], [], []],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Monday" in str(response.json())
    denied = api(plan.people.pm_a).post(
        "/api/v1/calendars/", {"name": "Mine", "timezone": "UTC"}, format="json"
    )
    assert denied.status_code == 403
