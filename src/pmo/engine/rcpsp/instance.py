"""The resource-constrained project: input dataclass, validation and compiled arrays.

An :class:`Instance` is what callers build (the app's adapter, the PSPLIB reader, the
tests). :func:`compile_instance` validates it once and turns it into the flat arrays the
numba kernels work on (:class:`Compiled`): CSR precedence lists, the list of resources
each activity uses, the per-period availability left by fixed activities, and the
precedence-only (CPM) bounds.

Time is in integer periods starting at 0. Precedence relations are finish-to-start
with a non-negative lag: ``start[j] >= start[i] + durations[i] + lag``.
"""

import heapq
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from pmo.engine.errors import CyclicDependency

from .errors import InfeasibleLeveling, InvalidInstance

__all__ = [
    "Compiled",
    "Instance",
    "Violation",
    "check_schedule",
    "compile_instance",
    "resource_usage",
]

#: Sentinel for "no upper bound" on a finish time; far from int64 overflow.
NO_DEADLINE = np.int64(1) << 60


def _int_array(value, name: str, ndim: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.size == 0:
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iub":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise InvalidInstance(f"{name} must hold integers")
    arr = np.ascontiguousarray(arr, dtype=np.int64)
    if arr.ndim != ndim:
        raise InvalidInstance(f"{name} must have {ndim} dimension(s), got {arr.ndim}")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class Instance:
    """A single-mode project with renewable resources.

    Parameters
    ----------
    durations : array_like of int, shape (n,)
        Duration of each activity in periods (0 for milestones).
    demands : array_like of int, shape (n, R)
        Units of each resource an activity holds in every period it runs.
    capacity : array_like of int, shape (R,) or (R, T)
        Units available per period. A 2-D profile gives the capacity of each of the
        first ``T`` periods; every later period has the capacity of the last column.
    edges : array_like of int, shape (m, 2)
        Finish-to-start precedence relations ``(predecessor, successor)``.
    lags : array_like of int, shape (m,), optional
        Non-negative lag of each relation, in periods. Default 0.
    fixed_start : array_like of int, shape (n,), optional
        Start of each activity that must not move (in progress, or constrained to a
        date), ``-1`` for a free activity. Default: all free.
    release : array_like of int, shape (n,), optional
        Earliest allowed start of each activity ("start no earlier than"). Default 0.
    priority : array_like of int, shape (n,), optional
        Leveling priority: when activities compete for a resource, the higher value is
        served first by the rule-based schedulers, and breaks ties between schedules of
        equal finish in the metaheuristic. Default 0.

    Examples
    --------
    >>> inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[])
    >>> inst.n_activities, inst.n_resources
    (2, 1)
    """

    durations: np.ndarray
    demands: np.ndarray
    capacity: np.ndarray
    edges: np.ndarray
    lags: np.ndarray | None = field(default=None)
    fixed_start: np.ndarray | None = field(default=None)
    release: np.ndarray | None = field(default=None)
    priority: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        dur = _int_array(self.durations, "durations", 1)
        n = dur.shape[0]
        dem = np.asarray(self.demands)
        if dem.size == 0 and dem.ndim < 2:
            dem = np.zeros((n, 0), dtype=np.int64)
        dem = _int_array(dem, "demands", 2)
        cap = np.asarray(self.capacity)
        if cap.ndim == 1:
            cap = cap.reshape(-1, 1)
        cap = _int_array(cap, "capacity", 2)
        edges = np.asarray(self.edges)
        if edges.size == 0:
            edges = np.zeros((0, 2), dtype=np.int64)
        edges = _int_array(edges, "edges", 2)
        m = edges.shape[0]
        r = cap.shape[0]

        def optional(value, name: str, default: int, size: int) -> np.ndarray:
            if value is None:
                arr = np.full(size, default, dtype=np.int64)
                arr.flags.writeable = False
                return arr
            arr = _int_array(value, name, 1)
            if arr.shape[0] != size:
                raise InvalidInstance(f"{name} must have length {size}, got {arr.shape[0]}")
            return arr

        lags = optional(self.lags, "lags", 0, m)
        fixed = optional(self.fixed_start, "fixed_start", -1, n)
        release = optional(self.release, "release", 0, n)
        priority = optional(self.priority, "priority", 0, n)

        if dem.shape != (n, r):
            raise InvalidInstance(f"demands must have shape ({n}, {r}), got {dem.shape}")
        if cap.shape[1] == 0:
            raise InvalidInstance("capacity profile must cover at least one period")
        if edges.shape[1] != 2:
            raise InvalidInstance("edges must have shape (m, 2)")
        for name, arr in (("durations", dur), ("demands", dem), ("capacity", cap)):
            if arr.size and arr.min() < 0:
                raise InvalidInstance(f"{name} must be non-negative")
        if lags.size and lags.min() < 0:
            raise InvalidInstance("lags must be non-negative")
        if release.size and release.min() < 0:
            raise InvalidInstance("release must be non-negative")
        if fixed.size and fixed.min() < -1:
            raise InvalidInstance("fixed_start must be -1 (free) or a period >= 0")
        if m and (edges.min() < 0 or edges.max() >= n):
            raise InvalidInstance("edges refer to activities outside 0..n-1")
        loops = np.flatnonzero(edges[:, 0] == edges[:, 1]) if m else np.zeros(0, np.int64)
        if loops.size:
            a = int(edges[loops[0], 0])
            raise InvalidInstance(f"activity {a} precedes itself", (a,))

        for name, arr in (
            ("durations", dur),
            ("demands", dem),
            ("capacity", cap),
            ("edges", edges),
            ("lags", lags),
            ("fixed_start", fixed),
            ("release", release),
            ("priority", priority),
        ):
            object.__setattr__(self, name, arr)

    @property
    def n_activities(self) -> int:
        """Number of activities ``n``."""
        return int(self.durations.shape[0])

    @property
    def n_resources(self) -> int:
        """Number of renewable resources ``R``."""
        return int(self.capacity.shape[0])

    def capacity_at(self, periods: np.ndarray) -> np.ndarray:
        """Capacity of every resource in the given periods.

        Parameters
        ----------
        periods : ndarray of int
            Periods (>= 0).

        Returns
        -------
        ndarray of int, shape (R, len(periods))
        """
        cols = np.minimum(np.asarray(periods, dtype=np.int64), self.capacity.shape[1] - 1)
        return self.capacity[:, cols]


class Compiled(NamedTuple):
    """Flat arrays of a validated instance, as the numba kernels take them.

    Internal to the package; the field names follow the kernels' argument names.
    """

    n: int
    n_res: int
    horizon: int
    dur: np.ndarray  # (n,)
    dem: np.ndarray  # (n, R)
    use_ptr: np.ndarray  # CSR over activities of the resources each one uses
    use_res: np.ndarray
    use_dem: np.ndarray
    succ_ptr: np.ndarray
    succ_idx: np.ndarray
    succ_lag: np.ndarray
    pred_ptr: np.ndarray
    pred_idx: np.ndarray
    pred_lag: np.ndarray
    topo: np.ndarray  # a topological order, smallest index first among ready ones
    rank: np.ndarray  # position of each activity in ``topo``
    fixed: np.ndarray  # fixed start or -1
    release: np.ndarray
    deadline: np.ndarray  # latest finish forced by fixed successors, NO_DEADLINE if none
    weight: np.ndarray  # leveling priority
    base_avail: np.ndarray  # (H, R) capacity left after the fixed activities
    change_pts: np.ndarray  # periods where ``base_avail`` differs from the period before
    es: np.ndarray  # precedence-only earliest start
    ls: np.ndarray  # precedence-only latest start for the finish ``cpm_makespan``
    cpm_makespan: int


def _csr(src: np.ndarray, dst: np.ndarray, lag: np.ndarray, n: int):
    order = np.lexsort((dst, src))
    counts = np.bincount(src, minlength=n)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, np.ascontiguousarray(dst[order]), np.ascontiguousarray(lag[order])


def _find_cycle(n: int, succ_ptr: np.ndarray, succ_idx: np.ndarray, left: set) -> list[int]:
    # Walking successors inside the unprocessed set must revisit a node: every node
    # left after Kahn's algorithm has a predecessor that is also left.
    pred_left: dict[int, int] = {}
    for i in left:
        for e in range(succ_ptr[i], succ_ptr[i + 1]):
            j = int(succ_idx[e])
            if j in left:
                pred_left.setdefault(j, i)
    node = min(left)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = pred_left[node]
    cycle = path[seen[node] :]
    cycle.reverse()
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def compile_instance(inst: Instance, min_horizon: int = 0) -> Compiled:
    """Validate an instance and build the arrays the kernels need.

    Parameters
    ----------
    inst : Instance
    min_horizon : int, optional
        Make the availability arrays at least this long (periods).

    Returns
    -------
    Compiled

    Raises
    ------
    CyclicDependency
        If the precedence network has a cycle (the cycle is in ``cycle``).
    InfeasibleLeveling
        If an activity needs more of a resource than any period offers, or fixed starts
        and release dates contradict the precedence relations.
    """
    n = inst.n_activities
    n_res = inst.n_resources
    dur = inst.durations
    dem = inst.demands
    src = inst.edges[:, 0].copy()
    dst = inst.edges[:, 1].copy()
    lag = np.array(inst.lags)
    succ_ptr, succ_idx, succ_lag = _csr(src, dst, lag, n)
    pred_ptr, pred_idx, pred_lag = _csr(dst, src, lag, n)

    indeg = np.diff(pred_ptr).copy()
    heap = [int(i) for i in np.flatnonzero(indeg == 0)]
    heapq.heapify(heap)
    topo_list: list[int] = []
    while heap:
        i = heapq.heappop(heap)
        topo_list.append(i)
        for e in range(succ_ptr[i], succ_ptr[i + 1]):
            j = int(succ_idx[e])
            indeg[j] -= 1
            if indeg[j] == 0:
                heapq.heappush(heap, j)
    if len(topo_list) < n:
        left = set(range(n)) - set(topo_list)
        raise CyclicDependency(_find_cycle(n, succ_ptr, succ_idx, left))
    topo = np.array(topo_list, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[topo] = np.arange(n, dtype=np.int64)

    fixed = inst.fixed_start
    release = inst.release

    # Precedence-only earliest starts; a fixed activity stays where it is, and must
    # not be earlier than what its predecessors and release allow.
    es = np.zeros(n, dtype=np.int64)
    for j in topo_list:
        lo = 0 if fixed[j] >= 0 else int(release[j])
        for e in range(pred_ptr[j], pred_ptr[j + 1]):
            i = pred_idx[e]
            lo = max(lo, int(es[i] + dur[i] + pred_lag[e]))
        if fixed[j] >= 0:
            if fixed[j] < lo:
                raise InfeasibleLeveling(
                    f"activity {j} is fixed at {int(fixed[j])} but its predecessors and "
                    f"release date allow it to start at {lo} at the earliest",
                    (j,),
                )
            lo = int(fixed[j])
        es[j] = lo

    deadline = np.full(n, NO_DEADLINE, dtype=np.int64)
    for j in reversed(topo_list):
        hi = NO_DEADLINE
        for e in range(succ_ptr[j], succ_ptr[j + 1]):
            s = succ_idx[e]
            bound = fixed[s] if fixed[s] >= 0 else deadline[s] - dur[s]
            if bound < NO_DEADLINE // 2:
                hi = min(hi, int(bound - succ_lag[e]))
        deadline[j] = hi
    cpm_makespan = int((es + dur).max()) if n else 0

    lf = np.empty(n, dtype=np.int64)
    for j in reversed(topo_list):
        hi = min(cpm_makespan, int(deadline[j]))
        for e in range(succ_ptr[j], succ_ptr[j + 1]):
            s = succ_idx[e]
            hi = min(hi, int(lf[s] - dur[s] - succ_lag[e]))
        if fixed[j] >= 0:
            hi = int(fixed[j] + dur[j])
        lf[j] = hi
    ls = lf - dur

    profile_len = inst.capacity.shape[1]
    fixed_end = int((fixed + dur)[fixed >= 0].max()) if (fixed >= 0).any() else 0
    horizon = max(
        min_horizon + 1,
        max(profile_len, fixed_end, int(release.max()) if n else 0)
        + int(dur.sum())
        + int(lag.sum())
        + 1,
    )
    cap_full = np.empty((horizon, n_res), dtype=np.int64)
    if n_res:
        cols = np.minimum(np.arange(horizon), profile_len - 1)
        cap_full[:, :] = inst.capacity[:, cols].T
    peak = cap_full.max(axis=0) if n_res else np.zeros(0, np.int64)
    over = dem > peak[None, :]
    if over.any():
        j, r = (int(x) for x in np.argwhere(over)[0])
        raise InfeasibleLeveling(
            f"activity {j} needs {int(dem[j, r])} units of resource {r} but at most "
            f"{int(peak[r])} are ever available",
            (j,),
            r,
        )
    base_avail = cap_full
    for j in np.flatnonzero(fixed >= 0):
        s = int(fixed[j])
        base_avail[s : s + dur[j], :] -= dem[j][None, :]
    # Past the profile and the fixed work every activity fits on its own, unless it
    # needs more than the final capacity: such an activity needs a window inside the
    # profile where everything it uses is available throughout.
    if n_res:
        for j in np.flatnonzero((fixed < 0) & (dur > 0) & (dem > base_avail[-1]).any(axis=1)):
            used_r = np.flatnonzero(dem[j] > 0)
            ok = (base_avail[:, used_r] >= dem[j, used_r]).all(axis=1).astype(np.int64)
            runs = np.convolve(ok, np.ones(int(dur[j]), dtype=np.int64), mode="valid")
            if not (runs == dur[j]).any():
                r = int(used_r[np.argmax(dem[j, used_r] > base_avail[-1, used_r])])
                raise InfeasibleLeveling(
                    f"activity {int(j)} needs {int(dem[j, r])} units of resource {r} for "
                    f"{int(dur[j])} consecutive periods, which the capacity profile never "
                    "offers",
                    (int(j),),
                    r,
                )

    diff = np.any(base_avail[1:] != base_avail[:-1], axis=1)
    change_pts = (np.flatnonzero(diff) + 1).astype(np.int64)

    used = dem > 0
    use_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(used.sum(axis=1), out=use_ptr[1:])
    rows, cols_used = np.nonzero(used)
    use_res = cols_used.astype(np.int64)
    use_dem = dem[rows, cols_used].astype(np.int64)

    return Compiled(
        n=n,
        n_res=n_res,
        horizon=horizon,
        dur=np.array(dur),
        dem=np.array(dem),
        use_ptr=use_ptr,
        use_res=np.ascontiguousarray(use_res),
        use_dem=np.ascontiguousarray(use_dem),
        succ_ptr=succ_ptr,
        succ_idx=succ_idx,
        succ_lag=succ_lag,
        pred_ptr=pred_ptr,
        pred_idx=pred_idx,
        pred_lag=pred_lag,
        topo=topo,
        rank=rank,
        fixed=np.array(fixed),
        release=np.array(release),
        deadline=deadline,
        weight=np.array(inst.priority),
        base_avail=np.ascontiguousarray(base_avail),
        change_pts=change_pts,
        es=es,
        ls=ls,
        cpm_makespan=cpm_makespan,
    )


@dataclass(frozen=True)
class Violation:
    """One way a schedule breaks the instance's constraints.

    Attributes
    ----------
    kind : str
        ``"precedence"``, ``"capacity"``, ``"fixed"``, ``"release"`` or ``"negative"``.
    activity : int
        The activity concerned (the successor, for precedence); ``-1`` for capacity.
    other : int
        The predecessor for precedence, else ``-1``.
    resource : int
        The resource for capacity, else ``-1``.
    period : int
        The period for capacity, else ``-1``.
    excess : int
        By how much the constraint is broken (periods, or units over capacity).
    """

    kind: str
    activity: int = -1
    other: int = -1
    resource: int = -1
    period: int = -1
    excess: int = 0


def resource_usage(inst: Instance, start: np.ndarray, horizon: int | None = None) -> np.ndarray:
    """Units of each resource in use in each period.

    Parameters
    ----------
    inst : Instance
    start : ndarray of int, shape (n,)
        Start period of every activity.
    horizon : int, optional
        Number of periods to report; default the latest finish.

    Returns
    -------
    ndarray of int, shape (R, horizon)
    """
    start = np.asarray(start, dtype=np.int64)
    finish = start + inst.durations
    if horizon is None:
        horizon = int(finish.max()) if finish.size else 0
    delta = np.zeros((inst.n_resources, horizon + 1), dtype=np.int64)
    for j in range(inst.n_activities):
        s = min(max(int(start[j]), 0), horizon)
        f = min(max(int(finish[j]), 0), horizon)
        if f > s:
            delta[:, s] += inst.demands[j]
            delta[:, f] -= inst.demands[j]
    return np.cumsum(delta, axis=1)[:, :horizon]


def check_schedule(inst: Instance, start: np.ndarray) -> tuple[Violation, ...]:
    """List every constraint a schedule breaks.

    Parameters
    ----------
    inst : Instance
    start : array_like of int, shape (n,)
        Start period of every activity.

    Returns
    -------
    tuple of Violation
        Empty when the schedule is feasible: precedence with lags, fixed starts,
        release dates, and capacity in every period.

    Examples
    --------
    >>> inst = Instance(durations=[2, 2], demands=[[1], [1]], capacity=[1], edges=[])
    >>> [v.kind for v in check_schedule(inst, [0, 1])]
    ['capacity']
    >>> check_schedule(inst, [0, 2])
    ()
    """
    start = np.asarray(start, dtype=np.int64)
    if start.shape != (inst.n_activities,):
        raise InvalidInstance(f"start must have shape ({inst.n_activities},)")
    out: list[Violation] = []
    for j in np.flatnonzero(start < 0):
        out.append(Violation("negative", activity=int(j), excess=int(-start[j])))
    for (i, j), lag in zip(inst.edges, inst.lags, strict=True):
        gap = int(start[i] + inst.durations[i] + lag - start[j])
        if gap > 0:
            out.append(Violation("precedence", activity=int(j), other=int(i), excess=gap))
    for j in np.flatnonzero((inst.fixed_start >= 0) & (start != inst.fixed_start)):
        out.append(
            Violation("fixed", activity=int(j), excess=int(abs(start[j] - inst.fixed_start[j])))
        )
    for j in np.flatnonzero((start < inst.release) & (inst.fixed_start < 0)):
        out.append(Violation("release", activity=int(j), excess=int(inst.release[j] - start[j])))
    usage = resource_usage(inst, np.maximum(start, 0))
    if usage.size:
        cap = inst.capacity_at(np.arange(usage.shape[1]))
        for r, t in np.argwhere(usage > cap):
            out.append(
                Violation(
                    "capacity",
                    resource=int(r),
                    period=int(t),
                    excess=int(usage[r, t] - cap[r, t]),
                )
            )
    return tuple(out)
