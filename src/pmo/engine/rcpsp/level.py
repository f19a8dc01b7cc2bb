"""Resource leveling: the entry point the application calls.

:func:`level` takes an :class:`~.instance.Instance` and returns a
:class:`LevelingResult`: the leveled start of every activity, what moved and why, and
the overloads that remain. Two modes:

``"finish"``
    Resolve every overload, finishing the project as early as possible: the genetic
    algorithm of :mod:`.ga` (``method="ga"``) or one pass of a priority rule
    (``method="rule"``, the rule and scheme chosen by the caller).
``"slack"``
    Level within slack only: the project finish never moves. Every activity stays
    between its precedence-feasible earliest start and its latest start for the
    given finish (its total float). An activity that fits nowhere in that window
    is put where it overloads least, and the overload is reported in ``conflicts``.
    Several activity lists (regret-based sampling on minimum slack) are tried within
    the budget and the one with the least overload, then the least total delay,
    is kept.

Explanations are computed from the final schedule: an activity starting after its
reference start (the ``baseline``, by default the precedence-only early start) was
pushed by a predecessor (``precedence_delay``) and/or waited for a resource
(``resource_delay``); for the latter the move names the first resource and period
that stopped it from starting earlier, and the activities holding that resource.
"""

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numba import njit

from .errors import InfeasibleLeveling, InvalidInstance
from .ga import genetic_algorithm
from .instance import Compiled, Instance, compile_instance, resource_usage
from .priority import rule_schedule, sample_list_kernel, with_leveling_priority

__all__ = ["Conflict", "LevelingResult", "Move", "level"]


@dataclass(frozen=True)
class Move:
    """One activity whose start differs from its reference start.

    Attributes
    ----------
    activity : int
        Index of the activity.
    old_start, new_start : int
        Reference start and leveled start.
    shift : int
        ``new_start - old_start`` (negative when the activity moved earlier).
    precedence_delay : int
        Part of the shift caused by predecessors finishing later than before.
    resource_delay : int
        Part of the shift spent waiting for resources.
    predecessor : int
        The predecessor that fixes the earliest start, ``-1`` if none.
    resource : int
        For a resource delay, the resource that was short, else ``-1``.
    period : int
        The period in which ``resource`` was short when the activity tried to start at
        its earliest possible start, else ``-1``.
    blocking : tuple of int
        Activities holding ``resource`` in ``period``.
    """

    activity: int
    old_start: int
    new_start: int
    shift: int
    precedence_delay: int
    resource_delay: int
    predecessor: int
    resource: int
    period: int
    blocking: tuple[int, ...]

    @property
    def reason(self) -> str:
        """One-line explanation in plain words (indices, as the engine knows them)."""
        if self.shift < 0:
            return f"moved {_periods(-self.shift)} earlier"
        parts = []
        if self.precedence_delay:
            parts.append(
                f"predecessor {self.predecessor} pushed it {_periods(self.precedence_delay)}"
            )
        if self.resource_delay:
            if self.resource >= 0:
                held = ", ".join(str(a) for a in self.blocking) or "fixed work"
                parts.append(
                    f"waited {_periods(self.resource_delay)} for resource {self.resource}, "
                    f"short in period {self.period} (held by {held})"
                )
            else:
                parts.append(
                    f"delayed {_periods(self.resource_delay)} with no resource short at "
                    "its earlier start"
                )
        return "; ".join(parts)


def _periods(n: int) -> str:
    return f"{n} period{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Conflict:
    """A resource overload left in the schedule (``mode="slack"``, or fixed work).

    Attributes
    ----------
    resource : int
    first_period, last_period : int
        The overload spans ``first_period .. last_period`` inclusive.
    load, capacity : int
        Units in use and available in those periods.
    activities : tuple of int
        The activities using the resource there.
    """

    resource: int
    first_period: int
    last_period: int
    load: int
    capacity: int
    activities: tuple[int, ...]

    @property
    def excess(self) -> int:
        """Units over capacity in each period of the span."""
        return self.load - self.capacity


@dataclass(frozen=True)
class LevelingResult:
    """Outcome of :func:`level`.

    Attributes
    ----------
    start, finish : ndarray of int64, shape (n,)
        Leveled start and finish periods.
    makespan : int
        Latest finish.
    reference_makespan : int
        Latest finish of the reference schedule (the ``baseline``, or the
        precedence-only early-start schedule).
    moves : tuple of Move
        Every activity whose start differs from the reference, by activity index.
    conflicts : tuple of Conflict
        Overloads that remain (empty in ``mode="finish"`` unless fixed activities
        overload a resource by themselves).
    schedules : int
        Schedules generated.
    seconds : float
        Wall time spent.
    """

    start: np.ndarray
    finish: np.ndarray
    makespan: int
    reference_makespan: int
    moves: tuple[Move, ...]
    conflicts: tuple[Conflict, ...]
    schedules: int
    seconds: float


def _latest_starts(c: Compiled, finish: int) -> np.ndarray:
    lf = np.empty(c.n, dtype=np.int64)
    for j in c.topo[::-1]:
        hi = min(finish, int(c.deadline[j]))
        for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
            s = c.succ_idx[e]
            hi = min(hi, int(lf[s] - c.dur[s] - c.succ_lag[e]))
        if c.fixed[j] >= 0:
            hi = int(c.fixed[j] + c.dur[j])
        lf[j] = hi
    return lf - c.dur


@njit(cache=True)
def _slack_sgs(c, order, ls, start, avail):
    # Serial SGS confined to [earliest start, latest start]: the earliest feasible
    # start in the window, else the start in the window that adds the least overload.
    overload = 0
    delay = 0
    makespan = 0
    for k in range(c.n):
        j = order[k]
        d = c.dur[j]
        if c.fixed[j] >= 0:
            start[j] = c.fixed[j]
            if start[j] + d > makespan:
                makespan = start[j] + d
            continue
        es = c.release[j]
        for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
            i = c.pred_idx[e]
            f = start[i] + c.dur[i] + c.pred_lag[e]
            if f > es:
                es = f
        hi = max(es, ls[j])
        best_t = es
        best_add = -1
        a, b = c.use_ptr[j], c.use_ptr[j + 1]
        if d > 0 and b > a:
            for t in range(es, hi + 1):
                add = 0
                for p in range(t, t + d):
                    for q in range(a, b):
                        free = avail[p, c.use_res[q]]
                        if free < 0:
                            free = 0
                        if c.use_dem[q] > free:
                            add += c.use_dem[q] - free
                if best_add < 0 or add < best_add:
                    best_add = add
                    best_t = t
                if add == 0:
                    break
            for p in range(best_t, best_t + d):
                for q in range(a, b):
                    avail[p, c.use_res[q]] -= c.use_dem[q]
            overload += best_add
        start[j] = best_t
        delay += best_t - c.es[j]
        if best_t + d > makespan:
            makespan = best_t + d
    for p in range(min(makespan, avail.shape[0])):
        for r in range(avail.shape[1]):
            avail[p, r] = c.base_avail[p, r]
    return overload, delay


@njit(cache=True)
def _slack_search(c, values, ls, rng, samples, best_start):
    n = c.n
    order = np.empty(n, dtype=np.int64)
    start = np.empty(n, dtype=np.int64)
    missing = np.empty(n, dtype=np.int64)
    elig = np.empty(n, dtype=np.int64)
    avail = c.base_avail.copy()
    best_o = -1
    best_d = 0
    for s in range(samples):
        # The first list is the rule itself; the others are biased samples around it.
        bias = 60.0 if s == 0 else 1.0
        sample_list_kernel(c, values, bias, rng, order, missing, elig)
        o, d = _slack_sgs(c, order, ls, start, avail)
        if best_o < 0 or o < best_o or (o == best_o and d < best_d):
            best_o = o
            best_d = d
            for j in range(n):
                best_start[j] = start[j]
        if best_o == 0 and best_d == 0:
            return s + 1
    return samples


def _explain(inst: Instance, c: Compiled, start: np.ndarray, ref: np.ndarray) -> tuple:
    usage = resource_usage(inst, start, horizon=int((start + c.dur).max()) + 1)
    cap = inst.capacity_at(np.arange(usage.shape[1]))
    finish = start + c.dur
    moves = []
    for j in np.flatnonzero(start != ref):
        j = int(j)
        es = int(c.release[j]) if c.fixed[j] < 0 else int(c.fixed[j])
        pred = -1
        for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
            i = int(c.pred_idx[e])
            f = int(finish[i] + c.pred_lag[e])
            if f > es or (f == es and pred < 0):
                es, pred = f, i
        shift = int(start[j] - ref[j])
        prec = max(0, min(es, int(start[j])) - int(ref[j])) if shift > 0 else 0
        res_delay = shift - prec if shift > 0 else 0
        resource, period, blocking = -1, -1, ()
        if res_delay > 0:
            t0 = int(start[j]) - res_delay
            found = False
            for p in range(t0, t0 + int(c.dur[j])):
                for r in np.flatnonzero(c.dem[j] > 0):
                    others = usage[r, p] - (c.dem[j, r] if start[j] <= p < finish[j] else 0)
                    if others + c.dem[j, r] > cap[r, p]:
                        resource, period = int(r), p
                        active = (start <= p) & (finish > p) & (c.dem[:, r] > 0)
                        active[j] = False
                        blocking = tuple(int(a) for a in np.flatnonzero(active))
                        found = True
                        break
                if found:
                    break
        moves.append(
            Move(
                activity=j,
                old_start=int(ref[j]),
                new_start=int(start[j]),
                shift=shift,
                precedence_delay=prec,
                resource_delay=res_delay,
                predecessor=pred if prec > 0 else -1,
                resource=resource,
                period=period,
                blocking=blocking,
            )
        )
    conflicts = []
    for r in range(usage.shape[0]):
        over = usage[r] > cap[r]
        t = 0
        while t < usage.shape[1]:
            if not over[t]:
                t += 1
                continue
            active = tuple(
                int(a) for a in np.flatnonzero((start <= t) & (finish > t) & (c.dem[:, r] > 0))
            )
            end = t
            while (
                end + 1 < usage.shape[1]
                and over[end + 1]
                and usage[r, end + 1] == usage[r, t]
                and cap[r, end + 1] == cap[r, t]
                and tuple(
                    int(a)
                    for a in np.flatnonzero(
                        (start <= end + 1) & (finish > end + 1) & (c.dem[:, r] > 0)
                    )
                )
                == active
            ):
                end += 1
            conflicts.append(
                Conflict(
                    resource=r,
                    first_period=t,
                    last_period=end,
                    load=int(usage[r, t]),
                    capacity=int(cap[r, t]),
                    activities=active,
                )
            )
            t = end + 1
    return tuple(moves), tuple(conflicts)


def level(
    inst: Instance,
    *,
    mode: Literal["finish", "slack"] = "finish",
    method: Literal["ga", "rule"] = "ga",
    rule: str = "LFT",
    scheme: Literal["serial", "parallel"] = "serial",
    schedules: int = 1000,
    time_limit: float | None = None,
    seed: int | np.random.Generator | None = 0,
    baseline=None,
    finish: int | None = None,
) -> LevelingResult:
    """Level the resources of a project.

    Parameters
    ----------
    inst : Instance
    mode : {"finish", "slack"}, default "finish"
        ``"finish"`` resolves every overload and finishes as early as it can;
        ``"slack"`` never moves the project finish and reports what it cannot resolve.
    method : {"ga", "rule"}, default "ga"
        In ``"finish"`` mode: the genetic algorithm, or a single priority-rule pass.
    rule : str, default "LFT"
        Priority rule for ``method="rule"`` (one of ``RULES``); ``"slack"`` mode always
        samples around minimum slack.
    scheme : {"serial", "parallel"}, default "serial"
        Generation scheme for ``method="rule"``.
    schedules : int, default 1000
        Budget in generated schedules (``"ga"`` and ``"slack"``).
    time_limit : float, optional
        Wall-time budget in seconds for the genetic algorithm.
    seed : int or numpy.random.Generator, optional
        Seed of the single random generator; same seed, same result.
    baseline : array_like of int, shape (n,), optional
        Reference starts that moves are reported against; default the
        precedence-only early starts.
    finish : int, optional
        Project finish to respect in ``"slack"`` mode; default the precedence-only
        finish (or the baseline's, when later).

    Returns
    -------
    LevelingResult

    Raises
    ------
    InvalidInstance
        Malformed baseline.
    pmo.engine.errors.CyclicDependency
        Cyclic network.
    InfeasibleLeveling
        An activity needs more than a resource ever offers, fixed activities contradict
        the network, or (``"finish"`` mode) the predecessors of a fixed activity
        cannot all be fitted before it.

    Examples
    --------
    Two activities that each need the only unit of a resource; the first has the
    higher leveling priority:

    >>> inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[],
    ...                 priority=[1, 0])
    >>> res = level(inst, schedules=50)
    >>> res.start.tolist(), res.makespan
    ([0, 2], 5)
    >>> res.moves[0].reason
    'waited 2 periods for resource 0, short in period 0 (held by 0)'
    >>> level(inst, mode="slack").conflicts[0].activities
    (0, 1)
    """
    t0 = time.perf_counter()
    c = compile_instance(inst)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if baseline is None:
        ref = c.es.copy()
    else:
        ref = np.asarray(baseline, dtype=np.int64)
        if ref.shape != (c.n,):
            raise InvalidInstance(f"baseline must have shape ({c.n},)")
    reference_makespan = int((ref + c.dur).max()) if c.n else 0

    if mode == "finish":
        if method == "ga":
            ga = genetic_algorithm(c, schedules=schedules, time_limit=time_limit, seed=rng)
            start, violation, used = ga.start, ga.violation, ga.schedules
        elif method == "rule":
            start = rule_schedule(c, rule, scheme, rng)
            late = np.flatnonzero((c.fixed < 0) & (start + c.dur > c.deadline))
            violation, used = len(late), 1
        else:
            raise ValueError(f"method must be 'ga' or 'rule', got {method!r}")
        if violation:
            late = np.flatnonzero((c.fixed < 0) & (start + c.dur > c.deadline))
            raise InfeasibleLeveling(
                "cannot fit the predecessors of fixed activities before them: activities "
                + ", ".join(str(int(a)) for a in late)
                + " would finish too late",
                tuple(int(a) for a in late),
            )
    elif mode == "slack":
        target = max(c.cpm_makespan, reference_makespan) if finish is None else int(finish)
        if target < c.cpm_makespan:
            raise InfeasibleLeveling(
                f"finish {target} is before the precedence-only finish {c.cpm_makespan}"
            )
        if target >= c.horizon:
            c = compile_instance(inst, min_horizon=target)
        ls = _latest_starts(c, target)
        values = with_leveling_priority(c, (ls - c.es).astype(np.float64))
        start = np.empty(c.n, dtype=np.int64)
        used = _slack_search(c, values, ls, rng, max(1, schedules), start)
    else:
        raise ValueError(f"mode must be 'finish' or 'slack', got {mode!r}")

    moves, conflicts = _explain(inst, c, start, ref)
    finish_arr = start + c.dur
    return LevelingResult(
        start=start,
        finish=finish_arr,
        makespan=int(finish_arr.max()) if c.n else 0,
        reference_makespan=reference_makespan,
        moves=moves,
        conflicts=conflicts,
        schedules=int(used),
        seconds=time.perf_counter() - t0,
    )
