"""Genetic algorithm for the makespan (activity lists, two-point crossover, justification).

The method follows Hartmann (1998) and Valls, Ballestín & Quintanilla (2005, 2008):

* an individual is an activity list decoded by the serial SGS; after decoding it is
  improved by one forward-backward pass (double justification) and its list replaced
  by the order of the improved start times, so that the population holds only
  left-justified schedules and equal schedules have equal lists;
* the initial population comes from regret-based biased random sampling on the LFT
  rule;
* children come from the two-point crossover of two parents chosen by tournament,
  with a small chance of swapping neighbours that are not precedence-related;
* a child replaces the worst individual when it is better and not a duplicate.

Every SGS pass (the decoding and each justification pass) counts as one generated
schedule against the budget. Randomness comes from one ``numpy.random.Generator``
created from the seed, so a seed and budget give the same result every time.
"""

import time
from dataclasses import dataclass

import numpy as np
from numba import njit

from .instance import Compiled, Instance, compile_instance
from .justify import justify_kernel
from .priority import priority_values, sample_list_kernel
from .sgs import serial_sgs_kernel

__all__ = ["GaResult", "genetic_algorithm"]


@dataclass(frozen=True)
class GaResult:
    """Outcome of :func:`genetic_algorithm`.

    Attributes
    ----------
    start : ndarray of int64, shape (n,)
        Start of every activity in the best schedule.
    makespan : int
        Its makespan.
    violation : int
        Periods by which free activities overrun fixed successors (0 when feasible).
    schedules : int
        Schedules generated (SGS passes, including justification).
    seconds : float
        Wall time spent.
    """

    start: np.ndarray
    makespan: int
    violation: int
    schedules: int
    seconds: float


@njit(cache=True)
def _better(v1, m1, t1, v2, m2, t2):
    if v1 != v2:
        return v1 < v2
    if m1 != m2:
        return m1 < m2
    return t1 < t2


@njit(cache=True)
def _tiebreak(c, start):
    total = 0
    for j in range(c.n):
        total += c.weight[j] * start[j]
    return total


@njit(cache=True)
def _evaluate(c, order, start, work_order, tmp, avail, passes):
    # Decode, justify, and rewrite the list as the order of the final start times.
    mk, viol = serial_sgs_kernel(c, order, start, avail)
    used = 1
    if mk >= 0 and viol == 0 and passes > 0:
        mk, extra = justify_kernel(c, start, mk, passes, work_order, tmp, avail)
        used += extra
        for k in range(c.n):
            order[k] = work_order[k]
    return mk, viol, used


@njit(cache=True)
def _crossover(c, mother, father, q1, q2, child, taken):
    # Two-point crossover (Hartmann 1998): positions [0, q1) from the mother,
    # [q1, q2) from the father's order of what is left, the rest in the mother's
    # order. Each part keeps a parent's relative order, so the child is topological.
    n = c.n
    for j in range(n):
        taken[j] = 0
    k = 0
    for p in range(q1):
        child[k] = mother[p]
        taken[mother[p]] = 1
        k += 1
    p = 0
    while k < q2:
        j = father[p]
        if taken[j] == 0:
            child[k] = j
            taken[j] = 1
            k += 1
        p += 1
    p = 0
    while k < n:
        j = mother[p]
        if taken[j] == 0:
            child[k] = j
            taken[j] = 1
            k += 1
        p += 1


@njit(cache=True)
def _is_successor(c, i, j):
    for e in range(c.succ_ptr[i], c.succ_ptr[i + 1]):
        if c.succ_idx[e] == j:
            return True
    return False


@njit(cache=True)
def _mutate(c, order, rate, rng):
    for k in range(c.n - 1):
        if rng.random() < rate and not _is_successor(c, order[k], order[k + 1]):
            tmp = order[k]
            order[k] = order[k + 1]
            order[k + 1] = tmp


@njit(cache=True)
def _same(a, b):
    for k in range(a.shape[0]):
        if a[k] != b[k]:
            return False
    return True


@njit(cache=True)
def _init_population(c, values, alpha, rng, pop_order, pop_start, pop_v, pop_m, pop_t, passes):
    n = c.n
    size = pop_order.shape[0]
    avail = c.base_avail.copy()
    tmp = np.empty(n, dtype=np.int64)
    work = np.empty(n, dtype=np.int64)
    missing = np.empty(n, dtype=np.int64)
    elig = np.empty(n, dtype=np.int64)
    used = 0
    for i in range(size):
        if i == 0:
            # The deterministic rule itself: an effectively infinite bias.
            sample_list_kernel(c, values, 60.0, rng, pop_order[i], missing, elig)
        else:
            sample_list_kernel(c, values, alpha, rng, pop_order[i], missing, elig)
        mk, viol, u = _evaluate(c, pop_order[i], pop_start[i], work, tmp, avail, passes)
        used += u
        pop_v[i] = viol
        pop_m[i] = mk if mk >= 0 else 1 << 60
        pop_t[i] = _tiebreak(c, pop_start[i])
    return used


@njit(cache=True)
def _evolve(
    c, rng, pop_order, pop_start, pop_v, pop_m, pop_t, budget, mutation, passes, tournament
):
    n = c.n
    size = pop_order.shape[0]
    avail = c.base_avail.copy()
    child = np.empty(n, dtype=np.int64)
    cstart = np.empty(n, dtype=np.int64)
    tmp = np.empty(n, dtype=np.int64)
    work = np.empty(n, dtype=np.int64)
    taken = np.empty(n, dtype=np.int64)
    used = 0
    while used < budget:
        a = rng.integers(0, size)
        for _ in range(tournament - 1):
            b = rng.integers(0, size)
            if _better(pop_v[b], pop_m[b], pop_t[b], pop_v[a], pop_m[a], pop_t[a]):
                a = b
        f = rng.integers(0, size)
        for _ in range(tournament - 1):
            b = rng.integers(0, size)
            if _better(pop_v[b], pop_m[b], pop_t[b], pop_v[f], pop_m[f], pop_t[f]):
                f = b
        q1 = rng.integers(0, n + 1)
        q2 = rng.integers(0, n + 1)
        if q1 > q2:
            q1, q2 = q2, q1
        _crossover(c, pop_order[a], pop_order[f], q1, q2, child, taken)
        _mutate(c, child, mutation, rng)
        mk, viol, u = _evaluate(c, child, cstart, work, tmp, avail, passes)
        used += u
        if mk < 0:
            continue
        tb = _tiebreak(c, cstart)
        worst = 0
        for i in range(1, size):
            if _better(pop_v[worst], pop_m[worst], pop_t[worst], pop_v[i], pop_m[i], pop_t[i]):
                worst = i
        if not _better(viol, mk, tb, pop_v[worst], pop_m[worst], pop_t[worst]):
            continue
        dup = False
        for i in range(size):
            if pop_m[i] == mk and _same(pop_start[i], cstart):
                dup = True
                break
        if dup:
            continue
        for k in range(n):
            pop_order[worst, k] = child[k]
            pop_start[worst, k] = cstart[k]
        pop_v[worst] = viol
        pop_m[worst] = mk
        pop_t[worst] = tb
    return used


def genetic_algorithm(
    inst: Instance | Compiled,
    schedules: int = 5000,
    time_limit: float | None = None,
    seed: int | np.random.Generator | None = 0,
    population: int = 40,
    mutation: float = 0.05,
    tournament: int = 2,
    lower_bound: int | None = None,
) -> GaResult:
    """Minimise the makespan with the genetic algorithm.

    Parameters
    ----------
    inst : Instance or Compiled
    schedules : int, default 5000
        Budget in generated schedules (every SGS pass counts).
    time_limit : float, optional
        Wall-time budget in seconds; the search stops at whichever budget runs out
        first (checked between batches of about 100 schedules).
    seed : int or numpy.random.Generator, optional
        Seed of the single random generator.
    population : int, default 40
        Population size.
    mutation : float, default 0.05
        Probability of swapping each list position with the next.
    tournament : int, default 2
        Tournament size for choosing parents.
    lower_bound : int, optional
        Stop as soon as a schedule of this makespan is found; default the
        precedence-only (critical path) bound.

    Returns
    -------
    GaResult

    Examples
    --------
    >>> inst = Instance(durations=[2, 2, 2], demands=[[1], [1], [2]], capacity=[2],
    ...                 edges=[])
    >>> genetic_algorithm(inst, schedules=50, seed=1).makespan
    4
    """
    t0 = time.perf_counter()
    c = inst if isinstance(inst, Compiled) else compile_instance(inst)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    lb = c.cpm_makespan if lower_bound is None else lower_bound
    n = c.n
    size = max(2, population)
    pop_order = np.zeros((size, n), dtype=np.int64)
    pop_start = np.zeros((size, n), dtype=np.int64)
    pop_v = np.zeros(size, dtype=np.int64)
    pop_m = np.zeros(size, dtype=np.int64)
    pop_t = np.zeros(size, dtype=np.int64)
    values = priority_values(c, "LFT")
    used = _init_population(c, values, 1.0, rng, pop_order, pop_start, pop_v, pop_m, pop_t, 1)
    batch = 100
    while used < schedules:
        best = _best_index(pop_v, pop_m, pop_t)
        if pop_v[best] == 0 and pop_m[best] <= lb:
            break
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            break
        step = min(batch, schedules - used)
        used += _evolve(
            c, rng, pop_order, pop_start, pop_v, pop_m, pop_t, step, mutation, 1, tournament
        )
    best = _best_index(pop_v, pop_m, pop_t)
    return GaResult(
        start=pop_start[best].copy(),
        makespan=int(pop_m[best]),
        violation=int(pop_v[best]),
        schedules=int(used),
        seconds=time.perf_counter() - t0,
    )


def _best_index(pop_v, pop_m, pop_t) -> int:
    return int(np.lexsort((pop_t, pop_m, pop_v))[0])
