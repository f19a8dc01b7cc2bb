from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from pmo.core.api import ScopedObjectPermission

from .. import selectors, services
from ..filtersets import PortfolioFilterSet, ProgramFilterSet, ProjectFilterSet
from .serializers import (
    PortfolioSerializer,
    ProgramSerializer,
    ProjectSerializer,
    StrategicObjectiveSerializer,
)


class PortfolioViewSet(viewsets.ModelViewSet):
    """Portfolios the caller may see. Creating one needs an organisation-wide PMO admin."""

    serializer_class = PortfolioSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_class = PortfolioFilterSet

    def get_queryset(self):
        return selectors.visible_portfolios(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.do_create_portfolio(
            self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.do_update_portfolio(
            self.request.user, serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.do_delete_portfolio(self.request.user, instance)


class StrategicObjectiveViewSet(viewsets.ModelViewSet):
    serializer_class = StrategicObjectiveSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["portfolio"]

    def get_queryset(self):
        return selectors.visible_objectives(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        portfolio = data.pop("portfolio")
        serializer.instance = services.do_create_objective(
            self.request.user, portfolio=portfolio, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("portfolio", None)
        serializer.instance = services.do_update_objective(
            self.request.user, serializer.instance, **data
        )


class ProgramViewSet(viewsets.ModelViewSet):
    serializer_class = ProgramSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_class = ProgramFilterSet

    def get_queryset(self):
        return selectors.visible_programs(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        portfolio = data.pop("portfolio")
        serializer.instance = services.do_create_program(
            self.request.user, portfolio=portfolio, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("portfolio", None)
        serializer.instance = services.do_update_program(
            self.request.user, serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.do_delete_program(self.request.user, instance)


@extend_schema(description="Projects the caller may see, filtered and ordered.")
class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_class = ProjectFilterSet

    def get_queryset(self):
        return selectors.visible_projects(self.request.user).prefetch_related("objectives")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        objectives = data.pop("objectives", None)
        serializer.instance = services.do_create_project(
            self.request.user, objectives=objectives, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        objectives = data.pop("objectives", None)
        serializer.instance = services.do_update_project(
            self.request.user, serializer.instance, objectives=objectives, **data
        )

    def perform_destroy(self, instance):
        services.do_delete_project(self.request.user, instance)
