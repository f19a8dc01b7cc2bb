from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "pmo.finance"
    label = "finance"
    verbose_name = "Budgets, costs and earned value"
