"""The demo pool: about 60 people in 8 roles, some over-allocated, 8 weeks of timesheets."""

import datetime as dt

from pmo.resources import selectors
from pmo.resources.models import JobRole, Resource, ResourceSkill, Timesheet


def test_demo_pool(db):
    from pmo.demo import build_demo

    as_of = dt.date(2026, 3, 4)
    build_demo(projects=12, as_of=as_of, plan_size=(80, 120))
    people = Resource.objects.filter(kind="person")
    assert people.count() == 60
    assert JobRole.objects.count() == 8
    assert people.exclude(user=None).count() > 0
    assert not people.exclude(pk__in=ResourceSkill.objects.values("resource")).exists()
    weeks = set(Timesheet.objects.values_list("week_start", flat=True))
    # Eight weeks up to the demo date, the current one in draft.
    assert weeks == {dt.date(2026, 1, 12) + dt.timedelta(weeks=k) for k in range(8)}
    assert set(
        Timesheet.objects.filter(week_start=dt.date(2026, 3, 2)).values_list("status", flat=True)
    ) == {"draft"}
    assert Timesheet.objects.count() >= 0.9 * 60 * 8
    assert Timesheet.objects.filter(status="approved", entries__cost__gt=0).exists()
    heat = selectors.heatmap(start=dt.date(2026, 3, 2), periods=8)
    assert heat["over_rows"] > 0
