"""Saving calendars with their exceptions in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can_create_portfolio, require
from pmo.core.text import counted

from .models import Calendar, CalendarException, ProjectSchedule


def check_calendar_rights(actor, portfolio) -> None:
    """Organisation-wide calendars are the PMO admins'; a portfolio's, its managers'."""
    if portfolio is None:
        if not can_create_portfolio(actor):
            raise PermissionDenied("Only PMO admins manage organisation-wide calendars.")
    else:
        require(actor, Action.CHANGE, portfolio)


EXCEPTION_FIELDS = {"name", "start", "end", "working", "hours"}


@transaction.atomic
def do_save_calendar(actor, data: dict, calendar: Calendar | None = None) -> Calendar:
    """Create or update a calendar and replace its exceptions when ``exceptions`` is given;
    every plan counting time on it is re-scheduled in the same transaction.
    """
    if calendar is not None:
        check_calendar_rights(actor, calendar.portfolio)
    data = dict(data)
    check_calendar_rights(actor, data.get("portfolio", calendar.portfolio if calendar else None))
    exceptions = data.pop("exceptions", None)
    calendar = calendar or Calendar()
    for name, value in data.items():
        setattr(calendar, name, value)
    calendar.full_clean()
    calendar.save()
    if exceptions is not None:
        calendar.exceptions.all().delete()
        for row, values in enumerate(exceptions, start=1):
            values = {k: v for k, v in values.items() if k in EXCEPTION_FIELDS}
            exception = CalendarException(calendar=calendar, **values)
            try:
                exception.full_clean(exclude=["calendar"])
            except ValidationError as error:
                raise ValidationError({"exceptions": [f"Exception {row}: {error}"]}) from error
            exception.save()
    if calendar.pk:
        _reschedule_users_of(calendar)
    return calendar


@transaction.atomic
def do_delete_calendar(actor, calendar: Calendar) -> None:
    check_calendar_rights(actor, calendar.portfolio)
    in_use = ProjectSchedule.objects.filter(calendar=calendar).count()
    if in_use or (calendar.pk and _used_by_tasks(calendar)):
        raise ValidationError(
            f"Calendar {calendar} is still used by {counted(in_use, 'project')} or their tasks; "
            "give them another calendar first."
        )
    calendar.delete()


def _used_by_tasks(calendar: Calendar) -> bool:
    from .models import Task

    return Task.objects.filter(calendar=calendar).exists()


def _reschedule_users_of(calendar: Calendar) -> None:
    """Every plan that counts time on this calendar gets new dates in the same transaction."""
    from pmo.portfolios.models import Project

    from .services import reschedule

    projects = Project.objects.filter(
        Q(schedule__in=ProjectSchedule.objects.filter(calendar=calendar))
        | Q(tasks__calendar=calendar)
    ).distinct()
    for project in projects:
        reschedule(project)
