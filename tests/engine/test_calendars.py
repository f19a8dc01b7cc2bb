"""Tests of pmo.engine.calendars: working time, exceptions, holidays, zones, DST."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.calendars import (
    Calendar,
    CalendarException,
    WorkClock,
    _local_to_utc,
    compile_calendars,
    country_holidays,
    parse_hours,
    to_unix_minutes,
)
from pmo.engine.errors import InvalidCalendar

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC


def dt64(text: str) -> np.datetime64:
    return np.datetime64(text, "m")


def utc(values) -> list[str]:
    return [str(v) for v in np.asarray(values)]


def test_parse_hours_accepts_strings_minutes_and_times():
    assert parse_hours("08:00-12:00") == ((480, 720),)
    assert parse_hours([(time(13), time(17)), "08:00-12:00"]) == ((480, 720), (780, 1020))
    assert parse_hours(["22:00-24:00"]) == ((1320, 1440),)
    for bad in (["12:00-08:00"], ["08:00-12:00", "11:00-13:00"], ["8h-9h"], [(0, 1441)]):
        with pytest.raises(InvalidCalendar):
            parse_hours(bad)


def test_calendar_validation():
    with pytest.raises(InvalidCalendar, match="7 days"):
        Calendar(week=((),) * 6)
    with pytest.raises(InvalidCalendar, match="no working time"):
        Calendar(week=((),) * 7, name="empty")
    with pytest.raises(InvalidCalendar, match="time zone"):
        Calendar.standard(timezone="Mars/Olympus")
    with pytest.raises(InvalidCalendar, match="ends before"):
        CalendarException(date(2026, 1, 2), date(2026, 1, 1))
    cal = Calendar.standard(hours="09:00-17:00", workdays="Tue-Thu")
    assert cal.week == ((), ((540, 1020),), ((540, 1020),), ((540, 1020),), (), (), ())
    assert Calendar.standard() == Calendar.standard()
    assert hash(Calendar.standard()) == hash(Calendar.standard())


def test_standard_week_with_lunch_break():
    clock = WorkClock(Calendar.standard(), MONDAY)
    minutes = [0, 239, 240, 480, 481, 2399, 2400]
    assert utc(clock.to_datetime64(minutes, "start")) == [
        "2026-03-02T08:00",
        "2026-03-02T11:59",
        "2026-03-02T13:00",  # after lunch
        "2026-03-03T08:00",
        "2026-03-03T08:01",
        "2026-03-06T16:59",
        "2026-03-09T08:00",  # the weekend is skipped
    ]
    assert utc(clock.to_datetime64([1, 240, 480, 2400], "finish")) == [
        "2026-03-02T08:01",
        "2026-03-02T12:00",  # a finish stays before lunch
        "2026-03-02T17:00",
        "2026-03-06T17:00",
    ]
    dts = np.array(
        ["2026-03-02T12:30", "2026-03-02T13:00", "2026-03-07T10:00", "2026-03-01T23:00"],
        dtype="datetime64[m]",
    )
    # Non-working instants count the working minutes done so far.
    assert clock.to_minutes(dts).tolist() == [240, 240, 2400, 0]
    assert clock.to_minutes(datetime(2026, 2, 27, 16, 0, tzinfo=UTC)).tolist() == -60


def test_conversions_are_vectorised_and_round_trip():
    clock = WorkClock(Calendar.standard().with_country_holidays("GB", [2026, 2027]), MONDAY)
    w = np.arange(-5000, 200_000, 37)
    starts = clock.to_datetime64(w, "start")
    finishes = clock.to_datetime64(w, "finish")
    assert np.array_equal(clock.to_minutes(starts), w)
    assert np.array_equal(clock.to_minutes(finishes), w)
    assert np.all(starts[1:] > starts[:-1])
    # 2-D input keeps its shape
    assert clock.to_datetime64(w[:6].reshape(2, 3)).shape == (2, 3)


def test_holidays_shutdowns_and_extra_working_days():
    cal = (
        Calendar.standard()
        .with_holidays([date(2026, 3, 3)])
        .with_shutdown(date(2026, 3, 5), date(2026, 3, 9))
        .with_working_days([date(2026, 3, 7)], hours=["09:00-13:00"])
    )
    clock = WorkClock(cal, MONDAY)
    # Mon 480, Tue holiday, Wed 480, Thu-Mon shut (the Saturday exception is inside the
    # shutdown but added later, so it wins), Tue 10th.
    assert utc(clock.to_datetime64([480, 960, 1199, 1200], "start")) == [
        "2026-03-04T08:00",
        "2026-03-07T09:00",
        "2026-03-07T12:59",
        "2026-03-10T08:00",
    ]


def test_later_exceptions_override_earlier_ones():
    cal = Calendar.standard().with_shutdown(date(2026, 3, 2), date(2026, 3, 6))
    cal = cal.with_working_days([date(2026, 3, 4)])  # default hours: the week's first
    clock = WorkClock(cal, MONDAY)
    assert utc(clock.to_datetime64([0, 240, 480], "start")) == [
        "2026-03-04T08:00",
        "2026-03-04T13:00",
        "2026-03-09T08:00",
    ]


def test_country_holidays_from_the_holidays_package():
    gb = {e.start: e.name for e in country_holidays("GB", [2026])}
    assert gb[date(2026, 12, 25)] == "Christmas Day"
    assert gb[date(2026, 12, 28)] == "Boxing Day (observed)"  # the 26th is a Saturday
    eng = {e.start for e in country_holidays("GB", [2026], subdiv="ENG")}
    assert date(2026, 4, 6) in eng and date(2026, 4, 6) not in gb  # Easter Monday
    cal = Calendar.standard(timezone="Europe/London").with_country_holidays("GB", [2026], "ENG")
    clock = WorkClock(cal, datetime(2026, 4, 2, 8, 0, tzinfo=ZoneInfo("Europe/London")))
    # Thu 2nd works, Good Friday and Easter Monday do not: next is Tue 7th 08:00 BST.
    assert utc(clock.to_datetime64([480], "start")) == ["2026-04-07T07:00"]
    with pytest.raises(InvalidCalendar):
        country_holidays("XX", [2026])


def test_time_zone_of_the_calendar():
    sydney = ZoneInfo("Australia/Sydney")
    cal = Calendar.standard(timezone="Australia/Sydney")
    clock = WorkClock(cal, datetime(2026, 3, 2, 8, 0, tzinfo=sydney))
    # AEDT is UTC+11 in March: 08:00 Sydney is 21:00 UTC the day before.
    assert utc(clock.to_datetime64([0, 480], "start")) == ["2026-03-01T21:00", "2026-03-02T21:00"]
    # A finish of 0 is the end of the last working minute before the origin: Friday.
    assert utc(clock.to_local([0, 480], "finish")) == ["2026-02-27T17:00", "2026-03-02T17:00"]
    aware = clock.to_datetimes([0])[0]
    assert aware == datetime(2026, 3, 2, 8, 0, tzinfo=sydney)
    assert aware.utcoffset() == timedelta(hours=11)
    # Naive datetimes are wall-clock times of the calendar's zone.
    assert clock.to_minutes(datetime(2026, 3, 2, 9, 0)).tolist() == 60


def test_dst_spring_forward_and_fall_back():
    london = ZoneInfo("Europe/London")
    night = Calendar(week=(("00:00-06:00",),) * 7, timezone="Europe/London")
    # 29 March 2026: clocks go 01:00 -> 02:00, so 00:00-06:00 holds 5 hours.
    clock = WorkClock(night, datetime(2026, 3, 29, 0, 0, tzinfo=london))
    assert utc(clock.to_datetime64([300], "finish")) == ["2026-03-29T05:00"]  # 06:00 BST
    assert utc(clock.to_datetime64([300], "start")) == ["2026-03-29T23:00"]  # Mon 00:00 BST
    # 25 October 2026: clocks go 02:00 -> 01:00, so the night holds 7 hours.
    clock = WorkClock(night, datetime(2026, 10, 25, 0, 0, tzinfo=london))
    assert utc(clock.to_datetime64([0, 420], "start")) == ["2026-10-24T23:00", "2026-10-26T00:00"]
    assert utc(clock.to_datetime64([420], "finish")) == ["2026-10-25T06:00"]  # 06:00 GMT
    # Day work keeps its wall-clock hours across the change.
    day = WorkClock(Calendar.standard(timezone="Europe/London"), datetime(2026, 3, 27, 8, 0))
    assert utc(day.to_datetime64([0, 480], "start")) == ["2026-03-27T08:00", "2026-03-30T07:00"]


ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ZONES), st.integers(0, 40 * 366 * 1440))
def test_local_to_utc_matches_zoneinfo_fold_zero(zone, local_minute):
    lo, hi = 0, 45 * 366 * 1440
    local = local_minute + 30 * 365 * 1440  # wall-clock minutes after 1970, from about 2000
    naive = datetime(1970, 1, 1) + timedelta(minutes=int(local))
    expected = int(naive.replace(tzinfo=ZoneInfo(zone)).timestamp() // 60)
    got = _local_to_utc(np.array([local]), zone, lo, hi + 40 * 366 * 1440)[0]
    assert got == expected


def test_elapsed_lags_convert_through_instants():
    clock = WorkClock(Calendar.standard(), MONDAY)
    # Mon 17:00 + 12 h = Tue 05:00 -> the next working minute is Tue 08:00 = 480.
    assert clock.add_elapsed([480], [720], "finish").tolist() == [480]
    # Mon 17:00 + 16 h = Tue 09:00 -> 540; a start value of 480 is Tue 08:00 + 16 h.
    assert clock.add_elapsed([480], [960], "finish").tolist() == [540]
    assert clock.add_elapsed([480], [960], "start").tolist() == [960]  # Wed 00:00 -> Wed 08:00
    assert clock.add_elapsed([2400], [-1440], "finish").tolist() == [1920]  # Fri 17:00 - 24 h


def test_working_minutes_between_and_unix_minutes():
    clock = WorkClock(Calendar.standard(), MONDAY)
    a = np.array(["2026-03-02T10:00"], dtype="datetime64[m]")
    b = np.array(["2026-03-09T10:00"], dtype="datetime64[m]")
    assert clock.working_minutes_between(a, b).tolist() == [2400]
    assert to_unix_minutes(dt64("2026-03-02T00:00")).tolist() == 29540160
    assert to_unix_minutes([date(2026, 3, 2)], "UTC").tolist() == [29540160]
    with pytest.raises(TypeError):
        to_unix_minutes(["not a date"])


def test_continuous_calendar_is_elapsed_time():
    cal = Calendar.continuous()
    assert cal.is_continuous and not Calendar.standard().is_continuous
    clock = WorkClock(cal, MONDAY)
    assert utc(clock.to_datetime64([0, 1440 * 10 + 7])) == ["2026-03-02T08:00", "2026-03-12T08:07"]
    cs = compile_calendars((cal,), clock.origin, clock.origin + 100 * 1440)
    assert int(cs.ptr[1]) == 1  # touching days merge into one interval


def test_range_grows_on_demand_and_runs_out_on_empty_calendars():
    clock = WorkClock(Calendar.standard(), MONDAY)
    far = clock.to_datetime64([250 * 480 * 30], "start")  # about 30 years of work
    assert clock.to_minutes(far).tolist() == [250 * 480 * 30]
    one_day = Calendar(
        week=((),) * 7,
        exceptions=(CalendarException(date(2026, 3, 2), date(2026, 3, 2), ((480, 960),)),),
    )
    short = WorkClock(one_day, MONDAY)
    assert utc(short.to_datetime64([479], "finish")) == ["2026-03-02T15:59"]
    with pytest.raises(InvalidCalendar, match=r"no working time|runs out"):
        short.to_datetime64([480], "start")


def test_calendar_set_lookups_per_calendar():
    cals = (Calendar.standard(), Calendar.continuous(), Calendar.standard(hours="10:00-14:00"))
    monday = 29540160
    cs = compile_calendars(cals, monday, monday + 14 * 1440)
    t = np.array([monday + 9 * 60] * 3)
    w = cs.work(t, [0, 1, 2])
    w0 = cs.work(np.array([monday] * 3), [0, 1, 2])
    assert (w - w0).tolist() == [60, 540, 0]
    back = cs.start_instant(w, [0, 1, 2]) - monday
    assert back.tolist() == [540, 540, 600]
