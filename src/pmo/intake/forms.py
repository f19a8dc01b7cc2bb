"""Forms of intake. They parse and validate input; saving goes through services."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from pmo.portfolios.models import Project

from .choices import TRANSITIONS, ProposalState
from .models import CapacityRole, Criterion, Proposal, ScoringModel


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(forms.DateField):
    """A month picker; the value is the first day of the month."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class ProposalForm(forms.ModelForm):
    earliest_start = MonthField(help_text="First month the project could start.")

    class Meta:
        model = Proposal
        fields = [
            "code",
            "title",
            "description",
            "sponsor",
            "risk_level",
            "earliest_start",
            "start_window_months",
            "duration_months",
            "mandatory",
            "exclusive_group",
            "objectives",
            "requires",
            "depends_on_projects",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.CheckboxSelectMultiple(),
        }
        labels = {"depends_on_projects": "Depends on projects"}

    def __init__(self, *args, portfolio=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["objectives"].queryset = portfolio.objectives.all()
        others = Proposal.objects.filter(portfolio=portfolio)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["requires"].queryset = others
        self.fields["depends_on_projects"].queryset = Project.objects.filter(portfolio=portfolio)
        for name in ("requires", "depends_on_projects"):
            self.fields[name].widget.attrs["size"] = 5
            self.fields[name].required = False


class CashFlowForm(forms.Form):
    year = forms.IntegerField(min_value=0, max_value=30)
    capex = forms.DecimalField(min_value=0, decimal_places=2, required=False)
    opex = forms.DecimalField(min_value=0, decimal_places=2, required=False)
    benefit = forms.DecimalField(min_value=0, decimal_places=2, required=False)


class DemandForm(forms.Form):
    role = forms.ModelChoiceField(queryset=CapacityRole.objects.none(), to_field_name="name")
    from_month = forms.IntegerField(min_value=0, initial=0, label="From month")
    months = forms.IntegerField(min_value=1, initial=1)
    hours_per_month = forms.DecimalField(min_value=0, decimal_places=1, label="Hours / month")

    def __init__(self, *args, portfolio=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = CapacityRole.objects.filter(portfolio=portfolio)


CashFlowFormSet = forms.formset_factory(CashFlowForm, extra=2, can_delete=True)
DemandFormSet = forms.formset_factory(DemandForm, extra=2, can_delete=True)


def formset_rows(formset, amounts: tuple[str, ...] = ()) -> list[dict]:
    """The filled, not deleted rows of a valid formset, in order; a row whose ``amounts``
    are all empty (a pre-numbered year left blank) is no row.
    """
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if amounts and all(data.get(name) in (None, "") for name in amounts):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=ProposalState.choices, widget=forms.HiddenInput)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal is not None:
            allowed = TRANSITIONS.get(proposal.state, ())
            self.fields["to_state"].choices = [
                (s, label) for s, label in ProposalState.choices if s in allowed
            ]


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(forms.Form):
    """One score (on the criterion's scale) and a note per criterion."""

    def __init__(self, *args, criteria=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.criteria = list(criteria)
        for c in self.criteria:
            levels = list(c.levels.all())
            choices = [("", "—")] + [(lv.value, f"{lv.value} – {lv.definition}") for lv in levels]
            if not levels:
                choices = [("", "—")] + [(v, str(v)) for v in range(0, 6)]
            score, note = current.get(c.pk, (None, ""))
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.code} {c.name}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=score,
            )
            self.fields[f"note_{c.pk}"] = forms.CharField(
                label="Note", required=False, max_length=300, initial=note
            )

    def scores(self) -> dict:
        return {
            c: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"note_{c.pk}", ""))
            for c in self.criteria
        }

    def pairs(self):
        return [(self[f"score_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]


class ScoringModelForm(forms.ModelForm):
    planning_start = MonthField(help_text="First month of the planning horizon.")

    class Meta:
        model = ScoringModel
        fields = ["discount_rate", "npv_weight", "planning_start", "horizon_years"]


class CriterionForm(forms.ModelForm):
    levels = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One level a line, as 'score: definition' (e.g. '3: serves one market').",
    )

    class Meta:
        model = Criterion
        fields = ["objective", "code", "name", "description", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, portfolio=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = portfolio.objectives.all()
        if self.instance.pk and not self.is_bound:
            self.initial["levels"] = "\n".join(
                f"{lv.value}: {lv.definition}" for lv in self.instance.levels.all()
            )

    def clean_levels(self):
        out = []
        for n, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            value, sep, definition = line.partition(":")
            if not sep or not value.strip().isdigit():
                raise forms.ValidationError(
                    f"Line {n}: write 'score: definition', e.g. '3: serves one market'."
                )
            out.append((int(value), definition.strip()))
        if not out:
            raise forms.ValidationError("Give at least one level of the scale.")
        return out


SAATY_WORDS = {1: "equal", 3: "moderately", 5: "strongly", 7: "very strongly", 9: "extremely"}
# Saaty's 1-9 scale both ways; even numbers are the compromises between two words.
SAATY = [
    *[(str(v), f"{v} – {SAATY_WORDS.get(v, 'between')} more") for v in range(9, 1, -1)],
    ("1", "1 – equal"),
    *[(f"{1 / v:.4f}", f"1/{v} – {SAATY_WORDS.get(v, 'between')} less") for v in range(2, 10)],
]


class ComparisonForm(forms.Form):
    """One select per pair of criteria: how much more the first matters than the second."""

    def __init__(self, *args, criteria=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.pairs_of = []
        crits = list(criteria)
        for i, a in enumerate(crits):
            for b in crits[i + 1 :]:
                name = f"cmp_{a.code}__{b.code}"
                value = current.get((a.code, b.code))
                initial = _nearest_saaty(value) if value is not None else "1"
                self.fields[name] = forms.ChoiceField(
                    label=f"{a.code} vs {b.code}", choices=SAATY, initial=initial
                )
                self.pairs_of.append((name, a, b))

    def judgments(self):
        return [(a.code, b.code, self.cleaned_data[name]) for name, a, b in self.pairs_of]

    def rows(self):
        return [(self[name], a, b) for name, a, b in self.pairs_of]


def _nearest_saaty(value) -> str:
    target = float(value)
    return min(SAATY, key=lambda c: abs(float(c[0]) - target))[0]


class RoleForm(forms.ModelForm):
    class Meta:
        model = CapacityRole
        fields = ["name", "monthly_hours"]


class OptimiseForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, help_text="Default: date and time.")
    npv_weight = forms.DecimalField(
        min_value=0,
        max_value=1,
        decimal_places=2,
        label="Weight of NPV in value",
        help_text="0: weighted score only; 1: NPV only.",
    )
    use_capacity = forms.BooleanField(required=False, initial=True, label="Respect capacity")
    allow_shift = forms.BooleanField(
        required=False, initial=True, label="Allow later starts within each start window"
    )
    time_limit = forms.IntegerField(min_value=1, max_value=120, initial=10, label="Seconds")

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for y, label in enumerate(self.years):
            for kind in ("total", "capex", "opex"):
                self.fields[f"{kind}_{y}"] = forms.DecimalField(
                    min_value=0,
                    decimal_places=2,
                    required=False,
                    label=f"{kind.title()} {label}",
                )

    def budget_rows(self):
        return [
            {
                "year": y,
                **{k: self.cleaned_data.get(f"{k}_{y}") for k in ("total", "capex", "opex")},
            }
            for y in range(len(self.years))
        ]

    def budget_grid(self):
        return [
            (label, [self[f"{k}_{y}"] for k in ("total", "capex", "opex")])
            for y, label in enumerate(self.years)
        ]

    def options(self) -> dict:
        d = self.cleaned_data
        return {
            "budgets": [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
                for row in self.budget_rows()
            ],
            "npv_weight": str(d["npv_weight"]),
            "use_capacity": d["use_capacity"],
            "allow_shift": d["allow_shift"],
            "time_limit": float(d["time_limit"]),
            "name": d.get("name") or "",
        }
