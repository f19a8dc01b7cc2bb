"""Resources through the services: over-allocation, leveling, timesheets, actuals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.resources import selectors, services
from pmo.resources.models import Assignment, Booking, LevelingRun, Timesheet
from pmo.schedules.models import Task

from .conftest import DAY, at, make_task

MONDAY = dt.date(2026, 3, 2)


def week_of(heat, label):
    return heat["rows"][[r.label for r in heat["rows"]].index(label)].cells


def test_two_parallel_tasks_over_allocate_a_person(pool):
    a = make_task(pool, "Build API", days=5)
    b = make_task(pool, "Build UI", days=5)
    admin = pool.people.admin
    services.do_assign(admin, task=a, resource=pool.dana)
    services.do_assign(admin, task=b, resource=pool.dana, units_pct=50)
    heat = selectors.heatmap(start=MONDAY, periods=2, granularity="week")
    first, second = week_of(heat, "Dana Dev")
    # 40 h of capacity; 40 h + 20 h of work in the week of 2 March: 150 %.
    assert (first["capacity"], first["demand"], first["pct"], first["over"]) == (
        40.0,
        60.0,
        150,
        True,
    )
    assert (second["demand"], second["over"]) == (0.0, False)
    assert heat["over_cells"] == 1


def test_work_in_another_portfolio_counts_in_the_heatmap(pool):
    a = make_task(pool, "Build API", days=5)
    c = make_task(pool, "Cloud move", days=5, project=pool.c)
    services.do_assign(pool.people.admin, task=a, resource=pool.dana)
    services.do_assign(pool.people.admin, task=c, resource=pool.dana)
    heat = selectors.heatmap(start=MONDAY, periods=1, portfolio=pool.p1)
    assert week_of(heat, "Dana Dev")[0]["demand"] == 80.0
    # pm_a may not see PRJ-C: its hours are summed as other work, with no task name.
    detail = selectors.cell_detail(
        pool.people.pm_a,
        group="resource",
        key=pool.dana.pk,
        start=MONDAY,
        end=MONDAY + dt.timedelta(days=6),
    )
    assert [(line["project"].code, line["task"], line["hours"]) for line in detail["lines"]] == [
        ("PRJ-A", "Build API", 40.0)
    ]
    assert detail["hidden"] == [{"resource": "Dana Dev", "hours": 40.0}]


def test_leave_removes_capacity_and_front_contour_loads_early_days(pool):
    services.do_add_capacity_change(
        pool.people.admin,
        pool.dana,
        start=dt.date(2026, 3, 9),
        end=dt.date(2026, 3, 13),
        reason="leave",
        percent=100,
    )
    task = make_task(pool, "Spec", days=2)
    services.do_assign(pool.people.admin, task=task, resource=pool.dana, contour="front")
    heat = selectors.heatmap(start=MONDAY, periods=2)
    first, second = week_of(heat, "Dana Dev")
    assert (first["capacity"], second["capacity"]) == (40.0, 0.0)
    detail = selectors.cell_detail(
        pool.people.admin, group="resource", key=pool.dana.pk, start=MONDAY, end=MONDAY
    )
    # 16 h split 2:1 over Monday and Tuesday.
    assert detail["demand"] == pytest.approx(10.7)


def test_bookings_count_only_where_the_project_has_no_tasks_yet(pool):
    services.do_book(
        pool.people.admin,
        project=pool.b,
        resource=pool.tom,
        month=dt.date(2026, 4, 17),
        hours=44,
        kind="hard",
    )
    booking = Booking.objects.get()
    assert (booking.month, booking.hours) == (dt.date(2026, 4, 1), Decimal("44.0"))
    heat = selectors.heatmap(start=dt.date(2026, 4, 1), periods=1, granularity="month")
    cell = week_of(heat, "Tom Test")[0]
    # April 2026: 22 working days, 176 h.
    assert (cell["capacity"], cell["demand"]) == (176.0, 44.0)


def test_replace_generic_role_with_a_person(pool):
    task = make_task(pool, "Build", days=2)
    services.do_assign(pool.people.admin, task=task, resource=pool.generic)
    services.do_book(
        pool.people.admin, project=pool.a, resource=pool.generic, month=MONDAY, hours=20
    )
    result = services.do_replace_role(
        pool.people.pm_a, project=pool.a, role_resource=pool.generic, person=pool.dana
    )
    assert result == {"assignments": 1, "merged": 0, "bookings": 1}
    assert Assignment.objects.get().resource == pool.dana
    assert Booking.objects.get().resource == pool.dana


def test_assigning_needs_the_right_to_change_the_project(pool):
    task = make_task(pool, "Build", days=2)
    with pytest.raises(PermissionDenied, match="You may not change PRJ-A Alpha app"):
        services.do_assign(pool.people.member_a, task=task, resource=pool.dana)


def test_level_apply_and_undo(pool, django_capture_on_commit_callbacks):
    a = make_task(pool, "Build API", days=3)
    b = make_task(pool, "Build UI", days=2)
    admin = pool.people.admin
    services.do_assign(admin, task=a, resource=pool.dana)
    services.do_assign(admin, task=b, resource=pool.dana)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.do_start_leveling(pool.people.pm_a, project=pool.a)
    run.refresh_from_db()
    assert run.status == "ready"
    assert run.job.status == "succeeded"
    [move] = run.preview["moves"]
    # Delaying the 2-day task by 3 days or the 3-day task by 2 gives the same finish;
    # the smaller total delay wins.
    assert (move["task"], move["shift_days"], move["new_start"]) == (
        "Build API",
        2,
        at(4).isoformat(),
    )
    assert move["reason"] == (
        "waited 2 working days for Dana Dev, fully booked on Mon 02 Mar 2026 by Build UI"
    )
    assert run.preview["finishes"][0]["new"] == at(6, 17).isoformat()
    assert run.preview["conflicts"] == []
    # Both tasks start on Monday: two days at 200 % before, none over after.
    assert run.preview["load"] == [{"resource": "Dana Dev", "before": 2, "after": 0}]

    assert services.do_apply_leveling(pool.people.pm_a, run) == 1
    a = Task.objects.get(pk=a.pk)
    assert (a.constraint_type, a.start, a.finish) == ("SNET", at(4), at(6, 17))
    heat = selectors.heatmap(start=MONDAY, periods=1)
    assert week_of(heat, "Dana Dev")[0]["over"] is False

    assert services.do_undo_leveling(pool.people.pm_a, run) == {"restored": 1, "kept": []}
    a = Task.objects.get(pk=a.pk)
    assert (a.constraint_type, a.constraint_date, a.start) == ("ASAP", None, at(2))
    assert LevelingRun.objects.get().status == "undone"


def test_apply_refuses_a_stale_preview(pool, django_capture_on_commit_callbacks):
    a = make_task(pool, "Build API", days=3)
    b = make_task(pool, "Build UI", days=2)
    services.do_assign(pool.people.admin, task=a, resource=pool.dana)
    services.do_assign(pool.people.admin, task=b, resource=pool.dana)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.do_start_leveling(pool.people.admin, project=pool.a)
    make_task(pool, "Late addition")
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="The plan of PRJ-A changed since this preview"):
        services.do_apply_leveling(pool.people.admin, run)
    assert Task.objects.get(pk=b.pk).constraint_type == "ASAP"


def test_team_member_cannot_level(pool):
    with pytest.raises(PermissionDenied):
        services.do_start_leveling(pool.people.member_a, project=pool.a)


def _week_with_hours(pool, minutes_by_day):
    task = make_task(pool, "Build API", days=10)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    sheet = services.do_save_timesheet(
        pool.people.member_a,
        resource=pool.dana,
        week=MONDAY,
        rows={assignment.pk: minutes_by_day},
    )
    return task, assignment, sheet


def test_timesheet_approval_prices_overtime_and_moves_progress(pool):
    task, assignment, sheet = _week_with_hours(pool, [600, 480, 480, 480, 480, 0, 0])
    services.do_submit_timesheet(pool.people.member_a, sheet)
    services.do_approve_timesheet(pool.people.pgm, sheet, comment="Thanks")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.decided_by, sheet.comment) == (
        "approved",
        pool.people.pgm,
        "Thanks",
    )
    # Monday: 8 h at 80 + 2 h overtime at 120 = 880; four 8-hour days at 640.
    assert [e.cost for e in sheet.entries.order_by("day")] == [
        Decimal("880.00"),
        *[Decimal("640.00")] * 4,
    ]
    assignment.refresh_from_db()
    assert (assignment.actual_minutes, assignment.actual_cost) == (2520, Decimal("3440.00"))
    # 42 h done of 80 h planned.
    assert Task.objects.get(pk=task.pk).percent_complete == 52
    assert selectors.labour_actuals([pool.a.pk]) == [
        (pool.a.pk, task.pk, dt.date(2026, 3, 1), 2520, Decimal("3440.00"))
    ]
    assert selectors.labour_actuals([pool.a.pk], until=dt.date(2026, 3, 2)) == [
        (pool.a.pk, task.pk, dt.date(2026, 3, 1), 600, Decimal("880.00"))
    ]


def test_unapproved_hours_are_not_actuals(pool):
    _, _, sheet = _week_with_hours(pool, [480, 0, 0, 0, 0, 0, 0])
    services.do_submit_timesheet(pool.people.member_a, sheet)
    assert selectors.labour_actuals([pool.a.pk]) == []


def test_nobody_approves_their_own_week_and_outsiders_cannot(pool):
    _, _, sheet = _week_with_hours(pool, [480, 0, 0, 0, 0, 0, 0])
    services.do_submit_timesheet(pool.people.member_a, sheet)
    with pytest.raises(PermissionDenied, match="Nobody approves their own timesheet"):
        services.do_approve_timesheet(pool.people.member_a, sheet)
    with pytest.raises(PermissionDenied, match="Only Dana Dev's manager or a PMO admin"):
        services.do_approve_timesheet(pool.people.outsider, sheet)


def test_reject_needs_a_comment_and_editing_returns_to_draft(pool):
    _, assignment, sheet = _week_with_hours(pool, [480, 0, 0, 0, 0, 0, 0])
    services.do_submit_timesheet(pool.people.member_a, sheet)
    with pytest.raises(ValidationError, match="Say what needs fixing"):
        services.do_reject_timesheet(pool.people.pgm, sheet, "  ")
    services.do_reject_timesheet(pool.people.pgm, sheet, "Monday was a holiday")
    sheet = services.do_save_timesheet(
        pool.people.member_a, resource=pool.dana, week=MONDAY, rows={assignment.pk: [0] * 7}
    )
    assert sheet.status == "draft"


def test_a_day_over_24_hours_is_refused_and_nothing_is_saved(pool):
    task = make_task(pool, "Build API", days=10)
    other = make_task(pool, "Review", days=10)
    a1 = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    a2 = services.do_assign(pool.people.admin, task=other, resource=pool.dana)
    with pytest.raises(ValidationError, match="Tue 03 Mar: 25 hours is more than a day holds"):
        services.do_save_timesheet(
            pool.people.member_a,
            resource=pool.dana,
            week=MONDAY,
            rows={a1.pk: [0, 780, 0, 0, 0, 0, 0], a2.pk: [0, 720, 0, 0, 0, 0, 0]},
        )
    assert not Timesheet.objects.exists()


def test_copy_last_week(pool):
    _week_with_hours(pool, [480, 240, 0, 0, 0, 0, 0])
    sheet = services.do_copy_last_week(
        pool.people.member_a, resource=pool.dana, week=MONDAY + dt.timedelta(days=7)
    )
    assert sorted(sheet.entries.values_list("day", "minutes")) == [
        (dt.date(2026, 3, 9), 480),
        (dt.date(2026, 3, 10), 240),
    ]


def test_approval_without_a_rate_is_refused(pool):
    task = make_task(pool, "Test", days=2)
    tom_user = pool.people.outsider
    pool.tom.user = tom_user
    pool.tom.save()
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.tom)
    sheet = services.do_save_timesheet(
        tom_user, resource=pool.tom, week=MONDAY, rows={assignment.pk: [480] + [0] * 6}
    )
    services.do_submit_timesheet(tom_user, sheet)
    with pytest.raises(ValidationError, match="Tom Test has no cost rate in force on 02 Mar 2026"):
        services.do_approve_timesheet(pool.people.admin, sheet)
    assert Timesheet.objects.get().status == "submitted"


def _submitted_weeks(pool):
    """Dana's week (approvable) and Tom's (Tom has no cost rate, so it is not)."""
    _, _, dana_week = _week_with_hours(pool, [480, 480, 0, 0, 0, 0, 0])
    services.do_submit_timesheet(pool.people.member_a, dana_week)
    pool.tom.user = pool.people.outsider
    pool.tom.save()
    test = make_task(pool, "Test", days=2)
    assignment = services.do_assign(pool.people.admin, task=test, resource=pool.tom)
    tom_week = services.do_save_timesheet(
        pool.people.outsider, resource=pool.tom, week=MONDAY, rows={assignment.pk: [480] + [0] * 6}
    )
    services.do_submit_timesheet(pool.people.outsider, tom_week)
    return dana_week, tom_week


def test_approving_several_weeks_is_all_or_nothing(pool):
    dana_week, tom_week = _submitted_weeks(pool)
    with pytest.raises(
        ValidationError,
        match="Tom Test · week of 02 Mar 2026: Tom Test has no cost rate in force on 02 Mar 2026",
    ):
        services.do_approve_timesheets(pool.people.admin, [dana_week, tom_week])
    # Dana's week came first and was approvable: it is rolled back with the rest.
    assert sorted(Timesheet.objects.values_list("status", flat=True)) == [
        "submitted",
        "submitted",
    ]
    assert Assignment.objects.get(resource=pool.dana).actual_minutes == 0

    approved = services.do_approve_timesheets(pool.people.admin, [dana_week], comment="ok")
    assert [(s.pk, s.status, s.comment) for s in approved] == [(dana_week.pk, "approved", "ok")]
    assert Assignment.objects.get(resource=pool.dana).actual_minutes == 960


def test_approving_several_weeks_needs_the_right_on_each(pool):
    dana_week, _ = _submitted_weeks(pool)
    with pytest.raises(
        PermissionDenied,
        match="Dana Dev · week of 02 Mar 2026: Nobody approves their own timesheet",
    ):
        services.do_approve_timesheets(pool.people.member_a, [dana_week])
    with pytest.raises(ValidationError, match="Select at least one week"):
        services.do_approve_timesheets(pool.people.admin, [])


def test_find_people_by_skill_and_availability(pool):
    from pmo.resources.models import Skill

    python = Skill.objects.create(name="Python")
    services.do_set_skill(pool.people.admin, pool.dana, python, 4)
    services.do_set_skill(pool.people.admin, pool.tom, python, 2)
    task = make_task(pool, "Build API", days=5)
    services.do_assign(pool.people.admin, task=task, resource=pool.dana, units_pct=50)
    week = (MONDAY, MONDAY + dt.timedelta(days=6))
    found = selectors.find_people(skill=python, start=week[0], end=week[1])
    assert [(r["resource"].name, r["free"], r["level"]) for r in found] == [
        ("Tom Test", 40.0, 2),
        ("Dana Dev", 20.0, 4),
    ]
    found = selectors.find_people(skill=python, min_level=3, start=week[0], end=week[1], hours=30)
    assert found == []
    assert DAY == 480


def test_level_within_slack_keeps_the_finish_and_reports_what_remains(
    pool, django_capture_on_commit_callbacks
):
    admin = pool.people.admin
    api = make_task(pool, "Build API", days=2)
    ui = make_task(pool, "Build UI", days=1)
    docs = make_task(pool, "Write docs", days=3)
    services.do_assign(admin, task=api, resource=pool.dana)
    services.do_assign(admin, task=ui, resource=pool.dana)
    services.do_assign(admin, task=docs, resource=pool.tom)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.do_start_leveling(admin, project=pool.a, mode="slack")
    run.refresh_from_db()
    # The docs take three days, so Dana's two tasks fit one after the other in them;
    # delaying the API by a day costs less delay than delaying the UI by two.
    [move] = run.preview["moves"]
    assert (move["task"], move["shift_days"], move["new_start"]) == (
        "Build API",
        1,
        at(3).isoformat(),
    )
    assert run.preview["finishes"][0]["delay_days"] == 0
    assert run.preview["conflicts"] == []


def test_level_within_slack_names_the_overload_it_cannot_resolve(
    pool, django_capture_on_commit_callbacks
):
    admin = pool.people.admin
    for name in ("Build API", "Build UI"):
        task = make_task(pool, name, days=2)
        services.do_assign(admin, task=task, resource=pool.dana)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.do_start_leveling(admin, project=pool.a, mode="slack")
    run.refresh_from_db()
    assert run.preview["moves"] == []
    assert run.preview["conflicts"] == [
        {
            "resource": "Dana Dev",
            "from": "2026-03-02",
            "to": "2026-03-03",
            "load_pct": 200,
            "capacity_pct": 100,
            "tasks": ["Build API", "Build UI"],
        }
    ]


def test_undo_leaves_a_task_changed_by_hand_since_and_names_it(
    pool, django_capture_on_commit_callbacks
):
    from pmo.schedules import services as plan_services

    a = make_task(pool, "Build API", days=3)
    b = make_task(pool, "Build UI", days=2)
    services.do_assign(pool.people.admin, task=a, resource=pool.dana)
    services.do_assign(pool.people.admin, task=b, resource=pool.dana)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.do_start_leveling(pool.people.pm_a, project=pool.a)
    run.refresh_from_db()
    services.do_apply_leveling(pool.people.pm_a, run)
    plan_services.do_update_task(pool.people.pm_a, Task.objects.get(pk=a.pk), constraint_date=at(9))
    assert services.do_undo_leveling(pool.people.pm_a, run) == {
        "restored": 0,
        "kept": ["Build API"],
    }
    assert Task.objects.get(pk=a.pk).start == at(9)


def test_a_team_is_red_only_when_it_is_short_as_a_whole(pool):
    from pmo.resources.models import Resource

    Resource.objects.create(
        kind="person", name="Dan Second", role=pool.developer, calendar=pool.calendar
    )
    for name in ("Build API", "Build UI"):
        task = make_task(pool, name, days=2)
        services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    heat = selectors.heatmap(start=MONDAY, periods=1, group="role")
    [cell] = week_of(heat, "Developer")
    # Dana is double-booked on Monday and Tuesday, but two developers have 80 h.
    assert (cell["capacity"], cell["demand"], cell["over"], cell["over_days"]) == (
        80.0,
        32.0,
        False,
        2,
    )
    [dana] = week_of(selectors.heatmap(start=MONDAY, periods=1), "Dana Dev")
    assert (dana["pct"], dana["over"], dana["over_days"]) == (80, True, 2)


def test_material_is_not_assigned_by_the_hour(pool):
    from pmo.resources.models import Resource

    concrete = Resource.objects.create(kind="material", name="Concrete", material_unit="m³")
    task = make_task(pool, "Pour slab", days=1)
    with pytest.raises(ValidationError, match="Concrete is material: it is consumed"):
        services.do_assign(pool.people.admin, task=task, resource=concrete)


def test_resource_weeks_show_available_planned_and_reported_hours(pool):
    task = make_task(pool, "Build API", days=10)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana, units_pct=50)
    services.do_save_timesheet(
        pool.people.member_a,
        resource=pool.dana,
        week=MONDAY,
        rows={assignment.pk: [240, 240, 0, 0, 0, 0, 0]},
    )
    weeks = selectors.resource_weeks(pool.dana, start=MONDAY, periods=3)
    assert weeks == {
        "labels": ["02 Mar", "09 Mar", "16 Mar"],
        "capacity": [40.0, 40.0, 40.0],
        "planned": [20.0, 20.0, 0.0],
        # A draft week is not reported yet.
        "actual": [0.0, 0.0, 0.0],
    }
