"""Schedule generation schemes, priority rules and justification."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.rcpsp import (
    RULES,
    InfeasibleLeveling,
    Instance,
    activity_list,
    check_schedule,
    justify,
    parallel_sgs,
    priority_values,
    rule_schedule,
    serial_sgs,
)

from .reference import naive_serial
from .strategies import projects

PROPERTY = settings(max_examples=60, deadline=None)


def test_serial_and_parallel_differ_on_a_delay():
    # List 0, 2, 1: serial puts 2 (two units) at 1 and 1 after it; parallel starts
    # 1 at time 0 alongside 0 because 2 does not fit there.
    inst = Instance(durations=[1, 3, 2], demands=[[1], [1], [2]], capacity=[2], edges=[])
    assert serial_sgs(inst, [0, 2, 1]).tolist() == [0, 3, 1]
    assert parallel_sgs(inst, [0, 2, 1]).tolist() == [0, 0, 3]


def test_capacity_profile_gap_is_skipped():
    # No capacity in periods 2 and 3: activity 1 (3 periods) must wait for period 4.
    inst = Instance(durations=[2, 3], demands=[[2], [1]], capacity=[[2, 2, 0, 0, 2]], edges=[])
    assert serial_sgs(inst, [0, 1]).tolist() == [0, 4]
    assert parallel_sgs(inst, [0, 1]).tolist() == [0, 4]


def test_fixed_activity_keeps_its_start_and_its_capacity():
    inst = Instance(
        durations=[2, 1, 2],
        demands=[[1], [1], [1]],
        capacity=[1],
        edges=[],
        fixed_start=[1, -1, -1],
    )
    assert serial_sgs(inst, [1, 2, 0]).tolist() == [1, 0, 3]
    assert parallel_sgs(inst, [0, 1, 2]).tolist() == [1, 0, 3]


def test_release_and_lag():
    inst = Instance(
        durations=[2, 1], demands=[[1], [1]], capacity=[1], edges=[(0, 1)], lags=[1], release=[0, 5]
    )
    assert serial_sgs(inst, [0, 1]).tolist() == [0, 5]
    inst = Instance(durations=[2, 1], demands=[[1], [1]], capacity=[1], edges=[(0, 1)], lags=[3])
    assert serial_sgs(inst, [0, 1]).tolist() == [0, 5]
    assert parallel_sgs(inst, [0, 1]).tolist() == [0, 5]


def test_serial_sgs_rejects_bad_lists():
    inst = Instance(durations=[1, 1], demands=[[0], [0]], capacity=[1], edges=[(0, 1)])
    with pytest.raises(ValueError, match="order puts activity 1 before its predecessor 0"):
        serial_sgs(inst, [1, 0])
    with pytest.raises(ValueError, match="permutation"):
        serial_sgs(inst, [0, 0])


def test_activity_that_fits_nowhere_is_reported():
    # Two units exist in periods 0-1 only; two activities need both for two periods.
    inst = Instance(durations=[2, 2], demands=[[2], [2]], capacity=[[2, 2, 1]], edges=[])
    with pytest.raises(InfeasibleLeveling) as err:
        serial_sgs(inst, [0, 1])
    assert err.value.activities == (1,)
    with pytest.raises(InfeasibleLeveling) as err:
        parallel_sgs(inst, [0, 1])
    assert err.value.activities == (1,)


NETWORK = {
    "durations": [3, 2, 1, 2],
    "demands": [[1]] * 4,
    "capacity": [1],
    "edges": [(0, 2), (1, 2), (1, 3)],
}


def test_priority_rule_values():
    inst = Instance(**NETWORK)
    assert priority_values(inst, "LFT").tolist() == [3, 2, 4, 4]
    assert priority_values(inst, "LST").tolist() == [0, 0, 3, 2]
    assert priority_values(inst, "MTS").tolist() == [-1, -2, 0, 0]
    assert priority_values(inst, "GRPW").tolist() == [-4, -5, -1, -2]
    assert priority_values(inst, "MSLK").tolist() == [0, 0, 0, 0]
    values = priority_values(inst, "random", np.random.default_rng(3))
    assert sorted(values.tolist()) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="needs rng"):
        priority_values(inst, "RANDOM")
    with pytest.raises(ValueError, match="unknown priority rule"):
        priority_values(inst, "SPT")


def test_leveling_priority_outranks_the_rule():
    inst = Instance(**NETWORK, priority=[0, 0, 0, 5])
    # LFT spans 2..4, so priority 5 subtracts 5 * 3 from activity 3.
    assert priority_values(inst, "LFT").tolist() == [3, 2, 4, -11]
    assert activity_list(inst, priority_values(inst, "LFT")).tolist() == [1, 3, 0, 2]


@pytest.mark.parametrize(
    ("rule", "order", "start"),
    [
        ("LFT", [1, 0, 2, 3], [2, 0, 5, 6]),
        ("LST", [0, 1, 3, 2], [0, 3, 7, 5]),
        ("MTS", [1, 0, 2, 3], [2, 0, 5, 6]),
        ("GRPW", [1, 0, 3, 2], [2, 0, 7, 5]),
        ("MSLK", [0, 1, 2, 3], [0, 3, 5, 6]),
    ],
)
def test_rule_lists_and_schedules(rule, order, start):
    inst = Instance(**NETWORK)
    assert activity_list(inst, priority_values(inst, rule)).tolist() == order
    assert rule_schedule(inst, rule, "serial").tolist() == start
    assert rule_schedule(inst, rule, "parallel").tolist() == start


def test_rule_schedule_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="scheme"):
        rule_schedule(Instance(**NETWORK), "LFT", "hybrid")


def test_justify_shortens_a_schedule():
    # The serial SGS on 0, 1, 2, 3 gives makespan 8; one backward-forward pass, 7.
    inst = Instance(durations=[2, 2, 3, 3], demands=[[1], [1], [1], [2]], capacity=[2], edges=[])
    start = serial_sgs(inst, [0, 1, 2, 3])
    assert start.tolist() == [0, 0, 2, 5]
    assert justify(inst, start).tolist() == [0, 2, 0, 4]


@st.composite
def project_and_keys(draw):
    inst = draw(projects())
    keys = draw(st.permutations(range(inst.n_activities)))
    return inst, np.array(keys, dtype=np.float64)


@PROPERTY
@given(project_and_keys())
def test_serial_sgs_matches_the_naive_reference(case):
    inst, keys = case
    order = activity_list(inst, keys)
    start = serial_sgs(inst, order)
    assert start.tolist() == naive_serial(inst, order)
    assert check_schedule(inst, start) == ()


@PROPERTY
@given(project_and_keys())
def test_parallel_sgs_is_feasible(case):
    inst, keys = case
    assert check_schedule(inst, parallel_sgs(inst, keys)) == ()


@PROPERTY
@given(project_and_keys(), st.integers(1, 3))
def test_justification_is_feasible_and_never_longer(case, passes):
    inst, keys = case
    start = serial_sgs(inst, activity_list(inst, keys))
    better = justify(inst, start, passes=passes)
    assert check_schedule(inst, better) == ()
    assert (better + inst.durations).max() <= (start + inst.durations).max()


@PROPERTY
@given(projects(), st.sampled_from(RULES), st.sampled_from(["serial", "parallel"]))
def test_every_rule_and_scheme_gives_a_feasible_schedule(inst, rule, scheme):
    start = rule_schedule(inst, rule, scheme, seed=4)
    assert check_schedule(inst, start) == ()
    assert rule_schedule(inst, rule, scheme, seed=4).tolist() == start.tolist()
