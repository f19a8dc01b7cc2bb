"""Monte Carlo iterations over a prepared CPM schedule, and what they tell."""

from collections.abc import Callable
from dataclasses import dataclass, field

import numba
import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

from pmo.engine.cpm import PreparedSchedule, ScheduleResult
from pmo.engine.cpm import kernels as k
from pmo.engine.errors import InvalidNetwork
from pmo.engine.risk import passes
from pmo.engine.risk.sampling import (
    Estimates,
    InvalidEstimate,
    RiskEvents,
    correlation_matrix,
    iman_conover,
    parameters,
)

__all__ = ["PERCENTILES", "Simulation", "simulate"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
DT = NDArray[np.datetime64]

#: Percentiles reported by default: P10, P20 ... P90.
PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90)

# Activity-iterations per call of the lanes: sets how often progress is reported
# (the per-iteration outputs are allocated for the whole run).
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
        Share of iterations in which each activity was critical (total float at most
        the prepared schedule's critical threshold), 0 - 1.
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


def _spearman(columns: NDArray, *targets: NDArray) -> list[F64]:
    """Spearman rank correlation of each row of ``columns`` with each target.

    ``columns`` has one row per variable and one column per iteration; each row is
    ranked once for all targets. NaN where a row or a target is constant.
    """
    if columns.shape[0] == 0:
        return [np.zeros(0) for _ in targets]
    centred = np.empty((len(targets), columns.shape[1]))
    for i, target in enumerate(targets):
        centred[i] = rankdata(target)
        centred[i] -= centred[i].mean()
    out = _rank_correlations(np.ascontiguousarray(columns), centred)
    return [out[:, i] for i in range(len(targets))]


@njit(cache=True)
def _average_ranks(values, ranks):  # pragma: no cover - compiled
    """1-based ranks, ties sharing the mean of the ranks they span (scipy's "average").

    Durations are whole minutes in a narrow range: a counting sort ranks them in
    linear time; anything else is sorted.
    """
    size = values.shape[0]
    lo = values.min()
    hi = values.max()
    whole = True
    for v in values:
        if v != np.floor(v):
            whole = False
            break
    if whole and hi - lo <= 4 * size:
        span = np.int64(hi - lo) + 1
        below = np.zeros(span + 1, dtype=np.int64)
        for v in values:
            below[np.int64(v - lo) + 1] += 1
        # below[x] + 1 .. below[x + 1]: the ranks that value lo + x spans.
        for x in range(span):
            below[x + 1] += below[x]
        for t in range(size):
            x = np.int64(values[t] - lo)
            ranks[t] = (below[x] + 1 + below[x + 1]) / 2.0
        return
    order = np.argsort(values, kind="mergesort")
    i = 0
    while i < size:
        end = i + 1
        while end < size and values[order[end]] == values[order[i]]:
            end += 1
        rank = (i + end + 1) / 2.0
        for t in range(i, end):
            ranks[order[t]] = rank
        i = end


@njit(cache=True, parallel=True)
def _rank_correlations(rows, centred_targets):  # pragma: no cover - compiled
    """Pearson correlation of each row's average ranks with each centred target rank."""
    k, size = rows.shape
    nt = centred_targets.shape[0]
    out = np.empty((k, nt))
    tt = np.empty(nt)
    for i in range(nt):
        tt[i] = (centred_targets[i] * centred_targets[i]).sum()
    mean = (size + 1) / 2.0
    for j in prange(k):
        ranks = np.empty(size)
        _average_ranks(rows[j], ranks)
        rr = 0.0
        for t in range(size):
            ranks[t] -= mean
            rr += ranks[t] * ranks[t]
        for i in range(nt):
            num = 0.0
            target = centred_targets[i]
            for t in range(size):
                num += ranks[t] * target[t]
            out[j, i] = num / np.sqrt(rr * tt[i]) if rr > 0 and tt[i] > 0 else np.nan
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
    # Started activities' estimates are of their remaining work, as in the lanes.
    det = prepared.run(base, remaining=base)
    mapped_any = np.zeros(n, dtype=bool)
    for t in mapped:
        mapped_any[t] = True
    uncertain = np.flatnonzero((b > a) | mapped_any)
    order = np.argsort(det.total_float[uncertain], kind="stable")
    watched_cols = uncertain[order[:sensitivity_limit]]

    key = np.random.SeedSequence(seed).generate_state(1, np.uint64)[0]
    params = parameters(a, m, b, kind)
    to_labels = prepared.network.to_labels
    by_label = tuple(to_labels(x) for x in params)
    rank = prepared.network.rank
    # Correlated activities are drawn for every iteration first, from the same
    # streams, so that Iman-Conover rearranges them over the whole run.
    if corr_cols.size:
        drawn = passes.draw_columns(
            corr_cols, n, key, 0, iterations, tuple(x[corr_cols] for x in params)
        )
        fixed_values = np.rint(iman_conover(drawn, corr_target, rng)).astype(np.int64)
    else:
        fixed_values = np.zeros((iterations, 0), dtype=np.int64)
    fixed_at = rank[corr_cols].astype(np.int64)

    risk_delay = np.zeros((iterations, r), dtype=np.float64)
    risk_spend = np.zeros((iterations, r), dtype=np.float64)
    occurrences = np.zeros(r, dtype=np.int64)
    for i in range(r):
        hit = rng.random(iterations) < p[i]
        occurrences[i] = int(hit.sum())
        risk_delay[:, i] = _triangular(rng, *delay[i], iterations) * hit
        if cost_rate is not None:
            risk_spend[:, i] = _triangular(rng, *risk_cost[i], iterations) * hit
    risk_ptr = np.zeros(r + 1, dtype=np.int64)
    risk_ptr[1:] = np.cumsum([t.size for t in mapped])
    risk_at = rank[np.concatenate(mapped)].astype(np.int64) if r else np.zeros(0, dtype=np.int64)
    risk_minutes = np.rint(risk_delay).astype(np.int64)

    if cost_rate is not None:
        rate = to_labels(cost_rate)
        extra = cost_fixed + risk_spend.sum(axis=1)
    else:
        rate = extra = np.zeros(0)
    finish = np.empty(iterations, dtype=np.int64)
    ms = np.empty((iterations, w.size), dtype=np.int64)
    kept = np.empty((iterations, watched_cols.size), dtype=np.int64)
    cost = np.empty(iterations, dtype=np.int64) if cost_rate is not None else None
    crit = np.zeros(n, dtype=np.int64)
    watch_at = rank[w].astype(np.int64)
    kept_at = rank[watched_cols].astype(np.int64)
    chunk = max(8 * passes.LANES * 8, _CHUNK_ELEMENTS // max(n, 1))
    chunk -= chunk % passes.LANES  # whole blocks of lanes but for the last chunk
    done = 0
    while done < iterations:
        size = min(chunk, iterations - done)
        rows = slice(done, done + size)
        spent = np.empty(0, np.int64) if cost is None else cost[rows]
        # Row slices only: every chunk passes arrays of the same (contiguous) layout,
        # so the kernel is compiled, or loaded from the cache, once.
        out = (finish[rows], ms[rows], kept[rows], spent)
        counts = prepared.replay(
            passes.run,
            key, done, size, by_label,
            (fixed_at, fixed_values[rows]),
            (risk_ptr, risk_at, risk_minutes[rows]),
            watch_at, kept_at, rate, extra[rows] if extra.size else extra, out,
            numba.get_num_threads(),
        )  # fmt: skip
        crit += counts
        done += size
        if progress is not None:
            progress(done, iterations)
    crit = prepared.network.from_labels(crit)

    target = finish.astype(np.float64)
    sens = np.full(n, np.nan)
    (risk_sens,) = _spearman(risk_delay.T, target)
    cost_sens = risk_cost_sens = None
    if cost is None:
        (sens[watched_cols],) = _spearman(kept.T, target)
    else:
        spent = cost.astype(np.float64)
        cost_sens = np.full(n, np.nan)
        sens[watched_cols], cost_sens[watched_cols] = _spearman(kept.T, target, spent)
        (risk_cost_sens,) = _spearman(risk_spend.T, spent)
    return Simulation(
        iterations=iterations,
        seed=seed,
        finish=_dates(prepared, finish),
        deterministic_finish=_deterministic_finish(prepared, det),
        milestones=_dates(prepared, ms),
        criticality=crit / iterations,
        sensitivity=sens,
        risk_sensitivity=risk_sens,
        cost=cost,
        deterministic_cost=(
            None if cost_rate is None else int(np.rint(base @ cost_rate + cost_fixed))
        ),
        cost_sensitivity=cost_sens,
        risk_cost_sensitivity=risk_cost_sens,
        risk_occurrences=occurrences,
    )


def _triangular(rng: np.random.Generator, lo: float, ml: float, hi: float, size: int) -> F64:
    if hi <= lo:
        # Drawn anyway so that the stream does not depend on which ranges are fixed.
        rng.random(size)
        return np.full(size, lo)
    return rng.triangular(lo, ml, hi, size)


def _deterministic_finish(prepared: PreparedSchedule, det: ScheduleResult) -> np.datetime64:
    """The single run's finish in the unit of the lanes' finishes, as a UTC date."""
    if prepared.mode == k.WORKING or det.early_finish.size == 0:
        return _dates(prepared, np.array([det.project_finish]))[0]
    # Several calendars: the result's project finish counts project-calendar minutes,
    # while the lanes report instants; take the latest early finish instant instead.
    return np.datetime64(int(det.instants("early_finish").max()), "m")


def _dates(prepared: PreparedSchedule, values: I64) -> DT:
    """UTC datetime64[m] finish instants of the passes' time values."""
    if prepared.mode == k.WORKING:
        flat = prepared.clock.instants(values.reshape(-1), "finish")
        return flat.reshape(values.shape).astype("datetime64[m]")
    return values.astype("datetime64[m]")
