"""Budgets, actual costs, forecasts and the stored monthly earned value snapshots.

Money is ``Decimal`` with two places in the one currency of the installation
(``settings.PMO_CURRENCY``); the engine receives it as integer cents.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain

from .choices import CostCategory, CostSource, Expenditure, SnapshotScope

MONEY = {"max_digits": 16, "decimal_places": 2}


def _first_of_month(value, field: str) -> None:
    if value is not None and value.day != 1:
        raise ValidationError({field: f"A month is given by its first day, not {value:%d %b %Y}."})


class BudgetLine(TimeStampedModel):
    """The approved budget of one project, category and month."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="budget_lines"
    )
    expenditure = models.CharField(
        max_length=8, choices=Expenditure.choices, default=Expenditure.OPEX
    )
    category = models.CharField(max_length=16, choices=CostCategory.choices)
    month = models.DateField(help_text="First day of the month the money is planned for.")
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["project", "month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "expenditure", "category", "month"],
                name="budget_line_unique_month",
            ),
        ]
        indexes = [models.Index(fields=["project", "month"])]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_category_display()} {self.month:%b %Y}"

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()

    def clean(self) -> None:
        _first_of_month(self.month, "month")


class CostEntry(TimeStampedModel):
    """An actual cost: an invoice, a purchase or labour booked to a project (and task)."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="cost_entries"
    )
    task = models.ForeignKey(
        "schedules.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cost_entries",
    )
    source = models.CharField(max_length=10, choices=CostSource.choices, default=CostSource.INVOICE)
    expenditure = models.CharField(
        max_length=8, choices=Expenditure.choices, default=Expenditure.OPEX
    )
    category = models.CharField(max_length=16, choices=CostCategory.choices)
    date = models.DateField(help_text="When the cost was incurred.")
    amount = models.DecimalField(**MONEY)
    reference = models.CharField(max_length=60, blank=True, help_text="Invoice or PO number.")
    supplier = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=200, blank=True)
    # Imported rows (labour from timesheets) carry the key of what they summarise, so
    # importing again replaces them instead of counting them twice.
    import_key = models.CharField(max_length=80, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["project", "-date", "-id"]
        indexes = [models.Index(fields=["project", "date"])]
        verbose_name_plural = "cost entries"

    def __str__(self) -> str:
        return f"{self.project.code} {self.date:%d %b %Y} {self.amount}"

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()


class Forecast(TimeStampedModel):
    """What the project manager expects still to spend, per category and month."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="cost_forecasts"
    )
    category = models.CharField(max_length=16, choices=CostCategory.choices)
    month = models.DateField(help_text="First day of the month.")
    amount = models.DecimalField(**MONEY)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["project", "month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "month"], name="forecast_unique_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} forecast {self.get_category_display()} {self.month:%b %Y}"

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()

    def clean(self) -> None:
        _first_of_month(self.month, "month")


class EvmRecord(models.Model):
    """The earned value figures of a project, program or portfolio at one status date.

    Written once (``EvmSnapshot.as_dict()`` of the engine, with its formula version) and
    never recomputed, so trends show what was reported at the time.
    """

    scope = models.CharField(max_length=10, choices=SnapshotScope.choices)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="evm_records"
    )
    program = models.ForeignKey(
        "portfolios.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evm_records",
    )
    project = models.ForeignKey(
        "portfolios.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evm_records",
    )
    status_date = models.DateField()
    baseline_number = models.PositiveSmallIntegerField(null=True, blank=True)
    formula_version = models.CharField(max_length=20)
    figures = models.JSONField(help_text="EvmSnapshot.as_dict() from pmo.engine.evm.")
    # Cumulative planned value at each month end of the baseline, for S-curves.
    pv_curve = models.JSONField(default=dict)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scope", "status_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "status_date"],
                condition=Q(scope="project"),
                name="evm_record_project_date",
            ),
            models.UniqueConstraint(
                fields=["program", "status_date"],
                condition=Q(scope="program"),
                name="evm_record_program_date",
            ),
            models.UniqueConstraint(
                fields=["portfolio", "status_date"],
                condition=Q(scope="portfolio"),
                name="evm_record_portfolio_date",
            ),
        ]
        indexes = [
            models.Index(fields=["scope", "project", "status_date"]),
            models.Index(fields=["scope", "portfolio", "status_date"]),
        ]

    def __str__(self) -> str:
        return f"EVM {self.scope} {self.status_date}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(
            portfolio_id=self.portfolio_id, program_id=self.program_id, project_id=self.project_id
        )

    def snapshot(self):
        from pmo.engine.evm import EvmSnapshot

        return EvmSnapshot.from_dict(self.figures)
