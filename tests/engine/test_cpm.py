"""Hand-computed critical path schedules with exact expected values.

Without calendars a minute is a plain minute, so the logic cases read directly; the
calendar cases start on Monday 2 March 2026 at 08:00 UTC on a Monday-Friday
08:00-12:00 / 13:00-17:00 calendar unless they say otherwise.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from pmo.engine.calendars import Calendar
from pmo.engine.cpm import NO_DATE, Activities, Constraint, prepare, schedule
from pmo.engine.errors import InfeasibleSchedule, InvalidCalendar, InvalidNetwork
from pmo.engine.network import LagKind, LinkType, compile_network

FS, SS, FF, SF = LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF
WORK, ELAPSED, PCT, PCT_ELAPSED = LagKind.WORKING, LagKind.ELAPSED, LagKind.PERCENT, 3
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STANDARD = Calendar.standard()

_ACTIVITY_FIELDS = set(Activities.__dataclass_fields__)


def cpm(durations, links=(), ids=None, **kwargs):
    """Schedule ``durations`` with links ``(pred, succ, type, lag, lag kind)``."""
    links = [(*link, *(FS, 0, WORK)[len(link) - 2 :]) for link in links]
    net = compile_network(
        [lk[0] for lk in links],
        [lk[1] for lk in links],
        n=len(durations),
        ids=ids,
        link_type=[lk[2] for lk in links],
        lag=[lk[3] for lk in links],
        lag_kind=[lk[4] for lk in links],
    )
    fields = {key: kwargs.pop(key) for key in list(kwargs) if key in _ACTIVITY_FIELDS}
    return schedule(net, Activities(duration=durations, **fields), **kwargs)


def table(res):
    return {
        "es": res.early_start.tolist(),
        "ef": res.early_finish.tolist(),
        "ls": res.late_start.tolist(),
        "lf": res.late_finish.tolist(),
        "tf": res.total_float.tolist(),
        "ff": res.free_float.tolist(),
        "crit": res.critical.tolist(),
    }


def dates(res, which):
    return [str(d) for d in res.dates(which)]


# --- relationship types and lags ------------------------------------------------------


def test_finish_to_start_with_lag():
    assert table(cpm([10, 20], [(0, 1, FS, 5)])) == {
        "es": [0, 15], "ef": [10, 35], "ls": [0, 15], "lf": [10, 35],
        "tf": [0, 0], "ff": [0, 0], "crit": [True, True],
    }  # fmt: skip


def test_start_to_start():
    assert table(cpm([10, 5], [(0, 1, SS, 3)])) == {
        "es": [0, 3], "ef": [10, 8], "ls": [0, 5], "lf": [10, 10],
        "tf": [0, 2], "ff": [0, 2], "crit": [True, False],
    }  # fmt: skip


def test_finish_to_finish():
    assert table(cpm([10, 5], [(0, 1, FF, 2)])) == {
        "es": [0, 7], "ef": [10, 12], "ls": [0, 7], "lf": [10, 12],
        "tf": [0, 0], "ff": [0, 0], "crit": [True, True],
    }  # fmt: skip


def test_start_to_finish():
    assert table(cpm([10, 3], [(0, 1, SF, 4)])) == {
        "es": [0, 1], "ef": [10, 4], "ls": [0, 7], "lf": [10, 10],
        "tf": [0, 6], "ff": [0, 6], "crit": [True, False],
    }  # fmt: skip


def test_negative_lag_is_a_lead():
    res = cpm([10, 6], [(0, 1, FS, -4)])
    assert res.early_start.tolist() == [0, 6] and res.total_float.tolist() == [0, 0]


def test_percent_lags_are_basis_points_of_the_predecessor_duration():
    assert cpm([200, 100], [(0, 1, SS, 5000, PCT)]).early_start.tolist() == [0, 100]
    # 50 % of 3 minutes is 1.5, rounded half up to 2.
    assert cpm([3, 1], [(0, 1, SS, 5000, PCT)]).early_start.tolist() == [0, 2]
    # -25 % of 100 minutes: a lead of 25.
    assert cpm([100, 10], [(0, 1, FS, -2500, PCT)]).early_start.tolist() == [0, 75]


def test_milestones_have_zero_duration():
    res = cpm([0, 30, 0], [(0, 1), (1, 2)])
    assert table(res)["es"] == [0, 0, 30] and table(res)["ef"] == [0, 30, 30]
    assert res.critical.tolist() == [True, True, True]


def test_elapsed_lags_count_wall_clock_time():
    # A ends Mon 17:00; 24 elapsed hours later is Tue 17:00: B starts Wed 08:00.
    res = cpm([480, 60], [(0, 1, FS, 1440, ELAPSED)], calendars=[STANDARD], start=MONDAY)
    assert res.early_start.tolist() == [0, 960]
    assert dates(res, "early_start") == ["2026-03-02T08:00", "2026-03-04T08:00"]
    # The same lag in working minutes is three working days.
    res = cpm([480, 60], [(0, 1, FS, 1440, WORK)], calendars=[STANDARD], start=MONDAY)
    assert dates(res, "early_start")[1] == "2026-03-06T08:00"
    # A negative elapsed lag: A ends Tue 17:00, minus 24 h is Mon 17:00.
    res = cpm([960, 60], [(0, 1, FS, -1440, ELAPSED)], calendars=[STANDARD], start=MONDAY)
    assert res.early_start.tolist() == [0, 480]
    # 50 % of A's 480 minutes as elapsed time after its start: Mon 12:00, so 13:00.
    res = cpm([480, 60], [(0, 1, SS, 5000, PCT_ELAPSED)], calendars=[STANDARD], start=MONDAY)
    assert dates(res, "early_start")[1] == "2026-03-02T13:00"
    assert res.late_finish.tolist() == [480, 480] and res.total_float.tolist() == [0, 180]


def test_elapsed_lag_on_a_24_hour_calendar_equals_working_lag():
    a = cpm([100, 10], [(0, 1, FS, 50, ELAPSED)])
    b = cpm([100, 10], [(0, 1, FS, 50, WORK)])
    assert table(a) == table(b)


# --- constraints and deadlines -------------------------------------------------------

CHAIN = [(0, 1), (1, 2)]


def constrained(kind, when):
    return cpm(
        [10, 20, 5], CHAIN,
        constraint=[Constraint.ASAP, kind, Constraint.ASAP],
        constraint_date=[NO_DATE, when, NO_DATE],
    )  # fmt: skip


def test_start_no_earlier_than():
    t = table(constrained(Constraint.SNET, 30))
    assert t["es"] == [0, 30, 50] and t["ef"] == [10, 50, 55]
    assert t["tf"] == [20, 0, 0] and t["ff"] == [20, 0, 0]


def test_start_no_later_than_gives_negative_float():
    res = constrained(Constraint.SNLT, 5)
    t = table(res)
    assert t["es"] == [0, 10, 30]  # early dates keep the logic
    assert t["ls"] == [-5, 5, 30] and t["tf"] == [-5, -5, 0]
    assert res.negative_float().tolist() == [0, 1]


def test_finish_no_earlier_than():
    t = table(constrained(Constraint.FNET, 40))
    assert t["es"] == [0, 20, 40] and t["tf"] == [10, 0, 0]


def test_finish_no_later_than():
    t = table(constrained(Constraint.FNLT, 25))
    assert t["lf"] == [5, 25, 35] and t["tf"] == [-5, -5, 0]


def test_must_start_on_overrides_logic():
    t = table(constrained(Constraint.MSO, 5))
    assert t["es"] == [0, 5, 25] and t["ls"] == [-5, 5, 25]
    assert t["tf"] == [-5, 0, 0]


def test_must_finish_on():
    t = table(constrained(Constraint.MFO, 40))
    assert t["es"] == [0, 20, 40] and t["lf"] == [20, 40, 45]
    assert t["tf"] == [10, 0, 0]


def test_deadline_limits_late_dates_only():
    res = cpm([10, 20, 5], CHAIN, deadline=[NO_DATE, NO_DATE, 30])
    t = table(res)
    assert t["es"] == [0, 10, 30] and t["tf"] == [-5, -5, -5]
    assert res.project_finish == 35


def test_must_finish_by_gives_every_activity_the_spare_time():
    res = cpm([10, 20, 5], CHAIN, must_finish_by=50)
    assert res.total_float.tolist() == [15, 15, 15]
    assert res.critical.tolist() == [False, False, False]


def test_as_late_as_possible_uses_only_free_time():
    res = cpm([10, 30, 5], [(0, 2), (1, 2)], constraint=[Constraint.ALAP, 0, 0])
    assert res.early_start.tolist() == [0, 0, 30]
    assert res.start.tolist() == [20, 0, 30] and res.finish.tolist() == [30, 30, 35]


def test_constraint_dates_as_datetimes():
    on_int = cpm([480, 480], [(0, 1)], calendars=[STANDARD], start=MONDAY,
                 constraint=[0, Constraint.SNET], constraint_date=[NO_DATE, 1440])  # fmt: skip
    on_date = cpm(
        [480, 480], [(0, 1)], calendars=[STANDARD], start=MONDAY,
        constraint=[0, Constraint.SNET],
        constraint_date=np.array(["NaT", "2026-03-05T08:00"], dtype="datetime64[m]"),
    )  # fmt: skip
    assert table(on_int) == table(on_date)
    assert dates(on_date, "early_start") == ["2026-03-02T08:00", "2026-03-05T08:00"]


def test_negative_float_can_raise():
    with pytest.raises(InfeasibleSchedule) as info:
        cpm([10, 20, 5], CHAIN, ids=[71, 72, 73], constraint=[0, Constraint.SNLT, 0],
            constraint_date=[NO_DATE, 5, NO_DATE], on_negative_float="raise")  # fmt: skip
    assert info.value.ids == (71, 72)


# --- critical path ---------------------------------------------------------------------


def test_critical_by_float_threshold_and_by_longest_path():
    links = [(0, 2), (1, 2)]
    durations = [10, 5, 10, 15]  # D (3) runs alone
    res = cpm(durations, links)
    assert res.total_float.tolist() == [0, 5, 0, 5]
    assert res.critical.tolist() == [True, False, True, False]
    assert cpm(durations, links, critical_threshold=5).critical.tolist() == [True] * 4
    # A deadline makes D's float negative, but D does not drive the project finish.
    late_d = cpm(durations, links, deadline=[NO_DATE, NO_DATE, NO_DATE, 10])
    assert late_d.critical.tolist() == [True, False, True, True]
    path = cpm(durations, links, deadline=[NO_DATE, NO_DATE, NO_DATE, 10],
               critical_path="longest_path")  # fmt: skip
    assert path.critical.tolist() == [True, False, True, False]


def test_results_follow_caller_positions_whatever_the_order():
    # The chain runs 2 -> 0 -> 1 through shuffled positions.
    res = cpm([20, 5, 10], [(0, 1), (2, 0)], ids=[900, 901, 902])
    assert res.early_start.tolist() == [10, 30, 0]
    assert res.early_finish.tolist() == [30, 35, 10]


def test_large_networks_give_the_same_results_when_gathered_by_two_threads():
    # 60,000 activities (above kernels.PARALLEL_MIN): chains a -> b -> c at shuffled
    # positions, so every figure is known in closed form.
    n = 60_000
    rng = np.random.default_rng(3)
    pos = rng.permutation(n).reshape(-1, 3)  # positions of each chain's a, b, c
    dur = rng.integers(0, 600, n)
    net = compile_network(
        np.concatenate((pos[:, 0], pos[:, 1])), np.concatenate((pos[:, 1], pos[:, 2])), n=n
    )
    res = schedule(net, Activities(duration=dur), calendars=[STANDARD], start=MONDAY)
    d = dur[pos]
    length = d.sum(axis=1)
    finish = int(length.max())
    es = np.stack((np.zeros(len(d), dtype=np.int64), d[:, 0], d[:, 0] + d[:, 1]), axis=1)
    slack = (finish - length)[:, None]
    expected = {"es": es, "ef": es + d, "ls": es + slack, "lf": es + d + slack, "tf": slack}
    for name, values in expected.items():
        got = {"es": res.early_start, "ef": res.early_finish, "ls": res.late_start,
               "lf": res.late_finish, "tf": res.total_float}[name]  # fmt: skip
        assert np.array_equal(got[pos], np.broadcast_to(values, pos.shape)), name
    assert np.array_equal(res.free_float[pos[:, 2]], finish - length)
    assert not res.free_float[pos[:, :2]].any()
    assert np.array_equal(res.critical, res.total_float == 0)
    all_dates = res.all_dates()
    for name in ("early_start", "early_finish", "late_start", "late_finish"):
        # instants() converts one field on one thread, with its own look-up.
        assert np.array_equal(all_dates[name], res.instants(name).view("datetime64[m]")), name


def _random_network(n, rng):
    """A shuffled random DAG of ``n`` activities: every link type, lag kind and lead."""
    pos = rng.permutation(n)
    src = rng.integers(0, n - 1, 3 * n)
    dst = np.minimum(src + rng.integers(1, 60, src.size), n - 1)
    kind = rng.integers(0, 4, src.size)
    lag = np.where(
        kind >= 2, rng.integers(-5000, 15000, src.size), rng.integers(-600, 3000, src.size)
    )
    return compile_network(pos[src], pos[dst], n=n, link_type=rng.integers(0, 4, src.size),
                           lag=lag, lag_kind=kind), pos  # fmt: skip


@pytest.mark.parametrize("model", ["progress", "calendars"])
def test_two_thread_backward_walks_give_the_one_thread_results(model, monkeypatch):
    # From PARALLEL_MIN activities free float is walked by a second thread. Both ways
    # must agree on every figure: with progress (started successors, finished ones,
    # constraints and deadlines) and with several calendars (the instant model).
    from pmo.engine.cpm import scheduling

    n = 60_000
    rng = np.random.default_rng(11)
    net, pos = _random_network(n, rng)
    dur = rng.integers(0, 900, n)
    if model == "progress":
        first = pos[: n // 10]  # the first activities in dependency order: finished
        started = pos[n // 10 : n // 8]
        actual_start = np.full(n, NO_DATE)
        actual_finish = np.full(n, NO_DATE)
        actual_start[first] = 0
        actual_finish[first] = dur[first]
        actual_start[started] = 100
        remaining = np.full(n, -1)
        remaining[started] = dur[started] // 2
        constraint = np.where(rng.random(n) < 0.02, Constraint.SNLT, Constraint.ASAP)
        deadline = np.where(rng.random(n) < 0.01, 50_000, NO_DATE)
        activities = Activities(
            duration=dur, actual_start=actual_start, actual_finish=actual_finish,
            remaining=remaining, constraint=constraint,
            constraint_date=np.where(constraint == Constraint.SNLT, 20_000, NO_DATE),
            deadline=deadline,
        )  # fmt: skip
        kwargs = {"status_date": 1_000}
    else:
        activities = Activities(duration=dur, calendar=rng.integers(0, 2, n))
        kwargs = {"calendars": [STANDARD, Calendar.continuous()], "start": MONDAY}
    results = {}
    for two in (False, True):
        monkeypatch.setattr(scheduling, "two_threads", lambda _n, two=two: two)
        results[two] = table(schedule(net, activities, **kwargs))
    assert results[True] == results[False]
    assert any(f > 0 for f in results[True]["ff"])


@pytest.mark.parametrize("two", [False, True])
def test_flat_passes_give_the_per_activity_passes_results(two, monkeypatch):
    # Without constraints or progress the passes are flat loops over the links
    # (kernels._plain); one constraint that cannot bind (start no earlier than the
    # project start) sends the same network through the per-activity loops. Both see
    # every link type, lag kind (elapsed lags through the calendar) and deadlines.
    from pmo.engine.cpm import scheduling

    monkeypatch.setattr(scheduling, "two_threads", lambda _n: two)
    n = 60_000 if two else 3_000
    rng = np.random.default_rng(5)
    net, pos = _random_network(n, rng)
    dur = rng.integers(0, 900, n)
    finish = schedule(net, Activities(duration=dur), calendars=[STANDARD], start=MONDAY)
    deadline = np.where(rng.random(n) < 0.01, finish.project_finish // 2, NO_DATE)
    constraint = np.full(n, Constraint.ASAP)
    constraint[pos[0]] = Constraint.SNET
    general = Activities(
        duration=dur, deadline=deadline, constraint=constraint,
        constraint_date=np.where(constraint == Constraint.SNET, 0, NO_DATE),
    )  # fmt: skip
    flat = table(schedule(net, Activities(duration=dur, deadline=deadline),
                          calendars=[STANDARD], start=MONDAY))  # fmt: skip
    assert flat == table(schedule(net, general, calendars=[STANDARD], start=MONDAY))
    assert min(flat["tf"]) < 0 < max(flat["ff"])


def test_date_look_up_tables_are_shared_by_schedules_on_one_calendar():
    from pmo.engine.cpm import model

    model._TABLES.clear()
    durations, links = [480, 4800, 0, 240], [(0, 1), (1, 2), (0, 3)]
    first = cpm(durations, links, calendars=[STANDARD], start=MONDAY).all_dates()
    assert len(model._TABLES) == 1
    kept = model._TABLES[0][2]
    again = cpm(durations, links, calendars=[STANDARD], start=MONDAY)
    assert again.all_dates()["early_finish"].tolist() == first["early_finish"].tolist()
    table = again._cache["table"][0]
    assert np.shares_memory(table, kept) and not table.flags.writeable
    # A shorter project from the same start reads a slice of the same table: its
    # dates must be those of a table built for it alone.
    shorter = cpm([960, 480], [(0, 1)], calendars=[STANDARD], start=MONDAY)
    shared = shorter.all_dates()
    assert np.shares_memory(shorter._cache["table"][0], kept)
    model._TABLES.clear()
    alone = cpm([960, 480], [(0, 1)], calendars=[STANDARD], start=MONDAY).all_dates()
    assert not np.shares_memory(model._TABLES[0][2], kept)
    for name in ("early_start", "early_finish", "late_start", "late_finish"):
        assert shared[name].tolist() == alone[name].tolist(), name
    assert [str(x) for x in alone["early_finish"]] == ["2026-03-03T17:00", "2026-03-04T17:00"]


# --- progress ---------------------------------------------------------------------------


def test_progress_with_status_date():
    res = cpm(
        [60, 100, 50], [(0, 1), (1, 2)], status_date=100,
        actual_start=[0, 60, NO_DATE], actual_finish=[60, NO_DATE, NO_DATE],
        remaining=[0, 40, -1],
    )  # fmt: skip
    t = table(res)
    assert t["es"] == [0, 60, 140] and t["ef"] == [60, 140, 190]
    assert t["ls"] == [0, 100, 140] and t["lf"] == [60, 140, 190]
    assert t["tf"] == [0, 0, 0] and t["crit"] == [False, True, True]


def test_retained_logic_and_progress_override():
    kwargs = {"status_date": 20, "actual_start": [NO_DATE, 10], "remaining": [-1, 30]}
    retained = cpm([100, 50], [(0, 1)], **kwargs)
    assert retained.early_start.tolist() == [20, 10]
    assert retained.early_finish.tolist() == [120, 150]
    override = cpm([100, 50], [(0, 1)], retained_logic=False, **kwargs)
    assert override.early_finish.tolist() == [120, 50]


def test_percent_complete_sets_the_remaining_duration():
    res = cpm([100, 10], [(0, 1)], status_date=50, actual_start=[0, NO_DATE],
              percent_complete=[25.0, 0.0])  # fmt: skip
    assert res.early_finish.tolist() == [125, 135]


def test_unstarted_work_waits_for_the_status_date():
    res = cpm([10, 10], [], status_date=30, actual_start=[0, NO_DATE], remaining=[5, -1])
    assert res.early_start.tolist() == [0, 30] and res.early_finish.tolist() == [35, 40]


def test_progress_on_a_calendar():
    # Status Tue 12:00 (lunch); A started Mon 08:00 with 300 minutes left: Tue 13:00-17:00
    # then Wed 08:00-09:00.
    res = cpm(
        [960, 60], [(0, 1)], calendars=[STANDARD], start=MONDAY,
        status_date=datetime(2026, 3, 3, 12, 0, tzinfo=UTC),
        actual_start=np.array(["2026-03-02T08:00", "NaT"], dtype="datetime64[m]"),
        remaining=[300, -1],
    )  # fmt: skip
    assert dates(res, "early_finish") == ["2026-03-04T09:00", "2026-03-04T10:00"]
    assert dates(res, "early_start")[0] == "2026-03-02T08:00"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actual_start": [5, NO_DATE]}, "status date"),
        ({"actual_start": [50, NO_DATE], "status_date": 10}, "after the status date"),
        ({"actual_finish": [5, NO_DATE], "status_date": 10}, "without actual start"),
        ({"actual_start": [5, 0], "actual_finish": [3, 0], "status_date": 10}, "before actual"),
        ({"percent_complete": [10.0, 0.0], "status_date": 10}, "without actual start"),
        ({"percent_complete": [120.0, 0.0], "status_date": 10}, "outside 0..100"),
    ],
)
def test_inconsistent_progress_is_rejected(kwargs, message):
    with pytest.raises(InvalidNetwork, match=message):
        cpm([10, 10], [(0, 1)], ids=[5, 6], **kwargs)


# --- backward scheduling ----------------------------------------------------------------


def test_backward_scheduling_from_the_finish():
    res = cpm([10, 20, 5], [(0, 1), (2, 1)], direction="backward")
    t = table(res)
    assert t["lf"] == [-20, 0, -20] and t["ls"] == [-30, -20, -25]
    assert t["es"] == [-30, -20, -30] and t["tf"] == [0, 0, 5]
    assert res.start.tolist() == [-30, -20, -25]  # scheduled as late as possible
    assert (res.project_start, res.project_finish) == (-30, 0)


def test_backward_scheduling_on_a_calendar():
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    res = cpm([480, 480], [(0, 1)], calendars=[STANDARD], finish=friday, direction="backward")
    assert dates(res, "start") == ["2026-03-05T08:00", "2026-03-06T08:00"]
    assert dates(res, "finish") == ["2026-03-05T17:00", "2026-03-06T17:00"]


# --- calendars --------------------------------------------------------------------------


def test_dates_on_the_project_calendar():
    res = cpm([480, 240, 0], [(0, 1), (1, 2)], calendars=[STANDARD], start=MONDAY)
    d = res.all_dates()
    assert [str(x) for x in d["early_start"]] == [
        "2026-03-02T08:00",
        "2026-03-03T08:00",
        "2026-03-03T12:00",  # a milestone sits at the end of the work before it
    ]
    assert [str(x) for x in d["early_finish"]] == [
        "2026-03-02T17:00",
        "2026-03-03T12:00",
        "2026-03-03T12:00",
    ]
    assert d["start"] is d["early_start"]


def test_time_zone_and_daylight_saving():
    sydney = Calendar.standard(timezone="Australia/Sydney")
    start = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Australia/Sydney"))
    res = cpm([480], calendars=[sydney], start=start)
    assert dates(res, "early_start") == ["2026-03-01T21:00"]
    assert dates(res, "early_finish") == ["2026-03-02T06:00"]
    london = Calendar.standard(timezone="Europe/London")
    start = datetime(2026, 3, 27, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    res = cpm([960], calendars=[london], start=start)  # over the change to BST
    assert dates(res, "early_finish") == ["2026-03-30T16:00"]  # 17:00 BST


def test_holidays_move_the_dates():
    cal = STANDARD.with_country_holidays("GB", [2026])
    start = datetime(2026, 12, 24, 8, 0, tzinfo=UTC)
    res = cpm([960], calendars=[cal], start=start)
    assert dates(res, "early_finish") == ["2026-12-29T17:00"]  # 25, 26 (Sat), 28 off


def test_per_task_calendars():
    always = Calendar.continuous()
    res = cpm([2400, 600, 60], [(0, 1), (1, 2)], calendars=[STANDARD, always],
              start=MONDAY, calendar=[0, 1, 0])  # fmt: skip
    assert dates(res, "early_start") == ["2026-03-02T08:00", "2026-03-06T17:00", "2026-03-09T08:00"]
    assert dates(res, "early_finish") == [
        "2026-03-06T17:00",
        "2026-03-07T03:00",  # Saturday, on the 24-hour calendar
        "2026-03-09T09:00",
    ]
    assert dates(res, "late_start")[1] == "2026-03-08T22:00"
    assert dates(res, "late_finish") == ["2026-03-06T17:00", "2026-03-09T08:00", "2026-03-09T09:00"]
    assert res.total_float.tolist() == [0, 3180, 0]  # 53 hours on B's own calendar
    assert res.free_float.tolist() == [0, 3180, 0]
    assert res.critical.tolist() == [True, False, True]
    # The minute arrays are on the project calendar: B's Saturday maps to Friday's end.
    assert res.early_start.tolist() == [0, 2400, 2400]
    assert res.early_finish.tolist() == [2400, 2400, 2460]
    assert res.project_finish == 2460


@pytest.mark.parametrize(
    ("lag_calendar", "start_b"),
    [("predecessor", "2026-03-09T08:00"), ("successor", "2026-03-09T10:00"),
     ("project", "2026-03-09T10:00")],
)  # fmt: skip
def test_working_lags_count_on_the_chosen_calendar(lag_calendar, start_b):
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    res = cpm([60, 60], [(0, 1, FS, 120)], calendars=[STANDARD, Calendar.continuous()],
              start=friday, calendar=[1, 0], lag_calendar=lag_calendar)  # fmt: skip
    assert dates(res, "early_start") == ["2026-03-06T16:00", start_b]


def test_working_and_instant_models_agree_on_one_calendar():
    links = [(0, 1, SS, 120), (1, 2, FF, -30), (0, 3, SF, 600), (3, 2, FS, 90, ELAPSED)]
    kwargs = {"calendars": [STANDARD], "start": MONDAY}
    a = cpm([480, 300, 200, 960], links, timeline="working", **kwargs)
    b = cpm([480, 300, 200, 960], links, timeline="instant", **kwargs)
    assert table(a) == table(b)
    assert a.all_dates()["late_finish"].tolist() == b.all_dates()["late_finish"].tolist()


# --- errors and reuse -------------------------------------------------------------------


def test_invalid_inputs_name_the_activities():
    with pytest.raises(InvalidNetwork, match="negative duration") as info:
        cpm([10, -1], ids=[3, 4])
    assert info.value.ids == (4,)
    with pytest.raises(InvalidNetwork, match="without a date"):
        cpm([10], constraint=[Constraint.MSO])
    with pytest.raises(InvalidNetwork, match="calendar index"):
        cpm([10], calendars=[STANDARD], start=MONDAY, calendar=[1])
    with pytest.raises(InvalidCalendar, match="start"):
        cpm([10], calendars=[STANDARD])
    with pytest.raises(InvalidCalendar, match="working timeline"):
        cpm([10, 10], calendars=[STANDARD, STANDARD], start=MONDAY, calendar=[0, 1],
            timeline="working")  # fmt: skip
    with pytest.raises(ValueError, match="direction"):
        cpm([10], direction="sideways")


def test_prepared_schedule_reruns_with_other_durations():
    net = compile_network([0, 0, 1, 2], [1, 2, 3, 3], n=4, link_type=[0, 1, 0, 2],
                          lag=[0, 5000, 0, 10], lag_kind=[0, 2, 0, 0])  # fmt: skip
    prep = prepare(net, Activities(duration=[10, 20, 30, 5]))
    # 0 -> 1 (FS), 0 -> 2 (SS, 50 % of 0), 1 -> 3 (FS), 2 -> 3 (FF + 10).
    again = prep.run([40, 20, 30, 5])
    assert again.early_start.tolist() == [0, 40, 20, 60]
    assert again.project_finish == 65
    assert again.critical.tolist() == [True, True, False, True]
    assert prep.run().early_finish.tolist() == prep.run([10, 20, 30, 5]).early_finish.tolist()


def test_the_engine_imports_no_django_and_no_other_pmo_module():
    import subprocess
    import sys

    code = (
        "import sys, pmo.engine.cpm, pmo.engine.calendars, pmo.engine.network, "
        "pmo.engine.errors; "
        "bad = [m for m in sys.modules if m.startswith('django') or "
        "(m.startswith('pmo.') and not m.startswith('pmo.engine'))]; "
        "print(bad); sys.exit(bool(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_long_schedules_grow_the_calendar_range(direction):
    # Twenty years of work on two copies of the standard calendar: the instant model
    # must widen its compiled range (into the past when scheduling backward).
    year = 480 * 250
    links = [(i, i + 1, FS, 600, ELAPSED if i % 2 else WORK) for i in range(19)]
    kwargs = {"direction": direction, "start": MONDAY, "finish": MONDAY}
    a = cpm([year] * 20, links, calendars=[STANDARD], **kwargs)
    b = cpm([year] * 20, links, calendars=[STANDARD, STANDARD], calendar=[0, 1] * 10, **kwargs)
    assert table(a) == table(b)
    assert a.all_dates()["late_finish"].tolist() == b.all_dates()["late_finish"].tolist()
    # 2,400,000 minutes of work and 6,000 of working lags, 2,400 a week, are 7,017.5
    # days; each of the 9 elapsed lags adds at most a weekend.
    span = (a.dates("finish")[-1] - a.dates("start")[0]) / np.timedelta64(1, "D")
    assert 7017 <= span <= 7017.5 + 9 * 3


def test_defaults_of_inputs_not_given_are_shared_and_left_untouched():
    # Constraints, deadlines, progress and calendars not given are constant arrays
    # shared between schedules of the same size: no schedule may write into them.
    net = compile_network([0, 1], [1, 2], n=3)
    first = prepare(net, Activities(duration=[60, 0, 30]), calendars=[STANDARD], start=MONDAY)
    second = prepare(net, Activities(duration=[10, 20, 30]))
    assert first.run().early_finish.tolist() == [60, 60, 90]
    for a, b in zip(first._act[2:], second._act[2:], strict=True):
        assert a is b
    second.run(remaining=[5, 5, 5])
    assert [int(np.count_nonzero(a)) for a in first._act[2:]] == [0, 0, 0, 3, 0, 0, 0]
    assert first._act[5][0] > 2**60  # no deadline: the largest value
