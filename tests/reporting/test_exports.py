"""Documents opened and read back: the status report and portfolio report PDFs (text
from WeasyPrint's laid-out pages; pypdf and pdftotext are not available here) and the
portfolio workbook (openpyxl).
"""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from weasyprint.formatting_structure import boxes

from pmo.finance.services import take_snapshots
from pmo.jobs.models import Job
from pmo.jobs.storage import result_path
from pmo.reporting import exports, services

from .conftest import STATUS


def pdf_text(html: str) -> str:
    document = exports.render_pdf(html)
    words = [
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox)
    ]
    return " ".join(" ".join(words).split()), len(document.pages), document.write_pdf()


@pytest.fixture
def submitted(org, report):
    for project in (org.a, org.b, org.d):
        project.status = "active"
        project.save()
    services.do_update_report(
        org.people.pm_a, report, narrative="Side 3 is half built.", decisions_needed="None."
    )
    services.do_override_rating(
        org.people.pm_a, report, dimension="cost", value="amber", reason="Credit note expected."
    )
    services.do_submit_report(org.people.pm_a, report)
    take_snapshots([org.a, org.b, org.d], STATUS)
    return report


def test_status_report_pdf_reads_like_the_report(submitted):
    text, pages, pdf = pdf_text(exports.status_report_html(submitted))
    assert pdf.startswith(b"%PDF-") and pages >= 1
    assert "Alpha app" in text
    assert "PRJ-A · Status report March 2024 · figures as of 06 March 2024 · Submitted" in text
    assert "Schedule Red SPI(t) 0.83, SPI 0.83; forecast finish 08 Mar 2024" in text
    assert "Cost Amber CPI 0.89; EAC EUR 4,480 against BAC EUR 4,000" in text
    assert "Overridden from Red: “Credit note expected.”" in text
    # Tile labels are set in capitals by the stylesheet.
    assert "BUDGET AT COMPLETION EUR 4,000" in text
    assert "ESTIMATE AT COMPLETION EUR 4,480 VAC −EUR 480" in text
    assert "Forecast finish (earned schedule) 08 Mar 2024" in text
    assert "Side 3 is half built." in text
    assert f"Page 1 of {pages}" in text


def test_status_report_pdf_endpoint(client, org, submitted):
    client.force_login(org.people.executive)
    response = client.get(f"/reports/{submitted.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="PRJ-A-status-2024-03.pdf"'
    assert response.content.startswith(b"%PDF-")
    client.force_login(org.people.outsider)
    assert client.get(f"/reports/{submitted.pk}/pdf/").status_code == 404


def test_portfolio_report_pdf(org, submitted):
    html = exports.portfolio_html(org.people.pfm, org.p1, today=STATUS)
    text, pages, _ = pdf_text(html)
    assert "Enterprise Transformation" in text
    assert "Portfolio report · figures of record as of 06 March 2024 · 3 active" in text
    assert "RED / AMBER / GREEN 1 / 0 / 0" in text
    assert "PRJ-A Alpha app" in text
    assert "Projects needing the board's attention" in text
    assert pages >= 2


def test_portfolio_workbook(org, submitted):
    book = load_workbook(io.BytesIO(exports.portfolio_xlsx(org.people.pfm, org.p1, today=STATUS)))
    assert book.sheetnames == ["Summary", "Projects", "Milestones", "Cost by month"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=4, values_only=True)}
    assert summary["Projects"] == 3
    assert summary["Budget at completion"] == 4000
    assert summary["Actual cost"] == 2800
    sheet = book["Projects"]
    header = [c.value for c in sheet[1]]
    assert header[:11] == [
        "Code",
        "Project",
        "Program",
        "Manager",
        "Phase",
        "Schedule",
        "Cost",
        "Scope",
        "Risk",
        "Resources",
        "Overall",
    ]
    a = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert a["Code"].value == "PRJ-A"
    assert (a["Schedule"].value, a["Cost"].value, a["Overall"].value) == ("Red", "Amber", "Red")
    assert a["Schedule"].fill.fgColor.rgb == "00FFC7CE"
    assert a["EAC"].value == 4480 and a["EAC"].number_format == '#,##0 "EUR";[Red]-#,##0 "EUR"'
    assert round(a["CPI"].value, 3) == 0.893
    assert a["Forecast finish"].value == dt.datetime(2024, 3, 8)
    assert sheet.freeze_panes == "C2"
    costs = list(book["Cost by month"].iter_rows(min_row=2, values_only=True))
    # The fence's actual costs, all booked in March 2024: 2,800 for project A and as
    # much for nobody else (B and D have no costs in this fixture).
    assert costs == [(dt.datetime(2024, 3, 1), 0, 2800, 0, 0, 2800)]


def test_portfolio_export_runs_as_a_job_and_leaves_a_file(
    client, org, submitted, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(org.people.pfm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/portfolios/{org.p1.pk}/report/xlsx/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == "succeeded", job.error
    assert result_path(job).read_bytes()[:2] == b"PK"
    assert client.post(f"/portfolios/{org.p1.pk}/report/doc/").status_code == 404
