"""Open the executive dashboard, filter to one program, drill from a red rating to the
project's status report, and export that report to PDF.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from pmo.finance.services import take_snapshots
from pmo.reporting import services

from ..reporting.conftest import STATUS, fence_plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def _report(project, author, percents):
    project.status = "active"
    project.save(update_fields=["status"])
    fence_plan(project, percents=percents)
    report = services.create_report(project, dt.date(2024, 3, 1), STATUS, author)
    services.do_update_report(author, report, narrative=f"{project.name}: where it stands.")
    services.do_submit_report(author, report)
    return report


def test_dashboard_filter_drill_down_and_pdf(page, screenshot, org):
    late = _report(org.a, org.people.pm_a, (100, 100, 50, 0))  # SPI(t) 0.83: red
    _report(org.b, org.people.pgm, (100, 100, 100, 100))
    _report(org.d, org.people.pfm, (100, 100, 100, 100))
    take_snapshots([org.a, org.b, org.d], STATUS)

    from .conftest import log_in

    log_in(page, "admin", "secret-pass-1")
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Executive dashboard")
    rows = page.locator("table.health tbody tr[data-project]")
    expect(rows).to_have_count(3)
    expect(page.locator("#s-curve-chart")).to_be_visible()

    page.select_option("#filter-program", label="Digital Customer Experience")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(
        f"{page.url.split('?')[0]}?portfolio=&program={org.g1.pk}&manager=&phase=&objective="
    )
    expect(page.locator("tr[data-project=PRJ-D]")).to_have_count(0)
    screenshot(page, "dashboard-filtered")

    red = page.locator("tr[data-project=PRJ-A] a[data-dimension=schedule][data-rag=red]")
    expect(red).to_have_text("Red")
    red.click()
    expect(page).to_have_url(f"{page.url.split('/reports/')[0]}/reports/{late.pk}/")
    expect(page.locator("#rating-schedule")).to_contain_text(
        "SPI(t) 0.83, SPI 0.83; forecast finish 08 Mar 2024"
    )
    expect(page.locator("text=Alpha app: where it stands.")).to_be_visible()
    screenshot(page, "status-report")

    href = page.locator("#export-pdf").get_attribute("href")
    assert href == f"/reports/{late.pk}/pdf/"
    pdf = page.request.get(href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
