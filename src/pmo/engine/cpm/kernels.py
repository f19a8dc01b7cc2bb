"""Compiled forward and backward passes shared by :func:`schedule` and the batch runner.

Two time models, chosen by ``sc[MODE]``:

* ``WORKING`` (one calendar): values are working minutes of the project calendar
  since the origin; a duration or working lag is an addition. The calendar is only
  looked up for elapsed lags, which go through instants (Unix minutes) and back.
* ``INSTANT`` (several calendars): values are Unix minutes. A start is the instant a
  working minute of the activity's calendar begins, a finish the instant one ends, a
  milestone any instant within or at the edge of working time. Durations count on the
  activity's calendar, working lags on the link's calendar.

Either way, a link from ``u`` to ``v`` turns a *source* value of ``u`` (its finish for
FS/FF, its start for SS/SF) into a *requirement* on ``v`` (its start for FS/SS, its
finish for FF/SF). The backward pass inverts each requirement exactly (the largest
source value that still meets the target), so critical paths have zero float in both
models. Progress is handled through ``state``: a started activity keeps its actual
start and only the finish-side and FS requirements push its remaining work; a finished
one is fixed. Links into finished activities, and SS links into started ones, are
disabled (type ``-1``) by the caller.
"""

import numpy as np
from numba import njit, prange

from pmo.engine.calendars import (
    _finish_at,
    _finish_need,
    _point_after,
    _point_before,
    _start_at,
    _start_limit,
    _work,
)

__all__: list[str] = []

NEG = -(1 << 62)
POS = 1 << 62

# sc (int64 scalars): time model, project calendar count at origin, project start,
# status date (NEG: none), retained logic (1) or progress override (0).
MODE, W0, START, STATUS, RETAINED = 0, 1, 2, 3, 4
WORKING, INSTANT = 0, 1

# Constraint codes (mirrors pmo.engine.cpm.Constraint).
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = 0, 1, 2, 3, 4, 5, 6, 7
NOT_STARTED, STARTED, FINISHED = 0, 1, 2


@njit(cache=True)
def _lag(kind, lag, du):  # pragma: no cover - compiled
    """(lag in minutes, elapsed?) of a link whose predecessor lasts ``du``."""
    if kind == 0:
        return np.int64(lag), False
    if kind == 1:
        return np.int64(lag), True
    # Percent lags are basis points of the duration, rounded half up.
    value = (2 * np.int64(lag) * du + 10000) // 20000
    return value, kind == 3


@njit(cache=True)
def _require(t, kind, lag, lcal, du, dur, v, src, sc, cs, flag):  # pragma: no cover - compiled
    """Requirement on the successor from source value ``src`` through one link.

    In the working model a milestone successor's value is a working-time count like a
    start, whatever the link type (``dur[v]`` is only read for elapsed lags).
    """
    lv, elapsed = _lag(kind, lag, du)
    if sc[MODE] == WORKING:
        if not elapsed:
            return src + lv
        w0 = sc[W0]
        if (t & 1) == 0:
            at = _finish_at(cs, 0, src + w0, flag) + lv
        else:
            at = _start_at(cs, 0, src + w0, flag) + lv
        if t < 2 or dur[v] == 0:
            return _work(cs, 0, at, flag) - w0
        return _finish_need(cs, 0, at, flag) - w0
    if elapsed or lv == 0:
        return src + lv
    w = _work(cs, lcal, src, flag)
    if lv > 0:
        return _finish_at(cs, lcal, w + lv, flag)
    return _start_at(cs, lcal, w + lv, flag)


@njit(cache=True)
def _limit(t, kind, lag, lcal, du, dur, v, target, sc, cs, flag):  # pragma: no cover
    """Largest source value whose requirement through one link is at most ``target``."""
    lv, elapsed = _lag(kind, lag, du)
    if sc[MODE] == WORKING:
        if not elapsed:
            return target - lv
        w0 = sc[W0]
        if t < 2 or dur[v] == 0:
            at = _start_at(cs, 0, target + w0, flag) - lv
        else:
            at = _finish_at(cs, 0, target + w0, flag) - lv
        if (t & 1) == 0:
            return _work(cs, 0, at, flag) - w0
        return _start_limit(cs, 0, at, flag) - w0
    if elapsed or lv == 0:
        return target - lv
    if lv > 0:
        return _start_at(cs, lcal, _work(cs, lcal, target, flag) - lv, flag)
    return _start_at(cs, lcal, _start_limit(cs, lcal, target, flag) - lv, flag)


@njit(cache=True)
def _place_early(u, lo_s, lo_f, act, sc, cs, flag):  # pragma: no cover - compiled
    """Early (start, finish) of activity ``u`` given its start and finish requirements."""
    dur, rem, cal, ctype, ctime, _dl, astart, afinish, state = act
    c = cal[u]
    st = state[u]
    if st == FINISHED:
        return astart[u], afinish[u]
    if st == STARTED:
        resume = sc[STATUS]
        if sc[RETAINED] == 1 and lo_s > resume:
            resume = lo_s
        r = rem[u]
        if sc[MODE] == WORKING:
            return astart[u], max(resume + r, lo_f)
        if r > 0:
            w = _work(cs, c, resume, flag) + r
            if lo_f > NEG:
                w = max(w, _finish_need(cs, c, lo_f, flag))
            return astart[u], _finish_at(cs, c, w, flag)
        return astart[u], _point_after(cs, c, max(resume, lo_f), flag)
    d = dur[u]
    k = ctype[u]
    if k == SNET:
        lo_s = max(lo_s, ctime[u])
    elif k == FNET:
        lo_f = max(lo_f, ctime[u])
    if sc[MODE] == WORKING:
        es = max(lo_s, lo_f - d)
        if k == MSO:
            es = ctime[u]
        elif k == MFO:
            es = ctime[u] - d
        return es, es + d
    if d == 0:
        x = max(lo_s, lo_f)
        if k in (MSO, MFO):
            x = ctime[u]
        x = _point_after(cs, c, x, flag)
        return x, x
    w = _work(cs, c, lo_s, flag)
    if lo_f > NEG:
        w = max(w, _finish_need(cs, c, lo_f, flag) - d)
    if k == MSO:
        w = _work(cs, c, ctime[u], flag)
    elif k == MFO:
        w = _finish_need(cs, c, ctime[u], flag) - d
    return _start_at(cs, c, w, flag), _finish_at(cs, c, w + d, flag)


@njit(cache=True)
def _place_late(u, hi_s, hi_f, es, ef, act, sc, cs, flag):  # pragma: no cover - compiled
    """Late (start, finish) of activity ``u`` given its start and finish limits."""
    dur, rem, cal, ctype, ctime, dline, _as, _af, state = act
    c = cal[u]
    st = state[u]
    if st == FINISHED:
        return es, ef
    hi_f = min(hi_f, dline[u])
    k = ctype[u]
    if k == SNLT:
        hi_s = min(hi_s, ctime[u])
    elif k == FNLT:
        hi_f = min(hi_f, ctime[u])
    if st == STARTED:
        r = rem[u]
        if sc[MODE] == WORKING:
            return hi_f - r, hi_f
        if r > 0:
            w = _work(cs, c, hi_f, flag)
            return _start_at(cs, c, w - r, flag), _finish_at(cs, c, w, flag)
        y = _point_before(cs, c, hi_f, flag)
        return y, y
    d = dur[u]
    if sc[MODE] == WORKING:
        lf = min(hi_f, hi_s + d)
        if k == MSO:
            lf = ctime[u] + d
        elif k == MFO:
            lf = ctime[u]
        return lf - d, lf
    if d == 0:
        y = _point_before(cs, c, min(hi_s, hi_f), flag)
        if k in (MSO, MFO):
            y = _point_after(cs, c, ctime[u], flag)
        return y, y
    w = _work(cs, c, hi_f, flag)
    if hi_s < POS:
        w = min(w, _start_limit(cs, c, hi_s, flag) + d)
    if k == MSO:
        w = _work(cs, c, ctime[u], flag) + d
    elif k == MFO:
        w = _finish_need(cs, c, ctime[u], flag)
    return _start_at(cs, c, w - d, flag), _finish_at(cs, c, w, flag)


@njit(cache=True)
def forward(net, act, sc, cs, es, ef, flag):  # pragma: no cover - compiled
    """Early dates in topological order, pushing requirements along links."""
    order, ptr, succ, ltype, lag, lkind, lcal = net
    dur = act[0]
    n = order.shape[0]
    req_s = np.full(n, NEG, dtype=np.int64)
    req_f = np.full(n, NEG, dtype=np.int64)
    lo = sc[START]
    if sc[STATUS] > lo:
        lo = sc[STATUS]
    for k in range(n):
        u = order[k]
        s, f = _place_early(u, max(lo, req_s[u]), req_f[u], act, sc, cs, flag)
        es[u] = s
        ef[u] = f
        du = dur[u]
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            if t < 0:
                continue
            src = f if (t & 1) == 0 else s
            v = succ[e]
            r = _require(t, lkind[e], lag[e], lcal[e], du, dur, v, src, sc, cs, flag)
            if t < 2:
                if r > req_s[v]:
                    req_s[v] = r
            elif r > req_f[v]:
                req_f[v] = r


@njit(cache=True)
def backward(net, act, sc, cs, finish, es, ef, ls, lf, flag):  # pragma: no cover - compiled
    """Late dates in reverse topological order, pulling limits from successors."""
    order, ptr, succ, ltype, lag, lkind, lcal = net
    dur = act[0]
    n = order.shape[0]
    for k in range(n - 1, -1, -1):
        u = order[k]
        hi_s = POS
        hi_f = finish
        du = dur[u]
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            if t < 0:
                continue
            v = succ[e]
            target = ls[v] if t < 2 else lf[v]
            b = _limit(t, lkind[e], lag[e], lcal[e], du, dur, v, target, sc, cs, flag)
            if (t & 1) == 0:
                if b < hi_f:
                    hi_f = b
            elif b < hi_s:
                hi_s = b
        s, f = _place_late(u, hi_s, hi_f, es[u], ef[u], act, sc, cs, flag)
        ls[u] = s
        lf[u] = f


@njit(cache=True)
def floats(net, act, sc, cs, finish, es, ef, lf, tf, ff, flag):  # pragma: no cover - compiled
    """Total float (late minus early finish) and free float, on each activity's calendar."""
    _order, ptr, succ, ltype, lag, lkind, lcal = net
    dur, _rem, cal, _ct, _ctime, _dl, _as, _af, state = act
    n = es.shape[0]
    working = sc[MODE] == WORKING
    for u in range(n):
        if state[u] == FINISHED:
            tf[u] = 0
            ff[u] = 0
            continue
        c = cal[u]
        du = dur[u]
        if working:
            tf[u] = lf[u] - ef[u]
            slack = finish - ef[u]
        else:
            w_ef = _work(cs, c, ef[u], flag)
            tf[u] = _work(cs, c, lf[u], flag) - w_ef
            slack = _work(cs, c, finish, flag) - w_ef
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            if t < 0 or ((t & 1) == 1 and state[u] == STARTED):
                continue
            v = succ[e]
            if t >= 2:
                target = ef[v]
            elif state[v] == STARTED:
                target = _remaining_start(v, act, sc, cs, ef, flag)
            else:
                target = es[v]
            b = _limit(t, lkind[e], lag[e], lcal[e], du, dur, v, target, sc, cs, flag)
            if working:
                gap = b - (ef[u] if (t & 1) == 0 else es[u])
            elif (t & 1) == 0 or du == 0:
                gap = _work(cs, c, b, flag) - _work(cs, c, ef[u] if (t & 1) == 0 else es[u], flag)
            else:
                gap = _start_limit(cs, c, b, flag) - _work(cs, c, es[u], flag)
            if gap < slack:
                slack = gap
        ff[u] = slack


@njit(cache=True)
def _remaining_start(v, act, sc, cs, ef, flag):  # pragma: no cover - compiled
    """Start of the remaining work of a started activity (its finish less the remaining)."""
    r = act[1][v]
    if sc[MODE] == WORKING:
        return ef[v] - r
    c = act[2][v]
    if r == 0:
        return ef[v]
    return _start_at(cs, c, _work(cs, c, ef[v], flag) - r, flag)


@njit(cache=True)
def longest_path(net, act, sc, cs, finish, es, ef, flag):  # pragma: no cover - compiled
    """Activities on a chain of driving links ending at the project's early finish."""
    order, ptr, succ, ltype, lag, lkind, lcal = net
    dur, _rem, _cal, _ct, _ctime, _dl, _as, _af, state = act
    n = order.shape[0]
    on = np.zeros(n, dtype=np.bool_)
    for k in range(n - 1, -1, -1):
        u = order[k]
        if state[u] == FINISHED:
            continue
        if ef[u] == finish:
            on[u] = True
            continue
        du = dur[u]
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            v = succ[e]
            if t < 0 or not on[v]:
                continue
            src = ef[u] if (t & 1) == 0 else es[u]
            r = _require(t, lkind[e], lag[e], lcal[e], du, dur, v, src, sc, cs, flag)
            if _drives(v, t, r, act, sc, cs, es, ef, flag):
                on[u] = True
                break
    return on


@njit(cache=True)
def _drives(v, t, r, act, sc, cs, es, ef, flag):  # pragma: no cover - compiled
    """Whether requirement ``r`` (through a link of type ``t``) sets v's early dates."""
    dur, rem, cal, state = act[0], act[1], act[2], act[8]
    c = cal[v]
    working = sc[MODE] == WORKING
    if state[v] == STARTED:
        if t >= 2:
            if working:
                return r == ef[v]
            if rem[v] == 0:
                return _point_after(cs, c, r, flag) == ef[v]
            return _finish_at(cs, c, _finish_need(cs, c, r, flag), flag) == ef[v]
        # Only FS links reach a started activity: they hold back its remaining work.
        if r < sc[STATUS]:
            return False
        if working:
            return r + rem[v] == ef[v]
        if rem[v] == 0:
            return _point_after(cs, c, r, flag) == ef[v]
        return _finish_at(cs, c, _work(cs, c, r, flag) + rem[v], flag) == ef[v]
    if working:
        return r == (es[v] if t < 2 else ef[v])
    if dur[v] == 0:
        return _point_after(cs, c, r, flag) == es[v]
    if t < 2:
        return _start_at(cs, c, _work(cs, c, r, flag), flag) == es[v]
    return _finish_at(cs, c, _finish_need(cs, c, r, flag), flag) == ef[v]


@njit(cache=True)
def alap(net, act, sc, cs, finish, es, ef, ls, lf, start, fin, flag):  # pragma: no cover
    """Scheduled dates: early ones, except ALAP activities pushed as late as their
    successors' scheduled dates allow (never past their late finish)."""
    order, ptr, succ, ltype, lag, lkind, lcal = net
    dur, _rem, _cal, ctype, _ctime, _dl, _as, _af, state = act
    n = order.shape[0]
    for k in range(n - 1, -1, -1):
        u = order[k]
        start[u] = es[u]
        fin[u] = ef[u]
        if ctype[u] != ALAP or state[u] != NOT_STARTED:
            continue
        hi_s = ls[u]
        hi_f = lf[u]
        du = dur[u]
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            if t < 0:
                continue
            v = succ[e]
            target = start[v] if t < 2 else fin[v]
            b = _limit(t, lkind[e], lag[e], lcal[e], du, dur, v, target, sc, cs, flag)
            if (t & 1) == 0:
                hi_f = min(hi_f, b)
            else:
                hi_s = min(hi_s, b)
        s, f = _place_late(u, hi_s, hi_f, es[u], ef[u], act, sc, cs, flag)
        if f > ef[u]:
            start[u] = s
            fin[u] = f


@njit(cache=True)
def finish_of(ef):  # pragma: no cover - compiled
    best = NEG
    for i in range(ef.shape[0]):
        if ef[i] > best:
            best = ef[i]
    return best


@njit(cache=True, parallel=True)
def batch(net, act, sc, cs, durations, watch, want_float, threshold):  # pragma: no cover
    """Project finish (and watched finishes, criticality counts) for each duration row.

    Each row replaces the durations (the remaining durations of started activities).
    Iterations are split into one block per thread so criticality counts need no lock.
    """
    iters, n = durations.shape
    finishes = np.empty(iters, dtype=np.int64)
    watched = np.empty((iters, watch.shape[0]), dtype=np.int64)
    blocks = max(1, min(iters, 64))
    counts = np.zeros((blocks, n if want_float else 0), dtype=np.int64)
    flags = np.zeros((blocks, 2), dtype=np.int64)
    for b in prange(blocks):
        es = np.empty(n, dtype=np.int64)
        ef = np.empty(n, dtype=np.int64)
        ls = np.empty(n, dtype=np.int64)
        lf = np.empty(n, dtype=np.int64)
        flag = flags[b]
        for it in range(b * iters // blocks, (b + 1) * iters // blocks):
            row = durations[it]
            a = (row, row, act[2], act[3], act[4], act[5], act[6], act[7], act[8])
            forward(net, a, sc, cs, es, ef, flag)
            fin = finish_of(ef)
            finishes[it] = fin
            for j in range(watch.shape[0]):
                watched[it, j] = ef[watch[j]]
            if want_float:
                backward(net, a, sc, cs, fin, es, ef, ls, lf, flag)
                _count_critical(a, sc, cs, ef, lf, threshold, counts[b], flag)
    out_flag = np.zeros(2, dtype=np.int64)
    total = np.zeros(n, dtype=np.int64)
    for b in range(blocks):
        out_flag[0] |= flags[b, 0]
        out_flag[1] |= flags[b, 1]
        if want_float:
            total += counts[b]
    return finishes, watched, total, out_flag


@njit(cache=True)
def _count_critical(act, sc, cs, ef, lf, threshold, counts, flag):  # pragma: no cover
    cal, state = act[2], act[8]
    for u in range(ef.shape[0]):
        if state[u] == FINISHED:
            continue
        if sc[MODE] == WORKING:
            tf = lf[u] - ef[u]
        else:
            tf = _work(cs, cal[u], lf[u], flag) - _work(cs, cal[u], ef[u], flag)
        if tf <= threshold:
            counts[u] += 1


@njit(cache=True, parallel=True)
def instants(values, kinds, cal, w0, working, origin_floor, cs, flag):  # pragma: no cover
    """Unix minutes of schedule values: kind 0 start, 1 finish, 2 milestone.

    In the working model a milestone shows at the end of the working time before it,
    as project tools do, but never before the project start ``origin_floor``.
    """
    out = np.empty_like(values)
    for i in prange(values.shape[0]):
        v = values[i]
        if not working:
            out[i] = v
        elif kinds[i] == 0:
            out[i] = _start_at(cs, 0, v + w0, flag)
        else:
            t = _finish_at(cs, 0, v + w0, flag)
            if kinds[i] == 2 and t < origin_floor:
                t = origin_floor
            out[i] = t
    return out


@njit(cache=True, parallel=True)
def project_minutes(values, w0, cs, flag):  # pragma: no cover - compiled
    """Working minutes of the project calendar (calendar 0) since the origin."""
    out = np.empty_like(values)
    for i in prange(values.shape[0]):
        out[i] = _work(cs, 0, values[i], flag) - w0
    return out
