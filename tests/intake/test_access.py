"""Intake is portfolio business: a role on one project does not open the demand queue."""

from django.urls import reverse


def test_project_member_sees_neither_the_intake_tab_nor_the_pipeline(client, org):
    client.force_login(org.people.pm_a)
    page = client.get(org.p1.get_absolute_url()).content.decode()
    assert reverse("intake:pipeline", args=[org.p1.pk]) not in page
    assert client.get(reverse("intake:pipeline", args=[org.p1.pk])).status_code == 404


def test_portfolio_manager_opens_the_pipeline(client, org):
    client.force_login(org.people.pfm)
    page = client.get(org.p1.get_absolute_url()).content.decode()
    assert reverse("intake:pipeline", args=[org.p1.pk]) in page
    assert client.get(reverse("intake:pipeline", args=[org.p1.pk])).status_code == 200
