"""Status reports with their RAG ratings and history, RAG thresholds, digest subscribers."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain

from .choices import RAG_ORDER, Dimension, Rag, ReportAction, ReportState


def _ratio(default: str, help_text: str):
    return models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0)],
        help_text=help_text,
    )


class RagThresholds(TimeStampedModel):
    """The limits the PMO sets for one portfolio; a figure below (or above) them turns
    the rating amber or red. Portfolios without a row use the defaults below.
    """

    portfolio = models.OneToOneField(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="rag_thresholds"
    )
    spi_amber = _ratio("0.95", "Schedule is amber when SPI(t) is below this.")
    spi_red = _ratio("0.90", "Schedule is red when SPI(t) is below this.")
    cpi_amber = _ratio("0.95", "Cost is amber when CPI is below this.")
    cpi_red = _ratio("0.90", "Cost is red when CPI is below this.")
    scope_amber_pct = _ratio("5", "Scope is amber when the plan's cost exceeds BAC by this %.")
    scope_red_pct = _ratio("10", "Scope is red when the plan's cost exceeds BAC by this %.")
    risk_amber_days = models.PositiveIntegerField(
        default=10, help_text="Risk is amber when risks are expected to delay by this many days."
    )
    risk_red_days = models.PositiveIntegerField(default=30)
    resources_amber_pct = _ratio(
        "10", "Resources are amber when labour spent runs this % over labour budgeted to date."
    )
    resources_red_pct = _ratio("20", "Resources are red above this % over.")
    due_days = models.PositiveSmallIntegerField(
        default=5, help_text="A month's report is due this many days after the month ends."
    )

    class Meta:
        verbose_name_plural = "RAG thresholds"

    def __str__(self) -> str:
        return f"RAG thresholds of {self.portfolio}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)

    def clean(self) -> None:
        errors = {}
        for name in ("spi", "cpi"):
            if getattr(self, f"{name}_red") > getattr(self, f"{name}_amber"):
                errors[f"{name}_red"] = (
                    f"The red limit of {name.upper()} must not be above the amber limit."
                )
        for name in ("scope", "resources"):
            if getattr(self, f"{name}_red_pct") < getattr(self, f"{name}_amber_pct"):
                errors[f"{name}_red_pct"] = f"The red limit of {name} must be above the amber one."
        if self.risk_red_days < self.risk_amber_days:
            errors["risk_red_days"] = "The red limit of risk must be above the amber one."
        if errors:
            raise ValidationError(errors)


class StatusReport(TimeStampedModel):
    """A project's report for one month: ratings, narrative and the figures of the time."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="status_reports"
    )
    period = models.DateField(help_text="First day of the month reported on.")
    status_date = models.DateField(help_text="Figures are as of this day.")
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    narrative = models.TextField(blank=True, help_text="Where the project stands, in brief.")
    accomplishments = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    decisions_needed = models.TextField(blank=True)
    key_figures = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="status_report_period"),
        ]
        indexes = [models.Index(fields=["project", "period"])]

    def __str__(self) -> str:
        return f"{self.project.code} status {self.period:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report-detail", args=[self.pk])

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()

    def rating(self, dimension: str) -> "RagRating | None":
        return next((r for r in self.ratings.all() if r.dimension == dimension), None)

    @property
    def overall(self) -> str:
        rating = self.rating(Dimension.OVERALL)
        return rating.value if rating else Rag.NONE


class RagRating(models.Model):
    """One dimension's rating: computed from the thresholds, or overridden with a reason."""

    report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    computed = models.CharField(max_length=5, choices=Rag.choices, default=Rag.NONE)
    measure = models.CharField(max_length=200, blank=True, help_text="The figure rated.")
    override = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension"], name="rag_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.value}"

    @property
    def value(self) -> str:
        return self.override or self.computed

    @property
    def is_overridden(self) -> bool:
        return bool(self.override) and self.override != self.computed

    @staticmethod
    def worst(values) -> str:
        return max(values, key=lambda v: RAG_ORDER[v], default=Rag.NONE)


class ReportEvent(models.Model):
    """The history of a report: who did what, when, and why."""

    report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=ReportAction.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d %b %Y %H:%M}"


class DigestSubscription(TimeStampedModel):
    """A person who receives the weekly digest of a portfolio by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "portfolio"], name="digest_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ← digest of {self.portfolio}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)
