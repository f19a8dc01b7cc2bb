"""Earned value and earned schedule figures, per task and rolled up.

Formulas are those of the PMI *Practice Standard for Earned Value Management* (2nd ed.,
2011) and, for earned schedule, W. Lipke, "Schedule is Different", *The Measurable
News*, March 2003:

============  =====================================================================
SV, CV        EV - PV, EV - AC
SPI, CPI      EV / PV, EV / AC
EAC           AC + (BAC - EV); BAC / CPI; AC + (BAC - EV) / (CPI x SPI); AC + ETC
ETC, VAC      EAC - AC (or the bottom-up ETC), BAC - EAC
TCPI          (BAC - EV) / (BAC - AC) to BAC; (BAC - EV) / (EAC - AC) to EAC
ES            C + (EV - PV_C) / (PV_C+1 - PV_C), C whole periods with PV_C <= EV
SV(t), SPI(t) ES - AT, ES / AT
IEAC(t)       PD / SPI(t)
============  =====================================================================

Conventions, fixed so that stored snapshots stay comparable:

* Measured money (BAC, PV, EV, AC, SV, CV) is exact ``int64`` cents. Forecast money
  (every EAC, ETC, VAC) divides by indices, so it is ``float64`` cents, unrounded.
* A ratio whose denominator is zero is NaN, never an exception and never infinity:
  SPI with PV = 0, CPI with AC = 0, BAC/CPI with CPI = 0 or undefined, TCPI with
  BAC = AC (or EAC = AC), SPI(t) with AT = 0, IEAC(t) with SPI(t) = 0. An entity
  with BAC = 0 has no earned schedule: ES, PD, SV(t), SPI(t), IEAC(t) are NaN.
* Time is in periods of the grid. Earned schedule, actual time and planned duration
  are counted from the entity's planned start, the beginning of its first period with
  planned value, so that a task or project that starts late in the grid is measured
  against its own plan as Lipke defines it (project start = time 0).
* Where the PV curve is flat at exactly EV (a planned pause), every point of the flat
  stretch has earned the same value; ES is the point of that stretch nearest to AT, so
  progress that matches the plan gives SV(t) = 0 and SPI(t) = 1. Lipke's rule (the
  last such period) is the case AT >= end of the pause. ES never exceeds PD; EV at
  or above BAC gives ES = PD.
* Actual time keeps running after the work is finished. For finished work pass its
  actual finish position as ``at`` so SPI(t) stays at its value at completion.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pmo.engine.evm.errors import EvmError, at_rows

__all__ = ["EacMethod", "EvmFigures", "EvmInput", "evaluate", "planned_value_at", "rollup"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class EacMethod(StrEnum):
    """Which estimate at completion drives ETC, VAC and TCPI to EAC."""

    #: AC + (BAC - EV): remaining work done at budgeted rates ("atypical" variances).
    REMAINING_AT_BUDGET = "remaining_at_budget"
    #: BAC / CPI: remaining work at the cost efficiency so far ("typical").
    CPI = "cpi"
    #: AC + (BAC - EV) / (CPI x SPI): cost and schedule efficiency both weigh.
    CPI_SPI = "cpi_spi"
    #: AC + ETC with the bottom-up ETC given in :class:`EvmInput`.
    BOTTOM_UP = "bottom_up"


def _readonly_money(value: ArrayLike, name: str, ndim: int) -> I64:
    arr = np.asarray(value)
    # An empty list arrives as float64; there is no money in it to truncate.
    if arr.dtype.kind not in "iu" and arr.size:
        raise EvmError(f"{name} must be integer cents, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.ndim != ndim:
        raise EvmError(f"{name} must have {ndim} dimension(s), got {arr.ndim}")
    view = arr.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class EvmInput:
    """Money of one status date: the baseline curve and the measured values.

    Rows are entities (tasks, or projects after a :func:`rollup`); all arrays are
    read-only views once the record is built.

    Parameters
    ----------
    pv : array-like of int, shape (n, n_periods)
        Cumulative planned value at the end of each period from the chosen baseline,
        in cents (see :func:`~pmo.engine.evm.spread_budget`). Rows are non-negative
        and non-decreasing; the last column is BAC.
    ev, ac : array-like of int, shape (n,)
        Cumulative earned value (non-negative) and actual cost at the status date.
    etc : array-like of int, shape (n,), optional
        Bottom-up estimate to complete. Without it the bottom-up EAC is NaN.

    Examples
    --------
    >>> inp = EvmInput(pv=[[100, 300, 400]], ev=[250], ac=[280])
    >>> inp.n, inp.n_periods, inp.bac.tolist()
    (1, 3, [400])
    """

    pv: I64
    ev: I64
    ac: I64
    etc: I64 | None = None

    def __post_init__(self) -> None:
        pv = _readonly_money(self.pv, "pv", 2)
        ev = _readonly_money(self.ev, "ev", 1)
        ac = _readonly_money(self.ac, "ac", 1)
        etc = None if self.etc is None else _readonly_money(self.etc, "etc", 1)
        n = pv.shape[0]
        if pv.shape[1] < 1:
            raise EvmError("pv needs at least one period")
        if ev.shape[0] != n or ac.shape[0] != n or (etc is not None and etc.shape[0] != n):
            raise EvmError(f"pv has {n} rows but ev, ac or etc has a different length")
        if n:
            if (pv[:, 0] < 0).any():
                raise at_rows("planned value must not be negative", pv[:, 0] < 0)
            falling = (np.diff(pv, axis=1) < 0).any(axis=1)
            if falling.any():
                raise at_rows("cumulative planned value must not decrease", falling)
            if (ev < 0).any():
                raise at_rows("earned value must not be negative", ev < 0)
        for name, arr in (("pv", pv), ("ev", ev), ("ac", ac), ("etc", etc)):
            object.__setattr__(self, name, arr)

    @property
    def n(self) -> int:
        """Number of entities (rows)."""
        return int(self.pv.shape[0])

    @property
    def n_periods(self) -> int:
        """Number of periods of the PV curves."""
        return int(self.pv.shape[1])

    @property
    def bac(self) -> I64:
        """Budget at completion: the last point of each PV curve."""
        return self.pv[:, -1]


@dataclass(frozen=True, eq=False)
class EvmFigures:
    """All figures at one status date, one entry per entity (arrays of shape (n,)).

    Money fields are cents (``int64`` when measured, ``float64`` when forecast);
    time fields are periods of the grid. NaN marks an undefined ratio (see the
    module notes). Build it with :func:`evaluate`; turn rows into storable records
    with :func:`~pmo.engine.evm.snapshot`.

    Attributes
    ----------
    status : float64
        Status position on the grid (periods from the grid start).
    bac, pv, ev, ac, sv, cv : int64
        Budget at completion, planned value, earned value, actual cost, schedule
        variance EV - PV, cost variance EV - AC.
    spi, cpi : float64
        EV / PV and EV / AC.
    eac_remaining_at_budget, eac_cpi, eac_cpi_spi, eac_bottom_up : float64
        The four standard estimates at completion.
    eac_method : EacMethod
        Which of them is reported as ``eac``.
    eac, etc, vac : float64
        The reported EAC, ETC = EAC - AC (the bottom-up ETC itself for
        ``BOTTOM_UP``), VAC = BAC - EAC.
    tcpi_bac, tcpi_eac : float64
        To-complete performance index to reach BAC and to reach EAC.
    start : float64
        Planned start: the beginning of the first period with planned value.
    pd : float64
        Planned duration: from ``start`` to the end of the period where PV
        reaches BAC.
    at, es : float64
        Actual time and earned schedule, both counted from ``start``.
    sv_t, spi_t, ieac_t : float64
        ES - AT, ES / AT and the forecast duration PD / SPI(t).
    planned_finish, forecast_finish : float64
        Positions ``start + pd`` and ``start + ieac_t``; map them to dates with
        :meth:`~pmo.engine.evm.PeriodGrid.date_of`.
    """

    status: F64
    bac: I64
    pv: I64
    ev: I64
    ac: I64
    sv: I64
    cv: I64
    spi: F64
    cpi: F64
    eac_remaining_at_budget: F64
    eac_cpi: F64
    eac_cpi_spi: F64
    eac_bottom_up: F64
    eac_method: EacMethod
    eac: F64
    etc: F64
    vac: F64
    tcpi_bac: F64
    tcpi_eac: F64
    start: F64
    pd: F64
    at: F64
    es: F64
    sv_t: F64
    spi_t: F64
    ieac_t: F64
    planned_finish: F64
    forecast_finish: F64

    @property
    def n(self) -> int:
        """Number of entities."""
        return int(self.bac.shape[0])


def _status(at: ArrayLike, n: int) -> F64:
    try:
        status = np.broadcast_to(np.asarray(at, dtype=np.float64), (n,)).copy()
    except ValueError:
        raise EvmError(f"status position must be one number or {n} numbers") from None
    if not np.isfinite(status).all() or (status < 0).any():
        raise at_rows("status position must be finite and not negative", ~(status >= 0))
    return status


def _with_origin(pv: I64) -> I64:
    # Column c of the result is cumulative PV at the end of period c; column 0 is
    # the grid start, where nothing is planned yet.
    return np.concatenate([np.zeros((pv.shape[0], 1), dtype=np.int64), pv], axis=1)


def _curve_at(q: I64, position: F64) -> F64:
    """Piecewise-linear cumulative PV (curve ``q`` with origin column) at positions."""
    last = q.shape[1] - 1
    p = np.clip(position, 0.0, float(last))
    lo = np.minimum(np.floor(p).astype(np.intp), last)
    hi = np.minimum(lo + 1, last)
    q_lo = np.take_along_axis(q, lo[:, None], axis=1)[:, 0]
    q_hi = np.take_along_axis(q, hi[:, None], axis=1)[:, 0]
    return q_lo + (p - lo) * (q_hi - q_lo)


def planned_value_at(pv: ArrayLike, at: ArrayLike) -> I64:
    """Cumulative planned value at a status position, in whole cents.

    Between period ends PV is interpolated linearly (the same curve earned schedule
    inverts); past the end of the grid it is BAC.

    Parameters
    ----------
    pv : array-like of int, shape (n, n_periods)
        Cumulative PV curves.
    at : float or array-like of float, shape (n,)
        Status positions, in periods from the grid start.

    Returns
    -------
    ndarray of int64, shape (n,)

    Examples
    --------
    >>> planned_value_at([[100, 300, 400]], 1.5).tolist()
    [200]
    """
    curves = _readonly_money(pv, "pv", 2)
    status = _status(at, curves.shape[0])
    return np.rint(_curve_at(_with_origin(curves), status)).astype(np.int64)


def _ratio(num: ArrayLike, den: ArrayLike) -> F64:
    n = np.asarray(num, dtype=np.float64)
    d = np.asarray(den, dtype=np.float64)
    ok = (d != 0) & np.isfinite(d) & np.isfinite(n)
    out = np.full(np.broadcast(n, d).shape, np.nan)
    np.divide(n, d, out=out, where=ok)
    return out


def _earned_schedule(q: I64, ev: I64, bac: I64, status: F64) -> tuple[F64, F64, F64]:
    """Lipke's ES as a grid position, with the planned start and finish positions."""
    evc = ev[:, None]
    # PV curves are non-decreasing, so counting points below a level finds where the
    # level is crossed without a per-row search.
    first_at_or_above = (q < evc).sum(axis=1)
    last_at_or_below = (q <= evc).sum(axis=1) - 1
    finish = (q < bac[:, None]).sum(axis=1).astype(np.float64)
    start = ((q <= 0).sum(axis=1) - 1).astype(np.float64)

    exact = first_at_or_above <= last_at_or_below
    c = np.minimum(last_at_or_below, q.shape[1] - 2)
    q_c = np.take_along_axis(q, c[:, None], axis=1)[:, 0]
    q_next = np.take_along_axis(q, (c + 1)[:, None], axis=1)[:, 0]
    interpolated = c + _ratio(ev - q_c, q_next - q_c)
    nearest = np.clip(
        status, first_at_or_above, np.minimum(last_at_or_below, finish).astype(np.float64)
    )
    es = np.where(exact, nearest, interpolated)
    es = np.where(ev >= bac, finish, np.minimum(es, finish))
    undefined = bac <= 0
    for arr in (es, start, finish):
        arr[undefined] = np.nan
    return es, start, finish


def evaluate(
    inp: EvmInput, at: ArrayLike, *, eac_method: EacMethod | str = EacMethod.CPI
) -> EvmFigures:
    """Compute every earned value and earned schedule figure at a status position.

    Parameters
    ----------
    inp : EvmInput
        Baseline PV curves and EV, AC (and optionally bottom-up ETC) per entity.
    at : float or array-like of float, shape (n,)
        Status position in periods from the grid start (see
        :meth:`~pmo.engine.evm.PeriodGrid.status_position`); an array gives each
        entity its own, e.g. the actual finish of finished work.
    eac_method : EacMethod or str, default ``"cpi"``
        The EAC reported as ``eac`` and used for ETC, VAC and TCPI to EAC.

    Returns
    -------
    EvmFigures

    Raises
    ------
    EvmError
        If ``at`` is negative or not finite, or ``eac_method`` is unknown.

    Examples
    --------
    Four $1,000 one-day tasks in a row, at the end of day 3 (see the tests for the
    source of these figures):

    >>> inp = EvmInput(
    ...     pv=[[1000_00, 1000_00, 1000_00, 1000_00], [0, 1000_00, 1000_00, 1000_00],
    ...         [0, 0, 1000_00, 1000_00], [0, 0, 0, 1000_00]],
    ...     ev=[1000_00, 1000_00, 500_00, 0], ac=[1000_00, 1200_00, 600_00, 0])
    >>> f = evaluate(rollup(inp), at=3.0)
    >>> f.pv.tolist(), f.ev.tolist(), f.ac.tolist()
    ([300000], [250000], [280000])
    >>> round(float(f.cpi[0]), 3), round(float(f.spi[0]), 3), f.eac.tolist()
    (0.893, 0.833, [448000.0])
    >>> float(f.es[0]), round(float(f.spi_t[0]), 4), round(float(f.ieac_t[0]), 2)
    (2.5, 0.8333, 4.8)
    """
    method = _method(eac_method)
    status = _status(at, inp.n)
    q = _with_origin(inp.pv)
    bac = inp.bac
    ev = inp.ev
    ac = inp.ac
    pv = np.rint(_curve_at(q, status)).astype(np.int64)

    spi = _ratio(ev, pv)
    cpi = _ratio(ev, ac)
    remaining = (bac - ev).astype(np.float64)
    eac_rab = (ac + (bac - ev)).astype(np.float64)
    # BAC / CPI written as BAC x AC / EV: one rounding instead of two.
    eac_cpi = np.where(np.isfinite(cpi), _ratio(bac.astype(np.float64) * ac, ev), np.nan)
    eac_cpi_spi = ac + _ratio(remaining, cpi * spi)
    eac_bu = np.full(inp.n, np.nan) if inp.etc is None else (ac + inp.etc).astype(np.float64)
    eac = {
        EacMethod.REMAINING_AT_BUDGET: eac_rab,
        EacMethod.CPI: eac_cpi,
        EacMethod.CPI_SPI: eac_cpi_spi,
        EacMethod.BOTTOM_UP: eac_bu,
    }[method]
    etc = eac - ac

    es_abs, start, finish = _earned_schedule(q, ev, bac, status)
    es = np.maximum(es_abs - start, 0.0)
    at_rel = np.maximum(status - start, 0.0)
    pd = finish - start
    spi_t = _ratio(es, at_rel)
    ieac_t = _ratio(pd, spi_t)

    return EvmFigures(
        status=status,
        bac=bac.copy(),
        pv=pv,
        ev=ev.copy(),
        ac=ac.copy(),
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        eac_remaining_at_budget=eac_rab,
        eac_cpi=eac_cpi,
        eac_cpi_spi=eac_cpi_spi,
        eac_bottom_up=eac_bu,
        eac_method=method,
        eac=eac,
        etc=etc,
        vac=bac - eac,
        tcpi_bac=_ratio(remaining, bac - ac),
        tcpi_eac=_ratio(remaining, etc),
        start=start,
        pd=pd,
        at=at_rel,
        es=es,
        sv_t=es - at_rel,
        spi_t=spi_t,
        ieac_t=ieac_t,
        planned_finish=finish,
        forecast_finish=start + ieac_t,
    )


def _method(value: EacMethod | str) -> EacMethod:
    try:
        return EacMethod(value)
    except ValueError:
        known = ", ".join(m.value for m in EacMethod)
        raise EvmError(f"unknown EAC method {value!r}; use one of {known}") from None


def rollup(inp: EvmInput, groups: ArrayLike | None = None, n_groups: int | None = None) -> EvmInput:
    """Sum the money of entities into groups (tasks -> projects -> programs -> portfolios).

    Money is summed, never ratios: evaluating the result recomputes every index and
    the earned schedule from the summed PV curve, as the standard requires.

    Parameters
    ----------
    inp : EvmInput
        The entities to sum.
    groups : array-like of int, shape (n,), optional
        Group number of each entity, in ``[0, n_groups)``. Default: one group.
    n_groups : int, optional
        Number of groups; default ``max(groups) + 1``. Groups without members are
        all zero.

    Returns
    -------
    EvmInput
        One row per group. ``etc`` is summed when given.

    Examples
    --------
    Two tasks in project 0, one in project 1; then both projects in one program:

    >>> tasks = EvmInput(pv=[[1, 2], [3, 4], [5, 6]], ev=[1, 1, 1], ac=[2, 2, 2])
    >>> projects = rollup(tasks, [0, 0, 1])
    >>> projects.pv.tolist(), projects.ev.tolist()
    ([[4, 6], [5, 6]], [2, 1])
    >>> rollup(projects).pv.tolist()
    [[9, 12]]
    """
    if groups is None:
        g = np.zeros(inp.n, dtype=np.intp)
    else:
        g = np.asarray(groups)
        if g.dtype.kind not in "iu" or g.shape != (inp.n,):
            raise EvmError(f"groups must be {inp.n} integers, one per row")
        g = g.astype(np.intp)
    size = int(g.max(initial=-1)) + 1 if n_groups is None else int(n_groups)
    if g.size and (g.min() < 0 or g.max() >= size):
        raise at_rows(f"group numbers must lie in [0, {size})", (g < 0) | (g >= size))

    order = np.argsort(g, kind="stable")
    sorted_g = g[order]
    heads = np.flatnonzero(np.r_[True, sorted_g[1:] != sorted_g[:-1]]) if g.size else g
    present = sorted_g[heads]

    def summed(values: I64) -> I64:
        out = np.zeros((size, *values.shape[1:]), dtype=np.int64)
        if g.size:
            out[present] = np.add.reduceat(values[order], heads, axis=0)
        return out

    return EvmInput(
        pv=summed(inp.pv),
        ev=summed(inp.ev),
        ac=summed(inp.ac),
        etc=None if inp.etc is None else summed(inp.etc),
    )
