"""Monte Carlo iterations over a prepared CPM schedule, and what they tell."""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

from pmo.engine.cpm import PreparedSchedule, ScheduleResult
from pmo.engine.cpm import kernels as k
from pmo.engine.errors import InvalidNetwork
from pmo.engine.risk.sampling import (
    Estimates,
    InvalidEstimate,
    RiskEvents,
    correlation_matrix,
    iman_conover,
    sample,
)

__all__ = ["PERCENTILES", "Simulation", "simulate"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
DT = NDArray[np.datetime64]

#: Percentiles reported by default: P10, P20 ... P90.
PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90)

# Elements of one chunk of sampled durations: bounds memory (two float64/int64
# matrices of this size) whatever the network and iteration counts.
_CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True, eq=False)
class Simulation:
    """Outcome of :func:`simulate`.

    Attributes
    ----------
    iterations : int
    seed : int or None
    finish : ndarray of datetime64[m], shape (iterations,)
        Project finish (UTC) per iteration.
    deterministic_finish : datetime64[m]
        Finish with every activity at its most likely duration and no risk event.
    milestones : ndarray of datetime64[m], shape (iterations, len(watch))
        Early finish of each watched activity per iteration.
    criticality : ndarray of float, shape (n,)
        Share of iterations in which each activity was critical (0 - 1).
    sensitivity : ndarray of float, shape (n,)
        Spearman rank correlation between each activity's duration and the project
        finish; NaN for activities without uncertainty or beyond ``sensitivity_limit``.
    risk_sensitivity : ndarray of float, shape (r,)
        Spearman rank correlation between each risk event's delay and the finish.
    cost : ndarray of int64 (cents), shape (iterations,), or None
    deterministic_cost : int or None
    cost_sensitivity : ndarray of float, shape (n,), or None
        Spearman rank correlation between each activity's duration and the cost.
    risk_cost_sensitivity : ndarray of float, shape (r,), or None
        Spearman rank correlation between each risk event's cost and the total cost.
    risk_occurrences : ndarray of int64, shape (r,)
        Iterations in which each risk event occurred.
    """

    iterations: int
    seed: int | None
    finish: DT
    deterministic_finish: np.datetime64
    milestones: DT
    criticality: F64
    sensitivity: F64
    risk_sensitivity: F64
    cost: I64 | None
    deterministic_cost: int | None
    cost_sensitivity: F64 | None
    risk_cost_sensitivity: F64 | None
    risk_occurrences: I64
    _sorted: dict[str, NDArray] = field(default_factory=dict, repr=False)

    def _sorted_finish(self) -> I64:
        if "finish" not in self._sorted:
            self._sorted["finish"] = np.sort(self.finish.astype(np.int64))
        return self._sorted["finish"]

    def percentiles(self, q: ArrayLike = PERCENTILES) -> dict[int, np.datetime64]:
        """Finish date by which ``q`` percent of iterations are done, per ``q``.

        The P80 date is the earliest finish reached or beaten in at least 80 % of
        the iterations (the inverted empirical distribution function).
        """
        return _quantiles(self._sorted_finish(), q, as_dates=True)

    def milestone_percentiles(self, q: ArrayLike = PERCENTILES) -> list[dict[int, np.datetime64]]:
        """:meth:`percentiles` for each watched activity."""
        values = self.milestones.astype(np.int64)
        return [_quantiles(np.sort(values[:, j]), q, as_dates=True) for j in range(values.shape[1])]

    def cost_percentiles(self, q: ArrayLike = PERCENTILES) -> dict[int, int]:
        """Cost in cents not exceeded in ``q`` percent of iterations, per ``q``."""
        if self.cost is None:
            raise ValueError("the simulation ran without costs")
        return _quantiles(np.sort(self.cost), q, as_dates=False)

    def probability_by(self, date: object) -> float:
        """Share of iterations finishing at or before ``date`` (datetime64 or aware datetime)."""
        t = _minute(date)
        return float(np.searchsorted(self._sorted_finish(), t, side="right") / self.iterations)

    def cost_probability_within(self, cents: int) -> float:
        """Share of iterations whose cost is at most ``cents``."""
        if self.cost is None:
            raise ValueError("the simulation ran without costs")
        return float(np.count_nonzero(self.cost <= cents) / self.iterations)

    def histogram(self, bins: int | str = 30) -> tuple[DT, I64]:
        """``(edges, counts)`` of finish dates, edges in datetime64[m].

        ``bins`` is a number of equal bins, or ``"day"`` / ``"week"`` for calendar days
        or weeks (UTC): finishes cluster at the end of working days, so equal bins of
        arbitrary width alternate between full and empty.
        """
        values = self._sorted_finish()
        if isinstance(bins, str):
            step = {"day": 1440, "week": 7 * 1440}.get(bins)
            if step is None:
                raise ValueError(f"bins must be a number, 'day' or 'week', not {bins!r}")
            # Weeks start on Monday: the Unix epoch was a Thursday.
            offset = 3 * 1440 if bins == "week" else 0
            lo = (int(values[0]) + offset) // step * step - offset
            hi = (int(values[-1]) + offset) // step * step - offset + step
            edges = np.arange(lo, hi + 1, step, dtype=np.int64)
            counts = np.histogram(values, bins=edges)[0].astype(np.int64)
            return edges.astype("datetime64[m]"), counts
        counts, float_edges = _histogram(values, bins)
        return float_edges.astype(np.int64).astype("datetime64[m]"), counts

    def cost_histogram(self, bins: int = 30) -> tuple[I64, I64]:
        """``(edges in cents, counts)`` of the cost."""
        if self.cost is None:
            raise ValueError("the simulation ran without costs")
        counts, edges = _histogram(np.sort(self.cost), bins)
        return np.rint(edges).astype(np.int64), counts

    def cumulative(self, points: int = 101) -> tuple[DT, F64]:
        """S-curve: ``points`` finish dates at evenly spaced probabilities 0 - 1."""
        probs = np.linspace(0, 1, points)
        values = self._sorted_finish()
        index = np.clip(np.ceil(probs * self.iterations).astype(np.int64) - 1, 0, None)
        return values[index].astype("datetime64[m]"), probs


def _quantiles(values: NDArray, q: ArrayLike, as_dates: bool) -> dict:
    qs = np.atleast_1d(np.asarray(q, dtype=np.float64))
    if np.any((qs <= 0) | (qs > 100)):
        raise ValueError("percentiles must be in (0, 100]")
    index = np.ceil(qs / 100 * values.shape[0]).astype(np.int64) - 1
    picked = values[np.clip(index, 0, values.shape[0] - 1)]
    keys = [int(x) if float(x).is_integer() else float(x) for x in qs]
    if as_dates:
        return dict(zip(keys, picked.astype("datetime64[m]"), strict=True))
    return dict(zip(keys, (int(v) for v in picked), strict=True))


def _histogram(values: NDArray, bins: int) -> tuple[I64, F64]:
    lo, hi = float(values[0]), float(values[-1])
    if hi == lo:
        hi = lo + 1
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    return counts.astype(np.int64), edges


def _minute(value: object) -> int:
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[m]").astype(np.int64))
    if hasattr(value, "tzinfo"):
        if value.tzinfo is None:  # type: ignore[union-attr]
            raise ValueError("give an aware datetime or a UTC datetime64")
        return int(value.timestamp() // 60)  # type: ignore[union-attr]
    return int(value)  # type: ignore[call-overload]


def _spearman(columns: NDArray, target: NDArray) -> F64:
    """Spearman rank correlation of each column with ``target`` (NaN for constants)."""
    if columns.shape[1] == 0:
        return np.zeros(0)
    rt = rankdata(target)
    rt -= rt.mean()
    return _rank_correlations(np.ascontiguousarray(columns.T), rt)


@njit(cache=True, parallel=True)
def _rank_correlations(rows, centred_target):  # pragma: no cover - compiled
    """Pearson correlation of each row's average ranks with the centred target ranks."""
    k, size = rows.shape
    out = np.empty(k)
    tt = (centred_target * centred_target).sum()
    for j in prange(k):
        values = rows[j]
        order = np.argsort(values, kind="mergesort")
        ranks = np.empty(size)
        i = 0
        while i < size:
            # Ties share the mean of the ranks they span (as scipy's "average").
            end = i + 1
            while end < size and values[order[end]] == values[order[i]]:
                end += 1
            rank = (i + end + 1) / 2.0
            for t in range(i, end):
                ranks[order[t]] = rank
            i = end
        mean = (size + 1) / 2.0
        num = 0.0
        rr = 0.0
        for t in range(size):
            c = ranks[t] - mean
            num += c * centred_target[t]
            rr += c * c
        out[j] = num / np.sqrt(rr * tt) if rr > 0 and tt > 0 else np.nan
    return out


def simulate(
    prepared: PreparedSchedule,
    estimates: Estimates,
    *,
    iterations: int = 1000,
    seed: int | None = None,
    risks: RiskEvents | None = None,
    correlations: tuple[ArrayLike, ArrayLike] | None = None,
    costs: ArrayLike | None = None,
    watch: ArrayLike | None = None,
    sensitivity_limit: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Monte Carlo schedule (and cost) risk analysis: one full CPM per iteration.

    Each iteration draws every activity's duration from its three-point estimate,
    applies the rank correlations (Iman-Conover), adds the delay of each risk event
    that occurs to the activities it is mapped to, and replays the prepared schedule
    (all link types, lags, calendars, constraints and progress) with those durations.

    Parameters
    ----------
    prepared : PreparedSchedule
        From :func:`pmo.engine.cpm.prepare` (forward scheduling). For started
        activities the estimates are of the remaining duration.
    estimates : Estimates
        Working minutes, one per activity in the network's positions.
    iterations : int
    seed : int, optional
        Same seed, same inputs: same results.
    risks : RiskEvents, optional
    correlations : (pairs, rho), optional
        ``pairs`` of activity positions, shape (k, 2), and their rank correlations.
    costs : array_like of int, shape (n,), optional
        Cost in cents of each activity at its most likely duration; an iteration's
        cost is each cost scaled by the drawn over the most likely duration (fixed
        for zero-duration activities), plus the cost of the risk events that occur.
    watch : array_like of int, optional
        Positions of milestones (or any activity) whose finish is reported.
    sensitivity_limit : int
        Sensitivity is computed for at most this many uncertain activities, those
        with the least total float in the deterministic schedule first (activities
        with much float rarely drive the finish).
    progress : callable, optional
        Called as ``progress(done, iterations)`` after each chunk of iterations.

    Returns
    -------
    Simulation

    Examples
    --------
    >>> from pmo.engine.cpm import Activities, prepare
    >>> from pmo.engine.network import compile_network
    >>> net = compile_network([0], [1], n=2)
    >>> prep = prepare(net, Activities(duration=[100, 100]))
    >>> sim = simulate(prep, Estimates([100, 100], [80, 100], [150, 100]), iterations=500, seed=1)
    >>> sim.criticality.tolist()
    [1.0, 1.0]
    >>> str(sim.deterministic_finish), str(sim.percentiles([50])[50]) > "1970-01-01T03:20"
    ('1970-01-01T03:20', True)
    """
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    net = prepared.network
    n = net.n
    ids = np.asarray(net.ids, dtype=np.int64)
    a, m, b, kind = estimates.arrays(n, ids)
    rng = np.random.default_rng(seed)
    if risks is None:
        risks = RiskEvents(np.zeros(0), [])
    p, mapped, delay, risk_cost, _risk_ids = risks.checked(n)
    r = p.shape[0]
    if correlations is not None:
        corr_cols, corr_target = correlation_matrix(*correlations, n, ids)
    else:
        corr_cols, corr_target = np.zeros(0, dtype=np.int64), np.eye(0)
    w = np.asarray([] if watch is None else watch, dtype=np.int64)
    if np.any((w < 0) | (w >= n)):
        raise InvalidNetwork("watched positions out of range")
    cost_rate = cost_fixed = None
    if costs is not None:
        c = np.asarray(costs, dtype=np.float64)
        if c.shape != (n,):
            raise InvalidEstimate(f"costs have shape {c.shape}, expected ({n},)")
        cost_rate = np.where(m > 0, c / np.where(m > 0, m, 1), 0.0)
        cost_fixed = float(c[m == 0].sum())

    base = np.rint(m).astype(np.int64)
    det = prepared.run(base)
    mapped_any = np.zeros(n, dtype=bool)
    for t in mapped:
        mapped_any[t] = True
    uncertain = np.flatnonzero((b > a) | mapped_any)
    order = np.argsort(det.total_float[uncertain], kind="stable")
    watched_cols = uncertain[order[:sensitivity_limit]]

    chunk = max(1, min(iterations, _CHUNK_ELEMENTS // max(n, 1)))
    if corr_cols.size:
        chunk = min(iterations, max(chunk, 4 * corr_cols.size + 4))
    finish = np.empty(iterations, dtype=np.int64)
    ms = np.empty((iterations, w.size), dtype=np.int64)
    crit = np.zeros(n, dtype=np.int64)
    kept = np.empty((iterations, watched_cols.size), dtype=np.float32)
    risk_delay = np.zeros((iterations, r), dtype=np.float32)
    risk_spend = np.zeros((iterations, r), dtype=np.float32)
    occurrences = np.zeros(r, dtype=np.int64)
    cost = np.empty(iterations, dtype=np.int64) if cost_rate is not None else None
    done = 0
    while done < iterations:
        size = min(chunk, iterations - done)
        x = sample(a, m, b, kind, size, rng)
        if corr_cols.size:
            x[:, corr_cols] = iman_conover(x[:, corr_cols], corr_target, rng)
        d = np.empty(x.shape, dtype=np.int64)
        _round_into(x, d)
        extra_cost = np.zeros(size)
        for i in range(r):
            hit = rng.random(size) < p[i]
            occurrences[i] += int(hit.sum())
            lo, ml, hi = delay[i]
            amount = _triangular(rng, lo, ml, hi, size) * hit
            risk_delay[done : done + size, i] = amount
            if mapped[i].size:
                d[:, mapped[i]] += np.rint(amount).astype(np.int64)[:, None]
            if cost is not None:
                lo, ml, hi = risk_cost[i]
                spend = _triangular(rng, lo, ml, hi, size) * hit
                risk_spend[done : done + size, i] = spend
                extra_cost += spend
        out = prepared.batch(d, watch=w, criticality=True)
        finish[done : done + size] = out.finish
        ms[done : done + size] = out.watched
        crit += out.critical_count
        _gather(d, watched_cols, kept[done : done + size])
        if cost is not None:
            _costs(d, cost_rate, cost_fixed + extra_cost, cost[done : done + size])
        done += size
        if progress is not None:
            progress(done, iterations)

    sens = np.full(n, np.nan)
    target = finish.astype(np.float64)
    sens[watched_cols] = _spearman(kept, target)
    cost_sens = risk_cost_sens = None
    if cost is not None:
        cost_sens = np.full(n, np.nan)
        cost_sens[watched_cols] = _spearman(kept, cost.astype(np.float64))
        risk_cost_sens = _spearman(risk_spend, cost.astype(np.float64))
    return Simulation(
        iterations=iterations,
        seed=seed,
        finish=_dates(prepared, finish),
        deterministic_finish=_deterministic_finish(prepared, det),
        milestones=_dates(prepared, ms),
        criticality=crit / iterations,
        sensitivity=sens,
        risk_sensitivity=_spearman(risk_delay, target),
        cost=cost,
        deterministic_cost=(
            None if cost_rate is None else int(np.rint(base @ cost_rate + cost_fixed))
        ),
        cost_sensitivity=cost_sens,
        risk_cost_sensitivity=risk_cost_sens,
        risk_occurrences=occurrences,
    )


@njit(cache=True, parallel=True)
def _round_into(x, d):  # pragma: no cover - compiled
    for r in prange(x.shape[0]):
        for c in range(x.shape[1]):
            d[r, c] = np.int64(np.rint(x[r, c]))


@njit(cache=True, parallel=True)
def _gather(d, cols, out):  # pragma: no cover - compiled
    for r in prange(d.shape[0]):
        for j in range(cols.shape[0]):
            out[r, j] = d[r, cols[j]]


@njit(cache=True, parallel=True)
def _costs(d, rate, extra, out):  # pragma: no cover - compiled
    """Each row's cost: durations times cost rates, plus the row's extra, in cents."""
    for r in prange(d.shape[0]):
        total = extra[r]
        for c in range(d.shape[1]):
            total += d[r, c] * rate[c]
        out[r] = np.int64(np.rint(total))


def _triangular(rng: np.random.Generator, lo: float, ml: float, hi: float, size: int) -> F64:
    if hi <= lo:
        # Drawn anyway so that the stream does not depend on which ranges are fixed.
        rng.random(size)
        return np.full(size, lo)
    return rng.triangular(lo, ml, hi, size)


def _deterministic_finish(prepared: PreparedSchedule, det: ScheduleResult) -> np.datetime64:
    """The single run's finish in the unit of the batch finishes, as a UTC date."""
    if prepared.mode == k.WORKING or det.early_finish.size == 0:
        return _dates(prepared, np.array([det.project_finish]))[0]
    # Several calendars: the result's project finish counts project-calendar minutes,
    # while the batch reports instants; take the latest early finish instant instead.
    return np.datetime64(int(det.instants("early_finish").max()), "m")


def _dates(prepared: PreparedSchedule, values: I64) -> DT:
    """UTC datetime64[m] finish instants of the passes' time values."""
    if prepared.mode == k.WORKING:
        flat = prepared.clock.instants(values.reshape(-1), "finish")
        return flat.reshape(values.shape).astype("datetime64[m]")
    return values.astype("datetime64[m]")
