from django.urls import path

from .views import (
    BudgetLineViewSet,
    CostEntryViewSet,
    EvmRecordViewSet,
    GroupEvmView,
    ProjectBudgetView,
    ProjectEvmView,
)


def register(router) -> None:
    router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
    router.register("cost-entries", CostEntryViewSet, basename="cost-entry")
    router.register("evm-snapshots", EvmRecordViewSet, basename="evm-snapshot")


urlpatterns = [
    path("projects/<int:pk>/evm/", ProjectEvmView.as_view(), name="project-evm"),
    path("projects/<int:pk>/budget/", ProjectBudgetView.as_view(), name="project-budget"),
    path("programs/<int:pk>/evm/", GroupEvmView.as_view(level="program"), name="program-evm"),
    path("portfolios/<int:pk>/evm/", GroupEvmView.as_view(level="portfolio"), name="portfolio-evm"),
]
