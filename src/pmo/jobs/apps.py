from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "pmo.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
