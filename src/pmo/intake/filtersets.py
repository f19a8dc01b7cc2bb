"""One filter set for the proposal list page and the proposal API."""

import django_filters
from django import forms
from django.db.models import Q

from pmo.portfolios.models import Portfolio
from pmo.portfolios.selectors import visible_portfolios

from .choices import ProposalState, RiskLevel
from .models import Proposal


class ProposalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    portfolio = django_filters.ModelChoiceFilter(queryset=Portfolio.objects.none())
    state = django_filters.MultipleChoiceFilter(choices=ProposalState.choices)
    risk_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)
    mandatory = django_filters.BooleanFilter(
        widget=forms.Select(choices=[("", "Any"), ("true", "Mandatory"), ("false", "Optional")])
    )

    class Meta:
        model = Proposal
        fields = ["q", "portfolio", "state", "risk_level", "mandatory"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        user = user or getattr(request, "user", None)
        if user is not None:
            self.filters["portfolio"].queryset = visible_portfolios(user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )
