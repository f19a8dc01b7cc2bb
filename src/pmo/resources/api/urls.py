from django.urls import path

from .views import (
    AssignmentViewSet,
    BookingViewSet,
    CapacityChangeViewSet,
    CostRateViewSet,
    FindPeopleView,
    HeatmapCellView,
    HeatmapView,
    JobRoleViewSet,
    LabourActualsView,
    LevelingRunViewSet,
    MetricsView,
    OrgUnitViewSet,
    ResourceSkillViewSet,
    ResourceViewSet,
    SkillViewSet,
    TimesheetViewSet,
)

urlpatterns = [
    path("capacity/heatmap/", HeatmapView.as_view(), name="capacity-heatmap"),
    path("capacity/cell/", HeatmapCellView.as_view(), name="capacity-cell"),
    path("capacity/find-people/", FindPeopleView.as_view(), name="find-people"),
    path("capacity/metrics/", MetricsView.as_view(), name="resource-metrics"),
    path("capacity/labour-actuals/", LabourActualsView.as_view(), name="labour-actuals"),
]


def register(router) -> None:
    router.register("resources", ResourceViewSet, basename="resource")
    router.register("skills", SkillViewSet, basename="skill")
    router.register("job-roles", JobRoleViewSet, basename="job-role")
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("resource-skills", ResourceSkillViewSet, basename="resource-skill")
    router.register("capacity-changes", CapacityChangeViewSet, basename="capacity-change")
    router.register("cost-rates", CostRateViewSet, basename="cost-rate")
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("bookings", BookingViewSet, basename="booking")
    router.register("timesheets", TimesheetViewSet, basename="timesheet")
    router.register("leveling-runs", LevelingRunViewSet, basename="leveling-run")
