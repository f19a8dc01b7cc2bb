"""The portfolio hierarchy: portfolios > programs > projects, and strategic objectives."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain

from .choices import GovernanceModel, Health, Phase, Priority, ProgramStatus, ProjectStatus

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._-]*$",
    "Use capitals, digits, '.', '_' or '-', starting with a capital or digit (e.g. PRJ-042).",
)


class Portfolio(TimeStampedModel):
    scope_level = "portfolio"

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_portfolios",
    )
    governance_model = models.CharField(
        max_length=16, choices=GovernanceModel.choices, default=GovernanceModel.CONTROLLING
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolios:portfolio-detail", args=[self.pk])

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.pk)


class StrategicObjective(TimeStampedModel):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=20, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text="Relative weight of this objective when proposals are scored.",
    )

    class Meta:
        ordering = ["portfolio", "code"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "code"], name="objective_code_unique"),
            models.CheckConstraint(
                name="objective_weight_not_negative", condition=Q(weight__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)


class Program(TimeStampedModel):
    scope_level = "program"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="programs")
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_programs",
    )
    status = models.CharField(
        max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE
    )

    class Meta:
        ordering = ["portfolio", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolios:program-detail", args=[self.pk])

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id, program_id=self.pk)


class Project(TimeStampedModel):
    scope_level = "project"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="projects")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_projects",
    )
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.INITIATION)
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices,
        default=Priority.MEDIUM,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    planned_start = models.DateField(null=True, blank=True)
    planned_finish = models.DateField(null=True, blank=True)
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.GREEN)
    objectives = models.ManyToManyField(StrategicObjective, blank=True, related_name="projects")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="project_finish_not_before_start",
                condition=(
                    Q(planned_start__isnull=True)
                    | Q(planned_finish__isnull=True)
                    | Q(planned_finish__gte=F("planned_start"))
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["portfolio", "status"]),
            models.Index(fields=["program", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("portfolios:project-detail", args=[self.pk])

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(
            portfolio_id=self.portfolio_id, program_id=self.program_id, project_id=self.pk
        )

    def clean(self) -> None:
        errors = {}
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = (
                f"The planned finish ({self.planned_finish:%d %b %Y}) is before the planned "
                f"start ({self.planned_start:%d %b %Y})."
            )
        if self.program_id and self.portfolio_id and self.program.portfolio_id != self.portfolio_id:
            errors["program"] = (
                f"Program {self.program} belongs to portfolio {self.program.portfolio}, "
                f"not to {self.portfolio}."
            )
        if errors:
            raise ValidationError(errors)
