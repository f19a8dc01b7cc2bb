"""Forms of the resource pages. They parse input; services decide and save."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from pmo.schedules.models import Calendar, Task

from .choices import (
    CapacityReason,
    Contour,
    Granularity,
    Grouping,
    LevelingMode,
    Proficiency,
    ResourceKind,
)
from .models import JobRole, OrgUnit, Resource, Skill
from .workload import week_start


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "kind",
            "name",
            "user",
            "role",
            "org_unit",
            "manager",
            "calendar",
            "units",
            "availability_pct",
            "material_unit",
            "is_active",
        ]
        labels = {"availability_pct": "Availability (%)", "org_unit": "Org unit"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()
        self.fields["manager"].queryset = _people()
        self.fields["calendar"].queryset = Calendar.objects.filter(portfolio=None)


class HeatmapForm(forms.Form):
    group = forms.ChoiceField(choices=Grouping.choices, initial="resource", required=False)
    granularity = forms.ChoiceField(choices=Granularity.choices, initial="week", required=False)
    start = forms.DateField(required=False, widget=DateInput())
    periods = forms.IntegerField(min_value=1, max_value=26, initial=12, required=False)
    portfolio = forms.ModelChoiceField(queryset=None, required=False, empty_label="All work")
    program = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All programs", label="People in"
    )
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.all(), required=False, empty_label="All units"
    )
    role = forms.ModelChoiceField(
        queryset=JobRole.objects.all(), required=False, empty_label="All roles"
    )
    q = forms.CharField(required=False, label="Name")
    bookings = forms.ChoiceField(
        choices=[("all", "Hard and soft"), ("hard", "Hard only")],
        required=False,
        initial="all",
        label="Bookings",
    )

    def __init__(self, *args, portfolios=None, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = portfolios
        self.fields["program"].queryset = programs

    def params(self, today: dt.date) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        granularity = data.get("granularity") or "week"
        start = data.get("start") or today
        start = week_start(start) if granularity == "week" else start.replace(day=1)
        return {
            "group": data.get("group") or "resource",
            "granularity": granularity,
            "start": start,
            "periods": data.get("periods") or (12 if granularity == "week" else 6),
            "portfolio": data.get("portfolio"),
            "program": data.get("program"),
            "unit": data.get("unit"),
            "role": data.get("role"),
            "q": data.get("q") or "",
            "soft": data.get("bookings") != "hard",
        }


class FindPersonForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), required=False)
    min_level = forms.TypedChoiceField(
        choices=Proficiency.choices,
        coerce=int,
        initial=1,
        empty_value=1,
        required=False,
        label="At least",
    )
    role = forms.ModelChoiceField(queryset=JobRole.objects.all(), required=False)
    start = forms.DateField(widget=DateInput(), label="From")
    end = forms.DateField(widget=DateInput(), label="To")
    hours = forms.DecimalField(
        min_value=0, max_digits=6, decimal_places=1, initial=0, label="Free hours needed"
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end is before the start.")
        elif data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366:
            self.add_error("end", "Search at most one year at a time.")
        return data


class SkillForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all())
    level = forms.TypedChoiceField(choices=Proficiency.choices, coerce=int)


class CapacityChangeForm(forms.Form):
    reason = forms.ChoiceField(choices=CapacityReason.choices)
    start = forms.DateField(widget=DateInput())
    end = forms.DateField(widget=DateInput(), required=False)
    percent = forms.IntegerField(
        min_value=0, max_value=200, initial=0, help_text="Leave is always 0 %."
    )
    note = forms.CharField(required=False, max_length=200)


class RateForm(forms.Form):
    effective_from = forms.DateField(widget=DateInput())
    standard = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    overtime = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, required=False)


class AssignmentForm(forms.Form):
    task = forms.ModelChoiceField(queryset=Task.objects.none())
    resource = forms.ModelChoiceField(queryset=Resource.objects.none())
    units_pct = forms.IntegerField(min_value=1, max_value=1000, initial=100, label="Units (%)")
    work_hours = forms.DecimalField(
        min_value=0,
        max_digits=8,
        decimal_places=1,
        required=False,
        label="Work (h)",
        help_text="Empty: units × duration.",
    )
    contour = forms.ChoiceField(choices=Contour.choices, initial="flat")

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(
            project=project, is_summary=False
        ).order_by("sort_key")
        self.fields["task"].label_from_instance = lambda t: f"{t.outline} {t.name}"
        self.fields["resource"].queryset = Resource.objects.filter(is_active=True).exclude(
            kind=ResourceKind.MATERIAL
        )


class ReplaceRoleForm(forms.Form):
    role_resource = forms.ModelChoiceField(
        queryset=Resource.objects.filter(kind=ResourceKind.ROLE), label="Generic role"
    )
    person = forms.ModelChoiceField(
        queryset=Resource.objects.filter(kind=ResourceKind.PERSON, is_active=True)
    )


class LevelForm(forms.Form):
    mode = forms.ChoiceField(choices=LevelingMode.choices, initial="finish")


class DecisionForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
