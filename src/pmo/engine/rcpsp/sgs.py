"""Schedule generation schemes: the numba kernels every method is built on.

A schedule generation scheme (SGS) turns a priority order into a feasible schedule.

* The **serial** SGS takes the activities one by one in the order of an activity list
  (a topological order) and starts each at the earliest period where its predecessors
  are done and every resource it needs is free for its whole duration. It can reach an
  optimal schedule for every instance (it builds active schedules).
* The **parallel** SGS walks forward in time and, at each decision point, starts the
  eligible activities that fit, best priority first (non-delay schedules). It is
  often better with simple priority rules, but may miss the optimum.
* The **backward** serial SGS schedules from a deadline towards time 0, latest first;
  forward-backward improvement (:mod:`.justify`) is built on it.

The kernels share a working availability array ``avail`` of shape ``(H, R)`` that
must equal ``c.base_avail`` on entry; they leave it that way on return, restoring
only the periods they touched, so a schedule costs time proportional to its length
and not to the horizon.

Fixed activities are already booked in ``c.base_avail``; a free activity that finishes
after the start of a fixed successor counts towards the returned ``violation`` (in
periods) instead of making the schedule fail.
"""

import numpy as np
from numba import njit

from .errors import InfeasibleLeveling
from .instance import Compiled, Instance, compile_instance

__all__ = [
    "no_slot",
    "parallel_sgs",
    "parallel_sgs_kernel",
    "serial_backward_kernel",
    "serial_sgs",
    "serial_sgs_kernel",
    "unique_key",
]


@njit(cache=True)
def _earliest(avail, use_ptr, use_res, use_dem, j, t, d):
    # Check the window from its end: on a conflict at period k no start <= k can
    # work, so the next candidate is k + 1 (skips most of the window at once).
    horizon = avail.shape[0]
    a, b = use_ptr[j], use_ptr[j + 1]
    while True:
        if t + d > horizon:
            return -1
        k = t + d - 1
        clash = -1
        while k >= t:
            for q in range(a, b):
                if avail[k, use_res[q]] < use_dem[q]:
                    clash = k
                    break
            if clash >= 0:
                break
            k -= 1
        if clash < 0:
            return t
        t = clash + 1


@njit(cache=True)
def _latest(avail, use_ptr, use_res, use_dem, j, t, d, lb):
    # Mirror of _earliest: scan from the window's start; a conflict at k means the
    # window must end at or before k.
    a, b = use_ptr[j], use_ptr[j + 1]
    while t >= lb:
        clash = -1
        for k in range(t, t + d):
            for q in range(a, b):
                if avail[k, use_res[q]] < use_dem[q]:
                    clash = k
                    break
            if clash >= 0:
                break
        if clash < 0:
            return t
        t = clash - d
    return -1


@njit(cache=True)
def _fits(avail, use_ptr, use_res, use_dem, j, t, d):
    if t + d > avail.shape[0]:
        return False
    for k in range(t, t + d):
        for q in range(use_ptr[j], use_ptr[j + 1]):
            if avail[k, use_res[q]] < use_dem[q]:
                return False
    return True


@njit(cache=True)
def _book(avail, use_ptr, use_res, use_dem, j, t, d):
    for k in range(t, t + d):
        for q in range(use_ptr[j], use_ptr[j + 1]):
            avail[k, use_res[q]] -= use_dem[q]


@njit(cache=True)
def _restore(avail, base, lo, hi):
    hi = min(hi, avail.shape[0])
    for k in range(max(lo, 0), hi):
        for r in range(avail.shape[1]):
            avail[k, r] = base[k, r]


@njit(cache=True)
def serial_sgs_kernel(c, order, start, avail):
    """Serial forward SGS (numba kernel).

    Parameters
    ----------
    c : Compiled
    order : ndarray of int64, shape (n,)
        Activity list; must be a topological order. Fixed activities keep their start
        wherever they appear.
    start : ndarray of int64, shape (n,)
        Output: start of every activity.
    avail : ndarray of int64, shape (H, R)
        Work array equal to ``c.base_avail``; left unchanged.

    Returns
    -------
    makespan : int
        Latest finish, or -1 when some activity found no slot within the horizon.
    violation : int
        Total periods by which free activities overrun the start of fixed successors;
        when ``makespan`` is -1, the activity that found no slot.
    """
    makespan = 0
    violation = 0
    for k in range(c.n):
        j = order[k]
        d = c.dur[j]
        if c.fixed[j] >= 0:
            t = c.fixed[j]
        else:
            t = c.release[j]
            for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
                i = c.pred_idx[e]
                f = start[i] + c.dur[i] + c.pred_lag[e]
                if f > t:
                    t = f
            if d > 0 and c.use_ptr[j + 1] > c.use_ptr[j]:
                t = _earliest(avail, c.use_ptr, c.use_res, c.use_dem, j, t, d)
                if t < 0:
                    _restore(avail, c.base_avail, 0, avail.shape[0])
                    return -1, j
                _book(avail, c.use_ptr, c.use_res, c.use_dem, j, t, d)
            late = t + d - c.deadline[j]
            if late > 0:
                violation += late
        start[j] = t
        if t + d > makespan:
            makespan = t + d
    _restore(avail, c.base_avail, 0, makespan)
    return makespan, violation


@njit(cache=True)
def serial_backward_kernel(c, order, deadline, start, avail):
    """Serial backward SGS: every activity as late as possible before ``deadline``.

    Parameters
    ----------
    c : Compiled
    order : ndarray of int64, shape (n,)
        A reverse topological order (successors first).
    deadline : int
        Latest finish of every activity.
    start : ndarray of int64, shape (n,)
        Output: start of every activity.
    avail : ndarray of int64, shape (H, R)
        Work array equal to ``c.base_avail``; left unchanged.

    Returns
    -------
    bool
        False when some activity cannot be placed at or after its release date and its
        fixed predecessors (the output is then meaningless).
    """
    for j in range(c.n):
        if c.fixed[j] >= 0:
            start[j] = c.fixed[j]
    ok = True
    low = deadline
    for k in range(c.n):
        j = order[k]
        if c.fixed[j] >= 0:
            continue
        d = c.dur[j]
        lf = min(deadline, c.deadline[j])
        for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
            v = start[c.succ_idx[e]] - c.succ_lag[e]
            if v < lf:
                lf = v
        lb = c.release[j]
        for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
            i = c.pred_idx[e]
            if c.fixed[i] >= 0:
                f = c.fixed[i] + c.dur[i] + c.pred_lag[e]
                if f > lb:
                    lb = f
        t = lf - d
        if t < lb:
            ok = False
            break
        if d > 0 and c.use_ptr[j + 1] > c.use_ptr[j]:
            t = _latest(avail, c.use_ptr, c.use_res, c.use_dem, j, t, d, lb)
            if t < 0:
                ok = False
                break
            _book(avail, c.use_ptr, c.use_res, c.use_dem, j, t, d)
            if t < low:
                low = t
        start[j] = t
    _restore(avail, c.base_avail, low, deadline)
    return ok


@njit(cache=True)
def parallel_sgs_kernel(c, key, start, avail, done, ready):
    """Parallel (time-incrementing) SGS (numba kernel).

    Parameters
    ----------
    c : Compiled
    key : ndarray of int64, shape (n,)
        Priority of every activity, smaller first; must be unique (break ties in it).
    start : ndarray of int64, shape (n,)
        Output: start of every activity.
    avail : ndarray of int64, shape (H, R)
        Work array equal to ``c.base_avail``; left unchanged.
    done, ready : ndarray of int64, shape (n,)
        Work arrays (scheduled flag, earliest start once all predecessors are placed).

    Returns
    -------
    makespan, violation : int
        As for :func:`serial_sgs_kernel`.
    """
    n = c.n
    horizon = avail.shape[0]
    missing = np.empty(n, dtype=np.int64)
    for j in range(n):
        missing[j] = c.pred_ptr[j + 1] - c.pred_ptr[j]
        done[j] = 0
        ready[j] = -1
    n_done = 0
    makespan = 0
    violation = 0

    # Fixed activities are placed up front; their successors wait for them.
    for j in range(n):
        if missing[j] == 0:
            ready[j] = c.release[j]
    for j in range(n):
        if c.fixed[j] >= 0:
            start[j] = c.fixed[j]
    cp = 0
    t = 0
    while n_done < n:
        progress = True
        while progress:
            progress = False
            # Fixed activities whose predecessors are placed are released now.
            best = -1
            for j in range(n):
                if done[j] == 0 and ready[j] >= 0 and c.fixed[j] >= 0:
                    best = j
                    break
            if best >= 0:
                j = best
            else:
                for j in range(n):
                    if (
                        done[j] == 0
                        and 0 <= ready[j] <= t
                        and c.fixed[j] < 0
                        and (best < 0 or key[j] < key[best])
                        and _fits(avail, c.use_ptr, c.use_res, c.use_dem, j, t, c.dur[j])
                    ):
                        best = j
                if best < 0:
                    break
                j = best
                d = c.dur[j]
                _book(avail, c.use_ptr, c.use_res, c.use_dem, j, t, d)
                start[j] = t
                late = t + d - c.deadline[j]
                if late > 0:
                    violation += late
            done[j] = 1
            n_done += 1
            progress = True
            f = start[j] + c.dur[j]
            if f > makespan:
                makespan = f
            for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
                s = c.succ_idx[e]
                missing[s] -= 1
                if missing[s] == 0:
                    r = c.release[s]
                    for e2 in range(c.pred_ptr[s], c.pred_ptr[s + 1]):
                        i = c.pred_idx[e2]
                        v = start[i] + c.dur[i] + c.pred_lag[e2]
                        if v > r:
                            r = v
                    ready[s] = r
        if n_done == n:
            break
        # Next decision point: a finish, a release, or a change of availability.
        nxt = -1
        for j in range(n):
            if done[j] == 1:
                f = start[j] + c.dur[j]
                if f > t and (nxt < 0 or f < nxt):
                    nxt = f
            elif ready[j] > t and (nxt < 0 or ready[j] < nxt):
                nxt = ready[j]
        while cp < c.change_pts.shape[0] and c.change_pts[cp] <= t:
            cp += 1
        if cp < c.change_pts.shape[0] and (nxt < 0 or c.change_pts[cp] < nxt):
            nxt = c.change_pts[cp]
        if nxt < 0:
            nxt = t + 1
        t = nxt
        if t >= horizon:
            # Past the horizon nothing changes any more: what is left can never fit.
            _restore(avail, c.base_avail, 0, horizon)
            for j in range(n):
                if done[j] == 0 and ready[j] >= 0:
                    return -1, j
            return -1, 0
    _restore(avail, c.base_avail, 0, makespan)
    return makespan, violation


def _compiled(inst: Instance | Compiled) -> Compiled:
    return inst if isinstance(inst, Compiled) else compile_instance(inst)


def serial_sgs(inst: Instance | Compiled, order) -> np.ndarray:
    """Decode an activity list with the serial SGS.

    Parameters
    ----------
    inst : Instance or Compiled
    order : array_like of int, shape (n,)
        A topological order of all activities.

    Returns
    -------
    ndarray of int64, shape (n,)
        Start of every activity.

    Examples
    --------
    >>> inst = Instance(durations=[2, 2, 1], demands=[[1], [1], [0]], capacity=[1],
    ...                 edges=[[0, 2], [1, 2]])
    >>> serial_sgs(inst, [1, 0, 2]).tolist()
    [2, 0, 4]
    """
    c = _compiled(inst)
    order = _check_order(c, order)
    start = np.zeros(c.n, dtype=np.int64)
    makespan, which = serial_sgs_kernel(c, order, start, c.base_avail.copy())
    if makespan < 0:
        raise no_slot(which)
    return start


def parallel_sgs(inst: Instance | Compiled, priority) -> np.ndarray:
    """Schedule with the parallel SGS and a priority value per activity.

    Parameters
    ----------
    inst : Instance or Compiled
    priority : array_like, shape (n,)
        Smaller values are started first; ties go to the smaller index.

    Returns
    -------
    ndarray of int64, shape (n,)
        Start of every activity.

    Examples
    --------
    >>> inst = Instance(durations=[2, 2, 1], demands=[[1], [1], [0]], capacity=[1],
    ...                 edges=[[0, 2], [1, 2]])
    >>> parallel_sgs(inst, [1, 0, 2]).tolist()
    [2, 0, 4]
    """
    c = _compiled(inst)
    key = unique_key(np.asarray(priority))
    start = np.zeros(c.n, dtype=np.int64)
    work = np.zeros(c.n, dtype=np.int64)
    ready = np.zeros(c.n, dtype=np.int64)
    makespan, which = parallel_sgs_kernel(c, key, start, c.base_avail.copy(), work, ready)
    if makespan < 0:
        raise no_slot(which)
    return start


def no_slot(activity: int) -> InfeasibleLeveling:
    """The error for an activity that fits nowhere in the capacity profile."""
    return InfeasibleLeveling(
        f"activity {activity} finds no period range where the capacity left by the other "
        "activities covers its demand",
        (activity,),
    )


def unique_key(values: np.ndarray) -> np.ndarray:
    """Rank of each value, ties broken by index: unique int64 keys for the kernels."""
    order = np.lexsort((np.arange(values.shape[0]), values))
    key = np.empty(values.shape[0], dtype=np.int64)
    key[order] = np.arange(values.shape[0], dtype=np.int64)
    return key


def _check_order(c: Compiled, order) -> np.ndarray:
    order = np.ascontiguousarray(order, dtype=np.int64)
    if order.shape != (c.n,) or not np.array_equal(np.sort(order), np.arange(c.n)):
        raise ValueError("order must be a permutation of all activities")
    pos = np.empty(c.n, dtype=np.int64)
    pos[order] = np.arange(c.n)
    for j in range(c.n):
        for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
            if pos[c.pred_idx[e]] > pos[j]:
                raise ValueError(
                    f"order puts activity {j} before its predecessor {int(c.pred_idx[e])}"
                )
    return order
