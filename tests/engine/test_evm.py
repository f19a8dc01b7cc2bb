"""Earned value engine: published worked examples and the documented conventions.

Sources (only the figures the source itself prints are asserted as "published"; every
other figure is derived from the PMI Practice Standard for EVM, 2nd ed., and Lipke's
earned schedule definitions, and is labelled so):

* R. Mulcahy, *PMP Exam Prep*, earned value exercise "build a new fence", as
  reproduced in "Earned Value Exercise", studylib.net/doc/5898152 (which cites
  "PMP Exam Prep, P-210" and does not name the edition).
* S. N. Dash, "Earned Schedule Management (ESM)", MPUG (mpug.com/articles/
  earned-schedule-management-esm), republished on managementyogi.com, 11 Nov 2021.
* PM PrepCast forum, "Explanation", thread 9649 (project-management-prepcast.com/
  kunena/pmp-exam-discussion/9649-explanation): an earned schedule exam question.
* W. Lipke, "Earned Schedule Concept" (the ES = 5 + ... / AT = 7 figure).
"""

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pytest

from pmo.engine.evm import (
    FORMULA_VERSION,
    EacMethod,
    EvmError,
    EvmInput,
    EvmSnapshot,
    PeriodGrid,
    evaluate,
    planned_value_at,
    rollup,
    snapshot,
    snapshots,
    spread_budget,
)

DOLLAR = 100


@pytest.fixture
def fence():
    """The four-sided fence, one side per day, $1,000 a side, status end of day 3."""
    grid = PeriodGrid.from_dates(
        "2024-03-04", ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"]
    )
    days = np.array(["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"], "datetime64[D]")
    pv = spread_budget([1000 * DOLLAR] * 4, days, days, grid)
    tasks = EvmInput(
        pv=pv,
        ev=np.array([1000, 1000, 500, 0]) * DOLLAR,
        ac=np.array([1000, 1200, 600, 0]) * DOLLAR,
    )
    return grid, tasks, grid.status_position("2024-03-06")


def test_fence_exercise_reproduces_mulcahy_pmp_exam_prep(fence):
    """Mulcahy, *PMP Exam Prep* (fence exercise, p. 210 per the studylib copy).

    Published: PV 3,000; EV 2,500; AC 2,800; BAC 4,000; CV -300; CPI .893; SV -500;
    SPI .833; EAC 4,479; ETC 1,679; VAC -479. The book divides by CPI rounded to
    .893 first; exact arithmetic gives EAC 4,480, ETC 1,680, VAC -480, which is what
    the engine returns (the rounded-CPI figures are checked to show the difference is
    only that rounding).
    """
    _, tasks, at = fence
    f = evaluate(rollup(tasks), at)
    assert float(at[()]) == 3.0
    assert (f.pv[0], f.ev[0], f.ac[0], f.bac[0]) == (3000_00, 2500_00, 2800_00, 4000_00)
    assert (f.cv[0], f.sv[0]) == (-300_00, -500_00)
    assert round(f.cpi[0], 3) == 0.893
    assert round(f.spi[0], 3) == 0.833
    assert f.eac[0] == f.eac_cpi[0] == 4480_00
    assert f.etc[0] == 1680_00
    assert f.vac[0] == -480_00
    book_eac = round(f.bac[0] / round(f.cpi[0], 3) / DOLLAR)
    assert (book_eac, book_eac - 2800, 4000 - book_eac) == (4479, 1679, -479)


def test_fence_exercise_derived_forecasts_and_earned_schedule(fence):
    """Fence exercise figures the book does not print, from the standard definitions.

    EAC AC + BAC - EV = 4,300; AC + (BAC - EV)/(CPI x SPI) = 2,800 + 1,500 / (25/28 x
    5/6) = 4,816; TCPI to BAC 1,500/1,200 = 1.25, to EAC = CPI. Earned schedule with
    one side planned per day: EV 2,500 is half of day 3's planned work, ES = 2 +
    (2,500 - 2,000)/(3,000 - 2,000) = 2.5 days, AT = 3, SV(t) = -0.5 day, SPI(t) =
    5/6, IEAC(t) = 4 / (5/6) = 4.8 days, so the forecast finish falls on day 5.
    """
    grid, tasks, at = fence
    f = evaluate(rollup(tasks), at)
    assert f.eac_remaining_at_budget[0] == 4300_00
    assert f.eac_cpi_spi[0] == pytest.approx(4816_00, abs=1e-6)
    assert f.tcpi_bac[0] == 1.25
    assert f.tcpi_eac[0] == pytest.approx(f.cpi[0])
    assert (f.start[0], f.pd[0], f.at[0], f.es[0], f.sv_t[0]) == (0.0, 4.0, 3.0, 2.5, -0.5)
    assert f.spi_t[0] == pytest.approx(5 / 6)
    assert f.ieac_t[0] == pytest.approx(4.8)
    s = snapshot(f, grid=grid)
    assert s.status_date == dt.date(2024, 3, 6)
    assert s.planned_finish_date == dt.date(2024, 3, 7)
    assert s.forecast_finish_date == dt.date(2024, 3, 8)


def test_fence_per_task_figures_are_measured_from_each_task_start(fence):
    """Per-side figures: side 3 (planned on day 3 only) is half done after its one day."""
    _, tasks, at = fence
    f = evaluate(tasks, at)
    assert f.start.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert f.pd.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert f.es[2] == 0.5 and f.at[2] == 1.0 and f.spi_t[2] == 0.5
    # Side 4 is not due yet: no time has elapsed for it, so SPI(t) is undefined.
    assert f.at[3] == 0.0 and f.sv_t[3] == 0.0 and math.isnan(f.spi_t[3])
    assert math.isnan(f.spi[3]) and math.isnan(f.cpi[3])
    # Side 1 finished on time at the end of day 1; AT keeps running unless frozen.
    assert f.spi_t[0] == pytest.approx(1 / 3)
    frozen = evaluate(tasks, np.array([1.0, 2.0, 3.0, 3.0]))
    assert frozen.spi_t[0] == 1.0 and frozen.spi_t[1] == 1.0


def test_mpug_late_project_spi_is_one_but_earned_schedule_is_two_months_late():
    """Dash, "Earned Schedule Management (ESM)", MPUG.

    Published: 10 modules at $100,000, planned in 10 months, done in 12 months for
    $1.3M; at completion SV = $0.0M and SPI = 1.0 although the project is two months
    late, and the cost overrun is $0.3M. Derived (one module planned per month): ES =
    PD = 10, AT = 12, SV(t) = -2 months, SPI(t) = 10/12, IEAC(t) = 12 months, the
    actual duration; CPI = 1/1.3.
    """
    ends = [
        f"2024-{m:02d}-{d}"
        for m, d in zip(range(1, 13), [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], strict=True)
    ]
    grid = PeriodGrid.from_dates("2024-01-01", ends)
    starts = np.array([f"2024-{m:02d}-01" for m in range(1, 11)], "datetime64[D]")
    finishes = np.array(ends[:10], "datetime64[D]")
    pv = spread_budget([100_000 * DOLLAR] * 10, starts, finishes, grid)
    tasks = EvmInput(pv=pv, ev=[100_000 * DOLLAR] * 10, ac=[130_000 * DOLLAR] * 10)
    f = evaluate(rollup(tasks), grid.status_position("2024-12-31"))
    assert f.sv[0] == 0 and f.spi[0] == 1.0
    assert f.cv[0] == -300_000 * DOLLAR
    assert f.cpi[0] == pytest.approx(1 / 1.3)
    assert (f.pd[0], f.es[0], f.at[0], f.sv_t[0]) == (10.0, 10.0, 12.0, -2.0)
    assert f.spi_t[0] == pytest.approx(10 / 12)
    assert f.ieac_t[0] == pytest.approx(12.0)
    s = snapshot(f, grid=grid)
    assert s.planned_finish_date == dt.date(2024, 10, 31)
    assert s.forecast_finish_date == dt.date(2024, 12, 31)


def test_prepcast_exam_question_earned_schedule():
    """PM PrepCast forum thread 9649 (answer "A").

    Published: planned 5 months, 3 months in, half the work done; ES = 2.5 months,
    SV(t) = -0.5 month, SPI(t) = 0.83. The budget is not given (ES does not depend on
    it); $500,000 spread evenly is used.
    """
    grid = PeriodGrid.uniform(5)
    pv = spread_budget([500_000 * DOLLAR], [0.0], [5.0], grid)
    f = evaluate(EvmInput(pv=pv, ev=[250_000 * DOLLAR], ac=[250_000 * DOLLAR]), 3.0)
    assert (f.es[0], f.sv_t[0], round(f.spi_t[0], 2)) == (2.5, -0.5, 0.83)


def test_lipke_concept_figure_interpolates_within_june():
    """Lipke, "Earned Schedule Concept": ES = 5 + (EV - PV(May)) / (PV(Jun) - PV(May)), AT = 7.

    The figure prints the formula, not the money; this cumulative PV (Jan..Nov, $k) is
    constructed: 100 250 450 700 1000 1300 1600 1850 2050 2200 2300, with EV = 1150 at
    the end of July. Then C = 5 (EV passes May's 1000, not June's 1300), ES = 5 +
    150/300 = 5.5, SV(t) = -1.5, SPI(t) = 5.5/7, IEAC(t) = 11 x 7/5.5 = 14 months,
    while SPI = 1150/1600.
    """
    cum = np.array([100, 250, 450, 700, 1000, 1300, 1600, 1850, 2050, 2200, 2300]) * 1000
    f = evaluate(EvmInput(pv=[cum * DOLLAR], ev=[1150_000 * DOLLAR], ac=[0]), 7.0)
    assert f.es[0] == 5.5 and f.sv_t[0] == -1.5
    assert f.spi_t[0] == pytest.approx(5.5 / 7)
    assert f.ieac_t[0] == pytest.approx(14.0)
    assert f.spi[0] == pytest.approx(1150 / 1600)
    assert f.forecast_finish[0] == pytest.approx(14.0)


def test_earned_schedule_on_a_planned_pause_matches_status_when_on_plan():
    """A flat PV stretch: EV equal to the plateau is on plan anywhere inside it."""
    pv = [[100, 100, 100, 200]]
    for at, es in ((1.0, 1.0), (2.0, 2.0), (3.0, 3.0), (3.5, 3.0)):
        f = evaluate(EvmInput(pv=pv, ev=[100], ac=[100]), at)
        assert f.es[0] == es
    # Lipke's rule (the last period with PV <= EV) is the case AT past the pause.
    assert evaluate(EvmInput(pv=pv, ev=[100], ac=[100]), 0.5).es[0] == 1.0


def test_earned_schedule_never_exceeds_planned_duration():
    """Grid longer than the plan: finished work has ES = PD, not the grid's end."""
    pv = [[50, 100, 100, 100, 100]]
    f = evaluate(EvmInput(pv=pv, ev=[100], ac=[120]), 5.0)
    assert (f.es[0], f.pd[0], f.at[0], f.spi_t[0]) == (2.0, 2.0, 5.0, 0.4)
    over = evaluate(EvmInput(pv=pv, ev=[130], ac=[120]), 1.0)
    assert over.es[0] == 2.0


def test_undefined_ratios_are_nan_and_never_raise():
    """Zero denominators: no PV yet, no AC, no EV, BAC = 0, AT = 0."""
    inp = EvmInput(
        pv=[[0, 100], [100, 200], [100, 200], [0, 0], [100, 200]],
        ev=[0, 0, 50, 0, 200],
        ac=[0, 30, 0, 10, 200],
    )
    f = evaluate(inp, np.array([1.0, 1.0, 1.0, 1.0, 0.0]))
    assert math.isnan(f.spi[0]) and math.isnan(f.cpi[0])  # before start, nothing spent
    assert f.cpi[1] == 0.0 and math.isnan(f.eac_cpi[1]) and math.isnan(f.eac_cpi_spi[1])
    assert f.spi_t[1] == 0.0 and math.isnan(f.ieac_t[1])  # nothing earned in a period
    assert math.isnan(f.cpi[2]) and math.isnan(f.eac_cpi[2])  # earned with no cost
    for name in ("es", "pd", "start", "sv_t", "spi_t", "ieac_t", "forecast_finish"):
        assert math.isnan(getattr(f, name)[3]), name  # zero budget has no schedule
    assert math.isnan(f.tcpi_bac[4])  # BAC = AC
    assert math.isnan(f.spi_t[4]) and f.es[4] == 2.0  # AT = 0, finished early
    assert np.isnan(f.eac_bottom_up).all()
    assert np.isfinite(f.eac_remaining_at_budget).all()


def test_eac_methods_and_bottom_up_etc():
    """The four EACs; the chosen one drives ETC, VAC and TCPI to EAC."""
    inp = EvmInput(pv=[[400, 1000]], ev=[300], ac=[400], etc=[900])
    expect = {
        EacMethod.REMAINING_AT_BUDGET: 400 + 700,
        EacMethod.CPI: 1000 / 0.75,
        EacMethod.CPI_SPI: 400 + 700 / (0.75 * 0.75),
        EacMethod.BOTTOM_UP: 1300,
    }
    for method, eac in expect.items():
        f = evaluate(inp, 1.0, eac_method=method)
        assert f.eac_method is method
        assert f.eac[0] == pytest.approx(eac)
        assert f.etc[0] == pytest.approx(eac - 400)
        assert f.vac[0] == pytest.approx(1000 - eac)
        assert f.tcpi_eac[0] == pytest.approx(700 / (eac - 400))
    assert evaluate(inp, 1.0, eac_method="bottom_up").etc[0] == 900
    with pytest.raises(EvmError, match="unknown EAC method"):
        evaluate(inp, 1.0, eac_method="guess")


def test_planned_value_between_period_ends_is_linear_and_clamped():
    pv = [[100, 300, 400]]
    assert planned_value_at(pv, [0.5]).tolist() == [50]
    assert planned_value_at(pv, 1.25).tolist() == [150]
    assert planned_value_at(pv, 9.0).tolist() == [400]


def test_rollup_sums_money_then_recomputes_ratios():
    """Program SPI is total EV over total PV, not an average of project SPIs."""
    tasks = EvmInput(pv=[[100, 100], [0, 900], [50, 100]], ev=[100, 0, 100], ac=[100, 0, 50])
    projects = rollup(tasks, [0, 0, 1], n_groups=3)
    assert projects.pv.tolist() == [[100, 1000], [50, 100], [0, 0]]
    assert projects.ev.tolist() == [100, 100, 0] and projects.ac.tolist() == [100, 50, 0]
    program = evaluate(rollup(projects, [0, 0, 0]), 1.0)
    assert program.spi[0] == 200 / 150
    assert program.cpi[0] == 200 / 150
    # ES of the program comes from its own summed curve [150, 1100]: EV 200 is past 150.
    assert program.es[0] == pytest.approx(1 + 50 / 950)
    assert rollup(tasks).pv.tolist() == rollup(projects).pv.tolist()


def test_rollup_validates_groups():
    tasks = EvmInput(pv=[[1], [2]], ev=[0, 0], ac=[0, 0], etc=[3, 4])
    assert rollup(tasks, [1, 1]).etc.tolist() == [0, 7]
    with pytest.raises(EvmError, match="one per row"):
        rollup(tasks, [0])
    with pytest.raises(EvmError) as err:
        rollup(tasks, [0, 2], n_groups=2)
    assert err.value.ids == (1,)
    empty = rollup(EvmInput(pv=np.zeros((0, 3), np.int64), ev=[], ac=[]), n_groups=1)
    assert empty.pv.tolist() == [[0, 0, 0]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pv": [[1.5]], "ev": [0], "ac": [0]}, "integer cents"),
        ({"pv": [[2, 1]], "ev": [0], "ac": [0]}, "must not decrease"),
        ({"pv": [[-1, 1]], "ev": [0], "ac": [0]}, "must not be negative"),
        ({"pv": [[1]], "ev": [-1], "ac": [0]}, "earned value"),
        ({"pv": [[1]], "ev": [0, 0], "ac": [0]}, "different length"),
        ({"pv": [1], "ev": [0], "ac": [0]}, "2 dimension"),
    ],
)
def test_input_validation(kwargs, message):
    with pytest.raises(EvmError, match=message):
        EvmInput(**kwargs)


def test_input_arrays_are_read_only_and_caller_arrays_untouched():
    ev = np.array([5])
    inp = EvmInput(pv=[[10]], ev=ev, ac=[1])
    with pytest.raises(ValueError, match="read-only"):
        inp.ev[0] = 1
    ev[0] = 6  # the caller's own array stays writable
    with pytest.raises(dataclasses.FrozenInstanceError):
        inp.ev = ev  # type: ignore[misc]


def test_status_position_validation():
    inp = EvmInput(pv=[[10], [10]], ev=[0, 0], ac=[0, 0])
    for bad in (-1.0, math.nan, [1.0, 2.0, 3.0]):
        with pytest.raises(EvmError):
            evaluate(inp, bad)


def test_grid_positions_and_dates():
    grid = PeriodGrid.from_dates("2024-01-01", ["2024-01-31", "2024-02-29"])
    assert grid.n_periods == 2 and grid.dated
    assert grid.status_position("2024-01-16").tolist() == 16 / 31
    assert grid.status_position(["2024-02-29", "2023-12-31"]).tolist() == [2.0, 0.0]
    assert str(grid.date_of(2.0)) == "2024-02-29"
    assert str(grid.date_of(3.0)) == "2024-03-29"  # past the grid: last period's length
    assert str(grid.date_of(-1.0)) == "2023-11-30"  # midnight ends Nov 30
    assert np.isnat(grid.date_of(math.nan))
    assert grid.position(grid.instant_of([0.25, 1.75, 4.0])) == pytest.approx([0.25, 1.75, 4.0])
    with pytest.raises(EvmError, match="no dates"):
        PeriodGrid.uniform(2).date_of(1.0)
    with pytest.raises(EvmError, match="strictly increasing"):
        PeriodGrid([0.0, 1.0, 1.0])
    with pytest.raises(EvmError, match="end on or after"):
        PeriodGrid.from_dates("2024-02-01", ["2024-01-31"])


def test_spread_budget_linear_inclusive_dates_and_exact_total():
    grid = PeriodGrid.from_dates("2024-01-01", ["2024-01-31", "2024-02-29", "2024-03-31"])
    pv = spread_budget(
        [3000, 1, 999_999_999_999],
        np.array(["2024-01-01", "2024-02-01", "2024-01-31"], "datetime64[D]"),
        np.array(["2024-03-31", "2024-02-01", "2024-02-01"], "datetime64[D]"),
        grid,
    )
    assert pv[0].tolist() == [round(3000 * 31 / 91), round(3000 * 60 / 91), 3000]
    assert pv[1].tolist() == [0, 1, 1]  # a one-day task lies in its day's period
    assert pv[2].tolist() == [499_999_999_999 + 1, 999_999_999_999, 999_999_999_999]


def test_spread_budget_profile_milestone_and_errors():
    grid = PeriodGrid.uniform(4)
    s_curve = spread_budget([1000], [0.0], [4.0], grid, profile=[0, 0.1, 0.5, 0.9, 1])
    assert s_curve.tolist() == [[100, 500, 900, 1000]]
    milestone = spread_budget([70], [2.0], [2.0], grid)
    assert milestone.tolist() == [[0, 70, 70, 70]]
    late_start = spread_budget([80], [1.5], [3.5], grid)
    assert late_start.tolist() == [[0, 20, 60, 80]]
    for args, message in (
        (([1.5], [0.0], [1.0]), "integer cents"),
        (([-1], [0.0], [1.0]), "negative budget"),
        (([1], [2.0], [1.0]), "finish before start"),
        (([1], [-1.0], [1.0]), "before the grid"),
        (([1, 1], [0.0, 0.0], [1.0, 5.0]), "after the grid"),
        (([1], [0.0, 1.0], [1.0, 2.0]), "same length"),
        ((np.array([1]), np.array(["2024-01-01"], "datetime64[D]"), [1.0]), "undated grid"),
    ):
        with pytest.raises(EvmError, match=message):
            spread_budget(*args, grid)
    with pytest.raises(EvmError, match="profile"):
        spread_budget([1], [0.0], [1.0], grid, profile=[0, 0.7, 0.6, 1])


def test_snapshot_is_frozen_json_ready_and_round_trips(fence):
    grid, tasks, at = fence
    f = evaluate(tasks, at)
    records = snapshots(f, grid=grid)
    assert len(records) == 4
    s = records[3]
    assert s.formula_version == FORMULA_VERSION and s.eac_method == "cpi"
    assert s.spi is None and s.cpi is None and s.spi_t is None and s.eac is None
    assert s.status_date == dt.date(2024, 3, 6) and s.forecast_finish_date is None
    assert isinstance(s.bac, int) and s.bac == 1000_00
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.ev = 1  # type: ignore[misc]
    stored = json.loads(json.dumps(records[1].as_dict()))
    assert stored["status_date"] == "2024-03-06"
    assert EvmSnapshot.from_dict(stored) == records[1]
    assert isinstance(records[1].eac, int) and records[1].eac == round(1000_00 * 1.2)
    assert snapshot(f, 2, status_date=dt.date(2024, 3, 7)).status_date == dt.date(2024, 3, 7)
    assert snapshot(f, 2).planned_finish_date is None  # no grid, no dates
    with pytest.raises(EvmError, match="no entity"):
        snapshot(f, 4)


def test_fifty_thousand_tasks_by_sixty_periods_roll_up_exactly():
    """The scale the issue names, end to end (its speed is the benchmark's to report)."""
    rng = np.random.default_rng(6)
    n, periods = 50_000, 60
    grid = PeriodGrid.uniform(periods)
    start = rng.uniform(0, 50, n)
    finish = np.minimum(start + rng.uniform(0, 20, n), periods)
    budget = rng.integers(0, 10_000_000, n)
    tasks = EvmInput(pv=spread_budget(budget, start, finish, grid), ev=budget // 3, ac=budget // 2)
    per_task = evaluate(tasks, 30.0)
    projects = rollup(tasks, rng.integers(0, 500, n), n_groups=500)
    per_project = evaluate(projects, 30.0)
    assert per_task.n == n and per_project.n == 500
    assert per_project.ev.sum() == tasks.ev.sum()
    assert per_project.pv.sum() == per_task.pv.sum()
