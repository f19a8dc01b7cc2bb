import datetime as dt
from decimal import Decimal

import pytest

from pmo.resources.models import CostRate, JobRole, OrgUnit, Resource
from pmo.schedules import services as plan_services
from pmo.schedules.models import Calendar, ProjectSchedule

DAY = 480


def at(day: int, hour: int = 8, month: int = 3) -> dt.datetime:
    """A moment in March 2026 (UTC): 2 March 2026 is a Monday."""
    return dt.datetime(2026, month, day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def pool(org):
    """A developer (Dana, linked to member_a, managed by pm_a's colleague pgm) and a
    tester, a generic Developer role, all on a UTC Mon-Fri 8h calendar; projects A and C
    planned from Monday 2 March 2026.
    """
    calendar = Calendar.objects.create(name="Office", timezone="UTC")
    for project in (org.a, org.b, org.c):
        ProjectSchedule.objects.create(project=project, calendar=calendar, start=at(2))
    developer = JobRole.objects.create(name="Developer")
    tester = JobRole.objects.create(name="Tester")
    unit = OrgUnit.objects.create(name="Engineering", manager=org.people.pgm)
    dana = Resource.objects.create(
        kind="person",
        name="Dana Dev",
        user=org.people.member_a,
        role=developer,
        org_unit=unit,
        calendar=calendar,
    )
    tom = Resource.objects.create(
        kind="person", name="Tom Test", role=tester, org_unit=unit, calendar=calendar
    )
    generic = Resource.objects.create(
        kind="role", name="Developer (generic)", role=developer, calendar=calendar
    )
    CostRate.objects.create(
        resource=dana,
        effective_from=dt.date(2026, 1, 1),
        standard=Decimal("80.00"),
        overtime=Decimal("120.00"),
    )
    org.calendar = calendar
    org.dana, org.tom, org.generic = dana, tom, generic
    org.developer, org.tester, org.unit = developer, tester, unit
    return org


def make_task(org, name, days=1, project=None, **fields):
    task, _ = plan_services.do_create_task(
        org.people.admin,
        project=project or org.a,
        name=name,
        duration_minutes=days * DAY,
        **fields,
    )
    return task
