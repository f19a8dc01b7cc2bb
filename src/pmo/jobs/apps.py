from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "pmo.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu

        register_menu("jobs", "Jobs", "jobs:job-list", 90)
