"""Create and edit forms. Saving goes through services; forms only parse and validate."""

from django import forms
from django.contrib.auth import get_user_model

from pmo.core.choices import Action
from pmo.core.permissions import can

from .models import Portfolio, Program, Project, StrategicObjective


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


class PortfolioForm(forms.ModelForm):
    class Meta:
        model = Portfolio
        fields = ["code", "name", "description", "owner", "governance_model"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["portfolio", "code", "name", "description", "manager", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import visible_portfolios

        self.fields["portfolio"].queryset = (
            visible_portfolios(user) if user is not None else Portfolio.objects.none()
        )
        self.fields["manager"].queryset = _people()
        if self.instance.pk:
            # A program does not move between portfolios; its projects' links would break.
            self.fields["portfolio"].disabled = True
        self.user = user

    def clean_portfolio(self):
        portfolio = self.cleaned_data["portfolio"]
        if not self.instance.pk and not can(self.user, Action.ADD_CHILD, portfolio):
            raise forms.ValidationError(f"You may not add programs to {portfolio}.")
        return portfolio


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "portfolio",
            "program",
            "code",
            "name",
            "description",
            "manager",
            "sponsor",
            "status",
            "phase",
            "priority",
            "health",
            "planned_start",
            "planned_finish",
            "objectives",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "planned_start": DateInput(),
            "planned_finish": DateInput(),
            "objectives": forms.CheckboxSelectMultiple(),
        }
        help_texts = {"program": "Leave empty for a project directly under the portfolio."}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import visible_portfolios, visible_programs

        self.user = user
        self.fields["portfolio"].queryset = visible_portfolios(user)
        self.fields["program"].queryset = visible_programs(user)
        self.fields["manager"].queryset = _people()
        self.fields["sponsor"].queryset = _people()
        self.fields["objectives"].queryset = StrategicObjective.objects.filter(
            portfolio__in=visible_portfolios(user)
        ).select_related("portfolio")
        self.fields["objectives"].label_from_instance = lambda o: f"{o.portfolio.code} · {o}"

    def clean(self):
        data = super().clean()
        program, portfolio = data.get("program"), data.get("portfolio")
        if program is not None and portfolio is not None and program.portfolio_id != portfolio.pk:
            self.add_error(
                "program", f"{program} belongs to portfolio {program.portfolio}, not {portfolio}."
            )
        objectives = data.get("objectives") or []
        if portfolio is not None:
            stray = [o for o in objectives if o.portfolio_id != portfolio.pk]
            if stray:
                self.add_error(
                    "objectives",
                    "Objectives must belong to the project's portfolio; "
                    f"not: {', '.join(str(o) for o in stray)}.",
                )
        parent = program or portfolio
        creating_or_moving = not self.instance.pk or (
            "program" in self.changed_data or "portfolio" in self.changed_data
        )
        if (
            parent is not None
            and creating_or_moving
            and not can(self.user, Action.ADD_CHILD, parent)
        ):
            self.add_error(
                "program" if program else "portfolio", f"You may not add projects to {parent}."
            )
        return data


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = StrategicObjective
        fields = ["code", "name", "description", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
