"""The Monte Carlo lanes schedule exactly as one CPM run per iteration would."""

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.calendars import Calendar
from pmo.engine.cpm import Activities, prepare
from pmo.engine.network import compile_network
from pmo.engine.risk import passes
from pmo.engine.risk.draws import FIXED

HOLIDAYS = Calendar.standard(timezone="Europe/London").with_country_holidays("GB", [2026, 2027])
NIGHTS = Calendar(week=tuple(((1200, 1440),) for _ in range(7)))
START = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)


def replay(prep, rows, watch):
    """Finishes, watched finishes and critical counts of the lanes for given durations."""
    n = prep.network.n
    iterations = rows.shape[0]
    rank = prep.network.rank.astype(np.int64)
    none = np.zeros(n)
    params = (np.full(n, FIXED, dtype=np.int64), none, none, none, none, none, none, none)
    finish = np.empty(iterations, dtype=np.int64)
    watched = np.empty((iterations, len(watch)), dtype=np.int64)
    out = (finish, watched, np.empty((iterations, 0), dtype=np.int64), np.empty(0, np.int64))
    empty = np.zeros(0, dtype=np.int64)
    no_risks = (np.zeros(1, dtype=np.int64), empty, np.zeros((iterations, 0), dtype=np.int64))
    watch_at = rank[np.asarray(watch, dtype=np.int64)]
    # Every activity's duration comes from the rows, in label order.
    every = (rank[np.arange(n)], rows)
    counts = prep.replay(
        passes.run, np.uint64(1), 0, iterations, params, every, no_risks, watch_at, empty,
        np.zeros(0), np.zeros(0), out, 2,
    )  # fmt: skip
    return finish, watched, prep.network.from_labels(counts)


def single(prep, rows, watch):
    """The same figures from one full schedule per row."""
    finishes, watched, counts = [], [], np.zeros(prep.network.n, dtype=np.int64)
    for row in rows:
        res = prep.run(row)
        if prep.mode == 0:
            finishes.append(res.project_finish)
            watched.append(res.early_finish[watch].tolist())
        else:
            ef = res.instants("early_finish")
            finishes.append(int(ef.max()))
            watched.append(ef[watch].tolist())
        counts += res.critical
    return finishes, watched, counts.tolist()


@st.composite
def cases(draw):
    n = draw(st.integers(1, 14))
    perm = draw(st.permutations(range(n)))
    raw = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = []
    for a, b in raw:
        if a == b:
            continue
        kind = draw(st.sampled_from([0, 1, 2, 3]))
        lag = draw(st.integers(-600, 2400) if kind in (0, 1) else st.integers(-5000, 15000))
        links.append((perm[min(a, b)], perm[max(a, b)], draw(st.integers(0, 3)), lag, kind))
    # Up to a few more than two blocks of lanes: full, partial and several blocks.
    iterations = draw(st.integers(1, 2 * passes.LANES + 5))
    rows = draw(
        st.lists(
            st.lists(st.integers(0, 2400), min_size=n, max_size=n),
            min_size=iterations,
            max_size=iterations,
        )
    )
    kinds = [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]
    ctype = draw(st.lists(st.sampled_from(kinds), min_size=n, max_size=n))
    cdate = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    deadline = draw(st.lists(st.sampled_from([None, 3, 6, 20]), min_size=n, max_size=n))
    several = draw(st.booleans())
    calendar = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)) if several else None
    threshold = draw(st.sampled_from([0, 0, 120]))
    watch = draw(st.lists(st.integers(0, n - 1), max_size=3))
    return (
        n,
        links,
        np.array(rows, dtype=np.int64),
        ctype,
        cdate,
        deadline,
        calendar,
        threshold,
        watch,
    )


def _day(k):
    return None if k is None else START + timedelta(days=k, hours=4)


@settings(max_examples=120, deadline=None)
@given(cases())
def test_lanes_equal_one_schedule_per_iteration(case):
    n, links, rows, ctype, cdate, deadline, calendar, threshold, watch = case
    net = compile_network(
        [lk[0] for lk in links], [lk[1] for lk in links], n=n,
        link_type=[lk[2] for lk in links], lag=[lk[3] for lk in links],
        lag_kind=[lk[4] for lk in links],
    )  # fmt: skip
    acts = Activities(
        duration=rows[0],
        calendar=calendar,
        constraint=ctype,
        constraint_date=[_day(c) if t >= 2 else None for t, c in zip(ctype, cdate, strict=True)],
        deadline=[_day(d) for d in deadline],
    )
    cals = [HOLIDAYS, NIGHTS] if calendar is not None else [HOLIDAYS]
    prep = prepare(net, acts, calendars=cals, start=START, critical_threshold=threshold)
    lanes = replay(prep, rows, watch)
    assert lanes[0].tolist() == single(prep, rows, watch)[0]
    assert lanes[1].tolist() == single(prep, rows, watch)[1]
    assert lanes[2].tolist() == single(prep, rows, watch)[2]


def test_lanes_keep_progress_fixed_and_schedule_remaining_work_from_the_status_date():
    # 0 finished, 1 started (a row gives its remaining work), 2 not started, after 1.
    net = compile_network([0, 1], [1, 2], n=3)
    progress = dict(
        actual_start=[datetime(2026, 12, 21, 8, 0, tzinfo=UTC),
                      datetime(2026, 12, 22, 8, 0, tzinfo=UTC), None],
        actual_finish=[datetime(2026, 12, 21, 17, 0, tzinfo=UTC), None, None],
    )  # fmt: skip
    options = dict(
        calendars=[HOLIDAYS], start=START, status_date=datetime(2026, 12, 23, 8, 0, tzinfo=UTC)
    )
    prep = prepare(net, Activities(duration=[480, 960, 480], **progress), **options)
    rows = np.array([[480, 60, 480], [480, 600, 120], [480, 0, 0]], dtype=np.int64)
    finish, watched, counts = replay(prep, rows, [1])
    expected_finish, expected_watched = [], []
    expected_counts = np.zeros(3, dtype=np.int64)
    for row in rows:
        acts = Activities(duration=row, remaining=row, **progress)
        res = prepare(net, acts, **options).run()
        expected_finish.append(res.project_finish)
        expected_watched.append([res.early_finish[1]])
        expected_counts += res.critical
    assert finish.tolist() == expected_finish
    assert watched.tolist() == expected_watched
    # The finished activity is never critical; the others always are.
    assert counts.tolist() == expected_counts.tolist() == [0, 3, 3]


def test_the_kernels_can_be_cached_on_disk():
    # A kernel that reads a ctypes pointer (numba.get_num_threads() inside it, say)
    # cannot be cached and would be compiled again, for seconds, in every process.
    from pmo.engine.risk import simulation

    net = compile_network([0], [1], n=2)
    prep = prepare(net, Activities(duration=[600, 600]))
    est = simulation.Estimates([600, 600], [500, 500], [900, 800], [1, 3])
    simulation.simulate(prep, est, iterations=50, seed=1, costs=[1, 1])
    for kernel in (passes.run, simulation._rank_correlations):
        assert kernel.overloads
        for compiled in kernel.overloads.values():
            assert not compiled.library.has_dynamic_globals, kernel.__name__
