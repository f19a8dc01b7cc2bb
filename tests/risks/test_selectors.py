"""Selectors other apps call: top risks and expected delay."""

from decimal import Decimal

from pmo.portfolios.models import Project
from pmo.risks.models import RiskMatrix
from pmo.risks.selectors import expected_delay_days, heat_map, matrix_for, risks_in, top_risks

from ..conftest import fresh
from .conftest import make_risk


def test_top_risks_are_the_highest_open_scores_the_user_may_see(org):
    low = make_risk(org.a, title="Low", probability=1, impact=2)
    high = make_risk(
        org.a,
        title="High",
        probability=5,
        impact=5,
        residual_probability=2,
        residual_impact=3,
        owner=org.people.pm_a,
    )
    make_risk(org.a, title="Closed", probability=5, impact=4, status="closed")
    other = make_risk(org.c, title="Other portfolio", probability=4, impact=4)
    rows = top_risks(fresh(org.people.pm_a), Project.objects.all(), limit=5)
    assert [r["title"] for r in rows] == ["High", "Low"]
    assert rows[0] == {
        "id": high.pk,
        "project_id": org.a.pk,
        "project_code": "PRJ-A",
        "title": "High",
        "score": 25,
        "residual_score": 6,
        "owner": "Pm_A Tester",
        "status": "open",
        "url": f"/risks/{high.pk}/",
    }
    admin_rows = top_risks(fresh(org.people.admin), Project.objects.all(), limit=2)
    assert [r["id"] for r in admin_rows] == [high.pk, other.pk]
    assert low.pk not in [r["id"] for r in admin_rows]
    assert top_risks(fresh(org.people.outsider), Project.objects.all()) == []


def test_escalated_risk_still_counts_for_its_project(org):
    risk = make_risk(org.a, level="program", title="Escalated", probability=4, impact=4)
    rows = top_risks(fresh(org.people.pgm), Project.objects.filter(pk=org.a.pk))
    assert [r["id"] for r in rows] == [risk.pk]


def test_expected_delay_is_chance_times_most_likely_days_of_open_threats(org):
    make_risk(org.a, probability=3, days_likely=Decimal("10"))  # 50 % x 10 d
    make_risk(org.a, probability=5, days_likely=Decimal("2.5"))  # 90 % x 2.5 d
    make_risk(org.a, probability=5, days_likely=Decimal("20"), kind="opportunity")
    make_risk(org.a, probability=5, days_likely=Decimal("20"), status="closed")
    make_risk(org.b, probability=5, days_likely=Decimal("20"))
    assert expected_delay_days(org.a) == 7.25
    RiskMatrix.objects.create(portfolio=org.p1, probability_percent=[5, 20, 40, 60, 80])
    assert expected_delay_days(org.a) == 6.0
    assert expected_delay_days(org.d) == 0.0


def test_heat_map_counts_open_risks_per_cell_inherent_and_residual(org):
    make_risk(org.a, probability=5, impact=4, residual_probability=2, residual_impact=2)
    make_risk(org.a, probability=5, impact=4)
    make_risk(org.a, probability=1, impact=1, status="closed")
    risks = risks_in(fresh(org.people.admin), org.a)
    grid = heat_map(risks, matrix_for(org.p1.pk))
    assert grid["total"] == 2
    top = grid["rows"][0]
    assert top["probability"] == 5 and top["label"] == "Almost certain"
    assert [c["count"] for c in top["cells"]] == [0, 0, 0, 2, 0]
    assert [c["rating"] for c in top["cells"]] == ["amber", "amber", "red", "red", "red"]
    residual = heat_map(risks, matrix_for(org.p1.pk), residual=True)
    assert residual["rows"][3]["cells"][1]["count"] == 1  # P2 x I2
    assert residual["rows"][0]["cells"][3]["count"] == 1  # not reassessed: stays inherent
