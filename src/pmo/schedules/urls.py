from django.urls import path

from . import views

app_name = "schedules"

urlpatterns = [
    path("projects/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("projects/<int:pk>/plan/tasks/", views.TaskTableView.as_view(), name="task-table"),
    path("projects/<int:pk>/plan/tasks/new/", views.TaskCreateView.as_view(), name="task-create"),
    path("tasks/<int:pk>/edit/", views.TaskRowEditView.as_view(), name="task-row-edit"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("projects/<int:pk>/gantt/", views.GanttPageView.as_view(), name="gantt"),
    path("projects/<int:pk>/board/", views.BoardView.as_view(), name="board"),
    path("tasks/<int:pk>/board-status/", views.BoardMoveView.as_view(), name="board-move"),
    path(
        "projects/<int:pk>/baselines/", views.BaselineCaptureView.as_view(), name="baseline-capture"
    ),
    path("programs/<int:pk>/roadmap/", views.RoadmapView.as_view(), name="roadmap"),
    path(
        "projects/<int:pk>/schedule-settings/",
        views.ScheduleSettingsView.as_view(),
        name="schedule-settings",
    ),
    path("calendars/", views.CalendarListView.as_view(), name="calendar-list"),
    path("calendars/new/", views.CalendarEditView.as_view(), name="calendar-create"),
    path("calendars/<int:pk>/edit/", views.CalendarEditView.as_view(), name="calendar-update"),
]
