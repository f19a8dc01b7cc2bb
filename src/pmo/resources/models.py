"""The resource pool, who works on what, and what they report.

Capacity is working time on the resource's calendar (``pmo.schedules`` calendars),
scaled by its units and by dated capacity changes (part-time, leave). Demand comes from
task assignments and, before tasks exist, from monthly project bookings. Timesheets
record actual work against assignments; once approved they carry their cost.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain

from .choices import (
    BookingKind,
    CapacityReason,
    Contour,
    LevelingMode,
    LevelingStatus,
    Proficiency,
    ResourceKind,
    TimesheetStatus,
)


class OrgUnit(TimeStampedModel):
    """A team or department; its manager approves the timesheets of its people."""

    name = models.CharField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": f"'{self.name}' cannot sit inside itself."})
            ancestor = ancestor.parent


class Skill(models.Model):
    name = models.CharField(max_length=80, unique=True)
    category = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class JobRole(models.Model):
    """A generic role (Developer, Tester): what a person is, or what a plan needs."""

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(TimeStampedModel):
    """Anyone or anything that work is assigned to.

    A person may be linked to a user (who then fills in timesheets); a generic role
    stands for "some developer" until a named person replaces it; equipment has units
    and a calendar like people; material is consumed and has no working time.
    """

    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    name = models.CharField(max_length=120)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource",
    )
    role = models.ForeignKey(
        JobRole, null=True, blank=True, on_delete=models.PROTECT, related_name="resources"
    )
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_resources",
        help_text="Approves timesheets; empty: the org unit's manager.",
    )
    calendar = models.ForeignKey(
        "schedules.Calendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Working time; empty: the organisation's standard calendar.",
    )
    units = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Identical units (3 for a pool of three testers or three cranes).",
    )
    availability_pct = models.PositiveSmallIntegerField(
        default=100,
        validators=[MaxValueValidator(200)],
        help_text="Share of the calendar's working time available to projects.",
    )
    material_unit = models.CharField(max_length=20, blank=True, help_text="e.g. m³, licence.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.kind == ResourceKind.ROLE and not self.role_id:
            errors["role"] = "A generic role resource needs the role it stands for."
        if self.user_id and self.kind != ResourceKind.PERSON:
            errors["user"] = "Only a person can be linked to a user."
        if self.kind == ResourceKind.PERSON and self.units != 1:
            errors["units"] = "A person is one unit; use a generic role for a pool."
        if errors:
            raise ValidationError(errors)

    def scope_chain(self) -> ScopeChain:
        # The pool belongs to the organisation, not to a portfolio.
        return ScopeChain(portfolio_id=None)

    @property
    def approver_ids(self) -> set[int]:
        ids = {self.manager_id} if self.manager_id else set()
        if self.org_unit_id and self.org_unit.manager_id:
            ids.add(self.org_unit.manager_id)
        return ids


class ResourceSkill(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(
        choices=Proficiency.choices, default=Proficiency.PRACTITIONER
    )

    class Meta:
        ordering = ["resource", "-level", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "skill"], name="resource_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.skill} ({self.get_level_display()})"


class CapacityChange(models.Model):
    """From ``start`` to ``end`` the resource works ``percent`` of its calendar time.

    Leave is always 0 %; otherwise the change that started last applies.
    """

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="capacity_changes"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty: until further notice.")
    percent = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(200)])
    reason = models.CharField(max_length=12, choices=CapacityReason.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["resource", "start"]
        constraints = [
            models.CheckConstraint(
                name="capacity_change_end_after_start",
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.percent}% from {self.start}"

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError(
                {
                    "end": f"The change ends ({self.end:%d %b %Y}) before it starts "
                    f"({self.start:%d %b %Y})."
                }
            )
        if self.reason == CapacityReason.LEAVE:
            self.percent = 0


class CostRate(models.Model):
    """Hourly rates from ``effective_from`` until the next rate of the same resource."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rates")
    effective_from = models.DateField()
    standard = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    overtime = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["resource", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "effective_from"], name="cost_rate_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.standard}/h from {self.effective_from}"


class Assignment(TimeStampedModel):
    """A resource (or a generic role) working on a task."""

    task = models.ForeignKey("schedules.Task", on_delete=models.CASCADE, related_name="assignments")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="assignments")
    units_pct = models.PositiveSmallIntegerField(
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Share of the resource's working time while the task runs.",
    )
    work_minutes = models.PositiveIntegerField(default=0, help_text="Planned effort.")
    contour = models.CharField(max_length=6, choices=Contour.choices, default=Contour.FLAT)
    actual_minutes = models.PositiveIntegerField(default=0, editable=False)
    actual_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)

    class Meta:
        ordering = ["task", "resource"]
        constraints = [
            models.UniqueConstraint(fields=["task", "resource"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource} on {self.task}"

    def scope_chain(self) -> ScopeChain:
        return self.task.scope_chain()


class Booking(TimeStampedModel):
    """Hours of a person or a role reserved for a project in one month."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="bookings"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    month = models.DateField(help_text="First day of the month.")
    hours = models.DecimalField(max_digits=7, decimal_places=1, validators=[MinValueValidator(0)])
    kind = models.CharField(max_length=4, choices=BookingKind.choices, default=BookingKind.SOFT)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["project", "month", "resource"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "resource", "month"], name="booking_unique_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.project.code} · {self.month:%b %Y}"

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)


class Timesheet(TimeStampedModel):
    """One person's week (Monday to Sunday)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="timesheets")
    week_start = models.DateField(help_text="The Monday of the week.")
    status = models.CharField(
        max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The approver's comment.")

    class Meta:
        ordering = ["-week_start", "resource"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "week_start"], name="timesheet_unique_week")
        ]

    def __str__(self) -> str:
        return f"{self.resource} · week of {self.week_start:%d %b %Y}"

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=None)


class TimesheetEntry(models.Model):
    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="timesheet_entries"
    )
    day = models.DateField()
    minutes = models.PositiveIntegerField(validators=[MaxValueValidator(24 * 60)])
    cost = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Set at approval."
    )

    class Meta:
        ordering = ["timesheet", "assignment", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["timesheet", "assignment", "day"], name="timesheet_entry_unique"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.minutes} min on {self.day}"


class LevelingRun(models.Model):
    """One leveling of a project or a program: preview, then apply, then maybe undo.

    ``preview`` holds the proposed moves, the finish impact and the conflicts that
    remain; ``undo`` the constraints the tasks had before the run was applied.
    """

    project = models.ForeignKey(
        "portfolios.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leveling_runs",
    )
    program = models.ForeignKey(
        "portfolios.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leveling_runs",
    )
    mode = models.CharField(max_length=6, choices=LevelingMode.choices, default="finish")
    status = models.CharField(
        max_length=10, choices=LevelingStatus.choices, default=LevelingStatus.QUEUED
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    preview = models.JSONField(default=dict, blank=True)
    undo = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="leveling_run_one_scope",
                condition=(Q(project__isnull=False, program__isnull=True))
                | (Q(project__isnull=True, program__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return f"Leveling of {self.scope} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("resources:leveling-run", args=[self.pk])

    @property
    def scope(self):
        return self.project or self.program

    def scope_chain(self) -> ScopeChain:
        return self.scope.scope_chain()
