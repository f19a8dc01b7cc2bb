"""The only place that maps plan rows to the scheduling engine's arrays and back.

Reads a project's tasks and links in a handful of queries, runs ``pmo.engine.cpm``,
rolls dates, work, cost and progress up the WBS, and writes the results with one
``executemany`` per table, so a 10,000-task plan re-schedules in well under 2 s.
"""

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.db import connection
from django.utils import timezone

from pmo.engine.calendars import Calendar as EngineCalendar
from pmo.engine.calendars import CalendarException as EngineException
from pmo.engine.calendars import country_holidays
from pmo.engine.cpm import Activities, Constraint, ScheduleResult, schedule
from pmo.engine.network import LagKind, LinkType, compile_network, rollup, wbs_order

from .models import Calendar, Dependency, ProjectSchedule, Task
from .selectors import iso_utc

LINK_TYPES = {"FS": LinkType.FS, "SS": LinkType.SS, "FF": LinkType.FF, "SF": LinkType.SF}
LAG_KINDS = {"wm": LagKind.WORKING, "em": LagKind.ELAPSED, "pct": LagKind.PERCENT}
CONSTRAINTS = {name: Constraint[name] for name in Constraint.__members__}
NAT = np.datetime64("NaT", "m")
DATETIME_COLUMNS = ("early_start", "early_finish", "late_start", "late_finish", "start", "finish")

TASK_FIELDS = (
    "id",
    "project_id",
    "parent_id",
    "position",
    "name",
    "is_milestone",
    "duration_minutes",
    "work_minutes",
    "cost",
    "calendar_id",
    "constraint_type",
    "constraint_date",
    "deadline",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "remaining_minutes",
    "board_status",
)
RESULT_COLUMNS = (
    "outline",
    "sort_key",
    "is_summary",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "start",
    "finish",
    "total_float_minutes",
    "free_float_minutes",
    "is_critical",
)
WRITTEN_COLUMNS = (*RESULT_COLUMNS, "percent_complete", "duration_minutes", "schedule_digest")
DIGEST_NUMERIC_COLUMNS = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "start",
    "finish",
    "total_float_minutes",
    "free_float_minutes",
    "is_critical",
    "is_summary",
    "percent_complete",
    "duration_minutes",
)


def engine_calendar(calendar: Calendar, years: range) -> EngineCalendar:
    """The engine's calendar for a stored one, public holidays included for ``years``."""
    exceptions = [
        EngineException(e.start, e.end, tuple(e.hours) if e.working else (), e.name)
        for e in calendar.exceptions.all()
    ]
    holidays = (
        _country_holidays(calendar.country, calendar.subdivision or None, years.start, years.stop)
        if calendar.country
        else ()
    )
    # Explicit exceptions come last so that they override public holidays.
    return EngineCalendar(
        tuple(tuple(day) for day in calendar.week),
        (*holidays, *exceptions),
        calendar.timezone,
        calendar.name,
    )


@lru_cache(maxsize=64)
def _country_holidays(country: str, subdivision: str | None, first: int, stop: int):
    return country_holidays(country, range(first, stop), subdivision)


def _as_datetime64(values) -> np.ndarray:
    out = np.full(len(values), NAT)
    for i, value in enumerate(values):
        if value is not None:
            out[i] = np.datetime64(value.astimezone(dt.UTC).replace(tzinfo=None), "m")
    return out


@dataclass
class Plan:
    """One project's plan loaded as arrays; ``external`` rows are other projects' tasks."""

    settings: ProjectSchedule
    rows: list[dict]
    index: dict[int, int]
    parent: np.ndarray
    is_summary: np.ndarray
    external: np.ndarray
    links: list[tuple[int, int, str, int, str]]


def load_plan(settings: ProjectSchedule) -> Plan:
    project_id = settings.project_id
    rows = list(Task.objects.filter(project_id=project_id).values(*TASK_FIELDS, "schedule_digest"))
    links = list(
        Dependency.objects.filter(successor__project_id=project_id).values_list(
            "predecessor_id", "successor_id", "type", "lag", "lag_unit"
        )
    )
    index = {row["id"]: i for i, row in enumerate(rows)}
    foreign = sorted({pred for pred, *_ in links if pred not in index})
    if foreign:
        # Predecessors in other projects are held at their own scheduled dates.
        queryset = Task.objects.filter(pk__in=foreign).values(
            *TASK_FIELDS, "start", "finish", "project__schedule__calendar_id"
        )
        for row in queryset:
            row["external"] = True
            if row["calendar_id"] is None:
                row["calendar_id"] = row["project__schedule__calendar_id"]
            index[row["id"]] = len(rows)
            rows.append(row)
    n = len(rows)
    parent = np.full(n, -1, dtype=np.int64)
    for i, row in enumerate(rows):
        if not row.get("external") and row["parent_id"] in index:
            parent[i] = index[row["parent_id"]]
    is_summary = np.zeros(n, dtype=bool)
    is_summary[parent[parent >= 0]] = True
    external = np.array([bool(row.get("external")) for row in rows], dtype=bool)
    return Plan(settings, rows, index, parent, is_summary, external, links)


def outline_numbers(plan: Plan) -> tuple[list[str], list[str]]:
    """WBS numbers ("1.2.3") and sort keys from each task's parent and position."""
    internal = np.flatnonzero(~plan.external)
    children: dict[int, list[int]] = {}
    for i in internal:
        children.setdefault(int(plan.parent[i]), []).append(int(i))
    outline = [""] * len(plan.rows)
    sort_key = [""] * len(plan.rows)
    stack = [(-1, "", "")]
    while stack:
        node, prefix, key_prefix = stack.pop()
        kids = sorted(
            children.get(node, ()), key=lambda i: (plan.rows[i]["position"], plan.rows[i]["id"])
        )
        for number, child in enumerate(kids, start=1):
            outline[child] = f"{prefix}{number}"
            sort_key[child] = f"{key_prefix}{number:05d}"
            stack.append((child, f"{outline[child]}.", f"{sort_key[child]}."))
    return outline, sort_key


@dataclass
class EngineInputs:
    """A plan's leaf tasks as the CPM engine takes them, ready for ``schedule`` or
    ``prepare`` (Monte Carlo risk analysis reuses them with other durations).
    """

    leaves: np.ndarray  # positions in plan.rows of the activities, in engine order
    rows: list[dict]  # plan.rows of the activities
    network: object
    activities: Activities
    calendars: list[EngineCalendar]
    options: dict  # keyword arguments of pmo.engine.cpm.schedule / prepare


def engine_inputs(plan: Plan, calendars: dict[int, Calendar]) -> EngineInputs:
    """Map the leaf tasks (summaries take their dates from the roll-up) and links."""
    settings = plan.settings
    leaves = np.flatnonzero(~plan.is_summary)
    position = np.full(len(plan.rows), -1, dtype=np.int64)
    position[leaves] = np.arange(leaves.size)
    rows = [plan.rows[i] for i in leaves]

    anchor = settings.start if settings.direction == "forward" else settings.finish_target
    years = range(anchor.year - 2, anchor.year + 8)
    calendar_ids = [settings.calendar_id]
    for row in rows:
        cal = row["calendar_id"]
        if cal is not None and cal not in calendar_ids:
            calendar_ids.append(cal)
    engine_calendars = [engine_calendar(calendars[c], years) for c in calendar_ids]
    calendar_index = {c: k for k, c in enumerate(calendar_ids)}

    constraint = np.array([CONSTRAINTS[r["constraint_type"]] for r in rows], dtype=np.int8)
    constraint_date = _as_datetime64([r["constraint_date"] for r in rows])
    for k, row in enumerate(rows):
        if row.get("external") and row.get("start") is not None:
            # Other projects' tasks stay where their own plans put them.
            constraint[k] = Constraint.MSO
            constraint_date[k] = np.datetime64(
                row["start"].astimezone(dt.UTC).replace(tzinfo=None), "m"
            )
    activities = Activities(
        duration=np.array(
            [0 if r["is_milestone"] else r["duration_minutes"] for r in rows], dtype=np.int64
        ),
        calendar=np.array([calendar_index.get(r["calendar_id"], 0) for r in rows], dtype=np.int32),
        constraint=constraint,
        constraint_date=constraint_date,
        deadline=_as_datetime64([r["deadline"] for r in rows]),
        actual_start=_as_datetime64([r["actual_start"] for r in rows]),
        actual_finish=_as_datetime64([r["actual_finish"] for r in rows]),
        remaining=np.array(
            [-1 if r["remaining_minutes"] is None else r["remaining_minutes"] for r in rows],
            dtype=np.int64,
        ),
        percent_complete=np.array([r["percent_complete"] for r in rows], dtype=np.float64),
    )
    pred, succ, types, lags, kinds = [], [], [], [], []
    for p, s, kind, lag, unit in plan.links:
        pred.append(position[plan.index[p]])
        succ.append(position[plan.index[s]])
        types.append(LINK_TYPES[kind])
        kinds.append(LAG_KINDS[unit])
        # Percent lags are stored in whole percent; the engine counts basis points.
        lags.append(lag * 100 if unit == "pct" else lag)
    network = compile_network(
        pred=np.array(pred, dtype=np.int64),
        succ=np.array(succ, dtype=np.int64),
        n=len(rows),
        ids=np.array([r["id"] for r in rows], dtype=np.int64),
        link_type=np.array(types, dtype=np.int8),
        lag=np.array(lags, dtype=np.int64),
        lag_kind=np.array(kinds, dtype=np.int8),
    )
    options = {
        "calendars": engine_calendars,
        "start": settings.start if settings.direction == "forward" else None,
        "finish": settings.finish_target if settings.direction == "backward" else None,
        "direction": settings.direction,
        "status_date": _status_date(settings, rows),
        "critical_threshold": settings.critical_float_minutes,
    }
    return EngineInputs(leaves, rows, network, activities, engine_calendars, options)


def run_engine(plan: Plan, calendars: dict[int, Calendar]) -> tuple[np.ndarray, ScheduleResult]:
    """Schedule the leaf tasks; returns their positions in the plan and the result."""
    inputs = engine_inputs(plan, calendars)
    return inputs.leaves, schedule(inputs.network, inputs.activities, **inputs.options)


def _status_date(settings: ProjectSchedule, rows: list[dict]):
    """The project's status date; without one, progress is measured as of now."""
    moment = settings.status_date
    if moment is None and any(
        r["actual_start"] or r["percent_complete"] for r in rows if not r.get("external")
    ):
        moment = timezone.now()
    if moment is None:
        return None
    return np.datetime64(moment.astimezone(dt.UTC).replace(tzinfo=None), "m")


def compute(plan: Plan, calendars: dict[int, Calendar]) -> tuple[dict, ScheduleResult]:
    """Engine dates for leaves, roll-ups for summaries, and a digest per row.

    Dates come back as int64 minutes since the Unix epoch (UTC), one array per column.
    """
    n = len(plan.rows)
    leaves, result = run_engine(plan, calendars)
    big, small = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    order = wbs_order(plan.parent)
    out: dict = {}
    for name in DATETIME_COLUMNS:
        minutes = np.full(n, big if "start" in name else small)
        minutes[leaves] = result.dates(name).astype(np.int64)
        out[name] = rollup(plan.parent, minutes, "min" if "start" in name else "max", order=order)
    total_float = np.full(n, big)
    free_float = np.zeros(n, dtype=np.int64)
    critical = np.zeros(n, dtype=np.int64)
    total_float[leaves] = result.total_float
    free_float[leaves] = result.free_float
    critical[leaves] = result.critical
    out["total_float_minutes"] = rollup(plan.parent, total_float, "min", order=order)
    out["free_float_minutes"] = free_float
    out["is_critical"] = rollup(plan.parent, critical, "max", order=order).astype(bool)
    out["is_summary"] = plan.is_summary
    out["percent_complete"] = np.array(rolled_up_progress(plan), dtype=np.int64)
    # A summary's duration is the working time it spans on the project calendar.
    span_start = np.full(n, big)
    span_finish = np.full(n, small)
    span_start[leaves], span_finish[leaves] = result.start, result.finish
    span_start = rollup(plan.parent, span_start, "min", order=order)
    span_finish = rollup(plan.parent, span_finish, "max", order=order)
    own = np.array([row["duration_minutes"] for row in plan.rows], dtype=np.int64)
    out["duration_minutes"] = np.where(plan.is_summary, span_finish - span_start, own)
    out["outline"], out["sort_key"] = outline_numbers(plan)
    out["schedule_digest"] = _digest(out)
    return out, result


def _digest(values: dict) -> np.ndarray:
    """A 64-bit fingerprint of each row's computed values (FNV-1a over the columns).

    Comparing fingerprints tells which rows changed without reading the stored dates
    back, which would cost more than computing them. ``zlib.crc32`` keeps the strings'
    part stable across processes (``hash()`` is salted per process).
    """
    h = np.full(len(values["outline"]), 0xCBF29CE484222325, dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    columns = [np.asarray(values[name]).astype(np.int64) for name in DIGEST_NUMERIC_COLUMNS]
    columns.append(np.array([zlib.crc32(text.encode()) for text in values["outline"]]))
    columns.append(np.array([zlib.crc32(text.encode()) for text in values["sort_key"]]))
    with np.errstate(over="ignore"):
        for column in columns:
            h = (h ^ column.astype(np.int64).view(np.uint64)) * prime
    return h.view(np.int64)


def rolled_up_progress(plan: Plan) -> list[int]:
    """% complete: leaves keep theirs; summaries get the duration-weighted mean below them."""
    n = len(plan.rows)
    percent = np.array([row["percent_complete"] for row in plan.rows], dtype=np.float64)
    weight = np.array(
        [0 if row["is_milestone"] else row["duration_minutes"] for row in plan.rows], dtype=float
    )
    rolled = rollup(plan.parent, percent, "mean", weights=weight)
    rolled = np.where(np.isnan(rolled), 0, rolled)
    return [
        round(float(rolled[i])) if plan.is_summary[i] else plan.rows[i]["percent_complete"]
        for i in range(n)
    ]


def changed_rows(plan: Plan, values: dict) -> list[int]:
    """Positions of the project's own tasks whose computed values differ from the stored."""
    stored = np.array([row.get("schedule_digest") or 0 for row in plan.rows], dtype=np.int64)
    changed = (stored != values["schedule_digest"]) & ~plan.external
    return np.flatnonzero(changed).tolist()


def _datetime_params(minutes: np.ndarray) -> list:
    """Database parameters for UTC minutes: SQLite stores Django's naive UTC text, which
    numpy formats far faster than Django's per-value adaptation; other databases take
    aware datetimes.
    """
    stamps = minutes.astype("datetime64[m]")
    if connection.vendor == "sqlite":
        return [text.replace("T", " ") for text in np.datetime_as_string(stamps, unit="s")]
    return [value.replace(tzinfo=dt.UTC) for value in stamps.astype("datetime64[us]").tolist()]


def write_results(plan: Plan, values: dict, positions: list[int]) -> int:
    """Write the computed columns of the tasks at ``positions`` (one executemany)."""
    if not positions:
        return 0
    ops = connection.ops
    table = ops.quote_name(Task._meta.db_table)
    sets = ", ".join(f"{ops.quote_name(column)} = %s" for column in WRITTEN_COLUMNS)
    chosen = np.asarray(positions)
    columns = []
    for column in WRITTEN_COLUMNS:
        if column in DATETIME_COLUMNS:
            columns.append(_datetime_params(values[column][chosen]))
        elif column in ("outline", "sort_key"):
            columns.append([values[column][i] for i in positions])
        elif column in ("is_summary", "is_critical"):
            columns.append([bool(v) for v in np.asarray(values[column])[chosen]])
        else:
            columns.append([int(v) for v in np.asarray(values[column])[chosen]])
    ids = [plan.rows[i]["id"] for i in positions]
    params = [list(row) for row in zip(*columns, ids, strict=True)]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", params)
    return len(params)


def aware(minutes: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=int(minutes))


def changed_payload(plan: Plan, values: dict, positions: list[int]) -> list[dict]:
    """What a re-schedule changed in the Gantt's task objects, for the rows at
    ``positions``, built from memory (the database was just written with the same
    values), in WBS order. Names, baselines and other fields a re-schedule cannot change
    are left out: the Gantt merges these into the tasks it has.
    """
    if not positions:
        return []
    chosen = np.asarray(positions)
    iso = {
        name: np.datetime_as_string(values[name][chosen].astype("datetime64[m]"), unit="s")
        for name in ("start", "finish", "late_start", "late_finish")
    }
    out = []
    for k, i in enumerate(positions):
        row = plan.rows[i]
        outline = values["outline"][i]
        out.append(
            {
                "id": row["id"],
                "parent": row["parent_id"],
                "outline": outline,
                "level": outline.count(".") + 1 if outline else 1,
                "summary": bool(values["is_summary"][i]),
                "start": iso["start"][k] + "Z",
                "finish": iso["finish"][k] + "Z",
                "late_start": iso["late_start"][k] + "Z",
                "late_finish": iso["late_finish"][k] + "Z",
                "duration_minutes": int(values["duration_minutes"][i]),
                "total_float_minutes": int(values["total_float_minutes"][i]),
                "free_float_minutes": int(values["free_float_minutes"][i]),
                "critical": bool(values["is_critical"][i]),
                "percent_complete": int(values["percent_complete"][i]),
                "constraint_type": row["constraint_type"],
                "constraint_date": iso_utc(row["constraint_date"]),
                "_sort": values["sort_key"][i],
            }
        )
    out.sort(key=lambda task: task.pop("_sort"))
    return out
