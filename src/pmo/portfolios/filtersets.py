"""One FilterSet per list, shared by the web UI and the API."""

import django_filters
from django import forms
from django.db.models import Q

from .choices import Health, Phase, Priority, ProgramStatus, ProjectStatus
from .models import Portfolio, Program, Project

CHIPS = forms.CheckboxSelectMultiple(attrs={"class": "chips"})
DATE = forms.DateInput(attrs={"type": "date"})


class SearchFilter(django_filters.CharFilter):
    def __init__(self, *fields: str, **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", "Search")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return qs.filter(query)


class PortfolioFilterSet(django_filters.FilterSet):
    q = SearchFilter("code", "name", "description")
    ordering = django_filters.OrderingFilter(
        fields=(("code", "code"), ("name", "name"), ("created_at", "created"))
    )

    class Meta:
        model = Portfolio
        fields = ["q", "governance_model"]


class ProgramFilterSet(django_filters.FilterSet):
    q = SearchFilter("code", "name", "description")
    status = django_filters.MultipleChoiceFilter(choices=ProgramStatus.choices, widget=CHIPS)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("status", "status"),
            ("portfolio__name", "portfolio"),
            ("manager__last_name", "manager"),
        )
    )

    class Meta:
        model = Program
        fields = ["q", "portfolio", "status", "manager"]


class ProjectFilterSet(django_filters.FilterSet):
    q = SearchFilter("code", "name", "description", label="Search code or name")
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices, widget=CHIPS)
    phase = django_filters.MultipleChoiceFilter(choices=Phase.choices, widget=CHIPS)
    health = django_filters.MultipleChoiceFilter(choices=Health.choices, widget=CHIPS)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, widget=CHIPS)
    starts_after = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="gte", label="Starts on or after", widget=DATE
    )
    finishes_before = django_filters.DateFilter(
        field_name="planned_finish", lookup_expr="lte", label="Finishes on or before", widget=DATE
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("program__name", "program"),
            ("status", "status"),
            ("phase", "phase"),
            ("priority", "priority"),
            ("health", "health"),
            ("planned_start", "start"),
            ("planned_finish", "finish"),
            ("manager__last_name", "manager"),
        )
    )

    class Meta:
        model = Project
        fields = ["q", "portfolio", "program", "status", "phase", "health", "priority", "manager"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:
            user = self.request.user
        if user is not None:
            # Offer only the portfolios and programs the user can see.
            from .selectors import visible_portfolios, visible_programs

            self.filters["portfolio"].queryset = visible_portfolios(user)
            self.filters["program"].queryset = visible_programs(user)
