import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.portfolios import services
from pmo.portfolios.models import Program, Project


def test_project_created_in_a_program_takes_the_programs_portfolio(org):
    project = services.do_create_project(
        org.people.pgm, program=org.g1, code="PRJ-N", name="New thing"
    )
    assert project.portfolio == org.p1
    assert project.program == org.g1


def test_project_manager_may_not_add_projects_to_the_program(org):
    with pytest.raises(PermissionDenied, match="add items inside Digital Customer Experience"):
        services.do_create_project(org.people.pm_a, program=org.g1, code="PRJ-N", name="X")
    assert not Project.objects.filter(code="PRJ-N").exists()


def test_finish_before_start_is_rejected_on_the_finish_field(org):
    with pytest.raises(ValidationError) as caught:
        services.do_create_project(
            org.people.pfm,
            portfolio=org.p1,
            code="PRJ-N",
            name="Backwards",
            planned_start=dt.date(2026, 5, 1),
            planned_finish=dt.date(2026, 4, 1),
        )
    assert caught.value.message_dict == {
        "planned_finish": [
            "The planned finish (01 Apr 2026) is before the planned start (01 May 2026)."
        ]
    }
    assert not Project.objects.filter(code="PRJ-N").exists()


def test_program_of_another_portfolio_is_rejected(org):
    other = Program.objects.create(portfolio=org.p2, code="OPX", name="Ops excellence")
    with pytest.raises(ValidationError) as caught:
        services.do_create_project(
            org.people.admin, portfolio=org.p1, program=other, code="PRJ-N", name="Misfiled"
        )
    assert caught.value.message_dict["program"] == [
        "Program Ops excellence belongs to portfolio Operations, not to Enterprise Transformation."
    ]


def test_duplicate_code_is_a_field_error(org):
    with pytest.raises(ValidationError) as caught:
        services.do_create_project(org.people.pfm, portfolio=org.p1, code="PRJ-A", name="Dup")
    assert "code" in caught.value.message_dict


def test_update_sets_objectives_and_fields_in_one_go(org):
    project = services.do_update_project(
        org.people.pm_a, org.a, objectives=[org.so1], name="Alpha app v2", health="amber"
    )
    project.refresh_from_db()
    assert project.name == "Alpha app v2"
    assert project.health == "amber"
    assert list(project.objectives.all()) == [org.so1]


def test_failed_update_changes_nothing(org):
    with pytest.raises(ValidationError):
        services.do_update_project(
            org.people.pm_a,
            org.a,
            objectives=[org.so1],
            name="Renamed",
            planned_finish=dt.date(2025, 1, 1),
        )
    org.a.refresh_from_db()
    assert org.a.name == "Alpha app"
    assert org.a.objectives.count() == 0


def test_moving_a_project_needs_rights_on_the_target(org):
    target = Program.objects.create(portfolio=org.p1, code="OPX", name="Ops excellence")
    with pytest.raises(PermissionDenied):
        services.do_update_project(org.people.pgm, org.a, program=target)
    org.a.refresh_from_db()
    assert org.a.program == org.g1
    moved = services.do_update_project(org.people.pfm, org.a, program=target)
    assert moved.program == target


def test_program_with_projects_cannot_be_deleted(org):
    with pytest.raises(ValidationError, match="still has 2 project"):
        services.do_delete_program(org.people.pfm, org.g1)


def test_only_organisation_pmo_admins_create_portfolios(org):
    with pytest.raises(PermissionDenied, match="Only PMO admins may create portfolios"):
        services.do_create_portfolio(org.people.pfm, code="NEW", name="New")
    portfolio = services.do_create_portfolio(org.people.admin, code="NEW", name="New")
    assert portfolio.pk is not None


def test_unknown_fields_are_refused(org):
    with pytest.raises(TypeError, match=r"Unknown field\(s\) for Project: \['budget'\]"):
        services.do_update_project(org.people.pfm, org.a, budget=10)
