"""Maps plans to the leveling engine (``pmo.engine.rcpsp``) and its answer back.

One period is one working day of the (first) project's calendar. Activities are the
leaf tasks not yet finished, with durations rounded up to whole days; precedence comes
from finish-to-start links (other link types hold at the tasks' current dates, since a
task never moves earlier than it is now); demand is each assignment's units in percent
of a full day; capacity per day is the resource's calendar time, units and
availability, minus the work it already has in projects outside the leveled scope.
Started or date-pinned tasks stay where they are.
"""

import datetime as dt
import math
import zoneinfo
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from pmo.core.text import counted
from pmo.engine.rcpsp import Instance, LevelingResult, resource_usage
from pmo.schedules.choices import ConstraintType
from pmo.schedules.models import Dependency, ProjectSchedule, Task

from .choices import ResourceKind
from .models import Assignment, Resource
from .selectors import Workloads, demand, engine_calendars
from .workload import Window, calendar_minutes

# Constraints that pin a task to its date: leveling must not move it.
PINNING = frozenset(
    {
        ConstraintType.MSO,
        ConstraintType.MFO,
        ConstraintType.SNLT,
        ConstraintType.FNLT,
    }
)


@dataclass
class LevelingProblem:
    """A plan as the engine sees it, with what is needed to map the answer back."""

    instance: Instance
    tasks: list[dict]
    resources: list[Resource]
    dates: list[dt.date]
    baseline: np.ndarray
    calendar_week: tuple
    timezone: str
    versions: dict[int, int]
    finishes: dict[int, dt.datetime | None]
    warnings: list[str] = field(default_factory=list)

    def period_of(self, day: dt.date) -> int:
        return bisect_left(self.dates, day)

    def start_of(self, period: int) -> dt.datetime:
        """The first working minute of a period, as an aware datetime."""
        day = self.dates[min(period, len(self.dates) - 1)]
        hours = self.calendar_week[day.weekday()] or ((480, 1020),)
        minute = hours[0][0]
        local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        return local.replace(tzinfo=zoneinfo.ZoneInfo(self.timezone))

    def end_of(self, period: int) -> dt.datetime:
        day = self.dates[min(period, len(self.dates) - 1)]
        hours = self.calendar_week[day.weekday()] or ((480, 1020),)
        minute = hours[-1][1]
        local = dt.datetime.combine(day, dt.time(min(minute // 60, 23), minute % 60))
        return local.replace(tzinfo=zoneinfo.ZoneInfo(self.timezone))


def _working_dates(calendar, first: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` working dates from ``first`` on an engine calendar."""
    out: list[dt.date] = []
    start = first
    while len(out) < count:
        span = Window(start, 366)
        minutes = calendar_minutes(calendar, span)
        out.extend(start + dt.timedelta(days=int(i)) for i in np.flatnonzero(minutes > 0))
        start += dt.timedelta(days=366)
        if start.year > first.year + 60:
            break
    return out[:count]


def _lag_periods(link: Dependency, day_minutes: int, predecessor_duration: int) -> int:
    if link.lag <= 0:
        return 0
    if link.lag_unit == "pct":
        return math.ceil(link.lag * predecessor_duration / 100)
    if link.lag_unit == "em":
        return math.ceil(link.lag / 1440)
    return math.ceil(link.lag / day_minutes)


def load_problem(projects) -> LevelingProblem:
    """Build the engine instance for ``projects`` (one project, or a program's)."""
    projects = list(projects)
    project_ids = [p.pk for p in projects]
    settings = {
        s.project_id: s
        for s in ProjectSchedule.objects.filter(project_id__in=project_ids).select_related(
            "calendar"
        )
    }
    if not settings:
        raise ValueError("These projects have no plan yet: add tasks before leveling.")
    main = settings.get(project_ids[0]) or next(iter(settings.values()))
    day_minutes = main.calendar.hours_per_day * 60
    rows = list(
        Task.objects.filter(
            project_id__in=project_ids,
            is_summary=False,
            start__isnull=False,
        )
        .exclude(percent_complete=100)
        .order_by("project_id", "sort_key")
        .values(
            "id",
            "name",
            "outline",
            "project_id",
            "start",
            "finish",
            "duration_minutes",
            "constraint_type",
            "constraint_date",
            "actual_start",
            "project__code",
            "project__priority",
        )
    )
    if not rows:
        raise ValueError("Nothing to level: every task is finished or none is scheduled.")
    calendars = engine_calendars(
        {main.calendar_id}, range(rows[0]["start"].year - 1, rows[0]["start"].year + 8)
    )
    calendar = calendars[main.calendar_id]
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    first = min(r["start"].astimezone(zone).date() for r in rows)
    last = max(r["finish"].astimezone(zone).date() for r in rows)
    durations = [max(1, math.ceil(r["duration_minutes"] / day_minutes)) for r in rows]
    durations = [
        0 if r["duration_minutes"] == 0 else d for r, d in zip(rows, durations, strict=True)
    ]
    span_days = (last - first).days + 1
    dates = _working_dates(calendar, first, span_days + sum(durations) + 10)
    index = {r["id"]: i for i, r in enumerate(rows)}
    starts = np.array(
        [bisect_left(dates, r["start"].astimezone(zone).date()) for r in rows], np.int64
    )
    fixed = np.full(len(rows), -1, np.int64)
    for i, r in enumerate(rows):
        if r["actual_start"] is not None or r["constraint_type"] in PINNING:
            fixed[i] = starts[i]
    warnings: list[str] = []

    edges, lags = [], []
    skipped_types = defaultdict(int)
    for link in Dependency.objects.filter(predecessor_id__in=index, successor_id__in=index).only(
        "predecessor_id", "successor_id", "type", "lag", "lag_unit"
    ):
        i, j = index[link.predecessor_id], index[link.successor_id]
        if fixed[j] >= 0:
            continue
        if link.type != "FS":
            skipped_types[link.type] += 1
            continue
        edges.append((i, j))
        lags.append(_lag_periods(link, day_minutes, durations[i]))
    if skipped_types:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped_types.items()))
        warnings.append(
            f"Links other than finish-to-start ({kinds}) are kept at the tasks' current "
            "dates: tasks only move later, and the plan re-schedules them after applying."
        )

    assignments = list(
        Assignment.objects.filter(task_id__in=index)
        .select_related("resource")
        .order_by("resource__name")
    )
    resources = sorted(
        {
            a.resource
            for a in assignments
            if a.resource.kind in (ResourceKind.PERSON, ResourceKind.EQUIPMENT)
        },
        key=lambda r: r.name,
    )
    roles = {a.resource.name for a in assignments if a.resource.kind == ResourceKind.ROLE}
    if roles:
        warnings.append(
            "Generic roles are not leveled (no person behind them yet): "
            + ", ".join(sorted(roles))
            + "."
        )
    column = {r.pk: k for k, r in enumerate(resources)}
    horizon = len(dates)
    capacity = np.zeros((len(resources), horizon), np.int64)
    if resources:
        window = Window(dates[0], (dates[-1] - dates[0]).days + 1)
        loads = Workloads(resources, window)
        other = {r.pk: np.zeros(window.days) for r in resources}
        scope = set(project_ids)
        for row in demand(resources, window, loads=loads):
            if row.project_id not in scope:
                other[row.resource_id] += row.minutes
        day_idx = np.array([window.index(d) for d in dates], np.int64)
        for r in resources:
            free = loads.capacity[r.pk][day_idx] - other[r.pk][day_idx]
            capacity[column[r.pk]] = np.maximum(np.floor(free * 100 / day_minutes + 1e-6), 0)
    demands = np.zeros((len(rows), len(resources)), np.int64)
    # The engine repeats the last day's capacity for ever after, so that is what a task
    # can always count on (a part-time change without an end lowers it for good).
    peak = capacity[:, -1] if resources else np.zeros(0, np.int64)
    clamped: dict[str, list[str]] = defaultdict(list)
    dropped: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        k = column.get(a.resource_id)
        if k is None:
            continue
        i = index[a.task_id]
        units = a.units_pct
        if durations[i] == 0:
            continue
        if units > peak[k]:
            label = f"'{rows[i]['name']}' ({rows[i]['project__code']})"
            if peak[k] <= 0:
                dropped[a.resource.name].append(label)
                continue
            clamped[f"{a.resource.name} has {int(peak[k])}% free for good"].append(label)
            units = int(peak[k])
        demands[i, k] += units
    for head, labels in sorted(clamped.items()):
        warnings.append(
            f"{head}; {counted(len(labels), 'task')} asking for more "
            f"{'is' if len(labels) == 1 else 'are'} leveled at that rate: "
            + ", ".join(labels[:4])
            + (" …" if len(labels) > 4 else "")
        )
    for name, labels in sorted(dropped.items()):
        warnings.append(
            f"{name} has no free time at the end of the leveling period; leveled without "
            f"them: " + ", ".join(labels[:4]) + (" …" if len(labels) > 4 else "")
        )
    release = np.where(fixed >= 0, 0, starts)
    # Higher project priority first, then plan order: on a tie, the task listed first
    # in the plan keeps its place, as people expect.
    n = len(rows)
    priority = np.array(
        [(5 - r["project__priority"]) * (n + 1) + (n - i) for i, r in enumerate(rows)], np.int64
    )
    instance = Instance(
        durations=np.array(durations, np.int64),
        demands=demands,
        capacity=capacity if resources else np.zeros((0, 1), np.int64),
        edges=np.array(edges, np.int64).reshape(-1, 2),
        lags=np.array(lags, np.int64),
        fixed_start=fixed,
        release=release,
        priority=priority,
    )
    return LevelingProblem(
        instance=instance,
        tasks=rows,
        resources=resources,
        dates=dates,
        baseline=starts,
        calendar_week=calendar.week,
        timezone=calendar.timezone,
        versions={pid: s.version for pid, s in settings.items()},
        finishes={pid: s.computed_finish for pid, s in settings.items()},
        warnings=warnings,
    )


def preview(problem: LevelingProblem, result: LevelingResult) -> dict:
    """The leveling answer in the plan's words: moves, finish impact, what remains."""
    tasks, resources = problem.tasks, problem.resources
    moves = []
    for move in result.moves:
        task = tasks[move.activity]
        reason = []
        waited = counted(move.resource_delay, "working day")
        if move.resource_delay and move.resource >= 0:
            blocking = ", ".join(tasks[b]["name"] for b in move.blocking[:3]) or "other work"
            reason.append(
                f"waited {waited} for {resources[move.resource].name}, "
                f"fully booked on {problem.dates[move.period]:%a %d %b %Y} by {blocking}"
            )
        elif move.resource_delay:
            reason.append(f"delayed {waited} to keep resources free")
        if move.precedence_delay and move.predecessor >= 0:
            reason.append(
                f"follows '{tasks[move.predecessor]['name']}', which moved "
                f"({counted(move.precedence_delay, 'working day')})"
            )
        new_start = problem.start_of(move.new_start)
        moves.append(
            {
                "task_id": task["id"],
                "task": task["name"],
                "outline": task["outline"],
                "project_id": task["project_id"],
                "project": task["project__code"],
                "old_start": task["start"].isoformat(),
                "new_start": new_start.isoformat(),
                "shift_days": move.shift,
                "resource_delay": move.resource_delay,
                "reason": "; ".join(reason) or "moved",
            }
        )
    finish_period = result.start + problem.instance.durations
    finishes = []
    for project_id, old in problem.finishes.items():
        positions = [i for i, t in enumerate(tasks) if t["project_id"] == project_id]
        if not positions:
            continue
        new_periods = max(int(finish_period[i]) - 1 for i in positions)
        new = problem.end_of(max(new_periods, 0))
        unmoved = [tasks[i]["finish"] for i in positions if result.start[i] == problem.baseline[i]]
        estimated = max([new, *unmoved]) if unmoved else new
        if old is not None and estimated < old:
            estimated = old
        code = tasks[positions[0]]["project__code"]
        finishes.append(
            {
                "project_id": project_id,
                "project": code,
                "old": old.isoformat() if old else None,
                "new": estimated.isoformat(),
                "delay_days": (estimated.date() - old.date()).days if old else 0,
            }
        )
    conflicts = [
        {
            "resource": resources[c.resource].name,
            "from": problem.dates[min(c.first_period, len(problem.dates) - 1)].isoformat(),
            "to": problem.dates[min(c.last_period, len(problem.dates) - 1)].isoformat(),
            "load_pct": c.load,
            "capacity_pct": c.capacity,
            "tasks": [tasks[a]["name"] for a in c.activities],
        }
        for c in result.conflicts
    ]
    return {
        "moves": moves,
        "finishes": finishes,
        "conflicts": conflicts,
        "load": _overloaded_days(problem, result),
        "warnings": problem.warnings,
        "versions": {str(k): v for k, v in problem.versions.items()},
        "tasks": len(tasks),
        "resources": len(resources),
        "schedules": result.schedules,
        "seconds": round(result.seconds, 3),
    }


def _overloaded_days(problem: LevelingProblem, result: LevelingResult) -> list[dict]:
    """Per person, the working days over capacity in the plan before and after leveling
    (people who are over on neither are left out), the most overloaded first."""
    inst = problem.instance
    horizon = int(max((problem.baseline + inst.durations).max(initial=0),
                      (result.start + inst.durations).max(initial=0))) + 1  # fmt: skip
    capacity = inst.capacity_at(np.arange(horizon))
    before = (resource_usage(inst, problem.baseline, horizon=horizon) > capacity).sum(axis=1)
    after = (resource_usage(inst, result.start, horizon=horizon) > capacity).sum(axis=1)
    rows = [
        {"resource": resource.name, "before": int(b), "after": int(a)}
        for resource, b, a in zip(problem.resources, before, after, strict=True)
        if b or a
    ]
    return sorted(rows, key=lambda row: (-row["before"], -row["after"], row["resource"]))


def describe_error(problem: LevelingProblem, error) -> str:
    """An engine error in the plan's words: task names and the resource, not indices."""
    names = [
        f"'{problem.tasks[a]['name']}' ({problem.tasks[a]['project__code']})"
        for a in getattr(error, "activities", ())[:5]
        if 0 <= a < len(problem.tasks)
    ]
    resource = getattr(error, "resource", -1)
    who = problem.resources[resource].name if 0 <= resource < len(problem.resources) else ""
    parts = ["Leveling cannot place every task"]
    if names:
        parts.append(": " + ", ".join(names))
    if who:
        parts.append(f" on {who}")
    parts.append(
        f". The engine said: {error}. Tasks already started stay where they are; check "
        "that they do not overload someone by themselves, or level within slack only."
    )
    return "".join(parts)
