"""Compiled forward and backward passes of :func:`schedule` (and the Monte Carlo lanes).

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
from numba import literally, njit, prange

from pmo.engine.calendars import (
    _finish_at,
    _finish_need,
    _point_after,
    _point_before,
    _start_at,
    _start_limit,
    _work,
)
from pmo.engine.network import INDEX, PREFETCH, half, prefetch
from pmo.engine.outline import outlined, stash, unstash

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


@njit(cache=True, _nrt=False)
def _lag(kind, lag, du):  # pragma: no cover - compiled
    """(lag in minutes, elapsed?) of a link whose predecessor lasts ``du``."""
    if kind == 0:
        return np.int64(lag), False
    if kind == 1:
        return np.int64(lag), True
    # Percent lags are basis points of the duration, rounded half up.
    value = (2 * np.int64(lag) * du + 10000) // 20000
    return value, kind == 3


@njit(cache=True, _nrt=False)
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
    # Every instant of a non-working gap has the same working count; the earliest one
    # (the end of the working time before the gap) is the least restrictive.
    return _finish_at(cs, lcal, _work(cs, lcal, src, flag) + lv, flag)


@njit(cache=True, _nrt=False)
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
    return _start_at(cs, lcal, _work(cs, lcal, target, flag) - lv, flag)


@njit(cache=True, _nrt=False)
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


@njit(cache=True, _nrt=False)
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


@njit(cache=True, _nrt=False)
def _pct(lag, du):  # pragma: no cover - compiled
    return (2 * np.int64(lag) * du + 10000) // 20000


@njit(cache=True)
def _early_cold(u, rs, rf, ctx):  # pragma: no cover - compiled
    _net, act, sc, cs, flag = unstash(ctx)
    return _place_early(u, rs, rf, act, sc, cs, flag)


@njit(cache=True)
def _require_cold(e, t, kind, du, v, s, f, ctx):  # pragma: no cover - compiled
    """Requirement through link ``e`` when it is not an addition: an elapsed lag, or
    the several-calendar model."""
    net, act, sc, cs, flag = unstash(ctx)
    dur = act[0]
    if sc[MODE] != WORKING:
        src = s if t & 1 else f
        return _require(t, kind, net[3][e], net[5][e], du, dur, v, src, sc, cs, flag)
    # Elapsed lag: through instants of the project calendar and back, as _require does;
    # spelled out because a call to _require, which takes the calendar tuple as
    # arguments, costs more than its look-ups.
    g = np.int64(net[3][e])
    lv = g if kind == 1 else _pct(g, du)
    w0 = sc[W0]
    at = (_start_at(cs, 0, s + w0, flag) if t & 1 else _finish_at(cs, 0, f + w0, flag)) + lv
    if t < 2 or dur[v] == 0:
        return _work(cs, 0, at, flag) - w0
    return _finish_need(cs, 0, at, flag) - w0


_place_early_out = outlined(_early_cold)
_require_out = outlined(_require_cold)


@njit(cache=True)
def _plain(act, sc):  # pragma: no cover - compiled
    """Whether a network is scheduled in the working model with neither constraints
    (ALAP aside, which only the scheduled dates honour) nor progress: then each pass
    is one flat loop over the links."""
    if sc[MODE] != WORKING:
        return False
    ctype, state = act[3], act[8]
    for i in range(ctype.shape[0]):  # noqa: SIM110 - numba compiles no generators
        if ctype[i] > ALAP or state[i] != NOT_STARTED:
            return False
    return True


@njit(cache=True)
def forward(net, act, sc, cs, early, req, flag):  # pragma: no cover - compiled
    """Early dates per label in label (topological) order; returns the latest finish.

    ``early`` and ``req`` are flat: ``[2 * u]`` is activity ``u``'s start, ``[2 * u +
    1]`` its finish. Requirements are pushed along links into ``req``, scratch of the
    caller's (fresh memory costs page faults). The loop over links only adds: the
    common case (working model, working or percent lag) is spelled out without
    branches on the link type, and everything else is an outlined call (see
    :mod:`pmo.engine.outline`), which keeps the loop in registers.
    """
    n = act[0].shape[0]
    lo = max(sc[START], sc[STATUS])
    for i in range(n):
        req[2 * i] = lo
        req[2 * i + 1] = NEG
    if _plain(act, sc):
        return _forward_plain(net, act, sc, cs, early, req, flag)
    return _forward_any(net, act, sc, cs, early, req, flag)


@njit(cache=True)
def _forward_plain(net, act, sc, cs, early, req, flag):  # pragma: no cover - compiled
    """:func:`forward` of a working-model network with neither constraints nor progress.

    Then an activity's dates follow from its requirements by two additions, cheap
    enough to redo for each of its links: the links are one flat loop (100,000
    activities 2.05 -> 1.6 ms), with no loop per activity whose exit the CPU cannot
    predict. The dates are written in a second, sequential loop. The push along a link
    is spelled out as in :func:`_forward_any`: as a shared helper it took 1.6 -> 2.4 ms.
    """
    _ptr, succ, ltype, lag, lkind, _lcal, pred = net
    dur = act[0]
    n = dur.shape[0]
    m = succ.shape[0]
    ctx = stash((net, act, sc, cs, flag))
    for e in range(m):
        if e + PREFETCH < m:
            prefetch(req, 2 * (succ[e + PREFETCH] & INDEX))
        t = ltype[e]
        if t < 0:
            continue
        u = pred[e] & INDEX
        du = dur[u]
        s = max(req[2 * u], req[2 * u + 1] - du)
        f = s + du
        kind = lkind[e]
        v = succ[e] & INDEX
        if (kind & 1) == 0:
            g = np.int64(lag[e])
            lv = g if kind == 0 else _pct(g, du)
            r = (s if t & 1 else f) + lv
        else:
            r = _require_out(e, t, kind, du, v, s, f, ctx)
        x = 2 * v + (t >> 1)
        req[x] = max(req[x], r)
    latest = NEG
    for u in range(n):
        du = dur[u]
        s = max(req[2 * u], req[2 * u + 1] - du)
        early[2 * u] = s
        early[2 * u + 1] = s + du
        latest = max(latest, s + du)
    return latest


@njit(cache=True)
def _forward_any(net, act, sc, cs, early, req, flag):  # pragma: no cover - compiled
    """:func:`forward` in general: a loop per activity, placing it before its links."""
    ptr, succ, ltype, lag, lkind, _lcal, _pred = net
    dur, ctype, state = act[0], act[3], act[8]
    n = dur.shape[0]
    m = succ.shape[0]
    ctx = stash((net, act, sc, cs, flag))
    working = sc[MODE] == WORKING
    latest = NEG
    for u in range(n):
        rs = req[2 * u]
        rf = req[2 * u + 1]
        du = dur[u]
        if working and ctype[u] <= ALAP and state[u] == NOT_STARTED:
            s = max(rs, rf - du)
            f = s + du
        else:
            s, f = _place_early_out(u, rs, rf, ctx)
        early[2 * u] = s
        early[2 * u + 1] = f
        latest = max(latest, f)
        first = ptr[u] & INDEX
        for k in range((ptr[u + 1] & INDEX) - first):
            e = (first + k) & INDEX
            if e + PREFETCH < m:
                prefetch(req, 2 * (succ[(e + PREFETCH) & INDEX] & INDEX))
            t = ltype[e]
            if t < 0:
                continue
            kind = lkind[e]
            v = succ[e] & INDEX
            if working and (kind & 1) == 0:
                g = np.int64(lag[e])
                lv = g if kind == 0 else _pct(g, du)
                r = (s if t & 1 else f) + lv
            else:
                r = _require_out(e, t, kind, du, v, s, f, ctx)
            x = 2 * v + (t >> 1)
            req[x] = max(req[x], r)
    return latest


@njit(cache=True)
def _remaining_cold(v, efv, ctx):  # pragma: no cover - compiled
    _net, act, sc, cs, flag = unstash(ctx)
    return _remaining_start(v, efv, act, sc, cs, flag)


@njit(cache=True)
def _limits_cold(e, t, kind, du, v, target, target_e, floats, ctx):  # pragma: no cover
    """Source limits through link ``e`` for the late and (with ``floats``) the early
    target, when they are not subtractions: an elapsed lag, or several calendars."""
    net, act, sc, cs, flag = unstash(ctx)
    dur = act[0]
    if sc[MODE] != WORKING:
        lg, lc = net[3][e], net[5][e]
        b = _limit(t, kind, lg, lc, du, dur, v, target, sc, cs, flag)
        be = _limit(t, kind, lg, lc, du, dur, v, target_e, sc, cs, flag) if floats else POS
        return b, be
    # Elapsed lag: _limit of the working model for both targets at once, spelled out
    # because two calls to _limit (each taking the calendar tuple as arguments) cost
    # more than the look-ups: 100k backward 3.1 -> 4.5 ms when it delegated.
    g = np.int64(net[3][e])
    lv = g if kind == 1 else _pct(g, du)
    w0 = sc[W0]
    if t < 2 or dur[v] == 0:
        at = _start_at(cs, 0, target + w0, flag) - lv
        at_e = _start_at(cs, 0, target_e + w0, flag) - lv if floats else 0
    else:
        at = _finish_at(cs, 0, target + w0, flag) - lv
        at_e = _finish_at(cs, 0, target_e + w0, flag) - lv if floats else 0
    if t & 1:
        b = _start_limit(cs, 0, at, flag) - w0
        be = _start_limit(cs, 0, at_e, flag) - w0 if floats else POS
    else:
        b = _work(cs, 0, at, flag) - w0
        be = _work(cs, 0, at_e, flag) - w0 if floats else POS
    return b, be


@njit(cache=True)
def _late_cold(u, hi_s, hi_f, es, ef, ctx):  # pragma: no cover - compiled
    _net, act, sc, cs, flag = unstash(ctx)
    return _place_late(u, hi_s, hi_f, es, ef, act, sc, cs, flag)


@njit(cache=True)
def _floats_cold(u, f, free_f, free_s, es, ef, total_too, ctx):  # pragma: no cover
    """(total, free) float of ``u`` in working minutes of its own calendar (total float
    only ``total_too``: a walk for free float alone has no late finish ``f``)."""
    _net, act, _sc, cs, flag = unstash(ctx)
    c = act[2][u]
    w_ef = _work(cs, c, ef, flag)
    total = _work(cs, c, f, flag) - w_ef if total_too else 0
    free = _work(cs, c, free_f, flag) - w_ef
    if act[8][u] == NOT_STARTED and free_s < POS:
        w_es = _work(cs, c, es, flag)
        if act[0][u] == 0:
            free = min(free, _work(cs, c, free_s, flag) - w_es)
        else:
            free = min(free, _start_limit(cs, c, free_s, flag) - w_es)
    return total, free


_remaining_out = outlined(_remaining_cold)
_limits_out = outlined(_limits_cold)
_place_late_out = outlined(_late_cold)
_floats_out = outlined(_floats_cold)


#: What a walk of :func:`_walk` computes: late dates and both floats; late dates and
#: total float; free float only.
_BOTH, _LATE, _FREE = 0, 1, 2


@njit(cache=True)
def backward(net, act, sc, cs, finish, early, late, fl, floats, flag, two):  # pragma: no cover
    """Late dates per label in reverse order, pulling limits from successors.

    ``early``, ``late`` and ``fl`` are flat like :func:`forward`'s arrays. With
    ``floats`` the same walk fills ``fl[2 * u]`` (total float: late minus early
    finish) and ``fl[2 * u + 1]`` (free float: the delay that keeps every successor's
    early dates), both in working minutes of the activity's calendar; early dates must
    then be final.

    Free float needs only early dates: with ``two`` (see
    :func:`pmo.engine.network.two_threads`) a second thread walks the links for it
    while the first computes late dates and total float (each walk does half of the
    random reads of one combined walk).
    """
    plain = _plain(act, sc)
    if floats and two:
        _walk_pair(net, act, sc, cs, finish, early, late, fl, flag, plain)
    elif plain:
        _walk_plain(net, act, sc, cs, finish, early, late, fl, floats, flag, _BOTH)
    else:
        _walk(net, act, sc, cs, finish, early, late, fl, floats, flag, _BOTH)


@njit(parallel=True)
def _walk_pair(net, act, sc, cs, finish, early, late, fl, flag, plain):  # pragma: no cover
    # The parallel region is its own function: a small network's walk is a plain call,
    # with no work handed to the thread pool (which numba starts when it loads these
    # kernels, whatever the size). Not cached: see pmo.engine.network (PARALLEL_MIN).
    for t in prange(2):
        if plain and t == 0:
            _walk_plain(net, act, sc, cs, finish, early, late, fl, True, flag, _LATE)
        elif plain:
            _walk_plain(net, act, sc, cs, finish, early, late, fl, True, flag, _FREE)
        elif t == 0:
            _walk(net, act, sc, cs, finish, early, late, fl, True, flag, _LATE)
        else:
            _walk(net, act, sc, cs, finish, early, late, fl, True, flag, _FREE)


@njit(cache=True)
def _walk_plain(net, act, sc, cs, finish, early, late, fl, floats, flag, what):  # pragma: no cover
    """:func:`_walk` of a network for which :func:`_plain` holds, as one flat loop down
    the links (as :func:`_forward_plain`).

    Each activity's late finish is a running minimum, kept in ``late`` as links lower
    it: the late finish limit of an SS or SF link is its start limit plus the
    duration, and the deadline is the minimum's start value. Every link into an
    activity comes after all links out of it, so the late dates it reads are final.
    Free float is likewise a running minimum of the slack of each link. Measured at
    100,000 activities (best of 200): one thread 6.3 -> 5.2 ms, two threads 7.0 ->
    3.5 ms, without the loop per activity whose exit the CPU cannot predict.
    """
    literally(what)
    _ptr, succ, ltype, lag, lkind, _lcal, pred = net
    dur, dline = act[0], act[5]
    n = dur.shape[0]
    m = succ.shape[0]
    ctx = stash((net, act, sc, cs, flag))
    want_late = what != _FREE
    want_free = floats and what != _LATE
    if want_late:
        for u in range(n):
            f = min(finish, dline[u])
            late[2 * u] = f - dur[u]
            late[2 * u + 1] = f
    if want_free:
        for u in range(n):
            fl[2 * u + 1] = finish - early[2 * u + 1]
    for e in range(m - 1, -1, -1):
        if e >= PREFETCH:
            w = succ[(e - PREFETCH) & INDEX] & INDEX
            if want_late:
                prefetch(late, 2 * w)
            if want_free:
                prefetch(early, 2 * w)
        e = e & INDEX
        t = ltype[e]
        if t < 0:
            continue
        u = pred[e] & INDEX
        v = succ[e] & INDEX
        kind = lkind[e]
        du = dur[u]
        x = 2 * v + (t >> 1)
        target = late[x] if want_late else POS
        target_e = early[x] if want_free else POS
        if (kind & 1) == 0:
            g = np.int64(lag[e])
            lv = g if kind == 0 else _pct(g, du)
            b = target - lv
            be = target_e - lv
        elif what == _FREE:
            be = _limits_out(e, t, kind, du, v, target_e, target_e, False, ctx)[0]
            b = POS
        else:
            b, be = _limits_out(e, t, kind, du, v, target, target_e, want_free, ctx)
        odd = t & 1
        if want_late:
            f = min(late[2 * u + 1], b + (du if odd else 0))
            late[2 * u] = f - du
            late[2 * u + 1] = f
        if want_free:
            fl[2 * u + 1] = min(fl[2 * u + 1], be - early[2 * u + 1 - odd])
    if floats and want_late:
        for u in range(n):
            fl[2 * u] = late[2 * u + 1] - early[2 * u + 1]


@njit(cache=True)
def _walk(net, act, sc, cs, finish, early, late, fl, floats, flag, what):  # pragma: no cover
    """The links walked down the labels for :func:`backward`; ``what`` (one of
    ``_BOTH``, ``_LATE``, ``_FREE``) is a compile-time constant, so each variant is
    compiled without the branches of the others. The common case is spelled out as
    in :func:`forward`.
    """
    literally(what)
    ptr, succ, ltype, lag, lkind, _lcal, _pred = net
    dur, ctype, dline, state = act[0], act[3], act[5], act[8]
    n = dur.shape[0]
    ctx = stash((net, act, sc, cs, flag))
    working = sc[MODE] == WORKING
    want_late = what != _FREE
    want_free = floats and what != _LATE
    started_free = False  # whether free float is wanted and a successor may be started
    if want_free:
        for i in range(n):
            if state[i] == STARTED:
                started_free = True
                break
    for u in range(n - 1, -1, -1):
        hi_s = POS
        hi_f = finish
        free_s = POS
        free_f = finish
        du = dur[u]
        su = state[u]
        first = ptr[u] & INDEX
        for k in range((ptr[u + 1] & INDEX) - first):
            e = (first + k) & INDEX
            # The walk goes down the labels: the links a few activities on come before.
            if e >= PREFETCH:
                w = succ[(e - PREFETCH) & INDEX] & INDEX
                if want_late:
                    prefetch(late, 2 * w)
                if what != _LATE:
                    prefetch(early, 2 * w)
            t = ltype[e]
            if t < 0:
                continue
            v = succ[e] & INDEX
            kind = lkind[e]
            x = 2 * v + (t >> 1)
            # In a combined walk the early target is read and subtracted whether or
            # not floats are wanted (free_s and free_f are then unused): cheaper than
            # a branch.
            target = late[x] if want_late else POS
            target_e = early[x] if what != _LATE else POS
            if started_free and t < 2 and state[v] == STARTED:
                target_e = _remaining_out(v, early[2 * v + 1], ctx)
            if working and (kind & 1) == 0:
                g = np.int64(lag[e])
                lv = g if kind == 0 else _pct(g, du)
                b = target - lv
                be = target_e - lv
            elif what == _FREE:
                be = _limits_out(e, t, kind, du, v, target_e, target_e, False, ctx)[0]
                b = POS
            else:
                b, be = _limits_out(e, t, kind, du, v, target, target_e, want_free, ctx)
            odd = (t & 1) == 1
            hi_f = min(hi_f, POS if odd else b)
            free_f = min(free_f, POS if odd else be)
            hi_s = min(hi_s, b if odd else POS)
            free_s = min(free_s, be if odd else POS)
        es = early[2 * u]
        ef = early[2 * u + 1]
        f = POS
        if want_late:
            if working and ctype[u] <= ALAP and su == NOT_STARTED:
                f = min(hi_f, hi_s + du, dline[u])
                s = f - du
            else:
                s, f = _place_late_out(u, hi_s, hi_f, es, ef, ctx)
            late[2 * u] = s
            late[2 * u + 1] = f
        if floats:
            if su == FINISHED:
                if want_late:
                    fl[2 * u] = 0
                if want_free:
                    fl[2 * u + 1] = 0
            elif working:
                if want_late:
                    fl[2 * u] = f - ef
                if want_free:
                    free = free_f - ef
                    if su == NOT_STARTED:
                        free = min(free, free_s - es)
                    fl[2 * u + 1] = free
            else:
                total, free = _floats_out(u, f, free_f, free_s, es, ef, want_late, ctx)
                if want_late:
                    fl[2 * u] = total
                if want_free:
                    fl[2 * u + 1] = free


@njit(cache=True, _nrt=False)
def _remaining_start(v, efv, act, sc, cs, flag):  # pragma: no cover - compiled
    """Start of the remaining work of a started activity (its finish less the remaining)."""
    r = act[1][v]
    if sc[MODE] == WORKING:
        return efv - r
    c = act[2][v]
    if r == 0:
        return efv
    return _start_at(cs, c, _work(cs, c, efv, flag) - r, flag)


@njit(cache=True)
def longest_path(net, act, sc, cs, finish, early, flag):  # pragma: no cover - compiled
    """Activities on a chain of driving links ending at the project's early finish."""
    ptr, succ, ltype, lag, lkind, lcal, _pred = net
    dur, state = act[0], act[8]
    n = dur.shape[0]
    on = np.zeros(n, dtype=np.bool_)
    for u in range(n - 1, -1, -1):
        if state[u] == FINISHED:
            continue
        if early[u, 1] == finish:
            on[u] = True
            continue
        du = dur[u]
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            v = succ[e]
            if t < 0 or not on[v]:
                continue
            src = early[u, 1] if (t & 1) == 0 else early[u, 0]
            r = _require(t, lkind[e], lag[e], lcal[e], du, dur, v, src, sc, cs, flag)
            if _drives(v, t, r, early[v, 0], early[v, 1], act, sc, cs, flag):
                on[u] = True
                break
    return on


@njit(cache=True, _nrt=False)
def _drives(v, t, r, esv, efv, act, sc, cs, flag):  # pragma: no cover - compiled
    """Whether requirement ``r`` (through a link of type ``t``) sets v's early dates."""
    dur, rem, cal, state = act[0], act[1], act[2], act[8]
    c = cal[v]
    working = sc[MODE] == WORKING
    if state[v] == STARTED:
        if t >= 2:
            if working:
                return r == efv
            if rem[v] == 0:
                return _point_after(cs, c, r, flag) == efv
            return _finish_at(cs, c, _finish_need(cs, c, r, flag), flag) == efv
        # Only FS links reach a started activity: they hold back its remaining work.
        if r < sc[STATUS]:
            return False
        if working:
            return r + rem[v] == efv
        if rem[v] == 0:
            return _point_after(cs, c, r, flag) == efv
        return _finish_at(cs, c, _work(cs, c, r, flag) + rem[v], flag) == efv
    if working:
        return r == (esv if t < 2 else efv)
    if dur[v] == 0:
        return _point_after(cs, c, r, flag) == esv
    if t < 2:
        return _start_at(cs, c, _work(cs, c, r, flag), flag) == esv
    return _finish_at(cs, c, _finish_need(cs, c, r, flag), flag) == efv


@njit(cache=True)
def alap(net, act, sc, cs, finish, early, late, sched, flag):  # pragma: no cover - compiled
    """Scheduled dates: early ones, except ALAP activities pushed as late as their
    successors' scheduled dates allow (never past their late dates)."""
    ptr, succ, ltype, lag, lkind, lcal, _pred = net
    dur, ctype, state = act[0], act[3], act[8]
    n = dur.shape[0]
    for u in range(n - 1, -1, -1):
        sched[u, 0] = early[u, 0]
        sched[u, 1] = early[u, 1]
        if ctype[u] != ALAP or state[u] != NOT_STARTED:
            continue
        hi_s = late[u, 0]
        hi_f = late[u, 1]
        du = dur[u]
        for e in range(ptr[u], ptr[u + 1]):
            t = ltype[e]
            if t < 0:
                continue
            v = succ[e]
            target = sched[v, t >> 1]
            b = _limit(t, lkind[e], lag[e], lcal[e], du, dur, v, target, sc, cs, flag)
            if (t & 1) == 0:
                hi_f = min(hi_f, b)
            else:
                hi_s = min(hi_s, b)
        s, f = _place_late(u, hi_s, hi_f, early[u, 0], early[u, 1], act, sc, cs, flag)
        if f > early[u, 1]:
            sched[u, 0] = s
            sched[u, 1] = f


@njit(cache=True)
def start_of(dates):  # pragma: no cover - compiled
    best = POS
    for i in range(dates.shape[0]):
        best = min(best, dates[i, 0])
    return best


@njit(cache=True)
def unpack(rank, early, late, fl, on_path, threshold, state, out, two):  # pragma: no cover
    """Results from labels back to caller positions; critical by float or ``on_path``.

    Gathering (sequential writes, random reads) beats scattering seven arrays, also
    from within the backward walk, which then needs no pass of its own (measured at
    100,000 activities: the run took 6.0 -> 6.8 ms; the walk waits on its reads). With
    ``two`` each half of the positions is one thread's contiguous run, so each thread
    writes whole cache lines of its own. Finding the span of the dates here, for the
    date look-up table, cost the loop as much as :func:`span` costs on its own
    (0.27 against 0.18 ms on one thread at 100,000 activities).
    """
    n = rank.shape[0]
    if two:
        _unpack_halves(rank, early, late, fl, on_path, threshold, state, out)
    else:
        _unpack_run(rank, early, late, fl, on_path, threshold, state, out, 0, n)


@njit(parallel=True)
def _unpack_halves(rank, early, late, fl, on_path, threshold, state, out):  # pragma: no cover
    for c in prange(2):
        lo, hi = half(rank.shape[0], c)
        _unpack_run(rank, early, late, fl, on_path, threshold, state, out, lo, hi)


@njit(cache=True)
def _unpack_run(rank, early, late, fl, on_path, threshold, state, out, lo, hi):  # pragma: no cover
    es, ef, ls, lf, tf, ff, crit = out
    by_path = on_path.shape[0] > 0
    for p in range(lo, hi):
        if p + PREFETCH < hi:
            i = rank[p + PREFETCH]
            prefetch(early, i)
            prefetch(late, i)
            prefetch(fl, i)
        i = rank[p]
        es[p] = early[i, 0]
        ef[p] = early[i, 1]
        ls[p] = late[i, 0]
        lf[p] = late[i, 1]
        t = fl[i, 0]
        tf[p] = t
        ff[p] = fl[i, 1]
        crit[p] = (on_path[i] if by_path else t <= threshold) and state[i] != FINISHED


@njit(cache=True)
def gather(values, index, out):  # pragma: no cover - compiled
    """``out[i] = values[index[i]]``, prefetching ahead (twice as fast as ``np.take``)."""
    n = index.shape[0]
    for i in range(n):
        if i + PREFETCH < n:
            prefetch(values, index[i + PREFETCH])
        out[i] = values[index[i]]


@njit(cache=True)
def unpack_pair(rank, pair, first, second):  # pragma: no cover - compiled
    for p in range(rank.shape[0]):
        first[p] = pair[rank[p], 0]
        second[p] = pair[rank[p], 1]


@njit(cache=True)
def instants(values, kinds, table, base, floor, out):  # pragma: no cover - compiled
    """Unix minutes of working-model values: kind 0 start, 1 finish, 2 milestone.

    ``table[w - base]`` is the instant working minute ``w`` begins (see
    ``model._instant_table``); a finish value ``w`` is the end of minute ``w - 1``. A
    milestone shows at the end of the working time before it, as project tools do,
    but never before the project start instant ``floor``.
    """
    for i in range(values.shape[0]):
        kind = kinds[i]
        bias = 0 if kind == 0 else 1
        t = table[values[i] - bias - base] + bias
        if kind == 2 and t < floor:
            t = floor
        out[i] = t


@njit(cache=True)
def minute_table(starts, ends, cum, j, a, table):  # pragma: no cover - compiled
    """``table[q] =`` the instant working minute ``a + q`` begins; ``j`` is its interval.

    Within interval ``j`` (working minutes ``cum[j]`` on), minute ``w`` begins at
    ``starts[j] + w - cum[j]``.
    """
    w = a
    q = 0
    while q < table.shape[0]:
        stop = min(cum[j] + ends[j] - starts[j], a + table.shape[0])
        shift = starts[j] - cum[j]
        while w < stop:
            table[q] = shift + w
            w += 1
            q += 1
        j += 1


@njit(cache=True)
def span(fields, lo, hi):  # pragma: no cover - compiled
    """(min, max) over the arrays of the tuple ``fields`` and the bounds ``lo``, ``hi``."""
    for values in fields:
        for i in range(values.shape[0]):
            lo = min(lo, values[i])
            hi = max(hi, values[i])
    return lo, hi


@njit(cache=True)
def instants_all(starts, finishes, mil, table, base, floor, out_s, out_f, two):  # pragma: no cover
    """:func:`instants` of start fields and finish fields in one pass over activities.

    ``starts`` and ``finishes`` are tuples of value arrays (kind 0 and 1), ``out_s`` and
    ``out_f`` tuples of as many output arrays; milestones (``mil``) take kind 2 in both.
    With ``two`` the activities are split in two halves, one per thread (as
    :func:`unpack`).
    """
    n = mil.shape[0]
    if two:
        _instants_halves(starts, finishes, mil, table, base, floor, out_s, out_f)
    else:
        _instants_run(starts, finishes, mil, table, base, floor, out_s, out_f, 0, n)


@njit(parallel=True)
def _instants_halves(starts, finishes, mil, table, base, floor, out_s, out_f):  # pragma: no cover
    for c in prange(2):
        lo, hi = half(mil.shape[0], c)
        _instants_run(starts, finishes, mil, table, base, floor, out_s, out_f, lo, hi)


@njit(cache=True)
def _instants_run(
    starts, finishes, mil, table, base, floor, out_s, out_f, lo, hi
):  # pragma: no cover
    for i in range(lo, hi):
        if i + PREFETCH < hi:
            for j in range(len(starts)):
                prefetch(table, starts[j][i + PREFETCH] - base)
            for j in range(len(finishes)):
                prefetch(table, finishes[j][i + PREFETCH] - 1 - base)
        if mil[i]:
            for j in range(len(starts)):
                out_s[j][i] = max(table[starts[j][i] - 1 - base] + 1, floor)
            for j in range(len(finishes)):
                out_f[j][i] = max(table[finishes[j][i] - 1 - base] + 1, floor)
        else:
            for j in range(len(starts)):
                out_s[j][i] = table[starts[j][i] - base]
            for j in range(len(finishes)):
                out_f[j][i] = table[finishes[j][i] - 1 - base] + 1


@njit(cache=True)
def project_minutes(values, w0, cs, flag):  # pragma: no cover - compiled
    """Working minutes of the project calendar (calendar 0) since the origin."""
    out = np.empty_like(values)
    for i in range(values.shape[0]):
        out[i] = _work(cs, 0, values[i], flag) - w0
    return out
