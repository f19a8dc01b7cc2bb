"""Granting and revoking roles from the portfolio, program and project pages."""

from django.urls import reverse

from pmo.accounts.models import Membership


def test_project_manager_adds_and_removes_a_team_member(client, org):
    client.force_login(org.people.pm_a)
    url = reverse("accounts:members", args=["project", org.a.pk])
    response = client.post(url, {"user": org.people.outsider.pk, "role": "team_member"})
    assert response.status_code == 200
    membership = Membership.objects.get(user=org.people.outsider, project=org.a)
    assert "Outsider Tester" in response.content.decode()
    response = client.post(reverse("accounts:member-remove", args=[membership.pk]))
    assert response.status_code == 200
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_roles_offered_fit_the_level(client, org):
    client.force_login(org.people.pm_a)
    body = client.get(reverse("accounts:members", args=["project", org.a.pk])).content.decode()
    assert 'value="team_member"' in body
    assert 'value="portfolio_manager"' not in body


def test_team_member_cannot_grant(client, org):
    client.force_login(org.people.member_a)
    url = reverse("accounts:members", args=["project", org.a.pk])
    response = client.post(url, {"user": org.people.outsider.pk, "role": "team_member"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=org.people.outsider).exists()


def test_members_of_an_invisible_project_are_not_found(client, org):
    client.force_login(org.people.member_a)
    response = client.get(reverse("accounts:members", args=["project", org.b.pk]))
    assert response.status_code == 404
