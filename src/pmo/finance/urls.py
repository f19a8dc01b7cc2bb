from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("projects/<int:pk>/money/", views.MoneyView.as_view(), name="money"),
    path("projects/<int:pk>/money/budget/", views.BudgetAddView.as_view(), name="budget-add"),
    path("projects/<int:pk>/money/costs/", views.CostAddView.as_view(), name="cost-add"),
    path(
        "projects/<int:pk>/money/budget/upload/",
        views.BudgetUploadView.as_view(),
        name="budget-upload",
    ),
    path("projects/<int:pk>/money/forecast/", views.ForecastSetView.as_view(), name="forecast-set"),
    path(
        "projects/<int:pk>/money/labour/",
        views.LabourImportView.as_view(),
        name="labour-import",
    ),
    path("costs/<int:pk>/delete/", views.CostDeleteView.as_view(), name="cost-delete"),
    path("budget-lines/<int:pk>/delete/", views.BudgetDeleteView.as_view(), name="budget-delete"),
    path(
        "portfolios/<int:pk>/snapshots/",
        views.SnapshotTakeView.as_view(),
        name="snapshot-take",
    ),
]
