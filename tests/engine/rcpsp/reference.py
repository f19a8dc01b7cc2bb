"""Independent reference implementations for the tests: plain Python, no numba.

Deliberately naive, so that they share no code (and no cleverness) with the engine.
"""

import itertools

import numpy as np

from pmo.engine.rcpsp import Instance


def capacity(inst: Instance, r: int, t: int) -> int:
    """Capacity of resource ``r`` in period ``t`` (the last column repeats)."""
    return int(inst.capacity[r, min(t, inst.capacity.shape[1] - 1)])


def naive_serial(inst: Instance, order) -> list[int]:
    """Serial SGS, period by period: each activity at the earliest start that fits."""
    n, n_res = inst.n_activities, inst.n_resources
    horizon = (
        inst.capacity.shape[1]
        + int(inst.durations.sum())
        + int(inst.lags.sum())
        + int(inst.release.max(initial=0))
        + int(np.max(inst.fixed_start + inst.durations, initial=0))
        + 1
    )
    used = np.zeros((n_res, horizon), dtype=np.int64)
    for j in range(n):
        if inst.fixed_start[j] >= 0:
            s = int(inst.fixed_start[j])
            used[:, s : s + inst.durations[j]] += inst.demands[j][:, None]
    start = [None] * n
    for j in order:
        j = int(j)
        if inst.fixed_start[j] >= 0:
            start[j] = int(inst.fixed_start[j])
            continue
        t = int(inst.release[j])
        for (a, b), lag in zip(inst.edges, inst.lags, strict=True):
            if b == j:
                t = max(t, start[a] + int(inst.durations[a]) + int(lag))
        d = int(inst.durations[j])
        while not all(
            used[r, p] + inst.demands[j, r] <= capacity(inst, r, p)
            for p in range(t, t + d)
            for r in range(n_res)
        ):
            t += 1
        used[:, t : t + d] += inst.demands[j][:, None]
        start[j] = t
    return start


def topological_orders(inst: Instance):
    """Every precedence-feasible permutation of the activities."""
    n = inst.n_activities
    preds = {j: {int(a) for a, b in inst.edges if b == j} for j in range(n)}
    for perm in itertools.permutations(range(n)):
        seen: set[int] = set()
        ok = True
        for j in perm:
            if not preds[j] <= seen:
                ok = False
                break
            seen.add(j)
        if ok:
            yield perm


def optimum(inst: Instance) -> int:
    """Shortest makespan, by the serial SGS over every activity list.

    Every active schedule (and so an optimal one) is the serial SGS of the list of its
    activities sorted by start (Kolisch 1996); deadlines set by fixed successors are
    honoured by skipping the lists that break them.
    """
    best = None
    for perm in topological_orders(inst):
        start = naive_serial(inst, perm)
        late = any(
            start[a] + inst.durations[a] + lag > start[b]
            for (a, b), lag in zip(inst.edges, inst.lags, strict=True)
        )
        if late:
            continue
        makespan = max(s + int(d) for s, d in zip(start, inst.durations, strict=True))
        if best is None or makespan < best:
            best = makespan
    return best
