"""Risk registers, the RAID log, three-point estimates and Monte Carlo runs.

A risk or RAID item sits in one register (``level``): a project's, a program's or a
portfolio's. Escalation moves it up and records who did it and why; the project it
came from is kept, so the project still counts it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain

from .choices import (
    ActionStatus,
    DistributionChoice,
    Level,
    Proximity,
    RaidKind,
    RaidStatus,
    RiskCategory,
    RiskKind,
    RiskStatus,
    RunStatus,
    Severity,
    Strategy,
)


def default_probability_labels() -> list[str]:
    return ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]


def default_impact_labels() -> list[str]:
    return ["Negligible", "Minor", "Moderate", "Major", "Severe"]


def default_probability_percent() -> list[int]:
    return [10, 30, 50, 70, 90]


class RiskMatrix(models.Model):
    """A portfolio's probability x impact scale (default 5 x 5) and rating thresholds."""

    portfolio = models.OneToOneField(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="risk_matrix"
    )
    size = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    probability_labels = models.JSONField(default=default_probability_labels)
    impact_labels = models.JSONField(default=default_impact_labels)
    probability_percent = models.JSONField(
        default=default_probability_percent,
        help_text="Chance, in percent, that each probability level stands for.",
    )
    amber_from = models.PositiveSmallIntegerField(
        default=5, help_text="Scores from this value are rated amber."
    )
    red_from = models.PositiveSmallIntegerField(
        default=15, help_text="Scores from this value are rated red."
    )

    def __str__(self) -> str:
        return f"{self.size}x{self.size} risk matrix of {self.portfolio}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)

    def clean(self) -> None:
        errors = {}
        for name in ("probability_labels", "impact_labels", "probability_percent"):
            value = getattr(self, name)
            if not isinstance(value, list) or len(value) != self.size:
                errors[name] = f"Give exactly {self.size} values, one per level."
        percent = self.probability_percent
        if "probability_percent" not in errors and (
            any(not isinstance(p, int | float) or not 0 < p <= 100 for p in percent)
            or list(percent) != sorted(percent)
        ):
            errors["probability_percent"] = "Percentages must rise from level 1, each in 1-100."
        if self.amber_from >= self.red_from:
            errors["red_from"] = "The red threshold must be above the amber one."
        if errors:
            raise ValidationError(errors)

    def rating(self, score: int | None) -> str:
        """ "green", "amber" or "red" for a probability x impact score."""
        if score is None:
            return "none"
        if score >= self.red_from:
            return "red"
        return "amber" if score >= self.amber_from else "green"

    def chance(self, probability: int) -> float:
        """The probability level as a chance between 0 and 1."""
        level = max(1, min(probability, len(self.probability_percent)))
        return float(self.probability_percent[level - 1]) / 100


class Registered(TimeStampedModel):
    """Shared fields of what sits in a register: the level and its scope."""

    level = models.CharField(max_length=10, choices=Level.choices, default=Level.PROJECT)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(
        "portfolios.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "portfolios.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The project it was raised on (kept after escalation).",
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def scope_chain(self) -> ScopeChain:
        # The register it sits in governs it: an escalated risk is the program's to manage.
        if self.level == Level.PROJECT:
            return ScopeChain(self.portfolio_id, self.program_id, self.project_id)
        if self.level == Level.PROGRAM:
            return ScopeChain(self.portfolio_id, self.program_id)
        return ScopeChain(self.portfolio_id)

    @property
    def register_name(self) -> str:
        if self.level == Level.PROJECT:
            return str(self.project.code)
        if self.level == Level.PROGRAM:
            return str(self.program.code)
        return str(self.portfolio.code)


class Risk(Registered):
    kind = models.CharField(max_length=12, choices=RiskKind.choices, default=RiskKind.THREAT)
    category = models.CharField(
        max_length=16, choices=RiskCategory.choices, default=RiskCategory.TECHNICAL
    )
    cause = models.TextField(blank=True, help_text="Because of ...")
    event = models.TextField(blank=True, help_text="... this may happen ...")
    effect = models.TextField(blank=True, help_text="... which would lead to ...")
    probability = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    score = models.PositiveSmallIntegerField(default=0, editable=False)
    residual_probability = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    cost_min = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    cost_likely = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    cost_max = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    days_min = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    days_likely = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    days_max = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    proximity = models.CharField(max_length=10, choices=Proximity.choices, default=Proximity.MEDIUM)
    trigger = models.CharField(max_length=300, blank=True, help_text="What shows it is happening.")
    strategy = models.CharField(max_length=10, choices=Strategy.choices, default=Strategy.MITIGATE)
    response = models.TextField(blank=True, help_text="The response plan.")
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    tasks = models.ManyToManyField(
        "schedules.Task",
        blank=True,
        related_name="risks",
        help_text="Tasks the delay falls on when the risk occurs (Monte Carlo).",
    )

    class Meta:
        ordering = ["-score", "pk"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["program", "level"]),
            models.Index(fields=["portfolio", "level"]),
        ]
        constraints = [
            models.CheckConstraint(name="risk_cost_ordered", condition=Q(
                cost_min__lte=models.F("cost_likely"), cost_likely__lte=models.F("cost_max")
            )),
            models.CheckConstraint(name="risk_days_ordered", condition=Q(
                days_min__lte=models.F("days_likely"), days_likely__lte=models.F("days_max")
            )),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:04d}" if self.pk else "R-new"

    def get_absolute_url(self) -> str:
        return reverse("risks:risk-detail", args=[self.pk])


class RiskAction(TimeStampedModel):
    """One response action: what is done about the risk, by whom, by when."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["risk", "due_date", "pk"]

    def __str__(self) -> str:
        return self.description

    def scope_chain(self) -> ScopeChain:
        return self.risk.scope_chain()


class RiskAssessment(models.Model):
    """History of scores: one row each time the probability or impact changes."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="assessments")
    probability = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()
    residual_probability = models.PositiveSmallIntegerField(null=True)
    residual_impact = models.PositiveSmallIntegerField(null=True)
    residual_score = models.PositiveSmallIntegerField(null=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["risk", "-assessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk.reference}: {self.score} on {self.assessed_at:%d %b %Y}"

    def scope_chain(self) -> ScopeChain:
        return self.risk.scope_chain()


class Escalation(models.Model):
    """Audit record of a risk or RAID item moved up a register."""

    risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    raid_item = models.ForeignKey(
        "RaidItem", null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    from_level = models.CharField(max_length=10, choices=Level.choices)
    to_level = models.CharField(max_length=10, choices=Level.choices)
    reason = models.TextField()
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-escalated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="escalation_of_one_thing",
                condition=Q(risk__isnull=False, raid_item__isnull=True)
                | Q(risk__isnull=True, raid_item__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_level} -> {self.to_level}"

    def scope_chain(self) -> ScopeChain:
        return (self.risk or self.raid_item).scope_chain()


class RaidItem(Registered):
    """Issues, assumptions and dependencies: the rest of the RAID log."""

    kind = models.CharField(max_length=12, choices=RaidKind.choices)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=12, choices=RaidStatus.choices, default=RaidStatus.OPEN)
    due_date = models.DateField(null=True, blank=True)
    counterparty = models.CharField(
        max_length=200, blank=True, help_text="Dependency: who or what we depend on."
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    source_risk = models.ForeignKey(
        Risk,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
        help_text="The risk that occurred and became this issue.",
    )

    class Meta:
        ordering = ["kind", "status", "-pk"]
        indexes = [
            models.Index(fields=["project", "kind"]),
            models.Index(fields=["program", "level"]),
            models.Index(fields=["portfolio", "level"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        prefix = {"issue": "I", "assumption": "A", "dependency": "D"}.get(self.kind, "X")
        return f"{prefix}-{self.pk:04d}" if self.pk else f"{prefix}-new"

    def get_absolute_url(self) -> str:
        return reverse("risks:raid-detail", args=[self.pk])


class TaskEstimate(models.Model):
    """Three-point duration estimate of a task for schedule risk analysis."""

    task = models.OneToOneField("schedules.Task", on_delete=models.CASCADE, related_name="estimate")
    optimistic_minutes = models.PositiveIntegerField()
    most_likely_minutes = models.PositiveIntegerField()
    pessimistic_minutes = models.PositiveIntegerField()
    distribution = models.CharField(
        max_length=10, choices=DistributionChoice.choices, default=DistributionChoice.TRIANGULAR
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="estimate_ordered",
                condition=Q(optimistic_minutes__lte=models.F("most_likely_minutes"))
                & Q(most_likely_minutes__lte=models.F("pessimistic_minutes")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.optimistic_minutes}/{self.most_likely_minutes}/" + str(
            self.pessimistic_minutes
        )

    def scope_chain(self) -> ScopeChain:
        return self.task.scope_chain()

    def clean(self) -> None:
        errors = {}
        if self.optimistic_minutes > self.most_likely_minutes:
            errors["optimistic_minutes"] = "The optimistic duration is above the most likely."
        if self.most_likely_minutes > self.pessimistic_minutes:
            errors["pessimistic_minutes"] = "The pessimistic duration is below the most likely."
        if errors:
            raise ValidationError(errors)


class TaskCorrelation(models.Model):
    """Rank correlation between two tasks' durations (e.g. both depend on one team)."""

    first = models.ForeignKey("schedules.Task", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("schedules.Task", on_delete=models.CASCADE, related_name="+")
    coefficient = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text="Spearman rank correlation, -1 to 1.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="correlation_unique"),
            models.CheckConstraint(
                name="correlation_not_to_itself", condition=~Q(first=models.F("second"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} ~ {self.second}: {self.coefficient}"

    def scope_chain(self) -> ScopeChain:
        return self.first.scope_chain()


class SimulationRun(models.Model):
    """A Monte Carlo run of a project's plan and its stored results."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="risk_simulations"
    )
    plan_version = models.PositiveIntegerField(help_text="ProjectSchedule.version simulated.")
    iterations = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    include_risks = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    took_seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Simulation {self.pk} of {self.project} (plan v{self.plan_version})"

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()
