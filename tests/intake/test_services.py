"""Intake services: the workflow and who may move it, business-case validation that names
the row at fault and writes nothing, scoring rules, and AHP weights against Saaty's
published example.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.intake import selectors, services
from pmo.intake.models import Assessment, CashFlow, Criterion, Proposal, ProposalEvent
from pmo.portfolios.models import Project

from ..conftest import fresh

pytestmark = pytest.mark.django_db


def test_workflow_records_who_decided_and_why(intake):
    org = intake.org
    p = intake.proposal("NEW-1", capex=[1000], state="draft", actor=fresh(org.people.pfm))
    pfm = org.people.pfm
    services.do_transition(pfm, p, "submitted", "Ready")
    services.do_transition(pfm, p, "screened", "Fits SO1")
    p.refresh_from_db()
    assert (p.state, p.decided_by, p.decided_at is not None) == ("screened", pfm, True)
    events = list(p.events.values_list("from_state", "to_state", "text", "author__username"))
    assert events == [
        ("draft", "submitted", "Ready", "pfm"),
        ("submitted", "screened", "Fits SO1", "pfm"),
    ]


def test_a_transition_outside_the_workflow_is_refused_with_the_allowed_ones(intake):
    p = intake.proposal("NEW-2", capex=[1000], state="draft")
    with pytest.raises(ValidationError) as err:
        services.do_transition(intake.org.people.pfm, p, "approved")
    assert err.value.message_dict == {
        "state": ["NEW-2 is draft; it cannot become approved (possible: submitted)."]
    }


def test_submitting_needs_a_business_case(intake):
    p = services.do_create_proposal(
        intake.org.people.pfm,
        portfolio=intake.org.p1,
        code="EMPTY",
        title="No numbers",
        earliest_start=dt.date(2027, 3, 1),
    )
    with pytest.raises(ValidationError) as err:
        services.do_transition(intake.org.people.pfm, p, "submitted")
    assert err.value.message_dict == {
        "cash_flows": ["EMPTY has no costs or benefits yet; add its business case."]
    }


def test_rejecting_needs_a_reason(intake):
    p = intake.proposal("NEW-3", capex=[1000], state="submitted")
    with pytest.raises(ValidationError) as err:
        services.do_transition(intake.org.people.pfm, p, "rejected", "  ")
    assert err.value.message_dict == {
        "comment": ["Say why: a rejection or deferral needs a reason."]
    }
    assert Proposal.objects.get(pk=p.pk).state == "submitted"


def test_only_portfolio_managers_decide(intake):
    org = intake.org
    p = intake.proposal("NEW-4", capex=[1000], state="submitted")
    for person in (org.people.executive, org.people.pgm, org.people.pm_a):
        with pytest.raises(PermissionDenied):
            services.do_transition(fresh(person), p, "screened", "")
    services.do_transition(fresh(org.people.admin), p, "screened", "")
    assert Proposal.objects.get(pk=p.pk).state == "screened"


def test_executives_may_not_propose(intake):
    with pytest.raises(PermissionDenied, match="You may not contribute to Enterprise"):
        services.do_create_proposal(
            fresh(intake.org.people.executive),
            portfolio=intake.org.p1,
            code="EXEC-1",
            title="Idea",
            earliest_start=dt.date(2027, 1, 1),
        )


def test_approval_creates_the_project_with_the_proposals_data(intake):
    org = intake.org
    p = intake.proposal(
        "NEW-5",
        capex=[1000],
        start=dt.date(2027, 4, 1),
        duration=9,
        description="Why we do it",
        sponsor=org.people.executive,
        objectives=[org.so1],
    )
    services.do_transition(org.people.pfm, p, "approved", "Board said yes")
    p.refresh_from_db()
    project = Project.objects.get(code="NEW-5")
    assert p.project == project and project.proposal == p
    assert (project.name, project.description, project.sponsor) == (
        "Proposal NEW-5",
        "Why we do it",
        org.people.executive,
    )
    assert (project.planned_start, project.planned_finish) == (
        dt.date(2027, 4, 1),
        dt.date(2027, 12, 31),
    )
    assert list(project.objectives.all()) == [org.so1]
    assert (project.portfolio, project.status) == (org.p1, "active")


def test_approval_is_refused_when_the_project_code_is_taken(intake):
    p = intake.proposal("PRJ-A", capex=[1000])
    with pytest.raises(ValidationError) as err:
        services.do_transition(intake.org.people.pfm, p, "approved")
    assert err.value.message_dict == {
        "code": ["A project with code PRJ-A exists already; rename the proposal."]
    }
    p.refresh_from_db()
    assert p.state == "screened" and p.project is None
    assert not ProposalEvent.objects.filter(proposal=p, to_state="approved").exists()


def test_a_bad_cash_flow_row_is_named_and_nothing_is_written(intake):
    p = intake.proposal("NEW-6", capex=[1000, 500], state="draft")
    with pytest.raises(ValidationError) as err:
        services.do_update_proposal(
            intake.org.people.pfm,
            p,
            title="Renamed",
            cash_flows=[
                {"year": 0, "capex": "10"},
                {"year": 1, "capex": "-5.00"},
            ],
        )
    assert err.value.message_dict == {"cash_flows": ["Row 2 (year 1): capex -5.00 is negative."]}
    p.refresh_from_db()
    assert p.title == "Proposal NEW-6"
    assert list(CashFlow.objects.filter(proposal=p).values_list("year", "capex")) == [
        (0, Decimal("1000.00")),
        (1, Decimal("500.00")),
    ]


def test_demand_for_an_unknown_role_is_named(intake):
    with pytest.raises(ValidationError) as err:
        intake.proposal(
            "NEW-7",
            capex=[1],
            demands=[{"role": "Pilot", "from_month": 0, "months": 2, "hours_per_month": 10}],
        )
    assert err.value.message_dict == {
        "demands": [
            "Row 1: role 'Pilot' is not a role of Enterprise Transformation (Analyst, Developer)."
        ]
    }
    assert not Proposal.objects.filter(code="NEW-7").exists()


def test_a_requirement_cycle_is_refused(intake):
    a = intake.proposal("CYC-A", capex=[1])
    b = intake.proposal("CYC-B", capex=[1], requires=[a])
    with pytest.raises(ValidationError) as err:
        services.do_update_proposal(intake.org.people.pfm, a, requires=[b])
    assert err.value.message_dict == {"requires": ["CYC-B already requires CYC-A: a cycle."]}


def test_decided_proposals_are_frozen_and_authors_edit_only_their_drafts(intake):
    org = intake.org
    p = intake.proposal("NEW-8", capex=[1], state="submitted")
    with pytest.raises(PermissionDenied):
        services.do_update_proposal(fresh(org.people.member_a), p, title="x")
    services.do_transition(org.people.pfm, p, "rejected", "No")
    with pytest.raises(ValidationError) as err:
        services.do_update_proposal(org.people.pfm, p, title="x")
    assert err.value.messages == ["NEW-8 is rejected; it can no longer change."]


def test_scores_must_be_on_the_criterions_scale(intake):
    p = intake.proposal("NEW-9", capex=[1])
    with pytest.raises(ValidationError) as err:
        services.do_score(intake.org.people.pfm, p, {intake.value: (7, "")})
    assert err.value.message_dict == {
        f"score_{intake.value.pk}": ["VAL: 7 is not on its scale (1, 2, 3, 4, 5)."]
    }


def test_several_assessors_are_aggregated_with_their_spread(intake):
    org = intake.org
    p = intake.proposal("NEW-10", capex=[1])
    services.do_score(org.people.pfm, p, {intake.value: (2, "")})
    services.do_score(org.people.admin, p, {intake.value: (5, "Core to SO1")})
    services.do_score(org.people.pfm, p, {intake.value: (3, "on reflection")})
    figures = selectors.portfolio_figures(org.p1).by_code["NEW-10"]
    (stats,) = figures.stats
    assert (stats.n, stats.mean, stats.low, stats.high, stats.spread) == (2, 4.0, 3, 5, 2)
    assert figures.scored == 2
    assert figures.score == 80.0  # mean 4 of a top level 5, one criterion
    assert Assessment.objects.get(proposal=p, assessor=org.people.admin).note == "Core to SO1"


def test_team_members_of_a_project_do_not_score_portfolio_demand(intake):
    p = intake.proposal("NEW-11", capex=[1])
    with pytest.raises(PermissionDenied):
        services.do_score(fresh(intake.org.people.member_a), p, {intake.value: (3, "")})


# Saaty (1990), "How to make a decision: the Analytic Hierarchy Process", EJOR 48: the
# house example's eight criteria: published priorities and C.R. 0.17 (inconsistent).
HOUSE = """
1   5   3   7   6   6   1/3 1/4
1/5 1   1/3 5   3   3   1/5 1/7
1/3 3   1   6   3   4   6   1/5
1/7 1/5 1/6 1   1/3 1/4 1/7 1/8
1/6 1/3 1/3 3   1   1/2 1/5 1/6
1/6 1/3 1/4 4   2   1   1/5 1/6
3   5   1/6 7   5   5   1   1/2
4   7   5   8   6   6   2   1
"""
HOUSE_CODES = ["SIZE", "TRANS", "NEIGH", "AGE", "YARD", "MODERN", "COND", "FIN"]


def test_ahp_weights_of_saatys_house_example_through_the_app(intake):
    org = intake.org
    intake.value.delete()
    for k, code in enumerate(HOUSE_CODES):
        services.do_save_criterion(
            org.people.pfm, org.p1, objective=org.so1, code=code, name=code.title(), position=k
        )
    rows = [[Fraction(x) for x in line.split()] for line in HOUSE.strip().splitlines()]
    judgments = [
        (HOUSE_CODES[i], HOUSE_CODES[j], f"{float(rows[i][j]):.4f}")
        for i in range(8)
        for j in range(i + 1, 8)
    ]
    outcome = services.do_set_comparisons(org.people.pfm, org.p1, judgments)
    assert [round(w, 3) for w in outcome.weights] == [
        0.173,
        0.054,
        0.188,
        0.018,
        0.031,
        0.036,
        0.167,
        0.333,
    ]
    assert round(outcome.consistency_ratio, 2) == 0.17
    assert outcome.consistent is False
    weights = dict(Criterion.objects.values_list("code", "weight"))
    assert weights["FIN"] == Decimal(str(round(outcome.weights[7], 4)))
    # the page reads the same result back from the saved comparisons
    model = selectors.scoring_model(org.p1)
    again = selectors.ahp_of(model, selectors.criteria_of(model))
    assert round(again.consistency_ratio, 2) == 0.17 and not again.consistent


def test_ahp_houses_on_size_is_consistent_enough_at_saatys_figures(intake):
    org = intake.org
    intake.value.delete()
    for code in ("A", "B", "C"):
        services.do_save_criterion(org.people.pfm, org.p1, objective=org.so1, code=code, name=code)
    outcome = services.do_set_comparisons(
        org.people.pfm, org.p1, [("A", "B", 6), ("A", "C", 8), ("B", "C", 4)]
    )
    assert [round(w, 3) for w in outcome.weights] == [0.754, 0.181, 0.065]
    assert round(outcome.consistency_index, 3) == 0.068
    assert round(outcome.consistency_ratio, 3) == 0.117


def test_missing_comparisons_are_named(intake):
    org = intake.org
    for code in ("B2", "C3"):
        services.do_save_criterion(org.people.pfm, org.p1, objective=org.so1, code=code, name=code)
    with pytest.raises(ValidationError) as err:
        services.do_set_comparisons(org.people.pfm, org.p1, [("VAL", "B2", 3)])
    # criteria in their order (position, then code)
    assert err.value.message_dict == {"comparisons": ["Missing comparisons: B2 vs C3, C3 vs VAL."]}


def test_only_portfolio_managers_change_the_scoring_model(intake):
    with pytest.raises(PermissionDenied):
        services.do_save_scoring_model(
            fresh(intake.org.people.executive), intake.org.p1, horizon_years=5
        )
