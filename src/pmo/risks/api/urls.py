from django.urls import path

from .views import (
    EstimatesView,
    RaidItemViewSet,
    RiskActionViewSet,
    RiskMatrixView,
    RiskViewSet,
    SimulationRunViewSet,
    StartSimulationView,
    TaskCorrelationViewSet,
)

urlpatterns = [
    path("portfolios/<int:pk>/risk-matrix/", RiskMatrixView.as_view(), name="risk-matrix"),
    path("projects/<int:pk>/estimates/", EstimatesView.as_view(), name="project-estimates"),
    path(
        "projects/<int:pk>/risk-simulations/",
        StartSimulationView.as_view(),
        name="project-risk-simulation",
    ),
]


def register(router) -> None:
    router.register("risks", RiskViewSet, basename="risk")
    router.register("risk-actions", RiskActionViewSet, basename="risk-action")
    router.register("raid-items", RaidItemViewSet, basename="raid-item")
    router.register("risk-simulations", SimulationRunViewSet, basename="risk-simulation")
    router.register("task-correlations", TaskCorrelationViewSet, basename="task-correlation")
