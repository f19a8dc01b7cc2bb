"""Risk register, escalation, RAID and estimate services: rules users rely on."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.risks import services
from pmo.risks.models import Escalation, RaidItem, Risk, RiskAssessment, RiskMatrix, TaskEstimate
from pmo.schedules.models import Task

from ..conftest import fresh
from .conftest import make_risk


def raise_risk(user, scope, **fields):
    values = {"title": "Supplier late", "probability": 4, "impact": 3}
    values.update(fields)
    return services.do_raise_risk(fresh(user), scope=scope, **values)


def test_team_member_raises_a_risk_in_the_project_register_with_its_first_assessment(org):
    risk = raise_risk(
        org.people.member_a, org.a, residual_probability=2, residual_impact=2,
        days_min=Decimal("1"), days_likely=Decimal("3"), days_max=Decimal("8"),
    )  # fmt: skip
    assert (risk.level, risk.project, risk.program, risk.portfolio) == (
        "project", org.a, org.g1, org.p1,
    )  # fmt: skip
    assert (risk.score, risk.residual_score) == (12, 4)
    assert risk.reference == f"R-{risk.pk:04d}"
    history = list(risk.assessments.values_list("score", "residual_score", "note"))
    assert history == [(12, 4, "Raised")]


def test_outsider_and_executive_may_not_raise_risks(org):
    with pytest.raises(PermissionDenied, match="You may not contribute to PRJ-A Alpha app"):
        raise_risk(org.people.outsider, org.a)
    with pytest.raises(PermissionDenied):
        raise_risk(org.people.executive, org.a)
    assert Risk.objects.count() == 0


def test_scores_outside_the_matrix_and_bad_ranges_are_refused_by_field(org):
    with pytest.raises(ValidationError) as err:
        raise_risk(
            org.people.pm_a, org.a, probability=6, residual_probability=2,
            days_min=Decimal("5"), days_likely=Decimal("2"), days_max=Decimal("8"),
            kind="opportunity", strategy="mitigate",
        )  # fmt: skip
    assert err.value.message_dict == {
        "probability": ["Choose a level from 1 to 5 (the 5x5 matrix)."],
        "residual_impact": [
            "Give both the residual probability and the residual impact, or neither."
        ],
        "days_likely": [
            "The delay range must be minimum <= most likely <= maximum (got 5 / 2 / 8)."
        ],
        "strategy": [
            "'Mitigate' is not a response to an opportunity; use accept, enhance, exploit, share."
        ],
    }
    assert Risk.objects.count() == 0


def test_configurable_matrix_changes_the_allowed_levels(org):
    services.do_set_matrix(
        fresh(org.people.pfm), org.p1, size=3, probability_labels=["Low", "Medium", "High"],
        impact_labels=["Low", "Medium", "High"], probability_percent=[10, 50, 90],
        amber_from=3, red_from=6,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Choose a level from 1 to 3"):
        raise_risk(org.people.pm_a, org.a, probability=4, impact=2)
    risk = raise_risk(org.people.pm_a, org.a, probability=3, impact=3)
    assert RiskMatrix.objects.get(portfolio=org.p1).rating(risk.score) == "red"


def test_matrix_cannot_shrink_below_the_scores_in_use(org):
    risk = make_risk(org.a, probability=5, impact=2)
    with pytest.raises(ValidationError) as err:
        services.do_set_matrix(
            fresh(org.people.pfm), org.p1, size=4, probability_labels=list("abcd"),
            impact_labels=list("abcd"), probability_percent=[10, 30, 60, 90],
        )  # fmt: skip
    assert err.value.message_dict["size"] == [
        f"Risks R-{risk.pk:04d} are scored above level 4; rescore them first."
    ]
    assert not RiskMatrix.objects.exists()


def test_reassessment_adds_to_the_history_and_closing_stamps_the_date(org):
    risk = raise_risk(org.people.pm_a, org.a)
    services.do_update_risk(fresh(org.people.pm_a), risk, title="Supplier very late")
    assert risk.assessments.count() == 1  # no score change, no new assessment
    services.do_update_risk(
        fresh(org.people.pm_a), risk, residual_probability=1, residual_impact=3, note="Contract"
    )
    assert list(risk.assessments.values_list("score", "residual_score", "note")) == [
        (12, 3, "Contract"),
        (12, None, "Raised"),
    ]
    services.do_update_risk(fresh(org.people.pm_a), risk, status="closed")
    risk.refresh_from_db()
    assert risk.closed_at is not None


def test_only_managers_or_the_owner_change_a_risk(org):
    risk = raise_risk(org.people.pm_a, org.a)
    with pytest.raises(PermissionDenied, match=f"You may not change risk {risk.reference}."):
        services.do_update_risk(fresh(org.people.member_a), risk, probability=1)
    risk.owner = org.people.member_a
    risk.save()
    services.do_update_risk(fresh(org.people.member_a), risk, probability=1)
    assert Risk.objects.get(pk=risk.pk).score == 3


def test_escalation_moves_the_risk_up_with_an_audit_record(org):
    risk = raise_risk(org.people.pm_a, org.a)
    record = services.do_escalate_risk(fresh(org.people.pm_a), risk, reason="Needs funding")
    risk.refresh_from_db()
    assert (risk.level, record.from_level, record.to_level) == ("program", "project", "program")
    assert (record.reason, record.escalated_by) == ("Needs funding", org.people.pm_a)
    # Now the program's to manage: the project manager sees it but may not move it further.
    with pytest.raises(PermissionDenied):
        services.do_escalate_risk(fresh(org.people.pm_a), risk, reason="Again")
    services.do_escalate_risk(fresh(org.people.pgm), risk, reason="Cross-program")
    risk.refresh_from_db()
    assert risk.level == "portfolio" and risk.project == org.a
    with pytest.raises(ValidationError, match="already in the portfolio register"):
        services.do_escalate_risk(fresh(org.people.pfm), risk, reason="Higher")
    assert list(Escalation.objects.values_list("to_level", flat=True)) == ["portfolio", "program"]


def test_project_without_program_escalates_to_the_portfolio_and_a_reason_is_required(org):
    risk = make_risk(org.d)
    with pytest.raises(ValidationError, match="Say why"):
        services.do_escalate_risk(fresh(org.people.pfm), risk, reason="  ")
    services.do_escalate_risk(fresh(org.people.pfm), risk, reason="Board decision")
    assert Risk.objects.get(pk=risk.pk).level == "portfolio"


def test_a_risk_that_occurred_becomes_an_issue_in_the_same_register(org):
    risk = raise_risk(org.people.pm_a, org.a, probability=5, impact=4, effect="Go-live slips")
    issue = services.do_raise_issue_from_risk(fresh(org.people.pm_a), risk)
    risk.refresh_from_db()
    assert risk.status == "occurred" and risk.closed_at is not None
    assert (issue.kind, issue.level, issue.project, issue.source_risk) == (
        "issue", "project", org.a, risk,
    )  # fmt: skip
    assert (issue.title, issue.description, issue.severity) == (
        "Supplier late (occurred)", "Go-live slips", "high",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="is occurred, not open"):
        services.do_raise_issue_from_risk(fresh(org.people.pm_a), risk)


def test_response_actions_are_stamped_when_done(org):
    risk = raise_risk(org.people.pm_a, org.a)
    action = services.do_add_action(
        fresh(org.people.pm_a), risk, description="Second supplier", owner=org.people.member_a
    )
    assert action.completed_at is None
    services.do_update_action(fresh(org.people.member_a), action, status="done")
    assert action.completed_at is not None
    with pytest.raises(ValidationError, match="Say what will be done"):
        services.do_add_action(fresh(org.people.pm_a), risk, description=" ")


def test_raid_items_are_created_resolved_and_escalated(org):
    dep = services.do_create_raid_item(
        fresh(org.people.member_a), scope=org.a, kind="dependency", title="Network upgrade",
        counterparty="Infrastructure",
    )  # fmt: skip
    assert dep.reference == f"D-{dep.pk:04d}" and dep.level == "project"
    services.do_update_raid_item(fresh(org.people.pm_a), dep, status="resolved")
    assert dep.resolved_at is not None
    services.do_escalate_raid_item(fresh(org.people.pm_a), dep, reason="Program-wide")
    assert RaidItem.objects.get(pk=dep.pk).level == "program"
    with pytest.raises(ValidationError, match="Choose issue, assumption or dependency"):
        services.do_create_raid_item(fresh(org.people.pm_a), scope=org.a, kind="risk", title="x")


def test_estimates_are_saved_all_or_nothing_with_row_errors(plan):
    build = Task.objects.create(project=plan.a, name="Build", duration_minutes=2400)
    test = Task.objects.create(project=plan.a, name="Test", duration_minutes=960)
    rows = [
        {"task": build.pk, "optimistic": 1920, "most_likely": 2400, "pessimistic": 4800},
        {"task": test.pk, "optimistic": 960, "most_likely": 900, "pessimistic": 1200},
        {"task": 999_999, "optimistic": 1, "most_likely": 2, "pessimistic": 3},
    ]
    with pytest.raises(ValidationError) as err:
        services.do_set_estimates(fresh(plan.people.pm_a), plan.a, rows)
    assert err.value.message_dict["estimates"] == [
        f"Row 2 (task {test.pk} Test): need optimistic <= most likely <= pessimistic "
        "(960/900/1200).",
        "Row 3: task 999999 is not in PRJ-A.",
    ]
    assert not TaskEstimate.objects.exists()
    saved = services.do_set_estimates(fresh(plan.people.pm_a), plan.a, rows[:1])
    assert saved == 1
    assert TaskEstimate.objects.get(task=build).pessimistic_minutes == 4800
    services.do_set_estimates(
        fresh(plan.people.pm_a), plan.a, [{"task": build.pk, "optimistic": None}]
    )
    assert not TaskEstimate.objects.exists()
    with pytest.raises(PermissionDenied):
        services.do_set_estimates(fresh(plan.people.member_a), plan.a, rows[:1])


def test_simulation_needs_a_plan_and_sensible_iterations(org):
    with pytest.raises(ValidationError, match="Run between 100 and 100,000 iterations"):
        services.do_start_simulation(fresh(org.people.pm_a), org.a, iterations=50)
    with pytest.raises(ValidationError, match="PRJ-A has no plan to simulate yet"):
        services.do_start_simulation(fresh(org.people.pm_a), org.a, iterations=500)
    with pytest.raises(PermissionDenied):
        services.do_start_simulation(fresh(org.people.outsider), org.a, iterations=500)
    assert not RiskAssessment.objects.exists()
