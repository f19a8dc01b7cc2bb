"""Re-scheduling through the services: exact dates, roll-ups, errors, permissions."""

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.schedules import services
from pmo.schedules.models import Dependency, ProjectSchedule, Task

from .conftest import at

DAY = 480


def make(org, name, days=1, **fields):
    task, _ = services.do_create_task(
        org.people.pm_a,
        project=fields.pop("project", org.a),
        name=name,
        duration_minutes=days * DAY,
        **fields,
    )
    return task


def fresh(task):
    return Task.objects.get(pk=task.pk)


def test_finish_to_start_chain_gets_exact_working_dates(plan):
    a = make(plan, "Specify", days=2)
    b = make(plan, "Build", days=3)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b)
    a, b = fresh(a), fresh(b)
    assert (a.start, a.finish) == (at(2, 8), at(3, 17))
    # Build starts the next working morning and takes Wed, Thu, Fri.
    assert (b.start, b.finish) == (at(4, 8), at(6, 17))
    assert a.is_critical and b.is_critical
    assert a.total_float_minutes == 0
    assert ProjectSchedule.objects.get(project=plan.a).computed_finish == at(6, 17)


def test_weekend_is_skipped_and_lag_counts_working_time(plan):
    a = make(plan, "Order", days=4)
    b = make(plan, "Install", days=1)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b, lag=2 * DAY)
    b = fresh(b)
    # A ends Thu 5 March; two working days of lag (Fri, Mon) put B on Tuesday 10 March.
    assert (b.start, b.finish) == (at(10, 8), at(10, 17))


def test_elapsed_lag_counts_the_weekend(plan):
    a = make(plan, "Pour concrete", days=5)
    b = make(plan, "Load slab", days=1)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b, lag=2 * 1440, lag_unit="em")
    # A ends Fri 6 March 17:00; 48 hours of curing end Sun 8 March 17:00: B starts Monday.
    assert fresh(b).start == at(9, 8)


def test_start_to_start_with_lag_and_free_float(plan):
    a = make(plan, "Write code", days=5)
    b = make(plan, "Write tests", days=2)
    c = make(plan, "Release", days=1)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b, type="SS", lag=DAY)
    services.do_link(plan.people.pm_a, predecessor=a, successor=c)
    services.do_link(plan.people.pm_a, predecessor=b, successor=c)
    b = fresh(b)
    assert (b.start, b.finish) == (at(3, 8), at(4, 17))
    # Tests finish Wed; Release waits for the code (Fri): two days of float on the tests.
    assert b.total_float_minutes == 2 * DAY
    assert b.free_float_minutes == 2 * DAY
    assert not b.is_critical
    assert fresh(c).start == at(9, 8)


def test_summary_rolls_up_dates_and_progress(plan):
    phase = make(plan, "Design", days=0)
    a = make(plan, "Sketch", days=1, parent=phase)
    b = make(plan, "Detail", days=3, parent=phase)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b)
    services.do_update_task(plan.people.pm_a, fresh(a), percent_complete=100)
    # Reported progress implies the task ran as scheduled.
    assert (fresh(a).actual_start, fresh(a).actual_finish) == (at(2, 8), at(2, 17))
    services.do_update_schedule_settings(plan.people.pm_a, plan.a, status_date=at(2, 17))
    phase = fresh(phase)
    assert phase.is_summary
    assert (phase.start, phase.finish) == (at(2, 8), at(5, 17))
    assert phase.duration_minutes == 4 * DAY
    # Duration-weighted: 1 day done of 4.
    assert phase.percent_complete == 25
    assert (fresh(a).outline, fresh(b).outline, phase.outline) == ("1.1", "1.2", "1")


def test_cycle_is_refused_naming_it_and_nothing_changes(plan):
    a = make(plan, "Alpha", days=1)
    b = make(plan, "Bravo", days=1)
    c = make(plan, "Charlie", days=1)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b)
    services.do_link(plan.people.pm_a, predecessor=b, successor=c)
    before = fresh(c).start
    with pytest.raises(services.ScheduleError) as caught:
        services.do_link(plan.people.pm_a, predecessor=c, successor=a)
    message = caught.value.detail_message
    assert message.startswith("These dependencies form a cycle")
    assert set(caught.value.cycle) == {a.pk, b.pk, c.pk}
    for name in ("Alpha", "Bravo", "Charlie"):
        assert name in message
    assert Dependency.objects.count() == 2
    assert fresh(c).start == before


def test_summary_tasks_cannot_be_linked(plan):
    phase = make(plan, "Phase", days=0)
    make(plan, "Inside", parent=phase)
    other = make(plan, "Other")
    with pytest.raises(services.ScheduleError, match="'Phase' is a summary task"):
        services.do_link(plan.people.pm_a, predecessor=phase, successor=other)


def test_moving_a_bar_sets_start_no_earlier_than_and_pushes_successors(plan):
    a = make(plan, "Prepare", days=1)
    b = make(plan, "Deliver", days=1)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b)
    task, result = services.do_move_task(plan.people.pm_a, fresh(a), at(11, 8))
    assert task.constraint_type == "SNET"
    assert (task.start, task.finish) == (at(11, 8), at(11, 17))
    assert fresh(b).start == at(12, 8)
    assert set(result.changed_ids) == {a.pk, b.pk}


def test_missed_deadline_shows_negative_float_not_an_error(plan):
    a = make(plan, "Long job", days=5)
    services.do_update_task(plan.people.pm_a, fresh(a), deadline=at(4, 17))
    a = fresh(a)
    assert a.finish == at(6, 17)
    assert a.total_float_minutes == -2 * DAY
    assert a.is_critical


def test_predecessor_notation_creates_typed_links_with_lags(plan):
    a = make(plan, "One", days=2)
    b = make(plan, "Two", days=1)
    c = make(plan, "Three", days=1)
    services.do_set_predecessors(plan.people.pm_a, fresh(c), "1SS+1d, 2")
    links = {
        (link.predecessor_id, link.type, link.lag, link.lag_unit)
        for link in Dependency.objects.filter(successor=c)
    }
    assert links == {(a.pk, "SS", DAY, "wm"), (b.pk, "FS", 0, "wm")}
    with pytest.raises(services.ScheduleError, match="No task numbered 9 in this project"):
        services.do_set_predecessors(plan.people.pm_a, fresh(c), "9")
    with pytest.raises(services.ScheduleError, match="is not understood"):
        services.do_set_predecessors(plan.people.pm_a, fresh(c), "two")
    assert Dependency.objects.filter(successor=c).count() == 2


def test_cross_project_link_inside_a_program_cascades(plan):
    a = make(plan, "API ready", days=3)
    b, _ = services.do_create_task(
        plan.people.pgm, project=plan.b, name="Use the API", duration_minutes=DAY
    )
    services.do_link(plan.people.pgm, predecessor=a, successor=b)
    assert fresh(b).start == at(5, 8)
    services.do_update_task(plan.people.pm_a, fresh(a), duration_minutes=5 * DAY)
    # Project B follows project A's change in the same transaction.
    assert fresh(b).start == at(9, 8)


def test_cross_project_link_outside_the_program_is_refused(plan):
    a = make(plan, "In A", days=1)
    services.ensure_schedule(plan.d)
    d, _ = services.do_create_task(plan.people.pfm, project=plan.d, name="In D")
    with pytest.raises(services.ScheduleError, match="only inside one program"):
        services.do_link(plan.people.pfm, predecessor=a, successor=d)


def test_team_member_reports_progress_but_cannot_change_the_plan(plan):
    a = make(plan, "Work", days=2)
    services.do_update_schedule_settings(plan.people.pm_a, plan.a, status_date=at(2, 17))
    with pytest.raises(PermissionDenied):
        services.do_update_task(plan.people.member_a, fresh(a), duration_minutes=DAY)
    task, _ = services.do_report_progress(
        plan.people.member_a, fresh(a), percent_complete=50, actual_start=at(2, 8)
    )
    assert task.percent_complete == 50
    with pytest.raises(TypeError, match="Progress updates cannot change"):
        services.do_report_progress(plan.people.member_a, fresh(a), duration_minutes=1)


def test_status_date_reschedules_unfinished_work_after_it(plan):
    a = make(plan, "Started late", days=4)
    services.do_update_schedule_settings(plan.people.pm_a, plan.a, status_date=at(5, 17))
    services.do_update_task(plan.people.pm_a, fresh(a), actual_start=at(2, 8), percent_complete=25)
    a = fresh(a)
    # One day done, three remain after the status date (Thu 5, evening): Fri 6 to Tue 10.
    assert a.start == at(2, 8)
    assert a.finish == at(10, 17)


def test_progress_after_the_status_date_is_refused(plan):
    a = make(plan, "Future work", days=2)
    services.do_update_schedule_settings(plan.people.pm_a, plan.a, status_date=at(2, 17))
    with pytest.raises(ValidationError) as caught:
        services.do_update_task(plan.people.pm_a, fresh(a), actual_start=at(4, 8))
    assert caught.value.message_dict["actual_start"] == [
        "The actual start (04 Mar 2026 08:00) is after the status date (02 Mar 2026 17:00): "
        "progress can only be reported up to it. Move the status date or correct the date."
    ]


def test_baseline_keeps_the_plan_and_variance_shows(plan):
    from pmo.schedules.selectors import task_table

    a = make(plan, "Estimate", days=2)
    baseline = services.do_capture_baseline(plan.people.pm_a, plan.a, number=0, name="Approved")
    assert baseline.tasks.get(task=a).finish == at(3, 17)
    services.do_update_task(plan.people.pm_a, fresh(a), duration_minutes=3 * DAY)
    row = next(r for r in task_table(plan.a, 0) if r["task"].pk == a.pk)
    assert row["baseline_finish"] == at(3, 17)
    assert row["finish_variance_days"] == 1.0
    with pytest.raises(ValidationError, match="numbered 0 to 10"):
        services.do_capture_baseline(plan.people.pm_a, plan.a, number=11)
    # Saving over it again keeps its name unless a new one is given.
    again = services.do_capture_baseline(plan.people.pm_a, plan.a, number=0)
    assert (again.name, again.tasks.get(task=a).finish) == ("Approved", at(4, 17))
    renamed = services.do_capture_baseline(plan.people.pm_a, plan.a, number=0, name="Re-plan")
    assert str(renamed) == "Baseline 0: Re-plan"


def test_failed_change_rolls_back_the_whole_write(plan):
    a = make(plan, "Alpha", days=1)
    b = make(plan, "Bravo", days=1)
    services.do_link(plan.people.pm_a, predecessor=a, successor=b)
    with pytest.raises(services.ScheduleError):
        services.do_set_predecessors(plan.people.pm_a, fresh(a), "2")
    assert list(Dependency.objects.values_list("predecessor", "successor")) == [(a.pk, b.pk)]
