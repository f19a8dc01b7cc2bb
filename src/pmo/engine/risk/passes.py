"""Monte Carlo iterations in lanes: draw and schedule several iterations at once.

The CPM passes of :mod:`pmo.engine.cpm.kernels` walk the network once per
iteration; here one walk serves ``LANES`` iterations, each value held as a short
row (one entry per iteration), so the per-link work of the common case (working
model, working lag) becomes a few vector instructions
(:mod:`pmo.engine.risk.rows`) and the link arrays are read once for all lanes.
Elapsed lags of the one-calendar model go straight to the calendar look-ups;
everything else (several calendars, constraints, progress) goes through the same
helpers as the single schedule, lane by lane, so results are identical to one
:meth:`pmo.engine.cpm.PreparedSchedule.run` per iteration (tests/engine/test_risk_passes.py).

Durations are drawn in the kernel from counter-based streams (see
:mod:`pmo.engine.risk.draws`), one activity at a time for all lanes, into memory
that stays in cache; the backward pass only computes what criticality needs (late
dates and total float).

numba's disk cache of these kernels is keyed on this file alone, but they embed the
draws, the row operations and the CPM helpers they call: after changing those
modules in a checkout, ``make clean`` (or deleting the ``*.nbi`` / ``*.nbc`` files)
avoids running stale compiled code. Fresh installs are unaffected.
"""

import numpy as np
from numba import njit, prange

from pmo.engine.calendars import _finish_at, _finish_need, _start_at, _start_limit, _work
from pmo.engine.cpm.kernels import (
    ALAP,
    FINISHED,
    MODE,
    NEG,
    NOT_STARTED,
    POS,
    START,
    STATUS,
    W0,
    WORKING,
    _limit,
    _pct,
    _place_early,
    _place_late,
    _require,
)
from pmo.engine.network import PREFETCH
from pmo.engine.risk.draws import FIXED, TRIANGULAR, draw, stream, triangular, uniform
from pmo.engine.risk.rows import (
    LANES,
    place_early,
    place_late,
    prefetch_rows,
    pull_min,
    push_max,
)

__all__: list[str] = []

#: Lane values are int32 (minutes, 4,000 years either way); these stand for "none".
LOW = -(1 << 30)
HIGH = 1 << 30


@njit(cache=True, inline="always")
def _wide(x):  # pragma: no cover - compiled
    """A lane value as the shared helpers expect it: "none" is NEG or POS there."""
    if x <= LOW:
        return NEG
    if x >= HIGH:
        return POS
    return np.int64(x)


@njit(cache=True)
def _draw_lanes(d, order, key, first, live, params, fixed_at, fixed_values, row):
    """Durations of every activity for the lanes' iterations, rounded to minutes.

    The distribution is chosen once per activity, not per draw, so the common
    triangular case is a tight loop.
    """
    kind, lo, mode, hi, p1, p2, p3, p4 = params
    n = order.shape[0]
    for u in range(n):
        # Indexing, not a row view: a view costs two calls to count references.
        k = kind[u]
        if k == FIXED:
            value = np.int64(np.rint(mode[u]))
            for ln in range(LANES):
                d[u, ln] = value
            continue
        p = order[u]
        a, m, b = lo[u], mode[u], hi[u]
        if k == TRIANGULAR:
            for ln in range(LANES):
                x, _ = uniform(stream(key, (first + min(ln, live - 1)) * n + p))
                d[u, ln] = np.int64(np.rint(triangular(x, a, m, b)))
            continue
        for ln in range(LANES):
            s = stream(key, (first + min(ln, live - 1)) * n + p)
            y = draw(k, a, m, b, p1[u], p2[u], p3[u], p4[u], s)
            d[u, ln] = np.int64(np.rint(y))
    # Correlated activities take their rearranged (Iman-Conover) draws.
    for j in range(fixed_at.shape[0]):
        u = fixed_at[j]
        for ln in range(LANES):
            d[u, ln] = fixed_values[row + min(ln, live - 1), j]


@njit(cache=True)
def _add_risks(d, risk_ptr, risk_at, risk_delay, row, live):
    for i in range(risk_ptr.shape[0] - 1):
        for ln in range(LANES):
            amount = risk_delay[row + min(ln, live - 1), i]
            if amount != 0:
                for e in range(risk_ptr[i], risk_ptr[i + 1]):
                    d[risk_at[e], ln] += amount


@njit(cache=True)
def _forward(net, act, sc, cs, d, lanes_d, early, req, fin, flag):
    """Early dates of every lane (see kernels.forward), and each lane's finish.

    ``early[u, 0]`` and ``early[u, 1]`` are the start and finish rows of activity
    ``u``; ``req`` likewise holds the start and finish requirements. Rows are picked
    by index, not by choosing between arrays, which would cost reference counting.
    """
    ptr, succ, ltype, lag, lkind, lcal, _pred = net
    cal, ctype, ctime, dline, astart, afinish, state = act[2:]
    n = d.shape[0]
    links = succ.shape[0]
    req[:] = LOW
    fin[:] = LOW
    lo = max(sc[START], sc[STATUS])
    working = sc[MODE] == WORKING
    for u in range(n):
        if working and ctype[u] <= ALAP and state[u] == NOT_STARTED:
            place_early(early, req, d, u, lo)
        else:
            for ln in range(LANES):
                a = (lanes_d[ln], lanes_d[ln], cal, ctype, ctime, dline, astart, afinish, state)
                rf = _wide(req[u, 1, ln])
                s, f = _place_early(u, max(lo, req[u, 0, ln]), rf, a, sc, cs, flag)
                early[u, 0, ln] = s
                early[u, 1, ln] = f
        for e in range(ptr[u], ptr[u + 1]):
            # The successors' rows are random reads: ask for them a few links ahead.
            if e + PREFETCH < links:
                prefetch_rows(req, succ[e + PREFETCH])
            t = ltype[e]
            if t < 0:
                continue
            v = succ[e]
            kind = lkind[e]
            side = 1 - (t & 1)
            col = t >> 1
            if working and kind == 0:
                push_max(req, (v, col), early, (u, side), lag[e])
            elif working and kind == 2:
                # Indexing, not row views: a view costs two calls to count references.
                for ln in range(LANES):
                    x = early[u, side, ln] + _pct(lag[e], d[u, ln])
                    if x > req[v, col, ln]:
                        req[v, col, ln] = x
            elif working:
                # Elapsed lag: through instants of the project calendar and back.
                w0 = sc[W0]
                for ln in range(LANES):
                    lv = np.int64(lag[e]) if kind == 1 else _pct(lag[e], d[u, ln])
                    src = early[u, side, ln]
                    if side == 1:
                        at = _finish_at(cs, 0, src + w0, flag) + lv
                    else:
                        at = _start_at(cs, 0, src + w0, flag) + lv
                    if col == 0 or d[v, ln] == 0:
                        x = _work(cs, 0, at, flag) - w0
                    else:
                        x = _finish_need(cs, 0, at, flag) - w0
                    if x > req[v, col, ln]:
                        req[v, col, ln] = x
            else:
                for ln in range(LANES):
                    r = _require(
                        t, kind, lag[e], lcal[e], d[u, ln], lanes_d[ln], v, early[u, side, ln],
                        sc, cs, flag,
                    )  # fmt: skip
                    req[v, col, ln] = max(req[v, col, ln], r)
    for u in range(n):
        push_max(fin, (), early, (u, 1), 0)


@njit(cache=True)
def _backward(net, act, sc, cs, d, lanes_d, early, late, fin, hi, live, threshold, counts,
              flag):  # fmt: skip
    """Late dates of every lane, counting the activities critical in each live lane.

    Only total float is needed, so free float (half the link work of
    kernels.backward) is not computed. ``hi[0]``, ``hi[1]``: start and finish limits.
    """
    ptr, succ, ltype, lag, lkind, lcal, _pred = net
    cal, ctype, ctime, dline, astart, afinish, state = act[2:]
    n = d.shape[0]
    working = sc[MODE] == WORKING
    for u in range(n - 1, -1, -1):
        for ln in range(LANES):
            hi[0, ln] = HIGH
            hi[1, ln] = fin[ln]
        for e in range(ptr[u], ptr[u + 1]):
            if e >= PREFETCH:
                prefetch_rows(late, succ[e - PREFETCH])
            t = ltype[e]
            if t < 0:
                continue
            v = succ[e]
            kind = lkind[e]
            col = t >> 1
            side = 1 - (t & 1)
            if working and kind == 0:
                pull_min(hi, (side,), late, (v, col), lag[e])
            elif working and kind == 2:
                for ln in range(LANES):
                    x = late[v, col, ln] - _pct(lag[e], d[u, ln])
                    if x < hi[side, ln]:
                        hi[side, ln] = x
            elif working:
                w0 = sc[W0]
                for ln in range(LANES):
                    lv = np.int64(lag[e]) if kind == 1 else _pct(lag[e], d[u, ln])
                    src = late[v, col, ln]
                    if col == 0 or d[v, ln] == 0:
                        at = _start_at(cs, 0, src + w0, flag) - lv
                    else:
                        at = _finish_at(cs, 0, src + w0, flag) - lv
                    if side == 1:
                        x = _work(cs, 0, at, flag) - w0
                    else:
                        x = _start_limit(cs, 0, at, flag) - w0
                    if x < hi[side, ln]:
                        hi[side, ln] = x
            else:
                for ln in range(LANES):
                    b = _limit(
                        t, kind, lag[e], lcal[e], d[u, ln], lanes_d[ln], v, late[v, col, ln],
                        sc, cs, flag,
                    )  # fmt: skip
                    hi[side, ln] = min(hi[side, ln], b)
        if working and ctype[u] <= ALAP and state[u] == NOT_STARTED:
            counts[u] += place_late(late, hi, d, early, u, dline[u], threshold, live)
            continue
        for ln in range(LANES):
            a = (lanes_d[ln], lanes_d[ln], cal, ctype, ctime, dline, astart, afinish, state)
            limit_s, limit_f = _wide(hi[0, ln]), _wide(hi[1, ln])
            at_s, at_f = early[u, 0, ln], early[u, 1, ln]
            s, f = _place_late(u, limit_s, limit_f, at_s, at_f, a, sc, cs, flag)
            late[u, 0, ln] = s
            late[u, 1, ln] = f
            if state[u] == FINISHED or ln >= live:
                continue
            if working:
                tf = f - early[u, 1, ln]
            else:
                tf = _work(cs, cal[u], f, flag) - _work(cs, cal[u], early[u, 1, ln], flag)
            if tf <= threshold:
                counts[u] += 1


@njit(cache=True, parallel=True)
def run(net, act, sc, cs, order, threshold, key, first, count, params, fixed, risks, watch,
        kept, rate, extra, out, threads):  # fmt: skip  # pragma: no cover - compiled
    """Iterations ``first .. first + count - 1``: finish, watched finishes and cost
    per iteration, and the kept activities' durations, into ``out``
    (iteration 0 is ``first``); returns the number of iterations in which each
    activity (by label) was critical.

    ``params``: (kind, optimistic, most likely, pessimistic, p1 .. p4) by label, as
    ``sampling.parameters`` makes them.
    ``fixed``: (labels, values of shape (count, k)) durations that replace the draws.
    ``risks``: (ptr, labels, delay of shape (count, r)) risk delays in minutes.
    ``watch``, ``kept``: labels whose finish, duration is reported.
    ``rate``, ``extra``: cost per minute by label, extra cost per iteration (or empty).
    ``threads``: numba's thread count (asking for it in here would stop caching).
    Returns ``(counts, flag)``; a set flag means a calendar ran out and nothing is valid.
    """
    finish, watched, kept_out, cost = out
    fixed_at, fixed_values = fixed
    risk_ptr, risk_at, risk_delay = risks
    n = order.shape[0]
    groups = (count + LANES - 1) // LANES
    # A few blocks per thread: enough to even out, few enough that the scratch rows
    # (megabytes on large networks) are allocated, and faulted in, rarely.
    blocks = max(1, min(groups, 4 * threads))
    counts = np.zeros((blocks, n), dtype=np.int64)
    flags = np.zeros((blocks, 2), dtype=np.int64)
    with_cost = extra.shape[0] > 0
    # Lane-major durations feed the shared helpers; the fast paths never need them.
    general = sc[MODE] != WORKING
    ctype, state = act[3], act[8]
    for u in range(n):
        general = general or ctype[u] > ALAP or state[u] != NOT_STARTED
    for b in prange(blocks):
        d = np.empty((n, LANES), dtype=np.int32)
        lanes_d = np.empty((LANES, n), dtype=np.int64)
        early = np.empty((n, 2, LANES), dtype=np.int32)
        req = np.empty((n, 2, LANES), dtype=np.int32)
        fin = np.empty(LANES, dtype=np.int32)
        hi = np.empty((2, LANES), dtype=np.int32)
        spend = np.empty(LANES)
        flag = flags[b]
        for g in range(b * groups // blocks, (b + 1) * groups // blocks):
            row = g * LANES
            live = min(LANES, count - row)
            _draw_lanes(d, order, key, first + row, live, params, fixed_at, fixed_values, row)
            _add_risks(d, risk_ptr, risk_at, risk_delay, row, live)
            if general:
                for u in range(n):
                    for ln in range(LANES):
                        lanes_d[ln, u] = d[u, ln]
            _forward(net, act, sc, cs, d, lanes_d, early, req, fin, flag)
            # The requirement rows are free again: they take the late dates.
            _backward(net, act, sc, cs, d, lanes_d, early, req, fin, hi, live, threshold,
                      counts[b], flag)  # fmt: skip
            if with_cost:
                spend[:] = 0.0
                for u in range(n):
                    r = rate[u]
                    for ln in range(LANES):
                        spend[ln] += d[u, ln] * r
            for ln in range(live):
                i = row + ln
                finish[i] = fin[ln]
                for j in range(watch.shape[0]):
                    watched[i, j] = early[watch[j], 1, ln]
                for j in range(kept.shape[0]):
                    kept_out[i, j] = d[kept[j], ln]
                if with_cost:
                    cost[i] = np.int64(np.rint(extra[i] + spend[ln]))
    total = np.zeros(n, dtype=np.int64)
    flag_out = np.zeros(2, dtype=np.int64)
    for b in range(blocks):
        total += counts[b]
        flag_out[0] |= flags[b, 0]
        flag_out[1] |= flags[b, 1]
    return total, flag_out


@njit(cache=True, parallel=True)
def draw_columns(columns, n, key, first, count, params_at):  # pragma: no cover - compiled
    """Draws of the activities at positions ``columns`` (params by column), shape
    (count, k), from the same streams as :func:`run` uses."""
    kind, lo, mode, hi, p1, p2, p3, p4 = params_at
    out = np.empty((count, columns.shape[0]))
    for r in prange(count):
        it = first + r
        for j in range(columns.shape[0]):
            if kind[j] == FIXED:
                out[r, j] = mode[j]
            else:
                s = stream(key, it * n + columns[j])
                out[r, j] = draw(kind[j], lo[j], mode[j], hi[j], p1[j], p2[j], p3[j], p4[j], s)
    return out
