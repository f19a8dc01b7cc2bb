"""The genetic algorithm: optimum on small instances, determinism, budgets, properties."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.rcpsp import (
    GaParams,
    InfeasibleLeveling,
    Instance,
    check_schedule,
    genetic_algorithm,
    parallel_sgs,
    parse_sm,
    rule_schedule,
    serial_sgs,
)
from pmo.engine.rcpsp.ga import (
    _back_then_forward,
    _critical_moves,
    _forward_then_back,
    _mirror,
    _parallel_rate,
)
from pmo.engine.rcpsp.instance import compile_instance

from .reference import optimum
from .strategies import projects
from .test_psplib import J301_1

# The LFT rule gives 14 here; the optimum is 11.
TRAP = Instance(
    durations=[3, 1, 3, 4, 4, 2],
    demands=[[0, 1], [2, 0], [1, 2], [2, 1], [2, 1], [2, 2]],
    capacity=[3, 3],
    edges=[(0, 1), (0, 3), (3, 5)],
)


def test_reaches_the_optimum_where_the_lft_rule_does_not():
    assert optimum(TRAP) == 11
    lft = rule_schedule(TRAP, "LFT")
    assert int((lft + TRAP.durations).max()) == 14
    result = genetic_algorithm(TRAP, schedules=500, seed=0)
    assert result.makespan == 11
    assert result.violation == 0
    assert check_schedule(TRAP, result.start) == ()


def test_optimum_with_a_capacity_profile_and_a_fixed_activity():
    # Capacity drops to 1 in periods 2-4; activity 4 is in progress at 0-2.
    inst = Instance(
        durations=[3, 1, 3, 4, 2, 2],
        demands=[[0, 1], [2, 0], [1, 2], [2, 1], [1, 1], [2, 2]],
        capacity=[[3, 3, 1, 1, 1, 3], [3, 3, 3, 3, 3, 3]],
        edges=[(0, 1), (0, 3), (3, 5)],
        fixed_start=[-1, -1, -1, -1, 0, -1],
    )
    expected = optimum(inst)
    result = genetic_algorithm(inst, schedules=600, seed=0)
    assert result.makespan == expected == 12
    assert result.start[4] == 0
    assert check_schedule(inst, result.start) == ()


def test_same_seed_same_schedule():
    a = genetic_algorithm(TRAP, schedules=300, seed=42)
    b = genetic_algorithm(TRAP, schedules=300, seed=42)
    c = genetic_algorithm(TRAP, schedules=300, seed=np.random.default_rng(42))
    assert a.start.tolist() == b.start.tolist() == c.start.tolist()
    assert a.schedules == b.schedules == c.schedules


@pytest.mark.parametrize("budget", [1, 2, 3, 7, 100, 1001])
def test_budget_is_never_exceeded(budget):
    # No early stop: the critical path (6) is below every schedule's makespan.
    result = genetic_algorithm(TRAP, schedules=budget, seed=1)
    assert 1 <= result.schedules <= budget
    assert check_schedule(TRAP, result.start) == ()


def test_full_budget_is_used_when_the_bound_is_out_of_reach():
    assert genetic_algorithm(TRAP, schedules=1001, seed=1).schedules >= 1001 - 2


def test_stops_at_the_lower_bound():
    inst = Instance(durations=[2, 2], demands=[[1], [1]], capacity=[2], edges=[])
    result = genetic_algorithm(inst, schedules=5000, seed=0)
    assert result.makespan == 2
    assert result.schedules < 200


def test_time_limit_stops_the_search():
    t0 = time.perf_counter()
    result = genetic_algorithm(TRAP, schedules=10**9, time_limit=0.2, seed=0)
    assert time.perf_counter() - t0 < 1.5
    assert result.schedules < 10**9
    assert result.makespan == 11


def test_leveling_priority_breaks_ties():
    # Both orders finish at 5; the higher leveling priority goes first.
    inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[], priority=[0, 9])
    assert genetic_algorithm(inst, schedules=100, seed=0).start.tolist() == [3, 0]
    inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[], priority=[9, 0])
    assert genetic_algorithm(inst, schedules=100, seed=0).start.tolist() == [0, 2]


def test_unmeetable_fixed_successor_is_reported_as_violation():
    # 0 and 1 both need the only unit for 2 periods and must finish before 2 starts
    # at 3: one of them is late by 1.
    inst = Instance(
        durations=[2, 2, 1],
        demands=[[1], [1], [0]],
        capacity=[1],
        edges=[(0, 2), (1, 2)],
        fixed_start=[-1, -1, 3],
    )
    result = genetic_algorithm(inst, schedules=100, seed=0)
    assert (result.makespan, result.violation) == (4, 1)


def test_no_room_in_the_profile_raises():
    inst = Instance(durations=[2, 2], demands=[[2], [2]], capacity=[[2, 2, 1]], edges=[])
    with pytest.raises(InfeasibleLeveling):
        genetic_algorithm(inst, schedules=50, seed=0)


def test_params_are_honoured():
    single = GaParams(population=4, p_peak=0.0, p_cross=0.0, uniform=0.0, p_perturb=0.0)
    result = genetic_algorithm(TRAP, schedules=400, seed=3, params=single)
    assert result.makespan >= 11
    assert check_schedule(TRAP, result.start) == ()


@settings(max_examples=40, deadline=None)
@given(projects(max_n=6))
def test_feasible_never_below_the_optimum_never_worse_than_lft(inst):
    result = genetic_algorithm(inst, schedules=300, seed=5)
    lft = rule_schedule(inst, "LFT")
    assert check_schedule(inst, result.start) == ()
    assert result.violation == 0
    assert optimum(inst) <= result.makespan <= int((lft + inst.durations).max())


@pytest.mark.parametrize(("fresh", "stable"), [(False, False), (True, False), (False, True)])
def test_variants_reach_the_optimum_of_j301_1(fresh, stable):
    # The two populations (constant capacity, nothing fixed) with each way of
    # rewriting lists from schedules.
    inst = parse_sm(J301_1).instance
    params = GaParams(fresh=fresh, stable=stable)
    result = genetic_algorithm(inst, schedules=1000, seed=0, params=params)
    assert result.makespan == 43
    assert result.schedules <= 1000
    assert check_schedule(inst, result.start) == ()


def test_same_seed_same_schedule_with_two_populations():
    inst = parse_sm(J301_1).instance
    a = genetic_algorithm(inst, schedules=700, seed=9, lower_bound=0)
    b = genetic_algorithm(inst, schedules=700, seed=9, lower_bound=0)
    assert a.start.tolist() == b.start.tolist()
    assert a.schedules == b.schedules
    assert 700 - 2 <= a.schedules <= 700


@settings(max_examples=40, deadline=None)
@given(projects(max_n=7, varying=False, fixed=False), st.booleans(), st.booleans())
def test_lists_stay_precedence_feasible_with_ties(inst, fresh, stable):
    # Zero durations and lags give activities that start or end together with their
    # predecessors: the rewritten lists must still put predecessors first, or the
    # decoded schedules would break precedence.
    params = GaParams(population=6, fresh=fresh, stable=stable)
    result = genetic_algorithm(inst, schedules=150, seed=2, params=params)
    assert check_schedule(inst, result.start) == ()
    assert result.schedules <= 150
    assert optimum(inst) <= result.makespan


def _critical(inst, order, start, right, moves=1, seed=0):
    c = compile_instance(inst)
    order = np.array(order, dtype=np.int64)
    work = [np.empty(c.n, dtype=np.int64) for _ in range(4)]
    rng = np.random.default_rng(seed)
    _critical_moves(c, order, np.array(start, dtype=np.int64), right, rng, moves, *work)
    return order.tolist()


def test_critical_move_puts_the_blocked_activity_before_its_blocker():
    # One unit: 1 waits for 0 on the resource, so 1 goes first in the list; read
    # from the end (a right list, latest finish first), 0 waits for 1 the same way.
    inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[])
    assert _critical(inst, [0, 1], [0, 2], right=False) == [1, 0]
    assert _critical(inst, [1, 0], [0, 2], right=True) == [0, 1]


def test_critical_move_leaves_a_precedence_chain_alone():
    # 1 waits for its predecessor 0, not for a resource: nothing to move.
    inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[2], edges=[(0, 1)])
    assert _critical(inst, [0, 1], [0, 2], right=False) == [0, 1]
    assert _critical(inst, [1, 0], [0, 2], right=True) == [1, 0]


@settings(max_examples=60, deadline=None)
@given(projects(max_n=7, varying=False, fixed=False), st.booleans(), st.integers(1, 4))
def test_critical_moves_keep_lists_precedence_feasible(inst, right, moves):
    # Moves on the list of a schedule (by start, or latest finish first) keep every
    # predecessor before its successors (after them on a right list).
    c = compile_instance(inst)
    order = c.topo.copy()
    start = serial_sgs(inst, order)
    key = -(start + c.dur) * c.n - c.rank if right else start * c.n + c.rank
    order = np.argsort(key, kind="stable")
    moved = _critical(inst, order, start, right, moves=moves, seed=moves)
    assert sorted(moved) == list(range(c.n))
    listed = moved[::-1] if right else moved
    serial_sgs(inst, listed)  # raises if a predecessor comes after its successor


@settings(max_examples=30, deadline=None)
@given(projects(max_n=7), st.integers(0, 3))
def test_converged_search_with_critical_moves_is_feasible_and_within_budget(inst, critical):
    # Everything counts as converged here, so most children are moved copies.
    params = GaParams(population=4, converged_gap=10**6, p_perturb=1.0, critical=critical)
    result = genetic_algorithm(inst, schedules=120, seed=3, params=params)
    again = genetic_algorithm(inst, schedules=120, seed=3, params=params)
    assert check_schedule(inst, result.start) == ()
    assert result.schedules <= 120
    assert result.start.tolist() == again.start.tolist()
    assert optimum(inst) <= result.makespan


def _decode(inst, order, right, parallel):
    # Decodes a list as the GA does, with its justification pass: (makespan of the
    # decoded list, of the justified twin, decoded starts, justified starts).
    c = compile_instance(inst)
    n = c.n
    order = np.array(order, dtype=np.int64)
    decoded, twin, relisted = (np.empty(n, dtype=np.int64) for _ in range(3))
    scratch = np.empty((3, n), dtype=np.int64)
    avail = c.base_avail.copy()
    if right:
        mk, other = _back_then_forward(c, _mirror(c), order, decoded, twin, relisted, avail,
                                       True, parallel, scratch)  # fmt: skip
    else:
        mk, other = _forward_then_back(c, order, decoded, twin, relisted, avail, True, parallel,
                                       scratch)  # fmt: skip
    assert (avail == c.base_avail).all()  # the work array is left as it was found
    return int(mk), int(other), decoded, twin


# Two units. In the list 0, 1, 2 the serial SGS keeps 1 (both units) waiting for 0
# and puts 2 after 1; the parallel one starts 2 beside 0, where it fits, because it
# never leaves a resource idle that an eligible activity could use.
GREEDY = Instance(durations=[2, 2, 4], demands=[[1], [2], [1]], capacity=[2], edges=[])


def test_parallel_decoding_of_a_left_list_is_its_non_delay_schedule():
    mk, _, start, _ = _decode(GREEDY, [0, 1, 2], right=False, parallel=False)
    assert (mk, start.tolist()) == (8, [0, 2, 4])
    mk, back, start, twin = _decode(GREEDY, [0, 1, 2], right=False, parallel=True)
    assert (mk, start.tolist()) == (6, [0, 4, 0])
    assert start.tolist() == parallel_sgs(GREEDY, [0, 1, 2]).tolist()
    assert back <= mk
    assert check_schedule(GREEDY, twin) == ()


def test_parallel_decoding_of_a_right_list_runs_on_the_mirrored_network():
    # A right list names the last activity first. Decoded in parallel, it is the
    # non-delay schedule of the network with every link reversed, read backwards.
    inst = parse_sm(J301_1).instance
    c = compile_instance(inst)
    start = serial_sgs(inst, c.topo)
    right = np.argsort(-(start + c.dur) * c.n - c.rank, kind="stable")  # latest finish first
    back, mk, bstart, fstart = _decode(inst, right, right=True, parallel=True)
    mirrored = Instance(durations=inst.durations, demands=inst.demands, capacity=inst.capacity,
                        edges=inst.edges[:, ::-1])  # fmt: skip
    key = np.empty(c.n, dtype=np.int64)
    key[right] = np.arange(c.n)
    reverse = parallel_sgs(mirrored, key)
    assert back == int((reverse + c.dur).max())
    assert bstart.tolist() == (back - reverse - c.dur).tolist()
    assert check_schedule(inst, bstart) == ()
    assert check_schedule(inst, fstart) == ()
    assert mk <= back


@settings(max_examples=40, deadline=None)
@given(projects(max_n=7, varying=False, fixed=False), st.sampled_from([0.0, 0.5, 1.0]))
def test_search_with_parallel_decoding_is_feasible_and_within_budget(inst, p_parallel):
    params = GaParams(population=6, p_parallel=p_parallel, parallel_until=1.0)
    result = genetic_algorithm(inst, schedules=150, seed=4, params=params)
    assert check_schedule(inst, result.start) == ()
    assert result.schedules <= 150
    assert optimum(inst) <= result.makespan


def test_parallel_rate_falls_linearly_to_none_at_its_share_of_the_budget():
    params = GaParams(p_parallel=0.8, parallel_until=0.5)
    rates = [_parallel_rate(params, used, 1000) for used in (0, 125, 250, 375, 500, 900)]
    assert rates == pytest.approx([0.8, 0.6, 0.4, 0.2, 0.0, 0.0], abs=1e-12)
    assert _parallel_rate(GaParams(parallel_until=0.0), 0, 1000) == 0.0


def test_parallel_decoding_stops_after_its_share_of_the_budget():
    # The random stream is drawn the same way whether a child is decoded in parallel
    # or not, so a search that may decode in parallel for none of its budget is the
    # serial search itself, and one that may for all of it is not (a random project
    # of 30 activities on two tight resources, where a small budget does not settle).
    rng = np.random.default_rng(0)
    n = 30
    edges = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.06]
    inst = Instance(durations=rng.integers(1, 10, n), demands=rng.integers(0, 7, (n, 2)),
                    capacity=[10, 10], edges=edges)  # fmt: skip

    def run(p_parallel, until):
        params = GaParams(population=10, p_parallel=p_parallel, parallel_until=until)
        return genetic_algorithm(inst, schedules=200, seed=5, params=params, lower_bound=0)

    serial = run(0.0, 1.0)
    assert run(1.0, 0.0).start.tolist() == serial.start.tolist()
    assert run(1.0, 1.0).start.tolist() != serial.start.tolist()
