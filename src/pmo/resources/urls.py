from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("resources/", views.HeatmapView.as_view(), name="heatmap"),
    path("resources/cell/", views.HeatmapCellView.as_view(), name="heatmap-cell"),
    path("resources/export/", views.HeatmapExportView.as_view(), name="heatmap-export"),
    path("resources/pool/", views.PoolView.as_view(), name="pool"),
    path("resources/pool/new/", views.ResourceFormView.as_view(), name="resource-create"),
    path("resources/<int:pk>/", views.ResourceDetailView.as_view(), name="resource-detail"),
    path("resources/<int:pk>/edit/", views.ResourceFormView.as_view(), name="resource-update"),
    path(
        "resources/<int:pk>/<slug:what>/",
        views.ResourceChangeView.as_view(),
        name="resource-change",
    ),
    path("resources/find/", views.FindPersonView.as_view(), name="find"),
    path("resources/metrics/", views.MetricsView.as_view(), name="metrics"),
    path("projects/<int:pk>/team/", views.ProjectTeamView.as_view(), name="team"),
    path(
        "programs/<int:pk>/leveling/",
        views.ProgramLevelingView.as_view(),
        name="program-leveling",
    ),
    path(
        "leveling/<slug:level>/<int:pk>/start/",
        views.StartLevelingView.as_view(),
        name="leveling-start",
    ),
    path("leveling/<int:pk>/", views.LevelingRunView.as_view(), name="leveling-run"),
    path("timesheets/", views.TimesheetView.as_view(), name="timesheet"),
    path("timesheets/approvals/", views.ApprovalsView.as_view(), name="approvals"),
]
