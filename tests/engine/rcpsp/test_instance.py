"""Instance validation, compilation, the feasibility checker and resource usage."""

import numpy as np
import pytest

from pmo.engine.errors import CyclicDependency, EngineError, InfeasibleSchedule, InvalidNetwork
from pmo.engine.rcpsp import (
    InfeasibleLeveling,
    Instance,
    InvalidInstance,
    Violation,
    check_schedule,
    resource_usage,
)
from pmo.engine.rcpsp.instance import compile_instance


def test_inputs_become_read_only_int64_arrays():
    inst = Instance(durations=[2.0, 1], demands=[[1], [0]], capacity=[3], edges=[(0, 1)])
    assert inst.durations.dtype == np.int64
    assert inst.capacity.shape == (1, 1)
    assert inst.lags.tolist() == [0]
    assert inst.fixed_start.tolist() == [-1, -1]
    assert inst.release.tolist() == [0, 0]
    assert inst.priority.tolist() == [0, 0]
    with pytest.raises(ValueError):
        inst.durations[0] = 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"durations": [1, -1]}, "durations must be non-negative"),
        ({"durations": [1.5, 1]}, "durations must hold integers"),
        ({"demands": [[1, 0], [0, 0]]}, "demands must have shape (2, 1), got (2, 2)"),
        ({"edges": [(0, 2)]}, "edges refer to activities outside 0..n-1"),
        ({"lags": [-1]}, "lags must be non-negative"),
        ({"lags": [1, 1]}, "lags must have length 1, got 2"),
        ({"release": [0, -2]}, "release must be non-negative"),
        ({"fixed_start": [-3, 0]}, "fixed_start must be -1 (free) or a period >= 0"),
        ({"capacity": [[]]}, "capacity profile must cover at least one period"),
    ],
)
def test_malformed_instances_are_rejected(kwargs, message):
    base = {"durations": [1, 1], "demands": [[1], [1]], "capacity": [1], "edges": [(0, 1)]}
    with pytest.raises(InvalidInstance) as err:
        Instance(**(base | kwargs))
    assert str(err.value) == message


def test_self_loop_names_the_activity():
    with pytest.raises(InvalidInstance) as err:
        Instance(durations=[1, 1], demands=[[0], [0]], capacity=[1], edges=[(1, 1)])
    assert err.value.activities == (1,)


def test_cycle_is_named_from_its_smallest_activity():
    inst = Instance(
        durations=[1, 1, 1, 1],
        demands=[[0]] * 4,
        capacity=[1],
        edges=[(0, 1), (1, 2), (2, 3), (3, 1)],
    )
    with pytest.raises(CyclicDependency) as err:
        compile_instance(inst)
    assert err.value.cycle == (1, 2, 3)
    assert str(err.value) == "cyclic dependency: 1 -> 2 -> 3 -> 1"


def test_demand_above_every_capacity_is_infeasible():
    inst = Instance(durations=[1, 2], demands=[[1, 0], [0, 5]], capacity=[[2], [4]], edges=[])
    with pytest.raises(InfeasibleLeveling) as err:
        compile_instance(inst)
    assert (err.value.activities, err.value.resource) == ((1,), 1)


def test_demand_needs_a_long_enough_window_in_the_profile():
    # Two units exist only in periods 0 and 1: enough for two periods, not for three.
    short = Instance(durations=[2], demands=[[2]], capacity=[[2, 2, 1]], edges=[])
    assert compile_instance(short).horizon > 3
    long = Instance(durations=[3], demands=[[2]], capacity=[[2, 2, 1]], edges=[])
    with pytest.raises(InfeasibleLeveling) as err:
        compile_instance(long)
    assert (err.value.activities, err.value.resource) == ((0,), 0)


def test_fixed_start_before_its_predecessor_is_infeasible():
    inst = Instance(
        durations=[3, 1], demands=[[0], [0]], capacity=[1], edges=[(0, 1)], fixed_start=[-1, 2]
    )
    with pytest.raises(InfeasibleLeveling) as err:
        compile_instance(inst)
    assert err.value.activities == (1,)


def test_precedence_only_bounds():
    # 0 -(lag 1)-> 2; 1 is free. Critical path 0, lag, 2: 2 + 1 + 3 = 6.
    inst = Instance(
        durations=[2, 1, 3], demands=[[1], [2], [1]], capacity=[2], edges=[(0, 2)], lags=[1]
    )
    c = compile_instance(inst)
    assert c.es.tolist() == [0, 0, 3]
    assert c.ls.tolist() == [0, 5, 3]
    assert c.cpm_makespan == 6


def test_fixed_successor_sets_a_deadline_and_books_capacity():
    inst = Instance(
        durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[(0, 1)], fixed_start=[-1, 4]
    )
    c = compile_instance(inst)
    assert c.deadline[0] == 4
    assert c.base_avail[:8, 0].tolist() == [1, 1, 1, 1, 0, 0, 0, 1]


def test_check_schedule_reports_each_kind_of_violation():
    inst = Instance(
        durations=[2, 1, 3],
        demands=[[1], [2], [1]],
        capacity=[2],
        edges=[(0, 2)],
        lags=[1],
        fixed_start=[-1, 4, -1],
        release=[1, 0, 0],
    )
    assert check_schedule(inst, [1, 4, 5]) == ()
    # 2 starts 1 period too early, 1 is off its fixed start, 0 before its release,
    # and in period 3 activities 1 and 2 need 3 units of 2.
    assert check_schedule(inst, [0, 3, 2]) == (
        Violation("precedence", activity=2, other=0, excess=1),
        Violation("fixed", activity=1, excess=1),
        Violation("release", activity=0, excess=1),
        Violation("capacity", resource=0, period=3, excess=1),
    )
    assert check_schedule(inst, [-1, 4, 5]) == (
        Violation("negative", activity=0, excess=1),
        Violation("release", activity=0, excess=2),
    )
    with pytest.raises(InvalidInstance):
        check_schedule(inst, [0, 1])


def test_check_schedule_capacity_follows_the_profile():
    inst = Instance(durations=[2], demands=[[2]], capacity=[[2, 1, 2]], edges=[])
    assert check_schedule(inst, [0]) == (Violation("capacity", resource=0, period=1, excess=1),)
    assert check_schedule(inst, [2]) == ()


def test_resource_usage_per_period():
    inst = Instance(
        durations=[2, 1, 3], demands=[[1, 0], [2, 1], [1, 1]], capacity=[2, 2], edges=[]
    )
    usage = resource_usage(inst, [0, 2, 3])
    assert usage.tolist() == [[1, 1, 2, 1, 1, 1], [0, 0, 1, 1, 1, 1]]
    assert resource_usage(inst, [0, 2, 3], horizon=8).shape == (2, 8)


def test_errors_join_the_engine_hierarchy():
    err = InfeasibleLeveling("no room", (3, 4), resource=1)
    assert isinstance(err, InfeasibleSchedule) and isinstance(err, EngineError)
    assert (err.ids, err.activities, err.resource) == ((3, 4), (3, 4), 1)
    bad = InvalidInstance("bad", (2,))
    assert isinstance(bad, InvalidNetwork) and isinstance(bad, ValueError)
    assert bad.activities == (2,)
