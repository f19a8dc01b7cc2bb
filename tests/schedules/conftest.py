import datetime as dt

import pytest

from pmo.schedules.models import Calendar, ProjectSchedule

UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A moment in March 2026 (UTC): 2 March 2026 is a Monday."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def calendar(db):
    return Calendar.objects.create(name="Office", timezone="UTC")


@pytest.fixture
def plan(org, calendar):
    """Project A scheduled forward from Monday 2 March 2026 08:00 UTC."""
    ProjectSchedule.objects.create(project=org.a, calendar=calendar, start=at(2, 8))
    ProjectSchedule.objects.create(project=org.b, calendar=calendar, start=at(2, 8))
    return org
