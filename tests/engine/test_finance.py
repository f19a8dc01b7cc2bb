"""Financial figures against textbook values.

Sources:
- [BH] E. F. Brigham and J. F. Houston, "Fundamentals of Financial Management",
  capital budgeting chapter, Projects S and L: flows S = -1000, 500, 400, 300, 100 and
  L = -1000, 100, 300, 400, 600 at a 10 % cost of capital; published NPV_S = $78.82,
  NPV_L = $49.18, IRR_S = 14.5 %, IRR_L = 11.8 %, payback S = 2.33 and L = 3.33 years,
  discounted payback S = 2.95 and L = 3.88 years.
- [G] L. J. Gitman, "Principles of Managerial Finance, Brief", 3rd ed., Addison-Wesley,
  2003, pp. 346-348, as worked in numpy-financial's documentation of ``npv``/``irr``.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.errors import EngineError
from pmo.engine.finance import (
    FinancialSummary,
    InvalidCashFlows,
    discounted_payback_period,
    evaluate,
    irr,
    npv,
    payback_period,
    roi,
)

S = [-1000, 500, 400, 300, 100]
L = [-1000, 100, 300, 400, 600]


def test_npv_brigham_houston_projects_s_and_l() -> None:
    assert round(npv(0.10, S), 2) == 78.82
    assert round(npv(0.10, L), 2) == 49.18


def test_irr_brigham_houston_projects_s_and_l() -> None:
    assert round(irr(S), 3) == 0.145
    assert round(irr(L), 3) == 0.118
    assert npv(irr(S), S) == pytest.approx(0.0, abs=1e-9)


def test_payback_brigham_houston_projects_s_and_l() -> None:
    # S: 500 + 400 leave 100 of year 3's 300 -> 2 + 1/3 years
    assert payback_period(S) == pytest.approx(2 + 100 / 300, abs=1e-15)
    assert payback_period(L) == pytest.approx(3 + 200 / 600, abs=1e-15)
    assert round(discounted_payback_period(0.10, S), 2) == 2.95
    assert round(discounted_payback_period(0.10, L), 2) == 3.88


def test_gitman_npv_and_irr_examples() -> None:
    assert round(npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]), 5) == 3065.22267
    published = {
        (-100, 39, 59, 55, 20): 0.28095,
        (-100, 0, 0, 74): -0.0955,
        (-100, 100, 0, -7): -0.0833,
        (-100, 100, 0, 7): 0.06206,
        (-5, 10.5, 1, -8, 1): 0.0886,
    }
    for flows, rate in published.items():
        assert round(irr(list(flows)), 5) == rate


def test_roi_and_summary() -> None:
    assert roi(S) == pytest.approx(0.3)
    assert roi(L) == pytest.approx(0.4)
    assert roi(S, rate=0.10) == pytest.approx(78.82 / 1000, abs=1e-5)
    s = evaluate(0.10, L)
    assert isinstance(s, FinancialSummary)
    assert (round(s.npv, 2), round(s.irr, 3), round(s.payback_period, 2)) == (49.18, 0.118, 3.33)
    assert round(s.discounted_payback_period, 2) == 3.88 and s.roi == pytest.approx(0.4)
    assert evaluate(0.1, [0, 10]).roi is None


def test_monthly_flows_with_an_annual_rate() -> None:
    monthly = [-1200] + [110] * 12
    r_month = 1.05 ** (1 / 12) - 1
    expected = -1200 + sum(110 / (1 + r_month) ** t for t in range(1, 13))
    assert npv(0.05, monthly, periods_per_year=12) == pytest.approx(expected, rel=1e-14)
    annual = irr(monthly, periods_per_year=12)
    assert npv(annual, monthly, periods_per_year=12) == pytest.approx(0.0, abs=1e-9)


def test_never_recovered_and_undefined_figures() -> None:
    assert payback_period([-100, 20, 20]) is None
    assert payback_period([-100, 200, -150]) is None
    assert payback_period([50, -10]) == 0.0
    assert irr([100, 20]) is None and irr([-100, -20]) is None and irr([-5]) is None
    with pytest.raises(InvalidCashFlows, match="negative cash flow"):
        roi([0, 10])
    with pytest.raises(InvalidCashFlows, match="above -100 %"):
        npv(-1.0, S)
    with pytest.raises(InvalidCashFlows, match="no cash flows"):
        npv(0.1, [])
    with pytest.raises(EngineError):
        npv(0.1, [1.0, float("nan")])


@given(
    st.lists(st.integers(1, 10_000), min_size=1, max_size=12),
    st.integers(1, 50_000),
)
def test_irr_matches_numpy_financial_for_conventional_flows(inflows: list[int], cost: int) -> None:
    # one sign change: a unique rate, which numpy-financial finds too
    flows = [-cost, *inflows]
    ours = irr(flows)
    theirs = npf.irr(flows)
    assert ours is not None and np.isfinite(theirs)
    assert ours == pytest.approx(theirs, rel=1e-7, abs=1e-9)
    assert npv(0.07, flows) == pytest.approx(npf.npv(0.07, flows), rel=1e-12)
