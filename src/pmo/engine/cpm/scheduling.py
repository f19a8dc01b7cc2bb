"""Critical path scheduling: inputs, results and the driver around the compiled passes."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pmo.engine.calendars import (
    Calendar,
    CalendarSet,
    WorkClock,
    compile_calendars,
)
from pmo.engine.cpm import kernels as k
from pmo.engine.errors import InfeasibleSchedule, InvalidCalendar, InvalidNetwork
from pmo.engine.network import LagKind, LinkType, Network

__all__ = [
    "NO_DATE",
    "Activities",
    "BatchResult",
    "Constraint",
    "PreparedSchedule",
    "ScheduleResult",
    "prepare",
    "schedule",
]

I64 = NDArray[np.int64]

#: "No date" in integer date arrays (datetime64 arrays use NaT).
NO_DATE = np.iinfo(np.int64).min

_DAY = 1440
_MAX_SPAN = 400 * 366 * _DAY


class Constraint(IntEnum):
    """Date constraint of an activity (the date is in ``Activities.constraint_date``)."""

    ASAP = 0  #: as soon as possible (no date)
    ALAP = 1  #: as late as possible without delaying successors (no date)
    SNET = 2  #: start no earlier than
    SNLT = 3  #: start no later than
    FNET = 4  #: finish no earlier than
    FNLT = 5  #: finish no later than
    MSO = 6  #: must start on (overrides logic in both passes)
    MFO = 7  #: must finish on (overrides logic in both passes)


@dataclass(frozen=True, eq=False)
class Activities:
    """Per-activity scheduling data, indexed like the network's activities.

    Date fields take either integers, meaning working minutes of the project calendar
    since the origin (``NO_DATE`` for none), or ``datetime64`` values, meaning UTC
    instants (``NaT`` for none). Only ``duration`` is required.

    Attributes
    ----------
    duration : array_like of int, shape (n,)
        Working minutes on the activity's calendar; 0 makes a milestone.
    calendar : array_like of int, optional
        Index of each activity's calendar in the ``calendars`` passed to
        :func:`schedule`; default 0, the project calendar.
    constraint : array_like of int, optional
        :class:`Constraint` per activity; default ASAP.
    constraint_date : array_like, optional
        Date of SNET, SNLT, FNET, FNLT, MSO and MFO constraints.
    deadline : array_like, optional
        Finish-by dates: they limit late finishes (negative float when missed) without
        moving early dates.
    actual_start, actual_finish : array_like, optional
        Progress: a finished activity needs both, a started one the start.
    remaining : array_like of int, optional
        Remaining working minutes of started activities; ``-1`` (or omitted) derives
        it from ``percent_complete``.
    percent_complete : array_like of float, optional
        Duration percent complete (0 - 100) of started activities.
    """

    duration: ArrayLike
    calendar: ArrayLike | None = None
    constraint: ArrayLike | None = None
    constraint_date: ArrayLike | None = None
    deadline: ArrayLike | None = None
    actual_start: ArrayLike | None = None
    actual_finish: ArrayLike | None = None
    remaining: ArrayLike | None = None
    percent_complete: ArrayLike | None = None


_DATE_FIELDS = ("early_start", "early_finish", "late_start", "late_finish", "start", "finish")


@dataclass(frozen=True, eq=False)
class ScheduleResult:
    """Dates, floats and critical flags, indexed like the network's activities.

    Dates are working minutes of the project calendar since the origin (the project
    start, or the finish when scheduling backward); :meth:`dates` gives exact UTC
    datetimes, which differ from the project-calendar view only for activities on
    other calendars. Floats count working minutes of each activity's own calendar;
    negative float means a constraint or deadline cannot be met.

    Attributes
    ----------
    early_start, early_finish, late_start, late_finish : ndarray of int64
    start, finish : ndarray of int64
        Scheduled dates: early dates, except ALAP activities (forward scheduling) or
        all activities (backward scheduling), which take their latest dates.
    total_float, free_float : ndarray of int64
    critical : ndarray of bool
    project_start, project_finish : int
    clock : WorkClock
        The project calendar anchored at the origin, for converting more values.
    """

    early_start: I64
    early_finish: I64
    late_start: I64
    late_finish: I64
    start: I64
    finish: I64
    total_float: I64
    free_float: I64
    critical: NDArray[np.bool_]
    project_start: int
    project_finish: int
    clock: WorkClock
    _instants: dict[str, I64] | None = field(default=None, repr=False)
    _milestone: NDArray[np.bool_] | None = field(default=None, repr=False)

    def dates(self, which: str = "early_start") -> NDArray[np.datetime64]:
        """UTC ``datetime64[m]`` of one date field, e.g. ``"late_finish"``."""
        if which not in _DATE_FIELDS:
            raise ValueError(f"which must be one of {_DATE_FIELDS}, not {which!r}")
        return self.instants(which).astype("datetime64[m]")

    def all_dates(self) -> dict[str, NDArray[np.datetime64]]:
        """UTC ``datetime64[m]`` of every date field."""
        out: dict[str, NDArray[np.datetime64]] = {}
        for name in _DATE_FIELDS:
            twin = {"start": "early_start", "finish": "early_finish"}.get(name)
            if twin is not None and getattr(self, name) is getattr(self, twin):
                out[name] = out[twin]
            else:
                out[name] = self.dates(name)
        return out

    def instants(self, which: str) -> I64:
        """Unix minutes of one date field."""
        if self._instants is not None:
            return self._instants[which]
        values = getattr(self, which)
        is_start = which in ("early_start", "late_start", "start")
        kinds = np.full(values.shape[0], 0 if is_start else 1, dtype=np.int8)
        if self._milestone is not None:
            kinds[self._milestone] = 2
        return _working_instants(self.clock, values, kinds, self.project_start)

    def negative_float(self) -> NDArray[np.intp]:
        """Positions of activities whose total float is negative."""
        return np.flatnonzero(self.total_float < 0)


def _working_instants(clock: WorkClock, values: I64, kinds: NDArray[np.int8], floor: int) -> I64:
    flag = np.zeros(2, dtype=np.int64)
    if values.size == 0:
        return values.copy()
    lo, hi = int(values.min()), int(values.max())
    cs = _cover_work(clock, lo, hi)
    while True:
        w0 = int(cs.work(clock.origin))
        origin_floor = int(cs.start_instant(floor + w0))
        flag[:] = 0
        out = k.instants(values, kinds, 0, w0, True, origin_floor, cs.arrays, flag)
        if not flag.any():
            return out
        cs = _widen(clock, cs, flag)


def _cover_work(clock: WorkClock, lo: int, hi: int) -> CalendarSet:
    """The clock's calendar compiled far enough to hold working minutes ``lo .. hi``."""
    cs = clock.calendar_set
    # Scale by the calendar's share of working time to guess the span in one step.
    total = int(cs.cum[-1] + cs.ends[-1] - cs.starts[-1])
    ratio = (cs.hi - cs.lo) / max(total, 1)
    want_lo = clock.origin + int(min(lo, 0) * ratio * 1.1) - 7 * _DAY
    want_hi = clock.origin + int(max(hi, 0) * ratio * 1.1) + 7 * _DAY
    if want_hi - want_lo > _MAX_SPAN:
        raise InvalidCalendar("schedule spans more than 400 years")
    return clock.ensure(want_lo, want_hi)


def _widen(clock: WorkClock | None, cs: CalendarSet, flag: I64) -> CalendarSet:
    if cs.hi - cs.lo > _MAX_SPAN:
        names = [c.name for c in cs.calendars]
        raise InvalidCalendar(f"calendars {names} run out of working time", names)
    span = cs.hi - cs.lo
    lo = cs.lo - span if flag[0] else cs.lo
    hi = cs.hi + span if flag[1] else cs.hi
    if clock is not None and len(cs.calendars) == 1:
        return clock.ensure(lo, hi)
    return compile_calendars(cs.calendars, lo, hi)


# --- preparation ---------------------------------------------------------------------


def _array(values: ArrayLike | None, n: int, default: int, dtype: type, name: str) -> NDArray:
    if values is None:
        return np.full(n, default, dtype=dtype)
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise InvalidNetwork(f"{name} has shape {arr.shape}, expected ({n},)")
    return arr.astype(dtype)


def _bad(mask: NDArray[np.bool_], ids: I64, what: str) -> None:
    if np.any(mask):
        bad = ids[mask]
        raise InvalidNetwork(f"{what}: activities {bad[:10].tolist()}", bad)


@dataclass(eq=False)
class _Dates:
    """Converter of date inputs to the kernels' time values."""

    mode: int
    clock: WorkClock
    cs: CalendarSet

    def convert(self, values: ArrayLike | None, n: int, kind: str, name: str) -> I64:
        """kind: 'start' (at or after), 'by' (finish at or before), 'after' (finish at or after)."""
        if values is None:
            return np.full(n, NO_DATE, dtype=np.int64)
        arr = np.asarray(values)
        if arr.ndim == 0:
            arr = np.full(n, arr)
        if arr.shape != (n,):
            raise InvalidNetwork(f"{name} has shape {arr.shape}, expected ({n},)")
        out = np.full(n, NO_DATE, dtype=np.int64)
        if arr.dtype.kind == "M":
            have = ~np.isnat(arr)
            t = arr[have].astype("datetime64[m]").astype(np.int64)
            out[have] = t if self.mode == k.INSTANT else self._to_working(t, kind)
        else:
            have = arr != NO_DATE
            w = arr[have].astype(np.int64)
            out[have] = w if self.mode == k.WORKING else self._to_instant(w, kind)
        return out

    def _to_working(self, t: I64, kind: str) -> I64:
        if t.size == 0:
            return t
        self.cs = self._cover(int(t.min()), int(t.max()))
        w0 = int(self.cs.work(self.clock.origin))
        w = self.cs.work(t) - w0
        if kind == "after":
            # A finish at or after t: t itself only if some working minute ends there.
            back = self.cs.finish_instant(w + w0)
            w = w + (back < t)
        return w

    def _to_instant(self, w: I64, kind: str) -> I64:
        if w.size == 0:
            return w
        self.cs = _cover_work_set(self.clock, self.cs, int(w.min()), int(w.max()))
        w0 = int(self.cs.work(self.clock.origin))
        if kind == "start":
            return self.cs.start_instant(w + w0, 0)
        return self.cs.finish_instant(w + w0, 0)

    def _cover(self, lo: int, hi: int) -> CalendarSet:
        lo, hi = min(lo, self.clock.origin) - 7 * _DAY, max(hi, self.clock.origin) + 7 * _DAY
        if self.cs.covers(lo, hi):
            return self.cs
        return compile_calendars(self.cs.calendars, min(lo, self.cs.lo), max(hi, self.cs.hi))


def _cover_work_set(clock: WorkClock, cs: CalendarSet, lo: int, hi: int) -> CalendarSet:
    one = _cover_work(clock, lo, hi)
    if len(cs.calendars) == 1:
        return one
    if cs.covers(one.lo, one.hi):
        return cs
    return compile_calendars(cs.calendars, min(cs.lo, one.lo), max(cs.hi, one.hi))


class PreparedSchedule:
    """A network with its scheduling data converted once, ready to run many times.

    Built by :func:`prepare`. :meth:`run` does one full schedule; :meth:`batch` runs
    the forward pass (and optionally the backward pass) for many duration arrays in
    parallel, for Monte Carlo risk analysis.
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
        direction: str,
        anchor: int,
        must_finish_by: int,
        critical_threshold: int,
        critical_path: str,
        on_negative_float: str,
    ) -> None:
        self.network = network
        self.clock = clock
        self.mode = mode
        self._cs = cs
        self._net = net
        self._act = act
        self._sc = sc
        self._direction = direction
        self._anchor = anchor
        self._must_finish_by = must_finish_by
        self._threshold = critical_threshold
        self._critical_path = critical_path
        self._on_negative = on_negative_float

    @property
    def uses_calendars(self) -> bool:
        """Whether the passes look calendars up (several calendars or elapsed lags)."""
        return self.mode == k.INSTANT or bool(
            np.any((self._net[5] == LagKind.ELAPSED) | (self._net[5] == LagKind.PERCENT_ELAPSED))
        )

    def _sync(self) -> tuple[NDArray, ...]:
        if self.mode == k.WORKING:
            self._sc[k.W0] = int(self._cs.work(self.clock.origin))
        return self._cs.arrays

    def _retry(self, flag: I64) -> None:
        self._cs = _widen(self.clock if self.mode == k.WORKING else None, self._cs, flag)

    def run(self, durations: ArrayLike | None = None) -> ScheduleResult:
        """Schedule once, optionally with other durations than the prepared ones."""
        act = self._act
        if durations is not None:
            d = np.ascontiguousarray(durations, dtype=np.int64)
            if d.shape != act[0].shape or np.any(d < 0):
                raise InvalidNetwork("durations must be non-negative, one per activity")
            act = (d, *act[1:])
        n = self.network.n
        es, ef, ls, lf = (np.empty(n, dtype=np.int64) for _ in range(4))
        tf, ff = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
        flag = np.zeros(2, dtype=np.int64)
        while True:
            flag[:] = 0
            cs = self._sync()
            out = self._passes(act, cs, es, ef, ls, lf, tf, ff, flag)
            if not flag.any():
                break
            self._retry(flag)
        start, fin, on_path, p_start, p_finish = out
        critical = on_path if self._critical_path == "longest_path" else tf <= self._threshold
        critical &= act[8] != k.FINISHED
        result = self._result(act, es, ef, ls, lf, start, fin, tf, ff, critical, p_start, p_finish)
        if self._on_negative == "raise":
            bad = result.negative_float()
            if bad.size:
                ids = self.network.ids[bad]
                raise InfeasibleSchedule(
                    f"constraints or deadlines cannot be met: activities {ids[:10].tolist()}",
                    ids,
                )
        return result

    def _passes(self, act, cs, es, ef, ls, lf, tf, ff, flag):  # type: ignore[no-untyped-def]
        net, sc = self._net, self._sc
        if self._direction == "forward":
            k.forward(net, act, sc, cs, es, ef, flag)
            early_finish = k.finish_of(ef)
            finish = early_finish if self._must_finish_by == NO_DATE else self._must_finish_by
            k.backward(net, act, sc, cs, finish, es, ef, ls, lf, flag)
        else:
            finish = self._anchor
            # Early dates are unknown before the late pass, which only reads them for
            # finished activities: seed those, then run the forward pass from the
            # earliest late start.
            es[:] = act[6]
            ef[:] = act[7]
            k.backward(net, act, sc, cs, finish, es, ef, ls, lf, flag)
            sc[k.START] = int(ls.min()) if ls.size else finish
            k.forward(net, act, sc, cs, es, ef, flag)
            early_finish = k.finish_of(ef)
        k.floats(net, act, sc, cs, finish, es, ef, lf, tf, ff, flag)
        if self._critical_path == "longest_path":
            on_path = k.longest_path(net, act, sc, cs, early_finish, es, ef, flag)
        else:
            on_path = np.zeros(0, dtype=np.bool_)
        if self._direction == "backward":
            start, fin = ls, lf
        elif np.any(act[3] == Constraint.ALAP):
            start, fin = np.empty_like(es), np.empty_like(ef)
            k.alap(net, act, sc, cs, finish, es, ef, ls, lf, start, fin, flag)
        else:
            start, fin = es, ef
        p_start = int(es.min()) if es.size else int(sc[k.START])
        p_finish = int(early_finish) if self._direction == "forward" else int(finish)
        if es.size == 0:
            p_finish = p_start
        return start, fin, on_path, p_start, p_finish

    def _result(self, act, es, ef, ls, lf, start, fin, tf, ff, critical, p_start, p_finish):  # type: ignore[no-untyped-def]
        milestone = act[0] == 0
        if self.mode == k.WORKING:
            return ScheduleResult(
                es, ef, ls, lf, start, fin, tf, ff, critical, p_start, p_finish, self.clock,
                None, milestone,
            )  # fmt: skip
        arrays = {"early_start": es, "early_finish": ef, "late_start": ls, "late_finish": lf}
        arrays["start"], arrays["finish"] = start, fin
        flag = np.zeros(2, dtype=np.int64)
        while True:
            w0 = int(self._cs.work(self.clock.origin))
            conv = {
                name: k.project_minutes(v, w0, self._cs.arrays, flag) for name, v in arrays.items()
            }
            ends = k.project_minutes(np.array([p_start, p_finish]), w0, self._cs.arrays, flag)
            if not flag.any():
                break
            self._retry(flag)
            flag[:] = 0
        return ScheduleResult(
            conv["early_start"], conv["early_finish"], conv["late_start"], conv["late_finish"],
            conv["start"], conv["finish"], tf, ff, critical, int(ends[0]), int(ends[1]),
            self.clock, arrays, milestone,
        )  # fmt: skip

    def batch(
        self,
        durations: ArrayLike,
        watch: ArrayLike | None = None,
        criticality: bool = False,
    ) -> "BatchResult":
        """Run many schedules at once (numba threads), one per row of ``durations``.

        Parameters
        ----------
        durations : array_like of int, shape (iterations, n)
            Durations per iteration; for started activities, the remaining duration.
        watch : array_like of int, optional
            Positions of activities whose early finish is returned per iteration.
        criticality : bool
            Also run the backward pass and count, per activity, the iterations in
            which its total float is at most the critical threshold.

        Returns
        -------
        BatchResult
        """
        d = np.ascontiguousarray(durations, dtype=np.int64)
        if d.ndim != 2 or d.shape[1] != self.network.n:
            raise InvalidNetwork(f"durations must have shape (iterations, {self.network.n})")
        if np.any(d < 0):
            raise InvalidNetwork("durations must be non-negative")
        w = np.ascontiguousarray(np.zeros(0) if watch is None else watch, dtype=np.int64)
        if self._direction != "forward":
            raise InvalidNetwork("batch runs schedule forward")
        while True:
            cs = self._sync()
            fin, watched, counts, flag = k.batch(
                self._net, self._act, self._sc, cs, d, w, criticality, self._threshold
            )
            if not flag.any():
                return BatchResult(fin, watched, counts if criticality else None)
            self._retry(flag)


@dataclass(frozen=True, eq=False)
class BatchResult:
    """Outcome of :meth:`PreparedSchedule.batch`, in the time values of the passes.

    Attributes
    ----------
    finish : ndarray of int64, shape (iterations,)
        Project early finish per iteration: working minutes of the project calendar
        since the origin for a single-calendar schedule, Unix minutes otherwise (see
        :attr:`PreparedSchedule.mode`).
    watched : ndarray of int64, shape (iterations, len(watch))
        Early finish of the watched activities, in the same unit.
    critical_count : ndarray of int64, shape (n,) or None
        Iterations in which each activity was critical.
    """

    finish: I64
    watched: I64
    critical_count: I64 | None


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
    cals = tuple(calendars) if calendars else (Calendar.continuous(),)
    if direction not in ("forward", "backward"):
        raise ValueError(f"direction must be 'forward' or 'backward', not {direction!r}")
    if critical_path not in ("float", "longest_path"):
        raise ValueError(f"critical_path must be 'float' or 'longest_path', not {critical_path!r}")
    anchor_dt = start if direction == "forward" else finish
    if anchor_dt is None:
        if calendars:
            raise InvalidCalendar(
                f"give the project {'start' if direction == 'forward' else 'finish'}"
            )
        anchor_dt = np.datetime64("1970-01-01T00:00", "m")
    clock = WorkClock(cals[0], anchor_dt)

    dur = _array(activities.duration, n, 0, np.int64, "duration")
    _bad(dur < 0, ids, "negative duration")
    cal = _array(activities.calendar, n, 0, np.int32, "calendar")
    _bad((cal < 0) | (cal >= len(cals)), ids, f"calendar index outside 0..{len(cals) - 1}")
    ctype = _array(activities.constraint, n, Constraint.ASAP, np.int8, "constraint")
    _bad((ctype < 0) | (ctype > Constraint.MFO), ids, "unknown constraint type")

    lcal_of = {"predecessor": "pred", "successor": "succ", "project": "project"}.get(lag_calendar)
    if lcal_of is None:
        raise ValueError(f"unknown lag_calendar {lag_calendar!r}")
    used = np.unique(cal)
    several = used.size > 1 or (used.size == 1 and used[0] != 0)
    if timeline not in ("auto", "working", "instant"):
        raise ValueError(f"timeline must be 'auto', 'working' or 'instant', not {timeline!r}")
    mode = k.INSTANT if timeline == "instant" or (timeline == "auto" and several) else k.WORKING
    if mode == k.WORKING and several:
        raise InvalidCalendar("the working timeline needs every activity on the project calendar")
    if mode == k.WORKING:
        dates = _Dates(mode, clock, clock.calendar_set)
    else:
        span = clock.calendar_set
        dates = _Dates(mode, clock, compile_calendars(cals, span.lo, span.hi))

    cdate = dates.convert(activities.constraint_date, n, "start", "constraint_date")
    finish_kind = np.isin(ctype, (Constraint.FNLT, Constraint.MFO))
    if np.any(finish_kind):
        cdate[finish_kind] = dates.convert(activities.constraint_date, n, "by", "")[finish_kind]
    fnet = ctype == Constraint.FNET
    if np.any(fnet):
        cdate[fnet] = dates.convert(activities.constraint_date, n, "after", "")[fnet]
    dated = ctype >= Constraint.SNET
    _bad(dated & (cdate == NO_DATE), ids, "constraint without a date")
    dline = dates.convert(activities.deadline, n, "by", "deadline")
    dline[dline == NO_DATE] = k.POS
    astart = dates.convert(activities.actual_start, n, "start", "actual_start")
    afinish = dates.convert(activities.actual_finish, n, "by", "actual_finish")

    started = astart != NO_DATE
    finished = afinish != NO_DATE
    state = np.where(finished, k.FINISHED, np.where(started, k.STARTED, k.NOT_STARTED))
    state = state.astype(np.int8)
    pct = _array(activities.percent_complete, n, 0, np.float64, "percent_complete")
    _bad((pct < 0) | (pct > 100) | np.isnan(pct), ids, "percent complete outside 0..100")
    _bad(finished & ~started, ids, "actual finish without actual start")
    _bad(finished & started & (afinish < astart), ids, "actual finish before actual start")
    _bad(~started & (pct > 0), ids, "percent complete without actual start")
    rem = _array(activities.remaining, n, -1, np.int64, "remaining")
    derived = np.rint(dur * (100.0 - pct) / 100.0).astype(np.int64)
    rem = np.where(rem >= 0, rem, derived)
    status = NO_DATE
    if np.any(started) and status_date is None:
        raise InvalidNetwork("progress needs a status date")
    if status_date is not None:
        status = int(dates.convert(np.asarray([status_date]), 1, "start", "status_date")[0])
        if np.any(started):
            _bad(started & (astart > status), ids, "actual start after the status date")
            _bad(finished & (afinish > status), ids, "actual finish after the status date")
    must = NO_DATE
    if must_finish_by is not None:
        must = int(dates.convert(np.asarray([must_finish_by]), 1, "by", "must_finish_by")[0])
    # The working model only looks the project calendar up, through the clock.
    cs = dates.cs if mode == k.INSTANT else clock.calendar_set

    ltype = network.link_type
    lkind = network.lag_kind
    if np.any(started):
        succ_state = state[network.succ]
        off = succ_state == k.FINISHED
        if retained_logic:
            off |= (succ_state == k.STARTED) & (ltype == LinkType.SS)
        else:
            off |= succ_state == k.STARTED
        ltype = np.where(off, np.int8(-1), ltype).astype(np.int8)
    if mode == k.WORKING:
        lcal = np.zeros(network.m, dtype=np.int32)
        if cals[0].is_continuous:
            # Elapsed time is working time on a 24-hour calendar: skip the look-ups.
            lkind = np.where(lkind == LagKind.ELAPSED, LagKind.WORKING, lkind)
            lkind = np.where(lkind == LagKind.PERCENT_ELAPSED, LagKind.PERCENT, lkind)
            lkind = lkind.astype(np.int8)
    elif lcal_of == "pred":
        lcal = cal[network.pred_of_links()]
    elif lcal_of == "succ":
        lcal = cal[network.succ]
    else:
        lcal = np.zeros(network.m, dtype=np.int32)
    start0 = 0 if mode == k.WORKING else clock.origin
    anchor = 0 if mode == k.WORKING else clock.origin
    sc = np.array([mode, 0, start0, status if status != NO_DATE else k.NEG, int(retained_logic)])
    sc = sc.astype(np.int64)
    net = (network.order, network.succ_ptr, network.succ, ltype, network.lag, lkind, lcal)
    act = (dur, rem, cal, ctype, cdate, dline, astart, afinish, state)
    return PreparedSchedule(
        network, clock, cs, mode, net, act, sc, direction, anchor, must,
        int(critical_threshold), critical_path, on_negative_float,
    )  # fmt: skip


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
