from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "pmo.portfolios"
    label = "portfolios"
    verbose_name = "Portfolios, programs and projects"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu, register_tab

        register_menu("portfolios", "Portfolios", "portfolios:portfolio-list", 10)
        register_menu("programs", "Programs", "portfolios:program-list", 20)
        register_menu("projects", "Projects", "portfolios:project-list", 30)
        register_tab("portfolio", "overview", "Overview", "portfolios:portfolio-detail", 0)
        register_tab("program", "overview", "Overview", "portfolios:program-detail", 0)
        register_tab("project", "overview", "Overview", "portfolios:project-detail", 0)
