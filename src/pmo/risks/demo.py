"""Demo risk registers: risks with responses and history on every project, a few
escalated to the program and the portfolio, issues (one from a risk that occurred),
assumptions and dependencies, and three-point estimates on three projects' plans.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pmo.schedules.models import ProjectSchedule, Task

from .choices import Level, RaidKind, RaidStatus, RiskStatus, Severity
from .models import (
    Escalation,
    RaidItem,
    Risk,
    RiskAction,
    RiskAssessment,
    SimulationRun,
    TaskCorrelation,
    TaskEstimate,
)
from .services import do_run_simulation

# title, category, kind, cause, event, effect, strategy, response, trigger
CATALOGUE = [
    ("Key supplier delivers late", "supplier", "threat", "The vendor is overbooked",
     "the integration platform arrives late", "integration testing slips",
     "mitigate", "Weekly vendor checkpoint; second supplier pre-qualified",
     "Missed vendor milestone"),
    ("Architect leaves mid-project", "resource", "threat", "Only one architect knows the design",
     "the lead architect leaves", "design decisions stall", "mitigate",
     "Pair a second architect on every design review", "Resignation or long leave"),
    ("Requirements keep changing", "scope", "threat", "Business owners disagree on priorities",
     "scope changes after sign-off", "rework in build and test", "avoid",
     "Change board with the sponsor; freeze after design sign-off", "Change requests > 5/week"),
    ("Data migration quality poor", "quality", "threat", "Legacy data has never been cleansed",
     "migrated records fail validation", "go-live is delayed", "mitigate",
     "Early profiling and two rehearsal migrations", "Rehearsal error rate above 2 %"),
    ("Regulator changes reporting rules", "regulatory", "threat", "A consultation is open",
     "new reporting rules apply before go-live", "extra build work", "accept",
     "Monitor the consultation; contingency in the budget", "Final rules published"),
    ("Performance below target", "technical", "threat", "Peak volumes are unknown",
     "response times exceed the SLA under load", "tuning and extra hardware", "mitigate",
     "Load test from the second sprint", "P95 above 800 ms in tests"),
    ("Cloud costs above budget", "cost", "threat", "Usage-based pricing",
     "consumption exceeds the estimate", "budget overrun", "transfer",
     "Committed-use contract with the provider", "Monthly bill above forecast"),
    ("Test environment not ready", "schedule", "threat", "Shared infrastructure team",
     "the environment is late", "system testing starts late", "mitigate",
     "Book the environment now; fallback to a cloud sandbox", "No environment 2 weeks before"),
    ("Security review finds issues", "technical", "threat", "New external-facing services",
     "the penetration test finds critical issues", "fixes before go-live", "mitigate",
     "Threat modelling in design; early scan", "Critical finding"),
    ("Reuse the group's API platform", "technical", "opportunity", "Another program built one",
     "we adopt the group's platform", "less build work", "exploit",
     "Assess fit in the design phase", "Platform team confirms capacity"),
    ("Vendor offers early-adopter discount", "cost", "opportunity", "Vendor wants references",
     "we sign as reference customer", "licence savings", "enhance",
     "Negotiate before the purchase order", "Offer in writing"),
    ("Key users unavailable for UAT", "organisational", "threat", "Year-end peak in operations",
     "business testers are not released", "acceptance slips", "mitigate",
     "Agree tester time with line managers now", "Fewer than 4 testers confirmed"),
]  # fmt: skip
ASSUMPTIONS = [
    "The current ERP stays in support until go-live",
    "Business testers are available 2 days a week",
    "No change freeze other than year-end",
    "The group's identity provider supports the new app",
]
DEPENDENCIES = [
    ("Network upgrade by Infrastructure", "Infrastructure program"),
    ("Master data cleansed by Finance", "Finance operations"),
    ("Vendor API v3 released", "Integration vendor"),
]
ISSUES = [
    "Build server outage blocks the team",
    "Design sign-off meeting postponed",
    "Licence keys not delivered",
]


def build(ctx) -> None:
    """Demo step: risk registers, RAID logs and estimates (see ``pmo.demo.context``)."""
    rng = ctx.rng
    now = timezone.now()
    people = ctx.people["project_manager"] + ctx.people["team"]
    risks: list[Risk] = []
    for project in ctx.projects:
        for entry in rng.sample(CATALOGUE, rng.randint(4, 8)):
            risks.append(_risk(rng, project, entry, rng.choice([project.manager, *people])))
    risks = Risk.objects.bulk_create(risks, batch_size=500)
    history, actions = [], []
    for risk in risks:
        reassessed = risk.residual_score is not None
        first = now - dt.timedelta(days=rng.randint(30, 120))
        history.append(
            _assessment(risk, first, "Raised", risk.probability, min(5, risk.impact + 1))
        )
        if reassessed:
            history.append(_assessment(risk, first + dt.timedelta(days=14), "Reassessed"))
        for _ in range(rng.randint(1, 2)):
            actions.append(
                RiskAction(
                    risk=risk,
                    description=risk.response.split(";")[0][:300],
                    owner=risk.owner,
                    due_date=ctx.as_of + dt.timedelta(days=rng.randint(-10, 60)),
                )
            )
    when = [row.assessed_at for row in history]
    history = RiskAssessment.objects.bulk_create(history, batch_size=1000)
    # auto_now_add stamps "now" on insert; the demo's history goes back weeks.
    for row, at in zip(history, when, strict=True):
        row.assessed_at = at
    RiskAssessment.objects.bulk_update(history, ["assessed_at"], batch_size=1000)
    RiskAction.objects.bulk_create(actions, batch_size=1000)
    _map_tasks(rng, risks)
    escalated = _escalate(rng, ctx, risks)
    raid = _raid(rng, ctx, risks)
    # Three projects with work still ahead: finished plans have nothing left to simulate.
    ahead = set(
        Task.objects.filter(
            project__in=ctx.projects, is_summary=False, is_milestone=False,
            actual_finish__isnull=True,
        ).values_list("project_id", flat=True)
    )  # fmt: skip
    chosen = [p for p in ctx.projects if p.pk in ahead][:3]
    estimated = _estimates(rng, chosen)
    # A finished Monte Carlo run on each: the risk pages open on results, and the
    # engine's kernels are compiled here, during set-up, not on a user's first run.
    simulated = _simulations(rng, chosen)
    ctx.counts["risks"] = len(risks)
    ctx.counts["simulations"] = simulated
    ctx.counts["raid_items"] = raid
    ctx.counts["task_estimates"] = estimated
    ctx.say(
        f"  risks: {len(risks)} risks ({escalated} escalated), {raid} RAID items, "
        f"{estimated} three-point estimates, {simulated} Monte Carlo runs"
    )


def _risk(rng, project, entry, owner) -> Risk:
    title, category, kind, cause, event, effect, strategy, response, trigger = entry
    p, i = rng.randint(1, 5), rng.randint(1, 5)
    days = rng.choice([0, 2, 3, 5, 5, 8, 10, 15]) if kind == "threat" else 0
    cost = rng.choice([0, 5_000, 10_000, 25_000, 50_000, 120_000])
    risk = Risk(
        level=Level.PROJECT,
        portfolio_id=project.portfolio_id,
        program_id=project.program_id,
        project=project,
        title=title,
        kind=kind,
        category=category,
        cause=cause,
        event=event,
        effect=effect,
        owner=owner,
        raised_by=project.manager,
        probability=p,
        impact=i,
        score=p * i,
        days_min=Decimal(days) / 2,
        days_likely=Decimal(days),
        days_max=Decimal(days) * 2,
        cost_min=Decimal(cost) / 2,
        cost_likely=Decimal(cost),
        cost_max=Decimal(cost) * 3,
        proximity=rng.choice(["imminent", "short", "medium", "medium", "long"]),
        trigger=trigger,
        strategy=strategy,
        response=response,
    )
    if rng.random() < 0.6:
        risk.residual_probability = max(1, p - rng.randint(1, 2))
        risk.residual_impact = max(1, i - rng.randint(0, 1))
        risk.residual_score = risk.residual_probability * risk.residual_impact
    if rng.random() < 0.1:
        risk.status = RiskStatus.CLOSED
        risk.closed_at = timezone.now()
    return risk


def _assessment(risk, at, note, probability=None, impact=None) -> RiskAssessment:
    p = probability or risk.probability
    i = impact or risk.impact
    row = RiskAssessment(
        risk=risk,
        probability=p,
        impact=i,
        score=p * i,
        residual_probability=risk.residual_probability if note != "Raised" else None,
        residual_impact=risk.residual_impact if note != "Raised" else None,
        residual_score=risk.residual_score if note != "Raised" else None,
        assessed_by=risk.owner,
        note=note,
    )
    row.assessed_at = at
    return row


def _map_tasks(rng, risks: list[Risk]) -> None:
    """Threats with a delay fall on one or two of their project's work packages."""
    by_project: dict[int, list[int]] = {}
    for task_id, project_id in Task.objects.filter(
        project_id__in={r.project_id for r in risks}, is_summary=False, is_milestone=False
    ).values_list("pk", "project_id"):
        by_project.setdefault(project_id, []).append(task_id)
    through = Risk.tasks.through
    rows = []
    for risk in risks:
        tasks = by_project.get(risk.project_id, [])
        if risk.kind == "threat" and risk.days_max and tasks:
            for task_id in rng.sample(tasks, min(len(tasks), rng.randint(1, 2))):
                rows.append(through(risk_id=risk.pk, task_id=task_id))
    through.objects.bulk_create(rows, batch_size=1000)


def _escalate(rng, ctx, risks: list[Risk]) -> int:
    """The biggest threats of a few projects go to the program, one to the portfolio."""
    pmo = ctx.people["pmo_admin"][0]
    candidates = sorted(
        (
            r
            for r in risks
            if r.status == RiskStatus.OPEN and r.program_id and r.score >= 12 and r.kind == "threat"
        ),
        key=lambda r: -r.score,
    )
    records = []
    for number, risk in enumerate(candidates[: max(2, len(ctx.projects) // 4)]):
        manager = risk.project.manager
        records.append(
            Escalation(
                risk=risk,
                from_level=Level.PROJECT,
                to_level=Level.PROGRAM,
                reason="Beyond the project's tolerance: needs program funding or a decision.",
                escalated_by=manager,
            )
        )
        risk.level = Level.PROGRAM
        if number == 0:
            records.append(
                Escalation(
                    risk=risk,
                    from_level=Level.PROGRAM,
                    to_level=Level.PORTFOLIO,
                    reason="Affects several programs: portfolio board to decide.",
                    escalated_by=pmo,
                )
            )
            risk.level = Level.PORTFOLIO
    Risk.objects.bulk_update(candidates, ["level"])
    Escalation.objects.bulk_create(records)
    return len({e.risk_id for e in records})


def _raid(rng, ctx, risks: list[Risk]) -> int:
    items: list[RaidItem] = []
    occurred = []
    for project in ctx.projects:
        base = {
            "level": Level.PROJECT,
            "portfolio_id": project.portfolio_id,
            "program_id": project.program_id,
            "project": project,
            "owner": project.manager,
            "raised_by": project.manager,
        }
        for text in rng.sample(ASSUMPTIONS, 2):
            items.append(RaidItem(kind=RaidKind.ASSUMPTION, title=text, **base))
        title, party = rng.choice(DEPENDENCIES)
        items.append(
            RaidItem(
                kind=RaidKind.DEPENDENCY,
                title=title,
                counterparty=party,
                due_date=ctx.as_of + dt.timedelta(days=rng.randint(10, 90)),
                **base,
            )
        )
        items.append(
            RaidItem(
                kind=RaidKind.ISSUE,
                title=rng.choice(ISSUES),
                severity=rng.choice([Severity.LOW, Severity.MEDIUM, Severity.HIGH]),
                status=rng.choice([RaidStatus.OPEN, RaidStatus.IN_PROGRESS, RaidStatus.RESOLVED]),
                due_date=ctx.as_of + dt.timedelta(days=rng.randint(-5, 20)),
                **base,
            )
        )
        own = [
            r
            for r in risks
            if r.project_id == project.pk
            and r.level == Level.PROJECT
            and r.status == "open"
            and r.kind == "threat"
        ]
        if own and rng.random() < 0.5:
            risk = rng.choice(own)
            risk.status = RiskStatus.OCCURRED
            risk.closed_at = timezone.now()
            occurred.append(risk)
            items.append(
                RaidItem(
                    kind=RaidKind.ISSUE,
                    title=f"{risk.title} (occurred)",
                    description=risk.effect,
                    severity=Severity.HIGH if risk.score >= 15 else Severity.MEDIUM,
                    source_risk=risk,
                    **base,
                )
            )
    Risk.objects.bulk_update(occurred, ["status", "closed_at"])
    RaidItem.objects.bulk_create(items, batch_size=1000)
    return len(items)


def _estimates(rng, projects) -> int:
    rows = []
    for task in Task.objects.filter(
        project__in=projects, is_summary=False, is_milestone=False, actual_finish__isnull=True
    ):
        d = task.duration_minutes
        if not d:
            continue
        rows.append(
            TaskEstimate(
                task=task,
                optimistic_minutes=round(d * rng.uniform(0.7, 0.95)),
                most_likely_minutes=d,
                pessimistic_minutes=round(d * rng.uniform(1.15, 1.7)),
                distribution=rng.choice(["triangular", "triangular", "pert", "lognormal"]),
            )
        )
    TaskEstimate.objects.bulk_create(rows, batch_size=1000)
    # Work packages of one phase share a team: pair them off, disjoint pairs so that the
    # correlations always hold together.
    by_parent: dict[int, list] = {}
    for row in rows:
        by_parent.setdefault(row.task.parent_id, []).append(row.task)
    links = []
    for tasks in by_parent.values():
        for a, b in zip(tasks[0:4:2], tasks[1:4:2], strict=False):
            first, second = sorted((a, b), key=lambda t: t.pk)
            coefficient = Decimal(str(round(rng.uniform(0.4, 0.8), 1)))
            links.append(TaskCorrelation(first=first, second=second, coefficient=coefficient))
    TaskCorrelation.objects.bulk_create(links)
    return len(rows)


def _simulations(rng, projects) -> int:
    done = 0
    warm = False
    for project in projects:
        settings = ProjectSchedule.objects.filter(project=project, direction="forward").first()
        if settings is None:
            continue
        if not warm:
            # The first run in a process compiles the Monte Carlo kernels (half a
            # minute on a fresh install). Run pages say how long a run took, and that
            # should be the run's time, not the compiler's: a throwaway run goes first.
            trial = SimulationRun.objects.create(
                project=project,
                plan_version=settings.version,
                iterations=64,
                seed=1,
                include_risks=True,
            )
            do_run_simulation(trial, lambda *_: None)
            trial.delete()
            warm = True
        run = SimulationRun.objects.create(
            project=project,
            plan_version=settings.version,
            iterations=2000,
            seed=rng.randrange(2**31),
            include_risks=True,
        )
        do_run_simulation(run, lambda *_: None)
        done += 1
    return done
