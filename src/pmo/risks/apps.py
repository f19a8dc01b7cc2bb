from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "pmo.risks"
    label = "risks"
    verbose_name = "Risks, RAID and schedule risk analysis"
