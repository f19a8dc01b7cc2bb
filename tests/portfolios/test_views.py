"""The web UI: what each person sees, may change, and how errors come back."""

import pytest
from django.urls import reverse

from pmo.portfolios.models import Project


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_login_required(client, org):
    response = client.get(reverse("portfolios:project-list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_member_of_project_a_cannot_open_project_b(client_for, org):
    client = client_for(org.people.member_a)
    assert client.get(org.a.get_absolute_url()).status_code == 200
    assert client.get(org.b.get_absolute_url()).status_code == 404
    assert client.get(reverse("portfolios:project-update", args=[org.b.pk])).status_code == 404
    response = client.post(
        reverse("portfolios:project-update", args=[org.b.pk]), {"name": "Hacked"}
    )
    assert response.status_code == 404
    org.b.refresh_from_db()
    assert org.b.name == "Bravo billing"


def test_team_member_cannot_edit_own_project(client_for, org):
    client = client_for(org.people.member_a)
    response = client.get(reverse("portfolios:project-update", args=[org.a.pk]))
    assert response.status_code == 403
    assert b"You may not change PRJ-A Alpha app." in response.content


def test_project_list_shows_only_visible_projects(client_for, org):
    response = client_for(org.people.pgm).get(reverse("portfolios:project-list"))
    assert response.status_code == 200
    assert [p.code for p in response.context["object_list"]] == ["PRJ-A", "PRJ-B"]


def test_list_filters_and_sorts(client_for, org):
    Project.objects.filter(pk=org.b.pk).update(health="red")
    client = client_for(org.people.admin)
    response = client.get(reverse("portfolios:project-list"), {"health": "red"})
    assert [p.code for p in response.context["object_list"]] == ["PRJ-B"]
    response = client.get(reverse("portfolios:project-list"), {"ordering": "-code"})
    assert [p.code for p in response.context["object_list"]] == [
        "PRJ-D",
        "PRJ-C",
        "PRJ-B",
        "PRJ-A",
    ]
    response = client.get(reverse("portfolios:project-list"), {"q": "cloud"})
    assert [p.code for p in response.context["object_list"]] == ["PRJ-C"]


def test_htmx_request_gets_only_the_table(client_for, org):
    client = client_for(org.people.admin)
    response = client.get(reverse("portfolios:project-list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "PRJ-A" in body
    full = client.get(reverse("portfolios:project-list")).content.decode()
    assert "<html" in full


def test_project_list_query_count_does_not_grow_with_projects(
    client_for, org, django_assert_max_num_queries
):
    client = client_for(org.people.admin)
    for n in range(20):
        Project.objects.create(portfolio=org.p1, program=org.g1, code=f"PRJ-X{n}", name=f"X{n}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portfolios:project-list"))
    assert len(response.context["object_list"]) == 24


def test_create_form_shows_field_error_next_to_the_field(client_for, org):
    client = client_for(org.people.pgm)
    response = client.post(
        reverse("portfolios:project-create"),
        {
            "portfolio": org.p1.pk,
            "program": org.g1.pk,
            "code": "PRJ-N",
            "name": "Backwards",
            "status": "proposed",
            "phase": "initiation",
            "priority": 3,
            "health": "green",
            "planned_start": "2026-05-01",
            "planned_finish": "2026-04-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    field_block = html.split('id="field-planned_finish"')[1].split("</div>")[0]
    assert "is before the planned start (01 May 2026)" in field_block
    assert not Project.objects.filter(code="PRJ-N").exists()


def test_program_manager_creates_a_project_in_their_program(client_for, org):
    client = client_for(org.people.pgm)
    response = client.post(
        reverse("portfolios:project-create"),
        {
            "portfolio": org.p1.pk,
            "program": org.g1.pk,
            "code": "PRJ-N",
            "name": "New journeys",
            "status": "active",
            "phase": "planning",
            "priority": 2,
            "health": "green",
            "objectives": [org.so1.pk],
        },
    )
    project = Project.objects.get(code="PRJ-N")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert list(project.objectives.all()) == [org.so1]


def test_portfolio_creation_page_denied_to_portfolio_manager(client_for, org):
    response = client_for(org.people.pfm).get(reverse("portfolios:portfolio-create"))
    assert response.status_code == 403


def test_delete_needs_rights_one_level_up(client_for, org):
    response = client_for(org.people.pm_a).post(
        reverse("portfolios:project-delete", args=[org.a.pk])
    )
    assert response.status_code == 403
    assert Project.objects.filter(pk=org.a.pk).exists()
    response = client_for(org.people.pgm).post(
        reverse("portfolios:project-delete", args=[org.a.pk])
    )
    assert response.status_code == 302
    assert not Project.objects.filter(pk=org.a.pk).exists()


@pytest.mark.parametrize("name", ["portfolio-detail", "program-detail", "project-detail"])
def test_detail_pages_render_for_the_admin(client_for, org, name):
    obj = {"portfolio-detail": org.p1, "program-detail": org.g1, "project-detail": org.a}[name]
    response = client_for(org.people.admin).get(reverse(f"portfolios:{name}", args=[obj.pk]))
    assert response.status_code == 200
    assert obj.name in response.content.decode()
