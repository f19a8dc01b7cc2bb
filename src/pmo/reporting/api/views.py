from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import ScopedObjectPermission
from pmo.portfolios.selectors import visible_projects

from .. import dashboards, selectors, services
from .serializers import (
    HealthRowSerializer,
    NewReportSerializer,
    OverrideSerializer,
    ReportTextSerializer,
    ReviewSerializer,
    StatusReportSerializer,
)


@extend_schema(description="Status reports the caller may see, newest period first.")
class StatusReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports are read here and changed through the same services as the web pages:
    create a draft, edit its texts, override a rating with a reason, submit, review.
    """

    serializer_class = StatusReportSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["project", "state", "period"]

    def get_queryset(self):
        return selectors.visible_reports(self.request.user).order_by("project", "-period")

    def _answer(self, report, status=200):
        report = selectors.visible_reports(self.request.user).get(pk=report.pk)
        data = StatusReportSerializer(report, context={"request": self.request}).data
        return Response(data, status=status)

    @extend_schema(request=NewReportSerializer, responses={201: StatusReportSerializer})
    def create(self, request):
        body = NewReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = get_object_or_404(
            visible_projects(request.user), pk=body.validated_data["project"]
        )
        report = services.do_create_report(
            request.user, project, period=body.validated_data["period"]
        )
        return self._answer(report, status=201)

    @extend_schema(request=ReportTextSerializer, responses=StatusReportSerializer)
    def partial_update(self, request, pk=None):
        body = ReportTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.do_update_report(request.user, self.get_object(), **body.validated_data)
        return self._answer(report)

    @extend_schema(request=OverrideSerializer, responses=StatusReportSerializer)
    @action(detail=True, methods=["post"])
    def rating(self, request, pk=None):
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = self.get_object()
        services.do_override_rating(request.user, report, **body.validated_data)
        return self._answer(report)

    @extend_schema(request=None, responses=StatusReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(services.do_submit_report(request.user, self.get_object()))

    @extend_schema(request=ReviewSerializer, responses=StatusReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.do_review_report(request.user, self.get_object(), **body.validated_data)
        return self._answer(report)

    def get_permissions(self):
        # Object rights are the services' business (a reviewer is not a project editor);
        # the viewset only needs a signed-in caller who can see the report.
        if self.action in ("partial_update", "rating", "submit", "review", "create"):
            return [permissions.IsAuthenticated()]
        return super().get_permissions()


class HealthGridView(APIView):
    """The executive dashboard's health grid: one row per active or on-hold project."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, description=f"Filter by {name}.")
            for name in (*dashboards.FILTERS, "only")
        ],
        responses=HealthRowSerializer(many=True),
    )
    def get(self, request):
        board = dashboards.executive(
            request.user, dashboards.parse_filters(request.query_params), full=False
        )
        return Response(HealthRowSerializer(board["rows"], many=True).data)
