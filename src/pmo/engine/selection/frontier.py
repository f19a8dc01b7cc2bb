"""Efficient frontier: the best portfolio value at a range of budget levels."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from pmo.engine.selection.heuristics import Workspace, greedy, state_from_columns
from pmo.engine.selection.highs import model_arrays
from pmo.engine.selection.model import InfeasibleSelection, SelectionProblem, compile_problem
from pmo.engine.selection.solver import _gap, _solve_compiled

__all__ = ["FrontierPoint", "efficient_frontier"]


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """The best portfolio found when every budget limit is scaled by ``factor``.

    Attributes
    ----------
    factor : float
        Multiplier applied to every budget limit (capacities are unchanged).
    budget : int
        Sum of the scaled budget limits over kinds and periods, in cents.
    value, bound, gap : float or None
        As in `Selection`; None when the mandatory projects do not fit this budget.
    greedy_value : float or None
        Value of the rank-by-value-per-cost baseline at this budget.
    selected : tuple of str
    """

    factor: float
    budget: int
    value: float | None
    bound: float | None
    gap: float | None
    greedy_value: float | None
    selected: tuple[str, ...]


def efficient_frontier(
    problem: SelectionProblem,
    factors: Sequence[float] | None = None,
    *,
    points: int = 20,
    time_limit: float = 120.0,
    gap: float = 1e-3,
    use_milp: bool = True,
) -> tuple[FrontierPoint, ...]:
    """Best value at budget levels ``factors`` x the problem's budgets.

    Levels are solved from the smallest up, each warm-started with the portfolio of the
    level below (still feasible with more money), so the values never decrease.

    Parameters
    ----------
    problem : SelectionProblem
    factors : sequence of float, optional
        Budget multipliers (default: ``points`` evenly spaced from 0.1 to 2.0).
    points : int
        Number of levels when ``factors`` is not given.
    time_limit : float
        Seconds for the whole frontier, shared evenly among the levels left.
    gap : float
        Relative gap at which a level's search stops.
    use_milp : bool
        As in `solve`.

    Returns
    -------
    tuple of FrontierPoint
        In increasing budget order.
    """
    t0 = time.perf_counter()
    levels = sorted(
        float(f) for f in (np.linspace(0.1, 2.0, points) if factors is None else factors)
    )
    if any(f < 0 for f in levels):
        raise ValueError("budget factors must not be negative")
    base = compile_problem(problem)
    nb = base.n_budget_rows
    full = model_arrays(base)
    out: list[FrontierPoint] = []
    prev_cols: np.ndarray | None = None
    for k, f in enumerate(levels):
        limit = base.limit.copy()
        # floor keeps integer cents and makes the limits grow with the factor
        limit[:nb] = np.floor(base.limit[:nb] * f)
        c = base.with_limits(limit)
        row_upper = full.row_upper.copy()
        row_upper[:nb] = limit[:nb]
        model = replace(full, row_upper=row_upper)
        ws = Workspace(c)
        warm = None if prev_cols is None else state_from_columns(ws, prev_cols)
        share = (time_limit - (time.perf_counter() - t0)) / (len(levels) - k)
        try:
            run, _ = _solve_compiled(c, max(share, 0.2), gap, use_milp, warm, None, model)
        except InfeasibleSelection:
            out.append(FrontierPoint(f, int(limit[:nb].sum()), None, None, None, None, ()))
            continue
        s = run.best
        assert s is not None
        g = greedy(run.ws, "score")
        prev_cols = s.sel[s.sel >= 0].copy()
        out.append(
            FrontierPoint(
                factor=f,
                budget=int(limit[:nb].sum()),
                value=float(s.value),
                bound=float(run.bound),
                gap=_gap(float(s.value), float(run.bound)),
                greedy_value=None if g is None else float(g.value),
                selected=tuple(c.ids[i] for i in np.flatnonzero(s.sel >= 0)),
            )
        )
    return tuple(out)
