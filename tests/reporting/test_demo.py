"""The demo steps of finance and reporting tell the story the dashboard needs."""

import datetime as dt

import pytest

from pmo.finance.models import BudgetLine, CostEntry, EvmRecord
from pmo.reporting.models import DigestSubscription, RagThresholds, StatusReport

AS_OF = dt.date(2026, 6, 15)


@pytest.fixture
def demo(db):
    from pmo.demo import build_demo

    return build_demo(projects=8, as_of=AS_OF, plan_size=(20, 30))


def test_demo_money_snapshots_and_reports(demo):
    assert BudgetLine.objects.exists() and CostEntry.objects.exists()
    # Six month ends before the demo date, then the demo date itself.
    dates = sorted(set(EvmRecord.objects.values_list("status_date", flat=True)))
    assert dates == [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
        AS_OF,
    ]
    # No actual cost is dated after the demo date.
    assert not CostEntry.objects.filter(date__gt=AS_OF).exists()
    latest = EvmRecord.objects.filter(scope="project", status_date=AS_OF)
    troubled = [r for r in latest if r.figures["cpi"] is not None and r.figures["cpi"] < 0.9]
    assert troubled, "a few projects overspend so the dashboard has a story"
    assert StatusReport.objects.filter(state="reviewed").exists()
    assert StatusReport.objects.filter(state="draft", period=dt.date(2026, 6, 1)).exists()
    assert RagThresholds.objects.count() == 1
    assert DigestSubscription.objects.count() == 3
