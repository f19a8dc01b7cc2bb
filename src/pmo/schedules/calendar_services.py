"""Saving calendars with their exceptions in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .models import Calendar, CalendarException, ProjectSchedule


@transaction.atomic
def do_save_calendar(data: dict, calendar: Calendar | None = None) -> Calendar:
    data = dict(data)
    exceptions = data.pop("exceptions", None)
    calendar = calendar or Calendar()
    for name, value in data.items():
        setattr(calendar, name, value)
    calendar.full_clean()
    calendar.save()
    if exceptions is not None:
        calendar.exceptions.all().delete()
        for row, values in enumerate(exceptions, start=1):
            exception = CalendarException(calendar=calendar, **values)
            try:
                exception.full_clean(exclude=["calendar"])
            except ValidationError as error:
                raise ValidationError({"exceptions": [f"Exception {row}: {error}"]}) from error
            exception.save()
    if calendar.pk:
        _reschedule_users_of(calendar)
    return calendar


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
