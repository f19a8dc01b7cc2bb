from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "pmo.finance"
    label = "finance"
    verbose_name = "Budgets, costs and earned value"

    def ready(self) -> None:
        from pmo.core.navigation import register_tab

        register_tab("project", "money", "Money", "finance:money", 50)
