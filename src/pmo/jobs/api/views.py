from rest_framework import viewsets

from ..selectors import jobs_of
from .serializers import JobSerializer


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs the caller started, with their progress (percent and message)."""

    serializer_class = JobSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return jobs_of(self.request.user)
