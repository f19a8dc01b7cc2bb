"""Portfolio selection: proven optima against brute force, each constraint kind, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo.engine.errors import EngineError
from pmo.engine.selection import (
    Candidate,
    InfeasibleSelection,
    InvalidSelectionInput,
    SelectionProblem,
    blend_values,
    efficient_frontier,
    greedy_selection,
    marginal_values,
    solve,
)

# ---------------------------------------------------------------- brute-force oracle


def violations(p: SelectionProblem, starts: dict[str, int]) -> list[str]:
    """Every constraint the portfolio ``starts`` (id -> start month) breaks."""
    by_id = {c.id: c for c in p.candidates}
    out = []
    for kind in ("total", "capex", "opex"):
        lim = getattr(p, f"budget_{kind}")
        if lim is None:
            continue
        spent = [0] * len(lim)
        for cid, s in starts.items():
            c = by_id[cid]
            arrays = {"capex": [c.capex], "opex": [c.opex], "total": [c.capex, c.opex]}[kind]
            for arr in arrays:
                for k, amount in enumerate(arr):
                    period = (s + k) // p.months_per_period
                    if period < len(lim):
                        spent[period] += amount
        out += [f"{kind} {t}" for t in range(len(lim)) if spent[t] > lim[t]]
    if p.capacity is not None:
        cap = np.asarray(p.capacity, dtype=float)
        used = np.zeros_like(cap)
        for cid, s in starts.items():
            for role, arr in by_id[cid].demand.items():
                r = list(p.roles).index(role)
                for k, amount in enumerate(arr):
                    if s + k < cap.shape[1]:
                        used[r, s + k] += amount
        out += [f"capacity {r} {m}" for r, m in zip(*np.nonzero(used > cap + 1e-9), strict=True)]
    for c in p.candidates:
        if c.mandatory and c.id not in starts:
            out.append(f"mandatory {c.id}")
        if c.id in starts:
            out += [f"requires {c.id}->{a}" for a in c.requires if a not in starts]
            if starts[c.id] not in c.starts:
                out.append(f"start {c.id}")
    for g in p.exclusive_groups:
        if sum(x in starts for x in g) > 1:
            out.append(f"exclusive {g}")
    return out


def option_values(p: SelectionProblem, c: Candidate) -> dict[int, float]:
    if c.start_values is not None:
        return dict(zip(c.starts, c.start_values, strict=True))
    first = min(c.starts)
    return {s: c.value * (1 - p.delay_discount) ** (s - first) for s in c.starts}


def brute_force(p: SelectionProblem) -> float | None:
    """Best value over every subset and every start choice; None when none is feasible."""
    choices = [[None, *sorted(c.starts)] for c in p.candidates]
    best = None
    for combo in itertools.product(*choices):
        starts = {c.id: s for c, s in zip(p.candidates, combo, strict=True) if s is not None}
        if violations(p, starts):
            continue
        value = sum(option_values(p, c)[starts[c.id]] for c in p.candidates if c.id in starts)
        if best is None or value > best:
            best = value
    return best


# ---------------------------------------------------------------- random small instances


@st.composite
def problems(draw: st.DrawFn, max_n: int = 7, shifting: bool = True) -> SelectionProblem:
    n = draw(st.integers(1, max_n))
    months = 4
    roles = ["dev", "ops"]
    cands = []
    for i in range(n):
        dur = draw(st.integers(1, 3))
        n_starts = draw(st.integers(1, 3 if shifting else 1))
        first = draw(st.integers(0, 1))
        cands.append(
            Candidate(
                id=f"P{i}",
                value=float(draw(st.integers(-10, 30))),
                capex=draw(st.lists(st.integers(0, 9), min_size=dur, max_size=dur)),
                opex=draw(st.lists(st.integers(0, 3), min_size=dur, max_size=dur)),
                demand={
                    r: draw(st.lists(st.integers(0, 3), min_size=dur, max_size=dur))
                    for r in draw(st.sets(st.sampled_from(roles), max_size=2))
                },
                starts=tuple(range(first, first + n_starts)),
                start_values=None,
                mandatory=draw(st.integers(0, 9)) == 0,
                requires=tuple(f"P{a}" for a in draw(st.sets(st.integers(0, n - 1), max_size=1))),
            )
        )
    ids = [c.id for c in cands]
    groups = []
    if n > 1:
        groups = draw(st.lists(st.sets(st.sampled_from(ids), min_size=2, max_size=3), max_size=2))
    return SelectionProblem(
        candidates=cands,
        budget_total=draw(st.lists(st.integers(0, 25), min_size=2, max_size=2)),
        budget_capex=draw(st.none() | st.lists(st.integers(0, 20), min_size=2, max_size=2)),
        months_per_period=2,
        roles=roles,
        capacity=draw(
            st.lists(st.lists(st.integers(0, 5), min_size=months, max_size=months), min_size=2).map(
                lambda rows: rows[:2]
            )
        ),
        exclusive_groups=[sorted(g) for g in groups],
        delay_discount=0.25,
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_random_instances_match_brute_force(p: SelectionProblem) -> None:
    best = brute_force(p)
    if best is None:
        with pytest.raises(InfeasibleSelection) as err:
            solve(p, gap=0.0)
        assert err.value.conflicts and all(c.projects for c in err.value.conflicts)
        return
    sel = solve(p, gap=0.0)
    assert violations(p, sel.starts) == []
    assert sel.value == pytest.approx(best, rel=1e-12, abs=1e-9)
    assert sel.optimal and sel.gap == 0.0
    assert sel.bound >= best - 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_n=8))
def test_heuristics_alone_are_feasible_and_bounded(p: SelectionProblem) -> None:
    best = brute_force(p)
    if best is None:
        return
    sel = solve(p, use_milp=False)
    assert violations(p, sel.starts) == []
    assert sel.value <= best + 1e-9 <= sel.bound + 2e-9
    base = greedy_selection(p)
    assert violations(p, base.starts) == []
    assert base.value <= best + 1e-9


def test_twelve_candidates_against_brute_force() -> None:
    rng = np.random.default_rng(12)
    cands = [
        Candidate(
            id=f"P{i}",
            value=float(rng.integers(5, 50)),
            capex=rng.integers(1, 10, size=3).tolist(),
            demand={"dev": rng.integers(0, 3, size=3).tolist()},
            starts=(0, 1) if i % 3 == 0 else (0,),
            requires=("P0",) if i == 5 else (),
            mandatory=i == 7,
        )
        for i in range(12)
    ]
    p = SelectionProblem(
        candidates=cands,
        budget_total=[60, 40],
        months_per_period=2,
        roles=["dev"],
        capacity=[[6, 6, 5, 4]],
        exclusive_groups=[["P1", "P2", "P3"]],
        delay_discount=0.1,
    )
    sel = solve(p, gap=0.0)
    assert sel.value == pytest.approx(brute_force(p), rel=1e-12)
    assert violations(p, sel.starts) == []


# ---------------------------------------------------------------- each constraint kind

A = Candidate("A", 10, capex=[60])
B = Candidate("B", 7, capex=[50])
C = Candidate("C", 6, capex=[40])


def test_budget_per_year_picks_best_fitting_subset() -> None:
    sel = solve(SelectionProblem(candidates=[A, B, C], budget_total=[100]), gap=0.0)
    assert sel.selected == ("A", "C")
    assert sel.value == 16.0 and sel.bound == 16.0 and sel.gap == 0.0
    assert [(u.label, u.used, u.slack) for u in sel.budget] == [("budget period 0", 100, 0)]
    assert sel.budget[0].binding


def test_budget_applies_per_period_and_spend_after_horizon_is_free() -> None:
    # X spends 30 in period 0 and 30 in period 1; Y only in period 1; Z after the horizon
    x = Candidate("X", 5, capex=[30, 30], starts=(1,))
    y = Candidate("Y", 4, capex=[0, 0, 40])
    z = Candidate("Z", 1, capex=[0, 0, 0, 0, 999])
    p = SelectionProblem(candidates=[x, y, z], budget_total=[30, 60], months_per_period=2)
    sel = solve(p, gap=0.0)
    assert sel.selected == ("X", "Z")
    assert [u.used for u in sel.budget] == [30.0, 30.0]
    assert sel.budget[0].binding and sel.budget[1].binding


def test_capex_and_opex_budgets_separately() -> None:
    x = Candidate("X", 5, capex=[10], opex=[30])
    y = Candidate("Y", 4, capex=[30], opex=[10])
    p = SelectionProblem(candidates=[x, y], budget_capex=[40], budget_opex=[30])
    sel = solve(p, gap=0.0)
    assert sel.selected == ("X",)
    assert [(u.kind, u.used) for u in sel.budget] == [("capex", 10.0), ("opex", 30.0)]
    p2 = SelectionProblem(candidates=[x, y], budget_capex=[40], budget_opex=[40])
    assert solve(p2, gap=0.0).selected == ("X", "Y")
    p3 = SelectionProblem(candidates=[x, y], budget_total=[79])
    assert solve(p3, gap=0.0).selected == ("X",)


def test_capacity_per_role_month() -> None:
    x = Candidate("X", 5, demand={"dev": [2, 2]})
    y = Candidate("Y", 4, demand={"dev": [0, 2], "qa": [1]})
    z = Candidate("Z", 3, demand={"qa": [1]})
    p = SelectionProblem(
        candidates=[x, y, z],
        roles=["dev", "qa"],
        capacity=[[4, 3], [1, 1]],
        month_labels=["2027-01", "2027-02"],
    )
    sel = solve(p, gap=0.0)
    assert sel.selected == ("X", "Z") and sel.value == 8.0
    cap = {u.label: (u.used, u.slack, u.binding) for u in sel.capacity}
    # Y is kept out by two rows at once, so neither of them alone is called binding
    assert cap == {
        "capacity dev 2027-01": (2.0, 2.0, False),
        "capacity dev 2027-02": (2.0, 1.0, False),
        "capacity qa 2027-01": (1.0, 0.0, True),
        "capacity qa 2027-02": (0.0, 1.0, False),
    }
    assert [u.label for u in sel.binding] == ["capacity qa 2027-01"]


def test_mandatory_project_is_kept_even_at_a_loss() -> None:
    p = SelectionProblem(
        candidates=[A, B, Candidate("C", 6, capex=[40], mandatory=True)], budget_total=[100]
    )
    sel = solve(p, gap=0.0)
    assert sel.selected == ("A", "C")
    p = SelectionProblem(
        candidates=[A, Candidate("B", 7, capex=[50], mandatory=True), C], budget_total=[100]
    )
    sel = solve(p, gap=0.0)
    assert sel.selected == ("B", "C") and sel.value == 13.0


def test_exclusive_group_allows_one() -> None:
    p = SelectionProblem(candidates=[A, B, C], budget_total=[1000], exclusive_groups=[["A", "B"]])
    assert solve(p, gap=0.0).selected == ("A", "C")
    p = SelectionProblem(
        candidates=[A, B, C], budget_total=[1000], exclusive_groups=[["A", "B", "C"]]
    )
    assert solve(p, gap=0.0).selected == ("A",)


def test_prerequisite_b_only_if_a() -> None:
    # D is worthless alone but unlocks E; the pair beats A
    d = Candidate("D", 0, capex=[30])
    e = Candidate("E", 12, capex=[30], requires=("D",))
    p = SelectionProblem(candidates=[A, d, e], budget_total=[60])
    sel = solve(p, gap=0.0)
    assert sel.selected == ("D", "E") and sel.value == 12.0
    p = SelectionProblem(candidates=[A, d, e], budget_total=[59])
    assert solve(p, gap=0.0).selected == ()
    assert greedy_selection(SelectionProblem(candidates=[A, d, e], budget_total=[60])).value == 12.0


def test_start_shifting_moves_cost_and_demand_and_discounts_value() -> None:
    # both need the only developer in month 0; Y can wait a month at 10 % of its value
    x = Candidate("X", 10, capex=[5], demand={"dev": [1]})
    y = Candidate("Y", 8, capex=[5], demand={"dev": [1]}, starts=(0, 1, 2))
    p = SelectionProblem(
        candidates=[x, y],
        budget_total=[5, 5],
        months_per_period=1,
        roles=["dev"],
        capacity=[[1, 1, 1]],
        delay_discount=0.1,
    )
    sel = solve(p, gap=0.0)
    assert sel.starts == {"X": 0, "Y": 1}
    assert sel.value == pytest.approx(10 + 8 * 0.9)
    # explicit start values override the discount
    y2 = Candidate("Y", 8, capex=[5], demand={"dev": [1]}, starts=(2, 0, 1), start_values=(7, 8, 3))
    p2 = SelectionProblem(
        candidates=[x, y2],
        budget_total=[5, 5, 5],
        months_per_period=1,
        roles=["dev"],
        capacity=[[1, 1, 1]],
    )
    sel2 = solve(p2, gap=0.0)
    assert sel2.starts == {"X": 0, "Y": 2} and sel2.value == 17.0


def test_project_outcomes_price_each_inclusion() -> None:
    sel = solve(SelectionProblem(candidates=[A, B, C], budget_total=[100]), gap=0.0)
    out = {o.id: o for o in sel.projects}
    assert [o.selected for o in sel.projects] == [True, False, True]
    assert out["B"].start is None and out["A"].start == 0
    # LP: A whole, then B at 40/50 of it; the budget's price is 7/50 per cent
    assert sel.budget[0].shadow_price == pytest.approx(7 / 50)
    assert out["C"].resource_price == pytest.approx(40 * 7 / 50)
    assert out["C"].reduced_cost == pytest.approx(6 - 40 * 7 / 50)
    marg = marginal_values(SelectionProblem(candidates=[A, B, C], budget_total=[100]), sel)
    # without A the best is B+C=13; without C it is A alone=10; forcing B gives B+C=13
    assert marg == {"A": 3.0, "B": -3.0, "C": 6.0}


# ---------------------------------------------------------------- infeasibility


def test_mandatory_projects_over_budget_are_named() -> None:
    p = SelectionProblem(
        candidates=[
            Candidate("P7", 1, capex=[70_000_000], mandatory=True),
            Candidate("P12", 1, capex=[50_000_000], mandatory=True),
            Candidate("P3", 9, capex=[10]),
        ],
        budget_total=[100_000_000],
        period_labels=["2027"],
    )
    with pytest.raises(InfeasibleSelection) as err:
        solve(p)
    assert str(err.value) == (
        "mandatory projects P7, P12 need 1,200,000.00 in 2027 but the budget is 1,000,000.00"
    )
    (conflict,) = err.value.conflicts
    assert conflict.constraints == ("budget 2027",)
    assert conflict.projects == ("P7", "P12")
    assert (conflict.need, conflict.limit) == (120_000_000, 100_000_000)
    assert isinstance(err.value, EngineError) and err.value.ids == ("P7", "P12")


def test_prerequisite_of_a_mandatory_project_counts_as_forced() -> None:
    p = SelectionProblem(
        candidates=[
            Candidate("A", 1, demand={"dev": [3]}),
            Candidate("B", 1, demand={"dev": [2]}, mandatory=True, requires=("A",)),
        ],
        roles=["dev"],
        capacity=[[4]],
        month_labels=["2027-03"],
    )
    with pytest.raises(InfeasibleSelection) as err:
        solve(p)
    assert str(err.value) == (
        "mandatory projects A (prerequisite of B), B need 5 of dev in 2027-03 but the capacity is 4"
    )


def test_mandatory_projects_in_one_exclusive_group() -> None:
    p = SelectionProblem(
        candidates=[Candidate("A", 1, mandatory=True), Candidate("B", 1, mandatory=True)],
        exclusive_groups=[["A", "B"]],
    )
    with pytest.raises(
        InfeasibleSelection, match=r"mandatory projects A, B are mutually exclusive"
    ):
        solve(p)


def test_exclusive_clash_through_a_prerequisite_and_capex_budget() -> None:
    p = SelectionProblem(
        candidates=[
            Candidate("A", 1, capex=[40]),
            Candidate("B", 1, capex=[30], mandatory=True, requires=("A",)),
            Candidate("C", 1, capex=[50], mandatory=True),
        ],
        budget_capex=[100],
        period_labels=["FY27"],
        exclusive_groups=[["A", "C"]],
    )
    with pytest.raises(InfeasibleSelection) as err:
        solve(p)
    assert str(err.value) == (
        "mandatory projects A (prerequisite of B), C are mutually exclusive "
        "(exclusive group A/C, group 0); "
        "mandatory projects A (prerequisite of B), B, C need 1.20 of capex in FY27 "
        "but the budget is 1.00"
    )
    assert [c.constraints for c in err.value.conflicts] == [
        ("exclusive group A/C",),
        ("capex budget FY27",),
    ]


def test_shifting_conflict_is_reduced_to_the_clashing_rows_and_projects() -> None:
    # each fits every month alone, but three one-month jobs cannot share two months
    jobs = [
        Candidate(f"J{i}", 1, demand={"dev": [1]}, starts=(0, 1), mandatory=True) for i in range(3)
    ]
    free = Candidate("K", 5, capex=[1], mandatory=True)
    p = SelectionProblem(
        candidates=[*jobs, free],
        budget_total=[10],
        roles=["dev"],
        capacity=[[1, 1, 1]],
    )
    with pytest.raises(InfeasibleSelection) as err:
        solve(p)
    (conflict,) = err.value.conflicts
    assert conflict.constraints == ("capacity dev month 0", "capacity dev month 1")
    assert conflict.projects == ("J0", "J1", "J2")
    assert str(err.value) == (
        "mandatory projects J0, J1, J2 cannot all fit at any of their allowed starts: "
        "together they overrun capacity dev month 0, capacity dev month 1"
    )


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(InvalidSelectionInput, match="duplicate candidate ids: A"):
        solve(SelectionProblem(candidates=[A, A]))
    with pytest.raises(InvalidSelectionInput, match="requires unknown candidate 'Q'"):
        solve(SelectionProblem(candidates=[Candidate("X", 1, requires=("Q",))]))
    with pytest.raises(InvalidSelectionInput, match="integer cents"):
        solve(SelectionProblem(candidates=[Candidate("X", 1, capex=[1.5])]))
    with pytest.raises(InvalidSelectionInput, match="unknown role 'qa'"):
        solve(SelectionProblem(candidates=[Candidate("X", 1, demand={"qa": [1]})]))


# ---------------------------------------------------------------- baseline and frontier


def test_greedy_ranks_by_value_per_cost() -> None:
    # ratios: A 10/60, B 7/50, C 6/40 -> A then C; B no longer fits
    problem = SelectionProblem(candidates=[A, B, C], budget_total=[100])
    base = greedy_selection(problem, rank="value_per_cost")
    assert base.selected == ("A", "C") and base.value == 16.0
    # the classic trap: the best ratio crowds out the best portfolio
    small = Candidate("S", 2, capex=[1])
    big = Candidate("L", 90, capex=[100])
    p = SelectionProblem(candidates=[small, big], budget_total=[100])
    assert greedy_selection(p, rank="value_per_cost").selected == ("S",)
    assert solve(p, gap=0.0).selected == ("L",)
    assert greedy_selection(p).bound == pytest.approx(2 + 90 * 99 / 100)


def test_greedy_by_score_funds_the_ranked_list_down_to_the_cut_line() -> None:
    # scores: A 10, B 7, C 6 -> A (60) and B (50) fill the 110; C (40) no longer fits
    base = greedy_selection(SelectionProblem(candidates=[A, B, C], budget_total=[110]))
    assert base.selected == ("A", "B") and base.value == 17.0
    # the other trap: one high score crowds out several good ones
    top = Candidate("T", 10, capex=[100])
    many = [Candidate(f"M{k}", 4, capex=[30]) for k in range(3)]
    p = SelectionProblem(candidates=[top, *many], budget_total=[100])
    assert greedy_selection(p).selected == ("T",)
    assert solve(p, gap=0.0).value == 12.0
    with pytest.raises(InvalidSelectionInput, match="rank must be"):
        greedy_selection(p, rank="alphabetical")


def test_frontier_is_monotonic_and_optimal_per_level() -> None:
    cands = [
        Candidate(f"P{i}", float(v), capex=[c])
        for i, (v, c) in enumerate([(10, 60), (7, 50), (6, 40), (3, 10), (9, 70), (4, 45)])
    ]
    p = SelectionProblem(candidates=cands, budget_total=[100])
    pts = efficient_frontier(p, [0.0, 0.5, 1.0, 1.5, 2.0, 3.0], gap=0.0)
    values = [pt.value for pt in pts]
    assert values == sorted(values)
    for pt in pts:
        scaled = SelectionProblem(candidates=cands, budget_total=[pt.budget])
        assert pt.value == brute_force(scaled)
        assert pt.gap == 0.0
        assert pt.greedy_value <= pt.value
    assert [pt.budget for pt in pts] == [0, 50, 100, 150, 200, 300]
    assert values[-1] == sum(float(v) for v in (10, 7, 6, 3, 9, 4))


def test_frontier_marks_levels_where_mandatory_projects_do_not_fit() -> None:
    p = SelectionProblem(
        candidates=[Candidate("M", 1, capex=[50], mandatory=True), A], budget_total=[100]
    )
    pts = efficient_frontier(p, [0.2, 1.0], gap=0.0)
    assert pts[0].value is None and pts[1].value == 1.0
    assert efficient_frontier(p, [1.1], gap=0.0)[0].value == 11.0


def test_budget_with_slack_still_binds_when_it_alone_keeps_a_project_out() -> None:
    x = Candidate("X", 10, capex=[70])
    y = Candidate("Y", 5, capex=[40], demand={"dev": [1]})
    z = Candidate("Z", 1, capex=[10], demand={"dev": [2]})
    p = SelectionProblem(candidates=[x, y, z], budget_total=[100], roles=["dev"], capacity=[[1]])
    sel = solve(p, gap=0.0)
    assert sel.selected == ("X",)
    (budget,) = sel.budget
    (dev,) = sel.capacity
    assert (budget.slack, budget.binding) == (30.0, True)
    # Z needs 2 developers: the capacity alone keeps it out although 1 is free
    assert (dev.slack, dev.binding) == (1.0, True)


def test_initial_portfolio_is_a_warm_start() -> None:
    p = SelectionProblem(candidates=[A, B, C], budget_total=[100])
    sel = solve(p, use_milp=False, initial=["B", "C"])
    assert sel.value == 16.0
    assert solve(p, gap=0.0, initial={"A": 0}).selected == ("A", "C")
    with pytest.raises(InvalidSelectionInput, match="unknown candidate 'Q'"):
        solve(p, initial=["Q"])


def test_marginal_value_of_a_mandatory_project_is_what_the_mandate_costs() -> None:
    m = Candidate("M", 1, capex=[60], mandatory=True)
    p = SelectionProblem(candidates=[m, B, C], budget_total=[100])
    sel = solve(p, gap=0.0)
    assert sel.selected == ("M", "C")
    # without M: B + C = 13 instead of 7
    assert marginal_values(p, sel, ["M"]) == {"M": -6.0}
    # B cannot join M at all (60 + 50 > 100)
    assert marginal_values(p, sel, ["B"]) == {"B": -np.inf}


def test_blend_values_puts_score_and_npv_on_one_scale() -> None:
    v = blend_values([80, 40, 0], [1_000, 4_000, -2_000], 0.25)
    assert v.tolist() == pytest.approx([0.75 * 1 + 0.25 * 0.25, 0.75 * 0.5 + 0.25, -0.125])
    with pytest.raises(InvalidSelectionInput):
        blend_values([1], [1], 1.5)
