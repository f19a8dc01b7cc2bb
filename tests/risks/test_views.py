"""Risk pages: register with heat maps, cell filter, forms, analysis and estimates."""

import re

from pmo.risks.models import Risk, TaskEstimate
from pmo.schedules import services as plan_services

from .conftest import make_risk


def cells(html: str, residual: bool) -> dict[tuple[int, int], int]:
    """Counts per (probability, impact) cell of one heat map on the page."""
    label = "Residual" if residual else "Inherent"
    table = html.split(f'aria-label="{label} heat map"')[1].split("</table>")[0]
    found = re.findall(r'data-probability="(\d)" data-impact="(\d)" data-count="(\d+)"', table)
    return {(int(p), int(i)): int(n) for p, i, n in found if int(n)}


def test_project_register_shows_heat_maps_and_the_raid_log(client, org):
    make_risk(org.a, title="Vendor", probability=5, impact=4, residual_probability=2,
              residual_impact=3)  # fmt: skip
    make_risk(org.a, title="Skills", probability=2, impact=2)
    make_risk(org.a, title="Old", probability=1, impact=1, status="closed")
    client.force_login(org.people.member_a)
    response = client.get(f"/projects/{org.a.pk}/risks/")
    html = response.content.decode()
    assert response.status_code == 200
    assert cells(html, residual=False) == {(5, 4): 1, (2, 2): 1}
    assert cells(html, residual=True) == {(2, 3): 1, (2, 2): 1}
    assert '<div class="value" id="kpi-red">1</div>' in html
    assert "Raise a risk" in html
    assert "Vendor" in html and "Skills" in html


def test_clicking_a_cell_lists_only_its_risks(client, org):
    make_risk(org.a, title="Vendor", probability=5, impact=4)
    make_risk(org.a, title="Skills", probability=2, impact=2)
    client.force_login(org.people.pm_a)
    response = client.get(
        f"/projects/{org.a.pk}/risks/",
        {"probability": 5, "impact": 4},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="risk-table",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Vendor" in html and "Skills" not in html


def test_outsiders_get_404_and_executives_cannot_raise(client, org):
    client.force_login(org.people.outsider)
    assert client.get(f"/projects/{org.a.pk}/risks/").status_code == 404
    client.force_login(org.people.executive)
    response = client.get(f"/projects/{org.a.pk}/risks/")
    assert response.status_code == 200
    assert "Raise a risk" not in response.content.decode()
    response = client.post(
        f"/project/{org.a.pk}/risks/new/", {"title": "x", "probability": 1, "impact": 1}
    )
    assert response.status_code == 403


def test_raise_a_risk_with_the_form_and_see_errors_next_to_fields(client, org):
    client.force_login(org.people.pm_a)
    form = {
        "title": "Vendor late", "kind": "threat", "category": "supplier", "probability": 4,
        "impact": 3, "days_min": "5", "days_likely": "2", "days_max": "8", "cost_min": "0",
        "cost_likely": "0", "cost_max": "0", "proximity": "short", "strategy": "mitigate",
    }  # fmt: skip
    response = client.post(f"/project/{org.a.pk}/risks/new/", form)
    assert response.status_code == 200
    assert (
        "The delay range must be minimum &lt;= most likely &lt;= maximum (got 5 / 2 / 8)."
        in response.content.decode()
    )
    form["days_likely"] = "6"
    response = client.post(f"/project/{org.a.pk}/risks/new/", form)
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/risks/{risk.pk}/"
    assert (risk.score, risk.level, risk.project) == (12, "project", org.a)


def test_program_register_includes_project_risks_below_unless_asked_not_to(client, org):
    make_risk(org.a, title="Project-level")
    make_risk(org.a, level="program", title="Escalated")
    client.force_login(org.people.pgm)
    html = client.get(f"/programs/{org.g1.pk}/risks/").content.decode()
    assert "Project-level" in html and "Escalated" in html
    html = client.get(f"/programs/{org.g1.pk}/risks/", {"below": "0"}).content.decode()
    assert "Project-level" not in html and "Escalated" in html


def test_portfolio_wide_list_filters_by_register(client, org):
    make_risk(org.a, title="On project")
    make_risk(org.d, level="portfolio", title="On portfolio")
    client.force_login(org.people.admin)
    html = client.get("/risks/", {"level": "portfolio"}).content.decode()
    assert "On portfolio" in html and "On project" not in html


def test_estimates_page_saves_days_and_reports_row_errors(client, plan):
    task, _ = plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Build", duration_minutes=2400
    )
    client.force_login(plan.people.pm_a)
    url = f"/projects/{plan.a.pk}/estimates/"
    data = {"task": [task.pk], f"optimistic-{task.pk}": "6", f"most_likely-{task.pk}": "5",
            f"pessimistic-{task.pk}": "9", f"dist-{task.pk}": "pert"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert "need optimistic &lt;= most likely &lt;= pessimistic (2880/2400/4320)" in (
        response.content.decode()
    )
    data[f"optimistic-{task.pk}"] = "4.5"
    response = client.post(url, data)
    assert response.status_code == 302
    estimate = TaskEstimate.objects.get(task=task)
    assert (estimate.optimistic_minutes, estimate.pessimistic_minutes) == (2160, 4320)
    assert estimate.distribution == "pert"
    assert 'value="4.5"' in client.get(url).content.decode()


def test_analysis_page_runs_and_shows_the_p80(client, plan, django_capture_on_commit_callbacks):
    plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Design", duration_minutes=960
    )
    client.force_login(plan.people.pm_a)
    url = f"/projects/{plan.a.pk}/risk-analysis/"
    assert "No simulation yet" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"iterations": 200, "seed": 3, "include_risks": "on"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert '<div class="value" id="p80">03 Mar 2026</div>' in html
    assert 'id="tornado-chart"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"iterations": 300, "seed": 4})
    history = client.get(url).content.decode().split('id="run-history"')[1].split("</table>")[0]
    assert history.count("<tr><td>") == 2 and "03 Mar 2026" in history
    response = client.post(url, {"iterations": 5})
    assert response.status_code == 400
    assert "Run between 100 and 100,000 iterations." in response.content.decode()


def test_editing_the_score_in_the_form_adds_to_the_history(client, org):
    from pmo.risks import services

    risk = services.do_raise_risk(org.people.pm_a, scope=org.a, title="Vendor", probability=4,
                                  impact=3)  # fmt: skip
    client.force_login(org.people.pm_a)
    form = {
        "title": "Vendor", "kind": "threat", "category": "technical", "probability": 4,
        "impact": 3, "residual_probability": 2, "residual_impact": 2, "days_min": "0",
        "days_likely": "0", "days_max": "0", "cost_min": "0", "cost_likely": "0",
        "cost_max": "0", "proximity": "medium", "strategy": "mitigate", "status": "open",
        "note": "Second supplier signed",
    }  # fmt: skip
    response = client.post(f"/risks/{risk.pk}/edit/", form)
    assert response.status_code == 302
    assert list(risk.assessments.values_list("residual_score", "note")) == [
        (4, "Second supplier signed"),
        (None, "Raised"),
    ]
    page = client.get(f"/risks/{risk.pk}/").content.decode()
    assert "Second supplier signed" in page


def test_register_page_query_count_does_not_grow_with_risks(
    client, org, django_assert_max_num_queries
):
    for n in range(30):
        make_risk(org.a, title=f"Risk {n}", probability=1 + n % 5, impact=1 + n % 3)
    client.force_login(org.people.pm_a)
    with django_assert_max_num_queries(25):
        response = client.get(f"/projects/{org.a.pk}/risks/")
    assert response.status_code == 200


def test_matrix_page_saves_the_scale(client, org):
    client.force_login(org.people.pfm)
    url = f"/portfolios/{org.p1.pk}/risk-matrix/"
    assert "Almost certain" in client.get(url).content.decode()
    response = client.post(url, {
        "size": 3, "probability_labels": "Low, Medium, High", "impact_labels": "Low, Medium, High",
        "probability_percent": "10, 50, 90", "amber_from": 3, "red_from": 6,
    })  # fmt: skip
    assert response.status_code == 302
    html = client.get(f"/portfolios/{org.p1.pk}/risks/").content.decode()
    assert "Risk matrix (3×3)" in html
    client.force_login(org.people.pm_a)
    assert client.get(url).status_code in (403, 404)


def test_correlate_two_tasks_on_the_estimates_page(client, plan):
    design, _ = plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Design", duration_minutes=960
    )
    build, _ = plan_services.do_create_task(
        plan.people.pm_a, project=plan.a, name="Build", duration_minutes=960
    )
    client.force_login(plan.people.pm_a)
    url = f"/projects/{plan.a.pk}/correlations/"
    response = client.post(url, {"first": design.pk, "second": build.pk, "coefficient": "0.8"})
    assert response.status_code == 302
    page = client.get(f"/projects/{plan.a.pk}/estimates/").content.decode()
    assert "Design and Build now move together." in page
    assert "<td>0.80</td>" in page
    response = client.post(url, {"first": design.pk, "second": design.pk, "coefficient": "x"})
    page = client.get(f"/projects/{plan.a.pk}/estimates/").content.decode()
    assert "Give the correlation as a number between -1 and 1." in page


def test_register_downloads_as_an_excel_workbook(client, org):
    from io import BytesIO

    from openpyxl import load_workbook

    from pmo.risks import services

    risk = make_risk(org.a, title="Vendor", probability=5, impact=4, owner=org.people.pm_a)
    services.do_add_action(
        org.people.pm_a, risk, description="Second supplier", owner=org.people.member_a
    )
    services.do_create_raid_item(
        org.people.pm_a, scope=org.a, kind="dependency", title="Network", counterparty="Infra"
    )
    client.force_login(org.people.pm_a)
    response = client.get(f"/project/{org.a.pk}/risks/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="PRJ-A-risk-register.xlsx"'
    book = load_workbook(BytesIO(response.content))
    risks = list(book["Risks"].values)
    assert risks[1][:4] == (risk.reference, "Vendor", "Threat", "Project")
    assert risks[1][12] == 20  # score
    assert risks[1][26] == "Second supplier (Member_A Tester, due —)"
    assert book["Risks"].cell(row=2, column=13).fill.fgColor.rgb.endswith("F7B4AD")
    raid = list(book["RAID log"].values)
    assert raid[1][1:3] == ("Dependency", "Network") and raid[1][9] == "Infra"
    client.force_login(org.people.outsider)
    assert client.get(f"/project/{org.a.pk}/risks/export.xlsx").status_code == 404


def test_risk_page_shows_the_expected_delay(client, org):
    from decimal import Decimal

    risk = make_risk(org.a, probability=4, days_likely=Decimal("5"))  # 70 % x 5 d
    client.force_login(org.people.pm_a)
    page = client.get(f"/risks/{risk.pk}/").content.decode()
    assert '<div class="value" id="expected-delay">3.5 d</div>' in page
    assert "Expected delay (70 % chance)" in page


def test_risk_list_filters_offer_only_visible_projects(client, org):
    client.force_login(org.people.member_a)
    html = client.get("/risks/").content.decode()
    assert "PRJ-A Alpha app" in html
    assert "PRJ-C Charlie cloud" not in html and "PRJ-B Bravo billing" not in html
