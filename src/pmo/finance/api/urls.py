from django.urls import path

from .views import BudgetLineViewSet, CostEntryViewSet, EvmRecordViewSet, ProjectEvmView


def register(router) -> None:
    router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
    router.register("cost-entries", CostEntryViewSet, basename="cost-entry")
    router.register("evm-snapshots", EvmRecordViewSet, basename="evm-snapshot")


urlpatterns = [path("projects/<int:pk>/evm/", ProjectEvmView.as_view(), name="project-evm")]
