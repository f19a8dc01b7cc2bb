"""Forward-backward improvement (justification).

Right-justifying a schedule (every activity as late as possible, latest finishers
first, before the current makespan) and then left-justifying the result (earliest
starters first, as early as possible) never lengthens it and often shortens it: the
activities regroup into denser blocks (Tormos & Lova 2001; Valls, Ballestín &
Quintanilla 2005, "Justification and RCPSP: a technique that pays").

Each pass is one run of a serial SGS and counts as one generated schedule. The argument
that a pass never makes things worse holds with capacities that vary over time and with
fixed activities too: an activity's old position stays available when the activities
processed before it only move away from it.
"""

import numpy as np
from numba import njit

from .instance import Compiled, Instance, compile_instance
from .sgs import serial_backward_kernel, serial_sgs_kernel

__all__ = ["justify", "justify_kernel"]


@njit(cache=True)
def _order_by_finish_desc(c, start, order):
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        key[j] = -((start[j] + c.dur[j]) * c.n + c.rank[j])
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def _order_by_start(c, start, order):
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        key[j] = start[j] * c.n + c.rank[j]
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def justify_kernel(c, start, makespan, passes, order, tmp, avail):
    """Forward-backward improvement in place (numba kernel).

    Parameters
    ----------
    c : Compiled
    start : ndarray of int64, shape (n,)
        A feasible schedule without violation; replaced by the improved one.
    makespan : int
        Its makespan.
    passes : int
        Maximum number of backward+forward rounds; stops early when a round does not
        shorten the schedule.
    order, tmp : ndarray of int64, shape (n,)
        Work arrays. On return ``order`` is the activity list of ``start`` (by start).
    avail : ndarray of int64, shape (H, R)
        Work array equal to ``c.base_avail``.

    Returns
    -------
    makespan : int
        The new makespan.
    schedules : int
        Number of SGS passes run (each counts as a generated schedule).
    """
    schedules = 0
    for _ in range(passes):
        _order_by_finish_desc(c, start, order)
        ok = serial_backward_kernel(c, order, makespan, tmp, avail)
        schedules += 1
        if not ok:
            break
        _order_by_start(c, tmp, order)
        mk, viol = serial_sgs_kernel(c, order, tmp, avail)
        schedules += 1
        if mk < 0 or viol > 0 or mk > makespan:
            break
        improved = mk < makespan
        for j in range(c.n):
            start[j] = tmp[j]
        makespan = mk
        if not improved:
            break
    _order_by_start(c, start, order)
    return makespan, schedules


def justify(inst: Instance | Compiled, start, passes: int = 1) -> np.ndarray:
    """Improve a feasible schedule by forward-backward passes.

    Parameters
    ----------
    inst : Instance or Compiled
    start : array_like of int, shape (n,)
        A feasible schedule.
    passes : int, default 1
        Maximum number of backward+forward rounds.

    Returns
    -------
    ndarray of int64, shape (n,)
        A left-justified schedule whose makespan is not larger.

    Examples
    --------
    The serial SGS on the list 0, 1, 2, 3 finishes at 8; justified, at 7:

    >>> inst = Instance(durations=[2, 2, 3, 3], demands=[[1], [1], [1], [2]],
    ...                 capacity=[2], edges=[])
    >>> justify(inst, [0, 0, 2, 5]).tolist()
    [0, 2, 0, 4]
    """
    c = inst if isinstance(inst, Compiled) else compile_instance(inst)
    start = np.array(start, dtype=np.int64)
    makespan = int((start + c.dur).max()) if c.n else 0
    order = np.zeros(c.n, dtype=np.int64)
    tmp = np.zeros(c.n, dtype=np.int64)
    justify_kernel(c, start, makespan, passes, order, tmp, c.base_avail.copy())
    return start
