import datetime as dt

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import ScopedObjectPermission
from pmo.portfolios.selectors import visible_projects

from .. import selectors, services
from .serializers import (
    BudgetLineSerializer,
    BudgetRowSerializer,
    CostEntrySerializer,
    EvmRecordSerializer,
    GroupEvmSerializer,
    ProjectEvmSerializer,
)


class _MoneyViewSet(viewsets.ModelViewSet):
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["project", "category"]
    do_add = do_change = do_remove = None

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project = data.pop("project")
        serializer.instance = type(self).do_add(self.request.user, project, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("project", None)
        serializer.instance = type(self).do_change(self.request.user, serializer.instance, **data)

    def perform_destroy(self, instance):
        type(self).do_remove(self.request.user, instance)


@extend_schema(description="Budget lines (per project, category and month) the caller may see.")
class BudgetLineViewSet(_MoneyViewSet):
    serializer_class = BudgetLineSerializer
    do_add = staticmethod(services.do_add_budget_line)
    do_change = staticmethod(services.do_update_budget_line)
    do_remove = staticmethod(services.do_delete_budget_line)

    def get_queryset(self):
        return selectors.visible_budget_lines(self.request.user).order_by("project", "month", "id")


@extend_schema(description="Actual costs (invoices, purchases, labour) the caller may see.")
class CostEntryViewSet(_MoneyViewSet):
    serializer_class = CostEntrySerializer
    filterset_fields = ["project", "category", "source", "task"]
    do_add = staticmethod(services.do_add_cost_entry)
    do_change = staticmethod(services.do_update_cost_entry)
    do_remove = staticmethod(services.do_delete_cost_entry)

    def get_queryset(self):
        return selectors.visible_cost_entries(self.request.user).order_by("project", "-date", "-id")


@extend_schema(description="Stored EVM snapshots of projects (figures of record; never change).")
class EvmRecordViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EvmRecordSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["project", "status_date"]

    def get_queryset(self):
        return selectors.visible_evm_records(self.request.user).order_by("project", "status_date")


def _status_and_baseline(request) -> tuple[dt.date, int | None]:
    try:
        day = dt.date.fromisoformat(request.query_params.get("date") or str(timezone.localdate()))
    except ValueError:
        raise ValidationError({"date": ["Give the status date as YYYY-MM-DD."]}) from None
    number = request.query_params.get("baseline")
    if number is not None and not number.isdigit():
        raise ValidationError({"baseline": ["The baseline is a number from 0 to 10."]})
    return day, int(number) if number else None


EVM_PARAMETERS = [
    OpenApiParameter("date", OpenApiTypes.DATE, description="Status date (default today)."),
    OpenApiParameter(
        "baseline",
        OpenApiTypes.INT,
        description="Baseline number (default: each project's lowest).",
    ),
]


class GroupEvmView(APIView):
    """Earned value of a program or portfolio at a status date: the money of the projects
    the caller may see, summed, with the indices and earned schedule recomputed.
    """

    permission_classes = [permissions.IsAuthenticated]
    level = "program"

    @extend_schema(parameters=EVM_PARAMETERS, responses=GroupEvmSerializer)
    def get(self, request, pk):
        from pmo.portfolios.selectors import visible_portfolios, visible_programs

        owners = visible_programs if self.level == "program" else visible_portfolios
        owner = get_object_or_404(owners(request.user), pk=pk)
        day, number = _status_and_baseline(request)
        ids = list(
            visible_projects(request.user)
            .filter(**{self.level: owner})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        (figures,) = selectors.grouped_evm(ids, [0] * len(ids), day, number) if ids else (None,)
        return Response(
            GroupEvmSerializer(
                {
                    "level": self.level,
                    "id": owner.pk,
                    "status_date": day,
                    "projects": ids,
                    "currency": settings.PMO_CURRENCY,
                    "figures": figures.as_dict() if figures else {},
                }
            ).data
        )


class ProjectBudgetView(APIView):
    """Replace a project's whole budget in one go (e.g. from a spreadsheet): all rows are
    written or, if one is wrong, none; the error names the row.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=BudgetRowSerializer(many=True), responses=BudgetLineSerializer(many=True)
    )
    def put(self, request, pk):
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        rows = BudgetRowSerializer(data=request.data, many=True)
        rows.is_valid(raise_exception=True)
        lines = services.do_import_budget(
            request.user, project, [dict(r) for r in rows.validated_data]
        )
        return Response(BudgetLineSerializer(lines, many=True, context={"request": request}).data)


class ProjectEvmView(APIView):
    """Earned value of one project at a status date, from a chosen baseline, per task."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="Status date (default today)."),
            OpenApiParameter("baseline", OpenApiTypes.INT, description="Baseline number."),
        ],
        responses=ProjectEvmSerializer,
    )
    def get(self, request, pk):
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        try:
            day = dt.date.fromisoformat(
                request.query_params.get("date") or str(timezone.localdate())
            )
        except ValueError:
            raise ValidationError({"date": ["Give the status date as YYYY-MM-DD."]}) from None
        number = request.query_params.get("baseline")
        if number is not None and not number.isdigit():
            raise ValidationError({"baseline": ["The baseline is a number from 0 to 10."]})
        evm = selectors.project_evm(project, day, int(number) if number else None)
        return Response(
            ProjectEvmSerializer(
                {
                    "project": project.pk,
                    "status_date": day,
                    "baseline_number": evm.data.baseline_numbers.get(project.pk),
                    "currency": settings.PMO_CURRENCY,
                    "figures": evm.project.as_dict(),
                    "tasks": evm.tasks,
                }
            ).data
        )
