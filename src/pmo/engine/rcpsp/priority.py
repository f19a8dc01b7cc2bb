"""Priority rules and the single-pass and sampling heuristics built on them.

A priority rule gives every activity a value; the schedule generation scheme starts
the eligible activity with the smallest value first. The classic rules (Kolisch 1996):

========  =====================================================================
``LFT``   latest finish time (precedence-only, for the critical-path finish)
``LST``   latest start time
``MTS``   most total successors (all activities reachable through successors)
``GRPW``  greatest rank positional weight: own duration plus the immediate
          successors' durations
``MSLK``  minimum slack: latest minus earliest start
``RANDOM`` a random order
========  =====================================================================

An :class:`~.instance.Instance` ``priority`` (leveling priority) comes first: a higher
leveling priority beats any rule value.
"""

import numpy as np
from numba import njit

from .instance import Compiled, Instance, compile_instance
from .sgs import no_slot, parallel_sgs_kernel, serial_sgs_kernel, unique_key

__all__ = [
    "RULES",
    "activity_list",
    "priority_values",
    "rule_schedule",
    "sample_list_kernel",
    "with_leveling_priority",
]

RULES = ("LFT", "LST", "MTS", "GRPW", "MSLK", "RANDOM")


def _total_successors(c: Compiled) -> np.ndarray:
    # Reachability as Python-int bitsets, built in reverse topological order.
    reach = [0] * c.n
    for j in c.topo[::-1]:
        bits = 0
        for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
            s = int(c.succ_idx[e])
            bits |= reach[s] | (1 << s)
        reach[j] = bits
    return np.array([r.bit_count() for r in reach], dtype=np.int64)


def priority_values(
    inst: Instance | Compiled, rule: str, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Value of a priority rule for every activity (smaller is scheduled first).

    Parameters
    ----------
    inst : Instance or Compiled
    rule : {"LFT", "LST", "MTS", "GRPW", "MSLK", "RANDOM"}
    rng : numpy.random.Generator, optional
        Needed for ``"RANDOM"``.

    Returns
    -------
    ndarray of float64, shape (n,)
        The rule's values, with the leveling priority applied on top: any activity of
        higher leveling priority has a smaller value than every activity of lower one.

    Examples
    --------
    >>> inst = Instance(durations=[3, 1, 2], demands=[[1], [1], [1]], capacity=[1],
    ...                 edges=[[0, 2]])
    >>> priority_values(inst, "LFT").tolist()
    [3.0, 5.0, 5.0]
    """
    c = inst if isinstance(inst, Compiled) else compile_instance(inst)
    rule = rule.upper()
    if rule == "LFT":
        values = c.ls + c.dur
    elif rule == "LST":
        values = c.ls.copy()
    elif rule == "MTS":
        values = -_total_successors(c)
    elif rule == "GRPW":
        values = c.dur.copy()
        for j in range(c.n):
            values[j] += c.dur[c.succ_idx[c.succ_ptr[j] : c.succ_ptr[j + 1]]].sum()
        values = -values
    elif rule == "MSLK":
        values = c.ls - c.es
    elif rule == "RANDOM":
        if rng is None:
            raise ValueError("rule RANDOM needs rng")
        values = rng.permutation(c.n)
    else:
        raise ValueError(f"unknown priority rule {rule!r}; expected one of {RULES}")
    return with_leveling_priority(c, np.asarray(values, dtype=np.float64))


def with_leveling_priority(c: Compiled, values: np.ndarray) -> np.ndarray:
    """Put the instance's leveling priority in front of rule values.

    Parameters
    ----------
    c : Compiled
    values : ndarray of float64, shape (n,)
        Rule values, smaller first.

    Returns
    -------
    ndarray of float64, shape (n,)
        Values such that a higher leveling priority always comes first, and the rule
        decides among equal priorities.
    """
    if c.n and c.weight.min() != c.weight.max():
        span = values.max() - values.min() + 1.0
        values = values - c.weight.astype(np.float64) * span
    return values


@njit(cache=True)
def _list_by_key(c, key, order):
    # Serial eligibility: repeatedly take the eligible activity with the smallest key.
    n = c.n
    missing = np.empty(n, dtype=np.int64)
    eligible = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        missing[j] = c.pred_ptr[j + 1] - c.pred_ptr[j]
        if missing[j] == 0:
            eligible[j] = True
    for k in range(n):
        best = -1
        for j in range(n):
            if eligible[j] and (best < 0 or key[j] < key[best]):
                best = j
        order[k] = best
        eligible[best] = False
        for e in range(c.succ_ptr[best], c.succ_ptr[best + 1]):
            s = c.succ_idx[e]
            missing[s] -= 1
            if missing[s] == 0:
                eligible[s] = True


@njit(cache=True)
def sample_list_kernel(c, values, alpha, rng, order, missing, eligible):
    """Regret-based biased random sampling of an activity list (numba kernel).

    Each eligible activity is drawn with probability proportional to
    ``(max(values of eligible) - value + 1) ** alpha`` (Drexl 1991; Kolisch 1996).

    Parameters
    ----------
    c : Compiled
    values : ndarray of float64, shape (n,)
        Priority values, smaller preferred.
    alpha : float
        Bias; 0 draws uniformly, large values approach the deterministic rule.
    rng : numpy.random.Generator
    order : ndarray of int64, shape (n,)
        Output activity list.
    missing, eligible : ndarray of int64, shape (n,)
        Work arrays.
    """
    n = c.n
    n_elig = 0
    for j in range(n):
        missing[j] = c.pred_ptr[j + 1] - c.pred_ptr[j]
        if missing[j] == 0:
            eligible[n_elig] = j
            n_elig += 1
    for k in range(n):
        vmax = values[eligible[0]]
        for q in range(1, n_elig):
            if values[eligible[q]] > vmax:
                vmax = values[eligible[q]]
        total = 0.0
        for q in range(n_elig):
            total += (vmax - values[eligible[q]] + 1.0) ** alpha
        u = rng.random() * total
        pick = n_elig - 1
        acc = 0.0
        for q in range(n_elig):
            acc += (vmax - values[eligible[q]] + 1.0) ** alpha
            if u < acc:
                pick = q
                break
        j = eligible[pick]
        order[k] = j
        n_elig -= 1
        eligible[pick] = eligible[n_elig]
        for e in range(c.succ_ptr[j], c.succ_ptr[j + 1]):
            s = c.succ_idx[e]
            missing[s] -= 1
            if missing[s] == 0:
                eligible[n_elig] = s
                n_elig += 1


def activity_list(inst: Instance | Compiled, values) -> np.ndarray:
    """The precedence-feasible activity list a priority rule induces.

    Parameters
    ----------
    inst : Instance or Compiled
    values : array_like, shape (n,)
        Priority values, smaller first; ties go to the smaller index.

    Returns
    -------
    ndarray of int64, shape (n,)
        At each step, the eligible activity (all predecessors listed) of smallest value.
    """
    c = inst if isinstance(inst, Compiled) else compile_instance(inst)
    order = np.empty(c.n, dtype=np.int64)
    _list_by_key(c, unique_key(np.asarray(values, dtype=np.float64)), order)
    return order


def rule_schedule(
    inst: Instance | Compiled,
    rule: str = "LFT",
    scheme: str = "serial",
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """One schedule from a priority rule and a generation scheme.

    Parameters
    ----------
    inst : Instance or Compiled
    rule : str, default "LFT"
        One of :data:`RULES`.
    scheme : {"serial", "parallel"}
    seed : int or numpy.random.Generator, optional
        For the ``RANDOM`` rule.

    Returns
    -------
    ndarray of int64, shape (n,)
        Start of every activity.

    Examples
    --------
    >>> inst = Instance(durations=[3, 1, 2], demands=[[1], [1], [1]], capacity=[1],
    ...                 edges=[[0, 2]])
    >>> rule_schedule(inst, "LFT").tolist()
    [0, 3, 4]
    """
    c = inst if isinstance(inst, Compiled) else compile_instance(inst)
    values = priority_values(c, rule, np.random.default_rng(seed))
    start = np.zeros(c.n, dtype=np.int64)
    avail = c.base_avail.copy()
    if scheme == "serial":
        makespan, which = serial_sgs_kernel(c, activity_list(c, values), start, avail)
    elif scheme == "parallel":
        work = np.zeros(c.n, dtype=np.int64)
        ready = np.zeros(c.n, dtype=np.int64)
        makespan, which = parallel_sgs_kernel(c, unique_key(values), start, avail, work, ready)
    else:
        raise ValueError(f"scheme must be 'serial' or 'parallel', got {scheme!r}")
    if makespan < 0:
        raise no_slot(which)
    return start
