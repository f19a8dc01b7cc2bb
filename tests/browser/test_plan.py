"""Plan a project in the browser: tasks and links in the table, then drag in the Gantt."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.portfolios.models import Portfolio, Project
from pmo.schedules.models import Task

from ..conftest import make_user
from .conftest import log_in

CRITICAL = re.compile(r"\bcritical\b")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def add_task(page, name: str, duration: str, predecessors: str = "") -> None:
    form = page.locator("#add-task")
    form.locator("#id_name").fill(name)
    form.locator("#id_duration_minutes").fill(duration)
    form.locator("#id_predecessors").fill(predecessors)
    form.get_by_role("button", name="Add task").click()
    expect(page.locator("#task-rows")).to_contain_text(name)


def row(page, name: str):
    return page.locator("#task-rows tr", has_text=name)


def test_plan_in_the_table_then_drag_in_the_gantt(page, screenshot):
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    project = Project.objects.create(
        portfolio=portfolio, code="PRJ-1", name="Mobile app", planned_start=dt.date(2026, 3, 2)
    )
    manager = make_user("manager")
    Membership.objects.create(user=manager, role=Role.PROJECT_MANAGER, project=project)

    log_in(page, "manager", "secret-pass-1")
    page.goto(f"/projects/{project.pk}/plan/")
    add_task(page, "Design", "2d")
    add_task(page, "Build", "3d", "1")
    add_task(page, "Test", "1d", "2")

    # Monday 2 March 2026 start: Build Wed-Fri, Test the next Monday; all critical.
    expect(row(page, "Build")).to_contain_text("Wed 04/03/26")
    expect(row(page, "Test")).to_contain_text("Mon 09/03/26")
    for name in ("Design", "Build", "Test"):
        expect(row(page, name)).to_have_class(CRITICAL)

    # A side task with three days of float is not critical; the chain stays critical.
    add_task(page, "Write docs", "1d", "1")
    expect(row(page, "Write docs")).not_to_have_class(CRITICAL)
    expect(row(page, "Write docs")).to_contain_text("3d")
    screenshot(page, "plan-table")

    page.get_by_role("link", name="Gantt").click()
    page.wait_for_function("window.__ganttReadyMs !== undefined")
    ids = {t.name: t.pk for t in Task.objects.filter(project=project)}
    page.evaluate("window.gantt.setZoom('day')")
    page.evaluate("id => window.gantt.scrollToTask(id)", ids["Design"])
    page.wait_for_timeout(100)
    build_before = page.evaluate("id => window.gantt.taskX(id)", ids["Build"])
    rect = page.evaluate("id => window.gantt.barRect(id)", ids["Design"])
    x, y = rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2
    day_px = page.evaluate("window.gantt.zoom.pxPerDay")

    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 7 * day_px, y, steps=8)
    page.mouse.up()
    page.wait_for_function("window.__ganttLastRescheduleMs !== undefined")

    # Design now starts a week later, and its successors moved with it on the server.
    design = Task.objects.get(pk=ids["Design"])
    assert design.constraint_type == "SNET"
    assert design.start == dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
    build = Task.objects.get(pk=ids["Build"])
    assert build.start == dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)
    assert page.evaluate("id => window.gantt.taskX(id)", ids["Build"]) > build_before
    screenshot(page, "gantt-after-drag")
