from django.urls import path

from . import views

app_name = "portfolios"

urlpatterns = [
    path("portfolios/", views.PortfolioListView.as_view(), name="portfolio-list"),
    path("portfolios/new/", views.PortfolioCreateView.as_view(), name="portfolio-create"),
    path("portfolios/<int:pk>/", views.PortfolioDetailView.as_view(), name="portfolio-detail"),
    path("portfolios/<int:pk>/edit/", views.PortfolioUpdateView.as_view(), name="portfolio-update"),
    path(
        "portfolios/<int:pk>/export/", views.PortfolioExportView.as_view(), name="portfolio-export"
    ),
    path(
        "portfolios/<int:pk>/objectives/new/",
        views.ObjectiveCreateView.as_view(),
        name="objective-create",
    ),
    path("programs/", views.ProgramListView.as_view(), name="program-list"),
    path("programs/new/", views.ProgramCreateView.as_view(), name="program-create"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("programs/<int:pk>/edit/", views.ProgramUpdateView.as_view(), name="program-update"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project-update"),
    path("projects/<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project-delete"),
]
