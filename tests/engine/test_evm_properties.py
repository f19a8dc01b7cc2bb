"""Properties of the earned value engine that must hold for any plan and progress."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.evm import (
    EvmInput,
    PeriodGrid,
    evaluate,
    planned_value_at,
    rollup,
    snapshots,
    spread_budget,
)

# A decorator, not a loaded profile: a profile would change every other module's tests.
evm_settings = settings(max_examples=150, deadline=None)


@st.composite
def pv_curves(draw, max_rows=6, max_periods=10, pauses=True):
    """Cumulative PV curves with planned pauses, late starts and early finishes."""
    n = draw(st.integers(1, max_rows))
    periods = draw(st.integers(1, max_periods))
    step = st.integers(1, 10**9)
    if pauses:
        step = st.one_of(st.just(0), step)
    increments = draw(
        st.lists(st.lists(step, min_size=periods, max_size=periods), min_size=n, max_size=n)
    )
    return np.cumsum(np.array(increments, dtype=np.int64), axis=1)


@st.composite
def curves_with_progress(draw):
    pv = draw(pv_curves())
    n, periods = pv.shape
    bac = pv[:, -1]
    fraction = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    ev = np.rint(bac * fraction).astype(np.int64)
    ac = np.array(draw(st.lists(st.integers(0, 2 * 10**10), min_size=n, max_size=n)))
    at = draw(st.integers(0, periods))
    return pv, ev, ac, float(at)


@evm_settings
@given(pv_curves(), st.data())
def test_progress_exactly_on_plan_gives_unit_indices(pv, data):
    """EV = PV at every period end up to the planned finish: SPI = SPI(t) = 1, SV(t) = 0."""
    n, periods = pv.shape
    at = data.draw(st.integers(0, periods))
    f0 = evaluate(EvmInput(pv=pv, ev=np.zeros(n, np.int64), ac=np.zeros(n, np.int64)), 0.0)
    # Past the planned finish AT keeps running while ES stops; finished work freezes AT.
    status = np.minimum(float(at), np.nan_to_num(f0.planned_finish, nan=float(at)))
    ev = planned_value_at(pv, status)
    f = evaluate(EvmInput(pv=pv, ev=ev, ac=ev), status)
    assert (f.sv == 0).all()
    has_pv = f.pv > 0
    assert (f.spi[has_pv] == 1.0).all() and np.isnan(f.spi[~has_pv]).all()
    assert (f.cpi[ev > 0] == 1.0).all()
    scheduled = f.bac > 0
    assert np.allclose(f.sv_t[scheduled], 0.0, atol=1e-12)
    running = scheduled & (f.at > 0)
    assert np.allclose(f.spi_t[running], 1.0, rtol=1e-12)
    assert np.allclose(f.es[scheduled], f.at[scheduled], atol=1e-12)


@evm_settings
@given(pv_curves(max_rows=3), st.data())
def test_progress_on_plan_between_period_ends_keeps_earned_schedule_at_status(pv, data):
    """Mid-period status: ES = AT up to the half cent PV is rounded to."""
    n, periods = pv.shape
    at = data.draw(st.floats(0, periods, allow_nan=False))
    finish = evaluate(EvmInput(pv=pv, ev=[0] * n, ac=[0] * n), 0.0).planned_finish
    status = np.minimum(at, np.nan_to_num(finish, nan=at))
    ev = planned_value_at(pv, status)
    f = evaluate(EvmInput(pv=pv, ev=ev, ac=ev), status)
    slope = np.diff(np.hstack([np.zeros((n, 1), np.int64), pv]), axis=1)
    period = np.minimum(np.floor(status).astype(int), periods - 1)
    tolerance = 0.5 / np.maximum(slope[np.arange(n), period], 1) + 1e-9
    ok = f.bac > 0
    assert (np.abs(f.es - f.at)[ok] <= tolerance[ok]).all()


@evm_settings
@given(pv_curves(pauses=False), st.data())
def test_earned_schedule_matches_lipkes_formula_on_strictly_rising_plans(pv, data):
    """ES = C + (EV - PV_C) / (PV_C+1 - PV_C), C = number of periods with PV_C <= EV."""
    n, periods = pv.shape
    ev = np.array([data.draw(st.integers(0, int(b))) for b in pv[:, -1]], dtype=np.int64)
    f = evaluate(EvmInput(pv=pv, ev=ev, ac=ev), float(periods))
    for i in range(n):
        curve = [0, *pv[i].tolist()]
        c = sum(1 for v in curve[1:] if v <= ev[i])
        expected = float(c) if c == periods else c + (ev[i] - curve[c]) / (curve[c + 1] - curve[c])
        assert f.start[i] == 0.0
        assert abs(f.es[i] - expected) <= 1e-12 * max(1.0, expected)


@evm_settings
@given(curves_with_progress())
def test_cost_index_is_one_when_cost_equals_earned_value(case):
    pv, ev, _, at = case
    f = evaluate(EvmInput(pv=pv, ev=ev, ac=ev), at)
    assert (f.cpi[ev > 0] == 1.0).all() and (f.cv == 0).all()
    assert np.allclose(f.eac_cpi[ev > 0], f.bac[ev > 0])


@evm_settings
@given(curves_with_progress())
def test_earned_schedule_bounds(case):
    """0 <= ES <= PD; ES <= AT when behind (EV <= PV); ES >= AT when ahead, before PD."""
    pv, ev, ac, at = case
    f = evaluate(EvmInput(pv=pv, ev=ev, ac=ac), at)
    ok = f.bac > 0
    assert ((f.es[ok] >= 0) & (f.es[ok] <= f.pd[ok])).all()
    behind = ok & (f.ev <= f.pv)
    assert (f.es[behind] <= f.at[behind] + 1e-12).all()
    ahead = ok & (f.ev >= f.pv) & (f.status <= f.planned_finish)
    assert (f.es[ahead] >= f.at[ahead] - 1e-12).all()
    assert (np.sign(f.sv_t[ok & (f.ev < f.pv)]) <= 0).all()
    # ES is a point of the PV curve where EV was planned.
    assert (planned_value_at(pv[ok], (f.start + f.es)[ok]) == np.minimum(ev, f.bac)[ok]).all()


@evm_settings
@given(curves_with_progress(), st.data())
def test_rollup_equals_per_task_sums_and_recomputes_ratios(case, data):
    pv, ev, ac, at = case
    n = pv.shape[0]
    groups = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    tasks = EvmInput(pv=pv, ev=ev, ac=ac, etc=ac // 2)
    per_task = evaluate(tasks, at)
    projects = rollup(tasks, groups, n_groups=3)
    per_project = evaluate(projects, at)
    for field in ("bac", "pv", "ev", "ac", "sv", "cv"):
        sums = np.zeros(3, np.int64)
        np.add.at(sums, groups, getattr(per_task, field))
        assert (getattr(per_project, field) == sums).all(), field
    assert np.allclose(per_project.eac_bottom_up, per_project.ac + projects.etc)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected_spi = np.where(per_project.pv > 0, per_project.ev / per_project.pv, np.nan)
    assert np.allclose(per_project.spi, expected_spi, equal_nan=True)
    # One step or two, the portfolio total is the same.
    assert (rollup(projects).pv == rollup(tasks).pv).all()
    total = evaluate(rollup(tasks), at)
    assert np.allclose(total.es, evaluate(rollup(projects), at).es, equal_nan=True)


@evm_settings
@given(curves_with_progress())
def test_snapshots_hold_the_same_figures(case):
    pv, ev, ac, at = case
    f = evaluate(EvmInput(pv=pv, ev=ev, ac=ac), at)
    for i, s in enumerate(snapshots(f)):
        assert (s.bac, s.ev, s.ac) == (f.bac[i], f.ev[i], f.ac[i])
        assert (s.spi is None) == bool(np.isnan(f.spi[i]))
        assert (s.es is None) == bool(np.isnan(f.es[i]))
        if s.eac is not None:
            assert abs(s.eac - f.eac[i]) <= 0.5


@evm_settings
@given(
    st.lists(
        st.tuples(st.integers(0, 10**12), st.floats(0, 12), st.floats(0, 12)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.floats(0, 1), min_size=0, max_size=4),
)
def test_spread_is_monotone_and_exact_in_total(tasks, middle):
    budget = np.array([b for b, _, _ in tasks], dtype=np.int64)
    start = np.array([min(a, b) for _, a, b in tasks])
    finish = np.array([max(a, b) for _, a, b in tasks])
    profile = [0.0, *sorted(middle), 1.0]
    pv = spread_budget(budget, start, finish, PeriodGrid.uniform(12), profile=profile)
    assert (pv[:, -1] == budget).all()
    assert (np.diff(pv, axis=1) >= 0).all() and (pv >= 0).all()
    # Nothing is planned in a period that ends before the task starts.
    ends = np.arange(1, 13)
    assert (pv[ends[None, :] < start[:, None]] == 0).all()
