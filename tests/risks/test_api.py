"""Risk API: register, escalation, RAID items, estimates and the simulation endpoint."""

import pytest
from rest_framework.test import APIClient

from pmo.risks.models import Escalation, RaidItem, Risk
from pmo.schedules import services as plan_services

from .conftest import make_risk


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_raise_a_risk_in_a_project_register(api, org):
    response = api(org.people.member_a).post(
        "/api/v1/risks/",
        {"project": org.a.pk, "title": "Vendor late", "probability": 4, "impact": 5,
         "days_min": "2", "days_likely": "5", "days_max": "10", "category": "supplier"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["level"], body["project"], body["program"], body["portfolio"]) == (
        "project", org.a.pk, org.g1.pk, org.p1.pk,
    )  # fmt: skip
    assert (body["score"], body["residual_score"], body["reference"]) == (
        20, None, f"R-{body['id']:04d}",
    )  # fmt: skip
    assert body["history"][0]["score"] == 20
    assert body["raised_by"] == org.people.member_a.pk


def test_register_needs_exactly_one_scope_and_valid_levels(api, org):
    client = api(org.people.admin)
    response = client.post(
        "/api/v1/risks/",
        {"project": org.a.pk, "program": org.g1.pk, "title": "x", "probability": 1, "impact": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "project": ["Give exactly one of project, program or portfolio: the register it goes in."]
    }
    response = client.post(
        "/api/v1/risks/", {"program": org.g1.pk, "title": "x", "probability": 7, "impact": 1},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"probability": ["Choose a level from 1 to 5 (the 5x5 matrix)."]}
    assert not Risk.objects.exists()


def test_outsiders_see_nothing_and_may_not_raise(api, org):
    risk = make_risk(org.a)
    client = api(org.people.outsider)
    assert client.get("/api/v1/risks/").json()["results"] == []
    assert client.get(f"/api/v1/risks/{risk.pk}/").status_code == 404
    response = client.post(
        "/api/v1/risks/", {"project": org.a.pk, "title": "x", "probability": 1, "impact": 1},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403


def test_list_filters_by_status_and_score(api, org):
    high = make_risk(org.a, probability=5, impact=5)
    make_risk(org.a, probability=1, impact=2)
    make_risk(org.a, probability=5, impact=4, status="closed")
    body = api(org.people.pm_a).get("/api/v1/risks/", {"status": "open", "min_score": 10}).json()
    assert [r["id"] for r in body["results"]] == [high.pk]


def test_escalate_through_the_api_and_team_members_are_refused(api, org):
    risk = make_risk(org.a)
    url = f"/api/v1/risks/{risk.pk}/escalate/"
    assert api(org.people.member_a).post(url, {"reason": "x"}).status_code == 403
    response = api(org.people.pm_a).post(url, {"reason": ""}, format="json")
    assert response.status_code == 400
    response = api(org.people.pm_a).post(url, {"reason": "Needs funding"}, format="json")
    assert response.status_code == 201
    assert response.json()["from_level"] == "project"
    assert response.json()["to_level"] == "program"
    assert Risk.objects.get(pk=risk.pk).level == "program"
    detail = api(org.people.pgm).get(f"/api/v1/risks/{risk.pk}/").json()
    assert [e["reason"] for e in detail["escalations"]] == ["Needs funding"]
    assert Escalation.objects.count() == 1


def test_update_reassesses_and_raise_issue_creates_the_issue(api, org):
    risk = make_risk(org.a)
    client = api(org.people.pm_a)
    response = client.patch(
        f"/api/v1/risks/{risk.pk}/",
        {"residual_probability": 1, "residual_impact": 2, "note": "Second supplier"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["residual_score"] == 2
    assert response.json()["history"][0]["note"] == "Second supplier"
    response = client.post(f"/api/v1/risks/{risk.pk}/raise-issue/")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["source_risk"]) == ("issue", risk.pk)
    assert Risk.objects.get(pk=risk.pk).status == "occurred"


def test_raid_items_create_filter_and_escalate(api, org):
    client = api(org.people.pm_a)
    response = client.post(
        "/api/v1/raid-items/",
        {"project": org.a.pk, "kind": "assumption", "title": "ERP stays in support"},
        format="json",
    )
    assert response.status_code == 201
    item = response.json()
    assert item["reference"] == f"A-{item['id']:04d}"
    client.post(
        "/api/v1/raid-items/", {"project": org.a.pk, "kind": "issue", "title": "Outage"},
        format="json",
    )  # fmt: skip
    listed = client.get("/api/v1/raid-items/", {"kind": "issue"}).json()["results"]
    assert [i["title"] for i in listed] == ["Outage"]
    response = client.post(
        f"/api/v1/raid-items/{item['id']}/escalate/", {"reason": "Program-wide"}, format="json"
    )
    assert response.status_code == 201
    assert RaidItem.objects.get(pk=item["id"]).level == "program"


def test_estimates_put_is_all_or_nothing(api, plan):
    task, _ = plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Build", duration_minutes=2400
    )
    url = f"/api/v1/projects/{plan.a.pk}/estimates/"
    client = api(plan.people.pm_a)
    bad = {"estimates": [{"task": task.pk, "optimistic": 3000, "most_likely": 2400,
                          "pessimistic": 4800}]}  # fmt: skip
    response = client.put(url, bad, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "estimates": [
            "Row 1 (task 1 Build): need optimistic <= most likely <= pessimistic (3000/2400/4800)."
        ]
    }
    good = {"estimates": [{"task": task.pk, "optimistic": 1920, "most_likely": 2400,
                           "pessimistic": 4800, "distribution": "pert"}]}  # fmt: skip
    response = client.put(url, good, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "estimates": [{"task": task.pk, "optimistic": 1920, "most_likely": 2400,
                       "pessimistic": 4800, "distribution": "pert"}]
    }  # fmt: skip
    assert api(plan.people.member_a).put(url, good, format="json").status_code == 403


def test_start_a_simulation_and_read_its_results(api, plan, django_capture_on_commit_callbacks):
    plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Design", duration_minutes=960
    )
    client = api(plan.people.pm_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/projects/{plan.a.pk}/risk-simulations/",
            {"iterations": 300, "seed": 42},
            format="json",
        )
    assert response.status_code == 202, response.json()
    run = response.json()
    assert (run["iterations"], run["seed"], run["plan_version"]) == (300, 42, 1)
    assert run["job"] is not None
    body = client.get(f"/api/v1/risk-simulations/{run['id']}/").json()
    assert body["status"] == "succeeded"
    # Two days from Monday 2 March 2026 08:00: Tuesday 17:00, in every iteration.
    assert body["results"]["percentiles"]["P80"] == "2026-03-03T17:00:00+00:00"
    assert (
        api(plan.people.outsider).get(f"/api/v1/risk-simulations/{run['id']}/").status_code == 404
    )
    response = client.post(
        f"/api/v1/projects/{plan.a.pk}/risk-simulations/", {"iterations": 10}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"iterations": ["Run between 100 and 100,000 iterations."]}


def test_portfolio_manager_sets_a_4x4_matrix_and_project_managers_may_not(api, org):
    url = f"/api/v1/portfolios/{org.p1.pk}/risk-matrix/"
    default = api(org.people.pm_a).get(url).json()
    assert default == {
        "size": 5,
        "probability_labels": ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
        "impact_labels": ["Negligible", "Minor", "Moderate", "Major", "Severe"],
        "probability_percent": [10, 30, 50, 70, 90],
        "amber_from": 5,
        "red_from": 15,
    }
    body = {"size": 4, "probability_labels": list("abcd"), "impact_labels": list("wxyz"),
            "probability_percent": [10, 40, 70, 95], "amber_from": 4, "red_from": 9}  # fmt: skip
    assert api(org.people.pm_a).put(url, body, format="json").status_code == 403
    bad = {**body, "probability_percent": [10, 40, 70]}
    response = api(org.people.pfm).put(url, bad, format="json")
    assert response.status_code == 400
    assert response.json() == {"probability_percent": ["Give exactly 4 values, one per level."]}
    response = api(org.people.pfm).put(url, body, format="json")
    assert response.status_code == 200 and response.json() == body


def test_task_correlations_through_the_api(api, plan):
    design, _ = plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Design", duration_minutes=960
    )
    build, _ = plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Build", duration_minutes=960
    )
    client = api(plan.people.pm_a)
    body = {"first": build.pk, "second": design.pk, "coefficient": "0.70"}
    response = client.post("/api/v1/task-correlations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["first"] == design.pk and response.json()["coefficient"] == "0.70"
    response = client.post(
        "/api/v1/task-correlations/", {**body, "coefficient": "1.50"}, format="json"
    )
    assert response.status_code == 400
    listed = client.get("/api/v1/task-correlations/", {"project": plan.a.pk}).json()
    assert [c["coefficient"] for c in listed["results"]] == ["0.70"]
    assert (
        api(plan.people.member_a)
        .post("/api/v1/task-correlations/", body, format="json")
        .status_code
        == 403
    )
    link = listed["results"][0]["id"]
    assert client.delete(f"/api/v1/task-correlations/{link}/").status_code == 204


def test_risk_list_query_count_does_not_grow_with_risks(api, org, django_assert_max_num_queries):
    for n in range(25):
        make_risk(org.a, title=f"Risk {n}")
    client = api(org.people.pm_a)
    with django_assert_max_num_queries(15):
        response = client.get("/api/v1/risks/")
    assert response.json()["count"] == 25
