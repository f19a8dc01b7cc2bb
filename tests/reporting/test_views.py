"""Status report pages: who may do what through the web UI, and what they are told."""

from pmo.reporting.models import DigestSubscription, RagThresholds, StatusReport


def test_report_page_is_editable_only_by_the_project_manager(client, org, report):
    client.force_login(org.people.pm_a)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Submit for review" in page and "Override" in page
    client.force_login(org.people.executive)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Submit for review" not in page and "Export PDF" in page
    assert client.post(f"/reports/{report.pk}/submit/").status_code == 403
    client.force_login(org.people.outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404


def test_override_without_reason_is_shown_on_the_rating(client, org, report):
    client.force_login(org.people.pm_a)
    response = client.post(
        f"/reports/{report.pk}/rating/", {"dimension": "cost", "value": "green", "reason": ""}
    )
    assert response.status_code == 400
    assert "Say why cost is green although the thresholds give red." in response.content.decode()
    response = client.post(
        f"/reports/{report.pk}/rating/",
        {"dimension": "cost", "value": "green", "reason": "Invoice 7 was booked twice."},
    )
    assert response.status_code == 302
    assert report.ratings.get(dimension="cost").value == "green"


def test_submit_and_review_through_the_pages(client, org, report):
    client.force_login(org.people.pm_a)
    client.post(f"/reports/{report.pk}/edit/", {"narrative": "On track again."})
    client.post(f"/reports/{report.pk}/submit/")
    client.force_login(org.people.pgm)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Record review" in page
    client.post(f"/reports/{report.pk}/review/", {"decision": "accept", "comment": "Fine."})
    report.refresh_from_db()
    assert (report.state, report.narrative, report.reviewed_by) == (
        "reviewed",
        "On track again.",
        org.people.pgm,
    )


def test_start_a_report_from_the_status_tab(client, org, fence):
    client.force_login(org.people.pm_a)
    response = client.post(f"/projects/{org.a.pk}/status/", {"period": "2026-01"})
    report = StatusReport.objects.get(project=org.a)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    again = client.post(f"/projects/{org.a.pk}/status/", {"period": "2026-01"})
    assert again.status_code == 400
    assert "PRJ-A already has a status report for January 2026." in again.content.decode()
    client.force_login(org.people.member_a)
    assert client.get(f"/projects/{org.a.pk}/status/").status_code == 200
    assert client.post(f"/projects/{org.a.pk}/status/", {"period": "2026-02"}).status_code == 403


def test_thresholds_page_for_the_pmo_only(client, org):
    client.force_login(org.people.pm_a)
    assert client.get(f"/portfolios/{org.p1.pk}/thresholds/").status_code == 403
    client.force_login(org.people.pfm)
    assert client.get(f"/portfolios/{org.p1.pk}/thresholds/").status_code == 200
    fields = {
        "spi_amber": "0.95",
        "spi_red": "0.97",
        "cpi_amber": "0.95",
        "cpi_red": "0.90",
        "scope_amber_pct": "5",
        "scope_red_pct": "10",
        "risk_amber_days": "10",
        "risk_red_days": "30",
        "resources_amber_pct": "10",
        "resources_red_pct": "20",
        "due_days": "5",
    }
    response = client.post(f"/portfolios/{org.p1.pk}/thresholds/", fields)
    assert response.status_code == 400
    assert "The red limit of SPI must not be above the amber limit." in response.content.decode()
    response = client.post(f"/portfolios/{org.p1.pk}/thresholds/", {**fields, "spi_red": "0.85"})
    assert response.status_code == 302
    assert str(RagThresholds.objects.get(portfolio=org.p1).spi_red) == "0.85"


def test_digest_subscription_toggle(client, org):
    org.people.executive.email = "exec@example.org"
    org.people.executive.save()
    client.force_login(org.people.executive)
    client.post(f"/portfolios/{org.p1.pk}/digest/", {"subscribe": "1"})
    assert DigestSubscription.objects.filter(user=org.people.executive).count() == 1
    client.post(f"/portfolios/{org.p1.pk}/digest/", {"subscribe": "0"})
    assert not DigestSubscription.objects.exists()
