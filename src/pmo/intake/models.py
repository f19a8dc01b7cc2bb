"""Intake: proposals with business cases, the portfolio's scoring model, assessors' scores,
capacity roles and selection scenarios.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain
from pmo.portfolios.models import Portfolio, Project, StrategicObjective, code_validator

from .choices import ProposalState, RiskLevel, ScenarioMethod, ScenarioStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class ScoringModel(TimeStampedModel):
    """How a portfolio values its demand: criteria, money figures and the planning horizon.

    The discount rate lives here because the portfolio itself has none yet.
    """

    portfolio = models.OneToOneField(
        Portfolio, on_delete=models.CASCADE, related_name="scoring_model"
    )
    discount_rate = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.0800"),
        validators=[MinValueValidator(Decimal("-0.99")), MaxValueValidator(Decimal("1"))],
        help_text="Annual rate used for NPV (0.08 = 8 %).",
    )
    npv_weight = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of NPV in a proposal's value (0: weighted score only, 1: NPV only).",
    )
    planning_start = models.DateField(help_text="First month of the planning horizon.")
    horizon_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    def __str__(self) -> str:
        return f"Scoring model of {self.portfolio}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)

    @property
    def horizon_months(self) -> int:
        return 12 * self.horizon_years


class Criterion(TimeStampedModel):
    """One scoring criterion, grouped under the strategic objective it measures."""

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="criteria")
    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, related_name="criteria"
    )
    code = models.CharField(max_length=20, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
        help_text="Relative weight; weights are normalised to sum to 1 when scoring.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["model", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                name="criterion_weight_not_negative", condition=Q(weight__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.objective.portfolio_id)


class ScaleLevel(models.Model):
    """A score a criterion may take and what it means (e.g. 3 = "serves one market")."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    definition = models.CharField(max_length=300)

    class Meta:
        ordering = ["criterion", "value"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "value"], name="scale_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.definition}"


class PairwiseComparison(models.Model):
    """How many times more important ``first`` is than ``second`` (Saaty 1-9 scale)."""

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="comparisons")
    first = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.1111")), MaxValueValidator(9)],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "first", "second"], name="comparison_unique")
        ]

    def __str__(self) -> str:
        return f"{self.first.code} vs {self.second.code}: {self.value}"


class CapacityRole(TimeStampedModel):
    """A role the portfolio plans people by, with the hours it has each month.

    A simple stand-in until the resources app provides pools and calendars.
    """

    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="capacity_roles"
    )
    name = models.CharField(max_length=80)
    monthly_hours = models.DecimalField(
        max_digits=10, decimal_places=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["portfolio", "name"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "name"], name="capacity_role_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)


class Proposal(TimeStampedModel):
    """A demand for a project, with its business case, on its way through intake."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="proposals")
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_proposals",
    )
    state = models.CharField(
        max_length=12, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    risk_level = models.PositiveSmallIntegerField(
        choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    objectives = models.ManyToManyField(StrategicObjective, blank=True, related_name="proposals")
    earliest_start = models.DateField(help_text="First month the project could start.")
    start_window_months = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(24)],
        help_text="How many months later than the earliest start it may begin (0: fixed).",
    )
    duration_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    mandatory = models.BooleanField(
        default=False, help_text="Regulatory or committed: every scenario must include it."
    )
    exclusive_group = models.CharField(
        max_length=40,
        blank=True,
        help_text="Proposals sharing this label are alternatives: at most one is selected.",
    )
    requires = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        help_text="Proposals that must be selected for this one to be.",
    )
    depends_on_projects = models.ManyToManyField(
        Project, blank=True, related_name="dependent_proposals"
    )
    project = models.OneToOneField(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_proposals",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["portfolio", "state"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("intake:proposal-detail", args=[self.pk])

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)


class CashFlow(models.Model):
    """Spend and benefit of one year of the business case; year 0 is the start year."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cash_flows")
    year = models.PositiveSmallIntegerField(validators=[MaxValueValidator(30)])
    capex = models.DecimalField(**MONEY, default=0, validators=[MinValueValidator(0)])
    opex = models.DecimalField(**MONEY, default=0, validators=[MinValueValidator(0)])
    benefit = models.DecimalField(**MONEY, default=0, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["proposal", "year"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "year"], name="cash_flow_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal.code} year {self.year}"

    @property
    def net(self) -> Decimal:
        return self.benefit - self.capex - self.opex


class ResourceDemand(models.Model):
    """Hours a role is needed each month over a span of the project (month 0 = start)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="demands")
    role = models.ForeignKey(CapacityRole, on_delete=models.PROTECT, related_name="demands")
    from_month = models.PositiveSmallIntegerField(default=0)
    months = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    hours_per_month = models.DecimalField(
        max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["proposal", "role__name", "from_month"]

    def __str__(self) -> str:
        return f"{self.proposal.code} {self.role.name} {self.hours_per_month} h/month"


class ProposalEvent(models.Model):
    """A comment, or a state change with who made it and why: the proposal's history."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=12, choices=ProposalState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=ProposalState.choices, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal.code} {self.from_state}->{self.to_state}".rstrip("->")

    @property
    def is_transition(self) -> bool:
        return bool(self.to_state)


class Assessment(TimeStampedModel):
    """One assessor's score of one proposal on one criterion."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    score = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["proposal", "criterion", "assessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "criterion", "assessor"], name="assessment_unique"
            )
        ]


class Scenario(TimeStampedModel):
    """A saved portfolio choice. It stays live: it is re-evaluated on current data and
    compared with what it looked like when saved (``saved_*``).
    """

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    method = models.CharField(max_length=12, choices=ScenarioMethod.choices)
    status = models.CharField(
        max_length=12, choices=ScenarioStatus.choices, default=ScenarioStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    npv_weight = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    use_capacity = models.BooleanField(default=True)
    allow_shift = models.BooleanField(
        default=True, help_text="Let proposals start later within their start window."
    )
    # What the optimiser proved and explained when it chose (empty for hand-picked).
    solver = models.JSONField(default=dict, blank=True)
    frontier = models.JSONField(default=list, blank=True)
    # The scenario as saved: proposal code -> start month, value and cost, for "what
    # changed since".
    saved_selection = models.JSONField(default=dict, blank=True)
    saved_value = models.FloatField(default=0)
    saved_cost = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["portfolio", "-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("intake:scenario-detail", args=[self.pk])

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)


class ScenarioBudget(models.Model):
    """The money a scenario may spend in one year of the horizon (empty: not limited)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField()
    total = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    capex = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    opex = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["scenario", "year"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "year"], name="scenario_budget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scenario} year {self.year}"


class ScenarioItem(models.Model):
    """A proposal in the scenario, starting ``start_month`` months into the horizon."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="items")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    start_month = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["scenario", "proposal__code"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "proposal"], name="scenario_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scenario}: {self.proposal.code}"


class ScenarioCommit(models.Model):
    """Audit record of a committed scenario: who, when, and which projects it created."""

    scenario = models.OneToOneField(Scenario, on_delete=models.CASCADE, related_name="commit")
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(auto_now_add=True)
    projects = models.JSONField(default=list)
    value = models.FloatField()
    cost = models.DecimalField(**MONEY)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Commit of {self.scenario}"
