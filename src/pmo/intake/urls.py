from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("intake/", views.ProposalListView.as_view(), name="proposal-list"),
    path("intake/portfolios/<int:pk>/", views.PipelineView.as_view(), name="pipeline"),
    path("intake/portfolios/<int:pk>/scoring/", views.ScoringView.as_view(), name="scoring"),
    path(
        "intake/portfolios/<int:pk>/criteria/new/",
        views.CriterionEditView.as_view(),
        name="criterion-create",
    ),
    path(
        "intake/portfolios/<int:pk>/criteria/<int:criterion>/",
        views.CriterionEditView.as_view(),
        name="criterion-update",
    ),
    path("intake/portfolios/<int:pk>/ranking/", views.RankingView.as_view(), name="ranking"),
    path(
        "intake/portfolios/<int:pk>/ranking.xlsx",
        views.RankingExportView.as_view(),
        name="ranking-export",
    ),
    path("intake/portfolios/<int:pk>/selection/", views.SelectionView.as_view(), name="selection"),
    path("intake/portfolios/<int:pk>/runs/<uuid:job>/", views.RunView.as_view(), name="run"),
    path("intake/portfolios/<int:pk>/compare/", views.CompareView.as_view(), name="compare"),
    path("intake/portfolios/<int:pk>/hand-pick/", views.HandPickView.as_view(), name="handpick"),
    path(
        "intake/portfolios/<int:pk>/proposals/new/",
        views.ProposalEditView.as_view(),
        name="proposal-create",
    ),
    path("intake/proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path(
        "intake/proposals/<int:proposal>/edit/",
        views.ProposalEditView.as_view(),
        name="proposal-update",
    ),
    path("intake/scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario-detail"),
    path(
        "intake/scenarios/<int:pk>/commit/",
        views.ScenarioCommitView.as_view(),
        name="scenario-commit",
    ),
    path(
        "intake/scenarios/<int:pk>/delete/",
        views.ScenarioDeleteView.as_view(),
        name="scenario-delete",
    ),
    path(
        "intake/scenarios/<int:pk>/price/",
        views.ScenarioPriceView.as_view(),
        name="scenario-price",
    ),
    path(
        "intake/projects/<int:pk>/business-case/",
        views.ProjectCaseView.as_view(),
        name="project-case",
    ),
]
