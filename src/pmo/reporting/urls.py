from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "portfolios/<int:pk>/dashboard/",
        views.PortfolioDashboardView.as_view(),
        name="portfolio-dashboard",
    ),
    path(
        "programs/<int:pk>/dashboard/",
        views.ProgramDashboardView.as_view(),
        name="program-dashboard",
    ),
    path("projects/<int:pk>/status/", views.ProjectStatusView.as_view(), name="project-status"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report-edit"),
    path("reports/<int:pk>/rating/", views.RatingOverrideView.as_view(), name="report-rating"),
    path("reports/<int:pk>/refresh/", views.ReportRefreshView.as_view(), name="report-refresh"),
    path("reports/<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report-submit"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report-review"),
    path("reports/<int:pk>/pdf/", views.ReportPdfView.as_view(), name="report-pdf"),
    path(
        "portfolios/<int:pk>/report/<str:kind>/",
        views.PortfolioExportView.as_view(),
        name="portfolio-export",
    ),
    path(
        "portfolios/<int:pk>/thresholds/",
        views.ThresholdsView.as_view(),
        name="thresholds",
    ),
    path("portfolios/<int:pk>/digest/", views.DigestView.as_view(), name="digest"),
]
