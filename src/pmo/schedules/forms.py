"""Task entry as planners type it: durations in days, predecessors in "3, 5SS+2d"."""

from django import forms

from .choices import ConstraintType
from .durations import format_duration, parse_duration
from .models import Task


class DurationField(forms.CharField):
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
            return parse_duration(value, self.hours_per_day)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


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
