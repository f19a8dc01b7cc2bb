"""Benchmark of portfolio selection (issue 5): our engine against plain HiGHS and greedy.

Generates a seeded portfolio of candidates (durations 3-18 months, lognormal monthly cost,
3 of 20 roles each, budgets per year for 5 years and capacity per role-month for 36 months
at 35-40 % of total demand, 200 prerequisites, 100 exclusive groups of 3), solves it
without and with start shifting (4 consecutive allowed starts, 1 % of value lost per month
of delay), and runs scipy.optimize.milp (plain HiGHS) on the same model with the same
time limit. Then traces a budget frontier.

Usage::

    python benchmarks/selection.py            # 10 s / 30 s cases, 20-point frontier
    python benchmarks/selection.py --quick    # the same cases, 5-point frontier

The last line printed is one JSON object (see issue 5 for its keys).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pmo.engine.selection import (
    Candidate,
    SelectionProblem,
    compile_problem,
    efficient_frontier,
    greedy_selection,
    solve,
)

N_ROLES = 20
BUDGET_YEARS = 5
CAPACITY_MONTHS = 36


def generate(n: int, shift: bool, seed: int = 5) -> SelectionProblem:
    """A seeded random portfolio; ``shift`` allows 4 consecutive starts per candidate."""
    rng = np.random.default_rng(seed)
    roles = [f"role{r:02d}" for r in range(N_ROLES)]
    dur = rng.integers(3, 19, size=n)
    first = rng.integers(0, CAPACITY_MONTHS, size=n)
    level = rng.lognormal(np.log(5_000_000), 0.6, size=n)  # cents per month: ~$50k
    horizon = BUDGET_YEARS * 12
    spend_by_month = np.zeros(horizon + 24)
    demand_by_month = np.zeros((N_ROLES, CAPACITY_MONTHS + 24))
    perm = rng.permutation(n)
    groups = [perm[3 * g : 3 * g + 3].tolist() for g in range(100)]
    in_group = np.zeros(n, dtype=bool)
    in_group[perm[:300]] = True
    requires: list[list[int]] = [[] for _ in range(n)]
    order = rng.permutation(n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < 200:
        a, b = rng.integers(0, n, size=2)
        if a != b:
            # acyclic: the prerequisite always comes earlier in a random order
            a, b = (a, b) if rank[a] < rank[b] else (b, a)
            pairs.add((int(a), int(b)))
    for a, b in sorted(pairs):
        requires[b].append(a)
    free = [i for i in range(n) if not in_group[i] and not requires[i]]
    mandatory = set(rng.choice(free, size=min(10, len(free)), replace=False).tolist())
    raw = []
    for i in range(n):
        d = int(dur[i])
        cost = np.rint(level[i] * rng.lognormal(0.0, 0.2, size=d)).astype(np.int64)
        capex = np.rint(cost * 0.7).astype(np.int64)
        opex = cost - capex
        need = rng.choice(N_ROLES, size=3, replace=False)
        demand = {roles[r]: np.round(rng.uniform(0.2, 2.0, size=d), 1) for r in need}
        value = float(cost.sum()) / 100_000 * rng.lognormal(0.0, 0.5)
        s0 = int(first[i])
        spend_by_month[s0 : s0 + d] += cost
        for r in need:
            demand_by_month[r, s0 : s0 + d] += demand[roles[r]]
        raw.append((d, capex, opex, demand, round(value, 2), s0))
    year_spend = spend_by_month[:horizon].reshape(BUDGET_YEARS, 12).sum(axis=1)
    budget = np.rint(year_spend * rng.uniform(0.35, 0.40, size=BUDGET_YEARS)).astype(np.int64)
    capacity = np.round(
        demand_by_month[:, :CAPACITY_MONTHS] * rng.uniform(0.35, 0.40, (N_ROLES, CAPACITY_MONTHS)),
        1,
    )
    cands = []
    for i, (_d, capex, opex, demand, value, s0) in enumerate(raw):
        starts = tuple(range(s0, s0 + 4)) if shift else (s0,)
        cands.append(
            Candidate(
                id=f"P{i}",
                value=value,
                capex=capex.tolist(),
                opex=opex.tolist(),
                demand=demand,
                starts=starts,
                mandatory=i in mandatory,
                requires=tuple(f"P{a}" for a in requires[i]),
            )
        )
    return SelectionProblem(
        candidates=cands,
        budget_total=budget.tolist(),
        period_labels=[str(2026 + y) for y in range(BUDGET_YEARS)],
        roles=roles,
        capacity=capacity,
        exclusive_groups=[[f"P{i}" for i in g] for g in groups],
        delay_discount=0.01 if shift else 0.0,
    )


def peer_milp(problem: SelectionProblem, time_limit: float) -> tuple[float, float]:
    """Plain HiGHS through scipy.optimize.milp on the same model: (value, gap)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    from pmo.engine.selection.highs import model_arrays

    m = model_arrays(compile_problem(problem))
    res = milp(
        c=-m.cost,
        constraints=LinearConstraint(m.a, m.row_lower, m.row_upper),
        integrality=np.ones(m.cost.size),
        bounds=Bounds(m.lower, m.upper),
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        return 0.0, 1.0
    value = float(-res.fun)
    bound = float(-res.mip_dual_bound) if res.mip_dual_bound is not None else np.inf
    return value, max(0.0, 1.0 - value / bound) if bound > 0 else 0.0


def run_case(n: int, shift: bool, time_limit: float) -> dict:
    problem = generate(n, shift)
    sel = solve(problem, time_limit=time_limit)
    base = greedy_selection(problem)
    peer_value, peer_gap = peer_milp(problem, time_limit)
    return {
        "n": n,
        "options": 4 if shift else 1,
        "seconds": round(sel.seconds, 2),
        "value": round(sel.value, 2),
        "bound": round(sel.bound, 2),
        "gap": round(sel.gap, 6),
        "peer": round(peer_value, 2),
        "peer_gap": round(peer_gap, 6),
        "greedy_value": round(base.value, 2),
        "gain_over_greedy_pct": round(100.0 * (sel.value / base.value - 1.0), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 5-point frontier")
    args = parser.parse_args(argv)
    n = 5000
    limits = {"noshift": 10.0, "shift": 30.0}
    points = 5 if args.quick else 20
    # compile the numba kernels before any clock starts: a first call pays for the JIT
    # (cached on disk afterwards), which is not solving time
    solve(generate(60, True, seed=1), time_limit=5.0)
    cases = {
        "noshift": run_case(n, False, limits["noshift"]),
        "shift": run_case(n, True, limits["shift"]),
    }
    base = generate(n, False)
    t0 = time.perf_counter()
    frontier = efficient_frontier(base, points=points, time_limit=4.0 * points, gap=5e-3)
    frontier_seconds = time.perf_counter() - t0
    print(f"portfolio selection, n={n} candidates{' (quick)' if args.quick else ''}")
    head = f"{'case':8} {'starts':>6} {'limit s':>7} {'seconds':>7} {'value':>12} {'bound':>12}"
    head += f" {'gap %':>7} {'HiGHS value':>12} {'HiGHS gap %':>11} {'greedy':>12} {'gain %':>7}"
    print(head)
    for name, r in cases.items():
        print(
            f"{name:8} {r['options']:>6} {limits[name]:>7.0f} {r['seconds']:>7.2f} "
            f"{r['value']:>12,.0f} {r['bound']:>12,.0f} {100 * r['gap']:>7.3f} "
            f"{r['peer']:>12,.0f} {100 * r['peer_gap']:>11.3f} {r['greedy_value']:>12,.0f} "
            f"{r['gain_over_greedy_pct']:>7.2f}"
        )
    print(f"frontier: {len(frontier)} budget levels in {frontier_seconds:.1f} s")
    for pt in frontier:
        if pt.value is None:
            print(f"  x{pt.factor:4.2f}  infeasible (mandatory projects do not fit)")
            continue
        print(
            f"  x{pt.factor:4.2f}  budget {pt.budget / 100:>16,.0f}  value {pt.value:>12,.0f}"
            f"  gap {100 * (pt.gap or 0):6.3f} %  greedy {pt.greedy_value or 0:>12,.0f}"
        )
    print(
        json.dumps(
            {
                "cases": cases,
                "frontier_points": len(frontier),
                "frontier_seconds": round(frontier_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
