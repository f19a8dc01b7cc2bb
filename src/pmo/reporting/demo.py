"""Demo status reports: six months per running project, reviewed, submitted and draft,
with narratives that match their ratings, one rating overridden with its reason, the
PMO's thresholds, and digest subscribers.
"""

from pmo.finance.models import EvmRecord
from pmo.finance.periods import month_start
from pmo.portfolios.choices import ProjectStatus

from . import services
from .choices import Dimension, Rag, ReportState
from .models import DigestSubscription, RagThresholds, StatusReport

NARRATIVE = {
    Rag.GREEN: "Work is on plan and within budget. The team delivered what was planned for "
    "the month and no new issues need the board's attention.",
    Rag.AMBER: "Progress is slightly behind the baseline and costs run a little above plan. "
    "The project manager has a recovery plan and expects to close the gap next month.",
    Rag.RED: "The project is behind plan and over budget. Work finished later than "
    "baselined and labour costs exceed the work earned; a recovery plan and a re-baseline "
    "request go to the steering committee.",
    Rag.NONE: "Work has only just started; figures will be meaningful next month.",
}
ACCOMPLISHMENTS = "Completed the planned work packages of the month; milestones reviewed."
NEXT_STEPS = "Continue the build; prepare the next stage gate; update the risk register."
DECISIONS = {
    Rag.RED: "Approve the recovery plan and a re-baseline of the remaining work.",
    Rag.AMBER: "Confirm the additional tester for two months.",
}


def build(ctx) -> None:
    RagThresholds.objects.get_or_create(portfolio=ctx.portfolio)
    periods = sorted(
        set(
            EvmRecord.objects.filter(scope="project", project__in=ctx.projects).values_list(
                "status_date", flat=True
            )
        )
    )
    running = [p for p in ctx.projects if p.status in (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)]
    reviewers = {p.pk: p.manager for p in ctx.programs}
    fallback = ctx.people["portfolio_manager"][0]
    started = set(
        EvmRecord.objects.filter(scope="project", figures__pv__gt=0).values_list(
            "project_id", "status_date"
        )
    )
    count = 0
    for project in running:
        author = project.manager
        reviewer = reviewers.get(project.program_id, fallback)
        for n, status_date in enumerate(periods):
            if (project.pk, status_date) not in started:
                continue
            period = month_start(status_date)
            if StatusReport.objects.filter(project=project, period=period).exists():
                continue
            report = services.create_report(project, period, status_date, author)
            overall = report.rating(Dimension.OVERALL).computed
            report.narrative = NARRATIVE[overall]
            report.accomplishments = ACCOMPLISHMENTS
            report.next_steps = NEXT_STEPS
            report.decisions_needed = DECISIONS.get(overall, "")
            report.save()
            is_current = status_date == ctx.as_of
            if not is_current:
                schedule = report.rating(Dimension.SCHEDULE)
                if schedule.computed == Rag.RED and ctx.rng.random() < 0.3:
                    services.do_override_rating(
                        author,
                        report,
                        dimension=Dimension.SCHEDULE,
                        value=Rag.AMBER,
                        reason="The steering committee approved a recovery plan that "
                        "recovers three weeks by adding a second build team.",
                    )
                services.do_submit_report(author, report)
                if n < len(periods) - 2:
                    services.do_review_report(
                        reviewer, report, accept=True, comment="Reviewed at the monthly board."
                    )
            count += 1
    subscribers = [*ctx.people["executive"], *ctx.people["portfolio_manager"]]
    DigestSubscription.objects.bulk_create(
        DigestSubscription(user=user, portfolio=ctx.portfolio) for user in subscribers
    )
    reviewed = StatusReport.objects.filter(state=ReportState.REVIEWED).count()
    ctx.say(f"  reporting: {count} status reports ({reviewed} reviewed), thresholds, digests")
    ctx.counts["status_reports"] = count
