"""Period grids and the spreading of task budgets into planned-value curves.

Time in the engine is a number of *instants* on a line. For a dated grid the instant
``x`` is midnight at the start of day ``x`` counted from 1970-01-01, so a task that
starts on day ``s`` and finishes (inclusive) on day ``f`` occupies ``[s, f + 1)`` and a
status "as of the end of day ``d``" is the instant ``d + 1``. For an undated grid the
instants are whatever unit the caller chose (working days, working minutes), which is
how the app spreads by working time rather than calendar time.

A *position* is time measured in periods from the start of the grid: position ``k``
is the end of the ``k``-th period, and positions in between are linear in instants.
Earned schedule, actual time and planned duration are all positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pmo.engine.evm.errors import EvmError, at_rows

__all__ = ["PeriodGrid", "spread_budget"]

_DAY = np.timedelta64(1, "D")


def _day_numbers(dates: ArrayLike) -> NDArray[np.int64]:
    days = np.asarray(dates, dtype="datetime64[D]")
    if np.isnat(days).any():
        raise at_rows("dates must not be NaT", np.isnat(days).reshape(-1))
    return days.astype(np.int64)


@dataclass(frozen=True, eq=False)
class PeriodGrid:
    """The reporting periods (months, weeks, working days) EVM figures are kept on.

    Parameters
    ----------
    edges : ndarray of float64, shape (n_periods + 1,)
        Strictly increasing instants: ``edges[0]`` is the start of the first period
        and ``edges[k]`` the end of the ``k``-th. Read-only once built.
    dated : bool
        True when instants are day numbers (built by :meth:`from_dates`), which
        enables the date conversions.

    Examples
    --------
    >>> import numpy as np
    >>> grid = PeriodGrid.from_dates("2024-01-01", ["2024-01-31", "2024-02-29"])
    >>> grid.n_periods
    2
    >>> float(grid.status_position("2024-01-31"))
    1.0
    >>> str(grid.date_of(1.5))
    '2024-02-15'
    >>> PeriodGrid.uniform(3).edges.tolist()
    [0.0, 1.0, 2.0, 3.0]
    """

    edges: NDArray[np.float64]
    dated: bool = False

    def __post_init__(self) -> None:
        edges = np.array(self.edges, dtype=np.float64)
        if edges.ndim != 1 or edges.size < 2:
            raise EvmError("a period grid needs at least one period (two edges)")
        if not np.isfinite(edges).all() or (np.diff(edges) <= 0).any():
            raise EvmError("period grid edges must be finite and strictly increasing")
        edges.flags.writeable = False
        object.__setattr__(self, "edges", edges)

    @classmethod
    def from_dates(cls, start: object, period_ends: ArrayLike) -> PeriodGrid:
        """Build a grid from the first day and the last day of every period.

        Parameters
        ----------
        start : date-like
            First day of the first period (``datetime.date``, ISO string or
            ``numpy.datetime64``).
        period_ends : array-like of date-like, shape (n_periods,)
            Last day (inclusive) of each period, strictly increasing.

        Returns
        -------
        PeriodGrid
            A dated grid.

        Examples
        --------
        >>> PeriodGrid.from_dates("2024-03-04", ["2024-03-04", "2024-03-05"]).edges.tolist()
        [19786.0, 19787.0, 19788.0]
        """
        first = _day_numbers([start])
        ends = _day_numbers(period_ends).reshape(-1) + 1
        if ends.size and ends[0] <= first[0]:
            raise EvmError("the first period must end on or after the grid start")
        return cls(np.concatenate([first, ends]).astype(np.float64), dated=True)

    @classmethod
    def uniform(cls, n_periods: int, period_length: float = 1.0, origin: float = 0.0) -> PeriodGrid:
        """Build an undated grid of equal periods (working days, sprints, ...).

        Examples
        --------
        >>> PeriodGrid.uniform(2, period_length=5.0).edges.tolist()
        [0.0, 5.0, 10.0]
        """
        return cls(origin + period_length * np.arange(n_periods + 1, dtype=np.float64))

    @property
    def n_periods(self) -> int:
        """Number of periods on the grid."""
        return int(self.edges.size - 1)

    def position(self, instant: ArrayLike) -> NDArray[np.float64]:
        """Map instants to positions (periods from the grid start).

        Outside the grid the first or last period's length is extended, so a
        forecast that runs past the grid still gets a position.
        """
        x = np.asarray(instant, dtype=np.float64)
        e = self.edges
        pos = np.interp(x, e, np.arange(e.size, dtype=np.float64))
        before = (x - e[0]) / (e[1] - e[0])
        after = self.n_periods + (x - e[-1]) / (e[-1] - e[-2])
        return np.where(x < e[0], before, np.where(x > e[-1], after, pos))

    def instant_of(self, position: ArrayLike) -> NDArray[np.float64]:
        """Map positions back to instants; the inverse of :meth:`position`."""
        p = np.asarray(position, dtype=np.float64)
        e = self.edges
        x = np.interp(p, np.arange(e.size, dtype=np.float64), e)
        before = e[0] + p * (e[1] - e[0])
        after = e[-1] + (p - self.n_periods) * (e[-1] - e[-2])
        return np.where(p < 0, before, np.where(p > self.n_periods, after, x))

    def status_position(self, status_date: object) -> NDArray[np.float64]:
        """Position of the end of ``status_date`` (a status is taken as of close of day)."""
        self._require_dates()
        return self.position(_day_numbers(status_date) + 1)

    def date_of(self, position: ArrayLike) -> NDArray[np.datetime64]:
        """The day during which ``position`` falls, as ``datetime64[D]``; NaT for NaN.

        A position that lands exactly on midnight belongs to the day that just ended,
        so a forecast finish of "end of period k" is the last day of period k.
        """
        self._require_dates()
        x = self.instant_of(position)
        ok = np.isfinite(x)
        days = np.where(ok, np.ceil(np.where(ok, x, 0.0)) - 1, 0).astype(np.int64)
        out = days.astype("datetime64[D]")
        return np.where(ok, out, np.datetime64("NaT", "D"))

    def _require_dates(self) -> None:
        if not self.dated:
            raise EvmError("this grid has no dates; build it with PeriodGrid.from_dates")


def spread_budget(
    budget: ArrayLike,
    start: ArrayLike,
    finish: ArrayLike,
    grid: PeriodGrid,
    profile: ArrayLike | None = None,
) -> NDArray[np.int64]:
    """Spread each task's budget over its baseline dates into a cumulative PV curve.

    Parameters
    ----------
    budget : array-like of int, shape (n_tasks,)
        Budget at completion of each task, integer cents, non-negative.
    start, finish : array-like, shape (n_tasks,)
        Baseline start and finish. ``datetime64``/date values (dated grid only) are
        whole days with an inclusive finish; numbers are instants in the grid's unit
        with an exclusive finish. A task with ``finish == start`` (a milestone, numeric
        instants only) places its whole budget at that instant.
    grid : PeriodGrid
        The period grid; every task must lie inside it.
    profile : array-like of float, optional
        Cumulative fraction of the budget planned at equally spaced points of the
        task's duration, from 0.0 to 1.0 and non-decreasing, e.g. ``[0, .1, .5, .9,
        1]`` for an S-curve. Default ``[0, 1]``: linear.

    Returns
    -------
    ndarray of int64, shape (n_tasks, n_periods)
        Cumulative planned value at the end of each period, in cents. The last
        column equals ``budget`` exactly: cumulative (not per-period) amounts are
        rounded, so rounding never loses or invents a cent.

    Raises
    ------
    EvmError
        If shapes disagree, budgets are not integers or negative, a finish precedes
        its start, a task lies outside the grid, or the profile is malformed.

    Examples
    --------
    >>> grid = PeriodGrid.from_dates("2024-01-01", ["2024-01-31", "2024-02-29"])
    >>> spread_budget([600_00], ["2024-01-16"], ["2024-02-14"], grid).tolist()
    [[32000, 60000]]
    >>> spread_budget([100], [0.0], [2.0], PeriodGrid.uniform(2), profile=[0, .25, 1]).tolist()
    [[25, 100]]
    """
    bud = np.asarray(budget)
    if bud.dtype.kind not in "iu":
        raise EvmError("budgets must be integer cents")
    bud = bud.astype(np.int64).reshape(-1)
    s, f = _instants(start, grid), _instants(finish, grid, inclusive=True)
    if not (s.shape == f.shape == bud.shape):
        raise EvmError("budget, start and finish must have the same length")
    for what, bad in (
        ("negative budget", bud < 0),
        ("finish before start", f < s),
        ("task starts before the grid", s < grid.edges[0]),
        ("task finishes after the grid", f > grid.edges[-1]),
    ):
        if bad.any():
            raise at_rows(what, bad)
    xp, fp = _profile(profile)

    edges = grid.edges[1:]
    duration = (f - s)[:, None]
    elapsed = edges[None, :] - s[:, None]
    # Tiny durations overflow to inf here; the clip below makes that "fully elapsed".
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = np.where(duration > 0, elapsed / np.where(duration > 0, duration, 1.0), 0.0)
    u = np.where(duration > 0, u, (elapsed >= 0).astype(np.float64))
    frac = np.interp(np.clip(u, 0.0, 1.0), xp, fp)
    return np.rint(bud[:, None] * frac).astype(np.int64)


def _instants(values: ArrayLike, grid: PeriodGrid, inclusive: bool = False) -> NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.dtype.kind in "MUSO":
        if not grid.dated:
            raise EvmError("dates given for an undated grid; pass instants instead")
        # An inclusive finish day ends at the midnight after it.
        return (_day_numbers(arr).reshape(-1) + (1 if inclusive else 0)).astype(np.float64)
    out = arr.astype(np.float64).reshape(-1)
    if not np.isfinite(out).all():
        raise at_rows("start/finish must be finite", ~np.isfinite(out))
    return out


def _profile(profile: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if profile is None:
        fp = np.array([0.0, 1.0])
    else:
        fp = np.asarray(profile, dtype=np.float64).reshape(-1)
    if (
        fp.size < 2
        or not np.isfinite(fp).all()
        or fp[0] != 0.0
        or fp[-1] != 1.0
        or (np.diff(fp) < 0).any()
    ):
        raise EvmError("a profile is a non-decreasing cumulative fraction from 0.0 to 1.0")
    return np.linspace(0.0, 1.0, fp.size), fp
