"""Reads of the pool: capacity, demand, the heatmap and its drill-down, people search,
timesheets, labour actuals and metrics.

Capacity and demand always count all of a person's work, in every portfolio; what a
user may not see is summed into "other work" rather than left out.
"""

from .capacity import (
    DemandRow,
    Workloads,
    assignment_work,
    capacity_minutes,
    demand,
    engine_calendars,
)
from .heatmap import (
    HeatRow,
    cell_detail,
    find_people,
    heatmap,
    staffing_suggestions,
)
from .metrics import (
    current_week,
    metrics,
    resource_weeks,
)
from .pool import (
    assignments_of_project,
    booking_grid,
    bookings_of_project,
    can_manage_pool,
    can_manage_resource,
    leveling_runs,
    pool,
    rate_on,
    resource_of,
)
from .timesheets import (
    entry_grids,
    labour_actuals,
    planned_in_week,
    timesheet_grid,
    timesheets_to_approve,
    visible_timesheets,
    waiting_for,
)

__all__ = [
    "DemandRow",
    "HeatRow",
    "Workloads",
    "assignment_work",
    "assignments_of_project",
    "booking_grid",
    "bookings_of_project",
    "can_manage_pool",
    "can_manage_resource",
    "capacity_minutes",
    "cell_detail",
    "current_week",
    "demand",
    "engine_calendars",
    "entry_grids",
    "find_people",
    "heatmap",
    "labour_actuals",
    "leveling_runs",
    "metrics",
    "planned_in_week",
    "pool",
    "rate_on",
    "resource_of",
    "resource_weeks",
    "staffing_suggestions",
    "timesheet_grid",
    "timesheets_to_approve",
    "visible_timesheets",
    "waiting_for",
]
