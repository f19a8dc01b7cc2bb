"""Resource API: the same rules as the pages, as JSON."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pmo.resources import services
from pmo.resources.models import Assignment, LevelingRun, Timesheet

from .conftest import at, make_task


@pytest.fixture
def api():
    return APIClient()


def test_assign_through_the_api_and_refuse_a_member(pool, api):
    task = make_task(pool, "Build API", days=2)
    api.force_authenticate(pool.people.member_a)
    denied = api.post(
        "/api/v1/assignments/", {"task": task.pk, "resource": pool.dana.pk}, format="json"
    )
    assert denied.status_code == 403
    api.force_authenticate(pool.people.pm_a)
    made = api.post(
        "/api/v1/assignments/",
        {"task": task.pk, "resource": pool.dana.pk, "units_pct": 50},
        format="json",
    )
    assert made.status_code == 201
    assert (made.data["units_pct"], made.data["work_minutes"]) == (50, 480)
    again = api.post(
        "/api/v1/assignments/", {"task": task.pk, "resource": pool.dana.pk}, format="json"
    )
    assert again.status_code == 400
    assert again.data == {"resource": ["Dana Dev is already assigned to 'Build API'."]}


def test_heatmap_api_counts_all_work(pool, api):
    a = make_task(pool, "Build API", days=5)
    c = make_task(pool, "Cloud move", days=5, project=pool.c)
    services.do_assign(pool.people.admin, task=a, resource=pool.dana)
    services.do_assign(pool.people.admin, task=c, resource=pool.dana)
    api.force_authenticate(pool.people.pm_a)
    body = api.get(
        "/api/v1/capacity/heatmap/", {"start": "2026-03-02", "periods": 1, "group": "role"}
    ).data
    developer = next(row for row in body["rows"] if row["label"] == "Developer")
    cell = developer["cells"][0]
    assert (cell["capacity"], cell["demand"], cell["over"], cell["start"]) == (
        40.0,
        80.0,
        True,
        "2026-03-02",
    )
    bad = api.get("/api/v1/capacity/heatmap/", {"group": "colour"})
    assert bad.status_code == 400
    assert bad.data == {"group": ["Use one of resource, role, skill, unit."]}


def test_level_apply_undo_through_the_api(pool, api, django_capture_on_commit_callbacks):
    for name, days in (("Build API", 3), ("Build UI", 2)):
        task = make_task(pool, name, days=days)
        services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    api.force_authenticate(pool.people.pm_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/leveling-runs/", {"project": pool.a.pk}, format="json")
    assert started.status_code == 202
    run = LevelingRun.objects.get()
    assert run.status == "ready"
    applied = api.post(f"/api/v1/leveling-runs/{run.pk}/apply/")
    assert applied.data["status"] == "applied"
    again = api.post(f"/api/v1/leveling-runs/{run.pk}/apply/")
    assert again.status_code == 400
    assert again.data == {"non_field_errors": ["This leveling is applied: nothing to apply."]}
    undone = api.post(f"/api/v1/leveling-runs/{run.pk}/undo/")
    assert undone.data["status"] == "undone"
    assert make_task(pool, "probe").start == at(2)


def test_timesheet_save_submit_approve_api(pool, api):
    task = make_task(pool, "Build API", days=10)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    api.force_authenticate(pool.people.member_a)
    saved = api.post(
        "/api/v1/timesheets/save/",
        {"week": "2026-03-02", "rows": {str(assignment.pk): [480, 480, 0, 0, 0, 0, 0]}},
        format="json",
    )
    assert saved.status_code == 200, saved.data
    sheet_id = saved.data["id"]
    assert api.post(f"/api/v1/timesheets/{sheet_id}/submit/").data["status"] == "submitted"
    own = api.post(f"/api/v1/timesheets/{sheet_id}/approve/")
    assert own.status_code == 403
    api.force_authenticate(pool.people.pgm)
    approved = api.post(f"/api/v1/timesheets/{sheet_id}/approve/", {"comment": "ok"})
    assert approved.data["status"] == "approved"
    assert [e["cost"] for e in approved.data["entries"]] == ["640.00", "640.00"]
    assert Assignment.objects.get().actual_minutes == 960
    actuals = api.get("/api/v1/capacity/labour-actuals/", {"project": pool.a.pk}).data
    assert actuals == [
        {
            "project": pool.a.pk,
            "task": task.pk,
            "month": "2026-03-01",
            "minutes": 960,
            "cost": "1280.00",
        }
    ]
    assert Timesheet.objects.get().decided_by == pool.people.pgm


def test_approve_several_timesheets_api(pool, api):
    task = make_task(pool, "Build API", days=10)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    ids = []
    for monday in (dt.date(2026, 3, 2), dt.date(2026, 3, 9)):
        sheet = services.do_save_timesheet(
            pool.people.member_a,
            resource=pool.dana,
            week=monday,
            rows={assignment.pk: [480, 0, 0, 0, 0, 0, 0]},
        )
        ids.append(services.do_submit_timesheet(pool.people.member_a, sheet).pk)
    api.force_authenticate(pool.people.pgm)
    unknown = api.post("/api/v1/timesheets/approve/", {"ids": [*ids, 999999]}, format="json")
    assert unknown.status_code == 400
    assert unknown.data == {"ids": ["Not waiting for your approval: [999999]."]}
    assert set(Timesheet.objects.values_list("status", flat=True)) == {"submitted"}
    approved = api.post("/api/v1/timesheets/approve/", {"ids": ids, "comment": "ok"}, format="json")
    assert approved.status_code == 200, approved.data
    assert [(s["id"], s["status"]) for s in approved.data] == [
        (ids[0], "approved"),
        (ids[1], "approved"),
    ]
    assert Assignment.objects.get().actual_minutes == 960
    api.force_authenticate(pool.people.member_a)
    assert api.post("/api/v1/timesheets/approve/", {"ids": []}, format="json").status_code == 400


def test_cost_rates_are_hidden_from_non_admins(pool, api):
    api.force_authenticate(pool.people.pm_a)
    assert api.get("/api/v1/cost-rates/").data["count"] == 0
    api.force_authenticate(pool.people.admin)
    assert api.get("/api/v1/cost-rates/").data["count"] == 1


def test_find_people_api(pool, api):
    from pmo.resources.models import Skill

    python = Skill.objects.create(name="Python")
    services.do_set_skill(pool.people.admin, pool.dana, python, 3)
    api.force_authenticate(pool.people.pm_a)
    found = api.get(
        "/api/v1/capacity/find-people/",
        {"skill": python.pk, "start": "2026-03-02", "end": "2026-03-08"},
    ).data
    assert [(r["name"], r["free"], r["level"]) for r in found] == [("Dana Dev", 40.0, 3)]
    assert dt.date(2026, 3, 2).weekday() == 0


def test_only_pmo_admins_change_the_pool(pool, api):
    body = {"kind": "person", "name": "Nina New", "units": 1, "availability_pct": 80}
    api.force_authenticate(pool.people.pm_a)
    assert api.post("/api/v1/resources/", body, format="json").status_code == 403
    api.force_authenticate(pool.people.admin)
    made = api.post("/api/v1/resources/", body, format="json")
    assert made.status_code == 201
    assert (made.data["name"], made.data["availability_pct"]) == ("Nina New", 80)
    role = api.post("/api/v1/resources/", {"kind": "role", "name": "Any"}, format="json")
    assert role.data == {"role": ["A generic role resource needs the role it stands for."]}
    # Retiring keeps the history: the resource stays, inactive.
    assert api.delete(f"/api/v1/resources/{made.data['id']}/").status_code == 204
    assert api.get(f"/api/v1/resources/{made.data['id']}/").data["is_active"] is False
