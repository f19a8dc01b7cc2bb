from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "pmo.schedules"
    label = "schedules"
    verbose_name = "Planning and schedules"
