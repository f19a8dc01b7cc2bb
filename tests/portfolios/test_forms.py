import datetime as dt

from pmo.portfolios.forms import ProjectForm


def form_data(org, **overrides):
    data = {
        "portfolio": org.p1.pk,
        "program": org.g1.pk,
        "code": "PRJ-N",
        "name": "New project",
        "status": "proposed",
        "phase": "initiation",
        "priority": 3,
        "health": "green",
        "planned_start": "2026-03-01",
        "planned_finish": "2026-09-30",
    }
    data.update(overrides)
    return data


def test_finish_before_start_is_an_error_on_the_finish_field(org):
    form = ProjectForm(
        data=form_data(org, planned_start="2026-05-01", planned_finish="2026-04-01"),
        user=org.people.pgm,
    )
    assert not form.is_valid()
    assert form.errors == {
        "planned_finish": [
            "The planned finish (01 Apr 2026) is before the planned start (01 May 2026)."
        ]
    }


def test_valid_form_passes_dates_through(org):
    form = ProjectForm(data=form_data(org), user=org.people.pgm)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["planned_finish"] == dt.date(2026, 9, 30)


def test_program_must_belong_to_the_chosen_portfolio(org):
    form = ProjectForm(data=form_data(org, portfolio=org.p2.pk), user=org.people.admin)
    assert not form.is_valid()
    assert form.errors["program"] == [
        "Digital Customer Experience belongs to portfolio Enterprise Transformation, "
        "not Operations."
    ]


def test_objectives_of_another_portfolio_are_refused(org):
    form = ProjectForm(data=form_data(org, objectives=[org.so9.pk]), user=org.people.admin)
    assert not form.is_valid()
    assert form.errors["objectives"] == [
        "Objectives must belong to the project's portfolio; not: SO9 Run cheaper."
    ]


def test_choices_hide_what_the_user_cannot_see(org):
    form = ProjectForm(user=org.people.member_a)
    assert [p.code for p in form.fields["portfolio"].queryset] == ["ETP"]
    assert [o.code for o in form.fields["objectives"].queryset] == ["SO1"]


def test_project_manager_cannot_file_a_new_project_under_the_program(org):
    form = ProjectForm(data=form_data(org), user=org.people.pm_a)
    assert not form.is_valid()
    assert form.errors["program"] == ["You may not add projects to Digital Customer Experience."]
