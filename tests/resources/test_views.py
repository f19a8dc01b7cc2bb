"""Resource pages: what people see, what they may do, and how many queries it takes."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from pmo.resources import services
from pmo.resources.models import Timesheet, TimesheetEntry
from pmo.resources.views import parse_hours

from .conftest import make_task

MONDAY = dt.date(2026, 3, 2)


def test_heatmap_marks_the_over_allocated_week_and_drills_down(pool, client):
    a = make_task(pool, "Build API", days=5)
    b = make_task(pool, "Build UI", days=5)
    services.do_assign(pool.people.admin, task=a, resource=pool.dana)
    services.do_assign(pool.people.admin, task=b, resource=pool.dana)
    client.force_login(pool.people.pm_a)
    page = client.get(reverse("resources:heatmap"), {"start": "2026-03-02", "periods": 2})
    html = page.content.decode()
    row = re.search(r'<tr data-row="Dana Dev">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'class="heat l\d( over)?', row) == [" over", ""]
    assert "200%" in row
    cell = client.get(
        reverse("resources:heatmap-cell"),
        {"key": f"resource-{pool.dana.pk}", "start": "2026-03-02", "end": "2026-03-08"},
    )
    text = cell.content.decode()
    assert "80.0 h</strong> of work for <strong>40.0 h" in text
    assert "Over-allocated on 5 days" in text
    assert "Build API" in text and "Build UI" in text


def test_heatmap_of_a_programs_people_counts_all_their_work(pool, client):
    # Dana works in program DCX (PRJ-A) and outside it (PRJ-C); Tom only outside it.
    inside = make_task(pool, "Build API", days=5)
    outside = make_task(pool, "Migrate", days=5, project=pool.c)
    services.do_assign(pool.people.admin, task=inside, resource=pool.dana)
    services.do_assign(pool.people.admin, task=outside, resource=pool.dana)
    services.do_assign(
        pool.people.admin, task=make_task(pool, "Test", days=5, project=pool.c), resource=pool.tom
    )
    client.force_login(pool.people.admin)
    html = client.get(
        reverse("resources:heatmap"), {"start": "2026-03-02", "periods": 1, "program": pool.g1.pk}
    ).content.decode()
    assert re.findall(r'<tr data-row="([^"]+)">', html) == ["Dana Dev"]
    row = re.search(r'<tr data-row="Dana Dev">(.*?)</tr>', html, re.S).group(1)
    assert "200%" in row  # her work in PRJ-C counts too


def test_work_on_a_week_of_leave_shows_as_hours_off(pool, client):
    from pmo.resources.models import CapacityChange

    CapacityChange.objects.create(
        resource=pool.dana, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 8), reason="leave"
    )
    task = make_task(pool, "Build API", days=2)
    services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    client.force_login(pool.people.admin)
    html = client.get(
        reverse("resources:heatmap"), {"start": "2026-03-02", "periods": 1}
    ).content.decode()
    row = re.search(r'<tr data-row="Dana Dev">(.*?)</tr>', html, re.S).group(1)
    assert "16h off" in row
    assert "999" not in row
    assert re.findall(r'class="heat l\d( over)?', row) == [" over"]


def test_program_resources_page_shows_its_people(pool, client):
    task = make_task(pool, "Build API", days=5)
    services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    client.force_login(pool.people.pgm)
    html = client.get(reverse("resources:program-leveling", args=[pool.g1.pk])).content.decode()
    assert re.findall(r'<tr data-row="([^"]+)">', html) == ["Dana Dev"]
    assert f"?program={pool.g1.pk}" in html


def test_heatmap_query_count_does_not_grow_with_people(pool, client, django_assert_max_num_queries):
    client.force_login(pool.people.admin)
    with django_assert_max_num_queries(16):
        client.get(reverse("resources:heatmap"), {"group": "skill"})


def test_team_tab_lists_assignments_and_leveling_needs_change_right(pool, client):
    task = make_task(pool, "Build API", days=5)
    services.do_assign(pool.people.admin, task=task, resource=pool.dana, units_pct=50)
    client.force_login(pool.people.member_a)
    page = client.get(reverse("resources:team", args=[pool.a.pk]))
    assert page.status_code == 200
    assert "Dana Dev" in page.content.decode()
    assert 'id="level-button"' not in page.content.decode()
    denied = client.post(reverse("resources:leveling-start", args=["project", pool.a.pk]))
    assert denied.status_code == 403


def test_team_tab_of_a_project_one_cannot_see_is_404(pool, client):
    client.force_login(pool.people.member_a)
    assert client.get(reverse("resources:team", args=[pool.c.pk])).status_code == 404


def test_assign_through_the_team_tab_reports_a_duplicate(pool, client):
    task = make_task(pool, "Build API", days=5)
    client.force_login(pool.people.pm_a)
    url = reverse("resources:team", args=[pool.a.pk])
    data = {
        "what": "assign",
        "task": task.pk,
        "resource": pool.dana.pk,
        "units_pct": 50,
        "contour": "flat",
    }
    client.post(url, data)
    page = client.post(url, data, follow=True)
    assert "Dana Dev is already assigned to &#x27;Build API&#x27;." in page.content.decode()


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("7.5", 450), ("7,5", 450), ("7:30", 450), ("7h30", 450), ("", 0), ("0.25", 15)],
)
def test_hours_are_typed_the_way_people_type_them(text, minutes):
    assert parse_hours(text) == minutes


def test_hours_that_are_not_hours_are_refused():
    with pytest.raises(ValueError, match="'abc' is not a number of hours"):
        parse_hours("abc")
    with pytest.raises(ValueError, match="'25': a day holds 0 to 24 hours"):
        parse_hours("25")


def test_timesheet_page_saves_and_submits_the_week(pool, client):
    task = make_task(pool, "Build API", days=10)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    client.force_login(pool.people.member_a)
    page = client.get(reverse("resources:timesheet"), {"week": "2026-03-04"})
    assert f'name="h-{assignment.pk}-0"' in page.content.decode()
    client.post(
        reverse("resources:timesheet"),
        {
            "week": "2026-03-02",
            f"h-{assignment.pk}-0": "7:30",
            f"h-{assignment.pk}-1": "8",
            "action": "submit",
        },
    )
    sheet = Timesheet.objects.get()
    assert (sheet.week_start, sheet.status) == (MONDAY, "submitted")
    assert sorted(TimesheetEntry.objects.values_list("day", "minutes")) == [
        (dt.date(2026, 3, 2), 450),
        (dt.date(2026, 3, 3), 480),
    ]


def test_a_bad_cell_names_the_task_and_the_day(pool, client):
    task = make_task(pool, "Build API", days=10)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    client.force_login(pool.people.member_a)
    page = client.post(
        reverse("resources:timesheet"),
        {"week": "2026-03-02", f"h-{assignment.pk}-2": "lots", "action": "save"},
        follow=True,
    )
    assert "&#x27;Build API&#x27;, Wed 04 Mar: &#x27;lots&#x27; is not a number of hours" in (
        page.content.decode()
    )
    assert not TimesheetEntry.objects.exists()


def test_someone_outside_the_pool_has_no_timesheet(pool, client):
    client.force_login(pool.people.outsider)
    page = client.get(reverse("resources:timesheet"))
    assert "You are not in the resource pool" in page.content.decode()


def test_pool_pages_are_for_pmo_admins_to_change(pool, client):
    client.force_login(pool.people.pm_a)
    assert client.get(reverse("resources:resource-create")).status_code == 403
    client.force_login(pool.people.admin)
    page = client.post(
        reverse("resources:resource-create"),
        {"kind": "role", "name": "Tester (generic)", "units": 1, "availability_pct": 100},
    )
    assert "A generic role resource needs the role it stands for." in page.content.decode()


def test_every_page_renders(pool, client):
    client.force_login(pool.people.admin)
    for name, args in [
        ("resources:heatmap", []),
        ("resources:pool", []),
        ("resources:resource-detail", [pool.dana.pk]),
        ("resources:find", []),
        ("resources:metrics", []),
        ("resources:team", [pool.a.pk]),
        ("resources:program-leveling", [pool.g1.pk]),
        ("resources:timesheet", []),
        ("resources:approvals", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_approvals_page_query_count_does_not_grow_with_weeks(
    pool, client, django_assert_max_num_queries
):
    task = make_task(pool, "Build API", days=30)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    for week in range(4):
        monday = MONDAY + dt.timedelta(weeks=week)
        sheet = services.do_save_timesheet(
            pool.people.member_a,
            resource=pool.dana,
            week=monday,
            rows={assignment.pk: [480, 480, 0, 0, 0, 0, 0]},
        )
        services.do_submit_timesheet(pool.people.member_a, sheet)
    client.force_login(pool.people.pgm)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("resources:approvals"))
    assert page.content.decode().count("Approve</button>") == 4
    assert "Dana Dev · week of 02 Mar 2026 · <strong>16 h</strong>" in page.content.decode()
    # A 30-day task at 100 %: 40 h of it falls in each of these weeks.
    assert page.content.decode().count("planned this week <strong>40 h</strong>") == 4


def _submitted_weeks(pool, weeks):
    task = make_task(pool, "Build API", days=30)
    assignment = services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    sheets = []
    for week in range(weeks):
        sheet = services.do_save_timesheet(
            pool.people.member_a,
            resource=pool.dana,
            week=MONDAY + dt.timedelta(weeks=week),
            rows={assignment.pk: [480, 0, 0, 0, 0, 0, 0]},
        )
        sheets.append(services.do_submit_timesheet(pool.people.member_a, sheet))
    return sheets


def test_approve_selected_weeks_at_once(pool, client):
    first, second, third = _submitted_weeks(pool, 3)
    client.force_login(pool.people.pgm)
    page = client.get(reverse("resources:approvals")).content.decode()
    assert page.count('class="week-pick"') == 3
    response = client.post(
        reverse("resources:approvals"),
        {"action": "approve_selected", "ids": [first.pk, third.pk], "comment": "Fine"},
        follow=True,
    )
    assert "2 weeks approved." in response.content.decode()
    assert dict(Timesheet.objects.values_list("pk", "status")) == {
        first.pk: "approved",
        second.pk: "submitted",
        third.pk: "approved",
    }
    assert Timesheet.objects.get(pk=first.pk).comment == "Fine"


def test_approve_selected_refuses_a_week_no_longer_waiting(pool, client):
    first, second = _submitted_weeks(pool, 2)
    services.do_approve_timesheet(pool.people.admin, first)
    client.force_login(pool.people.pgm)
    response = client.post(
        reverse("resources:approvals"),
        {"action": "approve_selected", "ids": [first.pk, second.pk]},
        follow=True,
    )
    assert "Some of the selected weeks no longer wait for you" in response.content.decode()
    assert Timesheet.objects.get(pk=second.pk).status == "submitted"


def test_find_a_person_from_a_link_with_only_the_skill(pool, client):
    from pmo.resources.models import Skill

    python = Skill.objects.create(name="Python")
    services.do_set_skill(pool.people.admin, pool.dana, python, 3)
    client.force_login(pool.people.pm_a)
    page = client.get(reverse("resources:find"), {"skill": python.pk})
    html = page.content.decode()
    assert "This field is required" not in html
    assert "Dana Dev" in html and "Tom Test" not in html


def test_pool_filters_by_skill(pool, client):
    from pmo.resources.models import Skill

    python = Skill.objects.create(name="Python")
    services.do_set_skill(pool.people.admin, pool.tom, python, 2)
    client.force_login(pool.people.member_a)
    page = client.get(reverse("resources:pool"), {"skill": python.pk}).content.decode()
    assert "Tom Test" in page
    assert "Dana Dev" not in page


def test_booking_grid_saves_a_new_row_and_refuses_bad_hours_whole(pool, client):
    client.force_login(pool.people.pm_a)
    url = reverse("resources:team", args=[pool.a.pk])
    client.post(
        url,
        {
            "what": "bookgrid",
            "new-resource": pool.generic.pk,
            "new-kind": "hard",
            "bk-new-2026-04": "40",
            "bk-new-2026-05": "",
        },
    )
    from pmo.resources.models import Booking

    assert list(Booking.objects.values_list("month", "hours", "kind")) == [
        (dt.date(2026, 4, 1), 40, "hard")
    ]
    page = client.post(
        url,
        {
            "what": "bookgrid",
            f"kind-{pool.generic.pk}": "hard",
            f"bk-{pool.generic.pk}-2026-04": "0",
            f"bk-{pool.generic.pk}-2026-05": "lots",
        },
        follow=True,
    )
    assert "May 2026: &#x27;lots&#x27; is not a number of hours." in page.content.decode()
    assert Booking.objects.count() == 1


def test_a_row_can_be_added_for_a_task_outside_the_week(pool, client):
    later = make_task(pool, "Later work", days=2)
    assignment = services.do_assign(pool.people.admin, task=later, resource=pool.dana)
    client.force_login(pool.people.member_a)
    week = "2026-03-16"
    page = client.get(reverse("resources:timesheet"), {"week": week}).content.decode()
    assert f'<option value="{assignment.pk}">PRJ-A · Later work</option>' in page
    client.post(
        reverse("resources:timesheet"),
        {"week": week, "add-assignment": assignment.pk, "h-add-0": "2", "action": "save"},
    )
    assert list(TimesheetEntry.objects.values_list("day", "minutes")) == [
        (dt.date(2026, 3, 16), 120)
    ]


def test_team_tab_suggests_free_people_for_a_generic_role(pool, client):
    task = make_task(pool, "Build API", days=5)
    services.do_assign(pool.people.admin, task=task, resource=pool.generic)
    busy = make_task(pool, "Other work", days=5)
    from pmo.resources.models import Resource

    other = Resource.objects.create(
        kind="person", name="Dan Second", role=pool.developer, calendar=pool.calendar
    )
    services.do_assign(pool.people.admin, task=busy, resource=pool.dana, units_pct=50)
    client.force_login(pool.people.pm_a)
    page = client.get(reverse("resources:team", args=[pool.a.pk])).content.decode()
    assert "Developer (generic)</strong>: 1 task, 40.0 h, 02 Mar–06 Mar 2026" in page
    # The freer developer comes first.
    assert page.index("Dan Second · <strong>40.0 h free") < page.index(
        "Dana Dev · <strong>20.0 h free"
    )
    client.post(
        reverse("resources:team", args=[pool.a.pk]),
        {"what": "replace", "role_resource": pool.generic.pk, "person": other.pk},
    )
    assert task.assignments.get().resource == other


def test_heatmap_exports_to_excel_with_the_red_cells(pool, client):
    from io import BytesIO

    from openpyxl import load_workbook

    for name in ("Build API", "Build UI"):
        task = make_task(pool, name, days=5)
        services.do_assign(pool.people.admin, task=task, resource=pool.dana)
    client.force_login(pool.people.pm_a)
    response = client.get(
        reverse("resources:heatmap-export"), {"start": "2026-03-02", "periods": 2}
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="capacity-resource-2026-03-02.xlsx"'
    )
    book = load_workbook(BytesIO(response.content))
    sheet = book["Utilisation"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    dana = rows["Dana Dev"]
    assert [dana[1].value, dana[2].value] == [200, 0]
    assert dana[1].fill.fgColor.rgb.endswith("C5221F")
    assert [c.value for c in book["Hours"]["B1:C1"][0]] == ["02 Mar work h", "02 Mar available h"]


@pytest.mark.parametrize("url_name", ["resources:pool", "resources:team"])
def test_list_pages_do_not_query_per_row(pool, client, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    args = [pool.a.pk] if url_name == "resources:team" else []
    client.force_login(pool.people.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name, args=args)).status_code == 200
        return len(queries)

    for name in ("Build API", "Build UI"):
        services.do_assign(pool.people.admin, task=make_task(pool, name), resource=pool.dana)
    before = count()
    from pmo.resources.models import Resource

    for n in range(5):
        person = Resource.objects.create(kind="person", name=f"Extra {n}", calendar=pool.calendar)
        services.do_assign(pool.people.admin, task=make_task(pool, f"Task {n}"), resource=person)
    assert count() == before
