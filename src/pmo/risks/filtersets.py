"""One FilterSet per list, shared by the web UI and the API."""

import django_filters
from django import forms

from pmo.portfolios.filtersets import CHIPS, SearchFilter

from .choices import Level, RaidKind, RaidStatus, RiskCategory, RiskKind, RiskStatus
from .models import RaidItem, Risk


class VisibleChoices:
    """Choice lists show only the portfolios and projects the user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from pmo.portfolios.selectors import visible_portfolios, visible_projects

        user = getattr(self.request, "user", None)
        self.filters["portfolio"].queryset = visible_portfolios(user)
        self.filters["project"].queryset = visible_projects(user).select_related(None)


class RiskFilterSet(VisibleChoices, django_filters.FilterSet):
    q = SearchFilter("title", "cause", "event", "effect")
    status = django_filters.MultipleChoiceFilter(choices=RiskStatus.choices, widget=CHIPS)
    level = django_filters.MultipleChoiceFilter(choices=Level.choices, widget=CHIPS)
    kind = django_filters.ChoiceFilter(choices=RiskKind.choices)
    category = django_filters.ChoiceFilter(choices=RiskCategory.choices)
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label="Score ≥")
    probability = django_filters.NumberFilter(widget=forms.HiddenInput)
    impact = django_filters.NumberFilter(widget=forms.HiddenInput)
    residual_probability = django_filters.NumberFilter(widget=forms.HiddenInput)
    residual_impact = django_filters.NumberFilter(widget=forms.HiddenInput)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("score", "score"),
            ("residual_score", "residual_score"),
            ("title", "title"),
            ("project__code", "project"),
            ("status", "status"),
            ("proximity", "proximity"),
            ("created_at", "raised"),
        )
    )

    class Meta:
        model = Risk
        fields = ["q", "status", "level", "kind", "category", "portfolio", "project", "owner"]


class RaidFilterSet(VisibleChoices, django_filters.FilterSet):
    q = SearchFilter("title", "description")
    kind = django_filters.MultipleChoiceFilter(choices=RaidKind.choices, widget=CHIPS)
    status = django_filters.MultipleChoiceFilter(choices=RaidStatus.choices, widget=CHIPS)

    class Meta:
        model = RaidItem
        fields = ["q", "kind", "status", "level", "severity", "portfolio", "project", "owner"]
