from django.urls import path

from .views import (
    EstimatesView,
    RaidItemViewSet,
    RiskActionViewSet,
    RiskViewSet,
    SimulationRunViewSet,
    StartSimulationView,
)

urlpatterns = [
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
