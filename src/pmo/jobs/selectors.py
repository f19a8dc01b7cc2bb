from django.db.models import QuerySet

from .models import Job


def jobs_of(user) -> QuerySet[Job]:
    """A user sees the jobs they started; superusers see all."""
    if user.is_superuser:
        return Job.objects.select_related("created_by")
    return Job.objects.filter(created_by=user).select_related("created_by")
