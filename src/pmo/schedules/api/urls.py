from django.urls import path

from .views import (
    BaselineViewSet,
    CalendarViewSet,
    DependencyViewSet,
    GanttView,
    ProjectScheduleView,
    TaskViewSet,
)

urlpatterns = [
    path("projects/<int:pk>/schedule/", ProjectScheduleView.as_view(), name="project-schedule"),
    path("projects/<int:pk>/gantt/", GanttView.as_view(), name="project-gantt"),
]


def register(router) -> None:
    router.register("tasks", TaskViewSet, basename="task")
    router.register("dependencies", DependencyViewSet, basename="dependency")
    router.register("calendars", CalendarViewSet, basename="calendar")
    router.register("baselines", BaselineViewSet, basename="baseline")
