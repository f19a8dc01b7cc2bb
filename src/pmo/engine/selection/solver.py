"""Portfolio selection: our heuristics around HiGHS, with a certified gap and explanations.

The order of work, each step only if the gap is still open and time is left:

1. infeasibility diagnosis of the forced projects (raises `InfeasibleSelection`);
2. the LP relaxation: its value is the first proven bound, its prices guide the rest;
3. LP-guided rounding, the greedy baseline, and local search on the better of the two;
4. HiGHS branch and cut, warm-started with our portfolio; its dual bound tightens ours.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from pmo.engine.selection.diagnose import forced_start
from pmo.engine.selection.heuristics import (
    State,
    Workspace,
    greedy,
    improve,
    lp_rounding,
    state_from_columns,
)
from pmo.engine.selection.highs import (
    LpResult,
    ModelArrays,
    model_arrays,
    solve_lp,
    solve_milp,
)
from pmo.engine.selection.model import (
    Candidate,
    Compiled,
    ConstraintUse,
    InfeasibleSelection,
    InvalidSelectionInput,
    ProjectOutcome,
    Selection,
    SelectionProblem,
    compile_problem,
)

__all__ = ["greedy_selection", "marginal_values", "solve"]


def _gap(value: float, bound: float) -> float:
    # a bound within float noise of the value (HiGHS reports its dual bound with
    # tolerances) certifies optimality; anything wider is reported as it is
    if bound - value <= 1e-9 * max(1.0, abs(value)):
        return 0.0
    if bound <= 0:
        return 1.0
    return max(0.0, 1.0 - value / bound)


def _better(a: State | None, b: State | None) -> State | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.value > a.value + 1e-9 * max(1.0, abs(a.value)) else a


class _Run:
    """One solve of a compiled problem: incumbent, bound and the LP that guides both."""

    def __init__(self, c: Compiled, threads: int | None, model: ModelArrays | None = None) -> None:
        self.c = c
        self.ws = Workspace(c)
        self.model = model_arrays(c) if model is None else model
        self.threads = threads
        self.lp: LpResult | None = None
        self.best: State | None = None
        self.bound = np.inf
        self.source = ""

    def offer(self, s: State | None, source: str) -> None:
        if s is not None and (self.best is None or _better(self.best, s) is s):
            self.best = s
            self.source = source

    def gap(self) -> float:
        return 1.0 if self.best is None else _gap(self.best.value, self.bound)

    def run(
        self,
        deadline: float,
        gap: float,
        use_milp: bool,
        warm: State | None,
        seed_cols: np.ndarray,
    ) -> None:
        ws = self.ws
        t_start = time.perf_counter()
        self.offer(warm, "warm start")
        lp = solve_lp(self.model, max(deadline - time.perf_counter(), 0.5), self.threads)
        if lp is None:
            # the diagnosis proved the forced set placeable, so this is numerical noise
            lp = LpResult(
                value=float(np.maximum(self.c.opt_value, 0).sum()),
                y=np.zeros(self.c.n_opts),
                row_dual=np.zeros(self.model.a.shape[0]),
                col_dual=np.zeros(self.c.n_opts),
                optimal=False,
            )
        self.lp = lp
        self.bound = lp.value
        dual = np.maximum(lp.row_dual[: self.c.n_rows], 0.0)
        if lp.optimal:
            self.offer(lp_rounding(ws, lp.y, dual), "lp-rounding")
        self.offer(greedy(ws), "greedy")
        if self.best is None:
            base = state_from_columns(ws, seed_cols)
            if base is not None:
                ws.fill(base, np.arange(self.c.n_items, dtype=np.int64), ws.default_pref())
                self.offer(base, "repair")
        if self.best is not None and self.gap() > gap:
            before = self.best.value
            improved = improve(ws, _copy(self.best), dual if lp.optimal else None, deadline)
            if improved.value > before + 1e-9 * max(1.0, abs(before)):
                self.offer(improved, "local-search")
        # HiGHS gets what is left but a slice for polishing its answer afterwards
        left = deadline - time.perf_counter() - 0.02 * (deadline - t_start)
        if use_milp and self.gap() > gap and left > 0.05:
            start = None
            if self.best is not None:
                start = np.zeros(self.c.n_opts)
                start[self.best.sel[self.best.sel >= 0]] = 1.0
            out = solve_milp(self.model, left, start, rel_gap=gap, threads=self.threads)
            if out.y is not None:
                s = state_from_columns(ws, np.flatnonzero(out.y > 0.5))
                self.offer(s, "milp")
            if np.isfinite(out.bound):
                self.bound = min(self.bound, out.bound)
            if self.best is not None and self.gap() > gap and self.source == "milp":
                # HiGHS stopped on time: a pass of exchanges often still finds a gain
                polished = improve(
                    ws, _copy(self.best), dual if lp.optimal else None, deadline, max_rounds=3
                )
                if polished.value > self.best.value + 1e-9 * max(1.0, abs(self.best.value)):
                    self.offer(polished, "milp + local-search")
        if self.best is not None:
            self.bound = max(self.bound, self.best.value)


def _copy(s: State) -> State:
    return State(sel=s.sel.copy(), resid=s.resid.copy(), gcount=s.gcount.copy(), value=s.value)


def _usage(c: Compiled, s: State, lp: LpResult | None) -> list[ConstraintUse]:
    used = c.limit - s.resid
    slack = s.resid
    price = np.zeros(c.n_rows) if lp is None else np.maximum(lp.row_dual[: c.n_rows], 0.0)
    # a row binds when it has no slack, or when it alone keeps out a column that the
    # logical constraints would admit: the budget or role-month to raise to grow value
    binding = slack <= c.tol
    chosen = s.sel >= 0
    admissible = ~chosen & (c.opt_value[c.item_ptr[:-1]] > 0)
    for i in np.flatnonzero(admissible):
        reqs = c.req_idx[c.req_ptr[i] : c.req_ptr[i + 1]]
        grps = c.grp_idx[c.grp_ptr[i] : c.grp_ptr[i + 1]]
        if not np.all(chosen[reqs]) or np.any(s.gcount[grps] > 0):
            admissible[i] = False
    cols = np.flatnonzero(admissible[c.opt_item])
    if cols.size:
        sub = c.matrix[:, cols].tocoo()
        short = sub.data > s.resid[sub.row] + c.tol[sub.row]
        blocked = np.bincount(sub.col[short], minlength=cols.size)
        lone = short & (blocked[sub.col] == 1)
        binding[sub.row[lone]] = True
    out = []
    for r in range(c.n_rows):
        role = None if r < c.n_budget_rows else c.problem.roles[int(c.row_role[r])]
        out.append(
            ConstraintUse(
                kind=c.row_kind[r],
                label=c.row_label(r),
                period=int(c.row_period[r]),
                role=role,
                limit=float(c.limit[r]),
                used=float(used[r]),
                slack=float(slack[r]),
                binding=bool(binding[r]),
                shadow_price=float(price[r]),
            )
        )
    return out


def _outcomes(c: Compiled, s: State, lp: LpResult | None) -> list[ProjectOutcome]:
    if lp is not None and lp.optimal:
        price = c.matrix.T @ np.maximum(lp.row_dual[: c.n_rows], 0.0)
        reduced = lp.col_dual
    else:
        price = np.zeros(c.n_opts)
        reduced = c.opt_value.copy()
    out = []
    for i, cid in enumerate(c.ids):
        j = int(s.sel[i])
        selected = j >= 0
        if not selected:
            lo, hi = c.item_ptr[i], c.item_ptr[i + 1]
            j = int(lo + np.argmax(reduced[lo:hi]))
        out.append(
            ProjectOutcome(
                id=cid,
                selected=selected,
                start=int(c.opt_start[j]) if selected else None,
                value=float(c.opt_value[j]),
                resource_price=float(price[j]),
                reduced_cost=float(reduced[j]),
            )
        )
    return out


def _result(c: Compiled, run: _Run, gap: float, seconds: float) -> Selection:
    s = run.best
    assert s is not None
    uses = _usage(c, s, run.lp)
    nb = c.n_budget_rows
    chosen = np.flatnonzero(s.sel >= 0)
    g = _gap(s.value, run.bound)
    return Selection(
        selected=tuple(c.ids[i] for i in chosen),
        starts={c.ids[i]: int(c.opt_start[s.sel[i]]) for i in chosen},
        value=float(s.value),
        bound=float(run.bound),
        gap=g,
        optimal=g <= gap,
        seconds=seconds,
        budget=tuple(uses[:nb]),
        capacity=tuple(uses[nb:]),
        projects=tuple(_outcomes(c, s, run.lp)),
        source=run.source,
    )


def _solve_compiled(
    c: Compiled,
    time_limit: float,
    gap: float,
    use_milp: bool,
    warm: State | None,
    threads: int | None,
    model: ModelArrays | None = None,
) -> tuple[_Run, float]:
    t0 = time.perf_counter()
    seed_cols = forced_start(c)
    run = _Run(c, threads, model)
    # keep back what explaining the answer takes, so the call returns within its limit
    reserve = min(0.05 * float(time_limit), 1e-5 * c.n_opts + 1e-7 * c.matrix.nnz)
    run.run(t0 + float(time_limit) - reserve, gap, use_milp, warm, seed_cols)
    if run.best is None:
        # forced_start placed the forced set, so a portfolio exists: HiGHS ran out of time
        base = state_from_columns(run.ws, seed_cols)
        run.offer(base, "repair")
    return run, time.perf_counter() - t0


def solve(
    problem: SelectionProblem,
    *,
    time_limit: float = 10.0,
    gap: float = 1e-4,
    use_milp: bool = True,
    initial: Iterable[str] | dict[str, int] | None = None,
    threads: int | None = None,
) -> Selection:
    """Select the portfolio of greatest total value within budgets and capacities.

    Parameters
    ----------
    problem : SelectionProblem
    time_limit : float
        Seconds of wall time; the best portfolio and bound found by then are returned.
    gap : float
        Relative gap at which the search stops (0 asks for a proven optimum).
    use_milp : bool
        Hand the problem to HiGHS branch and cut after the heuristics (else the bound is
        the LP relaxation's).
    initial : iterable of str or dict of str to int, optional
        A portfolio to start from (ids, or ids to start months); ignored if infeasible.
    threads : int, optional
        Threads HiGHS may use.

    Returns
    -------
    Selection

    Raises
    ------
    InfeasibleSelection
        The mandatory projects (with their prerequisites) cannot all be selected; the
        error names them and the budgets, capacities or groups they break.
    InvalidSelectionInput
        The problem is malformed.

    Examples
    --------
    >>> from pmo.engine.selection import Candidate, SelectionProblem, solve
    >>> p = SelectionProblem(
    ...     candidates=[Candidate("A", 10, capex=[60]), Candidate("B", 7, capex=[50]),
    ...                 Candidate("C", 6, capex=[40])],
    ...     budget_total=[100],
    ... )
    >>> sel = solve(p)
    >>> sel.selected, sel.value, sel.gap
    (('A', 'C'), 16.0, 0.0)
    """
    _compile_kernels()
    t0 = time.perf_counter()
    c = compile_problem(problem)
    warm = _warm_state(c, initial)
    left = float(time_limit) - (time.perf_counter() - t0)
    run, _ = _solve_compiled(c, max(left, 0.1), gap, use_milp, warm, threads)
    return _result(c, run, gap, time.perf_counter() - t0)


_KERNELS_READY = False


def _compile_kernels() -> None:
    """Solve a tiny problem once per process so that numba's compilation (or loading its
    cache) is not charged to the caller's time limit: on a cold start it can take longer
    than the whole budget and leave no time to prove the answer.
    """
    global _KERNELS_READY
    if _KERNELS_READY:
        return
    _KERNELS_READY = True
    tiny = SelectionProblem(
        candidates=[
            Candidate("A", 10, capex=[60, 0], demand={"dev": [1.0, 1.0]}, starts=(0, 1)),
            Candidate("B", 7, capex=[50], opex=[5], mandatory=True),
            Candidate("C", 6, capex=[40], requires=("B",)),
            Candidate("D", 5, capex=[30], demand={"dev": [2.0]}),
        ],
        budget_total=[120, 120],
        months_per_period=1,
        roles=["dev"],
        capacity=[[2.0, 2.0]],
        exclusive_groups=[("C", "D")],
        delay_discount=0.01,
    )
    solve(tiny, time_limit=60.0)


def _warm_state(c: Compiled, initial: Iterable[str] | dict[str, int] | None) -> State | None:
    if initial is None:
        return None
    starts = initial if isinstance(initial, dict) else dict.fromkeys(initial)
    cols = []
    for cid, start in starts.items():
        if cid not in c.index:
            raise InvalidSelectionInput(f"initial portfolio names unknown candidate {cid!r}")
        i = c.index[cid]
        span = range(c.item_ptr[i], c.item_ptr[i + 1])
        match = [j for j in span if start is None or c.opt_start[j] == start]
        if not match:
            return None
        cols.append(match[0])
    return state_from_columns(Workspace(c), np.asarray(cols, dtype=np.int64))


def greedy_selection(problem: SelectionProblem, rank: str = "score") -> Selection:
    """The baseline a PMO runs by hand: rank, then fund until the money runs out.

    ``rank="score"`` (the default) ranks by value, as a ranked list with a cut line does;
    ``rank="value_per_cost"`` by value per unit of total spend, the stronger "bang for
    the buck" variant. Mandatory projects go first; every other one is offered in that
    order at its earliest start that fits, with its unfunded prerequisites as one
    package, skipping what breaks a budget, capacity or exclusive group. The bound
    reported is the LP relaxation's, so the gap says how far the baseline is.

    Raises
    ------
    InfeasibleSelection
        As `solve`.
    """
    t0 = time.perf_counter()
    c = compile_problem(problem)
    seed_cols = forced_start(c)
    run = _Run(c, None)
    lp = solve_lp(run.model, 60.0)
    run.lp = lp
    run.bound = lp.value if lp is not None else np.inf
    if rank not in ("score", "value_per_cost"):
        raise InvalidSelectionInput(f"rank must be 'score' or 'value_per_cost', not {rank!r}")
    s = greedy(run.ws, rank)
    if s is None:
        s = state_from_columns(run.ws, seed_cols)
    run.offer(s, "greedy")
    run.bound = max(run.bound, run.best.value) if run.best is not None else run.bound
    return _result(c, run, 0.0, time.perf_counter() - t0)


def _restricted(problem: SelectionProblem, drop: str | None, force: str | None) -> SelectionProblem:
    """``problem`` without ``drop`` (and what requires it), or with ``force`` mandatory."""
    gone: set[str] = set()
    if drop is not None:
        gone.add(drop)
        changed = True
        while changed:
            changed = False
            for cand in problem.candidates:
                if cand.id not in gone and any(r in gone for r in cand.requires):
                    gone.add(cand.id)
                    changed = True
    cands: list[Candidate] = []
    for cand in problem.candidates:
        if cand.id in gone:
            continue
        if cand.id == force and not cand.mandatory:
            cand = Candidate(
                id=cand.id,
                value=cand.value,
                capex=cand.capex,
                opex=cand.opex,
                demand=cand.demand,
                starts=cand.starts,
                start_values=cand.start_values,
                mandatory=True,
                requires=cand.requires,
            )
        cands.append(cand)
    groups = [[x for x in g if x not in gone] for g in problem.exclusive_groups]
    return SelectionProblem(
        candidates=cands,
        budget_total=problem.budget_total,
        budget_capex=problem.budget_capex,
        budget_opex=problem.budget_opex,
        months_per_period=problem.months_per_period,
        period_labels=problem.period_labels,
        roles=problem.roles,
        capacity=problem.capacity,
        month_labels=problem.month_labels,
        exclusive_groups=groups,
        delay_discount=problem.delay_discount,
    )


def marginal_values(
    problem: SelectionProblem,
    selection: Selection,
    ids: Iterable[str] | None = None,
    *,
    time_limit: float = 10.0,
    gap: float = 1e-4,
) -> dict[str, float]:
    """What each candidate's inclusion is worth, by re-solving with it flipped.

    For a selected candidate: the optimum minus the optimum without it (and without
    what requires it), i.e. the value it brings; for a mandatory one that is what the
    mandate costs when negative. For an unselected one: the optimum with
    it forced in minus the optimum, i.e. what forcing it costs (negative), ``-inf`` when it
    cannot be added at all. Exact when every solve closes its gap.

    Parameters
    ----------
    problem : SelectionProblem
    selection : Selection
        The result of `solve` on ``problem``.
    ids : iterable of str, optional
        Candidates to evaluate (default: all; each costs one solve).
    time_limit, gap : float
        Per re-solve, as for `solve`.

    Returns
    -------
    dict of str to float
    """
    chosen = set(selection.selected)
    todo = [c.id for c in problem.candidates] if ids is None else list(ids)
    out: dict[str, float] = {}
    for cid in todo:
        try:
            if cid in chosen:
                alt = solve(_restricted(problem, cid, None), time_limit=time_limit, gap=gap)
                out[cid] = selection.value - alt.value
            else:
                alt = solve(_restricted(problem, None, cid), time_limit=time_limit, gap=gap)
                out[cid] = alt.value - selection.value
        except InfeasibleSelection:
            out[cid] = -np.inf
    return out
