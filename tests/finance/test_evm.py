"""Earned value through the app: plans, baselines and cost entries in the database, the
figures out of the selectors and the stored snapshots.

Sources (as cited in tests/engine/test_evm.py):
* R. Mulcahy, *PMP Exam Prep*, earned value exercise "build a new fence" (p. 210 per the
  studylib.net/doc/5898152 copy): PV 3,000; EV 2,500; AC 2,800; BAC 4,000; CV -300;
  CPI .893; SV -500; SPI .833; EAC 4,479 with CPI rounded to .893 (4,480 exact).
* S. N. Dash, "Earned Schedule Management (ESM)", MPUG: 10 modules at $100,000 planned
  in 10 months, done in 12 for $1.3M; SV = 0 and SPI = 1.0 at completion although two
  months late; cost overrun $0.3M.
"""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.finance import selectors, services
from pmo.finance.models import CostEntry, EvmRecord
from pmo.schedules.models import Task

from .conftest import build_plan

STATUS = dt.date(2024, 3, 6)


def test_fence_project_reproduces_mulcahy_at_end_of_day_three(fence, org):
    evm = selectors.project_evm(org.a, STATUS)
    s = evm.project
    assert (s.bac, s.pv, s.ev, s.ac) == (4000_00, 3000_00, 2500_00, 2800_00)
    assert (s.cv, s.sv) == (-300_00, -500_00)
    assert round(s.cpi, 3) == 0.893 and round(s.spi, 3) == 0.833
    # Exact arithmetic: 4,000 / (2,500 / 2,800) = 4,480; the book's 4,479 divides by .893.
    assert (s.eac, s.etc, s.vac) == (4480_00, 1680_00, -480_00)
    assert s.eac_remaining_at_budget == 4300_00
    assert s.tcpi_bac == 1.25


def test_fence_project_earned_schedule_in_days(fence, org):
    s = selectors.project_evm(org.a, STATUS).project
    # One side a day: EV 2,500 is half of day 3's work, ES = 2.5 days, AT = 3.
    assert (s.es, s.at, s.sv_t) == (2.5, 3.0, -0.5)
    assert s.spi_t == pytest.approx(5 / 6)
    assert s.planned_finish_date == dt.date(2024, 3, 7)
    assert s.forecast_finish_date == dt.date(2024, 3, 8)
    assert s.status_date == STATUS


def test_fence_per_task_rows_name_the_tasks_and_measure_each_from_its_start(fence, org):
    rows = {r["name"]: r for r in selectors.project_evm(org.a, STATUS).tasks}
    assert list(rows) == ["Side 1", "Side 2", "Side 3", "Side 4"]
    assert (rows["Side 2"]["ev"], rows["Side 2"]["ac"], rows["Side 2"]["cv"]) == (
        1000_00,
        1200_00,
        -200_00,
    )
    assert rows["Side 3"]["spi_t"] == 0.5
    # Finished work keeps SPI(t) at its value at completion: side 1 finished on time.
    assert rows["Side 1"]["spi_t"] == 1.0
    assert rows["Side 4"]["spi"] is None and rows["Side 4"]["cpi"] is None


def test_costs_not_booked_to_a_baselined_task_still_count_as_actual_cost(fence, org):
    CostEntry.objects.create(project=org.a, category="travel", date=STATUS, amount="150.00")
    evm = selectors.project_evm(org.a, STATUS)
    assert evm.project.ac == 2950_00
    assert evm.tasks[-1]["name"] == "Costs not booked to a baselined task"
    assert evm.tasks[-1]["ac"] == 150_00
    # A cost after the status date is not yet actual.
    CostEntry.objects.create(project=org.a, category="travel", date=STATUS.replace(day=7), amount=1)
    assert selectors.project_evm(org.a, STATUS).project.ac == 2950_00


@pytest.fixture
def mpug(org):
    """Ten $100,000 modules planned one a month in 2024, finished by end of December."""
    ends = ["01-31", "02-29", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31", "09-30"]
    ends.append("10-31")
    rows = []
    for month, end in enumerate(ends, start=1):
        finished = "2024-12-31" if month == 10 else f"2024-{end}"
        rows.append(
            (f"Module {month}", f"2024-{month:02d}-01", f"2024-{end}", "100000", 100, finished)
        )
    tasks = build_plan(org.a, rows)
    for task in tasks:
        CostEntry.objects.create(
            project=org.a, task=task, category="labour", date=dt.date(2024, 12, 20), amount="130000"
        )
    return tasks


def test_mpug_snapshot_stores_spi_one_but_two_months_late(mpug, org):
    (record,) = [
        r for r in services.take_snapshots([org.a], dt.date(2024, 12, 31)) if r.scope == "project"
    ]
    s = record.snapshot()
    assert (s.sv, s.spi) == (0, 1.0)
    assert s.cv == -300_000_00
    assert s.cpi == pytest.approx(1 / 1.3)
    # A project's snapshot keeps earned schedule in days: planned 1 Jan - 31 Oct 2024
    # (305 days), done in 366; the two months late are November and December, 61 days.
    assert (s.pd, s.es, s.at, s.sv_t) == (305.0, 305.0, 366.0, -61.0)
    assert s.spi_t == pytest.approx(305 / 366)
    assert s.planned_finish_date == dt.date(2024, 10, 31)
    assert s.forecast_finish_date == dt.date(2024, 12, 31)
    assert record.formula_version == "pmo.evm/1"
    # The S-curve kept with it: month ends from the first month to the one reaching BAC.
    assert record.pv_curve["months"][0] == "2024-01-31"
    assert record.pv_curve["months"][-1] == "2024-10-31"
    assert record.pv_curve["pv"][:3] == [100_000_00, 200_000_00, 300_000_00]
    assert record.pv_curve["pv"][-1] == 1_000_000_00


def test_snapshots_are_never_recomputed(mpug, org):
    day = dt.date(2024, 12, 31)
    first = services.take_snapshots([org.a], day)
    assert {r.scope for r in first} == {"project", "program", "portfolio"}
    stored = EvmRecord.objects.get(scope="project", project=org.a, status_date=day).figures
    Task.objects.filter(project=org.a).update(percent_complete=50)
    CostEntry.objects.create(project=org.a, category="other", date=day, amount="999")
    assert services.take_snapshots([org.a], day) == []
    assert EvmRecord.objects.get(scope="project", project=org.a, status_date=day).figures == stored
    # The figures of record at that date are the stored ones, not today's recomputation.
    assert selectors.project_figures(org.a, day).ev == 1_000_000_00
    assert selectors.project_evm(org.a, day).project.ev == 500_000_00


def test_program_and_portfolio_snapshots_sum_money_and_recompute_ratios(fence, org):
    build_plan(
        org.b,
        [("Build", "2024-03-04", "2024-03-07", "2000", 25, None)],
    )
    CostEntry.objects.create(project=org.b, category="labour", date=STATUS, amount="700")
    records = services.take_snapshots([org.a, org.b, org.d], STATUS)
    program = next(r for r in records if r.scope == "program")
    assert program.program_id == org.g1.pk
    f = program.figures
    # Project B: PV 2,000 x 3/4 = 1,500; EV 500; AC 700.
    assert (f["pv"], f["ev"], f["ac"]) == (4500_00, 3000_00, 3500_00)
    project_a = next(r for r in records if r.project_id == org.a.pk).snapshot()
    assert (project_a.es, project_a.spi_t) == (2.5, pytest.approx(5 / 6))
    assert f["cpi"] == pytest.approx(3000 / 3500)
    portfolio = next(r for r in records if r.scope == "portfolio")
    assert portfolio.portfolio_id == org.p1.pk and portfolio.figures["bac"] == 6000_00


def test_bottom_up_eac_from_remaining_plan_cost_and_forecasts(fence, org):
    from pmo.finance.models import Forecast

    Forecast.objects.create(
        project=org.a, category="travel", month=dt.date(2024, 4, 1), amount=Decimal("300")
    )
    s = selectors.project_evm(org.a, STATUS).project
    # Remaining plan: side 3 half of 1,000 and side 4 all of 1,000; plus 300 forecast.
    assert s.eac_bottom_up == 2800_00 + 500_00 + 1000_00 + 300_00
