"""The Money tab and the finance API: permissions, messages, figures."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pmo.finance.models import BudgetLine, CostEntry


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_money_page_shows_the_figures_to_those_who_may_see_them(client, org, fence):
    client.force_login(org.people.member_a)
    page = client.get(f"/projects/{org.a.pk}/money/?date=2024-03-06")
    assert page.status_code == 200
    text = page.content.decode()
    assert "EUR 4,480" in text  # EAC
    assert "Record a cost" not in text  # a team member does not change money
    client.force_login(org.people.outsider)
    assert client.get(f"/projects/{org.a.pk}/money/").status_code == 404


def test_money_forms_show_service_errors_next_to_the_field(client, org):
    client.force_login(org.people.pm_a)
    response = client.post(
        f"/projects/{org.a.pk}/money/budget/",
        {"month": "2026-02", "expenditure": "opex", "category": "labour", "amount": "-3"},
    )
    assert response.status_code == 400
    assert "The amount must not be negative (got -3.00)." in response.content.decode()
    assert not BudgetLine.objects.exists()
    response = client.post(
        f"/projects/{org.a.pk}/money/costs/",
        {
            "date": "2026-01-15",
            "source": "invoice",
            "expenditure": "opex",
            "category": "contractors",
            "amount": "1250.00",
            "reference": "INV-7",
        },
    )
    assert response.status_code == 302
    entry = CostEntry.objects.get()
    assert (entry.amount, entry.created_by, entry.date) == (
        1250,
        org.people.pm_a,
        dt.date(2026, 1, 15),
    )
    client.force_login(org.people.member_a)
    response = client.post(f"/projects/{org.a.pk}/money/costs/", {"date": "2026-01-15"})
    assert response.status_code in (400, 403)
    assert CostEntry.objects.count() == 1


def test_api_cost_entries_and_budget_lines(api, org):
    response = api(org.people.pm_a).post(
        "/api/v1/cost-entries/",
        {"project": org.a.pk, "category": "travel", "date": "2026-01-10", "amount": "99.90"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "99.90"
    denied = api(org.people.member_a).post(
        "/api/v1/cost-entries/",
        {"project": org.a.pk, "category": "travel", "date": "2026-01-10", "amount": "1"},
        format="json",
    )
    assert denied.status_code == 403
    hidden = api(org.people.member_a).post(
        "/api/v1/cost-entries/",
        {"project": org.b.pk, "category": "travel", "date": "2026-01-10", "amount": "1"},
        format="json",
    )
    assert hidden.status_code == 400
    assert "object does not exist" in hidden.json()["project"][0]
    bad = api(org.people.pm_a).post(
        "/api/v1/budget-lines/",
        {"project": org.a.pk, "category": "labour", "month": "2026-02-03", "amount": "5"},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"month": ["A month is given by its first day, not 03 Feb 2026."]}
    listed = api(org.people.outsider).get("/api/v1/cost-entries/").json()
    assert listed["count"] == 0


def test_api_project_evm(api, org, fence):
    body = api(org.people.executive).get(f"/api/v1/projects/{org.a.pk}/evm/?date=2024-03-06")
    assert body.status_code == 200
    data = body.json()
    assert (data["currency"], data["baseline_number"]) == ("EUR", 0)
    assert (data["figures"]["pv"], data["figures"]["ev"], data["figures"]["eac"]) == (
        3000_00,
        2500_00,
        4480_00,
    )
    assert [t["name"] for t in data["tasks"]] == ["Side 1", "Side 2", "Side 3", "Side 4"]
    bad = api(org.people.executive).get(f"/api/v1/projects/{org.a.pk}/evm/?date=06.03.2024")
    assert bad.status_code == 400
    assert bad.json() == {"date": ["Give the status date as YYYY-MM-DD."]}
    assert api(org.people.outsider).get(f"/api/v1/projects/{org.a.pk}/evm/").status_code == 404


def test_api_program_evm_sums_the_visible_projects(api, org, fence):
    from .conftest import build_plan

    build_plan(org.b, [("Build", "2024-03-04", "2024-03-07", "2000", 25, None)])
    CostEntry.objects.create(project=org.b, category="labour", date="2024-03-06", amount="700")
    data = api(org.people.pgm).get(f"/api/v1/programs/{org.g1.pk}/evm/?date=2024-03-06").json()
    assert data["projects"] == [org.a.pk, org.b.pk]
    f = data["figures"]
    assert (f["bac"], f["pv"], f["ev"], f["ac"]) == (6000_00, 4500_00, 3000_00, 3500_00)
    assert f["cpi"] == pytest.approx(3000 / 3500)
    # A team member of A sees the program figures of what they may see: A alone.
    mine = api(org.people.member_a).get(f"/api/v1/programs/{org.g1.pk}/evm/?date=2024-03-06")
    assert mine.json()["projects"] == [org.a.pk]
    assert mine.json()["figures"]["ev"] == 2500_00
    portfolio = api(org.people.pfm).get(f"/api/v1/portfolios/{org.p1.pk}/evm/?date=2024-03-06")
    assert portfolio.json()["figures"]["bac"] == 6000_00


def test_api_budget_replaced_in_one_go_or_not_at_all(api, org):
    BudgetLine.objects.create(project=org.a, category="labour", month="2026-01-01", amount=10)
    rows = [
        {"expenditure": "capex", "category": "hardware", "month": "2026-02-01", "amount": "500"},
        {"expenditure": "opex", "category": "labour", "month": "2026-02-01", "amount": "-1"},
    ]
    bad = api(org.people.pm_a).put(f"/api/v1/projects/{org.a.pk}/budget/", rows, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"amount": ["Row 2: The amount must not be negative (got -1.00)."]}
    assert list(BudgetLine.objects.values_list("month", "amount")) == [(dt.date(2026, 1, 1), 10)]
    rows[1]["amount"] = "1200.5"
    good = api(org.people.pm_a).put(f"/api/v1/projects/{org.a.pk}/budget/", rows, format="json")
    assert good.status_code == 200
    assert [(r["category"], r["amount"]) for r in good.json()] == [
        ("hardware", "500.00"),
        ("labour", "1200.50"),
    ]
    assert BudgetLine.objects.count() == 2
    denied = api(org.people.member_a).put(
        f"/api/v1/projects/{org.a.pk}/budget/", rows, format="json"
    )
    assert denied.status_code == 403


def test_store_snapshot_button_runs_a_job(client, org, fence, django_capture_on_commit_callbacks):
    from pmo.finance.models import EvmRecord
    from pmo.jobs.models import Job

    client.force_login(org.people.pfm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/portfolios/{org.p1.pk}/snapshots/", {"date": "2024-03-06"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.result) == ("succeeded", {"stored": 5, "status_date": "2024-03-06"})
    assert EvmRecord.objects.filter(status_date="2024-03-06", scope="project").count() == 3
    client.force_login(org.people.pm_a)
    assert client.post(f"/portfolios/{org.p1.pk}/snapshots/").status_code == 403


def _workbook(rows) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_budget_upload_from_excel_all_or_nothing(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    BudgetLine.objects.create(project=org.a, category="labour", month="2026-01-01", amount=10)
    client.force_login(org.people.pm_a)
    bad = _workbook(
        [
            ["Month", "Capex/Opex", "Category", "Amount", "Description"],
            [dt.date(2026, 2, 1), "Capex", "Hardware and equipment", 5000, "Servers"],
            ["Feb 2026", "opex", "Catering", 100, ""],
            ["someday", "opex", "labour", "12x", ""],
        ]
    )
    page = client.post(
        f"/projects/{org.a.pk}/money/budget/upload/",
        {"file": SimpleUploadedFile("budget.xlsx", bad)},
        follow=True,
    ).content.decode()
    assert "Row 3, Category: &#x27;Catering&#x27; is not a cost category" in page
    assert "Row 4, Month: &#x27;someday&#x27; is not a month (e.g. 2026-03 or Mar 2026)." in page
    assert "Row 4, Amount: &#x27;12x&#x27; is not an amount of money." in page
    assert list(BudgetLine.objects.values_list("amount", flat=True)) == [10]
    good = _workbook(
        [
            ["category", "month", "amount", "capex/opex"],
            ["Labour", "2026-03", "1,250.50", "Opex"],
            ["software", dt.datetime(2026, 4, 17), 300, "capex"],
        ]
    )
    client.post(
        f"/projects/{org.a.pk}/money/budget/upload/",
        {"file": SimpleUploadedFile("budget.xlsx", good)},
    )
    assert sorted(BudgetLine.objects.values_list("month", "category", "expenditure", "amount")) == [
        (dt.date(2026, 3, 1), "labour", "opex", 1250.5),
        (dt.date(2026, 4, 1), "software", "capex", 300),
    ]
    client.force_login(org.people.member_a)
    response = client.post(
        f"/projects/{org.a.pk}/money/budget/upload/",
        {"file": SimpleUploadedFile("budget.xlsx", good)},
    )
    assert response.status_code == 403
