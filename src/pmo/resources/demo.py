"""Demo resources: a pool of about 60 people in 8 roles with skills, teams and rates,
assignments on every plan (parallel tasks over-allocate some people), monthly bookings
for projects that have not started, and 8 weeks of timesheets up to the demo date.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from pmo.demo.names import FIRST_NAMES, LAST_NAMES
from pmo.schedules.models import Task

from .choices import BookingKind, TimesheetStatus
from .models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    JobRole,
    OrgUnit,
    Resource,
    ResourceSkill,
    Skill,
    Timesheet,
    TimesheetEntry,
)
from .services import cost_entries
from .workload import week_start

ROLES = {
    # role: (skills it draws from, hourly rate range, org unit)
    "Business analyst": (
        ["Requirements", "Process modelling", "Stakeholder management"],
        (70, 95),
        "Business Change",
    ),
    "Developer": (["Python", "Java", "JavaScript", "SQL"], (75, 110), "Digital Delivery"),
    "Architect": (["Solution architecture", "Cloud (AWS)", "Security"], (110, 140), "Platform"),
    "Tester": (["Test automation", "Performance testing", "SQL"], (60, 85), "Quality"),
    "UX designer": (
        ["UX research", "Interaction design", "JavaScript"],
        (70, 100),
        "Digital Delivery",
    ),
    "Data engineer": (["SQL", "Python", "Data modelling"], (80, 115), "Data"),
    "DevOps engineer": (["Cloud (AWS)", "Kubernetes", "Security"], (85, 120), "Platform"),
    "Project coordinator": (["Planning", "Stakeholder management", "Reporting"], (55, 75), "PMO"),
}
HEADCOUNT = {
    "Business analyst": 8,
    "Developer": 16,
    "Architect": 4,
    "Tester": 9,
    "UX designer": 5,
    "Data engineer": 6,
    "DevOps engineer": 5,
    "Project coordinator": 7,
}
# Which role does the work of each phase of the demo plans (pmo.schedules.demo).
PHASE_ROLES = {
    "Initiation": ["Project coordinator", "Business analyst"],
    "Planning": ["Business analyst", "Project coordinator"],
    "Design": ["Architect", "UX designer", "Data engineer"],
    "Build": ["Developer", "Developer", "Data engineer", "DevOps engineer"],
    "Test": ["Tester", "Tester", "Developer"],
    "Deployment": ["DevOps engineer", "Business analyst"],
    "Closure": ["Project coordinator"],
}
JOB_TITLES = {
    "Business analyst": "Business analyst",
    "Developer": "Developer",
    "Architect": "Architect",
    "Tester": "Tester",
}


def build(ctx) -> None:
    rng = ctx.rng
    roles = {name: JobRole.objects.create(name=name) for name in ROLES}
    skill_names = sorted({s for skills, _, _ in ROLES.values() for s in skills})
    skills = {
        name: Skill.objects.create(name=name, category=_category(name)) for name in skill_names
    }
    managers = ctx.people["project_manager"] + ctx.people["program_manager"]
    units = {
        name: OrgUnit.objects.create(name=name, manager=managers[i % len(managers)])
        for i, name in enumerate(sorted({unit for _, _, unit in ROLES.values()}))
    }

    # Team members who sign in get a person in the pool under their job title; the
    # rest of the pool are people without a login (contractors, other departments).
    people: list[Resource] = []
    users = list(ctx.people["team"])
    used_names = set()
    for role_name, count in HEADCOUNT.items():
        for _ in range(count):
            user = None
            for candidate in users:
                if JOB_TITLES.get(role_name) == candidate.job_title:
                    user = candidate
                    users.remove(candidate)
                    break
            name = user.get_full_name() if user is not None else _unique_name(rng, used_names)
            used_names.add(name)
            people.append(
                Resource(
                    kind="person",
                    name=name,
                    user=user,
                    role=roles[role_name],
                    org_unit=units[ROLES[role_name][2]],
                    availability_pct=rng.choices([100, 80, 60], [8, 2, 1])[0],
                )
            )
    Resource.objects.bulk_create(people)
    generics = Resource.objects.bulk_create(
        Resource(kind="role", name=f"{name} (generic)", role=role) for name, role in roles.items()
    )
    Resource.objects.bulk_create(
        [
            Resource(kind="equipment", name="Test lab", units=2),
            Resource(kind="equipment", name="Performance rig"),
            Resource(kind="material", name="Cloud credits", material_unit="credit"),
        ]
    )
    held = []
    for person in people:
        pool = ROLES[person.role.name][0]
        for skill in rng.sample(pool, rng.randint(2, len(pool))):
            held.append(
                ResourceSkill(resource=person, skill=skills[skill], level=rng.choice([2, 3, 3, 4]))
            )
        extra = rng.choice(skill_names)
        if extra not in pool:
            held.append(ResourceSkill(resource=person, skill=skills[extra], level=1))
    ResourceSkill.objects.bulk_create(held)
    year_start = dt.date(ctx.as_of.year - 1, 1, 1)
    rates = []
    for person in people:
        low, high = ROLES[person.role.name][1]
        standard = Decimal(rng.randrange(low, high + 1, 5))
        rates.append(
            CostRate(
                resource=person,
                effective_from=year_start,
                standard=standard,
                overtime=standard * Decimal("1.5"),
            )
        )
        # A pay review at the start of this year.
        raised = (standard * Decimal("1.04")).quantize(Decimal("1"))
        rates.append(
            CostRate(
                resource=person,
                effective_from=dt.date(ctx.as_of.year, 1, 1),
                standard=raised,
                overtime=raised * Decimal("1.5"),
            )
        )
    CostRate.objects.bulk_create(rates)
    changes = []
    for person in rng.sample(people, 8):
        start = ctx.as_of + dt.timedelta(days=rng.randint(-20, 60))
        changes.append(
            CapacityChange(
                resource=person,
                start=start,
                end=start + dt.timedelta(days=rng.choice([4, 9, 13])),
                percent=0,
                reason="leave",
                note="Annual leave",
            )
        )
    for person in rng.sample(people, 3):
        changes.append(
            CapacityChange(
                resource=person,
                start=ctx.as_of - dt.timedelta(days=30),
                percent=50,
                reason="part_time",
                note="Parental part-time",
            )
        )
    CapacityChange.objects.bulk_create(changes)

    assignments = _assign(ctx, people, generics)
    bookings = _book(ctx, people, generics)
    sheets, entries = _timesheets(ctx, people)
    ctx.counts["resources"] = len(people)
    ctx.say(
        f"  resources: {len(people)} people in {len(roles)} roles, {assignments} assignments, "
        f"{bookings} bookings, {sheets} timesheets ({entries} entries)"
    )


def _category(skill: str) -> str:
    if skill in {"Python", "Java", "JavaScript", "SQL", "Kubernetes", "Cloud (AWS)"}:
        return "Technology"
    if skill in {
        "Requirements",
        "Process modelling",
        "Stakeholder management",
        "Planning",
        "Reporting",
    }:
        return "Business"
    return "Design and quality"


def _unique_name(rng, used: set) -> str:
    for _ in range(500):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in used:
            return name
    return f"Person {len(used) + 1}"


def _assign(ctx, people, generics) -> int:
    """Each project draws a small team; every work task gets someone of the right role.

    People belong to two or three projects at once, so parallel tasks over-allocate
    some of them, as in real portfolios.
    """
    rng = ctx.rng
    by_role = defaultdict(list)
    for person in people:
        by_role[person.role.name].append(person)
    generic = {g.role.name: g for g in generics}
    rows = []
    for project in ctx.projects:
        team = {
            role: rng.sample(members, min(len(members), 3)) for role, members in by_role.items()
        }
        tasks = Task.objects.filter(
            project=project, is_summary=False, is_milestone=False
        ).select_related("parent")
        for task in tasks:
            phase = task.parent.name if task.parent else "Build"
            role = rng.choice(PHASE_ROLES.get(phase, ["Developer"]))
            # Work not yet staffed in projects that have not started: a generic role.
            if project.status == "proposed" and rng.random() < 0.5:
                resource = generic[role]
            else:
                resource = rng.choice(team[role])
            units = rng.choice([25, 50, 50, 100])
            rows.append(
                Assignment(
                    task=task,
                    resource=resource,
                    units_pct=units,
                    work_minutes=round(units * task.duration_minutes / 100),
                )
            )
            if phase in ("Build", "Test") and rng.random() < 0.25:
                helper = rng.choice(team["Tester" if phase == "Test" else "Developer"])
                if helper != resource:
                    rows.append(
                        Assignment(
                            task=task,
                            resource=helper,
                            units_pct=50,
                            work_minutes=task.duration_minutes // 2,
                        )
                    )
    # Everyone has worked in each of the last eight weeks, so every timesheet week has a
    # story: in a week without a running task of their own, people lend a hand on one.
    this_week = week_start(ctx.as_of)
    weeks = [this_week - dt.timedelta(weeks=k) for k in range(8)]
    recent = [
        t
        for t in Task.objects.filter(
            project__in=ctx.projects, is_summary=False, is_milestone=False
        ).only("id", "project_id", "start", "finish", "duration_minutes")
        if t.start and t.finish and t.start.date() <= ctx.as_of and t.finish.date() >= weeks[-1]
    ]

    def runs_in(task, monday) -> bool:
        return task.start.date() <= monday + dt.timedelta(days=4) and task.finish.date() >= monday

    covered = defaultdict(set)
    for a in rows:
        if a.task.start and a.task.finish:
            for monday in weeks:
                if runs_in(a.task, monday):
                    covered[a.resource_id].add(monday)
    taken = {(a.task_id, a.resource_id) for a in rows}
    for person in people:
        for monday in weeks:
            if monday in covered[person.pk]:
                continue
            options = [t for t in recent if runs_in(t, monday) and (t.pk, person.pk) not in taken]
            if not options:
                continue
            task = rng.choice(options)
            rows.append(
                Assignment(
                    task=task,
                    resource=person,
                    units_pct=50,
                    work_minutes=task.duration_minutes // 2,
                )
            )
            taken.add((task.pk, person.pk))
            covered[person.pk].update(m for m in weeks if runs_in(task, m))
    Assignment.objects.bulk_create(rows, batch_size=2000)
    # People who sign in report progress on what they are assigned to: they are team
    # members of those projects.
    from pmo.accounts.choices import Role
    from pmo.accounts.models import Membership

    have = set(
        Membership.objects.filter(project__in=ctx.projects).values_list("user_id", "project_id")
    )
    wanted = {
        (a.resource.user_id, a.task.project_id) for a in rows if a.resource.user_id is not None
    }
    Membership.objects.bulk_create(
        Membership(user_id=u, project_id=p, role=Role.TEAM_MEMBER) for u, p in wanted - have
    )
    return len(rows)


def _book(ctx, people, generics) -> int:
    """Monthly bookings for the next six months of projects not started yet."""
    rng = ctx.rng
    rows = []
    first = ctx.as_of.replace(day=1)
    for project in ctx.projects:
        if project.status != "proposed":
            continue
        for resource in rng.sample(generics, 3) + rng.sample(people, 2):
            month = first
            for _ in range(6):
                month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                rows.append(
                    Booking(
                        project=project,
                        resource=resource,
                        month=month,
                        hours=Decimal(rng.choice([20, 40, 60, 80])),
                        kind=rng.choice([BookingKind.SOFT, BookingKind.SOFT, BookingKind.HARD]),
                    )
                )
    Booking.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _timesheets(ctx, people) -> tuple[int, int]:
    """Eight weeks up to the demo date: older weeks approved and costed, last week
    submitted and waiting for approval, this week in draft."""
    rng = ctx.rng
    this_week = week_start(ctx.as_of)
    weeks = [this_week - dt.timedelta(weeks=k) for k in range(7, -1, -1)]
    first_dt = dt.datetime.combine(weeks[0], dt.time.min, tzinfo=dt.UTC)
    assignments = defaultdict(list)
    for a in Assignment.objects.filter(
        resource__in=people, task__finish__gte=first_dt
    ).select_related("task"):
        assignments[a.resource_id].append(a)
    sheets, entries = [], []
    for person in people:
        for monday in weeks:
            status = TimesheetStatus.APPROVED
            if monday == this_week:
                status = TimesheetStatus.DRAFT
            elif monday == weeks[-2]:
                status = (
                    TimesheetStatus.SUBMITTED if rng.random() < 0.7 else TimesheetStatus.APPROVED
                )
            sheet = Timesheet(resource=person, week_start=monday, status=status)
            lines = []
            for day_index in range(5):
                day = monday + dt.timedelta(days=day_index)
                if day > ctx.as_of:
                    break
                running = [
                    a
                    for a in assignments[person.pk]
                    if a.task.start.date() <= day <= a.task.finish.date()
                ]
                left = 600
                for a in running:
                    minutes = min(left, round(a.units_pct * 4.8 * rng.uniform(0.75, 1.1) / 15) * 15)
                    if minutes > 0:
                        lines.append(
                            TimesheetEntry(timesheet=sheet, assignment=a, day=day, minutes=minutes)
                        )
                        left -= minutes
            if not lines:
                continue
            sheet.submitted_at = None
            sheets.append(sheet)
            sheet._lines = lines
    Timesheet.objects.bulk_create(sheets, batch_size=1000)
    for sheet in sheets:
        for line in sheet._lines:
            line.timesheet = sheet
        if sheet.status == TimesheetStatus.APPROVED:
            cost_entries(sheet.resource, sheet._lines)
        entries.extend(sheet._lines)
    TimesheetEntry.objects.bulk_create(entries, batch_size=2000)
    actual = defaultdict(lambda: [0, Decimal(0)])
    for e in entries:
        if e.timesheet.status == TimesheetStatus.APPROVED:
            actual[e.assignment_id][0] += e.minutes
            actual[e.assignment_id][1] += e.cost
    touched = Assignment.objects.in_bulk(list(actual))
    for pk, (minutes, cost) in actual.items():
        touched[pk].actual_minutes, touched[pk].actual_cost = minutes, cost
    Assignment.objects.bulk_update(
        list(touched.values()), ["actual_minutes", "actual_cost"], batch_size=2000
    )
    return len(sheets), len(entries)
