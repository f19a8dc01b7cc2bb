"""Status reports: ratings from the PMO's thresholds, overrides with reasons, the
draft -> submitted -> reviewed workflow, reminders and the digest.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.reporting import services
from pmo.reporting.choices import Dimension, Rag, ReportState
from pmo.reporting.models import RagThresholds, ReportEvent, StatusReport

from .conftest import STATUS


def ratings(report):
    return {r.dimension: r.value for r in report.ratings.all()}


def test_ratings_and_key_figures_are_filled_in_from_the_plan_and_costs(report):
    assert ratings(report) == {
        "schedule": "red",  # SPI(t) 5/6 < 0.90
        "cost": "red",  # CPI 25/28 = 0.893 < 0.90
        "scope": "green",  # the plan costs what the baseline does
        "risk": "green",  # no open threats
        "resources": "none",  # no labour budgeted
        "overall": "red",
    }
    measures = {r.dimension: r.measure for r in report.ratings.all()}
    assert measures["schedule"] == "SPI(t) 0.83, SPI 0.83; forecast finish 08 Mar 2024"
    assert measures["cost"] == "CPI 0.89; EAC EUR 4,480 against BAC EUR 4,000"
    assert measures["scope"] == "Plan EUR 4,000 against baseline EUR 4,000 (+0.0%)"
    assert measures["risk"] == "Open threats expected to delay by 0.0 working days"
    assert measures["resources"] == "No labour budgeted to date"
    key = report.key_figures
    assert (key["evm"]["pv"], key["evm"]["ev"], key["evm"]["ac"]) == (3000_00, 2500_00, 2800_00)
    assert key["actual_to_date"] == "2800.00" and key["percent_complete"] == 62.5
    assert report.status_date == STATUS and report.state == ReportState.DRAFT


def test_thresholds_set_by_the_pmo_decide_the_colour(org, fence):
    services.do_set_thresholds(
        org.people.pfm,
        org.p1,
        spi_amber=Decimal("0.85"),
        spi_red=Decimal("0.80"),
        cpi_amber=Decimal("0.90"),
        cpi_red=Decimal("0.85"),
    )
    report = services.create_report(org.a, dt.date(2024, 3, 1), STATUS, org.people.pm_a)
    assert ratings(report)["schedule"] == "amber"
    assert ratings(report)["cost"] == "amber"
    with pytest.raises(ValidationError) as error:
        services.do_set_thresholds(org.people.pfm, org.p1, spi_red=Decimal("0.99"))
    assert error.value.message_dict == {
        "spi_red": ["The red limit of SPI must not be above the amber limit."]
    }
    with pytest.raises(PermissionDenied):
        services.do_set_thresholds(org.people.pm_a, org.p1, spi_red=Decimal("0.5"))
    assert RagThresholds.objects.get(portfolio=org.p1).spi_red == Decimal("0.80")


def test_override_needs_a_written_reason_and_is_kept_in_the_history(report, org):
    with pytest.raises(ValidationError) as error:
        services.do_override_rating(
            org.people.pm_a, report, dimension=Dimension.SCHEDULE, value=Rag.AMBER, reason=" "
        )
    assert error.value.message_dict == {
        "reason": ["Say why schedule is amber although the thresholds give red."]
    }
    services.do_override_rating(
        org.people.pm_a, report, dimension="schedule", value="amber", reason="Side 3 done today."
    )
    services.do_override_rating(
        org.people.pm_a, report, dimension="cost", value="amber", reason="Credit note due."
    )
    report.refresh_from_db()
    assert ratings(report)["schedule"] == "amber"
    assert ratings(report)["overall"] == "amber"
    schedule = report.ratings.get(dimension="schedule")
    assert (schedule.computed, schedule.override, schedule.is_overridden) == ("red", "amber", True)
    assert list(report.events.values_list("action", "note")) == [
        ("created", ""),
        ("overridden", "Schedule: Amber (Side 3 done today.)"),
        ("overridden", "Cost: Amber (Credit note due.)"),
    ]
    # A team member may not overrule the project manager's rating.
    with pytest.raises(PermissionDenied):
        services.do_override_rating(
            org.people.member_a, report, dimension="cost", value="green", reason="x"
        )


def test_draft_submitted_reviewed(report, org):
    with pytest.raises(ValidationError) as error:
        services.do_submit_report(org.people.pm_a, report)
    assert error.value.message_dict == {
        "narrative": ["Write the narrative before submitting the report."]
    }
    services.do_update_report(org.people.pm_a, report, narrative="Fence half built.\n")
    services.do_submit_report(org.people.pm_a, report)
    assert report.state == ReportState.SUBMITTED
    with pytest.raises(ValidationError, match="is submitted; only a draft can be changed"):
        services.do_update_report(org.people.pm_a, report, narrative="changed")
    with pytest.raises(PermissionDenied) as denied:
        services.do_review_report(org.people.member_a, report, accept=True)
    assert str(denied.value) == (
        "Only a program manager, portfolio manager or PMO admin may review PRJ-A status March 2024."
    )
    with pytest.raises(ValidationError) as error:
        services.do_review_report(org.people.pgm, report, accept=False, comment="")
    assert error.value.message_dict == {
        "comment": ["Say what must change when returning a report."]
    }
    services.do_review_report(org.people.pgm, report, accept=False, comment="Add the CPI cause.")
    assert report.state == ReportState.DRAFT and report.review_comment == "Add the CPI cause."
    services.do_submit_report(org.people.pm_a, report)
    services.do_review_report(org.people.pgm, report, accept=True, comment="Thanks.")
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == (ReportState.REVIEWED, org.people.pgm)
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == [
        "created",
        "updated",
        "submitted",
        "returned",
        "submitted",
        "reviewed",
    ]


def test_nobody_reviews_their_own_report(org, fence):
    report = services.create_report(org.a, dt.date(2024, 3, 1), STATUS, org.people.pgm)
    services.do_update_report(org.people.pgm, report, narrative="x")
    services.do_submit_report(org.people.pgm, report)
    with pytest.raises(
        ValidationError, match=r"You wrote this report; someone else must review it\."
    ):
        services.do_review_report(org.people.pgm, report, accept=True)


def test_one_report_per_project_and_month(report, org):
    with pytest.raises(ValidationError) as error:
        services.do_create_report(org.people.pm_a, org.a, period=dt.date(2024, 3, 1))
    assert error.value.message_dict == {
        "period": ["PRJ-A already has a status report for March 2024."]
    }
    with pytest.raises(PermissionDenied):
        services.do_create_report(org.people.member_a, org.a, period=dt.date(2024, 4, 1))


def test_next_report_carries_over_next_steps_and_decisions(report, org):
    services.do_update_report(
        org.people.pm_a, report, next_steps="Paint the fence.", decisions_needed="Colour?"
    )
    april = services.create_report(
        org.a, dt.date(2024, 4, 1), dt.date(2024, 4, 30), org.people.pm_a
    )
    assert (april.next_steps, april.decisions_needed) == ("Paint the fence.", "Colour?")


def test_reminder_goes_to_the_manager_once_the_report_is_overdue(org, fence):
    org.a.status = "active"
    org.a.manager = org.people.pm_a
    org.a.save()
    org.people.pm_a.email = "pm_a@example.org"
    org.people.pm_a.save()
    # March's report is due 5 days after 31 March.
    assert services.send_reminders(dt.date(2024, 4, 4)) == 0
    assert services.send_reminders(dt.date(2024, 4, 5)) == 1
    (message,) = mail.outbox
    assert message.to == ["pm_a@example.org"]
    assert message.subject == "[pmo] Status report of PRJ-A for March 2024 is overdue"
    assert "was due on 05 April 2024" in message.body
    report = services.create_report(org.a, dt.date(2024, 3, 1), STATUS, org.people.pm_a)
    services.do_update_report(org.people.pm_a, report, narrative="x")
    services.do_submit_report(org.people.pm_a, report)
    assert services.send_reminders(dt.date(2024, 4, 6)) == 0


def test_weekly_digest_to_subscribers(org, report):
    from pmo.finance.services import take_snapshots

    org.a.status = "active"
    org.a.save()
    take_snapshots([org.a, org.b, org.d], STATUS)
    services.do_update_report(org.people.pm_a, report, narrative="x")
    services.do_submit_report(org.people.pm_a, report)
    with pytest.raises(ValidationError, match="Add an e-mail address"):
        services.do_subscribe(org.people.executive, org.p1)
    org.people.executive.email = "exec@example.org"
    org.people.executive.save()
    services.do_subscribe(org.people.executive, org.p1)
    with pytest.raises(PermissionDenied):
        services.do_subscribe(org.people.outsider, org.p1)
    assert services.send_weekly_digest(dt.date(2024, 3, 11)) == 1
    (message,) = mail.outbox
    assert message.subject == "[pmo] Weekly digest: Enterprise Transformation (11 Mar 2024)"
    assert "Projects: 1 (1 red, 0 amber, 0 green)" in message.body
    assert "- PRJ-A Alpha app: SPI(t) 0.83, CPI 0.89" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_reports_are_unique_per_month_in_the_database(report, org):
    assert StatusReport.objects.filter(project=org.a).count() == 1


def test_reminder_and_digest_commands(org, fence):
    import io

    from django.core.management import call_command

    org.a.status, org.a.manager = "active", org.people.pm_a
    org.a.save()
    org.people.pm_a.email = "pm_a@example.org"
    org.people.pm_a.save()
    out = io.StringIO()
    call_command("send_status_reminders", "--date", "2024-04-05", stdout=out)
    assert out.getvalue() == "1 reminder sent.\n"
    out = io.StringIO()
    call_command("send_weekly_digest", "--date", "2024-04-08", stdout=out)
    assert out.getvalue() == "0 digests sent.\n"


def test_a_project_without_plan_or_costs_is_not_rated_rather_than_failing(org, client):
    report = services.create_report(
        org.d, dt.date(2026, 1, 1), dt.date(2026, 1, 31), org.people.pfm
    )
    assert ratings(report) == {
        "schedule": "none",
        "cost": "none",
        "scope": "none",
        "risk": "green",
        "resources": "none",
        "overall": "green",
    }
    measures = {r.dimension: r.measure for r in report.ratings.all()}
    assert measures["scope"] == "No baseline to compare the plan with"
    assert measures["schedule"] == "SPI(t) –, SPI –"
    client.force_login(org.people.pfm)
    assert client.get(f"/projects/{org.d.pk}/money/").status_code == 200
    assert client.get(f"/projects/{org.d.pk}/status/").status_code == 200
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    assert client.get(f"/reports/{report.pk}/pdf/").status_code == 200
