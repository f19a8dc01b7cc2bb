"""Leveling: both modes, explanations of moves, remaining conflicts, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.rcpsp import (
    Conflict,
    InfeasibleLeveling,
    Instance,
    InvalidInstance,
    Move,
    check_schedule,
    level,
    resource_usage,
)
from pmo.engine.rcpsp.instance import compile_instance

from .strategies import projects

PROPERTY = settings(max_examples=50, deadline=None)


def test_resource_delay_is_explained():
    inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[], priority=[1, 0])
    result = level(inst, schedules=100)
    assert result.start.tolist() == [0, 2]
    assert result.finish.tolist() == [2, 5]
    assert (result.makespan, result.reference_makespan) == (5, 3)
    assert result.moves == (
        Move(
            activity=1,
            old_start=0,
            new_start=2,
            shift=2,
            precedence_delay=0,
            resource_delay=2,
            predecessor=-1,
            resource=0,
            period=0,
            blocking=(0,),
        ),
    )
    assert result.moves[0].reason == (
        "waited 2 periods for resource 0, short in period 0 (held by 0)"
    )
    assert result.conflicts == ()
    assert result.schedules <= 100


def test_precedence_push_is_explained():
    # Rule-based leveling serves the high-priority activity 1 first; 0 waits for the
    # resource, and its successor 2 is pushed along.
    inst = Instance(
        durations=[2, 2, 1],
        demands=[[1], [1], [0]],
        capacity=[1],
        edges=[(0, 2)],
        priority=[0, 5, 0],
    )
    result = level(inst, method="rule")
    assert result.start.tolist() == [2, 0, 4]
    assert result.moves == (
        Move(0, 0, 2, 2, 0, 2, -1, 0, 0, (1,)),
        Move(2, 2, 4, 2, 2, 0, 0, -1, -1, ()),
    )
    assert result.moves[1].reason == "predecessor 0 pushed it 2 periods"
    assert result.schedules == 1


def test_rule_method_with_the_parallel_scheme():
    inst = Instance(durations=[1, 3, 2], demands=[[1], [1], [2]], capacity=[2], edges=[])
    assert level(inst, method="rule", rule="LFT", scheme="parallel").start.tolist() == [0, 0, 3]


def test_varying_capacity_is_respected():
    # Two units only in periods 0-1 and from period 4: 0 (two units) goes first.
    inst = Instance(durations=[2, 2], demands=[[2], [1]], capacity=[[2, 2, 1, 1, 2]], edges=[])
    result = level(inst, schedules=200)
    assert result.start.tolist() == [0, 2]
    assert result.moves == (Move(1, 0, 2, 2, 0, 2, -1, 0, 0, (0,)),)
    assert check_schedule(inst, result.start) == ()


def test_fixed_activity_does_not_move():
    inst = Instance(
        durations=[2, 2, 2],
        demands=[[1], [1], [1]],
        capacity=[1],
        edges=[],
        fixed_start=[-1, 1, -1],
    )
    for mode in ("finish", "slack"):
        assert level(inst, mode=mode, schedules=100).start[1] == 1
    assert level(inst, schedules=100).start.tolist() in ([3, 1, 5], [5, 1, 3])


def test_unmeetable_fixed_successor_raises():
    inst = Instance(
        durations=[2, 2, 1],
        demands=[[1], [1], [0]],
        capacity=[1],
        edges=[(0, 2), (1, 2)],
        fixed_start=[-1, -1, 3],
    )
    for method in ("ga", "rule"):
        with pytest.raises(InfeasibleLeveling) as err:
            level(inst, method=method, schedules=100)
        assert len(err.value.activities) == 1
        assert err.value.activities[0] in (0, 1)


def test_within_slack_resolves_what_float_allows():
    # 2 takes 4 periods, so 0 and 1 have float; serialised they fit before 4.
    inst = Instance(durations=[2, 1, 4], demands=[[1], [1], [0]], capacity=[1], edges=[])
    result = level(inst, mode="slack", schedules=50)
    assert result.makespan == 4
    assert result.start.tolist() == [1, 0, 0]
    assert result.moves == (Move(0, 0, 1, 1, 0, 1, -1, 0, 0, (1,)),)
    assert result.conflicts == ()


def test_within_slack_reports_what_it_cannot_resolve():
    inst = Instance(durations=[3, 3, 4], demands=[[1], [1], [0]], capacity=[1], edges=[])
    result = level(inst, mode="slack", schedules=50)
    assert result.makespan == 4
    assert result.start.tolist() == [0, 1, 0]
    assert result.conflicts == (
        Conflict(resource=0, first_period=1, last_period=2, load=2, capacity=1, activities=(0, 1)),
    )
    assert result.conflicts[0].excess == 1
    # With a later finish there is float enough.
    later = level(inst, mode="slack", schedules=50, finish=6)
    assert later.start.tolist() == [0, 3, 0]
    assert later.conflicts == ()


def test_within_slack_rejects_a_finish_before_the_critical_path():
    inst = Instance(durations=[3], demands=[[1]], capacity=[1], edges=[])
    with pytest.raises(InfeasibleLeveling):
        level(inst, mode="slack", finish=2)


def test_moves_are_relative_to_the_baseline():
    inst = Instance(durations=[2, 3], demands=[[1], [1]], capacity=[1], edges=[], priority=[1, 0])
    result = level(inst, schedules=100, baseline=[0, 5])
    assert result.reference_makespan == 8
    assert result.moves == (Move(1, 5, 2, -3, 0, 0, -1, -1, -1, ()),)
    assert result.moves[0].reason == "moved 3 periods earlier"
    with pytest.raises(InvalidInstance):
        level(inst, baseline=[0])


def test_bad_mode_and_method():
    inst = Instance(durations=[1], demands=[[1]], capacity=[1], edges=[])
    with pytest.raises(ValueError, match="mode"):
        level(inst, mode="fast")
    with pytest.raises(ValueError, match="method"):
        level(inst, method="magic")


def test_same_seed_same_leveling():
    inst = Instance(
        durations=[3, 1, 3, 4, 4, 2],
        demands=[[0, 1], [2, 0], [1, 2], [2, 1], [2, 1], [2, 2]],
        capacity=[3, 3],
        edges=[(0, 1), (0, 3), (3, 5)],
    )
    for mode in ("finish", "slack"):
        a = level(inst, mode=mode, schedules=200, seed=9)
        b = level(inst, mode=mode, schedules=200, seed=9)
        assert a.start.tolist() == b.start.tolist()
        assert a.moves == b.moves and a.conflicts == b.conflicts


def _check_explanations(inst: Instance, result) -> None:
    usage = resource_usage(inst, result.start, horizon=result.makespan + 1)
    for move in result.moves:
        if move.shift > 0:
            assert move.precedence_delay + move.resource_delay == move.shift
        if move.resource >= 0:
            j, r, p = move.activity, move.resource, move.period
            held = sum(
                int(inst.demands[a, r])
                for a in move.blocking
                if result.start[a] <= p < result.finish[a]
            )
            fixed_use = (
                usage[r, p]
                - held
                - (inst.demands[j, r] if result.start[j] <= p < result.finish[j] else 0)
            )
            assert held + fixed_use + inst.demands[j, r] > inst.capacity_at(np.array([p]))[r, 0]


@PROPERTY
@given(projects(), st.integers(0, 3))
def test_finish_mode_is_feasible_and_explains_every_delay(inst, seed):
    result = level(inst, schedules=200, seed=seed)
    assert check_schedule(inst, result.start) == ()
    assert result.conflicts == ()
    for move in result.moves:
        if move.resource_delay > 0:
            assert move.resource >= 0
    _check_explanations(inst, result)


@PROPERTY
@given(projects(), st.integers(0, 3), st.integers(0, 3))
def test_within_slack_never_moves_the_finish(inst, seed, extra):
    c = compile_instance(inst)
    target = c.cpm_makespan + extra
    result = level(inst, mode="slack", schedules=30, seed=seed, finish=target)
    assert result.makespan <= target
    kinds = {v.kind for v in check_schedule(inst, result.start)}
    assert kinds <= {"capacity"}
    reported = {
        (k.resource, p) for k in result.conflicts for p in range(k.first_period, k.last_period + 1)
    }
    found = {(v.resource, v.period) for v in check_schedule(inst, result.start)}
    assert reported == found
    _check_explanations(inst, result)
