"""Intake API: the same services, permissions and messages as the pages."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pmo.intake.models import Proposal, Scenario
from pmo.portfolios.models import Project

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


BODY = {
    "code": "API-1",
    "title": "Textbook case",
    "earliest_start": "2027-03-01",
    "duration_months": 6,
    "risk_level": 2,
    "cash_flows": [
        {"year": 0, "capex": "1000.00"},
        {"year": 1, "benefit": "500.00"},
        {"year": 2, "benefit": "400.00"},
        {"year": 3, "benefit": "300.00"},
        {"year": 4, "benefit": "100.00"},
    ],
    "demands": [{"role": "Developer", "from_month": 0, "months": 3, "hours_per_month": "40.0"}],
}


def test_create_a_proposal_with_its_business_case(intake):
    org = intake.org
    response = client_for(org.people.pfm).post(
        "/api/v1/proposals/", {**BODY, "portfolio": org.p1.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["figures"]["npv"] == "78.82"
    assert round(body["figures"]["irr"], 4) == 0.1449
    assert round(body["figures"]["payback_years"], 2) == 2.33
    assert body["figures"]["roi"] == 0.3
    assert body["figures"]["cost"] == "1000.00"
    assert body["demands"] == [
        {"role": "Developer", "from_month": 0, "months": 3, "hours_per_month": "40.0"}
    ]
    assert Proposal.objects.get(code="API-1").created_by == org.people.pfm


def test_a_bad_row_answers_400_naming_it(intake):
    body = {**BODY, "portfolio": intake.org.p1.pk}
    body["demands"] = [{"role": "Pilot", "from_month": 0, "months": 1, "hours_per_month": "1"}]
    response = client_for(intake.org.people.pfm).post("/api/v1/proposals/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "demands": [
            "Row 1: role 'Pilot' is not a role of Enterprise Transformation (Analyst, Developer)."
        ]
    }
    assert not Proposal.objects.filter(code="API-1").exists()


def test_executives_may_not_propose_and_outsiders_see_nothing(intake):
    org = intake.org
    intake.proposal("SEEN", capex=[1])
    response = client_for(org.people.executive).post(
        "/api/v1/proposals/", {**BODY, "portfolio": org.p1.pk}, format="json"
    )
    assert response.status_code == 403
    assert client_for(org.people.executive).get("/api/v1/proposals/").json()["count"] == 1
    assert client_for(org.people.outsider).get("/api/v1/proposals/").json()["count"] == 0


def test_transition_approves_and_links_the_project(intake):
    p = intake.proposal("API-2", capex=[1_000])
    client = client_for(intake.org.people.pfm)
    response = client.post(
        f"/api/v1/proposals/{p.pk}/transition/",
        {"to_state": "approved", "comment": "Go"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["project"] == Project.objects.get(code="API-2").pk
    denied = client.post(
        f"/api/v1/proposals/{p.pk}/transition/", {"to_state": "rejected"}, format="json"
    )
    assert denied.status_code == 400
    assert denied.json() == {
        "state": ["API-2 is approved; it cannot become rejected (possible: none: it is decided)."]
    }


def test_scores_are_recorded_for_the_caller(intake):
    p = intake.proposal("API-3", capex=[1_000])
    client = client_for(intake.org.people.pfm)
    ok = client.post(
        "/api/v1/assessments/",
        {"proposal": p.pk, "criterion": intake.value.pk, "score": 4, "note": "good"},
        format="json",
    )
    assert ok.status_code == 201
    assert ok.json()["assessor"] == intake.org.people.pfm.pk
    bad = client.post(
        "/api/v1/assessments/",
        {"proposal": p.pk, "criterion": intake.value.pk, "score": 9},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        f"score_{intake.value.pk}": ["VAL: 9 is not on its scale (1, 2, 3, 4, 5)."]
    }


def test_optimise_answers_the_selection_and_its_certificate(intake):
    intake.proposal("OPT-1", capex=[60_000], score=5)
    intake.proposal("OPT-2", capex=[50_000], score=4)
    intake.proposal("OPT-3", capex=[40_000], score=3)
    response = client_for(intake.org.people.pfm).post(
        f"/api/v1/portfolios/{intake.org.p1.pk}/optimise/",
        {"budgets": [{"year": 0, "total": "100000"}], "frontier_points": 3, "save": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    # 5 + 3 beats 5 alone and 4 + 3 (values 1000, 800, 600 per score)
    assert body["selection"] == {"OPT-1": 0, "OPT-3": 0}
    assert body["solver"]["optimal"] is True and body["solver"]["gap"] == 0.0
    assert body["solver"]["value"] == 1600.0
    assert len(body["frontier"]) == 3
    assert Scenario.objects.get(pk=body["scenario_id"]).method == "optimised"


def test_optimise_names_the_conflict_when_mandatory_proposals_do_not_fit(intake):
    intake.proposal("MUST", capex=[1_200_000], score=3, mandatory=True)
    response = client_for(intake.org.people.pfm).post(
        f"/api/v1/portfolios/{intake.org.p1.pk}/optimise/",
        {"budgets": [{"year": 0, "total": "1000000"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "No portfolio satisfies these limits.",
        "conflicts": [
            {
                "constraints": ["budget 2027"],
                "proposals": ["MUST"],
                "message": "mandatory projects MUST need 1,200,000.00 in 2027 but the budget "
                "is 1,000,000.00",
            }
        ],
    }


def test_optimise_is_denied_to_executives(intake):
    intake.proposal("OPT-X", capex=[1_000], score=3)
    response = client_for(intake.org.people.executive).post(
        f"/api/v1/portfolios/{intake.org.p1.pk}/optimise/", {}, format="json"
    )
    assert response.status_code == 403


def test_scenario_create_live_and_commit(intake):
    intake.proposal("SC-1", capex=[10_000], score=3, start=dt.date(2027, 5, 1))
    client = client_for(intake.org.people.pfm)
    created = client.post(
        "/api/v1/scenarios/",
        {"portfolio": intake.org.p1.pk, "name": "API plan", "picks": {"SC-1": None}},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["picks"] == {"SC-1": 4}
    # year 0 of the case runs May 2027 - Apr 2028: 8 of its 12 months fall in 2027
    assert body["live"]["spend"] == ["6666.68", "3333.32", "0.00"]
    assert body["live"]["problems"] == []
    committed = client.post(f"/api/v1/scenarios/{body['id']}/commit/", {"note": "ok"})
    assert committed.status_code == 200
    assert committed.json()["status"] == "committed"
    assert Project.objects.get(code="SC-1").planned_start == dt.date(2027, 5, 1)


def test_pairwise_comparisons_return_weights_and_consistency(intake):
    from pmo.intake import services

    org = intake.org
    services.do_save_criterion(org.people.pfm, org.p1, objective=org.so1, code="B", name="B")
    response = client_for(org.people.pfm).post(
        f"/api/v1/portfolios/{org.p1.pk}/comparisons/",
        {"judgments": [{"first": "VAL", "second": "B", "value": "3"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["weights"] == {"B": pytest.approx(0.25), "VAL": pytest.approx(0.75)}
    assert (body["consistency_ratio"], body["consistent"]) == (0.0, True)
