"""Demo project plans: a phased WBS with milestones, mixed dependencies, a baseline and
progress up to the demo date, so every Gantt, float and variance figure has a story.
"""

import datetime as dt
import random
import zoneinfo

from pmo.demo.context import OFFICE_COUNTRY, OFFICE_TIMEZONE
from pmo.schedules import services as plan_services
from pmo.schedules.choices import BoardStatus, LagUnit, LinkType
from pmo.schedules.models import CalendarException, Dependency, ProjectSchedule, Task

DAY = 480  # working minutes in a standard 8-hour day

PHASES = [
    ("Initiation", ["Project charter", "Stakeholder analysis", "Kick-off workshop"]),
    (
        "Planning",
        [
            "Requirements gathering",
            "Scope statement",
            "Work breakdown",
            "Risk workshop",
            "Budget estimate",
            "Resource plan",
        ],
    ),
    (
        "Design",
        [
            "Solution architecture",
            "Data model",
            "UX prototypes",
            "Integration design",
            "Security review",
            "Design sign-off review",
        ],
    ),
    (
        "Build",
        [
            "Environment set-up",
            "Core services",
            "User interface",
            "Integrations",
            "Data migration scripts",
            "Reporting",
            "Documentation",
            "Code review",
        ],
    ),
    (
        "Test",
        [
            "Test plan",
            "System testing",
            "Performance testing",
            "User acceptance testing",
            "Defect fixing",
            "Regression testing",
        ],
    ),
    ("Deployment", ["Cut-over plan", "Training", "Data migration", "Go-live support"]),
    ("Closure", ["Lessons learned", "Handover to operations", "Project closure report"]),
]
SHORT_PHASES = ("Initiation", "Closure")
MILESTONES = {
    "Initiation": "Charter approved",
    "Planning": "Plan baselined",
    "Design": "Design signed off",
    "Build": "Build complete",
    "Test": "UAT passed",
    "Deployment": "Go-live",
    "Closure": "Project closed",
}


_INCREMENT = " – increment "


def _work_packages(rng: random.Random, phase: str, names: list[str], target: int) -> list[str]:
    """Repeat a phase's activities over increments so big projects get big plans."""
    if target <= len(names):
        return names[: max(2, target)]
    rounds = -(-target // len(names))
    out = []
    for r in range(rounds):
        for name in names:
            out.append(name if r == 0 else f"{name}{_INCREMENT}{r + 1}")
    # Which repeats a partial last round keeps varies (their numbers are put in date
    # order once the plan is scheduled: see _order_by_start).
    later = out[len(names) :]
    rng.shuffle(later)
    return out[: len(names)] + later[: max(0, target - len(names))]


def build(ctx) -> None:
    """Demo step: a plan for every demo project (see ``pmo.demo.context``)."""
    _dress_calendar(ctx.as_of)
    low, high = ctx.plan_size
    tasks = 0
    for number, project in enumerate(ctx.projects, start=1):
        tasks += build_plan(project, ctx.rng, ctx.as_of, size=ctx.rng.randint(low, high))
        if number % 10 == 0 or number == len(ctx.projects):
            ctx.say(f"  plans: {number}/{len(ctx.projects)} projects, {tasks} tasks")
    ctx.counts["tasks"] = tasks


def _dress_calendar(as_of: dt.date) -> None:
    """The organisation's calendar as a real one looks: the country's public holidays in
    the office's time zone, and the year-end shutdown in every year the plans span."""
    calendar = plan_services.standard_calendar()
    calendar.country = OFFICE_COUNTRY
    calendar.timezone = OFFICE_TIMEZONE
    calendar.save(update_fields=["country", "timezone", "updated_at"])
    CalendarException.objects.bulk_create(
        CalendarException(
            calendar=calendar,
            name="Year-end shutdown",
            start=dt.date(year, 12, 24),
            end=dt.date(year + 1, 1, 1),
        )
        for year in range(as_of.year - 3, as_of.year + 4)
    )


def _phase_sizes(rng: random.Random, size: int) -> dict[str, int]:
    """Activities per phase so that the plan has about ``size`` rows in all.

    Summaries and milestones take two rows a phase; the short first and last phases keep
    their few activities; the others share the rest in random proportions.
    """
    counts = {name: len(names) for name, names in PHASES if name in SHORT_PHASES}
    long_phases = [name for name, _ in PHASES if name not in SHORT_PHASES]
    available = max(2 * len(long_phases), size - 2 * len(PHASES) - sum(counts.values()))
    weights = [rng.uniform(0.6, 1.4) for _ in long_phases]
    total = sum(weights)
    shares = [max(2, int(available * w / total)) for w in weights]
    shares[0] += max(0, available - sum(shares))
    counts.update(zip(long_phases, shares, strict=True))
    return counts


def build_plan(project, rng: random.Random, as_of: dt.date, *, size: int) -> int:
    """Create and schedule the plan of ``project``; returns the number of tasks."""
    settings = plan_services.ensure_schedule(project)
    zone = zoneinfo.ZoneInfo(settings.calendar.timezone)
    settings.start = dt.datetime.combine(project.planned_start, dt.time(8, 0), tzinfo=zone)
    settings.save(update_fields=["start"])

    counts = _phase_sizes(rng, size)
    phases = Task.objects.bulk_create(
        Task(project=project, name=name, position=i, duration_minutes=0)
        for i, (name, _) in enumerate(PHASES, start=1)
    )
    children: list[Task] = []
    for phase, (phase_name, names) in zip(phases, PHASES, strict=True):
        count = counts[phase_name]
        for position, name in enumerate(_work_packages(rng, phase_name, names, count), start=1):
            children.append(
                Task(
                    project=project,
                    parent=phase,
                    name=name,
                    position=position,
                    duration_minutes=DAY * rng.choice([1, 2, 3, 3, 5, 5, 8, 10, 15]),
                    work_minutes=0,
                    board_status=BoardStatus.TODO,
                )
            )
        children.append(
            Task(
                project=project,
                parent=phase,
                name=MILESTONES[phase_name],
                position=count + 1,
                is_milestone=True,
                duration_minutes=0,
            )
        )
    created = Task.objects.bulk_create(children, batch_size=1000)
    for task in created:
        task.work_minutes = task.duration_minutes * rng.choice([1, 1, 2])
    Task.objects.bulk_update(created, ["work_minutes"], batch_size=1000)

    links = _links(rng, phases, created)
    Dependency.objects.bulk_create(links, batch_size=2000)
    plan_services.reschedule(project)
    _capture_baseline(project)
    finish = project.schedule.computed_finish
    if finish is not None:
        project.planned_finish = finish.astimezone(zone).date()
        project.save(update_fields=["planned_finish"])
    _slip(rng, created)
    _progress(project, settings, as_of)
    if _order_by_start(project):
        plan_services.reschedule(project)  # outline numbers follow the new positions
    return len(phases) + len(created)


def _order_by_start(project) -> bool:
    """Number each phase's tasks in the order they start, its milestone last, as a
    planner lays a plan out (random links left some listed after later ones), and
    number the increments of an activity in that order too. Returns whether any task
    changed (its position, or its name)."""
    rows = Task.objects.filter(project=project, parent__isnull=False).values_list(
        "pk", "parent_id", "start", "is_milestone", "position", "name"
    )
    by_phase: dict[int, list[tuple]] = {}
    for row in rows:
        by_phase.setdefault(row[1], []).append(row)
    moved = []
    for siblings in by_phase.values():
        siblings.sort(key=lambda r: (r[3], r[2], r[4]))  # milestones last, then by start
        seen: dict[str, int] = {}
        for position, (pk, _parent, _start, _milestone, old, name) in enumerate(siblings, start=1):
            base = name.split(_INCREMENT)[0]
            seen[base] = seen.get(base, 0) + 1
            renamed = base if seen[base] == 1 else f"{base}{_INCREMENT}{seen[base]}"
            if position != old or renamed != name:
                moved.append(Task(pk=pk, position=position, name=renamed))
    Task.objects.bulk_update(moved, ["position", "name"], batch_size=1000)
    return bool(moved)


def _capture_baseline(project) -> None:
    """Baseline 0 as the approved plan (the demo has no acting user to check rights for)."""
    from pmo.schedules.models import Baseline, BaselineTask

    baseline = Baseline.objects.create(project=project, number=0, name="Approved plan")
    BaselineTask.objects.bulk_create(
        BaselineTask(
            baseline=baseline,
            task_id=pk,
            start=start,
            finish=finish,
            duration_minutes=duration,
            work_minutes=work,
        )
        for pk, start, finish, duration, work in Task.objects.filter(project=project).values_list(
            "pk", "start", "finish", "duration_minutes", "work_minutes"
        )
    )


def _links(rng: random.Random, phases: list[Task], tasks: list[Task]) -> list[Dependency]:
    """Mostly finish-to-start chains inside a phase with parallel branches, some overlaps
    (SS with lag, FF), and each phase's milestone gating the next phase.
    """
    by_phase: dict[int, list[Task]] = {}
    for task in tasks:
        by_phase.setdefault(task.parent_id, []).append(task)
    links = []
    previous_milestone = None
    for phase in phases:
        work = [t for t in by_phase[phase.pk] if not t.is_milestone]
        milestone = next(t for t in by_phase[phase.pk] if t.is_milestone)
        if previous_milestone is not None:
            for first in work[: rng.randint(1, 2)]:
                links.append(Dependency(predecessor=previous_milestone, successor=first))
        for i, task in enumerate(work[1:], start=1):
            pred = work[i - 1] if rng.random() < 0.7 else work[rng.randrange(0, i)]
            roll = rng.random()
            if roll < 0.12:
                links.append(
                    Dependency(
                        predecessor=pred,
                        successor=task,
                        type=LinkType.SS,
                        lag=DAY * rng.randint(1, 3),
                        lag_unit=LagUnit.WORKING_MINUTES,
                    )
                )
            elif roll < 0.2:
                links.append(Dependency(predecessor=pred, successor=task, type=LinkType.FF))
            elif roll < 0.25:
                links.append(
                    Dependency(
                        predecessor=pred,
                        successor=task,
                        lag=50,
                        lag_unit=LagUnit.PERCENT,
                        type=LinkType.SS,
                    )
                )
            else:
                links.append(Dependency(predecessor=pred, successor=task))
        has_successor = {link.predecessor_id for link in links}
        for task in work:
            if task.pk not in has_successor:
                links.append(Dependency(predecessor=task, successor=milestone))
        if not any(link.successor_id == milestone.pk for link in links):
            links.append(Dependency(predecessor=work[-1], successor=milestone))
        previous_milestone = milestone
    unique = {}
    for link in links:
        key = (link.predecessor.pk, link.successor.pk)
        if key[0] != key[1]:
            unique.setdefault(key, link)
    return list(unique.values())


def _slip(rng: random.Random, tasks: list[Task]) -> None:
    """Some estimates grow after the baseline, as they do: the variance column shows it."""
    slipped = [t for t in tasks if not t.is_milestone and rng.random() < 0.15]
    for task in slipped:
        task.duration_minutes = round(task.duration_minutes * rng.uniform(1.2, 1.6) / DAY) * DAY
    Task.objects.bulk_update(slipped, ["duration_minutes"], batch_size=1000)


def _progress(project, settings: ProjectSchedule, as_of: dt.date) -> None:
    """Report progress at the demo date: done before it, partly done across it."""
    zone = zoneinfo.ZoneInfo(settings.calendar.timezone)
    status = dt.datetime.combine(as_of, dt.time(17, 0), tzinfo=zone)
    plan_services.reschedule(project)
    if settings.start >= status:
        return
    updates = []
    for task in Task.objects.filter(project=project, is_summary=False):
        if task.finish and task.finish <= status:
            task.actual_start, task.actual_finish = task.start, task.finish
            task.percent_complete = 100
            task.board_status = BoardStatus.DONE
        elif task.start and task.start < status:
            span = (task.finish - task.start).total_seconds() or 1
            task.actual_start = task.start
            task.percent_complete = min(95, int(100 * (status - task.start).total_seconds() / span))
            task.board_status = BoardStatus.IN_PROGRESS
        else:
            continue
        updates.append(task)
    Task.objects.bulk_update(
        updates,
        ["actual_start", "actual_finish", "percent_complete", "board_status"],
        batch_size=1000,
    )
    settings.status_date = status
    settings.save(update_fields=["status_date"])
    plan_services.reschedule(project)
