"""Genetic algorithm for the makespan: activity lists, justification, peak crossover.

The method combines the ingredients of the best population methods for the RCPSP:

* **Activity lists decoded by the serial SGS**, every child justified (Hartmann 1998;
  Valls, Ballestín & Quintanilla 2005). A list is always rewritten as the order of
  its justified schedule; activities that start (or end) together keep the order
  they had in the list just decoded, so what the parents' lists said about them is
  inherited instead of reset to a fixed order (about 0.1 points of J120 deviation).
* **Two populations** (Debels & Vanhoucke's bi-population idea): left-justified
  schedules, and right-justified ones. A child of two left parents is decoded forward
  and right-justified into the right population; a child of two right parents is
  decoded backward and left-justified into the left one. Each child costs two
  schedules and is justified, where decoding plus double justification costs three.
  This needs schedules that stay feasible when shifted in time (constant capacities,
  nothing fixed, no release dates); otherwise one population of left-justified,
  double-justified schedules is used.
* **Parallel decoding early on**: at first every child is decoded by the parallel
  SGS (list positions as priorities: the non-delay schedule of the list) instead of
  the serial one, forward for the left population and on the mirrored network for
  the right one, then justified as usual; the share falls linearly to none at 45 %
  of the budget, and from there every child is decoded serially. A non-delay
  schedule is often a poor one, but justified it lands where the serial decoder
  would not take the list, and the population gains what the two decoders find
  together (Hartmann's 2002 self-adapting GA chose between them per individual).
  Late in the search it only disturbs a population that is closing in (decoding more
  in the second half than in the first was 0.19 points worse). J120 deviation at
  5,000 schedules, seeds 1-4 (runs that differ only in their random stream move by
  about 0.04): 32.44/32.51/32.54/32.47 % without it; 32.22/32.20/32.18/32.18 % with
  15 % throughout; 32.05/31.97/32.07/31.97 % with 35 % until 35 % of the budget;
  31.96/31.91/31.98/31.95 % as it is (seeds 5-6: 32.02/32.03 -> 31.97/32.00).
  Falling from 100 % to none at 30 or 60 % of the budget: means of 31.98 and
  32.03; from 80 % to none at 45 %: 31.97; as the square of the remaining share to
  none at 60 %: 31.97; as its square root to none at 35 %: 31.98.
* **Peak crossover** (Valls, Ballestín & Quintanilla 2008): the child keeps the
  father's densest stretch of the schedule (the window of highest resource
  utilisation) and takes the rest in the mother's order, for 95 % of the children;
  otherwise a two-point crossover (Hartmann 1998). Half of the fathers come from the
  other population. With parallel decoding at 15 % throughout, 95 % was no worse
  than the 80 % tuned before it, and J30 did better (J120 seeds 1-4: 32.22/32.20/
  32.18/32.18 -> 32.17/32.15/32.22/32.18 %, within seed noise; J30 0.031 -> 0.023 %).
* **Diversity**: half of the initial lists are drawn by regret-based sampling on
  the LFT rule, half uniformly; a child equal in makespan to the worst may replace
  it (the population drifts on plateaus) but never duplicates a schedule; once a
  population has (almost) converged, most of its children are instead a good
  individual with a few activities moved to other positions, one of them on the
  individual's critical chain (below). A crossover child that equals a parent gets a
  move too: decoded, it would only repeat a schedule already there (better J30
  figures, and J120's no worse).
* **Critical-chain moves**: in a converged population the makespan is held by a chain
  of activities, each starting when the one before it ends, either its predecessor
  or one using a resource it needs. Moving an activity of the chain before the
  activity that blocks it on a resource (as the neighbourhoods of job-shop local
  search swap operations on a critical path) changes what decides the makespan, where
  a move of a random activity often changes nothing that matters. Reading the chain
  off a schedule generates no schedule. Worth about 0.06 points of J120 deviation at
  5,000 schedules (seeds 1-3: 32.51/32.56/32.59 -> 32.44/32.51/32.54 %), with three
  random moves instead of six; J30 stays within its seed noise.
* **Ranking on plateaus**: among equal makespans (and equal leveling priority), the
  schedule whose work ends earliest ranks first, so selection and replacement still
  have a direction once a population shares one makespan.

Every SGS pass counts as one generated schedule, and the budget is never exceeded.
Randomness comes from one ``numpy.random.Generator`` made from the seed, so a seed and
a budget give the same schedule every time (a ``time_limit`` can stop earlier).
"""

import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from .instance import NO_DEADLINE, Compiled, Instance, compile_instance
from .justify import justify_kernel
from .priority import priority_values, sample_list_kernel
from .sgs import no_slot, parallel_sgs_kernel, serial_backward_kernel, serial_sgs_kernel

__all__ = ["GaParams", "GaResult", "genetic_algorithm"]

#: Makespan recorded for a list whose decoding found no slot for some activity.
_FAILED = 1 << 60


@dataclass(frozen=True)
class GaParams:
    """Tuning of :func:`genetic_algorithm` (the defaults are tuned on PSPLIB J30/J120).

    Attributes
    ----------
    population : int
        Individuals per population.
    mutation : float
        Probability of swapping each list position with the next.
    tournament : int
        Tournament size when choosing parents.
    p_peak : float
        Probability of the peak crossover (else two-point).
    peak_min, peak_max : float
        Length of the father's peak window, as fractions of its makespan.
    p_cross : float
        Probability that the father comes from the other population.
    alpha : float
        Bias of the regret-based sampling of the initial lists.
    uniform : float
        Fraction of the initial lists drawn uniformly instead.
    converged_gap : int
        A population whose makespans span at most this many periods has converged.
    p_perturb : float
        Probability, in a converged population, that a child is a perturbed copy.
    moves : int
        Activities moved to random positions in a perturbed copy.
    critical : int
        Moves along the critical chain in a perturbed copy, made before the random
        ones (0: random moves only).
    perturb_tournament : int
        Tournament size for choosing the individual to perturb.
    fresh : bool
        Move a child that equals one of its parents until it differs.
    stable : bool
        Activities that start (or end) together keep their order from the list just
        decoded, rather than a fixed order.
    p_parallel : float
        Probability, at the start of the search, that a child is decoded by the
        parallel SGS instead of the serial one before it is justified (two populations
        only). It falls linearly to 0 at ``parallel_until``.
    parallel_until : float
        Fraction of the budget from which every child is decoded serially.
    """

    population: int = 60
    mutation: float = 0.05
    tournament: int = 2
    p_peak: float = 0.95
    peak_min: float = 0.1
    peak_max: float = 0.5
    p_cross: float = 0.5
    alpha: float = 1.0
    uniform: float = 0.5
    converged_gap: int = 1
    p_perturb: float = 0.8
    moves: int = 3
    critical: int = 1
    perturb_tournament: int = 3
    fresh: bool = True
    stable: bool = True
    p_parallel: float = 1.0
    parallel_until: float = 0.45


@dataclass(frozen=True)
class GaResult:
    """Outcome of :func:`genetic_algorithm`.

    Attributes
    ----------
    start : ndarray of int64, shape (n,)
        Start of every activity in the best schedule (left-justified).
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


class _Population(NamedTuple):
    order: np.ndarray  # (rows, n) activity lists
    start: np.ndarray  # (rows, n) schedules
    viol: np.ndarray  # (rows,)
    span: np.ndarray  # (rows,) makespans
    tie: np.ndarray  # (rows,) leveling-priority tie-break
    late: np.ndarray  # (rows,) float64, how late the work ends (see _lateness)


@njit(cache=True)
def _better(v1, m1, t1, l1, v2, m2, t2, l2):
    if v1 != v2:
        return v1 < v2
    if m1 != m2:
        return m1 < m2
    if t1 != t2:
        return t1 < t2
    return l1 < l2


@njit(cache=True)
def _tiebreak(c, start):
    # Among equal makespans, prefer high leveling priority starting early.
    total = 0
    for j in range(c.n):
        total += c.weight[j] * start[j]
    return total


@njit(cache=True)
def _lateness(c, start, right):
    # Most schedules of a population share the best makespan, and then the makespan
    # alone cannot tell which one is nearer to a shorter schedule. This prefers the
    # one whose work ends earliest: the sum of cubed finish times (mirrored, from the
    # end, for a right-justified schedule) weighs the last activities most, so fewer
    # activities end at the makespan, and fewer near it. Worth about 0.15 points of
    # J120 deviation at 5,000 schedules.
    makespan = 0
    for j in range(c.n):
        if start[j] + c.dur[j] > makespan:
            makespan = start[j] + c.dur[j]
    total = 0.0
    for j in range(c.n):
        x = float(makespan - start[j]) if right else float(start[j] + c.dur[j])
        total += x * x * x
    return total


@njit(cache=True)
def _order_start(c, start, order):
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        key[j] = start[j] * c.n + c.rank[j]
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def _order_finish_desc(c, start, order):
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        key[j] = -((start[j] + c.dur[j]) * c.n + c.rank[j])
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def _positions(order, pos, reverse):
    # Position of every activity in a list (from the end when ``reverse``).
    n = order.shape[0]
    for k in range(n):
        pos[order[k]] = n - 1 - k if reverse else k


@njit(cache=True)
def _sort_by(c, start, ties, order, by_finish):
    # Like _order_start / _order_finish_desc, but equal times keep the order given by
    # ``ties`` (positions in the list the schedule came from), so that a child keeps
    # its parents' order among activities that start (or end) together.
    key = np.empty(c.n, dtype=np.int64)
    for j in range(c.n):
        if by_finish:
            key[j] = -(start[j] + c.dur[j]) * c.n + ties[j]
        else:
            key[j] = start[j] * c.n + ties[j]
    idx = np.argsort(key)
    for k in range(c.n):
        order[k] = idx[k]


@njit(cache=True)
def _shift_to_zero(c, start):
    low = start[0]
    for j in range(c.n):
        if start[j] < low:
            low = start[j]
    makespan = 0
    for j in range(c.n):
        start[j] -= low
        if start[j] + c.dur[j] > makespan:
            makespan = start[j] + c.dur[j]
    return makespan


@njit(cache=True)
def _relist(c, start, src, reverse, dst, by_finish, stable, pos):
    # ``dst`` becomes the list of the schedule ``start``: by start time, or by finish
    # time from the last (``by_finish``). With ``stable``, equal times keep their order
    # in the list ``src`` (read from its end when ``reverse``); else the fixed rank
    # decides. ``src`` may be ``dst``.
    if stable:
        _positions(src, pos, reverse)
        _sort_by(c, start, pos, dst, by_finish)
    elif by_finish:
        _order_finish_desc(c, start, dst)
    else:
        _order_start(c, start, dst)


@njit(cache=True)
def _parallel_decode(c, order, start, avail, work):
    # The parallel SGS with the list's positions as priorities, first served first.
    _positions(order, work[0], False)
    makespan, _ = parallel_sgs_kernel(c, work[0], start, avail, work[1], work[2])
    return makespan


@njit(cache=True)
def _forward_then_back(c, order, fstart, bstart, border, avail, stable, parallel, work):
    # From a left list: forward decode (by the serial SGS, or the parallel one when
    # ``parallel``), then one backward pass gives the right-justified twin, shifted
    # to start at 0. Two schedules.
    if parallel:
        makespan = _parallel_decode(c, order, fstart, avail, work)
    else:
        makespan, _ = serial_sgs_kernel(c, order, fstart, avail)
    pos = np.empty(c.n, dtype=np.int64)
    _relist(c, fstart, order, False, order, False, stable, pos)
    _relist(c, fstart, order, True, border, True, stable, pos)
    serial_backward_kernel(c, border, makespan, bstart, avail)
    back = _shift_to_zero(c, bstart)
    _relist(c, bstart, border, False, border, True, stable, pos)
    return makespan, back


@njit(cache=True)
def _back_then_forward(c, mc, order, bstart, fstart, forder, avail, stable, parallel, work):
    # From a right list: backward decode from the end of the horizon (capacities
    # are constant here, so the shift to 0 keeps it feasible), then one forward pass.
    # In parallel, the list decodes forward on the mirrored network ``mc`` (every
    # link reversed), whose schedule read backwards in time is the backward one.
    if parallel:
        back = _parallel_decode(mc, order, fstart, avail, work)
        for j in range(c.n):
            bstart[j] = back - fstart[j] - c.dur[j]
    else:
        serial_backward_kernel(c, order, avail.shape[0], bstart, avail)
        back = _shift_to_zero(c, bstart)
    pos = np.empty(c.n, dtype=np.int64)
    _relist(c, bstart, order, False, order, True, stable, pos)
    _relist(c, bstart, order, True, forder, False, stable, pos)
    makespan, _ = serial_sgs_kernel(c, forder, fstart, avail)
    _relist(c, fstart, forder, False, forder, False, stable, pos)
    return back, makespan


@njit(cache=True)
def _decode_justify(c, order, start, work, tmp, avail):
    # One population: forward decode, then a backward and a forward pass.
    makespan, viol = serial_sgs_kernel(c, order, start, avail)
    used = 1
    if makespan >= 0 and viol == 0:
        makespan, extra = justify_kernel(c, start, makespan, 1, work, tmp, avail)
        used += extra
        for k in range(c.n):
            order[k] = work[k]
    elif makespan < 0:
        makespan = _FAILED
    return makespan, viol, used


@njit(cache=True)
def _two_point(c, mother, father, q1, q2, child, taken):
    # Hartmann (1998): positions [0, q1) from the mother, [q1, q2) the father's order
    # of what is left, the rest in the mother's order. Each part keeps a parent's
    # relative order, so the child is a valid list.
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
def _peak_window(c, start, loads, frac_lo, frac_hi, rng, profile):
    # The father's busiest stretch: among windows of a random length, the one of
    # largest resource utilisation, as time bounds [a, b).
    makespan = 0
    for j in range(c.n):
        if start[j] + c.dur[j] > makespan:
            makespan = start[j] + c.dur[j]
    for t in range(makespan + 1):
        profile[t] = 0.0
    for j in range(c.n):
        if c.dur[j] > 0:
            profile[start[j]] += loads[j]
            profile[start[j] + c.dur[j]] -= loads[j]
    run = 0.0
    for t in range(makespan):
        run += profile[t]
        profile[t] = run
    lo = max(1, int(frac_lo * makespan))
    hi = max(lo, int(frac_hi * makespan))
    length = lo + rng.integers(0, hi - lo + 1)
    if length >= makespan:
        return 0, makespan
    window = 0.0
    for t in range(length):
        window += profile[t]
    best = window
    best_a = 0
    for a in range(1, makespan - length + 1):
        window += profile[a + length - 1] - profile[a - 1]
        if window > best + 1e-9:
            best = window
            best_a = a
    return best_a, best_a + length


@njit(cache=True)
def _peak_crossover(c, mother, father, fstart, right, a, b, child, taken):
    # The father's block of activities in [a, b) (by start for a left list, by finish
    # for a right list) is kept in his order; what comes before it in the father is
    # put in the mother's order, and so is what comes after.
    n = c.n
    for j in range(n):
        taken[j] = 0
        if right:
            f = fstart[j] + c.dur[j]
            if f > b:
                taken[j] = 1
            elif f > a:
                taken[j] = 2
        elif fstart[j] < a:
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
def _is_successor(c, i, j):
    # Plain loops: numba does not compile generator expressions inside any()/all().
    for e in range(c.succ_ptr[i], c.succ_ptr[i + 1]):  # noqa: SIM110
        if c.succ_idx[e] == j:
            return True
    return False


@njit(cache=True)
def _mutate(c, order, rate, rng, right):
    # Swap neighbours that are not precedence-related (Hartmann 1998).
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
def _room(c, pos, j, right):
    # Positions ``j`` may take in a list whose positions are ``pos``: after the last
    # activity that must come before it (a predecessor on a left list, a successor on
    # a right one) and before the first that must come after it.
    lo = 0
    hi = c.n - 1
    for e in range(c.pred_ptr[j], c.pred_ptr[j + 1]):
        q = pos[c.pred_idx[e]]
        if right:
            hi = min(hi, q - 1)
        else:
            lo = max(lo, q + 1)
    for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
        q = pos[c.succ_idx[e]]
        if right:
            lo = max(lo, q + 1)
        else:
            hi = min(hi, q - 1)
    return lo, hi


@njit(cache=True)
def _move(order, p, target):
    # The entry at ``p`` moves to ``target``; those between shift by one.
    j = order[p]
    if target > p:
        for k in range(p, target):
            order[k] = order[k + 1]
    else:
        for k in range(p, target, -1):
            order[k] = order[k - 1]
    order[target] = j


@njit(cache=True)
def _shift_move(c, order, rng, right, pos):
    # Move one activity to a random position within its room (see _room).
    n = c.n
    for k in range(n):
        pos[order[k]] = k
    p = rng.integers(0, n)
    lo, hi = _room(c, pos, order[p], right)
    _move(order, p, lo + rng.integers(0, hi - lo + 1))


@njit(cache=True)
def _blocks(c, start, right, rng, t, blocker, blocked):
    # The critical chain, walked back from an activity that ends the schedule (in
    # time mirrored for a right schedule, so that "before" means earlier in its list):
    # the next link is an activity that ends exactly when the current one starts and
    # holds it back, a predecessor or one using a resource it needs; ties are drawn at
    # random. Returns how many links were resource blocks (blocker[k] keeps
    # blocked[k] from starting earlier, with no precedence between them).
    n = c.n
    makespan = 0
    for j in range(n):
        makespan = max(makespan, start[j] + c.dur[j])
    for j in range(n):
        t[j] = makespan - start[j] - c.dur[j] if right else start[j]
    j = _draw_last(c, t, makespan, rng)
    count = 0
    for _ in range(n):
        if j < 0 or t[j] == 0:
            break
        link = -1
        by_resource = False
        ties = 0
        for i in range(n):
            if i == j or c.dur[i] == 0 or t[i] + c.dur[i] != t[j]:
                continue
            linked = _is_successor(c, j, i) if right else _is_successor(c, i, j)
            if linked or _share(c, i, j):
                ties += 1
                if rng.integers(0, ties) == 0:
                    link = i
                    by_resource = not linked
        if link >= 0 and by_resource:
            blocker[count] = link
            blocked[count] = j
            count += 1
        j = link
    return count


@njit(cache=True)
def _draw_last(c, t, makespan, rng):
    # A random activity among those that end the schedule.
    last = -1
    ties = 0
    for k in range(c.n):
        if c.dur[k] > 0 and t[k] + c.dur[k] == makespan:
            ties += 1
            if rng.integers(0, ties) == 0:
                last = k
    return last


@njit(cache=True)
def _share(c, i, j):
    for q in range(c.use_ptr[i], c.use_ptr[i + 1]):  # noqa: SIM110
        if c.dem[j, c.use_res[q]] > 0:
            return True
    return False


@njit(cache=True)
def _critical_moves(c, order, start, right, rng, moves, pos, t, blocker, blocked):
    # Each move puts a blocked activity of the critical chain right before its
    # blocker in the list (or as near as its own predecessors allow), so that it
    # takes the resource first. ``start`` is the schedule ``order`` was read from.
    count = _blocks(c, start, right, rng, t, blocker, blocked)
    if count == 0:
        return
    n = c.n
    for _ in range(moves):
        k = rng.integers(0, count)
        j = blocked[k]
        for q in range(n):
            pos[order[q]] = q
        lo, _hi = _room(c, pos, j, right)
        target = max(lo, pos[blocker[k]])
        if target >= pos[j]:
            continue  # already moved before its blocker by an earlier move
        _move(order, pos[j], target)


@njit(cache=True)
def _same(a, b):
    for k in range(a.shape[0]):  # noqa: SIM110
        if a[k] != b[k]:
            return False
    return True


@njit(cache=True)
def _insert(c, pop, lo, hi, order, start, v, m, t, late):
    # Replace the worst of [lo, hi) unless the newcomer is worse or a duplicate.
    worst = lo
    for i in range(lo + 1, hi):
        if _better(pop.viol[worst], pop.span[worst], pop.tie[worst], pop.late[worst],
                   pop.viol[i], pop.span[i], pop.tie[i], pop.late[i]):  # fmt: skip
            worst = i
    if _better(pop.viol[worst], pop.span[worst], pop.tie[worst], pop.late[worst], v, m, t, late):
        return
    for i in range(lo, hi):
        if pop.span[i] == m and _same(pop.start[i], start):
            return
    for k in range(c.n):
        pop.order[worst, k] = order[k]
        pop.start[worst, k] = start[k]
    pop.viol[worst] = v
    pop.span[worst] = m
    pop.tie[worst] = t
    pop.late[worst] = late


@njit(cache=True)
def _pick(rng, pop, lo, hi, size):
    a = lo + rng.integers(0, hi - lo)
    for _ in range(size - 1):
        b = lo + rng.integers(0, hi - lo)
        if _better(pop.viol[b], pop.span[b], pop.tie[b], pop.late[b],
                   pop.viol[a], pop.span[a], pop.tie[a], pop.late[a]):  # fmt: skip
            a = b
    return a


@njit(cache=True)
def _initialise(c, values, alpha, uniform, rng, pop, bipop):
    n = c.n
    size = pop.order.shape[0] // 2 if bipop else pop.order.shape[0]
    avail = c.base_avail.copy()
    missing = np.empty(n, dtype=np.int64)
    elig = np.empty(n, dtype=np.int64)
    work = np.empty(n, dtype=np.int64)
    tmp = np.empty(n, dtype=np.int64)
    scratch = np.empty((3, n), dtype=np.int64)
    used = 0
    n_uniform = int(uniform * size)
    for i in range(size):
        # The first list is the LFT rule itself (an effectively infinite bias).
        bias = 60.0 if i == 0 else (0.0 if i >= size - n_uniform else alpha)
        sample_list_kernel(c, values, bias, rng, pop.order[i], missing, elig)
        if bipop:
            left, right = pop.order[i], pop.order[size + i]
            mk, back = _forward_then_back(c, left, pop.start[i], pop.start[size + i], right,
                                          avail, False, False, scratch)  # fmt: skip
            used += 2
            pop.span[i] = mk
            pop.span[size + i] = back
            pop.viol[i] = 0
            pop.viol[size + i] = 0
            pop.tie[i] = _tiebreak(c, pop.start[i])
            pop.tie[size + i] = _tiebreak(c, pop.start[size + i])
            pop.late[i] = _lateness(c, pop.start[i], False)
            pop.late[size + i] = _lateness(c, pop.start[size + i], True)
        else:
            mk, viol, u = _decode_justify(c, pop.order[i], pop.start[i], work, tmp, avail)
            used += u
            pop.span[i] = mk
            pop.viol[i] = viol
            pop.tie[i] = _tiebreak(c, pop.start[i])
            pop.late[i] = _lateness(c, pop.start[i], False)
    return used


@njit(cache=True)
def _evolve(c, mc, rng, pop, budget, loads, fp, ip, bipop):
    # mc: the mirrored network (see _mirror), for the parallel backward decoding
    # fp: mutation, p_peak, peak_min, peak_max, p_cross, p_perturb, p_parallel
    # ip: tournament, converged_gap, moves, perturb_tournament, fresh, stable, critical
    n = c.n
    size = pop.order.shape[0] // 2 if bipop else pop.order.shape[0]
    cost = 2 if bipop else 3
    avail = c.base_avail.copy()
    child = np.empty(n, dtype=np.int64)
    child2 = np.empty(n, dtype=np.int64)
    flist = np.empty(n, dtype=np.int64)
    s1 = np.empty(n, dtype=np.int64)
    s2 = np.empty(n, dtype=np.int64)
    taken = np.empty(n, dtype=np.int64)
    profile = np.empty(avail.shape[0] + 1, dtype=np.float64)
    c1 = np.empty(n, dtype=np.int64)
    c2 = np.empty(n, dtype=np.int64)
    scratch = np.empty((3, n), dtype=np.int64)
    used = 0
    side = 0
    while used + cost <= budget:
        lo = side * size
        hi = lo + size
        right = side == 1
        low = pop.span[lo]
        high = pop.span[lo]
        for i in range(lo + 1, hi):
            low = min(low, pop.span[i])
            high = max(high, pop.span[i])
        if high - low <= ip[1] and rng.random() < fp[5]:
            # Converged: move a few activities of a good individual instead.
            e = _pick(rng, pop, lo, hi, ip[3])
            for k in range(n):
                child[k] = pop.order[e, k]
            _critical_moves(c, child, pop.start[e], right, rng, ip[6], taken, child2, c1, c2)
            for _ in range(ip[2]):
                _shift_move(c, child, rng, right, taken)
        else:
            m = _pick(rng, pop, lo, hi, ip[0])
            if bipop and rng.random() < fp[4]:
                # A father from the other population, read in this side's order.
                olo = (1 - side) * size
                f = _pick(rng, pop, olo, olo + size, ip[0])
                if right:
                    _order_finish_desc(c, pop.start[f], flist)
                else:
                    _order_start(c, pop.start[f], flist)
            else:
                f = _pick(rng, pop, lo, hi, ip[0])
                for k in range(n):
                    flist[k] = pop.order[f, k]
            if rng.random() < fp[1]:
                a, b = _peak_window(c, pop.start[f], loads, fp[2], fp[3], rng, profile)
                _peak_crossover(c, pop.order[m], flist, pop.start[f], right, a, b, child, taken)
            else:
                q1 = rng.integers(0, n + 1)
                q2 = rng.integers(0, n + 1)
                _two_point(c, pop.order[m], flist, min(q1, q2), max(q1, q2), child, taken)
            _mutate(c, child, fp[0], rng, right)
            tries = 0
            while ip[4] and tries < 5 and (_same(child, pop.order[m]) or _same(child, flist)):
                # A copy of a parent would decode to a schedule that is already there.
                _shift_move(c, child, rng, right, taken)
                tries += 1
        if not bipop:
            mk, viol, u = _decode_justify(c, child, s1, child2, taken, avail)
            used += u
            if mk < _FAILED:
                _insert(c, pop, 0, size, child, s1, viol, mk, _tiebreak(c, s1),
                        _lateness(c, s1, False))  # fmt: skip
            continue
        parallel = rng.random() < fp[6]
        if side == 0:
            mk, back = _forward_then_back(c, child, s1, s2, child2, avail, ip[5] != 0, parallel,
                                          scratch)  # fmt: skip
            _insert(c, pop, size, 2 * size, child2, s2, 0, back, _tiebreak(c, s2),
                    _lateness(c, s2, True))  # fmt: skip
        else:
            back, mk = _back_then_forward(c, mc, child, s2, s1, child2, avail, ip[5] != 0,
                                          parallel, scratch)  # fmt: skip
            _insert(c, pop, 0, size, child2, s1, 0, mk, _tiebreak(c, s1),
                    _lateness(c, s1, False))  # fmt: skip
        used += 2
        side = 1 - side
    return used


def _shift_invariant(c: Compiled) -> bool:
    # Constant capacity, nothing fixed, no release dates or deadlines: a schedule can
    # be shifted in time and stays feasible, which the two populations rely on.
    return (
        c.change_pts.shape[0] == 0
        and not (c.fixed >= 0).any()
        and not (c.release > 0).any()
        and not (c.deadline < NO_DEADLINE).any()
    )


def _mirror(c: Compiled) -> Compiled:
    # The network with every link reversed: a forward schedule of it, read backwards
    # in time, is a backward schedule of ``c`` (capacities must be constant).
    return c._replace(
        succ_ptr=c.pred_ptr, succ_idx=c.pred_idx, succ_lag=c.pred_lag,
        pred_ptr=c.succ_ptr, pred_idx=c.succ_idx, pred_lag=c.succ_lag,
    )  # fmt: skip


def _loads(c: Compiled) -> np.ndarray:
    # Utilisation weight of each activity: its demands relative to peak capacities.
    if c.n_res == 0:
        return np.zeros(c.n, dtype=np.float64)
    peak = np.maximum(c.base_avail.max(axis=0), 1).astype(np.float64)
    return (c.dem / peak[None, :]).sum(axis=1) / c.n_res


def genetic_algorithm(
    inst: Instance | Compiled,
    schedules: int = 5000,
    time_limit: float | None = None,
    seed: int | np.random.Generator | None = 0,
    params: GaParams | None = None,
    lower_bound: int | None = None,
) -> GaResult:
    """Minimise the makespan with the genetic algorithm.

    Parameters
    ----------
    inst : Instance or Compiled
    schedules : int, default 5000
        Budget in generated schedules (every SGS pass counts); never exceeded.
    time_limit : float, optional
        Wall-time budget in seconds; the search stops at whichever budget runs out
        first (checked between batches of about 100 schedules).
    seed : int or numpy.random.Generator, optional
        Seed of the single random generator.
    params : GaParams, optional
        Tuning; default :class:`GaParams()`.
    lower_bound : int, optional
        Stop as soon as a schedule of this makespan is found; default the
        precedence-only (critical path) bound.

    Returns
    -------
    GaResult

    Raises
    ------
    InfeasibleLeveling
        If no list could be decoded within the capacity profile.

    Examples
    --------
    >>> inst = Instance(durations=[2, 2, 2], demands=[[1], [1], [2]], capacity=[2],
    ...                 edges=[])
    >>> genetic_algorithm(inst, schedules=50, seed=1).makespan
    4
    """
    t0 = time.perf_counter()
    p = GaParams() if params is None else params
    c = inst if isinstance(inst, Compiled) else compile_instance(inst)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    lb = c.cpm_makespan if lower_bound is None else lower_bound
    n = c.n
    bipop = _shift_invariant(c)
    cost, reserve = (2, 1) if bipop else (3, 0)
    schedules = max(1, int(schedules))
    values = priority_values(c, "LFT")
    size = min(max(1, p.population), (schedules - reserve) // cost)
    if size < 1 or n == 0:
        # Too small a budget for a population: the LFT rule, one schedule.
        order = np.empty(n, dtype=np.int64)
        sample_list_kernel(c, values, 60.0, rng, order, np.empty(n, np.int64),
                           np.empty(n, np.int64))  # fmt: skip
        start = np.zeros(n, dtype=np.int64)
        mk, viol = serial_sgs_kernel(c, order, start, c.base_avail.copy())
        if mk < 0:
            raise no_slot(int(viol))
        return GaResult(start, int(mk), int(viol), 1, time.perf_counter() - t0)

    rows = 2 * size if bipop else size
    pop = _Population(
        order=np.zeros((rows, n), dtype=np.int64),
        start=np.zeros((rows, n), dtype=np.int64),
        viol=np.zeros(rows, dtype=np.int64),
        span=np.zeros(rows, dtype=np.int64),
        tie=np.zeros(rows, dtype=np.int64),
        late=np.zeros(rows, dtype=np.float64),
    )
    fp = np.array(
        [p.mutation, p.p_peak, p.peak_min, p.peak_max, p.p_cross, p.p_perturb, p.p_parallel],
        dtype=np.float64,
    )
    flags = [int(p.fresh), int(p.stable)]
    ip = np.array(
        [p.tournament, p.converged_gap, p.moves, p.perturb_tournament, *flags, p.critical],
        dtype=np.int64,
    )
    loads = _loads(c)
    mc = _mirror(c) if bipop else c
    used = _initialise(c, values, p.alpha, p.uniform, rng, pop, bipop)
    while used + cost + reserve <= schedules:
        best = _best_index(pop)
        if pop.viol[best] == 0 and pop.span[best] <= lb:
            break
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            break
        step = min(100, schedules - reserve - used)
        fp[6] = _parallel_rate(p, used, schedules)
        used += _evolve(c, mc, rng, pop, step, loads, fp, ip, bipop)

    best = _best_index(pop)
    if pop.span[best] >= _FAILED:
        # Every decoding ran out of horizon: one more tells which activity.
        _, which = serial_sgs_kernel(c, pop.order[best], pop.start[best], c.base_avail.copy())
        raise no_slot(int(which))
    start = pop.start[best].copy()
    makespan, violation = int(pop.span[best]), int(pop.viol[best])
    if bipop:
        # The best may be right-justified: one forward pass moves every activity as
        # early as it can go without lengthening the schedule.
        order = np.argsort(start * n + c.rank, kind="stable")
        left = np.empty(n, dtype=np.int64)
        mk, _ = serial_sgs_kernel(c, order, left, c.base_avail.copy())
        used += 1
        if 0 <= mk <= makespan:
            start, makespan = left, int(mk)
    return GaResult(
        start=start,
        makespan=makespan,
        violation=violation,
        schedules=int(used),
        seconds=time.perf_counter() - t0,
    )


def _parallel_rate(p: GaParams, used: int, schedules: int) -> float:
    """Probability that a child is decoded in parallel once ``used`` of ``schedules``
    have been generated: ``p_parallel`` at first, falling linearly to 0 at
    ``parallel_until`` of the budget."""
    end = p.parallel_until * schedules
    if used >= end:
        return 0.0
    return p.p_parallel * (1.0 - used / end)


def _best_index(pop: _Population) -> int:
    return int(np.lexsort((pop.late, pop.tie, pop.span, pop.viol))[0])
