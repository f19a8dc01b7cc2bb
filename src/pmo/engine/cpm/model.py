"""Inputs and results of critical path scheduling, and date conversion helpers."""

import threading
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pmo.engine.calendars import CalendarSet, WorkClock, compile_calendars, to_unix_minutes
from pmo.engine.cpm import kernels as k
from pmo.engine.errors import InvalidCalendar, InvalidNetwork
from pmo.engine.network import two_threads

__all__ = ["NO_DATE", "Activities", "Constraint", "ScheduleResult"]

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
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    def dates(self, which: str = "early_start") -> NDArray[np.datetime64]:
        """UTC ``datetime64[m]`` of one date field, e.g. ``"late_finish"``."""
        if which not in _DATE_FIELDS:
            raise ValueError(f"which must be one of {_DATE_FIELDS}, not {which!r}")
        return self.instants(which).view("datetime64[m]")

    def all_dates(self) -> dict[str, NDArray[np.datetime64]]:
        """UTC ``datetime64[m]`` of every date field."""
        out: dict[str, NDArray[np.datetime64]] = {}
        if self._instants is None:
            # Early and late dates in one pass: one look-up table, no kind arrays.
            if "table" not in self._cache:
                self._cache["table"] = self._instant_table()
            table, base, floor = self._cache["table"]  # type: ignore[misc]
            n = self.early_start.shape[0]
            mil = self._milestone if self._milestone is not None else np.zeros(n, np.bool_)
            es, ls, ef, lf = (np.empty(n, dtype=np.int64) for _ in range(4))
            k.instants_all(
                (self.early_start, self.late_start), (self.early_finish, self.late_finish),
                mil, table, base, floor, (es, ls), (ef, lf), two_threads(n),
            )  # fmt: skip
            for name, v in (("early_start", es), ("late_start", ls)):
                out[name] = v.view("datetime64[m]")
            for name, v in (("early_finish", ef), ("late_finish", lf)):
                out[name] = v.view("datetime64[m]")
        for name in _DATE_FIELDS:
            if name in out:
                continue
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
        if "table" not in self._cache:
            self._cache["table"] = self._instant_table()
        table, base, floor = self._cache["table"]  # type: ignore[misc]
        is_start = which in ("early_start", "late_start", "start")
        key = "kinds_start" if is_start else "kinds_finish"
        if key not in self._cache:
            kinds = np.full(values.shape[0], 0 if is_start else 1, dtype=np.int8)
            if self._milestone is not None:
                kinds[self._milestone] = 2
            self._cache[key] = kinds
        out = np.empty_like(values)
        k.instants(values, self._cache[key], table, base, floor, out)
        return out

    def _instant_table(self) -> tuple[I64, int, int]:
        fields = tuple({id(v): v for v in (getattr(self, f) for f in _DATE_FIELDS)}.values())
        lo, hi = k.span(fields, self.project_start, self.project_finish)
        table, base = _instant_table(self.clock, int(lo) - 1, int(hi))
        return table, base, int(table[self.project_start - base])

    def negative_float(self) -> NDArray[np.intp]:
        """Positions of activities whose total float is negative."""
        return np.flatnonzero(self.total_float < 0)


def _instant_table(clock: WorkClock, lo: int, hi: int) -> tuple[I64, int]:
    """Start instants of the project calendar's working minutes ``lo .. hi``.

    Returns ``(table, lo)``: ``table[w - lo]`` is the Unix minute at which working
    minute ``w`` (since the origin) begins. One array look-up per converted value beats
    any search once millions of dates are converted; the table costs 8 bytes per
    working minute of the schedule's span.
    """
    cs = _cover_work(clock, lo, hi)
    while True:
        w0 = int(cs.work(clock.origin))
        a, b = lo + w0, hi + w0
        if a >= 0 and b < int(cs.total[0]):
            break
        cs = _widen(clock, cs, np.asarray([a < 0, b >= int(cs.total[0])], dtype=np.int64))
    return _minute_table(cs, a, b), lo


#: Recent minute tables, newest first: (calendar set, first working minute, table).
#: Re-scheduling a project, or many projects on one calendar, converts dates over the
#: same working minutes again; a table is read-only and shared by the results using it.
_TABLES: list[tuple[CalendarSet, int, I64]] = []
_TABLES_KEPT = 4
_TABLE_MAX = 1 << 21  # working minutes (16 MiB, 16 years full time): longer are not kept
_TABLES_LOCK = threading.Lock()


def _minute_table(cs: CalendarSet, a: int, b: int) -> I64:
    """Start instants of working minutes ``a .. b`` (counted from ``cs``'s start)."""
    with _TABLES_LOCK:
        for i, (kept_cs, first, table) in enumerate(_TABLES):
            if kept_cs is cs and first <= a and b < first + table.shape[0]:
                _TABLES.insert(0, _TABLES.pop(i))
                return table[a - first : b - first + 1]
    end = int(cs.ptr[1])
    j0 = int(np.searchsorted(cs.cum[:end], a, side="right")) - 1
    table = np.empty(b - a + 1, dtype=np.int64)
    k.minute_table(cs.starts, cs.ends, cs.cum, j0, a, table)
    table.flags.writeable = False
    if table.shape[0] <= _TABLE_MAX:
        with _TABLES_LOCK:
            _TABLES.insert(0, (cs, a, table))
            del _TABLES[_TABLES_KEPT:]
    return table


def _cover_work(clock: WorkClock, lo: int, hi: int) -> CalendarSet:
    """The clock's calendar compiled far enough to hold working minutes ``lo .. hi``."""
    cs = clock.calendar_set
    # Scale by the calendar's share of working time to guess the span in one step.
    total = int(cs.total[0])
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
    return arr.astype(dtype, copy=False)  # read only: the caller's array may be returned


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
        if arr.dtype == object:
            # Python datetimes (None for none), e.g. from an ORM: aware ones are instants,
            # naive ones wall-clock times of the project calendar.
            zone = self.clock.calendar.timezone
            minutes = [NO_DATE if v is None else int(to_unix_minutes(v, zone)) for v in arr]
            arr = np.asarray(minutes, dtype=np.int64).astype("datetime64[m]")
            arr[np.asarray(minutes) == NO_DATE] = np.datetime64("NaT", "m")
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
