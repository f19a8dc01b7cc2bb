"""Kinds of budget and cost the finance app keeps."""

from django.db import models


class Expenditure(models.TextChoices):
    """Capital or operating: the split every finance department asks for first."""

    CAPEX = "capex", "Capex"
    OPEX = "opex", "Opex"


class CostCategory(models.TextChoices):
    LABOUR = "labour", "Labour"
    CONTRACTORS = "contractors", "Contractors and services"
    SOFTWARE = "software", "Software and licences"
    HARDWARE = "hardware", "Hardware and equipment"
    TRAVEL = "travel", "Travel"
    OTHER = "other", "Other"


class CostSource(models.TextChoices):
    """Where an actual cost comes from."""

    INVOICE = "invoice", "Invoice"
    PURCHASE = "purchase", "Purchase order"
    LABOUR = "labour", "Labour (timesheets)"
    OTHER = "other", "Other"


class SnapshotScope(models.TextChoices):
    PROJECT = "project", "Project"
    PROGRAM = "program", "Program"
    PORTFOLIO = "portfolio", "Portfolio"
