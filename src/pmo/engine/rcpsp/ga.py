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

from .instance import NO_DEADLINE, Compiled, Instance, compile_instance
from .justify import justify_kernel
from .priority import priority_values, sample_list_kernel
from .sgs import no_slot, serial_backward_kernel, serial_sgs_kernel

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


#: Makespan recorded for a list whose decoding found no slot for some activity.
_FAILED = 1 << 60


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
def _mutate(c, order, rate, rng, right):
    for k in range(c.n - 1):
        if rng.random() >= rate:
            continue
        if right:
            linked = _is_successor(c, order[k + 1], order[k])
        else:
            linked = _is_successor(c, order[k], order[k + 1])
        if not linked:
            tmp = order[k]
            order[k] = order[k + 1]
            order[k + 1] = tmp


@njit(cache=True)
def _shift_move(c, order, rng, right, pos):
    # Move one activity to a random list position between its last "before"
    # neighbour (predecessor on a left list, successor on a right one) and its first
    # "after" neighbour, keeping the list a valid order.
    n = c.n
    for k in range(n):
        pos[order[k]] = k
    p = rng.integers(0, n)
    j = order[p]
    lo = 0
    hi = n - 1
    for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
        q = pos[c.pred_idx[e]]
        if right:
            if q - 1 < hi:
                hi = q - 1
        elif q + 1 > lo:
            lo = q + 1
    for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
        q = pos[c.succ_idx[e]]
        if right:
            if q + 1 > lo:
                lo = q + 1
        elif q - 1 < hi:
            hi = q - 1
    target = lo + rng.integers(0, hi - lo + 1)
    if target > p:
        for k in range(p, target):
            order[k] = order[k + 1]
    else:
        for k in range(p, target, -1):
            order[k] = order[k - 1]
    order[target] = j


@njit(cache=True)
def _window_shuffle(c, order, rng, k, right, mark, buf):
    # Random re-ordering of k consecutive list positions, keeping the precedence
    # relations among them (a random topological order of the window).
    n = c.n
    if k > n:
        k = n
    p = rng.integers(0, n - k + 1)
    for j in range(n):
        mark[j] = 0
    for q in range(p, p + k):
        mark[order[q]] = 1
    for q in range(k):
        buf[q] = order[p + q]
    left = k
    out = p
    while left > 0:
        # Pick uniformly among window items none of whose "before" neighbours in the
        # window is still unplaced.
        count = 0
        for q in range(left):
            j = buf[q]
            free = True
            if right:
                for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
                    if mark[c.succ_idx[e]] == 1:
                        free = False
                        break
            else:
                for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
                    if mark[c.pred_idx[e]] == 1:
                        free = False
                        break
            if free:
                count += 1
        pick = rng.integers(0, count)
        for q in range(left):
            j = buf[q]
            free = True
            if right:
                for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
                    if mark[c.succ_idx[e]] == 1:
                        free = False
                        break
            else:
                for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
                    if mark[c.pred_idx[e]] == 1:
                        free = False
                        break
            if free:
                if pick == 0:
                    order[out] = j
                    out += 1
                    mark[j] = 2
                    buf[q] = buf[left - 1]
                    left -= 1
                    break
                pick -= 1


@njit(cache=True)
def _same(a, b):
    for k in range(a.shape[0]):
        if a[k] != b[k]:
            return False
    return True


@njit(cache=True)
def _shift_to_zero(c, start):
    low = start[0]
    for j in range(c.n):
        if start[j] < low:
            low = start[j]
    mk = 0
    for j in range(c.n):
        start[j] -= low
        if start[j] + c.dur[j] > mk:
            mk = start[j] + c.dur[j]
    return mk


@njit(cache=True)
def _order_finish_desc(c, start, order):
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        key[j] = -((start[j] + c.dur[j]) * c.n + c.rank[j])
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def _order_start(c, start, order):
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        key[j] = start[j] * c.n + c.rank[j]
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def _forward_then_back(c, order, fstart, bstart, border, avail):
    # Bi-population step from a left list: forward decode (one schedule), then one
    # backward pass (a second) gives the right-justified twin, shifted to start at 0.
    mk, viol = serial_sgs_kernel(c, order, fstart, avail)
    _order_start(c, fstart, order)
    _order_finish_desc(c, fstart, border)
    serial_backward_kernel(c, border, mk, bstart, avail)
    bmk = _shift_to_zero(c, bstart)
    _order_finish_desc(c, bstart, border)
    return mk, bmk


@njit(cache=True)
def _back_then_forward(c, order, bstart, fstart, forder, avail):
    # Mirror of _forward_then_back for a right list: backward decode from the end of
    # the horizon (capacities are constant here, so a shift keeps it feasible).
    horizon = avail.shape[0]
    serial_backward_kernel(c, order, horizon, bstart, avail)
    bmk = _shift_to_zero(c, bstart)
    _order_finish_desc(c, bstart, order)
    _order_start(c, bstart, forder)
    mk, viol = serial_sgs_kernel(c, forder, fstart, avail)
    _order_start(c, fstart, forder)
    return bmk, mk


@njit(cache=True)
def _fwd_from(c, bstart, forder, fstart, avail):
    _order_start(c, bstart, forder)
    mk, viol = serial_sgs_kernel(c, forder, fstart, avail)
    _order_start(c, fstart, forder)
    return mk


@njit(cache=True)
def _bwd_from(c, fstart, mk, border, bstart, avail):
    _order_finish_desc(c, fstart, border)
    serial_backward_kernel(c, border, mk, bstart, avail)
    bmk = _shift_to_zero(c, bstart)
    _order_finish_desc(c, bstart, border)
    return bmk


@njit(cache=True)
def _peak_window(c, start, loads, frac_lo, frac_hi, rng, profile):
    # The father's busiest stretch: the window of random length with the largest
    # resource utilisation, as time bounds [a, b).
    mk = 0
    for j in range(c.n):
        if start[j] + c.dur[j] > mk:
            mk = start[j] + c.dur[j]
    for t in range(mk + 1):
        profile[t] = 0.0
    for j in range(c.n):
        if c.dur[j] > 0:
            profile[start[j]] += loads[j]
            profile[start[j] + c.dur[j]] -= loads[j]
    run = 0.0
    for t in range(mk):
        run += profile[t]
        profile[t] = run
    lo = max(1, int(frac_lo * mk))
    hi = max(lo, int(frac_hi * mk))
    length = lo + rng.integers(0, hi - lo + 1)
    if length >= mk:
        return 0, mk
    window = 0.0
    for t in range(length):
        window += profile[t]
    best = window
    best_a = 0
    for a in range(1, mk - length + 1):
        window += profile[a + length - 1] - profile[a - 1]
        if window > best + 1e-9:
            best = window
            best_a = a
    return best_a, best_a + length


@njit(cache=True)
def _peak_crossover(c, mother, father, fstart, right, a, b, child, taken):
    # The father's block of activities in [a, b) (by start for a left list, by finish
    # for a right list) is kept as is; what comes before it in the father is put in
    # the mother's order, and so is what comes after.
    n = c.n
    for j in range(n):
        taken[j] = 0
    for j in range(n):
        if right:
            f = fstart[j] + c.dur[j]
            if f > b:
                taken[j] = 1
            elif f > a:
                taken[j] = 2
        else:
            if fstart[j] < a:
                taken[j] = 1
            elif fstart[j] < b:
                taken[j] = 2
    k = 0
    for p in range(n):
        if taken[mother[p]] == 1:
            child[k] = mother[p]
            k += 1
    for p in range(n):
        if taken[father[p]] == 2:
            child[k] = father[p]
            k += 1
    for p in range(n):
        if taken[mother[p]] == 0:
            child[k] = mother[p]
            k += 1


@njit(cache=True)
def _insert(c, pop_order, pop_start, pop_v, pop_m, pop_t, lo, hi, order, start, v, m, t):
    worst = lo
    for i in range(lo + 1, hi):
        if _better(pop_v[worst], pop_m[worst], pop_t[worst], pop_v[i], pop_m[i], pop_t[i]):
            worst = i
    if _better(pop_v[worst], pop_m[worst], pop_t[worst], v, m, t):
        return False
    for i in range(lo, hi):
        if pop_m[i] == m and _same(pop_start[i], start):
            return False
    for k in range(c.n):
        pop_order[worst, k] = order[k]
        pop_start[worst, k] = start[k]
    pop_v[worst] = v
    pop_m[worst] = m
    pop_t[worst] = t
    return True


@njit(cache=True)
def _pick(rng, pop_v, pop_m, pop_t, lo, hi, tournament):
    a = lo + rng.integers(0, hi - lo)
    for _ in range(tournament - 1):
        b = lo + rng.integers(0, hi - lo)
        if _better(pop_v[b], pop_m[b], pop_t[b], pop_v[a], pop_m[a], pop_t[a]):
            a = b
    return a


@njit(cache=True)
def _bipop_init(c, values, alpha, rng, pop_order, pop_start, pop_v, pop_m, pop_t, mix):
    n = c.n
    size = pop_order.shape[0] // 2
    avail = c.base_avail.copy()
    missing = np.empty(n, dtype=np.int64)
    elig = np.empty(n, dtype=np.int64)
    for i in range(size):
        bias = 60.0 if i == 0 else alpha
        if i > 0 and i >= size - int(mix * size):
            bias = 0.0
        sample_list_kernel(c, values, bias, rng, pop_order[i], missing, elig)
        mk, bmk = _forward_then_back(
            c, pop_order[i], pop_start[i], pop_start[size + i], pop_order[size + i], avail
        )
        pop_m[i] = mk
        pop_m[size + i] = bmk
        pop_v[i] = 0
        pop_v[size + i] = 0
        pop_t[i] = _tiebreak(c, pop_start[i])
        pop_t[size + i] = _tiebreak(c, pop_start[size + i])
    return 2 * size


@njit(cache=True)
def _bipop_restart(c, values, alpha, rng, pop_order, pop_start, pop_v, pop_m, pop_t, keep):
    # Keep the best ``keep`` of each side, resample the rest: fresh material for a
    # population that has converged.
    n = c.n
    size = pop_order.shape[0] // 2
    avail = c.base_avail.copy()
    missing = np.empty(n, dtype=np.int64)
    elig = np.empty(n, dtype=np.int64)
    used = 0
    for side in range(2):
        lo = side * size
        key = np.empty(size, dtype=np.int64)
        for i in range(size):
            key[i] = pop_m[lo + i] * (1 << 20) + i
        idx = np.argsort(key)
        for r in range(keep, size):
            i = lo + idx[r]
            # Sample a list, decode it, and keep the twin that belongs on this side.
            fo = np.empty(n, dtype=np.int64)
            fs = np.empty(n, dtype=np.int64)
            bo = np.empty(n, dtype=np.int64)
            bs = np.empty(n, dtype=np.int64)
            sample_list_kernel(c, values, alpha, rng, fo, missing, elig)
            mk, bmk = _forward_then_back(c, fo, fs, bs, bo, avail)
            used += 2
            if side == 0:
                pop_order[i] = fo
                pop_start[i] = fs
                pop_m[i] = mk
            else:
                pop_order[i] = bo
                pop_start[i] = bs
                pop_m[i] = bmk
            pop_v[i] = 0
            pop_t[i] = _tiebreak(c, pop_start[i])
    return used


@njit(cache=True)
def _bipop_evolve(
    c, rng, pop_order, pop_start, pop_v, pop_m, pop_t, budget, mutation, tournament,
    p_peak, frac_lo, frac_hi, loads, insert_both, extra, p_elite, shifts, elite_pick, p_cross,
    window, conv_elite, conv_gap,
):
    n = c.n
    size = pop_order.shape[0] // 2
    avail = c.base_avail.copy()
    child = np.empty(n, dtype=np.int64)
    child2 = np.empty(n, dtype=np.int64)
    flist = np.empty(n, dtype=np.int64)
    s1 = np.empty(n, dtype=np.int64)
    s2 = np.empty(n, dtype=np.int64)
    taken = np.empty(n, dtype=np.int64)
    profile = np.empty(avail.shape[0] + 1, dtype=np.float64)
    used = 0
    side = 0
    while used < budget:
        lo = side * size
        hi = lo + size
        pe = p_elite
        if conv_elite > 0.0:
            mmin = pop_m[lo]
            mmax = pop_m[lo]
            for i in range(lo + 1, hi):
                if pop_m[i] < mmin:
                    mmin = pop_m[i]
                if pop_m[i] > mmax:
                    mmax = pop_m[i]
            if mmax - mmin <= conv_gap:
                pe = conv_elite
        if rng.random() < pe:
            e_i = lo
            for i in range(lo + 1, hi):
                if _better(pop_v[i], pop_m[i], pop_t[i], pop_v[e_i], pop_m[e_i], pop_t[e_i]):
                    e_i = i
            if elite_pick > 0:
                e_i = _pick(rng, pop_v, pop_m, pop_t, lo, hi, elite_pick)
            for k in range(n):
                child[k] = pop_order[e_i, k]
            if window > 0:
                _window_shuffle(c, child, rng, window, side == 1, taken, child2)
            else:
                for _ in range(shifts):
                    _shift_move(c, child, rng, side == 1, taken)
        else:
            m_i = _pick(rng, pop_v, pop_m, pop_t, lo, hi, tournament)
            if rng.random() < p_cross:
                # A father from the other side, its schedule read in this side's order.
                olo = (1 - side) * size
                f_i = _pick(rng, pop_v, pop_m, pop_t, olo, olo + size, tournament)
                if side == 0:
                    _order_start(c, pop_start[f_i], flist)
                else:
                    _order_finish_desc(c, pop_start[f_i], flist)
            else:
                f_i = _pick(rng, pop_v, pop_m, pop_t, lo, hi, tournament)
                for k in range(n):
                    flist[k] = pop_order[f_i, k]
            if rng.random() < p_peak:
                a, b = _peak_window(c, pop_start[f_i], loads, frac_lo, frac_hi, rng, profile)
                _peak_crossover(c, pop_order[m_i], flist, pop_start[f_i], side == 1,
                                a, b, child, taken)
            else:
                q1 = rng.integers(0, n + 1)
                q2 = rng.integers(0, n + 1)
                if q1 > q2:
                    q1, q2 = q2, q1
                _crossover(c, pop_order[m_i], flist, q1, q2, child, taken)
            _mutate(c, child, mutation, rng, side == 1)
        if side == 0:
            mk, bmk = _forward_then_back(c, child, s1, s2, child2, avail)
        else:
            bmk, mk = _back_then_forward(c, child, s2, s1, child2, avail)
            tmpo = child
            child = child2
            child2 = tmpo
        used += 2
        # child/s1/mk: left schedule; child2/s2/bmk: right schedule.
        last = 1 - side
        k = 0
        while k < extra:
            if last == 1:
                if bmk >= mk:
                    break
                mk2 = _fwd_from(c, s2, child, s1, avail)
                used += 1
                k += 1
                improved = mk2 < bmk
                mk = mk2
                last = 0
            else:
                if mk >= bmk:
                    break
                bmk2 = _bwd_from(c, s1, mk, child2, s2, avail)
                used += 1
                k += 1
                improved = bmk2 < mk
                bmk = bmk2
                last = 1
            if not improved:
                break
        if side == 0:
            _insert(c, pop_order, pop_start, pop_v, pop_m, pop_t, size, 2 * size, child2, s2,
                    0, bmk, _tiebreak(c, s2))
            if insert_both:
                _insert(c, pop_order, pop_start, pop_v, pop_m, pop_t, 0, size, child, s1,
                        0, mk, _tiebreak(c, s1))
        else:
            _insert(c, pop_order, pop_start, pop_v, pop_m, pop_t, 0, size, child, s1,
                    0, mk, _tiebreak(c, s1))
            if insert_both:
                _insert(c, pop_order, pop_start, pop_v, pop_m, pop_t, size, 2 * size, child2, s2,
                        0, bmk, _tiebreak(c, s2))
        side = 1 - side
    return used


@njit(cache=True)
def _single_init(c, values, alpha, rng, pop_order, pop_start, pop_v, pop_m, pop_t):
    n = c.n
    size = pop_order.shape[0]
    avail = c.base_avail.copy()
    tmp = np.empty(n, dtype=np.int64)
    work = np.empty(n, dtype=np.int64)
    missing = np.empty(n, dtype=np.int64)
    elig = np.empty(n, dtype=np.int64)
    used = 0
    for i in range(size):
        bias = 60.0 if i == 0 else alpha
        sample_list_kernel(c, values, bias, rng, pop_order[i], missing, elig)
        mk, viol, u = _evaluate(c, pop_order[i], pop_start[i], work, tmp, avail, 1)
        used += u
        pop_v[i] = viol
        pop_m[i] = mk if mk >= 0 else _FAILED
        pop_t[i] = _tiebreak(c, pop_start[i])
    return used


@njit(cache=True)
def _single_evolve(
    c, rng, pop_order, pop_start, pop_v, pop_m, pop_t, budget, mutation, tournament,
    p_peak, frac_lo, frac_hi, loads,
):
    # Fallback when capacities vary or activities are fixed: one population of
    # left-justified schedules, each child decoded and double-justified (3 passes).
    n = c.n
    size = pop_order.shape[0]
    avail = c.base_avail.copy()
    child = np.empty(n, dtype=np.int64)
    cstart = np.empty(n, dtype=np.int64)
    tmp = np.empty(n, dtype=np.int64)
    work = np.empty(n, dtype=np.int64)
    taken = np.empty(n, dtype=np.int64)
    profile = np.empty(avail.shape[0] + 1, dtype=np.float64)
    used = 0
    while used < budget:
        m_i = _pick(rng, pop_v, pop_m, pop_t, 0, size, tournament)
        f_i = _pick(rng, pop_v, pop_m, pop_t, 0, size, tournament)
        if rng.random() < p_peak:
            a, b = _peak_window(c, pop_start[f_i], loads, frac_lo, frac_hi, rng, profile)
            _peak_crossover(c, pop_order[m_i], pop_order[f_i], pop_start[f_i], False, a, b,
                            child, taken)
        else:
            q1 = rng.integers(0, n + 1)
            q2 = rng.integers(0, n + 1)
            if q1 > q2:
                q1, q2 = q2, q1
            _crossover(c, pop_order[m_i], pop_order[f_i], q1, q2, child, taken)
        _mutate(c, child, mutation, rng, False)
        mk, viol, u = _evaluate(c, child, cstart, work, tmp, avail, 1)
        used += u
        if mk < 0:
            continue
        _insert(c, pop_order, pop_start, pop_v, pop_m, pop_t, 0, size, child, cstart, viol, mk,
                _tiebreak(c, cstart))
    return used


def _shift_invariant(c: Compiled) -> bool:
    # Constant capacity, nothing fixed, no release dates or deadlines: a schedule can
    # be shifted in time and stays feasible, which the bi-population search relies on.
    return (
        c.change_pts.shape[0] == 0
        and not (c.fixed >= 0).any()
        and not (c.release > 0).any()
        and not (c.deadline < NO_DEADLINE).any()
    )


def _loads(c: Compiled) -> np.ndarray:
    peak = np.maximum(c.base_avail.max(axis=0), 1).astype(np.float64)
    if c.n_res == 0:
        return np.zeros(c.n, dtype=np.float64)
    return (c.dem / peak[None, :]).sum(axis=1) / c.n_res


def genetic_algorithm(
    inst: Instance | Compiled,
    schedules: int = 5000,
    time_limit: float | None = None,
    seed: int | np.random.Generator | None = 0,
    population: int = 60,
    mutation: float = 0.05,
    tournament: int = 2,
    lower_bound: int | None = None,
    p_peak: float = 0.8,
    frac_lo: float = 0.1,
    frac_hi: float = 0.5,
    insert_both: bool = False,
    bipop: bool | None = None,
    extra: int = 0,
    p_elite: float = 0.0,
    shifts: int = 6,
    elite_pick: int = 3,
    stall: int = 0,
    keep: int = 1,
    alpha: float = 1.0,
    p_cross: float = 0.5,
    window: int = 0,
    conv_elite: float = 0.5,
    conv_gap: int = 1,
    mix: float = 0.5,
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
    if bipop is None:
        bipop = _shift_invariant(c)
    rows = 2 * size if bipop else size
    pop_order = np.zeros((rows, n), dtype=np.int64)
    pop_start = np.zeros((rows, n), dtype=np.int64)
    pop_v = np.zeros(rows, dtype=np.int64)
    pop_m = np.zeros(rows, dtype=np.int64)
    pop_t = np.zeros(rows, dtype=np.int64)
    values = priority_values(c, "LFT")
    loads = _loads(c)
    if bipop:
        used = _bipop_init(c, values, alpha, rng, pop_order, pop_start, pop_v, pop_m, pop_t, mix)
    else:
        used = _single_init(c, values, 1.0, rng, pop_order, pop_start, pop_v, pop_m, pop_t)
    batch = 100
    best_m = pop_m.min()
    last_gain = used
    while used < schedules:
        if pop_m.min() < best_m:
            best_m = pop_m.min()
            last_gain = used
        if bipop and stall > 0 and used - last_gain >= stall:
            used += _bipop_restart(c, values, alpha, rng, pop_order, pop_start, pop_v, pop_m,
                                   pop_t, keep)
            last_gain = used
        best = _best_index(pop_v, pop_m, pop_t)
        if pop_v[best] == 0 and pop_m[best] <= lb:
            break
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            break
        step = min(batch, schedules - used)
        if bipop:
            used += _bipop_evolve(
                c, rng, pop_order, pop_start, pop_v, pop_m, pop_t, step, mutation, tournament,
                p_peak, frac_lo, frac_hi, loads, insert_both, extra, p_elite, shifts,
                elite_pick, p_cross, window, conv_elite, conv_gap,
            )
        else:
            used += _single_evolve(
                c, rng, pop_order, pop_start, pop_v, pop_m, pop_t, step, mutation, tournament,
                p_peak, frac_lo, frac_hi, loads,
            )
    best = _best_index(pop_v, pop_m, pop_t)
    if pop_m[best] >= _FAILED:
        # Every decoding ran out of horizon: one more tells which activity.
        _, which = serial_sgs_kernel(c, pop_order[best], pop_start[best], c.base_avail.copy())
        raise no_slot(int(which))
    start = pop_start[best].copy()
    makespan, violation = int(pop_m[best]), int(pop_v[best])
    if violation == 0:
        # The best may be right-justified: one forward pass moves every activity as
        # early as it can go without lengthening the schedule.
        order = np.argsort(start * n + c.rank, kind="stable")
        left = np.empty(n, dtype=np.int64)
        mk, viol = serial_sgs_kernel(c, order, left, c.base_avail.copy())
        used += 1
        if 0 <= mk <= makespan and viol == 0:
            start, makespan = left, int(mk)
    return GaResult(
        start=start,
        makespan=makespan,
        violation=violation,
        schedules=int(used),
        seconds=time.perf_counter() - t0,
    )


def _best_index(pop_v, pop_m, pop_t) -> int:
    return int(np.lexsort((pop_t, pop_m, pop_v))[0])
