"""On a phone every page fits the screen: wide tables and tab rows scroll inside it.

A page wider than the phone makes mobile Chromium lay it out at up to 980 px and zoom
out, which leaves the text unreadably small.
"""

import datetime as dt

import pytest

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.portfolios.models import Portfolio, Program, Project
from pmo.resources import services as resource_services
from pmo.resources.models import Resource
from pmo.schedules import services as plan_services

from ..conftest import make_user
from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


TASKS = ("Discovery workshop", "Architecture and design", "Build the API")


@pytest.fixture
def plan():
    """A program with a three-task plan, its lead (a PMO admin) assigned to every task."""
    portfolio = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    program = Program.objects.create(portfolio=portfolio, code="DCX", name="Digital experience")
    project = Project.objects.create(
        portfolio=portfolio,
        program=program,
        code="PRJ-1",
        name="Mobile app relaunch",
        planned_start=dt.date(2026, 3, 2),
    )
    lead = make_user("lead")
    Membership.objects.create(user=lead, role=Role.PMO_ADMIN)
    person = Resource.objects.create(kind="person", name="Dana Developer", user=lead)
    previous = None
    for name in TASKS:
        task, _ = plan_services.do_create_task(
            lead, project=project, name=name, duration_minutes=5 * 480
        )
        if previous is not None:
            plan_services.do_link(lead, predecessor=previous, successor=task)
        resource_services.do_assign(lead, task=task, resource=person)
        previous = task
    return portfolio, program, project


def _phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "lead", "secret-pass-1")
    return context, page


def test_pages_fit_a_phone_screen(browser, live_server, plan):
    portfolio, program, project = plan
    context, page = _phone_page(browser, live_server)
    pages = [
        f"/portfolios/{portfolio.pk}/",
        f"/programs/{program.pk}/roadmap/",
        f"/programs/{program.pk}/leveling/",
        f"/projects/{project.pk}/plan/",
        f"/projects/{project.pk}/gantt/",
        f"/projects/{project.pk}/board/",
        f"/projects/{project.pk}/team/",
        "/resources/",
        "/resources/metrics/",
        "/timesheets/",
    ]
    too_wide = {}
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 392:
            too_wide[url] = width
    context.close()
    assert too_wide == {}


def test_the_gantt_on_a_phone_shows_task_names_beside_the_chart(browser, live_server, plan):
    # At its desktop width of 640 px the table took the whole phone: no chart, and no
    # rows drawn at all.
    _portfolio, _program, project = plan
    context, page = _phone_page(browser, live_server)
    page.goto(f"/projects/{project.pk}/gantt/")
    page.wait_for_function("window.__ganttReadyMs !== undefined")
    sizes = page.evaluate(
        """() => {
        const width = (selector) => document.querySelector(selector).getBoundingClientRect().width;
        const toolbar = document.querySelector(".gantt-toolbar").getBoundingClientRect().height;
        return {
            gantt: width(".gantt"), grid: width(".gantt-grid"), chart: width(".gantt-chart"),
            toolbar,
        };
    }"""
    )
    names = page.locator(".gantt-grid-rows .gantt-row:not([hidden]) .gantt-name").all_inner_texts()
    start_shown = page.locator(".gantt-head-row .gantt-c-start").is_visible()
    # The dates are a tap away: a finger does not hover, so a tap shows the tooltip.
    first = page.evaluate("window.gantt.tasks[0].id")
    bar = page.evaluate("id => window.gantt.barRect(id)", first)
    page.touchscreen.tap(bar["left"] + bar["width"] / 2, bar["top"] + bar["height"] / 2)
    tooltip = page.locator(".gantt-tooltip")
    tooltip.wait_for(state="visible")
    tip = tooltip.inner_text()
    context.close()
    assert sizes["grid"] <= 0.42 * sizes["gantt"]
    assert sizes["chart"] >= 0.55 * sizes["gantt"]
    assert sizes["toolbar"] <= 110  # two lines of buttons and the status (was 3 + status)
    assert names[:3] == list(TASKS)
    assert not start_shown
    assert TASKS[0] in tip and "Start" in tip and "Total float" in tip


def test_a_board_card_moves_by_its_column_picker_and_a_refusal_is_said(browser, live_server, plan):
    # Dragging needs a mouse (and a steady finger on a phone): each card also has a
    # picker of the other columns.
    _portfolio, _program, project = plan
    context, page = _phone_page(browser, live_server)
    page.goto(f"/projects/{project.pk}/board/")
    card = page.locator("[data-card]", has_text=TASKS[0])
    card.get_by_label(f"Move {TASKS[0]} to").select_option("in_progress")
    moved = page.locator("[data-column=in_progress] [data-card]", has_text=TASKS[0])
    moved.wait_for()
    # A column the server refuses (here: one that does not exist) is said, and the
    # card stays where it is.
    picker = page.locator("[data-column=in_progress]").get_by_label(f"Move {TASKS[0]} to")
    picker.evaluate("select => { select.options[0].value = 'archived'; }")
    picker.select_option(index=0)
    alert = page.locator("#board-error")
    alert.wait_for(state="visible")
    message = alert.inner_text()
    page.wait_for_load_state("networkidle")
    still = page.locator("[data-column=in_progress] [data-card]", has_text=TASKS[0]).count()
    context.close()
    assert message == "Unknown board column 'archived'."
    assert still == 1


def test_the_capacity_heatmap_starts_on_a_phones_first_screen(browser, live_server, plan):
    # Ten full-height filter fields pushed the first row of the heatmap below the fold.
    context, page = _phone_page(browser, live_server)
    page.goto("/resources/")
    first_row = page.locator(".heat-wrap tbody tr").first
    top = first_row.evaluate("row => row.getBoundingClientRect().top")
    # The filters are folded, a tap away.
    rows_field = page.get_by_label("Rows")
    folded = not rows_field.is_visible()
    page.get_by_text("Filters", exact=True).tap()
    rows_field.wait_for(state="visible")
    context.close()
    assert top < PHONE["viewport"]["height"]
    assert folded


def test_the_menu_on_a_phone_shows_the_current_page(browser, live_server, plan):
    # The menu is one line that scrolls sideways; "Resources" lay past the screen's edge,
    # so a phone showed no sign of where it was.
    context, page = _phone_page(browser, live_server)
    page.goto("/resources/")
    menu = page.locator(".topbar nav > ul").first
    box = menu.bounding_box()
    link = menu.get_by_role("link", name="Resources", exact=True).bounding_box()
    faded = menu.get_attribute("class")
    page.goto("/dashboard/")
    faded_at_start = menu.get_attribute("class")
    context.close()
    assert box["x"] <= link["x"] and link["x"] + link["width"] <= box["x"] + box["width"]
    assert set(faded.split()) == {"more-left", "more-right"}
    assert faded_at_start.split() == ["more-right"]


def test_the_menu_on_a_desktop_is_not_faded(browser, live_server, plan):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log_in(page, "lead", "secret-pass-1")
    page.goto("/resources/")
    classes = page.locator(".topbar nav > ul").first.get_attribute("class")
    context.close()
    assert not classes
