"""Working calendars: weekly hours, exceptions, holidays, time zones, fast conversion.

A :class:`Calendar` is a plain, hashable description: working intervals for each day of
the week (local wall-clock minutes, several per day), exceptions (holidays, shutdowns,
extra working days with their own hours) and an IANA time zone. It is the same class
for the project calendar, per-task calendars and per-resource calendars.

For arithmetic, calendars are compiled over a range of instants into a
:class:`CalendarSet`: for each calendar, its working intervals as UTC minutes since the
Unix epoch with the cumulative working minutes before each one, and a per-day index of
the first interval of each UTC day. Working minutes before an instant then cost one
array look-up plus a scan of the few intervals of that day; the instant at which a
count of working minutes is reached is a binary search. No conversion loops over days.

:class:`WorkClock` is what callers use: "working minutes since an origin" on one
calendar, converted to and from datetimes, vectorised over arrays. A start value ``w``
is the instant the ``w``-th working minute begins; a finish value is the instant it
ends, so a task of 480 minutes starting at 0 on an 8-hour day finishes at 17:00 the
same day while its successor starts at 08:00 the next one.

Examples
--------
>>> from datetime import date, datetime
>>> from zoneinfo import ZoneInfo
>>> cal = Calendar.standard(timezone="Europe/London").with_holidays([date(2026, 1, 5)])
>>> clock = WorkClock(cal, datetime(2026, 1, 2, 8, 0, tzinfo=ZoneInfo("Europe/London")))
>>> clock.to_datetime64([0, 480], "finish").tolist()
[datetime.datetime(2026, 1, 1, 17, 0), datetime.datetime(2026, 1, 2, 17, 0)]
>>> clock.to_datetime64([480], "start").tolist()  # Monday 5th is a holiday
[datetime.datetime(2026, 1, 6, 8, 0)]
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_pkg
import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from pmo.engine.errors import InvalidCalendar

__all__ = [
    "Calendar",
    "CalendarException",
    "CalendarSet",
    "WorkClock",
    "compile_calendars",
    "country_holidays",
    "parse_hours",
    "to_unix_minutes",
]

I64 = NDArray[np.int64]
Interval = tuple[int, int]
Kind = Literal["start", "finish"]

_DAY = 1440
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
#: Widest range a calendar is ever compiled over, in days (beyond: no working time).
_MAX_SPAN_DAYS = 400 * 366
#: log2 of the working minutes per bucket of the working-minute index.
_BUCKET = 9


def parse_hours(spec: Iterable[object] | str) -> tuple[Interval, ...]:
    """Normalise working hours to sorted ``(start, end)`` minutes after local midnight.

    Accepts ``"08:00-12:00"`` strings, ``(480, 720)`` minute pairs or
    ``(time(8), time(12))`` pairs; an end of ``"24:00"`` or 1440 means midnight.

    Examples
    --------
    >>> parse_hours(["13:00-17:00", (480, 720)])
    ((480, 720), (780, 1020))
    """
    items = [spec] if isinstance(spec, str) else list(spec)
    out: list[Interval] = []
    for item in items:
        if isinstance(item, str):
            try:
                a, b = (_parse_clock(x) for x in item.split("-"))
            except ValueError as exc:
                raise InvalidCalendar(f"bad working hours {item!r}") from exc
        else:
            a, b = (_minute_of(x) for x in item)  # type: ignore[union-attr]
        out.append((a, b))
    out.sort()
    for k, (a, b) in enumerate(out):
        if not 0 <= a < b <= _DAY or (k + 1 < len(out) and out[k + 1][0] < b):
            raise InvalidCalendar(f"working hours must be ordered, disjoint, in a day: {out}")
    return tuple(out)


def _parse_clock(text: str) -> int:
    hh, mm = text.strip().split(":")
    return int(hh) * 60 + int(mm)


def _minute_of(value: object) -> int:
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    return int(value)  # type: ignore[call-overload]


@dataclass(frozen=True)
class CalendarException:
    """Days ``start`` to ``end`` (inclusive) work ``hours`` instead of the weekly pattern.

    Empty ``hours`` make the days non-working (holiday, shutdown). Later exceptions in
    a calendar override earlier ones on the days they share.
    """

    start: date
    end: date
    hours: tuple[Interval, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", parse_hours(self.hours))
        if self.end < self.start:
            raise InvalidCalendar(f"exception {self.name!r} ends before it starts")


def _weekdays(spec: Iterable[int] | str) -> tuple[int, ...]:
    if isinstance(spec, str):
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        a, _, b = spec.lower().partition("-")
        i, j = names.index(a[:3]), names.index((b or a)[:3])
        return tuple(range(i, j + 1))
    return tuple(int(d) for d in spec)


@dataclass(frozen=True)
class Calendar:
    """A working calendar: weekly hours, exceptions and an IANA time zone.

    Attributes
    ----------
    week : tuple of 7 tuples of (start, end)
        Working intervals of Monday .. Sunday in minutes after local midnight; strings
        such as ``"08:00-12:00"`` are accepted and normalised.
    exceptions : tuple of CalendarException
        Holidays, shutdowns and extra working days, later ones overriding earlier.
    timezone : str
        IANA zone of the wall-clock hours, e.g. ``"Australia/Sydney"``.
    name : str

    Examples
    --------
    >>> Calendar.standard(hours=["09:00-17:00"], workdays="Mon-Thu").week[3:5]
    (((540, 1020),), ())
    """

    week: tuple[tuple[Interval, ...], ...]
    exceptions: tuple[CalendarException, ...] = ()
    timezone: str = "UTC"
    name: str = ""
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        week = tuple(parse_hours(day) for day in self.week)
        if len(week) != 7:
            raise InvalidCalendar(f"a week has 7 days, not {len(week)}")
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "exceptions", tuple(self.exceptions))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidCalendar(f"unknown time zone {self.timezone!r}", [self.name]) from exc
        if not any(week) and not any(e.hours for e in self.exceptions):
            raise InvalidCalendar(f"calendar {self.name!r} has no working time", [self.name])
        # Calendars key the compilation cache; holidays make hashing them non-trivial.
        object.__setattr__(self, "_hash", hash((week, self.exceptions, self.timezone)))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def standard(
        cls,
        hours: Iterable[object] | str = ("08:00-12:00", "13:00-17:00"),
        workdays: Iterable[int] | str = "Mon-Fri",
        timezone: str = "UTC",
        name: str = "Standard",
    ) -> "Calendar":
        """Same hours on each working day (Monday = 0), the rest of the week off."""
        day = parse_hours(hours)
        days = set(_weekdays(workdays))
        return cls(tuple(day if d in days else () for d in range(7)), (), timezone, name)

    @classmethod
    def continuous(cls, timezone: str = "UTC", name: str = "24 hours") -> "Calendar":
        """Every minute works: working time equals elapsed time."""
        return cls(tuple(((0, _DAY),) for _ in range(7)), (), timezone, name)

    @property
    def is_continuous(self) -> bool:
        """Whether every minute is working time (no exceptions, 24/7 week)."""
        return not self.exceptions and all(day == ((0, _DAY),) for day in self.week)

    def with_exceptions(self, *exceptions: CalendarException) -> "Calendar":
        """A copy with ``exceptions`` appended (they override the existing ones)."""
        return replace(self, exceptions=(*self.exceptions, *exceptions))

    def with_holidays(self, days: Iterable[date], name: str = "Holiday") -> "Calendar":
        """A copy where each of ``days`` is non-working."""
        return self.with_exceptions(*(CalendarException(d, d, (), name) for d in days))

    def with_shutdown(self, start: date, end: date, name: str = "Shutdown") -> "Calendar":
        """A copy where ``start`` to ``end`` (inclusive) is non-working."""
        return self.with_exceptions(CalendarException(start, end, (), name))

    def with_working_days(
        self,
        days: Iterable[date],
        hours: Iterable[object] | str | None = None,
        name: str = "Working day",
    ) -> "Calendar":
        """A copy where each of ``days`` works ``hours`` (default: the first working weekday's)."""
        if hours is None:
            hours = next((d for d in self.week if d), ())
        iv = parse_hours(hours)
        return self.with_exceptions(*(CalendarException(d, d, iv, name) for d in days))

    def with_country_holidays(
        self, country: str, years: Iterable[int], subdiv: str | None = None
    ) -> "Calendar":
        """A copy without the public holidays of ``country`` (see :func:`country_holidays`)."""
        return self.with_exceptions(*country_holidays(country, years, subdiv))

    def days_off(self, first: date, last: date) -> tuple[date, ...]:
        """Local dates from ``first`` to ``last`` (inclusive) with no working time.

        >>> cal = Calendar.standard().with_holidays([date(2026, 12, 25)])
        >>> [d.isoformat() for d in cal.days_off(date(2026, 12, 24), date(2026, 12, 28))]
        ['2026-12-25', '2026-12-26', '2026-12-27']
        """
        d_lo = first.toordinal() - _EPOCH_ORDINAL
        days = np.arange(d_lo, last.toordinal() - _EPOCH_ORDINAL + 1, dtype=np.int64)
        works = np.array([bool(hours) for hours in self.week])[(days + 3) % 7]
        for exc in self.exceptions:  # later exceptions override earlier ones
            a = max(exc.start.toordinal() - _EPOCH_ORDINAL - d_lo, 0)
            b = min(exc.end.toordinal() - _EPOCH_ORDINAL + 1 - d_lo, days.shape[0])
            if a < b:
                works[a:b] = bool(exc.hours)
        return tuple(date.fromordinal(int(d) + _EPOCH_ORDINAL) for d in days[~works])


def country_holidays(
    country: str, years: Iterable[int], subdiv: str | None = None, language: str | None = None
) -> tuple[CalendarException, ...]:
    """Public holidays of a country (and subdivision) as non-working exceptions.

    Uses the ``holidays`` package, including its observed substitute days. Names are in
    ``language`` (e.g. ``"en_US"``) where the package has them, else in the country's.

    Examples
    --------
    >>> [(e.start.isoformat(), e.name) for e in country_holidays("GB", [2026])][:2]
    [('2026-01-01', "New Year's Day"), ('2026-04-03', 'Good Friday')]
    """
    try:
        table = holidays_pkg.country_holidays(
            country, years=list(years), subdiv=subdiv, language=language
        )
    except NotImplementedError as exc:
        raise InvalidCalendar(f"no holidays known for {country!r} {subdiv or ''}") from exc
    return tuple(CalendarException(d, d, (), str(n)) for d, n in sorted(table.items()))


@functools.cache
def supported_countries() -> tuple[tuple[str, str], ...]:
    """``(ISO code, English name)`` of every country the ``holidays`` package knows, by
    name (its registry names each country's module: ``"united_kingdom"`` for GB)."""
    from holidays.registry import COUNTRIES

    names = {entry[1]: module.replace("_", " ").title() for module, entry in COUNTRIES.items()}
    return tuple(sorted(names.items(), key=lambda item: item[1]))


# --- time zones ---------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _transitions(zone_name: str, lo: int, hi: int) -> tuple[I64, I64]:
    """UTC-offset changes of a zone in [lo, hi] (Unix minutes).

    Returns ``(at, offset)``: ``offset[0]`` holds before ``at[0]``, ``offset[j+1]`` from
    ``at[j]`` on. zoneinfo has no public transition table, so the offset is sampled
    weekly (no zone changes twice within a week) and each change located by bisection.
    """
    zone = ZoneInfo(zone_name)

    def offset(t: int) -> int:
        delta = datetime.fromtimestamp(t * 60, tz=zone).utcoffset()
        return int(delta.total_seconds() // 60) if delta is not None else 0

    step = 7 * _DAY
    samples = list(range(lo, hi + step, step))
    offs = [offset(t) for t in samples]
    at: list[int] = []
    after: list[int] = [offs[0]]
    for k in range(1, len(samples)):
        if offs[k] == offs[k - 1]:
            continue
        a, b = samples[k - 1], samples[k]  # offset(a) differs from offset(b)
        while b - a > 1:
            mid = (a + b) // 2
            if offset(mid) == offs[k - 1]:
                a = mid
            else:
                b = mid
        at.append(b)
        after.append(offs[k])
    return np.asarray(at, dtype=np.int64), np.asarray(after, dtype=np.int64)


def _local_to_utc(local: I64, zone_name: str, lo: int, hi: int) -> I64:
    """Local wall-clock minutes to Unix minutes, as zoneinfo does with ``fold=0``.

    A wall time inside a spring-forward gap or a fall-back overlap takes the offset in
    force before the change; for either kind of change that is the case exactly when
    the wall time is before ``change + max(offset before, offset after)``.
    """
    at, off = _transitions(zone_name, lo, hi)
    if at.size == 0:
        return local - off[0]
    thresholds = at + np.maximum(off[:-1], off[1:])
    return local - off[np.searchsorted(thresholds, local, side="right")]


def _utc_to_local(utc: I64, zone_name: str, lo: int, hi: int) -> I64:
    at, off = _transitions(zone_name, lo, hi)
    return utc + off[np.searchsorted(at, utc, side="right")]


# --- compilation ----------------------------------------------------------------------


def _day_table(cal: Calendar, d_lo: int, d_hi: int) -> tuple[I64, I64]:
    """Local working intervals (minutes since 1970-01-01 local) of days [d_lo, d_hi)."""
    days = np.arange(d_lo, d_hi, dtype=np.int64)
    width = max([len(d) for d in cal.week] + [len(e.hours) for e in cal.exceptions] + [1])
    pattern = np.full((7, width, 2), -1, dtype=np.int64)
    for wd, hours in enumerate(cal.week):
        if hours:
            pattern[wd, : len(hours)] = hours
    table = pattern[(days + 3) % 7]  # 1970-01-01 was a Thursday (Monday = 0)
    for exc in cal.exceptions:
        a = max(exc.start.toordinal() - _EPOCH_ORDINAL - d_lo, 0)
        b = min(exc.end.toordinal() - _EPOCH_ORDINAL + 1 - d_lo, days.shape[0])
        if a < b:
            table[a:b] = -1
            if exc.hours:
                table[a:b, : len(exc.hours)] = exc.hours
    valid = table[:, :, 0] >= 0
    base = (days * _DAY)[:, None]
    return (base + table[:, :, 0])[valid], (base + table[:, :, 1])[valid]


def _compile_one(cal: Calendar, lo: int, hi: int) -> tuple[I64, I64]:
    """UTC working intervals of ``cal`` covering at least the instants [lo, hi]."""
    # Local midnights are within 14 hours of UTC ones: two days of margin cover any zone.
    d_lo, d_hi = lo // _DAY - 2, hi // _DAY + 3
    local_s, local_e = _day_table(cal, d_lo, d_hi)
    zlo, zhi = d_lo * _DAY - 3 * _DAY, d_hi * _DAY + 3 * _DAY
    s = _local_to_utc(local_s, cal.timezone, zlo, zhi)
    e = _local_to_utc(local_e, cal.timezone, zlo, zhi)
    if s.size:
        # A DST overlap may make consecutive intervals overlap: clip, drop empties.
        prev_end = np.maximum.accumulate(np.concatenate(([s[0]], e[:-1])))
        s = np.maximum(s, prev_end)
        keep = e > s
        s, e = s[keep], e[keep]
    if s.size:
        # Touching intervals (24-hour days, midnight shifts) merge into one.
        new = np.ones(s.shape[0], dtype=bool)
        new[1:] = s[1:] != e[:-1]
        first = np.flatnonzero(new)
        last = np.concatenate((first[1:] - 1, [s.shape[0] - 1]))
        s, e = s[first], e[last]
    return s, e


@dataclass(frozen=True, eq=False)
class CalendarSet:
    """Calendars compiled over the Unix-minute range ``[lo, hi]``, arrays concatenated.

    Calendar ``c`` owns intervals ``ptr[c]:ptr[c+1]``; ``cum[i]`` is the number of
    working minutes of that calendar before interval ``i`` since the start of its
    compiled window, so only differences of working-minute counts are meaningful.
    ``day_first[c, d]`` is the first interval of calendar ``c`` ending after the start
    of UTC day ``meta[0] + d``; ``work_first[c, b]`` the first one whose cumulative
    working minutes pass ``b * 512``; ``total[c]`` the calendar's working minutes.
    ``meta`` is ``[first day, lo, hi]``.
    """

    calendars: tuple[Calendar, ...]
    lo: int
    hi: int
    starts: I64
    ends: I64
    cum: I64
    ptr: I64
    day_first: I64
    meta: I64
    work_first: I64
    total: I64

    @property
    def arrays(self) -> tuple[I64, I64, I64, I64, I64, I64, I64, I64]:
        """The arrays in the order the compiled kernels take them."""
        return (
            self.starts,
            self.ends,
            self.cum,
            self.ptr,
            self.day_first,
            self.meta,
            self.work_first,
            self.total,
        )

    def covers(self, lo: int, hi: int) -> bool:
        """Whether the instants ``[lo, hi]`` lie in the compiled range."""
        return self.lo <= lo and hi <= self.hi

    def widened(self, lo: int | None = None, hi: int | None = None) -> "CalendarSet":
        """A set covering ``[lo, hi]`` too, with room to spare (the span at least doubles)."""
        lo = self.lo if lo is None else min(lo, self.lo)
        hi = self.hi if hi is None else max(hi, self.hi)
        span = max(hi - lo, self.hi - self.lo, 28 * _DAY)
        if lo < self.lo:
            lo -= span // 2
        if hi > self.hi:
            hi += span
        if lo == self.lo and hi == self.hi:
            lo, hi = lo - span // 2, hi + span
        return compile_calendars(self.calendars, lo, hi)

    def work(self, t: ArrayLike, calendar: int | ArrayLike = 0) -> I64:
        """Working minutes before each Unix minute ``t`` (counted from the window start)."""
        return _vectorised(self, 0, t, calendar)

    def start_instant(self, w: ArrayLike, calendar: int | ArrayLike = 0) -> I64:
        """Unix minute at which working minute number ``w`` begins."""
        return _vectorised(self, 1, w, calendar)

    def finish_instant(self, w: ArrayLike, calendar: int | ArrayLike = 0) -> I64:
        """Unix minute at which working minute number ``w`` (counted from 1) ends."""
        return _vectorised(self, 2, w, calendar)


class _OutOfRange(InvalidCalendar):
    """A look-up fell outside the compiled range (internal callers widen it and retry)."""

    def __init__(self) -> None:
        super().__init__("value outside the compiled calendar range")


def _vectorised(cs: CalendarSet, op: int, values: ArrayLike, calendar: int | ArrayLike) -> I64:
    vals = np.asarray(values, dtype=np.int64)
    shape = vals.shape
    flat = np.ascontiguousarray(vals.reshape(-1))
    cals = np.broadcast_to(np.asarray(calendar, dtype=np.int64), shape).reshape(-1)
    flag = np.zeros(2, dtype=np.int64)
    out = _map(cs.arrays, op, flat, np.ascontiguousarray(cals), flag)
    if flag[0] or flag[1]:
        raise _OutOfRange
    return out.reshape(shape)


@functools.lru_cache(maxsize=64)
def compile_calendars(calendars: tuple[Calendar, ...], lo: int, hi: int) -> CalendarSet:
    """Compile ``calendars`` so that instants ``lo .. hi`` (Unix minutes) can be queried.

    Results are cached: a calendar shared by many projects or Monte Carlo runs is
    compiled once.

    Raises
    ------
    InvalidCalendar
        A calendar has no working time in the range (widen it or fix the calendar).

    Examples
    --------
    >>> monday = 29_540_160  # 2026-03-02T00:00Z in Unix minutes
    >>> cs = compile_calendars((Calendar.standard(),), monday, monday + 7 * 1440)
    >>> (cs.start_instant(cs.work(monday) + [0, 240, 480]) - monday).tolist()
    [480, 780, 1920]
    """
    if hi < lo:
        raise ValueError("hi < lo")
    starts, ends, cums, ptr = [], [], [], [0]
    for cal in calendars:
        s, e = _compile_one(cal, lo, hi)
        if s.size == 0:
            raise InvalidCalendar(
                f"calendar {cal.name!r} has no working time near {_fmt(lo)} .. {_fmt(hi)}",
                [cal.name],
            )
        starts.append(s)
        ends.append(e)
        length = e - s
        cums.append(np.concatenate(([0], np.cumsum(length)[:-1])))
        ptr.append(ptr[-1] + s.shape[0])
    ptr_arr = np.asarray(ptr, dtype=np.int64)
    all_s = np.concatenate(starts)
    all_e = np.concatenate(ends)
    day0 = lo // _DAY
    ndays = hi // _DAY - day0 + 1
    day_starts = (day0 + np.arange(ndays, dtype=np.int64)) * _DAY
    day_first = np.empty((len(calendars), ndays), dtype=np.int64)
    for c, e in enumerate(ends):
        day_first[c] = np.searchsorted(e, day_starts, side="right") + ptr_arr[c]
    ends_work = [c + (e - s) for c, s, e in zip(cums, starts, ends, strict=True)]
    total = np.asarray([int(w[-1]) for w in ends_work], dtype=np.int64)
    work_first = np.empty((len(calendars), int(total.max() >> _BUCKET) + 1), dtype=np.int64)
    for c, w in enumerate(ends_work):
        edges = np.arange(work_first.shape[1], dtype=np.int64) << _BUCKET
        work_first[c] = np.minimum(np.searchsorted(w, edges, side="right"), w.shape[0] - 1)
        work_first[c] += ptr_arr[c]
    return CalendarSet(
        calendars=tuple(calendars),
        lo=int(lo),
        hi=int(hi),
        starts=all_s,
        ends=all_e,
        cum=np.concatenate(cums).astype(np.int64),
        ptr=ptr_arr,
        day_first=day_first,
        meta=np.asarray([day0, lo, hi], dtype=np.int64),
        work_first=work_first,
        total=total,
    )


def _fmt(t: int) -> str:
    return datetime.fromtimestamp(t * 60, tz=UTC).strftime("%Y-%m-%d")


# --- compiled look-ups (shared with pmo.engine.cpm) -------------------------------------


@njit(cache=True, _nrt=False)
def _locate(cs, c, t, flag):  # pragma: no cover - compiled
    """(i, w): first interval of calendar c ending after t, working minutes before t."""
    starts, ends, cum, ptr, day_first, meta = cs[0], cs[1], cs[2], cs[3], cs[4], cs[5]
    hi_i = ptr[c + 1]
    if t < meta[1]:
        flag[0] = 1
        t = meta[1]
    elif t > meta[2]:
        flag[1] = 1
        t = meta[2]
    i = day_first[c, t // 1440 - meta[0]]
    while i < hi_i and ends[i] <= t:
        i += 1
    if i == hi_i:
        return i, cum[i - 1] + ends[i - 1] - starts[i - 1]
    if t <= starts[i]:
        return i, cum[i]
    return i, cum[i] + t - starts[i]


@njit(cache=True, _nrt=False)
def _work(cs, c, t, flag):  # pragma: no cover - compiled
    """Working minutes of calendar c before instant t."""
    return _locate(cs, c, t, flag)[1]


@njit(cache=True, _nrt=False)
def _total(cs, c):  # pragma: no cover - compiled
    return cs[7][c]


@njit(cache=True, _nrt=False)
def _minute(cs, c, q, flag):  # pragma: no cover - compiled
    """Instant at which working minute q (0-based) of calendar c begins."""
    starts, ends, cum, work_first = cs[0], cs[1], cs[2], cs[6]
    if q < 0:
        flag[0] = 1
        q = 0
    elif q >= cs[7][c]:
        flag[1] = 1
        q = cs[7][c] - 1
    i = work_first[c, q >> _BUCKET]
    while cum[i] + ends[i] - starts[i] <= q:
        i += 1
    return starts[i] + q - cum[i]


@njit(cache=True, _nrt=False)
def _start_at(cs, c, w, flag):  # pragma: no cover - compiled
    """Instant at which working minute w (0-based) of calendar c begins."""
    return _minute(cs, c, w, flag)


@njit(cache=True, _nrt=False)
def _finish_at(cs, c, w, flag):  # pragma: no cover - compiled
    """Instant at which working minute w (1-based) of calendar c ends."""
    return _minute(cs, c, w - 1, flag) + 1


@njit(cache=True, _nrt=False)
def _finish_need(cs, c, t, flag):  # pragma: no cover - compiled
    """Smallest working count whose finish instant is at or after t."""
    starts, ends, ptr = cs[0], cs[1], cs[3]
    i, w = _locate(cs, c, t, flag)
    if i < ptr[c + 1] and starts[i] < t:
        return w  # t is inside a working interval
    if i > ptr[c] and ends[i - 1] == t:
        return w  # t is the end of a working interval
    return w + 1


@njit(cache=True, _nrt=False)
def _start_limit(cs, c, t, flag):  # pragma: no cover - compiled
    """Largest working count whose start instant is at or before t."""
    starts = cs[0]
    i, w = _locate(cs, c, t, flag)
    if i < cs[3][c + 1] and starts[i] <= t:
        return w  # t is a working instant
    return w - 1


@njit(cache=True, _nrt=False)
def _point_after(cs, c, t, flag):  # pragma: no cover - compiled
    """Earliest instant at or after t within or at the boundary of working time."""
    starts, ends, ptr = cs[0], cs[1], cs[3]
    i, _ = _locate(cs, c, t, flag)
    if i == ptr[c + 1]:
        flag[1] = 1
        return t
    if t >= starts[i] or (i > ptr[c] and ends[i - 1] == t):
        return t
    return starts[i]


@njit(cache=True, _nrt=False)
def _point_before(cs, c, t, flag):  # pragma: no cover - compiled
    """Latest instant at or before t within or at the boundary of working time."""
    starts, ends, ptr = cs[0], cs[1], cs[3]
    i, _ = _locate(cs, c, t, flag)
    if i < ptr[c + 1] and t >= starts[i]:
        return t
    if i == ptr[c]:
        flag[0] = 1
        return t
    return ends[i - 1]


@njit(cache=True)
def _map(cs, op, values, cals, flag):  # pragma: no cover - compiled
    out = np.empty_like(values)
    for k in range(values.shape[0]):
        c = cals[k]
        v = values[k]
        if op == 0:
            out[k] = _work(cs, c, v, flag)
        elif op == 1:
            out[k] = _start_at(cs, c, v, flag)
        else:
            out[k] = _finish_at(cs, c, v, flag)
    return out


# --- the clock -----------------------------------------------------------------------


def to_unix_minutes(values: object, timezone: str = "UTC") -> I64:
    """Datetimes to Unix minutes (int64), truncating seconds.

    Accepts an aware :class:`~datetime.datetime`, a sequence of them, or datetime64
    values (taken as UTC). Naive datetimes are wall-clock times in ``timezone``.

    Examples
    --------
    >>> to_unix_minutes(np.array(["1970-01-02T00:00"], dtype="datetime64[m]")).tolist()
    [1440]
    >>> to_unix_minutes(datetime(1970, 1, 1, 1, 0), "Europe/Paris").tolist()
    0
    """
    if isinstance(values, datetime):
        return np.asarray(_dt_minutes(values, timezone), dtype=np.int64)
    if isinstance(values, np.ndarray | np.datetime64) and np.asarray(values).dtype.kind == "M":
        return np.asarray(values).astype("datetime64[m]").astype(np.int64)
    items = list(values)  # type: ignore[call-overload]
    return np.asarray([_dt_minutes(v, timezone) for v in items], dtype=np.int64).reshape(-1)


def _dt_minutes(value: object, timezone: str) -> int:
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[m]").astype(np.int64))
    if not isinstance(value, datetime):
        if isinstance(value, date):
            value = datetime.combine(value, time())
        else:
            raise TypeError(f"not a datetime: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return int(value.timestamp() // 60)


class WorkClock:
    """Working minutes since an origin on one calendar, to and from datetimes.

    Minute ``0`` is the first working instant at or after ``origin``. The compiled
    calendar grows as values outside its range are converted.

    Parameters
    ----------
    calendar : Calendar
    origin : datetime or numpy.datetime64
        Aware datetime; naive ones are wall-clock times in the calendar's zone;
        datetime64 values are UTC.

    Examples
    --------
    >>> clock = WorkClock(Calendar.standard(), datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    >>> clock.to_minutes(np.array(["2026-03-03T09:30"], dtype="datetime64[m]")).tolist()
    [570]
    >>> clock.add_elapsed([480], [12 * 60], "finish").tolist()  # Mon 17:00 + 12 h
    [480]
    """

    def __init__(self, calendar: Calendar, origin: object) -> None:
        self.calendar = calendar
        self.origin = int(to_unix_minutes(origin, calendar.timezone))
        self._cs = compile_calendars(
            (calendar,), self.origin - 366 * _DAY, self.origin + 10 * 366 * _DAY
        )

    @property
    def calendar_set(self) -> CalendarSet:
        """The compiled calendar currently in use (it may be widened by conversions)."""
        return self._cs

    @property
    def zero(self) -> int:
        """Working count, on :attr:`calendar_set`, of the origin."""
        return int(self._cs.work(self.origin))

    def _retry(
        self, fn: Callable[[CalendarSet], I64], lo: int | None = None, hi: int | None = None
    ) -> I64:
        if lo is not None and not self._cs.covers(lo, hi if hi is not None else lo):
            self._cs = self._cs.widened(lo, hi)
        while True:
            try:
                return fn(self._cs)
            except _OutOfRange:
                if self._cs.hi - self._cs.lo > _MAX_SPAN_DAYS * _DAY:
                    raise InvalidCalendar(
                        f"calendar {self.calendar.name!r} runs out of working time",
                        [self.calendar.name],
                    ) from None
                self._cs = self._cs.widened(self._cs.lo - 1, self._cs.hi + 1)

    def ensure(self, lo: int, hi: int) -> CalendarSet:
        """Widen the compiled calendar to cover Unix minutes ``lo .. hi``; return it."""
        if not self._cs.covers(lo, hi):
            self._cs = self._cs.widened(lo, hi)
        return self._cs

    def instants(self, minutes: ArrayLike, kind: Kind = "start") -> I64:
        """Unix minutes of working-minute values (start or finish instants)."""
        w = np.asarray(minutes, dtype=np.int64)
        if kind not in ("start", "finish"):
            raise ValueError(f"kind must be 'start' or 'finish', not {kind!r}")

        def go(cs: CalendarSet) -> I64:
            z = int(cs.work(self.origin))
            if kind == "start":
                return cs.start_instant(w + z)
            return cs.finish_instant(w + z)

        return self._retry(go)

    def to_datetime64(self, minutes: ArrayLike, kind: Kind = "start") -> NDArray[np.datetime64]:
        """UTC ``datetime64[m]`` of working-minute values, vectorised."""
        return self.instants(minutes, kind).astype("datetime64[m]")

    def to_local(self, minutes: ArrayLike, kind: Kind = "start") -> NDArray[np.datetime64]:
        """Wall-clock ``datetime64[m]`` in the calendar's zone of working-minute values."""
        t = self.instants(minutes, kind)
        if t.size == 0:
            return t.astype("datetime64[m]")
        lo, hi = int(t.min()) - _DAY, int(t.max()) + _DAY
        return _utc_to_local(t, self.calendar.timezone, lo, hi).astype("datetime64[m]")

    def to_datetimes(self, minutes: ArrayLike, kind: Kind = "start") -> list[datetime]:
        """Aware datetimes in the calendar's zone (Python objects: for a few values)."""
        zone = ZoneInfo(self.calendar.timezone)
        flat = self.instants(minutes, kind).reshape(-1)
        return [datetime.fromtimestamp(int(t) * 60, tz=zone) for t in flat]

    def to_minutes(self, datetimes: object) -> I64:
        """Working minutes from the origin to each datetime (datetime64 means UTC).

        A datetime in non-working time maps to the next working minute's value.
        """
        t = to_unix_minutes(datetimes, self.calendar.timezone)
        lo = int(t.min()) if t.size else self.origin
        hi = int(t.max()) if t.size else self.origin
        return self._retry(
            lambda cs: cs.work(t) - int(cs.work(self.origin)),
            min(lo, self.origin),
            max(hi, self.origin),
        )

    def add_elapsed(self, minutes: ArrayLike, elapsed: ArrayLike, kind: Kind = "finish") -> I64:
        """Working-minute value reached ``elapsed`` wall-clock minutes after ``minutes``.

        ``kind`` says whether ``minutes`` are start or finish values; the result is the
        start value at or after the shifted instant. ``result - minutes`` is the
        elapsed lag expressed in working minutes.
        """
        t = self.instants(minutes, kind) + np.asarray(elapsed, dtype=np.int64)
        lo = int(t.min()) if t.size else self.origin
        hi = int(t.max()) if t.size else self.origin
        return self._retry(
            lambda cs: cs.work(t) - int(cs.work(self.origin)),
            min(lo, self.origin),
            max(hi, self.origin),
        )

    def working_minutes_between(self, start: object, end: object) -> I64:
        """Working minutes between two datetimes (or arrays of them)."""
        return self.to_minutes(end) - self.to_minutes(start)
