"""Raise a risk, find it on the heat map, run the Monte Carlo simulation with its
progress bar, and read the P80 date and the tornado chart.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.portfolios.models import Portfolio, Project
from pmo.risks.models import Risk, SimulationRun, TaskEstimate
from pmo.schedules import services as plan_services

from ..conftest import make_user
from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]
DAY = 480


def test_raise_a_risk_see_it_on_the_heat_map_and_simulate(page, screenshot, settings):
    # Jobs wait in the database queue, as in production, so the progress bar shows.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    project = Project.objects.create(
        portfolio=portfolio, code="PRJ-1", name="Mobile app", planned_start=dt.date(2026, 3, 2)
    )
    manager = make_user("manager")
    Membership.objects.create(user=manager, role=Role.PROJECT_MANAGER, project=project)
    design, _ = plan_services.do_create_task(
        manager, project=project, name="Design", duration_minutes=2 * DAY
    )
    build, _ = plan_services.do_create_task(
        manager, project=project, name="Build", duration_minutes=3 * DAY
    )
    plan_services.do_link(manager, predecessor=design, successor=build)
    TaskEstimate.objects.create(
        task=build, optimistic_minutes=2 * DAY, most_likely_minutes=3 * DAY,
        pessimistic_minutes=6 * DAY,
    )  # fmt: skip

    log_in(page, "manager", "secret-pass-1")
    page.goto(f"/projects/{project.pk}/risks/")
    page.get_by_role("button", name="Raise a risk").click()
    page.fill("#id_title", "Vendor API late")
    page.select_option("#id_probability", "5")
    page.select_option("#id_impact", "4")
    page.fill("#id_days_min", "1")
    page.fill("#id_days_likely", "2")
    page.fill("#id_days_max", "4")
    page.select_option("#id_tasks", label="2 Build")
    page.get_by_role("button", name="Save").click()
    risk = Risk.objects.get()
    expect(page.locator("h1")).to_have_text(f"{risk.reference} Vendor API late")
    expect(page.locator("#inherent-score")).to_have_text("20")

    page.goto(f"/projects/{project.pk}/risks/")
    cell = page.locator(
        '[aria-label="Inherent heat map"] td[data-probability="5"][data-impact="4"]'
    )
    expect(cell).to_have_attribute("data-count", "1")
    expect(cell).to_have_class("cell-red")
    cell.locator("a").click()
    expect(page.locator("#risk-rows tbody tr")).to_have_count(1)
    expect(page.locator("#risk-rows")).to_contain_text("Vendor API late")
    screenshot(page, "risks-register")

    page.get_by_role("button", name="Schedule risk analysis").click()
    page.fill("#id_iterations", "2000")
    page.fill("#id_seed", "7")
    page.get_by_role("button", name="Run simulation").click()
    bar = page.locator("#run-bar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "0")
    screenshot(page, "risks-simulation-queued")

    # A worker picks the job up; the page notices and shows the results.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run = SimulationRun.objects.get()
    assert run.status == "succeeded"
    p80 = dt.datetime.fromisoformat(run.results["percentiles"]["P80"])
    expect(page.locator("#p80")).to_have_text(p80.strftime("%d %b %Y"), timeout=15_000)
    expect(page.locator("#tornado-chart")).to_be_visible()
    assert run.results["tornado"][0]["label"] in ("2 Build", f"{risk.reference} Vendor API late")
    screenshot(page, "risks-simulation-results")
