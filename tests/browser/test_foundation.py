"""Log in, create a program and a project through the UI, and see them listed."""

import pytest
from playwright.sync_api import expect

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.portfolios.models import Portfolio, Project

from ..conftest import make_user
from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_create_program_and_project_through_the_ui(page, screenshot):
    admin = make_user("lead")
    Membership.objects.create(user=admin, role=Role.PMO_ADMIN)
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")

    log_in(page, "lead", "secret-pass-1")
    # A single portfolio: home goes straight to it.
    expect(page.locator("h1")).to_have_text("Enterprise Transformation")

    page.get_by_role("button", name="New program").click()
    page.fill("#id_code", "DCX")
    page.fill("#id_name", "Digital Customer Experience")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Digital Customer Experience")
    expect(page.locator(".alert-success")).to_contain_text("Program Digital Customer Experience")

    page.get_by_role("button", name="New project").click()
    page.fill("#id_code", "PRJ-100")
    page.fill("#id_name", "Mobile app relaunch")
    page.fill("#id_planned_start", "2026-03-02")
    page.fill("#id_planned_finish", "2026-01-30")
    page.get_by_role("button", name="Save").click()
    # The error sits next to the finish date and nothing was saved.
    error = page.locator("#field-planned_finish .field-error")
    expect(error).to_have_text(
        "The planned finish (30 Jan 2026) is before the planned start (02 Mar 2026)."
    )
    screenshot(page, "project-form-error")
    assert not Project.objects.filter(code="PRJ-100").exists()

    page.fill("#id_planned_finish", "2026-10-30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Mobile app relaunch")
    project = Project.objects.get(code="PRJ-100")
    assert project.program.code == "DCX"
    assert project.portfolio == portfolio

    page.get_by_role("link", name="Projects", exact=True).click()
    row = page.locator("tbody tr", has_text="PRJ-100")
    expect(row).to_contain_text("Digital Customer Experience")
    expect(row).to_contain_text("30 Oct 2026")

    # Filtering swaps only the table (htmx) and keeps the page.
    page.fill("input[type=search]", "nothing-matches")
    expect(page.locator("tbody")).to_contain_text("No projects match.")
    page.fill("input[type=search]", "mobile")
    expect(page.locator("tbody tr")).to_have_count(1)

    page.goto(portfolio.get_absolute_url())
    expect(page.locator("table").first).to_contain_text("Digital Customer Experience")
    screenshot(page, "portfolio")


def test_team_member_sees_only_their_project(page):
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    mine = Project.objects.create(portfolio=portfolio, code="PRJ-A", name="Alpha")
    theirs = Project.objects.create(portfolio=portfolio, code="PRJ-B", name="Bravo")
    member = make_user("member")
    Membership.objects.create(user=member, role=Role.TEAM_MEMBER, project=mine)

    log_in(page, "member", "secret-pass-1")
    page.goto("/projects/")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("PRJ-A")
    page.goto(mine.get_absolute_url())
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    response = page.goto(theirs.get_absolute_url())
    assert response.status == 404
