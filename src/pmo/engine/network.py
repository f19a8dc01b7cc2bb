"""Activity networks as CSR arrays: validation, topological order, WBS roll-up.

An activity network is ``n`` activities (positions ``0 .. n-1``) and ``m`` links.
Link ``k`` says that activity ``pred[k]`` constrains activity ``succ[k]`` with a
relationship type (:class:`LinkType`) and a lag whose unit is given by
:class:`LagKind`. Activity *ids* are whatever the caller uses (database keys); they
only appear in error messages. Positions need not be in any order: the engine finds a
topological order itself (Kahn's algorithm, compiled with numba).

:func:`compile_network` does the once-per-network work (checks, CSR by predecessor,
topological order) so that a Monte Carlo run can replay the passes of
:mod:`pmo.engine.cpm` thousands of times with different durations.

Summary tasks are not scheduled: they are the nodes of a WBS tree given by a parent
index array, and :func:`rollup` aggregates their children's values (dates, work, cost,
percent complete).

Examples
--------
>>> import numpy as np
>>> from pmo.engine.network import LinkType, compile_network
>>> net = compile_network(pred=[2, 0], succ=[0, 1], n=3, link_type=[LinkType.FS, LinkType.SS])
>>> net.order.tolist()  # positions in topological order; label k is position order[k]
[2, 0, 1]
>>> net.succ_ptr.tolist(), net.succ.tolist()  # by label: 0 -> 1 (SS), 1 -> 2 (FS)
([0, 1, 2, 2], [1, 2])
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

import numba
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic
from numpy.typing import ArrayLike, NDArray

from pmo.engine.errors import CyclicDependency, InvalidNetwork

__all__ = [
    "LagKind",
    "LinkType",
    "Network",
    "compile_network",
    "index_links",
    "rollup",
    "wbs_order",
]

I64 = NDArray[np.int64]


class LinkType(IntEnum):
    """Relationship type of a dependency (predecessor -> successor)."""

    FS = 0  #: successor starts after the predecessor finishes
    SS = 1  #: successor starts after the predecessor starts
    FF = 2  #: successor finishes after the predecessor finishes
    SF = 3  #: successor finishes after the predecessor starts


class LagKind(IntEnum):
    """Unit of a dependency lag (the lag itself may be negative: a lead)."""

    WORKING = 0  #: working minutes on the lag calendar
    ELAPSED = 1  #: elapsed (wall-clock) minutes
    PERCENT = 2  #: basis points (1/100 %) of the predecessor's duration, as working time
    PERCENT_ELAPSED = 3  #: basis points of the predecessor's duration, as elapsed time


@dataclass(frozen=True, eq=False)
class Network:
    """A validated activity network, relabelled in topological order.

    Activities keep their caller positions ``0 .. n-1`` in every input and output
    array; internally they are *labelled* by their rank in a topological order, and
    links are stored in CSR order by predecessor label. Passes over the network then
    walk memory forwards, which matters once arrays no longer fit in the CPU caches.

    Attributes
    ----------
    n : int
        Number of activities.
    ids : ndarray of int64, shape (n,)
        Caller's id of each activity position (the positions when none were given).
    order : ndarray of int32, shape (n,)
        Position of the activity labelled ``k``: a topological order of positions.
    rank : ndarray of int32, shape (n,)
        Label of the activity at each position (the inverse of ``order``).
    succ_ptr : ndarray of int64, shape (n + 1,)
        Links leaving label ``k`` are CSR entries ``succ_ptr[k]:succ_ptr[k+1]``.
    succ : ndarray of int32, shape (m,)
        Successor label of each CSR link.
    pred : ndarray of int32, shape (m,)
        Predecessor label of each CSR link (non-decreasing), so that a pass can walk
        the links as one flat loop.
    link_type : ndarray of int8, shape (m,)
        :class:`LinkType` of each CSR link.
    lag : ndarray of int32, shape (m,)
        Lag of each CSR link, in the unit given by ``lag_kind``.
    lag_kind : ndarray of int8, shape (m,)
        :class:`LagKind` of each CSR link.
    """

    n: int
    ids: I64
    order: NDArray[np.int32]
    rank: NDArray[np.int32]
    succ_ptr: I64
    succ: NDArray[np.int32]
    pred: NDArray[np.int32]
    link_type: NDArray[np.int8]
    lag: NDArray[np.int32]
    lag_kind: NDArray[np.int8]

    @property
    def m(self) -> int:
        """Number of links."""
        return int(self.succ.shape[0])

    def to_labels(self, values: ArrayLike) -> NDArray:
        """Reorder per-activity values from caller positions to labels (last axis)."""
        return np.take(np.asarray(values), self.order, axis=-1)

    def from_labels(self, values: ArrayLike) -> NDArray:
        """Reorder per-activity values from labels back to caller positions (last axis)."""
        return np.take(np.asarray(values), self.rank, axis=-1)


#: Links (or activities) ahead of the current one whose memory is prefetched.
PREFETCH = 16

#: Activities from which the work that splits in two independent halves (laying out
#: links, gathering results back to caller positions) runs on two threads: below it,
#: starting a thread costs more than half the work saves.
PARALLEL_MIN = 50_000

# The two-thread helpers (``*_halves``, ``cpm.kernels._walk_pair``) are jitted with
# parallel=True but not cached: numba writes a broken cache entry for a caller compiled
# in a process that loaded its parallel callee from the cache (two processes compiling
# at once, or a caller recompiled alone, then crash the next process that loads it).
# Uncached, they are always compiled along with their callers, which are cached.
# Inside them, only the prange loop: an array expression such as np.zeros becomes a
# parallel loop of its own, which numba may fuse with the prange loop (seen: a count
# that one thread published to the other was reset under it).

# GNU OpenMP (numba's threading layer here) kills a forked child that uses it after
# the parent did; such a child works on one thread (see two_threads).
_threads_before_fork = False
_threads_usable = True


def _threading_started() -> bool:
    try:
        return numba.threading_layer() == "omp"
    except ValueError:  # no parallel region has run in this process
        return False


def _before_fork() -> None:
    global _threads_before_fork
    _threads_before_fork = _threading_started()


def _after_fork_in_child() -> None:
    global _threads_usable
    if _threads_before_fork:
        _threads_usable = False


os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def two_threads(n: int) -> bool:
    """Whether work on ``n`` activities is split over two threads: from
    :data:`PARALLEL_MIN` activities, when numba may use two threads, and not in a
    process forked from one whose OpenMP threads had run."""
    return n >= PARALLEL_MIN and _threads_usable and numba.get_num_threads() > 1


#: Clears the sign bit: an index so masked is known not to be negative, and numba then
#: leaves out the code that would wrap a negative index around (in a hot loop, that
#: code and the array sizes it keeps in registers cost more than the mask).
INDEX = 0x7FFFFFFFFFFFFFFF


@intrinsic
def prefetch(typingctx, arr, i):  # pragma: no cover - compiled
    """Ask the CPU to fetch ``arr[i]`` (1-D) or ``arr[i, 0]`` (2-D) into cache.

    The random reads of a pass do not wait on each other when their addresses are
    known early: a prefetch a few iterations ahead lets them overlap. A prefetch never
    faults, so an index past the end is harmless.
    """
    sig = types.void(arr, i)

    def codegen(context, builder, signature, args):
        arrty, idxty = signature.args
        ary = context.make_array(arrty)(context, builder, args[0])
        idx = [context.cast(builder, args[1], idxty, types.intp)]
        idx += [context.get_constant(types.intp, 0)] * (arrty.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, arrty, ary, idx, wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read, high locality, data cache
        flags = [ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)]
        builder.call(fn, [builder.bitcast(ptr, i8p), *flags])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True)
def half(m, t):  # pragma: no cover - compiled
    """Bounds ``(lo, hi)`` of thread ``t``'s contiguous half of ``0 .. m - 1`` (the
    first half gets the odd one out)."""
    size = (m + 1) // 2
    lo = t * size
    return lo, min(m, lo + size)


@njit(cache=True)
def _count_run(n, pred, succ, lo, hi, count, indeg):  # pragma: no cover - compiled
    """Count links ``lo:hi`` out of (``count``) and into (``indeg``) each activity.

    Returns the first link with an activity out of range, or -1. The counters are
    prefetched: once they outgrow the caches (1,000,000 activities) the pass took
    41 -> 28 ms on two threads.
    """
    for k in range(lo, hi):
        if k + PREFETCH < hi:
            prefetch(count, pred[k + PREFETCH])
            prefetch(indeg, succ[k + PREFETCH])
        p = pred[k]
        s = succ[k]
        if p < 0 or p >= n or s < 0 or s >= n:
            return k
        count[p] += 1
        indeg[s] += 1
    return -1


@njit(cache=True)
def _scatter_run(pred, succ, ltype, lag, lkind, lo, hi, fill, rec):  # pragma: no cover
    """Write links ``lo:hi`` at their predecessors' fill pointers, as one word each.

    A word holds the lag, type, kind and successor (which is why n < 2**28): the
    scatter and the block reads in Kahn's loop are the random accesses of compiling,
    and one word rather than two makes them about a fifth faster on a million
    activities. Link codes and lags are checked here, where they are read anyway;
    returns the first bad link, or -1.

    The address of each write is itself a random read (the fill pointer), so the
    pointer is prefetched twice as far ahead as the word it locates: on 1,000,000
    activities the pass took 95 -> 38 ms on two threads.
    """
    for k in range(lo, hi):
        if k + 2 * PREFETCH < hi:
            prefetch(fill, pred[k + 2 * PREFETCH])
        if k + PREFETCH < hi:
            prefetch(rec, fill[pred[k + PREFETCH]])
        p = pred[k]
        lt = ltype[k]
        lk = lkind[k]
        lg = lag[k]
        if lt < 0 or lt > 3 or lk < 0 or lk > 3 or lg < -2147483647 or lg > 2147483647:
            return k
        j = fill[p] & INDEX
        fill[p] = j + 1
        code = (np.int64(lt) << 30) | (np.int64(lk) << 28)
        rec[j] = (np.int64(lg) << 32) | code | succ[k]
    return -1


@njit(parallel=True)
def _count_halves(n, pred, succ, count, indeg, bad):  # pragma: no cover - compiled
    for t in prange(2):
        lo, hi = half(pred.shape[0], t)
        bad[t] = _count_run(n, pred, succ, lo, hi, count[t], indeg[t])


@njit(parallel=True)
def _scatter_halves(pred, succ, ltype, lag, lkind, fill, rec, bad):  # pragma: no cover
    for t in prange(2):
        lo, hi = half(pred.shape[0], t)
        bad[t] = _scatter_run(pred, succ, ltype, lag, lkind, lo, hi, fill[t], rec)


@njit(cache=True)
def _layout(n, pred, succ, ltype, lag, lkind, rec, two):  # pragma: no cover - compiled
    """Links by predecessor position into ``rec``: ``(bad link or -1, ptr, indeg)``.

    With ``two`` (see :func:`two_threads`) two threads count and scatter half of the
    links each, with counts of their own; thread 0's links of an activity are placed
    before thread 1's, so the layout is the same as one thread's.
    """
    m = pred.shape[0]
    # int32 counts and fill pointers (m < 2**31): half the bytes of the random accesses.
    ptr = np.zeros(n + 1, dtype=np.int32)
    if not two:
        indeg = np.zeros(n, dtype=np.int32)
        bad = _count_run(n, pred, succ, 0, m, ptr[1:], indeg)
        if bad >= 0:
            return bad, ptr, indeg
        for i in range(n):
            ptr[i + 1] += ptr[i]
        # ptr[p] serves as p's fill pointer (fresh memory costs page faults), then the
        # array is shifted back.
        bad = _scatter_run(pred, succ, ltype, lag, lkind, 0, m, ptr[:n], rec)
        for i in range(n, 0, -1):
            ptr[i] = ptr[i - 1]
        ptr[0] = 0
        return bad, ptr, indeg
    count = np.zeros((2, n), dtype=np.int32)
    both = np.zeros((2, n), dtype=np.int32)
    worst = np.full(2, -1, dtype=np.int64)
    _count_halves(n, pred, succ, count, both, worst)
    indeg = np.empty(n, dtype=np.int32)
    bad = worst.max()
    if bad >= 0:
        return bad, ptr, indeg
    j = 0
    for i in range(n):
        ptr[i] = j
        c0 = count[0, i]
        c1 = count[1, i]
        count[0, i] = j  # count[t] becomes thread t's fill pointers
        count[1, i] = j + c0
        indeg[i] = both[0, i] + both[1, i]
        j += c0 + c1
    ptr[n] = j
    _scatter_halves(pred, succ, ltype, lag, lkind, count, rec, worst)
    return worst.max(), ptr, indeg


@njit(cache=True)
def _compile(n, pred, succ, ltype, lag, lkind, rec, out, two):  # pragma: no cover - compiled
    """CSR by label in topological order into ``out``, or an error code.

    ``rec`` is scratch of shape ``(m,)``; ``out`` holds the per-link outputs
    (successor, type, lag, kind, predecessor), all allocated by the caller: numpy asks the kernel
    for huge pages for large arrays, which saves a page fault per 4 KiB.
    Returns ``(code, where, order, rank, ptr)``: code 1 is a bad link (``where`` = its
    position), code 2 a cycle (``where`` = how many activities could be ordered).
    """
    out_succ, out_type, out_lag, out_kind, out_pred = out
    order = np.empty(n + 1, dtype=np.int32)  # one spare slot for the count-down
    rank = np.empty(n, dtype=np.int32)
    out_ptr = np.empty(n + 1, dtype=np.int64)
    bad, ptr, indeg = _layout(n, pred, succ, ltype, lag, lkind, rec, two)
    if bad >= 0:
        return 1, bad, order[:n], order[:n], out_ptr
    # Kahn's algorithm: each activity popped takes the next label and its links the
    # next CSR entries, so the relabelled CSR is written front to back. The queue is
    # worked a segment at a time (first copy the segment's links, then count down its
    # successors) so that the random reads of one loop do not wait on each other; the
    # order is the same as popping one activity at a time.
    # Measured and dropped: running the forward pass on a second thread as the order
    # grows (it must then read activities by position, at random, and was slower than
    # the order it trailed: 100,000 activities 5 % faster in all, 1,000,000 slower);
    # copying only successors here and decoding the other link columns afterwards on
    # two threads, with the relabelling (100,000 activities: 5.2 ms either way); the
    # forward pass of a plain network within this loop, requirements pushed as the
    # successors are counted down and dates placed as activities are popped (compile
    # and forward 10.8 -> 11.8 ms: the heavier loops overlap fewer of their misses);
    # a copy flat over the links, each link's activity found by a running maximum,
    # without the loop per activity (7.6 -> 7.8 ms).
    first_link = np.empty(n, dtype=np.int32)
    tail = 0
    for i in range(n):
        if indeg[i] == 0:
            order[tail] = i
            tail += 1
    head = 0
    j = 0
    while head < tail:
        end = tail
        first = j
        # Offsets first: the loop bounds of the copy below then come from sequential
        # reads, so a mispredicted loop exit no longer waits on a random read.
        for h in range(head, end):
            if h + PREFETCH < end:
                w = order[h + PREFETCH]
                prefetch(ptr, w)
                prefetch(rank, w)
            u = order[h] & INDEX
            rank[u] = h
            e = ptr[u]
            out_ptr[h] = j
            first_link[h] = e
            j += ptr[u + 1] - e
        out_ptr[end] = j
        for h in range(head, end):
            if h + PREFETCH < end:
                prefetch(rec, first_link[h + PREFETCH])
            e = first_link[h] & INDEX
            for jj in range(out_ptr[h] & INDEX, out_ptr[h + 1] & INDEX):
                word = rec[e]
                out_succ[jj] = word & 0xFFFFFFF
                out_type[jj] = (word >> 30) & 3
                out_kind[jj] = (word >> 28) & 3
                out_lag[jj] = word >> 32
                out_pred[jj] = h
                e += 1
        for jj in range(first, j):
            # Without a branch (a third of the links free their successor, at random):
            # every successor is written at the tail, which moves on when it is free.
            if jj + PREFETCH < j:
                prefetch(indeg, out_succ[jj + PREFETCH])
            v = out_succ[jj] & INDEX
            d = indeg[v] - 1
            indeg[v] = d
            order[tail] = v
            tail += d == 0
        head = end
    if tail < n:
        return 2, tail, order[:n], rank, out_ptr
    out_ptr[n] = j
    _relabel(out_succ, rank, two)
    return 0, 0, order[:n], rank, out_ptr


@njit(cache=True)
def _relabel(succ, rank, two):  # pragma: no cover - compiled
    """Successor positions to labels, by two threads (a contiguous half each) if ``two``."""
    if two:
        _relabel_halves(succ, rank)
    else:
        _relabel_run(succ, rank, 0, succ.shape[0])


@njit(parallel=True)
def _relabel_halves(succ, rank):  # pragma: no cover - compiled
    for t in prange(2):
        lo, hi = half(succ.shape[0], t)
        _relabel_run(succ, rank, lo, hi)


@njit(cache=True)
def _relabel_run(succ, rank, lo, hi):  # pragma: no cover - compiled
    for j in range(lo, hi):
        succ[j] = rank[succ[j] & INDEX]


def _find_cycle(n: int, pred: I64, succ: I64, done: NDArray[np.int32]) -> list[int]:
    """Positions of one cycle among the activities Kahn's algorithm could not order."""
    stuck = np.ones(n, dtype=bool)
    stuck[done] = False
    # Every stuck activity has a stuck predecessor, so walking predecessors from any of
    # them must revisit one: the walk from the first revisit is a cycle.
    keep = stuck[pred] & stuck[succ]
    p, s = pred[keep], succ[keep]
    by_succ = np.argsort(s, kind="stable")
    first = np.searchsorted(s[by_succ], np.arange(n))
    node = int(np.flatnonzero(stuck)[0])
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = int(p[by_succ[first[node]]])
    cycle = walk[seen[node] :]
    cycle.reverse()  # the walk went from successors to predecessors
    first_pos = cycle.index(min(cycle))  # a stable rotation makes messages reproducible
    return cycle[first_pos:] + cycle[:first_pos]


def _check_size(n: int, m: int = 0) -> None:
    # A link's successor is packed into 28 bits while ordering (see _compile), and its
    # counts and fill pointers are int32.
    if not 0 <= n < 2**28:
        raise InvalidNetwork(f"{n} activities: a network holds 0 to 2**28 - 1")
    if m >= 2**31:
        raise InvalidNetwork(f"{m} links: a network holds at most 2**31 - 1")


def _int_array(
    values: ArrayLike | None, m: int, default: int, name: str, dtype: type = np.int64
) -> NDArray:
    if values is None:
        return np.full(m, default, dtype=dtype)
    arr = np.asarray(values)
    if arr.shape != (m,):
        raise InvalidNetwork(f"{name} has shape {arr.shape}, expected ({m},)")
    if arr.dtype.kind not in "iub" and arr.size:
        raise InvalidNetwork(f"{name} must hold integers, not {arr.dtype}")
    if dtype is np.int8 and arr.dtype != np.int8:
        # Narrowing would wrap out-of-range codes into valid ones: check first.
        bad = np.flatnonzero((arr < 0) | (arr > 3))
        if bad.size:
            raise InvalidNetwork(f"{name} out of range at links {bad[:10].tolist()}", bad)
    return arr.astype(dtype, copy=False)


def compile_network(
    pred: ArrayLike,
    succ: ArrayLike,
    *,
    n: int | None = None,
    ids: ArrayLike | None = None,
    link_type: ArrayLike | None = None,
    lag: ArrayLike | None = None,
    lag_kind: ArrayLike | None = None,
) -> Network:
    """Validate a network, lay its links out in CSR order and order it topologically.

    Parameters
    ----------
    pred, succ : array_like of int, shape (m,)
        Positions (``0 .. n-1``) of each link's predecessor and successor. Use
        :func:`index_links` to turn caller ids into positions.
    n : int, optional
        Number of activities; defaults to ``len(ids)``.
    ids : array_like of int, shape (n,), optional
        Caller's activity ids, used in error messages; defaults to the positions.
    link_type : array_like of int, shape (m,), optional
        :class:`LinkType` per link; default FS.
    lag : array_like of int, shape (m,), optional
        Lag per link in the unit of ``lag_kind``; default 0. Negative lags are leads.
    lag_kind : array_like of int, shape (m,), optional
        :class:`LagKind` per link; default working minutes.

    Returns
    -------
    Network

    Raises
    ------
    InvalidNetwork
        A position out of range, an unknown link type or lag kind, a lag beyond int32,
        more than 2**28 - 1 activities or 2**31 - 1 links.
    CyclicDependency
        The links form a cycle; ``cycle`` names its activities in dependency order.

    Examples
    --------
    >>> from pmo.engine.errors import CyclicDependency
    >>> try:
    ...     compile_network([0, 1, 2], [1, 2, 0], ids=[10, 11, 12])
    ... except CyclicDependency as err:
    ...     print(err.cycle)
    (10, 11, 12)
    """
    if ids is None:
        if n is None:
            raise InvalidNetwork("give n or ids")
        _check_size(n)  # before the ids: 8 bytes per activity
        ids_arr = np.arange(n, dtype=np.int64)
    else:
        ids_arr = np.asarray(ids, dtype=np.int64)
        if n is not None and n != ids_arr.shape[0]:
            raise InvalidNetwork(f"n={n} but {ids_arr.shape[0]} ids")
        n = int(ids_arr.shape[0])
    p = np.asarray(pred)
    if p.ndim != 1:
        raise InvalidNetwork("pred must be one-dimensional")
    m = int(p.shape[0])
    _check_size(n, m)
    p = _int_array(p, m, 0, "pred")
    s = _int_array(succ, m, 0, "succ")
    lt = _int_array(link_type, m, int(LinkType.FS), "link_type", np.int8)
    lg = _int_array(lag, m, 0, "lag")
    lk = _int_array(lag_kind, m, int(LagKind.WORKING), "lag_kind", np.int8)
    rec = np.empty(m, dtype=np.int64)
    out = (
        np.empty(m, dtype=np.int32),
        np.empty(m, dtype=np.int8),
        np.empty(m, dtype=np.int32),
        np.empty(m, dtype=np.int8),
        np.empty(m, dtype=np.int32),
    )
    code, where, order, rank, ptr = _compile(n, p, s, lt, lg, lk, rec, out, two_threads(n))
    del rec
    csr_succ, csr_type, csr_lag, csr_kind, csr_pred = out
    if code == 1:
        for name, arr, hi in (("pred", p, n), ("succ", s, n), ("link_type", lt, 4)):
            bad = np.flatnonzero((arr < 0) | (arr >= hi))
            if bad.size:
                raise InvalidNetwork(f"{name} out of range at links {bad[:10].tolist()}", bad)
        bad = np.flatnonzero((lk < 0) | (lk >= 4))
        if bad.size:
            raise InvalidNetwork(f"lag_kind out of range at links {bad[:10].tolist()}", bad)
        bad = np.flatnonzero(np.abs(lg) > np.iinfo(np.int32).max)
        raise InvalidNetwork(f"lag beyond int32 at links {bad[:10].tolist()}", bad)
    if code == 2:
        cycle = _find_cycle(n, p, s, order[:where])
        raise CyclicDependency(ids_arr[cycle].tolist())
    return Network(
        n=n,
        ids=ids_arr,
        order=order,
        rank=rank,
        succ_ptr=ptr,
        succ=csr_succ,
        pred=csr_pred,
        link_type=csr_type,
        lag=csr_lag,
        lag_kind=csr_kind,
    )


def index_links(ids: ArrayLike, pred_ids: ArrayLike, succ_ids: ArrayLike) -> tuple[I64, I64]:
    """Turn links given by activity ids into links given by positions in ``ids``.

    Raises
    ------
    InvalidNetwork
        Duplicate activity ids, or links naming an unknown id (``ids`` holds them).

    Examples
    --------
    >>> index_links([30, 10, 20], [10, 20], [20, 30])
    (array([1, 2]), array([2, 0]))
    """
    ids_arr = np.asarray(ids, dtype=np.int64)
    by_id = np.argsort(ids_arr, kind="stable")
    sorted_ids = ids_arr[by_id]
    dup = sorted_ids[1:][sorted_ids[1:] == sorted_ids[:-1]]
    if dup.size:
        raise InvalidNetwork(f"duplicate activity ids {np.unique(dup)[:10].tolist()}", dup)
    out = []
    for arr in (np.asarray(pred_ids, dtype=np.int64), np.asarray(succ_ids, dtype=np.int64)):
        pos = np.searchsorted(sorted_ids, arr)
        pos_c = np.minimum(pos, max(sorted_ids.shape[0] - 1, 0))
        unknown = (pos >= sorted_ids.shape[0]) | (sorted_ids[pos_c] != arr) if arr.size else pos
        if arr.size and np.any(unknown):
            bad = np.unique(arr[unknown])
            raise InvalidNetwork(f"links name unknown activity ids {bad[:10].tolist()}", bad)
        out.append(by_id[pos_c] if arr.size else arr)
    return out[0], out[1]


@njit(cache=True)
def _depths(parent):  # pragma: no cover - compiled
    n = parent.shape[0]
    depth = np.full(n, -1, dtype=np.int64)
    path = np.empty(n, dtype=np.int64)
    for start in range(n):
        if depth[start] >= 0:
            continue
        # Climb until a node of known depth (or a root), then fill the path on the way back.
        k = 0
        node = start
        while node >= 0 and depth[node] < 0:
            if k >= n:
                return depth, node
            path[k] = node
            k += 1
            node = parent[node]
        base = -1 if node < 0 else depth[node]
        for j in range(k - 1, -1, -1):
            base += 1
            depth[path[j]] = base
    return depth, -1


def wbs_order(parent: ArrayLike) -> I64:
    """Positions of a WBS tree ordered children before parents (deepest first).

    Parameters
    ----------
    parent : array_like of int, shape (n,)
        Position of each node's parent, ``-1`` for a root.

    Raises
    ------
    InvalidNetwork
        A parent out of range or a loop in the parent pointers.

    Examples
    --------
    >>> wbs_order([-1, 0, 1, 0]).tolist()
    [2, 1, 3, 0]
    """
    par = np.asarray(parent, dtype=np.int64)
    n = par.shape[0]
    bad = np.flatnonzero((par < -1) | (par >= n))
    if bad.size:
        raise InvalidNetwork(f"parent out of range at {bad[:10].tolist()}", bad)
    depth, looping = _depths(par)
    if looping >= 0:
        raise InvalidNetwork(f"the WBS parents loop through node {looping}", [looping])
    return np.argsort(-depth, kind="stable")


@njit(cache=True)
def _rollup(parent, order, values, weights, how, is_parent):  # pragma: no cover - compiled
    n = parent.shape[0]
    acc = values.astype(np.float64)
    wsum = np.zeros(n)
    if how == 3:
        for i in range(n):
            if is_parent[i]:
                acc[i] = 0.0
            else:
                acc[i] = values[i] * weights[i]
                wsum[i] = weights[i]
    else:
        for i in range(n):
            if is_parent[i]:
                acc[i] = 0.0 if how == 0 else (np.inf if how == 1 else -np.inf)
    for k in range(n):
        i = order[k]
        p = parent[i]
        if p < 0:
            continue
        if how == 0 or how == 3:
            acc[p] += acc[i]
            wsum[p] += wsum[i]
        elif how == 1:
            acc[p] = min(acc[p], acc[i])
        else:
            acc[p] = max(acc[p], acc[i])
    if how == 3:
        for i in range(n):
            acc[i] = acc[i] / wsum[i] if wsum[i] > 0 else np.nan
    return acc


_HOW = {"sum": 0, "min": 1, "max": 2, "mean": 3}


def rollup(
    parent: ArrayLike,
    values: ArrayLike,
    how: Literal["sum", "min", "max", "mean"] = "sum",
    weights: ArrayLike | None = None,
    order: Sequence[int] | NDArray[np.int64] | None = None,
) -> NDArray[np.float64] | I64:
    """Roll leaf values up a WBS tree: each summary node gets its descendants' aggregate.

    Summary nodes (nodes that are someone's parent) ignore their own input value; leaf
    nodes keep theirs. Use ``min`` for start dates, ``max`` for finish dates, ``sum`` for
    work and cost, and ``mean`` with work or duration weights for percent complete.

    Parameters
    ----------
    parent : array_like of int, shape (n,)
        Parent position of each node, ``-1`` for roots.
    values : array_like, shape (n,)
        Leaf values (integers stay integers for sum, min and max).
    how : {"sum", "min", "max", "mean"}
    weights : array_like, shape (n,), optional
        Leaf weights for ``mean``; default 1. A summary whose leaves weigh 0 gets NaN.
    order : array_like of int, optional
        Result of :func:`wbs_order`, to save recomputing it for several roll-ups.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> parent = [-1, 0, 0, 1, 1]  # 0 is the project, 1 a summary, 2, 3, 4 are tasks
    >>> rollup(parent, [0, 0, 5, 2, 3]).tolist()
    [10, 5, 5, 2, 3]
    >>> rollup(parent, [0, 0, 100.0, 50.0, 0.0], "mean", weights=[0, 0, 1, 2, 2]).tolist()
    [40.0, 25.0, 100.0, 50.0, 0.0]
    """
    par = np.asarray(parent, dtype=np.int64)
    vals = np.asarray(values)
    if vals.shape != par.shape:
        raise InvalidNetwork(f"values have shape {vals.shape}, parent has {par.shape}")
    if how not in _HOW:
        raise ValueError(f"how must be one of {sorted(_HOW)}, not {how!r}")
    ordr = wbs_order(par) if order is None else np.asarray(order, dtype=np.int64)
    is_parent = np.zeros(par.shape[0], dtype=np.bool_)
    is_parent[par[par >= 0]] = True
    w = np.ones(par.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    if vals.dtype.kind in "iu" and how != "mean":
        # float64 holds every integer below 2**53 exactly: minutes and cents stay exact.
        out = _rollup(par, ordr, vals.astype(np.float64), w, _HOW[how], is_parent)
        leafless = is_parent & ~np.isfinite(out)
        if np.any(leafless):
            out[leafless] = 0
        return out.astype(vals.dtype)
    return _rollup(par, ordr, vals.astype(np.float64), w, _HOW[how], is_parent)
