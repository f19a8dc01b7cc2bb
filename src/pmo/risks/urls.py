from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("risks/", views.RiskListView.as_view(), name="risk-list"),
    path("risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk-detail"),
    path("risks/<int:pk>/edit/", views.RiskUpdateView.as_view(), name="risk-update"),
    path("risks/<int:pk>/escalate/", views.RiskEscalateView.as_view(), name="risk-escalate"),
    path("risks/<int:pk>/actions/", views.RiskActionCreateView.as_view(), name="action-create"),
    path("risks/<int:pk>/raise-issue/", views.RaiseIssueView.as_view(), name="raise-issue"),
    path("risk-actions/<int:pk>/status/", views.ActionStatusView.as_view(), name="action-status"),
    path("raid/<int:pk>/", views.RaidDetailView.as_view(), name="raid-detail"),
    path("raid/<int:pk>/escalate/", views.RaidEscalateView.as_view(), name="raid-escalate"),
    path(
        "projects/<int:pk>/risks/",
        views.RegisterView.as_view(level="project"),
        name="project-risks",
    ),
    path(
        "programs/<int:pk>/risks/",
        views.RegisterView.as_view(level="program"),
        name="program-risks",
    ),
    path(
        "portfolios/<int:pk>/risks/",
        views.RegisterView.as_view(level="portfolio"),
        name="portfolio-risks",
    ),
    path("portfolios/<int:pk>/risk-matrix/", views.MatrixView.as_view(), name="matrix"),
    path("<str:level>/<int:pk>/risks/new/", views.RiskCreateView.as_view(), name="risk-create"),
    path(
        "<str:level>/<int:pk>/risks/export.xlsx",
        views.RegisterExportView.as_view(),
        name="register-export",
    ),
    path("<str:level>/<int:pk>/raid/new/", views.RaidCreateView.as_view(), name="raid-create"),
    path("projects/<int:pk>/risk-analysis/", views.AnalysisView.as_view(), name="analysis"),
    path("projects/<int:pk>/estimates/", views.EstimatesView.as_view(), name="estimates"),
    path("projects/<int:pk>/correlations/", views.CorrelationView.as_view(), name="correlations"),
    path("risk-runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
]
