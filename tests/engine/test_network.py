"""Tests of pmo.engine.network: CSR layout, topological labels, cycles, WBS roll-up."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.errors import CyclicDependency, EngineError, InvalidNetwork
from pmo.engine.network import (
    LagKind,
    LinkType,
    compile_network,
    index_links,
    rollup,
    wbs_order,
)


def _links_of(net):
    """The network's links as a set of (pred position, succ position, type, lag, kind)."""
    pred = net.order[net.pred]
    succ = net.order[net.succ]
    return {
        (int(p), int(s), int(t), int(g), int(k))
        for p, s, t, g, k in zip(pred, succ, net.link_type, net.lag, net.lag_kind, strict=True)
    }


def test_compile_keeps_every_link_and_orders_topologically():
    pred = [3, 3, 0, 1, 2]
    succ = [0, 1, 2, 2, 4]
    types = [LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF, LinkType.FS]
    lags = [5, -3, 0, 2500, 60]
    kinds = [LagKind.WORKING, LagKind.WORKING, LagKind.ELAPSED, LagKind.PERCENT, 3]
    net = compile_network(pred, succ, ids=[10, 11, 12, 13, 14], link_type=types, lag=lags,
                          lag_kind=kinds)  # fmt: skip
    assert net.n == 5 and net.m == 5
    assert net.order.tolist() == [3, 0, 1, 2, 4]
    assert net.rank[net.order].tolist() == [0, 1, 2, 3, 4]
    assert _links_of(net) == set(zip(pred, succ, types, lags, kinds, strict=True))
    assert net.succ_ptr.tolist() == [0, 2, 3, 4, 5, 5]


def test_every_link_type_and_lag_kind_survives_with_the_extreme_int32_lags():
    # The layout packs lag, type, kind and successor into one word per link.
    combos = [(t, k) for t in LinkType for k in LagKind]
    n = len(combos) + 1
    pred = list(range(len(combos)))
    succ = [len(combos)] * len(combos)
    lags = [(-(2**31) + 1) if i % 3 == 0 else (2**31 - 1 if i % 3 == 1 else -1) for i in pred]
    net = compile_network(pred, succ, n=n, link_type=[t for t, _ in combos], lag=lags,
                          lag_kind=[k for _, k in combos])  # fmt: skip
    expected = {
        (p, n - 1, int(t), g, int(k)) for p, (t, k), g in zip(pred, combos, lags, strict=True)
    }
    assert _links_of(net) == expected


def test_labels_round_trip():
    net = compile_network([2, 0], [0, 1], n=3)
    values = np.array([100, 200, 300])
    assert net.to_labels(values).tolist() == [300, 100, 200]
    assert net.from_labels(net.to_labels(values)).tolist() == values.tolist()


@st.composite
def dags(draw):
    n = draw(st.integers(1, 40))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=120))
    perm = draw(st.permutations(range(n)))
    links = [(perm[min(a, b)], perm[max(a, b)]) for a, b in pairs if a != b]
    return n, links


@settings(max_examples=60, deadline=None)
@given(dags())
def test_random_shuffled_dags_get_a_topological_order(case):
    n, links = case
    pred = [a for a, _ in links]
    succ = [b for _, b in links]
    net = compile_network(np.asarray(pred, dtype=np.int64), np.asarray(succ, dtype=np.int64), n=n)
    assert sorted(net.order.tolist()) == list(range(n))
    for a, b in links:
        assert net.rank[a] < net.rank[b]
    assert len(_links_of(net)) == len(set(links))
    assert net.m == len(links)


def test_cycle_is_named_in_dependency_order():
    # 0 -> 1 -> 2 -> 3 -> 1, plus a tail 3 -> 4 and an unrelated 5
    with pytest.raises(CyclicDependency) as info:
        compile_network([0, 1, 2, 3, 3], [1, 2, 3, 1, 4], ids=[100, 101, 102, 103, 104, 105])
    err = info.value
    assert err.cycle == (101, 102, 103)
    assert err.ids == (101, 102, 103)
    assert str(err) == "cyclic dependency: 101 -> 102 -> 103 -> 101"
    assert isinstance(err, EngineError)


def test_self_loop_is_a_cycle_of_one():
    with pytest.raises(CyclicDependency) as info:
        compile_network([0, 1], [1, 1], ids=[7, 8])
    assert info.value.cycle == (8,)


@settings(max_examples=40, deadline=None)
@given(dags(), st.data())
def test_any_cycle_reported_is_a_real_cycle(case, data):
    n, links = case
    if not links:
        return
    a, b = data.draw(st.sampled_from(links))
    links = [*links, (b, a)]  # closes at least one cycle
    ids = np.arange(n) * 10 + 1
    with pytest.raises(CyclicDependency) as info:
        compile_network([x for x, _ in links], [y for _, y in links], ids=ids)
    cycle = [int(i) // 10 for i in info.value.cycle]
    assert len(set(cycle)) == len(cycle)
    edges = set(links)
    for x, y in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
        assert (x, y) in edges


@pytest.mark.parametrize(
    ("kwargs", "message", "bad"),
    [
        ({"pred": [0, 5], "succ": [1, 1]}, "pred out of range", (1,)),
        ({"pred": [0, 1], "succ": [1, -1]}, "succ out of range", (1,)),
        ({"pred": [0], "succ": [1], "link_type": [4]}, "link_type out of range", (0,)),
        ({"pred": [0], "succ": [1], "lag_kind": [-1]}, "lag_kind out of range", (0,)),
        ({"pred": [0], "succ": [1], "lag": [2**40]}, "lag beyond int32", (0,)),
    ],
)
def test_invalid_links_name_the_offending_positions(kwargs, message, bad):
    with pytest.raises(InvalidNetwork, match=message) as info:
        compile_network(n=3, **kwargs)
    assert info.value.ids == bad


def _big_chain_links(n, rng):
    """Links of a shuffled chain through ``n`` activities, as (positions, pred, succ)."""
    pos = rng.permutation(n)
    return pos, pos[:-1].copy(), pos[1:].copy()


def test_large_networks_laid_out_by_two_threads_keep_every_link_in_order():
    # From PARALLEL_MIN activities each half of the links is laid out by its own
    # thread; the labels must still be the one order a chain allows.
    n = 60_000
    rng = np.random.default_rng(5)
    pos, pred, succ = _big_chain_links(n, rng)
    extra = rng.integers(0, n - 1, 30_000)  # skip links along the chain
    skip = np.minimum(extra + rng.integers(2, 50, extra.size), n - 1)
    pred = np.concatenate((pred, pos[extra]))
    succ = np.concatenate((succ, pos[skip]))
    types = rng.integers(0, 4, pred.size)
    lags = rng.integers(-(2**31) + 1, 2**31, pred.size)
    kinds = rng.integers(0, 4, pred.size)
    net = compile_network(pred, succ, n=n, link_type=types, lag=lags, lag_kind=kinds)
    assert net.order.tolist() == pos.tolist()
    assert _links_of(net) == set(zip(pred.tolist(), succ.tolist(), types.tolist(),
                                     lags.tolist(), kinds.tolist(), strict=True))  # fmt: skip
    # Each activity's links keep their input order (thread 0's half before thread 1's).
    by_label = np.argsort(net.rank[pred], kind="stable")
    assert net.lag.tolist() == lags[by_label].tolist()


@pytest.mark.parametrize(
    ("field", "where", "value", "message"),
    [
        ("pred", "first", -1, "pred out of range"),
        ("succ", "last", 60_000, "succ out of range"),
        ("link_type", "last", 7, "link_type out of range"),
        ("lag_kind", "first", 9, "lag_kind out of range"),
        ("lag", "last", 2**33, "lag beyond int32"),
    ],
)
def test_invalid_links_of_large_networks_are_named_whichever_half_they_are_in(
    field, where, value, message
):
    n = 60_000
    _pos, pred, succ = _big_chain_links(n, np.random.default_rng(6))
    arrays = {
        "pred": pred, "succ": succ, "link_type": np.zeros(pred.size, dtype=np.int64),
        "lag": np.zeros(pred.size, dtype=np.int64),
        "lag_kind": np.zeros(pred.size, dtype=np.int64),
    }  # fmt: skip
    at = 0 if where == "first" else pred.size - 1
    arrays[field][at] = value
    with pytest.raises(InvalidNetwork, match=message) as info:
        compile_network(n=n, **arrays)
    assert info.value.ids == (at,)


def test_a_cycle_in_a_large_network_is_found():
    n = 60_000
    pos, pred, succ = _big_chain_links(n, np.random.default_rng(7))
    pred = np.append(pred, pos[-1])
    succ = np.append(succ, pos[-3])
    with pytest.raises(CyclicDependency) as info:
        compile_network(pred, succ, n=n)
    cycle = pos[-3:].tolist()  # in dependency order, named from its smallest id
    first = cycle.index(min(cycle))
    assert info.value.cycle == tuple(cycle[first:] + cycle[:first])


_FORK_SCRIPT = """
import os
import numpy as np
from pmo.engine.cpm import Activities, schedule
from pmo.engine.network import compile_network

n = 60_000
rng = np.random.default_rng(8)
pos = rng.permutation(n)
dur = rng.integers(1, 500, n)

def run():
    net = compile_network(pos[:-1], pos[1:], n=n)
    res = schedule(net, Activities(duration=dur))
    return res.early_finish, res.free_float

before = run()  # two threads in this process
pid = os.fork()
if pid == 0:
    after = run()
    same = all(np.array_equal(a, b) for a, b in zip(before, after))
    os._exit(0 if same else 3)
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status))
"""


def test_a_forked_child_schedules_large_networks_too():
    # GNU OpenMP terminates a forked child that uses it after its parent did: the
    # child must fall back to one thread, not die (it did, with status 15).
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _FORK_SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "child 0", out.stdout + out.stderr


_LAYOUT_SCRIPT = """
import numpy as np
from pmo.engine import network

n = 60_000
pos = np.random.default_rng(9).permutation(n)
rec = np.empty(n - 1, dtype=np.int64)
zeros = np.zeros(n - 1, dtype=np.int8)
lags = np.zeros(n - 1, dtype=np.int64)
bad, ptr, indeg = network._layout(n, pos[:-1], pos[1:], zeros, lags, zeros, rec, True)
print(bad, int(indeg.sum()))
"""


def test_cached_kernels_survive_a_partial_recompile(tmp_path):
    # numba writes a broken cache entry for a jitted caller compiled in a process that
    # loaded its parallel callee from the cache (the next process to load the caller
    # crashed). The two-thread helpers are therefore never cached: callers always
    # compile them along with themselves.
    import os
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}

    def layout():
        return subprocess.run(
            [sys.executable, "-c", _LAYOUT_SCRIPT], env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip

    assert layout().stdout.split() == ["-1", "59999"]
    for entry in tmp_path.rglob("network._layout-*"):
        entry.unlink()  # the caller alone is compiled again, next to its cached callees
    for _ in range(2):
        out = layout()
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.split() == ["-1", "59999"]


def test_invalid_shapes_and_types():
    with pytest.raises(InvalidNetwork, match="shape"):
        compile_network([0, 1], [1], n=3)
    with pytest.raises(InvalidNetwork, match="integers"):
        compile_network([0.5], [1], n=3)
    with pytest.raises(InvalidNetwork, match="give n or ids"):
        compile_network([0], [1])


def test_a_network_beyond_the_packed_successor_bits_is_refused_before_allocating():
    # 2**40 activities would take 8 TiB of ids: the count is checked first.
    with pytest.raises(InvalidNetwork, match=r"1099511627776 activities: .* 2\*\*28 - 1"):
        compile_network([0], [1], n=2**40)
    with pytest.raises(InvalidNetwork, match=r"268435456 activities"):
        compile_network([0], [1], n=2**28)  # the first count whose successors need 29 bits
    with pytest.raises(InvalidNetwork, match=r"-1 activities"):
        compile_network([], [], n=-1)


def test_empty_network():
    net = compile_network([], [], n=0)
    assert net.n == 0 and net.m == 0 and net.order.tolist() == []


def test_index_links_maps_ids_to_positions():
    pred, succ = index_links([30, 10, 20], [10, 20, 10], [20, 30, 30])
    assert pred.tolist() == [1, 2, 1]
    assert succ.tolist() == [2, 0, 0]
    with pytest.raises(InvalidNetwork, match="unknown activity ids") as info:
        index_links([30, 10], [10, 99], [30, 30])
    assert info.value.ids == (99,)
    with pytest.raises(InvalidNetwork, match="duplicate"):
        index_links([1, 2, 1], [1], [2])


def test_wbs_order_puts_children_first():
    parent = [-1, 0, 1, 1, 0, 4]
    order = wbs_order(parent).tolist()
    pos = {node: i for i, node in enumerate(order)}
    for child, par in enumerate(parent):
        if par >= 0:
            assert pos[child] < pos[par]


def test_rollup_of_dates_work_cost_and_percent_complete():
    # 0 project; 1 and 4 summaries; 2, 3, 5 tasks
    parent = [-1, 0, 1, 1, 0, 4]
    start = [0, 0, 480, 960, 0, 1440]
    finish = [0, 0, 960, 2400, 0, 1920]
    assert rollup(parent, start, "min").tolist() == [480, 480, 480, 960, 1440, 1440]
    assert rollup(parent, finish, "max").tolist() == [2400, 2400, 960, 2400, 1920, 1920]
    cost = np.array([0, 0, 12_500, 7_501, 0, 100], dtype=np.int64)  # integer cents
    summed = rollup(parent, cost)
    assert summed.dtype == np.int64
    assert summed.tolist() == [20_101, 20_001, 12_500, 7_501, 100, 100]
    pct = [0.0, 0.0, 100.0, 50.0, 0.0, 0.0]
    work = [0, 0, 480, 1440, 0, 480]
    rolled = rollup(parent, pct, "mean", weights=work)
    assert rolled.tolist() == pytest.approx([50.0, 62.5, 100.0, 50.0, 0.0, 0.0])


def test_rollup_rejects_loops_and_bad_parents():
    with pytest.raises(InvalidNetwork, match="loop"):
        rollup([1, 2, 0], [1, 2, 3])
    with pytest.raises(InvalidNetwork, match="out of range"):
        rollup([-1, 5], [1, 2])
    with pytest.raises(ValueError, match="how"):
        rollup([-1, 0], [1, 2], "median")  # type: ignore[arg-type]
