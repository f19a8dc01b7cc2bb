"""Build the demo organisation: people in every role, a portfolio, programs and projects."""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.portfolios.choices import GovernanceModel, Health, Phase, ProgramStatus, ProjectStatus
from pmo.portfolios.models import Portfolio, Program, Project, StrategicObjective

from .context import OFFICE_TIMEZONE, DemoContext, run_app_steps
from .names import FIRST_NAMES, LAST_NAMES, OBJECTIVES, PROGRAMS, PROJECT_THEMES

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoSummary:
    users: int
    portfolios: int
    programs: int
    projects: int
    objectives: int
    tasks: int = 0

    def __str__(self) -> str:
        return (
            f"Demo ready: {self.portfolios} portfolio, {self.programs} programs, "
            f"{self.projects} projects ({self.tasks} tasks), {self.objectives} objectives, "
            f"{self.users} people."
        )


class _People:
    """Hands out unique, readable people (``pm.moreau``) from the name lists."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.model = get_user_model()
        # One hash for every demo person: hashing is deliberately slow.
        probe = self.model(username="_")
        probe.set_password(DEMO_PASSWORD)
        self.password_hash = probe.password

    def make(self, prefix: str, title: str) -> object:
        for _ in range(1000):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            key = last.lower().replace("'", "").replace("ü", "u").replace("á", "a")
            key = key.replace("é", "e")
            username = f"{prefix}.{key}"
            if username in self.used:
                username = f"{prefix}.{first.lower()[:1]}{key}"
            if username not in self.used:
                break
        else:
            username = f"{prefix}.{len(self.used)}"
        self.used.add(username)
        return self.model(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            job_title=title,
            password=self.password_hash,
            timezone=OFFICE_TIMEZONE,
        )


def _project_state(rng: random.Random, as_of: dt.date) -> dict:
    """Dates, status, phase and health that agree with each other as of ``as_of``."""
    start = as_of + dt.timedelta(days=rng.randint(-540, 240))
    finish = start + dt.timedelta(days=rng.randint(90, 600))
    if finish < as_of:
        status = rng.choices([ProjectStatus.COMPLETED, ProjectStatus.CANCELLED], [9, 1])[0]
        phase = Phase.CLOSING
    elif start > as_of:
        status = rng.choices([ProjectStatus.PROPOSED, ProjectStatus.ACTIVE], [3, 2])[0]
        phase = rng.choice([Phase.INITIATION, Phase.PLANNING])
    else:
        status = rng.choices([ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD], [9, 1])[0]
        done = (as_of - start).days / max((finish - start).days, 1)
        phase = Phase.EXECUTION if done < 0.85 else Phase.MONITORING
        if done < 0.1:
            phase = Phase.PLANNING
    health = rng.choices([Health.GREEN, Health.AMBER, Health.RED], [6, 3, 1])[0]
    if status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        health = Health.GREEN if status == ProjectStatus.COMPLETED else health
    if status == ProjectStatus.ON_HOLD:
        health = Health.RED
    return {
        "planned_start": start,
        "planned_finish": finish,
        "status": status,
        "phase": phase,
        "health": health,
        "priority": rng.choices([1, 2, 3, 4], [1, 3, 4, 2])[0],
    }


@transaction.atomic
def build_demo(
    *,
    seed: int = 7,
    projects: int = 24,
    as_of: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    plan_size: tuple[int, int] | None = None,
    apps=None,
) -> DemoSummary:
    """Create the demo organisation; the same ``seed`` and ``as_of`` give the same data.

    ``projects`` sets the size: 24 is the standard demo, 200 or more a load-test
    portfolio (programs and managers grow with it). ``plan_size`` bounds the number of
    tasks per project plan (default 30-300, or 150-350 for load tests). After the
    organisation, each app's ``demo.build(context)`` step adds its part (only the apps
    named in ``apps``, e.g. ``["pmo.schedules"]``, when it is given).
    """
    if projects < 1:
        raise ValueError("projects must be at least 1")
    rng = random.Random(seed)
    as_of = as_of or timezone.localdate()
    say = progress or (lambda message: None)
    people = _People(rng)
    n_programs = max(3, -(-projects // 8))
    n_pms = max(8, projects // 3)
    n_team = max(20, projects)

    pmo_admin = people.make("pmo", "Head of PMO")
    portfolio_manager = people.make("pfm", "Portfolio manager")
    executives = [people.make("exec", t) for t in ("Chief Operating Officer", "CFO")]
    program_managers = [people.make("pgm", "Program manager") for _ in range(n_programs)]
    project_managers = [people.make("pm", "Project manager") for _ in range(n_pms)]
    team = [
        people.make("team", rng.choice(["Business analyst", "Developer", "Architect", "Tester"]))
        for _ in range(n_team)
    ]
    user_model = get_user_model()
    everyone = [pmo_admin, portfolio_manager, *executives, *program_managers]
    everyone += [*project_managers, *team]
    user_model.objects.bulk_create(everyone)
    say(f"  {len(everyone)} people")

    portfolio = Portfolio.objects.create(
        code="ETP",
        name="Enterprise Transformation Portfolio",
        description="The company's change portfolio: every project that moves strategy forward.",
        owner=portfolio_manager,
        governance_model=GovernanceModel.CONTROLLING,
    )
    objectives = StrategicObjective.objects.bulk_create(
        StrategicObjective(
            portfolio=portfolio,
            code=code,
            name=name,
            description=text,
            weight=weight,
        )
        for (code, name, text), weight in zip(OBJECTIVES, (30, 20, 20, 15, 15), strict=True)
    )
    programs = Program.objects.bulk_create(
        Program(
            portfolio=portfolio,
            code=f"{PROGRAMS[i % len(PROGRAMS)][0]}{'' if i < len(PROGRAMS) else i}",
            name=PROGRAMS[i % len(PROGRAMS)][1] + ("" if i < len(PROGRAMS) else f" {i}"),
            description=PROGRAMS[i % len(PROGRAMS)][2],
            manager=program_managers[i],
            status=ProgramStatus.ACTIVE,
        )
        for i in range(n_programs)
    )
    say(f"  {len(programs)} programs")

    project_rows = []
    for number in range(1, projects + 1):
        theme = PROJECT_THEMES[(number - 1) % len(PROJECT_THEMES)]
        round_ = (number - 1) // len(PROJECT_THEMES)
        # Two in three projects belong to a program; the rest sit directly in the portfolio.
        program = rng.choice(programs) if rng.random() < 0.85 else None
        project_rows.append(
            Project(
                portfolio=portfolio,
                program=program,
                code=f"PRJ-{number:03d}" if projects < 1000 else f"PRJ-{number:05d}",
                name=theme if round_ == 0 else f"{theme} {round_ + 1}",
                description=f"{theme} for the {program.name if program else 'whole company'}.",
                manager=project_managers[(number - 1) % len(project_managers)],
                sponsor=rng.choice([*executives, portfolio_manager]),
                **_project_state(rng, as_of),
            )
        )
    created = Project.objects.bulk_create(project_rows, batch_size=500)
    links = []
    through = Project.objectives.through
    for project in created:
        for objective in rng.sample(objectives, rng.randint(1, 3)):
            links.append(through(project_id=project.pk, strategicobjective_id=objective.pk))
    through.objects.bulk_create(links, batch_size=1000)
    say(f"  {len(created)} projects")

    memberships = [
        Membership(user=pmo_admin, role=Role.PMO_ADMIN),
        Membership(user=portfolio_manager, role=Role.PORTFOLIO_MANAGER, portfolio=portfolio),
        *(Membership(user=e, role=Role.EXECUTIVE_VIEWER, portfolio=portfolio) for e in executives),
        *(Membership(user=p.manager, role=Role.PROGRAM_MANAGER, program=p) for p in programs),
        *(Membership(user=p.manager, role=Role.PROJECT_MANAGER, project=p) for p in created),
    ]
    for index, person in enumerate(team):
        for project in rng.sample(created, min(len(created), 1 + index % 3)):
            memberships.append(Membership(user=person, role=Role.TEAM_MEMBER, project=project))
    Membership.objects.bulk_create(memberships, batch_size=1000)
    say(f"  {len(memberships)} role assignments")

    context = DemoContext(
        rng=rng,
        as_of=as_of,
        say=say,
        portfolio=portfolio,
        objectives=objectives,
        programs=programs,
        projects=created,
        people={
            "pmo_admin": [pmo_admin],
            "portfolio_manager": [portfolio_manager],
            "executive": executives,
            "program_manager": program_managers,
            "project_manager": project_managers,
            "team": team,
        },
        plan_size=plan_size or ((30, 300) if projects <= 24 else (150, 350)),
    )
    run_app_steps(context, apps)
    return DemoSummary(
        users=len(everyone),
        portfolios=1,
        programs=len(programs),
        projects=len(created),
        objectives=len(objectives),
        tasks=context.counts.get("tasks", 0),
    )
