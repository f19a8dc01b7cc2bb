"""Portfolio selection: which candidate projects to fund, and when to start them.

Maximises total value subject to budgets per period (total, capex, opex), capacity per
role and month, mandatory projects, exclusive groups, prerequisites and optional start
shifting. A mixed-integer program solved by our LP-guided heuristics and HiGHS; every
answer carries a certified gap, the binding constraints and per-project prices.
Infeasible input raises `InfeasibleSelection` naming the conflicting constraints.
"""

from pmo.engine.selection.frontier import FrontierPoint, efficient_frontier
from pmo.engine.selection.model import (
    Candidate,
    Conflict,
    ConstraintUse,
    InfeasibleSelection,
    InvalidSelectionInput,
    ProjectOutcome,
    Selection,
    SelectionError,
    SelectionProblem,
    blend_values,
    compile_problem,
)
from pmo.engine.selection.solver import greedy_selection, marginal_values, solve

__all__ = [
    "Candidate",
    "Conflict",
    "ConstraintUse",
    "FrontierPoint",
    "InfeasibleSelection",
    "InvalidSelectionInput",
    "ProjectOutcome",
    "Selection",
    "SelectionError",
    "SelectionProblem",
    "blend_values",
    "compile_problem",
    "efficient_frontier",
    "greedy_selection",
    "marginal_values",
    "solve",
]
