from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import ScopedObjectPermission

from .. import dashboards, selectors
from .serializers import HealthRowSerializer, StatusReportSerializer


@extend_schema(description="Status reports the caller may see, newest period first.")
class StatusReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StatusReportSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["project", "state", "period"]

    def get_queryset(self):
        return selectors.visible_reports(self.request.user).order_by("project", "-period")


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
