from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "pmo.portfolios"
    label = "portfolios"
    verbose_name = "Portfolios, programs and projects"
