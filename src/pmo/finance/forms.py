"""Forms for budget lines, cost entries and forecasts; the services validate the rules."""

from django import forms

from pmo.schedules.models import Task

from .models import BudgetLine, CostEntry, Forecast


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class BudgetLineForm(forms.ModelForm):
    month = MonthField()

    class Meta:
        model = BudgetLine
        fields = ["month", "expenditure", "category", "amount", "description"]


class CostEntryForm(forms.ModelForm):
    class Meta:
        model = CostEntry
        fields = [
            "date",
            "source",
            "expenditure",
            "category",
            "amount",
            "task",
            "reference",
            "supplier",
            "description",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(
            project=project, is_summary=False
        ).order_by("sort_key")
        self.fields["task"].required = False


class ForecastForm(forms.ModelForm):
    month = MonthField()

    class Meta:
        model = Forecast
        fields = ["month", "category", "amount", "note"]
