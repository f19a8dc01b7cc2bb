from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "pmo.schedules"
    label = "schedules"
    verbose_name = "Planning and schedules"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu, register_tab

        register_menu("calendars", "Calendars", "schedules:calendar-list", 60)
        register_tab("project", "plan", "Plan", "schedules:plan", 10)
        register_tab("project", "gantt", "Gantt", "schedules:gantt", 20)
        register_tab("project", "board", "Board", "schedules:board", 30)
        register_tab("program", "roadmap", "Roadmap", "schedules:roadmap", 10)
