"""The executive dashboard: what it shows, to whom, filters, drill-down, and a query
count that does not grow with the number of projects.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.finance.services import take_snapshots
from pmo.portfolios.models import Project
from pmo.reporting import dashboards, services

from .conftest import STATUS, fence_plan


def _running(project):
    project.status = "active"
    project.save(update_fields=["status"])
    return project


def _reported(project, author, percents=(100, 100, 50, 0)):
    fence_plan(project, percents=percents)
    report = services.create_report(project, dt.date(2024, 3, 1), STATUS, author)
    services.do_update_report(author, report, narrative="Status.")
    services.do_submit_report(author, report)
    return report


@pytest.fixture
def board_org(org):
    for project in (org.a, org.b, org.d):
        _running(project)
    report_a = _reported(org.a, org.people.pm_a)
    _reported(org.b, org.people.pgm, percents=(100, 100, 100, 100))
    take_snapshots([org.a, org.b, org.d], STATUS)
    return report_a


def test_grid_tiles_and_drill_down(client, org, board_org):
    board = dashboards.executive(org.people.admin, {"portfolio": org.p1.pk}, today=STATUS)
    rows = {r.project.code: r for r in board["rows"]}
    assert list(rows) == ["PRJ-A", "PRJ-B", "PRJ-D"]
    assert rows["PRJ-A"].overall == "red" and rows["PRJ-A"].report == board_org
    assert rows["PRJ-B"].ratings["cost"][0] == "green"
    assert rows["PRJ-D"].report is None and rows["PRJ-D"].overall == "none"
    k = board["kpis"]
    assert (k["projects"], k["red"], k["measured"], k["unreported"]) == (3, 1, 2, 1)
    # Money summed over the measured projects: A (PV 3,000 EV 2,500 AC 2,800) and B
    # (all four sides done at the end of day 3: EV 4,000, AC 2,800 booked so far).
    assert (k["bac"], k["pv"], k["ev"], k["ac"]) == (8000_00, 6000_00, 6500_00, 5600_00)
    assert k["burn"] == pytest.approx(5600 / 8000)
    # Plan vs actual vs forecast from the cost entries: no budget lines in this plan.
    cost = board["cost"]
    assert (cost.budget, cost.actual_to_date, cost.forecast_at_completion) == (0, 5600, 5600)
    client.force_login(org.people.admin)
    page = client.get(f"/dashboard/?portfolio={org.p1.pk}").content.decode()
    # A red rating links to the report that gave it.
    assert f'href="/reports/{board_org.pk}/" data-rag="red" data-dimension="schedule"' in page
    red_only = dashboards.executive(
        org.people.admin, {"portfolio": org.p1.pk, "only": "red"}, today=STATUS
    )
    assert [r.project.code for r in red_only["rows"]] == ["PRJ-A"]


def test_filters_by_program_and_manager(org, board_org):
    org.a.manager = org.people.pm_a
    org.a.save()
    by_program = dashboards.executive(org.people.admin, {"program": org.g1.pk}, today=STATUS)
    assert [r.project.code for r in by_program["rows"]] == ["PRJ-A", "PRJ-B"]
    by_manager = dashboards.executive(org.people.admin, {"manager": org.people.pm_a.pk})
    assert [r.project.code for r in by_manager["rows"]] == ["PRJ-A"]
    assert dashboards.parse_filters({"program": "x", "phase": "nope", "only": "red"}) == {
        "only": "red"
    }


def test_people_see_only_their_projects(client, org, board_org):
    member = dashboards.executive(org.people.member_a, {}, today=STATUS)
    assert [r.project.code for r in member["rows"]] == ["PRJ-A"]
    assert dashboards.executive(org.people.outsider, {}, today=STATUS)["rows"] == []
    assert client.get("/dashboard/").status_code == 302
    client.force_login(org.people.outsider)
    assert client.get(f"/programs/{org.g1.pk}/dashboard/").status_code == 404


def test_query_count_does_not_grow_with_projects(client, org, board_org):
    client.force_login(org.people.pfm)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/dashboard/?portfolio={org.p1.pk}").status_code == 200
        return len(queries)

    few = count()
    extra = []
    for n in range(5):
        project = Project.objects.create(
            portfolio=org.p1, program=org.g1, code=f"PRJ-X{n}", name=f"Extra {n}", status="active"
        )
        _reported(project, org.people.pgm)
        extra.append(project)
    take_snapshots([org.a, org.b, org.d, *extra], STATUS + dt.timedelta(days=1))
    assert count() == few
    # Session and user, grants, projects, snapshots, reports (3), thresholds, S-curve,
    # milestones (2), risks, budget/actual/forecast (3), filter options (3), subscription:
    # 21 at the time of writing.
    assert few <= 21


def test_api_health_grid(client, org, board_org):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(org.people.member_a)
    rows = api.get("/api/v1/dashboard/projects/").json()
    assert [r["code"] for r in rows] == ["PRJ-A"]
    assert rows[0]["ratings"]["schedule"] == "red"
    assert (rows[0]["bac"], rows[0]["ac"], rows[0]["report"]) == (
        "4000.00",
        "2800.00",
        board_org.pk,
    )
    reports = api.get("/api/v1/status-reports/").json()["results"]
    assert [(r["project"], r["state"]) for r in reports] == [(org.a.pk, "submitted")]
    api.force_authenticate(org.people.outsider)
    assert api.get("/api/v1/dashboard/projects/").json() == []
    assert api.get(f"/api/v1/status-reports/{board_org.pk}/").status_code == 404


def test_api_report_workflow_goes_through_the_same_rules(org, fence):
    from rest_framework.test import APIClient

    pm, reviewer = APIClient(), APIClient()
    pm.force_authenticate(org.people.pm_a)
    reviewer.force_authenticate(org.people.pgm)
    created = pm.post(
        "/api/v1/status-reports/", {"project": org.a.pk, "period": "2026-01-15"}, format="json"
    )
    assert created.status_code == 201, created.json()
    report = created.json()
    assert (report["period"], report["state"]) == ("2026-01-01", "draft")
    url = f"/api/v1/status-reports/{report['id']}/"
    no_reason = pm.post(f"{url}rating/", {"dimension": "cost", "value": "green"}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json() == {
        "reason": ["Say why cost is green although the thresholds give red."]
    }
    assert pm.post(f"{url}submit/").json() == {
        "narrative": ["Write the narrative before submitting the report."]
    }
    assert pm.patch(url, {"narrative": "Fence done."}, format="json").status_code == 200
    assert pm.post(f"{url}submit/").json()["state"] == "submitted"
    member = APIClient()
    member.force_authenticate(org.people.member_a)
    assert member.post(f"{url}review/", {"accept": True}, format="json").status_code == 403
    reviewed = reviewer.post(f"{url}review/", {"accept": True, "comment": "OK"}, format="json")
    assert reviewed.json()["state"] == "reviewed"
    outsider = APIClient()
    outsider.force_authenticate(org.people.outsider)
    assert outsider.post(f"{url}submit/").status_code == 404
