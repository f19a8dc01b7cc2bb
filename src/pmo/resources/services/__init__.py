"""Writes to the pool, assignments, bookings, leveling and timesheets.

Every ``do_*`` checks the actor's right first, validates with messages that name the
row and field at fault, and runs in one transaction: it completes or changes nothing.
"""

from .leveling import (
    compute_preview,
    do_apply_leveling,
    do_discard_leveling,
    do_start_leveling,
    do_undo_leveling,
)
from .pool import (
    RESOURCE_FIELDS,
    do_add_capacity_change,
    do_add_rate,
    do_assign,
    do_book,
    do_create_org_unit,
    do_create_role,
    do_create_skill,
    do_delete_capacity_change,
    do_remove_skill,
    do_replace_role,
    do_save_bookings,
    do_save_resource,
    do_set_skill,
    do_unassign,
    do_update_assignment,
)
from .timesheets import (
    CENT,
    cost_entries,
    do_approve_timesheet,
    do_approve_timesheets,
    do_copy_last_week,
    do_reject_timesheet,
    do_save_timesheet,
    do_submit_timesheet,
    this_week,
)

__all__ = [
    "CENT",
    "RESOURCE_FIELDS",
    "compute_preview",
    "cost_entries",
    "do_add_capacity_change",
    "do_add_rate",
    "do_apply_leveling",
    "do_approve_timesheet",
    "do_approve_timesheets",
    "do_assign",
    "do_book",
    "do_copy_last_week",
    "do_create_org_unit",
    "do_create_role",
    "do_create_skill",
    "do_delete_capacity_change",
    "do_discard_leveling",
    "do_reject_timesheet",
    "do_remove_skill",
    "do_replace_role",
    "do_save_bookings",
    "do_save_resource",
    "do_save_timesheet",
    "do_set_skill",
    "do_start_leveling",
    "do_submit_timesheet",
    "do_unassign",
    "do_undo_leveling",
    "do_update_assignment",
    "this_week",
]
