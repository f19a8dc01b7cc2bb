from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "pmo.resources"
    label = "resources"
    verbose_name = "Resources and timesheets"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu, register_tab

        register_menu("resources", "Resources", "resources:heatmap", 40)
        register_menu("timesheets", "Timesheets", "resources:timesheet", 45)
        register_tab("project", "team", "Team", "resources:team", 40)
        register_tab("program", "leveling", "Resources", "resources:program-leveling", 40)
