from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pmo.intake"
    label = "intake"
    verbose_name = "Intake, scoring and portfolio selection"
