"""Budgets, cost entries, forecasts and cost positions: rules, messages and rights."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.finance import selectors, services
from pmo.finance.models import BudgetLine, CostEntry, Forecast
from pmo.schedules.models import Task


def test_budget_line_is_money_in_decimal_and_one_per_month(org):
    line = services.do_add_budget_line(
        org.people.pm_a,
        org.a,
        expenditure="capex",
        category="labour",
        month=dt.date(2026, 2, 1),
        amount="1234.5",
    )
    line.refresh_from_db()
    assert line.amount == Decimal("1234.50")
    with pytest.raises(ValidationError) as error:
        services.do_add_budget_line(
            org.people.pm_a,
            org.a,
            expenditure="capex",
            category="labour",
            month=dt.date(2026, 2, 1),
            amount="1",
        )
    assert error.value.message_dict == {
        "month": ["PRJ-A already has a Capex Labour budget for February 2026; change that line."]
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": "-5"}, {"amount": ["The amount must not be negative (got -5.00)."]}),
        ({"amount": "abc"}, {"amount": ["'abc' is not an amount of money."]}),
        (
            {"amount": "5", "month": dt.date(2026, 2, 3)},
            {"month": ["A month is given by its first day, not 03 Feb 2026."]},
        ),
    ],
)
def test_budget_line_errors_name_the_field(org, fields, expected):
    data = {"category": "labour", "month": dt.date(2026, 2, 1), **fields}
    with pytest.raises(ValidationError) as error:
        services.do_add_budget_line(org.people.pm_a, org.a, **data)
    assert error.value.message_dict == expected
    assert not BudgetLine.objects.exists()


def test_only_managers_change_money(org):
    for person in (org.people.member_a, org.people.executive, org.people.outsider):
        with pytest.raises(PermissionDenied, match=r"^You may not change PRJ-A Alpha app\.$"):
            services.do_add_cost_entry(
                person, org.a, category="labour", date=dt.date(2026, 1, 5), amount="10"
            )
    assert not CostEntry.objects.exists()
    services.do_add_cost_entry(
        org.people.pgm, org.a, category="labour", date=dt.date(2026, 1, 5), amount="10"
    )


def test_cost_entry_rules(org):
    other = Task.objects.create(project=org.b, name="Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.do_add_cost_entry(
            org.people.pm_a,
            org.a,
            task=other,
            category="labour",
            date=dt.date(2026, 1, 5),
            amount=1,
        )
    assert error.value.message_dict == {
        "task": [f"Task {other.pk} belongs to another project, not to PRJ-A."]
    }
    future = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.do_add_cost_entry(org.people.pm_a, org.a, category="labour", date=future, amount=1)
    assert error.value.message_dict == {
        "date": [f"An actual cost cannot be dated in the future ({future:%d %b %Y})."]
    }
    credit = services.do_add_cost_entry(
        org.people.pm_a, org.a, category="software", date=dt.date(2026, 1, 5), amount="-250.00"
    )
    assert credit.amount == Decimal("-250.00")


def test_budget_import_is_all_or_nothing_and_names_the_row(org):
    services.do_add_budget_line(
        org.people.pm_a, org.a, category="labour", month=dt.date(2026, 1, 1), amount="10"
    )
    rows = [
        {"category": "labour", "month": dt.date(2026, 3, 1), "amount": "100"},
        {"category": "labour", "month": dt.date(2026, 4, 1), "amount": "-1"},
    ]
    with pytest.raises(ValidationError) as error:
        services.do_import_budget(org.people.pm_a, org.a, rows)
    assert error.value.message_dict == {
        "amount": ["Row 2: The amount must not be negative (got -1.00)."]
    }
    assert list(BudgetLine.objects.values_list("month", "amount")) == [
        (dt.date(2026, 1, 1), Decimal("10.00"))
    ]


def test_cost_position_plan_actual_forecast_at_a_date(org):
    for month, amount in ((1, "1000"), (2, "1000"), (3, "1000")):
        BudgetLine.objects.create(
            project=org.a, category="labour", month=dt.date(2026, month, 1), amount=amount
        )
    CostEntry.objects.create(
        project=org.a, category="labour", date=dt.date(2026, 1, 20), amount="900"
    )
    CostEntry.objects.create(
        project=org.a, category="labour", date=dt.date(2026, 2, 10), amount="700"
    )
    CostEntry.objects.create(
        project=org.a, category="labour", date=dt.date(2026, 2, 20), amount="50"
    )
    Forecast.objects.create(
        project=org.a, category="labour", month=dt.date(2026, 3, 1), amount="1500"
    )
    # 14 Feb 2026: half of February (14 of 28 days) is planned to date.
    p = selectors.cost_positions([org.a.pk, org.b.pk], dt.date(2026, 2, 14))[org.a.pk]
    assert p.budget == Decimal("3000")
    assert p.budget_to_date == Decimal("1500.00")
    assert p.actual_to_date == Decimal("1600")
    assert p.variance_to_date == Decimal("-100.00")
    assert p.forecast_at_completion == Decimal("3100")
    assert p.variance_at_completion == Decimal("-100")
    # Without a forecast, the budget still to come is the forecast.
    Forecast.objects.all().delete()
    p = selectors.cost_positions([org.a.pk], dt.date(2026, 2, 14))[org.a.pk]
    assert p.forecast_at_completion == Decimal("1600") + Decimal("500.00") + Decimal("1000")
    # A program's position is the sum of its projects'.
    total = selectors.total_position(
        selectors.cost_positions([org.a.pk, org.b.pk], dt.date(2026, 3, 31)).values(),
        dt.date(2026, 3, 31),
    )
    assert (total.budget_to_date, total.actual_to_date) == (Decimal("3000"), Decimal("1650"))


def test_labour_import_replaces_its_own_entries(org, monkeypatch):
    task = Task.objects.create(project=org.a, name="Build")
    rows = [
        (org.a.pk, task.pk, dt.date(2026, 1, 1), 600, Decimal("750.00")),
        (org.a.pk, task.pk, dt.date(2026, 2, 1), 120, Decimal("150.00")),
    ]
    monkeypatch.setattr("pmo.resources.selectors.labour_actuals", lambda ids, until=None: rows)
    CostEntry.objects.create(project=org.a, category="software", date=dt.date(2026, 1, 3), amount=5)
    # Labour booked by hand for January and March: timesheets cover January only.
    for day in (dt.date(2026, 1, 20), dt.date(2026, 3, 20)):
        CostEntry.objects.create(
            project=org.a, source="labour", category="labour", date=day, amount=999
        )
    assert services.do_import_labour_actuals(org.a, actor=org.people.pm_a) == 2
    assert services.do_import_labour_actuals(org.a, actor=org.people.pm_a) == 2
    labour = CostEntry.objects.filter(project=org.a, source="labour").order_by("date")
    assert [(e.date, e.amount, e.task_id) for e in labour] == [
        (dt.date(2026, 1, 31), Decimal("750.00"), task.pk),
        (dt.date(2026, 2, 28), Decimal("150.00"), task.pk),
        (dt.date(2026, 3, 20), Decimal("999.00"), None),
    ]
    assert labour[0].description == "Approved timesheets January 2026: 10.0 h"
    assert CostEntry.objects.filter(project=org.a).count() == 4
    with pytest.raises(PermissionDenied):
        services.do_import_labour_actuals(org.a, actor=org.people.member_a)


def test_snapshot_of_a_future_date_is_refused(org):
    future = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.do_take_snapshots(org.people.pfm, org.p1, future)
    assert error.value.message_dict == {
        "status_date": [f"A snapshot cannot be taken for a future date ({future})."]
    }
    with pytest.raises(PermissionDenied):
        services.do_take_snapshots(org.people.executive, org.p1, dt.date.today())


def test_month_end_task_and_command_store_last_months_figures(org, fence):
    from django.core.management import call_command

    from pmo.finance.models import EvmRecord
    from pmo.finance.tasks import take_month_end_snapshots

    stored = take_month_end_snapshots.call(status_date="2024-03-31")
    # Projects A, B, D in portfolio ETP, C in OPS; program DCX; portfolios ETP and OPS.
    assert stored == 4 + 1 + 2
    assert take_month_end_snapshots.call(status_date="2024-03-31") == 0
    out = io.StringIO()
    call_command("take_evm_snapshots", "--date", "2024-04-30", stdout=out)
    assert out.getvalue() == "7 snapshots stored for 30 Apr 2024.\n"
    assert EvmRecord.objects.filter(status_date=dt.date(2024, 4, 30)).count() == 7


def test_cost_position_per_category(org):
    BudgetLine.objects.create(
        project=org.a, category="labour", month=dt.date(2026, 1, 1), amount=800
    )
    BudgetLine.objects.create(
        project=org.a, category="software", month=dt.date(2026, 1, 1), amount=200
    )
    CostEntry.objects.create(project=org.a, category="labour", date=dt.date(2026, 1, 9), amount=900)
    CostEntry.objects.create(project=org.a, category="travel", date=dt.date(2026, 1, 9), amount=40)
    rows = selectors.category_positions([org.a.pk], dt.date(2026, 1, 31))
    assert [(label, p.budget_to_date, p.actual_to_date) for label, p in rows] == [
        ("Labour", Decimal("800.00"), Decimal("900.00")),
        ("Software and licences", Decimal("200.00"), Decimal("0.00")),
        ("Travel", Decimal("0.00"), Decimal("40.00")),
    ]
