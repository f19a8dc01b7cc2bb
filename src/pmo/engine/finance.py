"""Financial figures of a project from its cash flows: NPV, IRR, payback, ROI.

Cash flows are one number per period, the first at time 0 (usually the investment,
negative), as in most textbooks and in ``numpy_financial``. Money may be in any unit
(the engine uses integer cents); rates are per period unless ``periods_per_year`` says
the flows are monthly (12) or quarterly (4) and the rate is annual.

Examples
--------
>>> flows = [-1000, 500, 400, 300, 100]
>>> round(npv(0.10, flows), 2), round(irr(flows), 4), round(payback_period(flows), 2)
(78.82, 0.1449, 2.33)
>>> round(roi(flows), 2)
0.3
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from pmo.engine.errors import EngineError

__all__ = [
    "FinancialSummary",
    "InvalidCashFlows",
    "discounted_payback_period",
    "evaluate",
    "irr",
    "npv",
    "payback_period",
    "roi",
]


class InvalidCashFlows(EngineError, ValueError):
    """Cash flows or rate that no figure can be computed from (empty, NaN, rate <= -1)."""


def _flows(cash_flows: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(cash_flows, dtype=np.float64).reshape(-1)
    if arr.size == 0:
        raise InvalidCashFlows("no cash flows")
    if not np.all(np.isfinite(arr)):
        raise InvalidCashFlows("cash flows must be finite numbers")
    return arr


def _period_rate(rate: float, periods_per_year: int) -> float:
    if not np.isfinite(rate) or rate <= -1.0:
        raise InvalidCashFlows(f"discount rate must be a number above -100 %, got {rate!r}")
    if periods_per_year < 1:
        raise InvalidCashFlows("periods_per_year must be at least 1")
    return (1.0 + rate) ** (1.0 / periods_per_year) - 1.0


def npv(rate: float, cash_flows: Sequence[float], *, periods_per_year: int = 1) -> float:
    """Net present value: ``sum(cf[t] / (1 + r) ** t)``, ``cf[0]`` undiscounted.

    Parameters
    ----------
    rate : float
        Discount rate per year (per period when ``periods_per_year`` is 1).
    cash_flows : sequence of float
        One flow per period, the first at time 0.
    periods_per_year : int
        12 for monthly flows with an annual rate, and so on.

    Returns
    -------
    float

    Examples
    --------
    >>> round(npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]), 2)
    3065.22
    """
    cf = _flows(cash_flows)
    r = _period_rate(rate, periods_per_year)
    return float(np.sum(cf / (1.0 + r) ** np.arange(cf.size)))


def irr(
    cash_flows: Sequence[float], *, periods_per_year: int = 1, guess: float = 0.1
) -> float | None:
    """Internal rate of return: the rate at which the NPV is zero.

    Every sign change of the NPV over rates from -99.9999999 % to +99,999,900 % per
    period is bracketed and solved to machine precision (Brent's method). When the
    flows change sign more than once there may be several rates; the one closest to
    ``guess`` is returned, as a spreadsheet seeded with that guess would.

    Parameters
    ----------
    cash_flows : sequence of float
    periods_per_year : int
        The rate returned is annual: ``(1 + r_period) ** periods_per_year - 1``.
    guess : float
        Tie-breaker between several rates (annual).

    Returns
    -------
    float or None
        None when no rate makes the NPV zero (e.g. all flows of one sign).

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20]), 5)
    0.28095
    >>> irr([100, 20]) is None
    True
    """
    cf = _flows(cash_flows)
    if cf.size < 2 or np.all(cf >= 0) or np.all(cf <= 0):
        return None
    t = np.arange(cf.size)

    def f(r: float) -> float:
        return float(np.sum(cf / (1.0 + r) ** t))

    # growth factors spaced evenly in log scale find every sign change a textbook
    # cash flow can have; the NPV of n flows has at most n - 1 of them
    grid = np.expm1(np.linspace(np.log(1e-9), np.log(1e6), 4001))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        vals = (cf[None, :] / (1.0 + grid)[:, None] ** t[None, :]).sum(axis=1)
    roots = [float(r) for r, v in zip(grid, vals, strict=True) if v == 0.0]
    for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:], strict=True):
        if np.isfinite(fa) and np.isfinite(fb) and fa * fb < 0:
            roots.append(float(brentq(f, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)))
    if not roots:
        return None
    target = _period_rate(guess, periods_per_year)
    best = min(roots, key=lambda r: abs(r - target))
    return float((1.0 + best) ** periods_per_year - 1.0)


def _payback(cf: np.ndarray) -> float | None:
    cum = np.cumsum(cf)
    if cum[-1] < 0:
        return None
    if cum[0] >= 0:
        return 0.0
    # the last period in which the running total turns from negative to recovered
    t = int(np.flatnonzero(cum < 0)[-1]) + 1
    if t >= cf.size:
        return None
    return float(t - 1 + (-cum[t - 1]) / cf[t])


def payback_period(cash_flows: Sequence[float]) -> float | None:
    """Periods until the cumulative cash flow is recovered, with a fractional last period.

    ``t - 1 + unrecovered / cf[t]``, where period t is the one in which the running total
    turns non-negative for good (flows within a period are taken as even).

    Returns
    -------
    float or None
        None when the investment is never recovered.

    Examples
    --------
    >>> round(payback_period([-1000, 100, 300, 400, 600]), 2)
    3.33
    """
    return _payback(_flows(cash_flows))


def discounted_payback_period(
    rate: float, cash_flows: Sequence[float], *, periods_per_year: int = 1
) -> float | None:
    """Payback period of the discounted cash flows (see `payback_period`).

    Examples
    --------
    >>> round(discounted_payback_period(0.10, [-1000, 500, 400, 300, 100]), 2)
    2.95
    """
    cf = _flows(cash_flows)
    r = _period_rate(rate, periods_per_year)
    return _payback(cf / (1.0 + r) ** np.arange(cf.size))


def roi(
    cash_flows: Sequence[float], *, rate: float | None = None, periods_per_year: int = 1
) -> float:
    """Return on investment: ``(inflows - outflows) / outflows``.

    Parameters
    ----------
    cash_flows : sequence of float
        Negative flows are the investment, positive ones the return.
    rate : float, optional
        Discount the flows first (a present-value ROI); undiscounted when None.

    Raises
    ------
    InvalidCashFlows
        When there is no outflow (the ratio is undefined).

    Examples
    --------
    >>> roi([-1000, 500, 400, 300, 100])
    0.3
    """
    cf = _flows(cash_flows)
    if rate is not None:
        cf = cf / (1.0 + _period_rate(rate, periods_per_year)) ** np.arange(cf.size)
    cost = -float(cf[cf < 0].sum())
    if cost <= 0:
        raise InvalidCashFlows("ROI needs at least one negative cash flow (the investment)")
    gain = float(cf[cf > 0].sum())
    return (gain - cost) / cost


@dataclass(frozen=True, slots=True)
class FinancialSummary:
    """The four figures of a cash-flow series; see the functions of the same names."""

    npv: float
    irr: float | None
    payback_period: float | None
    discounted_payback_period: float | None
    roi: float | None


def evaluate(
    rate: float, cash_flows: Sequence[float], *, periods_per_year: int = 1
) -> FinancialSummary:
    """All figures at once; ROI is None when nothing is invested.

    Examples
    --------
    >>> s = evaluate(0.10, [-1000, 100, 300, 400, 600])
    >>> round(s.npv, 2), round(s.irr, 3), round(s.payback_period, 2)
    (49.18, 0.118, 3.33)
    """
    cf = _flows(cash_flows)
    return FinancialSummary(
        npv=npv(rate, cf, periods_per_year=periods_per_year),
        irr=irr(cf, periods_per_year=periods_per_year),
        payback_period=payback_period(cf),
        discounted_payback_period=discounted_payback_period(
            rate, cf, periods_per_year=periods_per_year
        ),
        roi=roi(cf) if np.any(cf < 0) else None,
    )
