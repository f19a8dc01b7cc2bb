"""Writes to status reports: create, edit, override a rating, submit, review; thresholds,
digest subscriptions, and the e-mails (reminders, weekly digest).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pmo.core.choices import Action, Role
from pmo.core.permissions import ROLE_RANK, PermissionDenied, highest_rank_on, require

from . import selectors
from .choices import RATED, Dimension, Rag, ReportAction, ReportState
from .models import DigestSubscription, RagRating, RagThresholds, ReportEvent, StatusReport

TEXT_FIELDS = {"narrative", "accomplishments", "next_steps", "decisions_needed"}
REVIEWER_RANK = ROLE_RANK[Role.PROGRAM_MANAGER]


def _log(report, actor, action: str, note: str = "") -> None:
    ReportEvent.objects.create(report=report, actor=actor, action=action, note=note)


def _apply_assessment(report: StatusReport) -> None:
    """(Re)compute ratings and key figures; overrides and their reasons are kept."""
    assessments, key = selectors.assess(report.project, report.status_date)
    report.key_figures = key
    report.save(update_fields=["key_figures", "updated_at"])
    existing = {r.dimension: r for r in report.ratings.all()}
    for assessment in assessments:
        rating = existing.get(assessment.dimension) or RagRating(
            report=report, dimension=assessment.dimension
        )
        rating.computed, rating.measure = assessment.rag, assessment.measure[:200]
        rating.save()
    _recompute_overall(report)


def _recompute_overall(report: StatusReport) -> None:
    ratings = {r.dimension: r for r in report.ratings.all()}
    overall = ratings[Dimension.OVERALL]
    overall.computed = RagRating.worst([ratings[d].value for d in RATED if d in ratings])
    overall.save(update_fields=["computed"])


def _require_draft(report: StatusReport) -> None:
    if report.state != ReportState.DRAFT:
        raise ValidationError(
            f"The {report} is {report.get_state_display().lower()}; only a draft can be changed."
        )


@transaction.atomic
def do_create_report(actor, project, *, period: dt.date | None = None) -> StatusReport:
    """Start the report of ``period`` (a month; default the current one) as a draft with
    every rating and key figure filled in; the last report's texts are carried over.
    """
    require(actor, Action.CHANGE, project)
    today = timezone.localdate()
    period = (period or selectors.default_period(today)).replace(day=1)
    if period > today:
        raise ValidationError({"period": f"{period:%B %Y} has not started yet."})
    if StatusReport.objects.filter(project=project, period=period).exists():
        raise ValidationError(
            {"period": f"{project.code} already has a status report for {period:%B %Y}."}
        )
    return create_report(project, period, selectors.status_date_of(period, today), actor)


def create_report(project, period: dt.date, status_date: dt.date, author) -> StatusReport:
    """The draft itself, for callers that checked the right and the period already."""
    previous = StatusReport.objects.filter(project=project, period__lt=period).first()
    report = StatusReport.objects.create(
        project=project,
        period=period,
        status_date=status_date,
        author=author,
        next_steps=previous.next_steps if previous else "",
        decisions_needed=previous.decisions_needed if previous else "",
    )
    _apply_assessment(report)
    _log(report, author, ReportAction.CREATED)
    return report


@transaction.atomic
def do_update_report(actor, report: StatusReport, **fields) -> StatusReport:
    require(actor, Action.CHANGE, report.project)
    _require_draft(report)
    unknown = sorted(set(fields) - TEXT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(unknown)}.")
    for name, value in fields.items():
        setattr(report, name, value.strip())
    report.save()
    _log(report, actor, ReportAction.UPDATED)
    return report


@transaction.atomic
def do_override_rating(actor, report: StatusReport, *, dimension: str, value: str, reason: str):
    """Set a rating by judgement; a written reason is required. ``value`` "" clears it."""
    require(actor, Action.CHANGE, report.project)
    _require_draft(report)
    if dimension not in Dimension.values:
        raise ValidationError({"dimension": f"Unknown dimension {dimension!r}."})
    if value and value not in Rag.values:
        raise ValidationError({"value": f"{value!r} is not a RAG rating."})
    rating = report.ratings.get(dimension=dimension)
    reason = (reason or "").strip()
    if value and value != rating.computed and not reason:
        raise ValidationError(
            {
                "reason": f"Say why {rating.get_dimension_display().lower()} is "
                f"{Rag(value).label.lower()} although the thresholds give "
                f"{Rag(rating.computed).label.lower()}."
            }
        )
    if value == rating.computed:
        value, reason = "", ""
    rating.override, rating.reason = value, reason
    rating.overridden_by = actor if value else None
    rating.save()
    if dimension != Dimension.OVERALL:
        _recompute_overall(report)
    note = (
        f"{rating.get_dimension_display()}: {Rag(value).label} ({reason})"
        if value
        else f"{rating.get_dimension_display()}: override removed"
    )
    _log(report, actor, ReportAction.OVERRIDDEN, note)
    return rating


@transaction.atomic
def do_refresh_figures(actor, report: StatusReport) -> StatusReport:
    require(actor, Action.CHANGE, report.project)
    _require_draft(report)
    report.status_date = selectors.status_date_of(report.period, timezone.localdate())
    report.save(update_fields=["status_date"])
    _apply_assessment(report)
    _log(report, actor, ReportAction.REFRESHED)
    return report


@transaction.atomic
def do_submit_report(actor, report: StatusReport) -> StatusReport:
    require(actor, Action.CHANGE, report.project)
    _require_draft(report)
    if not report.narrative.strip():
        raise ValidationError({"narrative": "Write the narrative before submitting the report."})
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["state", "submitted_at", "updated_at"])
    _log(report, actor, ReportAction.SUBMITTED)
    return report


@transaction.atomic
def do_review_report(actor, report: StatusReport, *, accept: bool, comment: str = ""):
    """Accept a submitted report, or return it to draft with a comment saying why."""
    if highest_rank_on(actor, report.project) < REVIEWER_RANK:
        raise PermissionDenied(
            f"Only a program manager, portfolio manager or PMO admin may review {report}."
        )
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(
            f"The {report} is {report.get_state_display().lower()}, not submitted."
        )
    if report.author_id == actor.pk:
        raise ValidationError("You wrote this report; someone else must review it.")
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": "Say what must change when returning a report."})
    report.review_comment = comment
    if accept:
        report.state = ReportState.REVIEWED
        report.reviewed_at, report.reviewed_by = timezone.now(), actor
    else:
        report.state = ReportState.DRAFT
        report.submitted_at = None
    report.save()
    _log(report, actor, ReportAction.REVIEWED if accept else ReportAction.RETURNED, comment)
    return report


THRESHOLD_FIELDS = {
    "spi_amber",
    "spi_red",
    "cpi_amber",
    "cpi_red",
    "scope_amber_pct",
    "scope_red_pct",
    "risk_amber_days",
    "risk_red_days",
    "resources_amber_pct",
    "resources_red_pct",
    "due_days",
}


@transaction.atomic
def do_set_thresholds(actor, portfolio, **fields) -> RagThresholds:
    require(actor, Action.CHANGE, portfolio)
    unknown = sorted(set(fields) - THRESHOLD_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(unknown)}.")
    thresholds = selectors.thresholds_for(portfolio)
    for name, value in fields.items():
        setattr(thresholds, name, value)
    thresholds.full_clean()
    thresholds.save()
    return thresholds


@transaction.atomic
def do_subscribe(actor, portfolio) -> DigestSubscription:
    require(actor, Action.VIEW, portfolio)
    if not actor.email:
        raise ValidationError("Add an e-mail address to your profile to receive the digest.")
    return DigestSubscription.objects.get_or_create(user=actor, portfolio=portfolio)[0]


@transaction.atomic
def do_unsubscribe(actor, portfolio) -> None:
    DigestSubscription.objects.filter(user=actor, portfolio=portfolio).delete()


def send_reminders(as_of: dt.date, base_url: str = "") -> int:
    """E-mail each project manager whose last month's report is overdue; returns how many."""
    sent = 0
    for project, period, due in selectors.reports_due(as_of):
        if project.manager is None or not project.manager.email:
            continue
        link = base_url + reverse("reporting:project-status", args=[project.pk])
        send_mail(
            f"[pmo] Status report of {project.code} for {period:%B %Y} is overdue",
            render_to_string(
                "reporting/email/reminder.txt",
                {"project": project, "period": period, "due": due, "link": link},
            ),
            None,
            [project.manager.email],
        )
        sent += 1
    return sent


def send_weekly_digest(as_of: dt.date, base_url: str = "") -> int:
    """Send every subscriber the digest of their portfolio, as they may see it."""
    from . import dashboards

    sent = 0
    subscriptions = DigestSubscription.objects.select_related("user", "portfolio")
    for subscription in subscriptions:
        user = subscription.user
        if not user.is_active or not user.email:
            continue
        board = dashboards.executive(user, {"portfolio": subscription.portfolio.pk}, today=as_of)
        context = {
            "portfolio": subscription.portfolio,
            "board": board,
            "as_of": as_of,
            "link": base_url
            + reverse("reporting:dashboard")
            + f"?portfolio={subscription.portfolio.pk}",
        }
        send_mail(
            f"[pmo] Weekly digest: {subscription.portfolio} ({as_of:%d %b %Y})",
            render_to_string("reporting/email/digest.txt", context),
            None,
            [user.email],
            html_message=render_to_string("reporting/email/digest.html", context),
        )
        subscription.last_sent_at = timezone.now()
        subscription.save(update_fields=["last_sent_at"])
        sent += 1
    return sent
