from django.urls import path

from .views import HealthGridView, StatusReportViewSet


def register(router) -> None:
    router.register("status-reports", StatusReportViewSet, basename="status-report")


urlpatterns = [path("dashboard/projects/", HealthGridView.as_view(), name="dashboard-projects")]
