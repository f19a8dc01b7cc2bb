"""Forms: they parse input; the services decide what is allowed."""

from django import forms
from django.contrib.auth import get_user_model

from pmo.schedules.models import Task

from .choices import DistributionChoice
from .models import RaidItem, Risk, RiskAction

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 2})


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")


class RiskForm(forms.ModelForm):
    note = forms.CharField(
        required=False, max_length=300, help_text="Why the score changed (kept in the history)."
    )

    class Meta:
        model = Risk
        fields = [
            "title", "kind", "category", "owner", "cause", "event", "effect",
            "probability", "impact", "residual_probability", "residual_impact",
            "days_min", "days_likely", "days_max", "cost_min", "cost_likely", "cost_max",
            "proximity", "trigger", "strategy", "response", "status", "tasks",
        ]  # fmt: skip
        widgets = {"cause": TEXT, "event": TEXT, "effect": TEXT, "response": TEXT}
        labels = {
            "days_min": "Delay min (days)",
            "days_likely": "Delay most likely (days)",
            "days_max": "Delay max (days)",
            "cost_min": "Cost min",
            "cost_likely": "Cost most likely",
            "cost_max": "Cost max",
        }

    def __init__(self, *args, user=None, project=None, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        levels = [("", "—")]
        if matrix is not None:
            levels += [(i, f"{i} {label}") for i, label in enumerate(matrix.probability_labels, 1)]
            impacts = [("", "—")] + [
                (i, f"{i} {label}") for i, label in enumerate(matrix.impact_labels, 1)
            ]
            for name, choices in (
                ("probability", levels[1:]),
                ("impact", impacts[1:]),
                ("residual_probability", levels),
                ("residual_impact", impacts),
            ):
                self.fields[name] = forms.TypedChoiceField(
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=name in ("probability", "impact"),
                    label=self.fields[name].label,
                )
        if project is None:
            del self.fields["tasks"]
        else:
            self.fields["tasks"].queryset = Task.objects.filter(
                project=project, is_summary=False
            ).order_by("sort_key")
            self.fields["tasks"].widget.attrs["size"] = 6
        if self.instance.pk is None:
            del self.fields["status"]
            del self.fields["note"]

    def validate_constraints(self):
        # The service checks the ranges and names the field and the values at fault.
        return


class ActionForm(forms.ModelForm):
    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class RaidForm(forms.ModelForm):
    class Meta:
        model = RaidItem
        fields = [
            "title", "description", "owner", "severity", "status", "due_date", "counterparty",
            "resolution",
        ]  # fmt: skip
        widgets = {"due_date": DATE, "description": TEXT, "resolution": TEXT}

    def __init__(self, *args, user=None, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        kind = kind or self.instance.kind
        if kind != "dependency":
            del self.fields["counterparty"]
        if self.instance.pk is None:
            del self.fields["resolution"]


class EscalateForm(forms.Form):
    reason = forms.CharField(widget=TEXT, max_length=2000)


class SimulationForm(forms.Form):
    iterations = forms.IntegerField(initial=5000, min_value=1)
    seed = forms.IntegerField(required=False, help_text="Same seed, same results.")
    include_risks = forms.BooleanField(required=False, initial=True, label="Include risk events")


DISTRIBUTION_CHOICES = DistributionChoice.choices


class CommaList(forms.CharField):
    """A list typed as comma-separated values."""

    def __init__(self, *, item=str, **kwargs):
        self.item = item
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        try:
            return [self.item(p) for p in parts]
        except ValueError:
            raise forms.ValidationError("Give numbers separated by commas.") from None


class MatrixForm(forms.Form):
    size = forms.IntegerField(min_value=3, max_value=10, help_text="Levels on each axis.")
    probability_labels = CommaList(help_text="From the least to the most likely.")
    impact_labels = CommaList(help_text="From the smallest to the largest impact.")
    probability_percent = CommaList(
        item=int, label="Chance of each level (%)", help_text="e.g. 10, 30, 50, 70, 90"
    )
    amber_from = forms.IntegerField(min_value=1, label="Amber from score")
    red_from = forms.IntegerField(min_value=1, label="Red from score")

    def __init__(self, *args, user=None, instance=None, **kwargs):
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
