"""The scheduling driver: checks and converts inputs once, runs the compiled passes."""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pmo.engine.calendars import Calendar, CalendarSet, WorkClock, compile_calendars
from pmo.engine.cpm import kernels as k
from pmo.engine.cpm.model import (
    NO_DATE,
    Activities,
    Constraint,
    ScheduleResult,
    _array,
    _bad,
    _Dates,
    _widen,
)
from pmo.engine.errors import InfeasibleSchedule, InvalidCalendar, InvalidNetwork
from pmo.engine.network import LagKind, LinkType, Network, two_threads

__all__ = ["PreparedSchedule", "prepare", "schedule"]

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class _Options:
    direction: str
    anchor: int
    must_finish_by: int
    critical_threshold: int
    critical_path: str
    on_negative_float: str


class PreparedSchedule:
    """A network with its scheduling data checked and converted, ready to run often.

    Built by :func:`prepare`. :meth:`run` computes a full schedule; :meth:`replay`
    runs other compiled passes (the Monte Carlo lanes) on the same checked arrays.
    Arrays are held by topological label (see
    :class:`~pmo.engine.network.Network`); inputs and outputs use caller positions.

    Attributes
    ----------
    network : Network
    clock : WorkClock
        Project calendar anchored at the origin (start, or finish when backward).
    mode : int
        ``0``: one calendar, values in its working minutes (fast path); ``1``:
        several calendars, values in Unix minutes.
    """

    def __init__(
        self,
        network: Network,
        clock: WorkClock,
        cs: CalendarSet,
        mode: int,
        net: tuple[NDArray, ...],
        act: tuple[NDArray, ...],
        sc: I64,
        options: _Options,
        milestone: NDArray[np.bool_],
    ) -> None:
        self.network = network
        self.clock = clock
        self.mode = mode
        self._cs = cs
        self._net = net
        self._act = act
        self._sc = sc
        self._opt = options
        self._milestone = milestone

    def _sync(self) -> tuple[NDArray, ...]:
        if self.mode == k.WORKING:
            self._sc[k.W0] = int(self._cs.work(self.clock.origin))
        return self._cs.arrays

    def _retry(self, flag: I64) -> None:
        self._cs = _widen(self.clock if self.mode == k.WORKING else None, self._cs, flag)

    def run(
        self, durations: ArrayLike | None = None, remaining: ArrayLike | None = None
    ) -> ScheduleResult:
        """Schedule once, optionally with other durations and remaining work of
        started activities (caller positions; others ignore ``remaining``)."""
        act = self._act
        milestone = self._milestone
        if durations is not None:
            d = np.asarray(durations, dtype=np.int64)
            if d.shape != (self.network.n,) or np.any(d < 0):
                raise InvalidNetwork("durations must be non-negative, one per activity")
            act = (self.network.to_labels(d), *act[1:])
            milestone = d == 0
        if remaining is not None:
            r = np.asarray(remaining, dtype=np.int64)
            if r.shape != (self.network.n,) or np.any(r < 0):
                raise InvalidNetwork("remaining work must be non-negative, one per activity")
            act = (act[0], self.network.to_labels(r), *act[2:])
        n = self.network.n
        early = np.empty((n, 2), dtype=np.int64)
        late = np.empty((n, 2), dtype=np.int64)
        fl = np.empty((n, 2), dtype=np.int64)
        flag = np.zeros(2, dtype=np.int64)
        while True:
            flag[:] = 0
            cs = self._sync()
            found = self._passes(act, cs, early, late, fl, flag)
            if not flag.any():
                break
            self._retry(flag)
        result = self._result(act, milestone, early, late, fl, *found)
        if self._opt.on_negative_float == "raise":
            bad = result.negative_float()
            if bad.size:
                ids = self.network.ids[bad]
                raise InfeasibleSchedule(
                    f"constraints or deadlines cannot be met: activities {ids[:10].tolist()}",
                    ids,
                )
        return result

    def _passes(
        self,
        act: tuple[NDArray, ...],
        cs: tuple[NDArray, ...],
        early: I64,
        late: I64,
        fl: I64,
        flag: I64,
    ) -> tuple[NDArray[np.bool_], I64 | None, int, int]:
        net, sc = self._net, self._sc
        # The passes take flat views (start, finish, start, ...); forward() borrows
        # `late` for scratch: the late pass after it overwrites it.
        e, lt, f = early.reshape(-1), late.reshape(-1), fl.reshape(-1)
        two = two_threads(early.shape[0])
        if self._opt.direction == "forward":
            early_finish = k.forward(net, act, sc, cs, e, lt, flag)
            must = self._opt.must_finish_by
            finish = early_finish if must == NO_DATE else must
            k.backward(net, act, sc, cs, finish, e, lt, f, True, flag, two)
        else:
            finish = self._opt.anchor
            # The late pass reads early dates of finished activities only: seed those,
            # then schedule early dates from the earliest late start, then the floats.
            early[:, 0] = act[6]
            early[:, 1] = act[7]
            k.backward(net, act, sc, cs, finish, e, lt, f, False, flag, False)
            sc[k.START] = k.start_of(late) if early.shape[0] else finish
            early_finish = k.forward(net, act, sc, cs, e, lt, flag)
            k.backward(net, act, sc, cs, finish, e, lt, f, True, flag, two)
        if self._opt.critical_path == "longest_path":
            on_path = k.longest_path(net, act, sc, cs, early_finish, early, flag)
        else:
            on_path = np.zeros(0, dtype=np.bool_)
        sched = None
        if self._opt.direction == "backward":
            sched = late
        elif np.any(act[3] == Constraint.ALAP):
            sched = np.empty_like(early)
            k.alap(net, act, sc, cs, finish, early, late, sched, flag)
        n = early.shape[0]
        p_start = int(k.start_of(early)) if n else int(sc[k.START])
        p_finish = int(early_finish if self._opt.direction == "forward" else finish)
        return on_path, sched, p_start, p_finish if n else p_start

    def _result(
        self,
        act: tuple[NDArray, ...],
        milestone: NDArray[np.bool_],
        early: I64,
        late: I64,
        fl: I64,
        on_path: NDArray[np.bool_],
        sched: I64 | None,
        p_start: int,
        p_finish: int,
    ) -> ScheduleResult:
        n = self.network.n
        es, ef, ls, lf, tfo, ffo = (np.empty(n, dtype=np.int64) for _ in range(6))
        critical = np.empty(n, dtype=np.bool_)
        threshold = self._opt.critical_threshold
        out = (es, ef, ls, lf, tfo, ffo, critical)
        two = two_threads(n)
        k.unpack(self.network.rank, early, late, fl, on_path, threshold, act[8], out, two)
        if sched is None:
            start, fin = es, ef
        elif sched is late:
            start, fin = ls, lf
        else:
            start, fin = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
            k.unpack_pair(self.network.rank, sched, start, fin)
        if self.mode == k.WORKING:
            return ScheduleResult(
                es, ef, ls, lf, start, fin, tfo, ffo, critical, p_start, p_finish, self.clock,
                None, milestone,
            )  # fmt: skip
        arrays = {"early_start": es, "early_finish": ef, "late_start": ls, "late_finish": lf}
        arrays["start"], arrays["finish"] = start, fin
        flag = np.zeros(2, dtype=np.int64)
        while True:
            w0 = int(self._cs.work(self.clock.origin))
            cs = self._cs.arrays
            conv = {name: k.project_minutes(v, w0, cs, flag) for name, v in arrays.items()}
            ends = k.project_minutes(np.array([p_start, p_finish]), w0, cs, flag)
            if not flag.any():
                break
            self._retry(flag)
            flag[:] = 0
        return ScheduleResult(
            conv["early_start"], conv["early_finish"], conv["late_start"], conv["late_finish"],
            conv["start"], conv["finish"], tfo, ffo, critical, int(ends[0]), int(ends[1]),
            self.clock, arrays, milestone,
        )  # fmt: skip

    def replay(self, kernel: Callable[..., tuple[Any, I64]], *args: object) -> Any:
        """``kernel(net, act, sc, cs, order, threshold, *args)`` until no calendar runs out.

        For compiled passes kept elsewhere (the Monte Carlo lanes): ``net``, ``act``
        and ``sc`` are this schedule's label-ordered arrays, and the kernel returns
        ``(result, flag)`` with ``flag`` set when a calendar table was too short, in
        which case the table is widened and the kernel run again from scratch.
        Criticality there is by total float (``critical_path="longest_path"`` is a
        single-schedule view and does not apply).
        """
        if self._opt.direction != "forward":
            raise InvalidNetwork("replays run forward schedules only")
        if self._opt.must_finish_by != NO_DATE:
            raise InvalidNetwork("replays compute float against each iteration's finish")
        order = self.network.order.astype(np.int64)
        while True:
            cs = self._sync()
            result, flag = kernel(
                self._net, self._act, self._sc, cs, order, self._opt.critical_threshold, *args
            )
            if not flag.any():
                return result
            self._retry(flag)


def prepare(
    network: Network,
    activities: Activities,
    *,
    calendars: Sequence[Calendar] | None = None,
    start: object = None,
    finish: object = None,
    direction: Literal["forward", "backward"] = "forward",
    status_date: object = None,
    must_finish_by: object = None,
    retained_logic: bool = True,
    lag_calendar: Literal["predecessor", "successor", "project"] = "predecessor",
    critical_threshold: int = 0,
    critical_path: Literal["float", "longest_path"] = "float",
    timeline: Literal["auto", "working", "instant"] = "auto",
    on_negative_float: Literal["report", "raise"] = "report",
) -> PreparedSchedule:
    """Check and convert scheduling data once; see :func:`schedule` for the parameters."""
    n = network.n
    ids = network.ids
    a = activities
    cals = tuple(calendars) if calendars else (Calendar.continuous(),)
    _check_choice("direction", direction, ("forward", "backward"))
    _check_choice("critical_path", critical_path, ("float", "longest_path"))
    _check_choice("lag_calendar", lag_calendar, ("predecessor", "successor", "project"))
    _check_choice("timeline", timeline, ("auto", "working", "instant"))
    _check_choice("on_negative_float", on_negative_float, ("report", "raise"))
    anchor_at = start if direction == "forward" else finish
    if anchor_at is None:
        if calendars:
            raise InvalidCalendar(
                f"give the project {'start' if direction == 'forward' else 'finish'}"
            )
        anchor_at = np.datetime64("1970-01-01T00:00", "m")
    clock = WorkClock(cals[0], anchor_at)

    dur = _array(a.duration, n, 0, np.int64, "duration")
    _bad(dur < 0, ids, "negative duration")
    cal = (
        _constant(n, 0, "int32")
        if a.calendar is None
        else _array(a.calendar, n, 0, np.int32, "calendar")
    )
    if a.calendar is not None:
        _bad((cal < 0) | (cal >= len(cals)), ids, f"calendar index outside 0..{len(cals) - 1}")
    several = a.calendar is not None and bool(np.any(cal != 0))
    mode = k.INSTANT if timeline == "instant" or (timeline == "auto" and several) else k.WORKING
    if mode == k.WORKING and several:
        raise InvalidCalendar("the working timeline needs every activity on the project calendar")
    if mode == k.WORKING:
        dates = _Dates(mode, clock, clock.calendar_set)
    else:
        span = clock.calendar_set
        dates = _Dates(mode, clock, compile_calendars(cals, span.lo, span.hi))
    ctype, cdate = _constraints(a, n, ids, dates)
    if a.deadline is None:
        dline = _constant(n, k.POS, "int64")
    else:
        dline = dates.convert(a.deadline, n, "by", "deadline")
        dline[dline == NO_DATE] = k.POS
    status = k.NEG
    if status_date is not None:
        status = int(dates.convert(np.asarray([status_date]), 1, "start", "status_date")[0])
    progress, rem, astart, afinish, state = _progress(a, n, ids, dur, dates, status)
    must = NO_DATE
    if must_finish_by is not None:
        must = int(dates.convert(np.asarray([must_finish_by]), 1, "by", "must_finish_by")[0])
    # The working model only looks the project calendar up, through the clock.
    cs = dates.cs if mode == k.INSTANT else clock.calendar_set

    def by_label(values: NDArray, given: bool) -> NDArray:
        # Defaults are constant arrays: no need to reorder them.
        if not given:
            return values
        out = np.empty_like(values)
        k.gather(values, network.order, out)
        return out

    constrained = a.constraint is not None
    act = (
        by_label(dur, True),
        by_label(rem, progress),
        by_label(cal, a.calendar is not None),
        by_label(ctype, constrained),
        by_label(cdate, constrained),
        by_label(dline, a.deadline is not None),
        by_label(astart, progress),
        by_label(afinish, progress),
        by_label(state, progress),
    )
    net = _links(network, act, mode, cals, lag_calendar, progress, retained_logic)
    origin = 0 if mode == k.WORKING else clock.origin
    sc = np.array([mode, 0, origin, status, int(retained_logic)], dtype=np.int64)
    options = _Options(
        direction=direction,
        anchor=origin,
        must_finish_by=must,
        critical_threshold=int(critical_threshold),
        critical_path=critical_path,
        on_negative_float=on_negative_float,
    )
    return PreparedSchedule(network, clock, cs, mode, net, act, sc, options, dur == 0)


@functools.lru_cache(maxsize=8)
def _constant(size: int, value: int, dtype: str) -> NDArray:
    """``size`` copies of ``value``, shared by every schedule that takes it as the
    default of an input it was not given (the compiled passes never write their
    inputs): filling fresh arrays took about 0.4 ms of a 100,000-activity schedule."""
    return np.full(size, value, dtype=dtype)


def _constraints(a: Activities, n: int, ids: I64, dates: _Dates) -> tuple[NDArray, I64]:
    """Constraint types and dates (zeros when there are no constraints)."""
    if a.constraint is None:
        return _constant(n, 0, "int8"), _constant(n, 0, "int64")
    ctype = _array(a.constraint, n, Constraint.ASAP, np.int8, "constraint")
    _bad((ctype < 0) | (ctype > Constraint.MFO), ids, "unknown constraint type")
    cdate = dates.convert(a.constraint_date, n, "start", "constraint_date")
    by_finish = np.isin(ctype, (Constraint.FNLT, Constraint.MFO))
    if np.any(by_finish):
        cdate[by_finish] = dates.convert(a.constraint_date, n, "by", "")[by_finish]
    fnet = ctype == Constraint.FNET
    if np.any(fnet):
        cdate[fnet] = dates.convert(a.constraint_date, n, "after", "")[fnet]
    _bad((ctype >= Constraint.SNET) & (cdate == NO_DATE), ids, "constraint without a date")
    return ctype, cdate


def _progress(
    a: Activities, n: int, ids: I64, dur: I64, dates: _Dates, status: int
) -> tuple[bool, I64, I64, I64, NDArray]:
    """(any progress, remaining, actual start, actual finish, state), checked."""
    fields = (a.actual_start, a.actual_finish, a.remaining, a.percent_complete)
    if all(f is None for f in fields):
        zeros = _constant(n, 0, "int64")
        return False, zeros, zeros, zeros, _constant(n, 0, "int8")
    astart = dates.convert(a.actual_start, n, "start", "actual_start")
    afinish = dates.convert(a.actual_finish, n, "by", "actual_finish")
    started = astart != NO_DATE
    finished = afinish != NO_DATE
    pct = _array(a.percent_complete, n, 0, np.float64, "percent_complete")
    _bad((pct < 0) | (pct > 100) | np.isnan(pct), ids, "percent complete outside 0..100")
    _bad(finished & ~started, ids, "actual finish without actual start")
    _bad(finished & started & (afinish < astart), ids, "actual finish before actual start")
    _bad(~started & (pct > 0), ids, "percent complete without actual start")
    progress = bool(np.any(started))
    if progress and status == k.NEG:
        raise InvalidNetwork("progress needs a status date")
    _bad(started & (astart > status), ids, "actual start after the status date")
    _bad(finished & (afinish > status), ids, "actual finish after the status date")
    rem = _array(a.remaining, n, -1, np.int64, "remaining")
    rem = np.where(rem >= 0, rem, np.rint(dur * (100.0 - pct) / 100.0).astype(np.int64))
    state = np.where(finished, k.FINISHED, np.where(started, k.STARTED, k.NOT_STARTED))
    return progress, rem, astart, afinish, state.astype(np.int8)


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}")


def _links(
    network: Network,
    act: tuple[NDArray, ...],
    mode: int,
    cals: tuple[Calendar, ...],
    lag_calendar: str,
    progress: bool,
    retained_logic: bool,
) -> tuple[NDArray, ...]:
    """Per-link arrays for the kernels: CSR pointers and successors, type (-1 when
    disabled), lag, kind, lag calendar and predecessors."""
    ltype = network.link_type
    lkind = network.lag_kind
    if progress:
        succ_state = act[8][network.succ]
        off = succ_state == k.FINISHED
        if retained_logic:
            off |= (succ_state == k.STARTED) & (ltype == LinkType.SS)
        else:
            off |= succ_state == k.STARTED
        ltype = np.where(off, np.int8(-1), ltype).astype(np.int8)
    if mode == k.WORKING:
        lcal = _constant(network.m, 0, "int32")
        if cals[0].is_continuous:
            # Elapsed time is working time on a 24-hour calendar: skip the look-ups.
            lkind = np.where(lkind == LagKind.ELAPSED, LagKind.WORKING, lkind)
            lkind = np.where(lkind == LagKind.PERCENT_ELAPSED, LagKind.PERCENT, lkind)
            lkind = lkind.astype(np.int8)
    elif lag_calendar == "predecessor":
        lcal = act[2][network.pred]
    elif lag_calendar == "successor":
        lcal = act[2][network.succ]
    else:
        lcal = _constant(network.m, 0, "int32")
    return (network.succ_ptr, network.succ, ltype, network.lag, lkind, lcal, network.pred)


def schedule(
    network: Network,
    activities: Activities,
    *,
    calendars: Sequence[Calendar] | None = None,
    start: object = None,
    finish: object = None,
    direction: Literal["forward", "backward"] = "forward",
    status_date: object = None,
    must_finish_by: object = None,
    retained_logic: bool = True,
    lag_calendar: Literal["predecessor", "successor", "project"] = "predecessor",
    critical_threshold: int = 0,
    critical_path: Literal["float", "longest_path"] = "float",
    timeline: Literal["auto", "working", "instant"] = "auto",
    on_negative_float: Literal["report", "raise"] = "report",
) -> ScheduleResult:
    """Critical path schedule: early and late dates, floats, critical activities.

    Parameters
    ----------
    network : Network
        From :func:`~pmo.engine.network.compile_network`.
    activities : Activities
        Durations, calendars, constraints, deadlines and progress.
    calendars : sequence of Calendar, optional
        ``calendars[0]`` is the project calendar; ``activities.calendar`` indexes the
        list. Default: one 24-hour UTC calendar, so minutes are plain minutes.
    start : datetime or datetime64, optional
        Project start (forward scheduling); required when calendars are given.
    finish : datetime or datetime64, optional
        Project finish (backward scheduling); required then.
    direction : {"forward", "backward"}
        Backward scheduling computes late dates from ``finish`` first, then early
        dates from the earliest late start, and schedules every activity late.
    status_date : datetime, datetime64 or int, optional
        Progress date: unfinished work is scheduled no earlier than it.
    must_finish_by : datetime, datetime64 or int, optional
        Late finish of the project in the backward pass (default: its early finish).
    retained_logic : bool
        Started activities' remaining work still waits for unfinished FS
        predecessors (True), or resumes at the status date regardless (False).
    lag_calendar : {"predecessor", "successor", "project"}
        Calendar on which working lags count.
    critical_threshold : int
        Activities with total float at most this (working minutes) are critical.
    critical_path : {"float", "longest_path"}
        Critical by total float, or the chain of driving links to the project finish.
    timeline : {"auto", "working", "instant"}
        Internal time model; ``auto`` takes "working" (fast integer arithmetic) when
        every activity uses the project calendar.
    on_negative_float : {"report", "raise"}
        Raise :class:`~pmo.engine.errors.InfeasibleSchedule` on negative float.

    Returns
    -------
    ScheduleResult

    Examples
    --------
    >>> from pmo.engine.network import LinkType, compile_network
    >>> net = compile_network([0, 0, 1], [1, 2, 2], n=3, link_type=[0, 0, LinkType.FF])
    >>> res = schedule(net, Activities(duration=[60, 30, 10]))
    >>> res.early_start.tolist(), res.early_finish.tolist()
    ([0, 60, 80], [60, 90, 90])
    >>> res.total_float.tolist(), res.critical.tolist()
    ([0, 0, 0], [True, True, True])
    """
    prepared = prepare(
        network, activities, calendars=calendars, start=start, finish=finish,
        direction=direction, status_date=status_date, must_finish_by=must_finish_by,
        retained_logic=retained_logic, lag_calendar=lag_calendar,
        critical_threshold=critical_threshold, critical_path=critical_path,
        timeline=timeline, on_negative_float=on_negative_float,
    )  # fmt: skip
    return prepared.run()
