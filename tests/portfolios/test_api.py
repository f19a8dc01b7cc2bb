"""The REST API applies the same permissions and validation as the web UI."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pmo.portfolios.models import Project


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_anonymous_gets_401_or_403(org):
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code in (401, 403)


def test_token_authentication(org):
    token = Token.objects.create(user=org.people.member_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["results"]] == ["PRJ-A"]


def test_obtain_token_with_password(org):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "member_a", "password": "secret-pass-1"}
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_member_of_a_cannot_see_or_edit_b(api, org):
    client = api(org.people.member_a)
    assert client.get(f"/api/v1/projects/{org.b.pk}/").status_code == 404
    assert client.patch(f"/api/v1/projects/{org.b.pk}/", {"name": "x"}).status_code == 404
    response = client.patch(f"/api/v1/projects/{org.a.pk}/", {"name": "x"})
    assert response.status_code == 403
    org.a.refresh_from_db()
    assert org.a.name == "Alpha app"


def test_project_manager_patches_own_project(api, org):
    response = api(org.people.pm_a).patch(
        f"/api/v1/projects/{org.a.pk}/", {"health": "amber"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["health"] == "amber"


def test_finish_before_start_is_a_400_naming_the_field(api, org):
    response = api(org.people.pgm).post(
        "/api/v1/projects/",
        {
            "program": org.g1.pk,
            "code": "PRJ-N",
            "name": "Backwards",
            "planned_start": "2026-05-01",
            "planned_finish": "2026-04-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "planned_finish": ["The planned finish (2026-04-01) is before the start (2026-05-01)."]
    }


def test_create_without_rights_is_403_and_writes_nothing(api, org):
    response = api(org.people.pm_a).post(
        "/api/v1/projects/", {"program": org.g1.pk, "code": "PRJ-N", "name": "X"}, format="json"
    )
    assert response.status_code == 403
    assert not Project.objects.filter(code="PRJ-N").exists()


def test_service_validation_errors_come_back_as_400(api, org):
    response = api(org.people.pfm).delete(f"/api/v1/programs/{org.g1.pk}/")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Program Digital Customer Experience still has 2 projects; move or delete them first."
        ]
    }


def test_filtering_ordering_and_pagination(api, org):
    client = api(org.people.admin)
    response = client.get("/api/v1/projects/", {"portfolio": org.p1.pk, "ordering": "-code"})
    body = response.json()
    assert body["count"] == 3
    assert [p["code"] for p in body["results"]] == ["PRJ-D", "PRJ-B", "PRJ-A"]
    for n in range(55):
        Project.objects.create(portfolio=org.p2, code=f"PRJ-Z{n:02d}", name=f"Z{n}")
    page = client.get("/api/v1/projects/").json()
    assert page["count"] == 59
    assert len(page["results"]) == 50
    assert page["next"].endswith("?page=2")


def test_membership_api_grants_within_rights(api, org):
    response = api(org.people.pm_a).post(
        "/api/v1/memberships/",
        {"user": org.people.outsider.pk, "role": "team_member", "project": org.a.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api(org.people.pm_a).post(
        "/api/v1/memberships/",
        {"user": org.people.outsider.pk, "role": "team_member", "project": org.b.pk},
        format="json",
    )
    assert response.status_code == 403


def test_schema_is_valid_openapi(api, org):
    from openapi_spec_validator import validate

    response = api(org.people.admin).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert "/api/v1/projects/" in schema["paths"]
    assert "/api/v1/jobs/{id}/" in schema["paths"]


def test_swagger_ui_is_served_without_a_cdn(client, org):
    client.force_login(org.people.admin)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "cdn.jsdelivr" not in response.content.decode()
