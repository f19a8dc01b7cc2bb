from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pmo.intake"
    label = "intake"
    verbose_name = "Intake, scoring and portfolio selection"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu, register_tab

        register_menu("intake", "Intake", "intake:proposal-list", 40)
        register_tab("portfolio", "intake", "Intake", "intake:pipeline", 20, visible=_sees_intake)
        register_tab("project", "business-case", "Business case", "intake:project-case", 80)


def _sees_intake(user, portfolio) -> bool:
    from .selectors import intake_portfolios

    return intake_portfolios(user).filter(pk=portfolio.pk).exists()
