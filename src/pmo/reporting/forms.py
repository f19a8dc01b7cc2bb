"""Forms of status reports, RAG overrides, reviews and the PMO's thresholds."""

from django import forms

from pmo.finance.forms import MonthField

from .choices import Dimension, Rag
from .models import RagThresholds, StatusReport


class NewReportForm(forms.Form):
    period = MonthField(label="Month reported on")


class ReportTextForm(forms.ModelForm):
    class Meta:
        model = StatusReport
        fields = ["narrative", "accomplishments", "next_steps", "decisions_needed"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class OverrideForm(forms.Form):
    dimension = forms.ChoiceField(choices=Dimension.choices, widget=forms.HiddenInput)
    value = forms.ChoiceField(
        choices=[("", "As computed"), *[(v, label) for v, label in Rag.choices if v != Rag.NONE]],
        required=False,
        label="Rating",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("return", "Return for rework")])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = RagThresholds
        fields = [
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
        ]
