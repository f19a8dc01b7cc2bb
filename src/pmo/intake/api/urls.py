from django.urls import path

from .views import (
    AssessmentViewSet,
    ComparisonsView,
    CriterionViewSet,
    OptimiseView,
    ProposalViewSet,
    ScenarioViewSet,
)

urlpatterns = [
    path("portfolios/<int:pk>/optimise/", OptimiseView.as_view(), name="portfolio-optimise"),
    path(
        "portfolios/<int:pk>/comparisons/",
        ComparisonsView.as_view(),
        name="portfolio-comparisons",
    ),
]


def register(router) -> None:
    router.register("proposals", ProposalViewSet, basename="proposal")
    router.register("criteria", CriterionViewSet, basename="criterion")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("scenarios", ScenarioViewSet, basename="scenario")
