from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "pmo.reporting"
    label = "reporting"
    verbose_name = "Status reports, dashboards and exports"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu, register_tab

        register_menu("dashboard", "Dashboard", "reporting:dashboard", 5)
        register_tab("project", "status", "Status", "reporting:project-status", 55)
        register_tab("program", "dashboard", "Dashboard", "reporting:program-dashboard", 5)
        register_tab("portfolio", "dashboard", "Dashboard", "reporting:portfolio-dashboard", 5)
