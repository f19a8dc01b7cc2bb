"""Task entry as planners type it: durations in days, predecessors in "3, 5SS+2d"."""

from django import forms

from pmo.engine.calendars import supported_countries

from .choices import ConstraintType
from .durations import format_duration, parse_duration
from .models import Calendar, CalendarException, ProjectSchedule, Task


class DurationField(forms.CharField):
    bare = "d"  # the unit of a number typed without one
    noun = "duration"  # what the field holds, in error messages

    def __init__(self, *args, hours_per_day: int = 8, **kwargs):
        self.hours_per_day = hours_per_day
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_duration(value, self.hours_per_day)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return 0
        try:
            return parse_duration(value, self.hours_per_day, bare=self.bare)
        except ValueError as error:
            raise forms.ValidationError(str(error).replace("duration", self.noun)) from error


class WorkField(DurationField):
    """Effort in hours, as people count it ("80", "80h", "10d"); stored in minutes."""

    bare = "h"
    noun = "effort"

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value / 60:g}h"
        return value


class TaskForm(forms.ModelForm):
    """The inline row editor and the add-task form share this form."""

    duration_minutes = DurationField(label="Duration", required=False, initial="1d")
    predecessors = forms.CharField(
        required=False,
        help_text="Task numbers, e.g. 3, 5SS+2d, 7FF-1d, 9FS+50%",
    )

    class Meta:
        model = Task
        fields = [
            "name",
            "parent",
            "duration_minutes",
            "is_milestone",
            "percent_complete",
            "constraint_type",
            "constraint_date",
            "deadline",
        ]
        widgets = {
            "constraint_date": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args, project=None, hours_per_day: int = 8, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].hours_per_day = hours_per_day
        queryset = Task.objects.filter(project=project).order_by("sort_key")
        if self.instance.pk:
            queryset = queryset.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = queryset
        self.fields["parent"].required = False
        self.fields["constraint_type"].initial = ConstraintType.ASAP
        self.fields["constraint_type"].required = False
        self.fields["percent_complete"].required = False

    def clean_percent_complete(self):
        value = self.cleaned_data.get("percent_complete")
        return 0 if value is None else value

    def clean_constraint_type(self):
        return self.cleaned_data.get("constraint_type") or ConstraintType.ASAP


class TaskDetailForm(forms.ModelForm):
    """Everything about one task, for the task's own page."""

    duration_minutes = DurationField(label="Duration", required=False)
    remaining_minutes = DurationField(label="Remaining duration", required=False)
    work_minutes = WorkField(
        label="Work",
        required=False,
        help_text="Planned effort: 80 or 80h for hours, 10d for days (two people for a day: 16h).",
    )

    class Meta:
        model = Task
        fields = [
            "name",
            "parent",
            "notes",
            "is_milestone",
            "duration_minutes",
            "work_minutes",
            "cost",
            "calendar",
            "constraint_type",
            "constraint_date",
            "deadline",
            "percent_complete",
            "actual_start",
            "actual_finish",
            "remaining_minutes",
            "board_status",
            "assignee",
        ]
        widgets = {
            name: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            for name in ("constraint_date", "deadline", "actual_start", "actual_finish")
        } | {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, project=None, hours_per_day: int = 8, calendars=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("duration_minutes", "remaining_minutes", "work_minutes"):
            self.fields[name].hours_per_day = hours_per_day
        queryset = Task.objects.filter(project=project).order_by("sort_key")
        if self.instance.pk:
            queryset = queryset.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = queryset
        self.fields["parent"].empty_label = "None (top level)"
        self.fields["calendar"].empty_label = "The project's calendar"
        self.fields["calendar"].help_text = ""
        if calendars is not None:
            self.fields["calendar"].queryset = calendars

    def clean_remaining_minutes(self):
        value = self.data.get(self.add_prefix("remaining_minutes"))
        return self.cleaned_data.get("remaining_minutes") if value else None


class ScheduleSettingsForm(forms.ModelForm):
    class Meta:
        model = ProjectSchedule
        fields = [
            "calendar",
            "direction",
            "start",
            "finish_target",
            "status_date",
            "critical_float_minutes",
        ]
        widgets = {
            "start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "finish_target": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "status_date": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        labels = {"critical_float_minutes": "Critical if float ≤ (minutes)"}

    def __init__(self, *args, calendars=None, **kwargs):
        super().__init__(*args, **kwargs)
        if calendars is not None:
            self.fields["calendar"].queryset = calendars


def week_to_text(week) -> list[str]:
    return [", ".join(day) for day in week]


class CalendarForm(forms.ModelForm):
    """The week is typed as one line per day: "08:00-12:00, 13:00-17:00" (empty: day off)."""

    monday = forms.CharField(required=False)
    tuesday = forms.CharField(required=False)
    wednesday = forms.CharField(required=False)
    thursday = forms.CharField(required=False)
    friday = forms.CharField(required=False)
    saturday = forms.CharField(required=False)
    sunday = forms.CharField(required=False)
    DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

    class Meta:
        model = Calendar
        fields = ["name", "portfolio", "timezone", "country", "subdivision", "hours_per_day"]

    def __init__(self, *args, portfolios=None, **kwargs):
        super().__init__(*args, **kwargs)
        if portfolios is not None:
            self.fields["portfolio"].queryset = portfolios
        self.fields["portfolio"].help_text = "Empty: shared by the whole organisation."
        countries = [("", "No public holidays"), *supported_countries()]
        if self.instance.country and self.instance.country not in dict(countries):
            countries.append((self.instance.country, self.instance.country))
        self.fields["country"] = forms.ChoiceField(
            choices=countries,
            required=False,
            help_text="Its public holidays are days off in every plan on this calendar.",
        )
        for day, text in zip(self.DAYS, week_to_text(self.instance.week), strict=True):
            self.fields[day].initial = text

    def clean(self):
        from .calendars import parse_week

        data = super().clean()
        week = []
        for day in self.DAYS:
            text = data.get(day) or ""
            week.append([part.strip() for part in text.split(",") if part.strip()])
        try:
            parse_week(week)
        except forms.ValidationError as error:
            self.add_error(None, error)
        data["week"] = week
        return data


class CalendarExceptionForm(forms.ModelForm):
    hours_text = forms.CharField(required=False, label="Hours", help_text="e.g. 09:00-13:00")

    class Meta:
        model = CalendarException
        fields = ["name", "start", "end", "working"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["hours_text"].initial = ", ".join(self.instance.hours)

    def clean(self):
        data = super().clean()
        text = data.get("hours_text") or ""
        data["hours"] = [part.strip() for part in text.split(",") if part.strip()]
        return data


CalendarExceptionFormSet = forms.formset_factory(CalendarExceptionForm, extra=2, can_delete=True)
