"""The pool's filter, shared by the pool page and the API."""

import django_filters
from django.db.models import Q

from .models import Resource, Skill


class ResourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name")
    skill = django_filters.ModelChoiceFilter(
        field_name="skills__skill", queryset=Skill.objects.all(), distinct=True
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "role", "org_unit", "is_active", "user", "skill"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(user__username__icontains=value))
