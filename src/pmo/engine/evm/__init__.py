"""Earned value management and earned schedule, vectorised over tasks.

The engine works on integer cents and on positions on a period grid; the app's
adapter maps baselines, progress and costs to arrays and the results back to dates.

Typical use, for one status date::

    grid = PeriodGrid.from_dates(project_start, month_ends)
    pv = spread_budget(task_budgets, baseline_starts, baseline_finishes, grid)
    at = grid.status_position(status_date)
    tasks = EvmInput(pv=pv, ev=task_ev, ac=task_ac)
    per_task = evaluate(tasks, at)
    projects = rollup(tasks, project_of_task)            # sums money
    per_project = evaluate(projects, at)                 # recomputes ratios and ES
    records = snapshots(per_project, grid=grid)          # store these

Examples
--------
>>> grid = PeriodGrid.uniform(4)
>>> pv = spread_budget([400_00], [0.0], [4.0], grid)
>>> figures = evaluate(EvmInput(pv=pv, ev=[150_00], ac=[200_00]), at=2.0)
>>> figures.spi.tolist(), figures.cpi.tolist(), figures.es.tolist()
([0.75], [0.75], [1.5])
"""

from pmo.engine.evm.core import EacMethod, EvmFigures, EvmInput, evaluate, planned_value_at, rollup
from pmo.engine.evm.errors import EvmError
from pmo.engine.evm.grid import PeriodGrid, spread_budget
from pmo.engine.evm.snapshot import FORMULA_VERSION, EvmSnapshot, snapshot, snapshots

__all__ = [
    "FORMULA_VERSION",
    "EacMethod",
    "EvmError",
    "EvmFigures",
    "EvmInput",
    "EvmSnapshot",
    "PeriodGrid",
    "evaluate",
    "planned_value_at",
    "rollup",
    "snapshot",
    "snapshots",
    "spread_budget",
]
