"""Primal heuristics: the greedy baseline, LP-guided rounding, repair and local search.

They all work on one mutable state (chosen column per candidate, residual of every row,
occupancy of every exclusive group) through numba kernels, so a full pass over thousands
of candidates costs milliseconds. Every state they produce is feasible by construction:
a column is only added when it fits every row, its groups are free and its prerequisites
are in (or are added with it as one package).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numba import njit

from pmo.engine.selection.model import Compiled

__all__ = [
    "State",
    "Workspace",
    "greedy",
    "improve",
    "lp_rounding",
    "new_state",
    "state_from_columns",
]


@dataclass(slots=True)
class State:
    """A feasible partial portfolio: ``sel[i]`` is candidate i's column or -1."""

    sel: np.ndarray
    resid: np.ndarray
    gcount: np.ndarray
    value: float


# The static model travels into the kernels as one tuple M and the scratch space as W,
# so the kernels' signatures stay short; see `_model_tuple` for the order.


@njit(cache=True)
def _fits(j, M, resid):
    col_ptr, col_idx, col_val, tol = M[3], M[4], M[5], M[8]
    for k in range(col_ptr[j], col_ptr[j + 1]):
        r = col_idx[k]
        if col_val[k] > resid[r] + tol[r]:
            return False
    return True


@njit(cache=True)
def _consume(j, sign, M, resid):
    col_ptr, col_idx, col_val = M[3], M[4], M[5]
    for k in range(col_ptr[j], col_ptr[j + 1]):
        resid[col_idx[k]] -= sign * col_val[k]


@njit(cache=True)
def _groups(i, delta, M, gcount):
    grp_ptr, grp_idx = M[14], M[15]
    for k in range(grp_ptr[i], grp_ptr[i + 1]):
        gcount[grp_idx[k]] += delta


@njit(cache=True)
def _try_add(i, M, sel, resid, gcount, pref, W, min_gain):
    """Add candidate i with its unselected prerequisites, or change nothing.

    Columns are tried in the order of ``pref``. Returns the value added (which may be
    negative or zero), or -inf when the package does not fit or would add no more than
    ``min_gain`` (a worthless prerequisite can outweigh its dependent).
    """
    item_ptr, opt_value = M[0], M[2]
    req_ptr, req_idx, grp_ptr, grp_idx = M[10], M[11], M[14], M[15]
    stamp, counter, pkg = W
    if sel[i] >= 0:
        return -np.inf
    counter[0] += 1
    mark = counter[0]
    max_pkg = pkg.shape[0]
    pkg[0] = i
    stamp[i] = mark
    n = 1
    head = 0
    while head < n:
        u = pkg[head]
        head += 1
        for k in range(req_ptr[u], req_ptr[u + 1]):
            a = req_idx[k]
            if sel[a] < 0 and stamp[a] != mark:
                if n >= max_pkg:
                    return -np.inf
                stamp[a] = mark
                pkg[n] = a
                n += 1
    # no exclusive group already occupied, and no two package members sharing one
    m = 0
    ok = True
    while m < n:
        u = pkg[m]
        for k in range(grp_ptr[u], grp_ptr[u + 1]):
            if gcount[grp_idx[k]] > 0:
                ok = False
        if not ok:
            break
        _groups(u, 1, M, gcount)
        m += 1
    if not ok:
        for q in range(m):
            _groups(pkg[q], -1, M, gcount)
        return -np.inf
    placed = 0
    gained = 0.0
    for q in range(n):
        u = pkg[q]
        chosen = -1
        for t in range(item_ptr[u], item_ptr[u + 1]):
            j = pref[t]
            if _fits(j, M, resid):
                chosen = j
                break
        if chosen < 0:
            break
        _consume(chosen, 1.0, M, resid)
        sel[u] = chosen
        gained += opt_value[chosen]
        placed += 1
    if placed < n or gained <= min_gain:
        for q in range(placed):
            u = pkg[q]
            _consume(sel[u], -1.0, M, resid)
            sel[u] = -1
        for q in range(n):
            _groups(pkg[q], -1, M, gcount)
        return -np.inf
    return gained


@njit(cache=True)
def _fill(order, M, sel, resid, gcount, pref, W, min_gain):
    """Offer every candidate of ``order`` in turn; returns the value added."""
    gained = 0.0
    for i in order:
        if sel[i] < 0:
            got = _try_add(i, M, sel, resid, gcount, pref, W, min_gain)
            if got > -np.inf:
                gained += got
    return gained


@njit(cache=True)
def _removable(i, M, sel):
    mandatory, dep_ptr, dep_idx = M[9], M[12], M[13]
    if sel[i] < 0 or mandatory[i]:
        return False
    # numba compiles no generator expressions, hence the explicit loop
    for k in range(dep_ptr[i], dep_ptr[i + 1]):  # noqa: SIM110
        if sel[dep_idx[k]] >= 0:
            return False
    return True


@njit(cache=True)
def _needs(k, i, M):
    """Whether candidate k requires candidate i directly."""
    req_ptr, req_idx = M[10], M[11]
    for q in range(req_ptr[k], req_ptr[k + 1]):  # noqa: SIM110 (numba: no generators)
        if req_idx[q] == i:
            return True
    return False


@njit(cache=True)
def _coef(j, r, M):
    col_ptr, col_idx, col_val = M[3], M[4], M[5]
    lo = col_ptr[j]
    hi = col_ptr[j + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        c = col_idx[mid]
        if c == r:
            return col_val[mid]
        if c < r:
            lo = mid + 1
        else:
            hi = mid
    return 0.0


@njit(cache=True)
def _drop(i, M, sel, resid, gcount):
    _consume(sel[i], -1.0, M, resid)
    sel[i] = -1
    _groups(i, -1, M, gcount)


@njit(cache=True)
def _put(i, j, M, sel, resid, gcount):
    _consume(j, 1.0, M, resid)
    sel[i] = j
    _groups(i, 1, M, gcount)


@njit(cache=True)
def _occupant(k, M, sel, gcount):
    """The one selected candidate sharing a group with k: -1 if none, -2 if several."""
    grp_ptr, grp_idx, gm_ptr, gm_idx = M[14], M[15], M[16], M[17]
    occ = -1
    for q in range(grp_ptr[k], grp_ptr[k + 1]):
        g = grp_idx[q]
        if gcount[g] == 0:
            continue
        for t in range(gm_ptr[g], gm_ptr[g + 1]):
            u = gm_idx[t]
            if u != k and sel[u] >= 0:
                if occ >= 0 and occ != u:
                    return -2
                occ = u
    return occ


@njit(cache=True)
def _swap_pass(order, M, sel, resid, gcount, pref, W, deficit):
    """One pass of 1-out/1-in exchanges and start moves; returns the value gained.

    For each unselected candidate k (in ``order``) and each of its columns o, the rows o
    does not fit are its deficit. A selected candidate i can make room only if it uses
    every deficit row, so the candidates are read off the first deficit row's entries;
    the one losing the least value is swapped out, then offered back at any start (which
    is what start shifting buys). When k shares an exclusive group with a selected
    candidate, that occupant is the only one that may leave.
    """
    item_ptr, opt_item, opt_value = M[0], M[1], M[2]
    col_ptr, col_idx, col_val = M[3], M[4], M[5]
    row_ptr, row_idx, tol = M[6], M[7], M[8]
    req_ptr, req_idx = M[10], M[11]
    max_deficit = deficit.shape[0]
    gain_total = 0.0
    for k in order:
        if sel[k] >= 0:
            continue
        ready = True
        for q in range(req_ptr[k], req_ptr[k + 1]):
            if sel[req_idx[q]] < 0:
                ready = False
        if not ready:
            continue
        occ = _occupant(k, M, sel, gcount)
        if occ == -2 or (occ >= 0 and not _removable(occ, M, sel)) or _needs(k, occ, M):
            continue
        best_j = -1
        best_i = -1
        best_gain = 1e-9
        for t in range(item_ptr[k], item_ptr[k + 1]):
            o = pref[t]
            if occ >= 0:
                j = sel[occ]
                gain = opt_value[o] - opt_value[j]
                if gain <= best_gain:
                    continue
                covers = True
                for q in range(col_ptr[o], col_ptr[o + 1]):
                    r = col_idx[q]
                    if col_val[q] > resid[r] + tol[r] + _coef(j, r, M):
                        covers = False
                        break
                if covers:
                    best_gain = gain
                    best_j = o
                    best_i = occ
                continue
            nd = 0
            for q in range(col_ptr[o], col_ptr[o + 1]):
                r = col_idx[q]
                if col_val[q] > resid[r] + tol[r]:
                    if nd == max_deficit:
                        nd += 1
                        break
                    deficit[nd] = q
                    nd += 1
            if nd > max_deficit:
                continue
            if nd == 0:
                if opt_value[o] > best_gain:
                    best_gain = opt_value[o]
                    best_j = o
                    best_i = -1
                continue
            r0 = col_idx[deficit[0]]
            for q in range(row_ptr[r0], row_ptr[r0 + 1]):
                j = row_idx[q]
                i = opt_item[j]
                if sel[i] != j:
                    continue
                gain = opt_value[o] - opt_value[j]
                if gain <= best_gain or not _removable(i, M, sel) or _needs(k, i, M):
                    continue
                covers = True
                for d in range(nd):
                    qq = deficit[d]
                    r = col_idx[qq]
                    if col_val[qq] > resid[r] + tol[r] + _coef(j, r, M):
                        covers = False
                        break
                if covers:
                    best_gain = gain
                    best_j = o
                    best_i = i
        if best_j < 0:
            continue
        if best_i >= 0:
            gain_total -= opt_value[sel[best_i]]
            _drop(best_i, M, sel, resid, gcount)
        _put(k, best_j, M, sel, resid, gcount)
        gain_total += opt_value[best_j]
        if best_i >= 0:
            got = _try_add(best_i, M, sel, resid, gcount, pref, W, 0.0)
            if got > -np.inf:
                gain_total += got
    return gain_total


@njit(cache=True)
def _shift_pass(M, sel, resid, gcount):
    """Move each selected candidate to its most valuable start that fits; value gained."""
    item_ptr, opt_value = M[0], M[2]
    gained = 0.0
    for i in range(sel.shape[0]):
        j = sel[i]
        if j < 0 or item_ptr[i + 1] - item_ptr[i] < 2:
            continue
        _consume(j, -1.0, M, resid)
        best = j
        for t in range(item_ptr[i], item_ptr[i + 1]):
            if opt_value[t] > opt_value[best] + 1e-12 and _fits(t, M, resid):
                best = t
        _consume(best, 1.0, M, resid)
        sel[i] = best
        gained += opt_value[best] - opt_value[j]
    return gained


def _model_tuple(c: Compiled) -> tuple:
    gm_ptr = np.zeros(c.n_groups + 1, dtype=np.int64)
    gm_ptr[1:] = np.cumsum([len(m) for m in c.group_members])
    gm_idx = np.asarray([u for m in c.group_members for u in m], dtype=np.int64)
    return (
        c.item_ptr,
        c.opt_item,
        c.opt_value,
        c.col_ptr,
        c.col_idx,
        c.col_val,
        c.row_ptr,
        c.row_idx,
        c.tol,
        c.mandatory,
        c.req_ptr,
        c.req_idx,
        c.dep_ptr,
        c.dep_idx,
        c.grp_ptr,
        c.grp_idx,
        gm_ptr,
        gm_idx,
    )


class Workspace:
    """Kernel inputs derived once per compiled problem (and per set of limits)."""

    def __init__(self, c: Compiled) -> None:
        self.c = c
        self.M = _model_tuple(c)
        self.W = (
            np.zeros(c.n_items, dtype=np.int64),
            np.zeros(1, dtype=np.int64),
            np.zeros(max(1, min(c.n_items, 256)), dtype=np.int64),
        )
        self.deficit = np.zeros(8, dtype=np.int64)

    def empty(self) -> State:
        return State(
            sel=np.full(self.c.n_items, -1, dtype=np.int64),
            resid=self.c.limit.copy(),
            gcount=np.zeros(self.c.n_groups, dtype=np.int64),
            value=0.0,
        )

    def default_pref(self) -> np.ndarray:
        """Columns of each candidate, most valuable (earliest) start first."""
        c = self.c
        pref = np.arange(c.n_opts, dtype=np.int64)
        for i in np.flatnonzero(np.diff(c.item_ptr) > 1):
            lo, hi = c.item_ptr[i], c.item_ptr[i + 1]
            pref[lo:hi] = lo + np.argsort(-c.opt_value[lo:hi], kind="stable")
        return pref

    def fill(self, s: State, order: np.ndarray, pref: np.ndarray, forced: bool = False) -> None:
        """Offer ``order`` in turn; only packages that add value unless ``forced``."""
        floor = -np.inf if forced else 0.0
        _fill(order, self.M, s.sel, s.resid, s.gcount, pref, self.W, floor)
        s.value = self.value_of(s.sel)

    def seed_forced(self, s: State, pref: np.ndarray) -> bool:
        """Put in every mandatory candidate (and prerequisites); False if some do not fit."""
        forced = np.flatnonzero(self.c.mandatory)
        self.fill(s, forced.astype(np.int64), pref, forced=True)
        return bool(np.all(s.sel[forced] >= 0))

    def value_of(self, sel: np.ndarray) -> float:
        on = sel[sel >= 0]
        return float(self.c.opt_value[on].sum())


def new_state(ws: Workspace) -> State:
    """An empty portfolio."""
    return ws.empty()


def state_from_columns(ws: Workspace, cols: np.ndarray) -> State | None:
    """The portfolio of the given columns, or None when it breaks a constraint."""
    c = ws.c
    s = ws.empty()
    for j in np.asarray(cols, dtype=np.int64):
        i = c.opt_item[j]
        if s.sel[i] >= 0:
            return None
        s.sel[i] = j
    on = s.sel[s.sel >= 0]
    used = np.asarray(c.matrix[:, on].sum(axis=1)).reshape(-1)
    s.resid = c.limit - used
    if np.any(s.resid < -c.tol):
        return None
    chosen = s.sel >= 0
    if np.any(c.mandatory & ~chosen):
        return None
    for i in np.flatnonzero(chosen):
        if not np.all(chosen[c.req_idx[c.req_ptr[i] : c.req_ptr[i + 1]]]):
            return None
    for g, mem in enumerate(c.group_members):
        s.gcount[g] = int(chosen[mem].sum()) if mem else 0
        if s.gcount[g] > 1:
            return None
    s.value = ws.value_of(s.sel)
    return s


def greedy(ws: Workspace, rank: str = "value_per_cost") -> State | None:
    """Rank and fund until the money runs out.

    Mandatory candidates go first; each candidate is then offered in decreasing
    value / total cost (cost-free ones first), or in decreasing value (``rank="score"``,
    the ranked list with a cut line most PMOs use), at its earliest start that fits,
    with any unfunded prerequisites as one package, skipping what breaks a budget, a
    capacity or an exclusive group. Returns None when the mandatory candidates do not
    fit this way.
    """
    c = ws.c
    pref = ws.default_pref()
    s = ws.empty()
    if not ws.seed_forced(s, pref):
        return None
    first = c.item_ptr[:-1]
    cost = np.asarray(c.matrix[: c.n_budget_rows, first].sum(axis=0)).reshape(-1)
    if c.n_budget_rows == 0:
        cost = np.asarray(c.matrix[:, first].sum(axis=0)).reshape(-1)
    val = c.opt_value[first]
    ratio = np.where(cost > 0, val / np.maximum(cost, 1e-300), np.inf)
    if rank == "score":
        order = np.lexsort((np.arange(c.n_items), -ratio, -val)).astype(np.int64)
    else:
        order = np.lexsort((np.arange(c.n_items), -val, -ratio)).astype(np.int64)
    order = order[val[order] > 0]
    ws.fill(s, order, pref)
    return s


def lp_rounding(ws: Workspace, y: np.ndarray, dual: np.ndarray) -> State | None:
    """Round an LP optimum: take its columns by decreasing LP value, then fill by price.

    Parameters
    ----------
    ws : Workspace
    y : ndarray
        LP value of every column.
    dual : ndarray
        Shadow price of every resource row (>= 0).

    Returns
    -------
    State or None
        None when the mandatory candidates do not fit with the LP's preferred starts.
    """
    c = ws.c
    # each candidate's columns, by the LP's preference then by value
    pref = np.lexsort((-c.opt_value, -y, c.opt_item)).astype(np.int64)
    s = ws.empty()
    if not ws.seed_forced(s, pref):
        s = ws.empty()
        if not ws.seed_forced(s, ws.default_pref()):
            return None
    x = np.bincount(c.opt_item, weights=y, minlength=c.n_items)
    profit = _priced_profit(c, dual)
    best_profit = np.full(c.n_items, -np.inf)
    np.maximum.at(best_profit, c.opt_item, profit)
    best_val = np.zeros(c.n_items)
    np.maximum.at(best_val, c.opt_item, c.opt_value)
    # the LP's integral part first, then its fractional part, then the rest by priced
    # profit: this keeps the LP's structure and lets the prices rank what it left out
    order = np.lexsort((-best_profit, -np.round(x, 6))).astype(np.int64)
    order = order[best_val[order] > 0]
    ws.fill(s, order, pref)
    return s


def _priced_profit(c: Compiled, dual: np.ndarray) -> np.ndarray:
    return c.opt_value - c.matrix.T @ dual


def improve(
    ws: Workspace,
    s: State,
    dual: np.ndarray | None = None,
    deadline: float | None = None,
    max_rounds: int = 50,
) -> State:
    """Local search: start moves, 1-out/1-in exchanges, and refills until no gain.

    Parameters
    ----------
    ws : Workspace
    s : State
        Feasible start; changed in place and returned.
    dual : ndarray, optional
        Row prices; candidates are offered by priced profit when given, by value if not.
    deadline : float, optional
        ``time.perf_counter()`` value after which no new round starts.
    max_rounds : int
    """
    c = ws.c
    pref = ws.default_pref()
    best_val = np.zeros(c.n_items)
    np.maximum.at(best_val, c.opt_item, c.opt_value)
    if dual is not None:
        profit = np.full(c.n_items, -np.inf)
        np.maximum.at(profit, c.opt_item, _priced_profit(c, dual))
        order = np.lexsort((-best_val, -profit)).astype(np.int64)
    else:
        order = np.argsort(-best_val, kind="stable").astype(np.int64)
    order = order[best_val[order] > 0]
    by_value = np.argsort(-best_val, kind="stable").astype(np.int64)
    by_value = by_value[best_val[by_value] > 0]
    for _ in range(max_rounds):
        if deadline is not None and time.perf_counter() > deadline:
            break
        gained = _shift_pass(ws.M, s.sel, s.resid, s.gcount)
        gained += _swap_pass(by_value, ws.M, s.sel, s.resid, s.gcount, pref, ws.W, ws.deficit)
        gained += _fill(order, ws.M, s.sel, s.resid, s.gcount, pref, ws.W, 0.0)
        s.value += gained
        if gained <= 1e-9 * max(1.0, abs(s.value)):
            break
    s.value = ws.value_of(s.sel)
    return s
