from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "pmo.risks"
    label = "risks"
    verbose_name = "Risks, RAID and schedule risk analysis"

    def ready(self) -> None:
        from pmo.core.navigation import register_menu, register_tab

        register_menu("risks", "Risks", "risks:risk-list", 45)
        register_tab("project", "risks", "Risks", "risks:project-risks", 50)
        register_tab("program", "risks", "Risks", "risks:program-risks", 50)
        register_tab("portfolio", "risks", "Risks", "risks:portfolio-risks", 50)
