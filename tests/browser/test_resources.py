"""Over-allocate a person, see the red cell, level the project, see the cell cleared."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.portfolios.models import Portfolio, Project
from pmo.resources import services
from pmo.resources.models import Resource
from pmo.schedules import services as plan_services
from pmo.schedules.models import Calendar, ProjectSchedule, Task

from ..conftest import make_user
from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_over_allocation_is_red_until_leveled(page, screenshot):
    lead = make_user("lead")
    Membership.objects.create(user=lead, role=Role.PMO_ADMIN)
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    project = Project.objects.create(portfolio=portfolio, code="PRJ-A", name="Alpha app")
    calendar = Calendar.objects.create(name="Office", timezone="UTC")
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    ProjectSchedule.objects.create(
        project=project,
        calendar=calendar,
        start=dt.datetime.combine(monday, dt.time(8), tzinfo=dt.UTC),
    )
    dana = Resource.objects.create(kind="person", name="Dana Dev", calendar=calendar)
    for name, days in (("Build API", 3), ("Build UI", 2)):
        task, _ = plan_services.do_create_task(
            lead, project=project, name=name, duration_minutes=days * 480
        )
        services.do_assign(lead, task=task, resource=dana)

    log_in(page, "lead", "secret-pass-1")
    page.goto("/resources/?q=Dana")
    row = page.locator("tr[data-row='Dana Dev']")
    # Next week holds 40 h of work for 40 h of time, but both tasks run on Monday and
    # Tuesday: two days at 200 % make the week red.
    red = row.locator("td.heat.over")
    expect(red).to_have_count(1)
    expect(red).to_have_text("100%")
    screenshot(page, "resources-over-allocated")

    red.click()
    expect(page.locator("#drill")).to_contain_text("Build API")
    expect(page.locator("#drill")).to_contain_text("40.0 h of work for 40.0 h available")
    expect(page.locator("#drill")).to_contain_text("Over-allocated on 2 days")

    page.goto(f"/projects/{project.pk}/team/")
    # Tests run tasks in-process: the click returns once the leveling is computed, which
    # the first time includes compiling the engine.
    page.click("#level-button", timeout=90_000)
    expect(page.locator("#leveling")).to_have_attribute("data-status", "ready", timeout=90_000)
    expect(page.get_by_test_id("moves")).to_have_text("1")
    expect(page.locator(".move-table")).to_contain_text("waited 2 working days for Dana Dev")
    expect(page.locator("#leveling")).to_contain_text(
        "Over-allocated working days per person: 2 before, 0 after"
    )
    # The chart is drawn (Chart.js sizes the canvas to its box), not just placed.
    expect(page.locator("#chart-leveling-load")).to_have_attribute("data-drawn", "1")
    screenshot(page, "resources-leveling-preview")
    page.click("#apply-leveling")
    expect(page.locator(".alert-success")).to_have_text("Leveling applied: 1 task delayed.")
    build_api = Task.objects.get(name="Build API")
    assert build_api.constraint_type == "SNET"
    assert build_api.start.date() == monday + dt.timedelta(days=2)

    page.goto("/resources/?q=Dana")
    row = page.locator("tr[data-row='Dana Dev']")
    expect(row.locator("td.heat.over")).to_have_count(0)
    expect(row.locator("td.heat").nth(1)).to_have_text("100%")
    screenshot(page, "resources-leveled")


def test_a_week_typed_with_the_keyboard(page, screenshot):
    person = make_user("dana")
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    project = Project.objects.create(portfolio=portfolio, code="PRJ-A", name="Alpha app")
    Membership.objects.create(user=person, role=Role.TEAM_MEMBER, project=project)
    lead = make_user("lead")
    Membership.objects.create(user=lead, role=Role.PMO_ADMIN)
    calendar = Calendar.objects.create(name="Office", timezone="UTC")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    ProjectSchedule.objects.create(
        project=project,
        calendar=calendar,
        start=dt.datetime.combine(monday, dt.time(8), tzinfo=dt.UTC),
    )
    dana = Resource.objects.create(kind="person", name="Dana Dev", user=person, calendar=calendar)
    for name in ("Build API", "Review"):
        task, _ = plan_services.do_create_task(
            lead, project=project, name=name, duration_minutes=5 * 480
        )
        services.do_assign(lead, task=task, resource=dana)

    log_in(page, "dana", "secret-pass-1")
    page.goto("/timesheets/")
    first = page.get_by_label("Build API, " + monday.strftime("%A %d %b"))
    first.click()
    page.keyboard.type("7.5")
    page.keyboard.press("Enter")  # down to Review, same day
    page.keyboard.type("0:30")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")  # Build API, Tuesday
    page.keyboard.type("8")
    expect(page.locator("[data-day-total='0']")).to_have_text("8")
    expect(page.locator("[data-grand-total]")).to_have_text("16")
    screenshot(page, "resources-timesheet")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("sheet-status")).to_have_text("Submitted")
    sheet = dana.timesheets.get()
    assert sorted(sheet.entries.values_list("day", "minutes")) == [
        (monday, 30),
        (monday, 450),
        (monday + dt.timedelta(days=1), 480),
    ]
