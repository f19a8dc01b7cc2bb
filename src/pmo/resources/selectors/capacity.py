"""Capacity and demand per day: calendars, availability, assignments and bookings."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from pmo.engine.calendars import Calendar as EngineCalendar
from pmo.schedules.models import Calendar

from ..choices import (
    TIMED_KINDS,
    CapacityReason,
    ResourceKind,
)
from ..models import (
    Assignment,
    Booking,
    CapacityChange,
    Resource,
)
from ..workload import (
    Window,
    availability_pct,
    calendar_minutes,
    contour_weights,
    spread,
)

# --- calendars and capacity -----------------------------------------------------------


def engine_calendars(calendar_ids: set, years: range) -> dict:
    """Engine calendars by stored id (``None``: the organisation's standard calendar)."""
    from pmo.schedules.adapters import engine_calendar
    from pmo.schedules.services import STANDARD_CALENDAR

    out = {}
    stored = {c.pk: c for c in Calendar.objects.filter(pk__in=calendar_ids - {None})}
    if None in calendar_ids:
        standard = Calendar.objects.filter(name=STANDARD_CALENDAR, portfolio=None).first()
        out[None] = engine_calendar(standard, years) if standard else EngineCalendar.standard()
    for pk, calendar in stored.items():
        out[pk] = engine_calendar(calendar, years)
    return out


def _years(window: Window) -> range:
    return range(window.first.year, window.last.year + 1)


class Workloads:
    """Per-day capacity and calendar minutes of a set of resources over a window."""

    def __init__(self, resources: list[Resource], window: Window):
        self.window = window
        self.resources = {r.pk: r for r in resources}
        calendars = engine_calendars({r.calendar_id for r in resources}, _years(window))
        self.calendars = calendars
        self._cal_minutes = {k: calendar_minutes(c, window) for k, c in calendars.items()}
        changes = defaultdict(list)
        for change in CapacityChange.objects.filter(resource__in=list(self.resources)).filter(
            Q(end__isnull=True) | Q(end__gte=window.first), start__lte=window.last
        ):
            changes[change.resource_id].append(
                (change.start, change.end, change.percent, change.reason == CapacityReason.LEAVE)
            )
        self.capacity = {}
        for r in resources:
            if r.kind not in TIMED_KINDS or r.kind == ResourceKind.ROLE:
                # Generic roles are demand waiting for a person; material is consumed.
                self.capacity[r.pk] = np.zeros(window.days)
                continue
            pct = availability_pct(r.availability_pct, changes[r.pk], window)
            self.capacity[r.pk] = self._cal_minutes[r.calendar_id] * r.units * pct / 100.0

    def calendar_minutes(self, resource_id: int) -> np.ndarray:
        return self._cal_minutes[self.resources[resource_id].calendar_id]


def capacity_minutes(resources: list[Resource], window: Window) -> dict[int, np.ndarray]:
    return Workloads(resources, window).capacity


# --- demand ---------------------------------------------------------------------------


@dataclass
class DemandRow:
    resource_id: int
    project_id: int
    minutes: np.ndarray
    task_id: int | None = None
    task_name: str = ""
    assignment_id: int | None = None
    booking_kind: str = ""


def _local_date(value: dt.datetime, zone) -> dt.date:
    return value.astimezone(zone).date()


def assignment_work(a: Assignment) -> int:
    """Planned work of an assignment: its own, or units x the task's duration."""
    return a.work_minutes or round(a.units_pct * a.task.duration_minutes / 100)


def demand(
    resources: list[Resource], window: Window, *, soft: bool = True, loads: Workloads = None
) -> list[DemandRow]:
    """Minutes per day of every assignment and booking of ``resources`` in ``window``.

    Assignment work is spread over the working days of the task on the resource's
    calendar, shaped by the contour; a booking's hours over the working days of its
    month, and only where the project has no task work for that resource that month
    (bookings plan before tasks exist).
    """
    import zoneinfo

    ids = [r.pk for r in resources]
    first_dt = dt.datetime.combine(window.first, dt.time.min, tzinfo=dt.UTC)
    last_dt = dt.datetime.combine(window.last, dt.time.max, tzinfo=dt.UTC)
    assignments = list(
        Assignment.objects.filter(
            resource_id__in=ids,
            task__is_summary=False,
            task__start__lte=last_dt + dt.timedelta(days=1),
            task__finish__gte=first_dt - dt.timedelta(days=1),
        ).select_related("task")
    )
    loads = loads or Workloads(resources, window)
    # One wide calendar table covers every task span, so spans outside the window
    # still spread their work correctly.
    spans = [(a.task.start, a.task.finish) for a in assignments]
    lo = min([s.date() for s, _ in spans] + [window.first]) - dt.timedelta(days=1)
    hi = max([f.date() for _, f in spans] + [window.last]) + dt.timedelta(days=1)
    wide = Window(lo, (hi - lo).days + 1)
    wide_minutes = {k: calendar_minutes(c, wide) for k, c in loads.calendars.items()}
    rows = []
    with_tasks = set()
    for a in assignments:
        resource = loads.resources[a.resource_id]
        cal = loads.calendars[resource.calendar_id]
        zone = zoneinfo.ZoneInfo(cal.timezone)
        sd, fd = _local_date(a.task.start, zone), _local_date(a.task.finish, zone)
        if fd < sd:
            continue
        a0, a1 = wide.index(sd), wide.index(fd) + 1
        weights = wide_minutes[resource.calendar_id][a0:a1].astype(float)
        weights = weights * contour_weights(a.contour, a1 - a0) if a.contour != "flat" else weights
        per_day = spread(assignment_work(a), weights)
        offset = wide.index(window.first)
        minutes = np.zeros(window.days)
        lo_i, hi_i = max(a0, offset), min(a1, offset + window.days)
        if lo_i < hi_i:
            minutes[lo_i - offset : hi_i - offset] = per_day[lo_i - a0 : hi_i - a0]
        if minutes.any():
            rows.append(
                DemandRow(
                    a.resource_id,
                    a.task.project_id,
                    minutes,
                    a.task_id,
                    a.task.name,
                    a.pk,
                )
            )
            for month in {d.replace(day=1) for d in (sd, fd)}:
                with_tasks.add((a.resource_id, a.task.project_id, month))
    bookings = Booking.objects.filter(
        resource_id__in=ids,
        month__gte=window.first.replace(day=1),
        month__lte=window.last,
    )
    if not soft:
        bookings = bookings.filter(kind="hard")
    for b in bookings:
        if (b.resource_id, b.project_id, b.month) in with_tasks:
            continue
        month_end = (b.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        month_window = Window(b.month, (month_end - b.month).days)
        resource = loads.resources[b.resource_id]
        weights = calendar_minutes(loads.calendars[resource.calendar_id], month_window)
        per_day = spread(float(b.hours) * 60, weights.astype(float))
        minutes = np.zeros(window.days)
        span = window.clip(b.month, month_window.last)
        if span:
            offset = window.index(b.month)
            minutes[span[0] : span[1]] = per_day[span[0] - offset : span[1] - offset]
            rows.append(DemandRow(b.resource_id, b.project_id, minutes, booking_kind=b.kind))
    return rows
