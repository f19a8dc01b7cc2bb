from rest_framework import viewsets

from ..models import Job
from ..selectors import jobs_of
from .serializers import JobSerializer


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs the caller started, with their progress (percent and message)."""

    serializer_class = JobSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return jobs_of(self.request.user)
