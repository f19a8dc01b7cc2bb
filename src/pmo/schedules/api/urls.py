from django.urls import path

from .views import GanttView, ProjectScheduleView

urlpatterns = [
    path("projects/<int:pk>/schedule/", ProjectScheduleView.as_view(), name="project-schedule"),
    path("projects/<int:pk>/gantt/", GanttView.as_view(), name="project-gantt"),
]
