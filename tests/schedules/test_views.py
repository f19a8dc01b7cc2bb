"""Plan pages: inline editing, errors shown where they belong, settings, calendars."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pmo.schedules import services
from pmo.schedules.models import Calendar, Dependency, ProjectSchedule, Task

from .conftest import at

DAY = 480


@pytest.fixture
def pm_client(client, plan):
    client.force_login(plan.people.pm_a)
    return client


def add(client, project, **data):
    return client.post(reverse("schedules:task-create", args=[project.pk]), data)


def test_add_tasks_with_predecessors_from_the_plan_page(pm_client, plan):
    add(pm_client, plan.a, name="Design", duration_minutes="2d")
    response = add(pm_client, plan.a, name="Build", duration_minutes="3d", predecessors="1")
    assert response.status_code == 200
    build = Task.objects.get(name="Build")
    assert (build.start, build.finish) == (at(4, 8), at(6, 17))
    body = response.content.decode()
    assert "Build" in body and "Design" in body


def test_a_cycle_typed_in_the_table_is_shown_on_the_predecessors_field(pm_client, plan):
    add(pm_client, plan.a, name="Alpha", duration_minutes="1d")
    add(pm_client, plan.a, name="Bravo", duration_minutes="1d", predecessors="1")
    alpha = Task.objects.get(name="Alpha")
    response = pm_client.post(
        reverse("schedules:task-row-edit", args=[alpha.pk]),
        {
            "name": "Alpha",
            "duration_minutes": "1d",
            "predecessors": "2",
            "percent_complete": 0,
            "constraint_type": "ASAP",
        },
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#task-{alpha.pk}"
    body = response.content.decode()
    assert "These dependencies form a cycle" in body
    assert "Alpha → Bravo → Alpha" in body or "Bravo → Alpha → Bravo" in body
    assert Dependency.objects.count() == 1


def test_bad_duration_is_a_field_error(pm_client, plan):
    response = add(pm_client, plan.a, name="Odd", duration_minutes="soon")
    assert response["HX-Retarget"] == "#add-task"
    assert "is not a duration; use e.g. 5d, 3h, 2w or 90m." in response.content.decode()
    assert not Task.objects.filter(name="Odd").exists()


def test_team_member_cannot_add_tasks(client, plan):
    client.force_login(plan.people.member_a)
    response = add(client, plan.a, name="Sneaky", duration_minutes="1d")
    assert response.status_code == 403
    page = client.get(reverse("schedules:plan", args=[plan.a.pk]))
    assert page.status_code == 200
    assert "Add a task" not in page.content.decode()


def test_schedule_settings_move_the_plan(pm_client, plan):
    add(pm_client, plan.a, name="Only", duration_minutes="1d")
    calendar = ProjectSchedule.objects.get(project=plan.a).calendar
    response = pm_client.post(
        reverse("schedules:schedule-settings", args=[plan.a.pk]),
        {
            "calendar": calendar.pk,
            "direction": "forward",
            "start": "2026-03-09T08:00",
            "critical_float_minutes": 0,
        },
    )
    assert response.status_code == 302
    assert Task.objects.get(name="Only").start == at(9, 8)


def test_backward_scheduling_needs_a_finish_date(pm_client, plan):
    calendar = ProjectSchedule.objects.get(project=plan.a).calendar
    response = pm_client.post(
        reverse("schedules:schedule-settings", args=[plan.a.pk]),
        {
            "calendar": calendar.pk,
            "direction": "backward",
            "start": "2026-03-09T08:00",
            "critical_float_minutes": 0,
        },
    )
    assert response.status_code == 400
    assert "Backward scheduling needs a finish date." in response.content.decode()


def test_calendar_with_a_holiday_reschedules_its_plans(client, plan):
    services.do_create_task(plan.people.pm_a, project=plan.a, name="Work", duration_minutes=DAY)
    calendar = ProjectSchedule.objects.get(project=plan.a).calendar
    client.force_login(plan.people.admin)
    response = client.post(
        reverse("schedules:calendar-update", args=[calendar.pk]),
        {
            "name": "Office",
            "timezone": "UTC",
            "hours_per_day": 8,
            "monday": "08:00-12:00, 13:00-17:00",
            "tuesday": "08:00-12:00, 13:00-17:00",
            "wednesday": "08:00-12:00, 13:00-17:00",
            "thursday": "08:00-12:00, 13:00-17:00",
            "friday": "08:00-12:00, 13:00-17:00",
            "saturday": "",
            "sunday": "",
            "exceptions-TOTAL_FORMS": 1,
            "exceptions-INITIAL_FORMS": 0,
            "exceptions-0-name": "Company day",
            "exceptions-0-start": "2026-03-02",
            "exceptions-0-end": "2026-03-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Calendar.objects.get(pk=calendar.pk).exceptions.count() == 1
    # Monday is now a holiday: the work moves to Tuesday.
    assert Task.objects.get(name="Work").start == at(3, 8)


def test_calendar_country_holidays_are_days_off_and_listed(client, plan):
    services.do_create_task(plan.people.pm_a, project=plan.a, name="Work", duration_minutes=DAY)
    calendar = ProjectSchedule.objects.get(project=plan.a).calendar
    client.force_login(plan.people.admin)
    url = reverse("schedules:calendar-update", args=[calendar.pk])
    week = {day: "08:00-12:00, 13:00-17:00" for day in ("monday", "tuesday", "wednesday")}
    week |= {"thursday": "08:00-12:00, 13:00-17:00", "friday": "08:00-12:00, 13:00-17:00"}
    body = {
        "name": "Office",
        "timezone": "UTC",
        "hours_per_day": 8,
        **week,
        "exceptions-TOTAL_FORMS": 0,
        "exceptions-INITIAL_FORMS": 0,
    }
    page = client.get(url).content.decode()
    assert '<option value="NL">Netherlands</option>' in page
    bad = client.post(url, {**body, "country": "XX"})
    assert bad.status_code == 400
    assert "Select a valid choice. XX is not one of the available choices." in bad.content.decode()
    # The plan starts on Easter Monday (6 April 2026), a Dutch public holiday.
    schedule = ProjectSchedule.objects.get(project=plan.a)
    schedule.start = at(6, 8, month=4)
    schedule.save()
    response = client.post(url, {**body, "country": "NL"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Task.objects.get(name="Work").start == at(7, 8, month=4)
    page = client.get(url).content.decode()
    assert "Public holidays from the country (NL)" in page
    assert "Easter Monday" in page


def test_plan_offers_the_first_free_baseline_and_names_the_one_it_would_replace(pm_client, plan):
    services.do_create_task(plan.people.pm_a, project=plan.a, name="Work", duration_minutes=DAY)
    services.do_capture_baseline(plan.people.pm_a, plan.a, number=0, name="Approved")
    page = pm_client.get(reverse("schedules:plan", args=[plan.a.pk])).content.decode()
    assert 'data-replaces="Baseline 0: Approved, saved ' in page
    assert '<option value="1" selected>Baseline 1 (free)</option>' in page
    response = pm_client.post(
        reverse("schedules:baseline-capture", args=[plan.a.pk]), {"number": 1}, follow=True
    )
    today = timezone.localdate()
    assert f"Baseline 1: Plan of {today:%d %b %Y} saved: 1 task as planned now." in (
        response.content.decode()
    )


def test_calendar_hours_errors_name_the_day(client, plan):
    client.force_login(plan.people.admin)
    response = client.post(
        reverse("schedules:calendar-create"),
        {
            "name": "Broken",
            "timezone": "UTC",
            "hours_per_day": 8,
            "monday": "17:00-08:00",
            "exceptions-TOTAL_FORMS": 0,
            "exceptions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 400
    assert "Monday: " in response.content.decode()
    assert not Calendar.objects.filter(name="Broken").exists()


def test_board_drop_marks_done_and_reports_progress(client, plan):
    task, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="Card")
    services.do_update_schedule_settings(plan.people.pm_a, plan.a, status_date=at(2, 17))
    client.force_login(plan.people.member_a)
    response = client.post(reverse("schedules:board-move", args=[task.pk]), {"status": "done"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.board_status, task.percent_complete) == ("done", 100)
    # Done on the board means done by the status date, not at the planned future dates.
    assert (task.actual_start, task.actual_finish) == (at(2, 17), at(2, 17))


def test_roadmap_shows_the_programs_projects(client, plan):
    services.do_create_task(plan.people.pm_a, project=plan.a, name="Go live", is_milestone=True)
    client.force_login(plan.people.pgm)
    response = client.get(reverse("schedules:roadmap", args=[plan.g1.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "PRJ-A" in body
    assert "Go live" in body


def test_task_page_sets_a_deadline_and_shows_links(pm_client, plan):
    a, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="Prepare")
    b, _ = services.do_create_task(plan.people.pm_a, project=plan.a, name="Deliver")
    services.do_link(plan.people.pm_a, predecessor=a, successor=b, lag=2 * DAY)
    page = pm_client.get(reverse("schedules:task-detail", args=[b.pk]))
    assert "FS+2d" in page.content.decode()
    response = pm_client.post(
        reverse("schedules:task-detail", args=[a.pk]),
        {
            "name": "Prepare",
            "duration_minutes": "1d",
            "work_minutes": "8",
            "cost": "1200.50",
            "constraint_type": "ASAP",
            "percent_complete": 0,
            "board_status": "todo",
            "deadline": "2026-03-02T12:00",
            "notes": "Ask legal first.",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.notes == "Ask legal first."
    assert str(a.cost) == "1200.50"
    assert a.work_minutes == 480  # "8" is hours of work
    page = pm_client.get(reverse("schedules:task-detail", args=[a.pk])).content.decode()
    assert 'value="8h"' in page
    # Due at noon, finishing at 17:00: four working hours late.
    assert a.total_float_minutes == -240
