"""Plans: calendars, tasks in a WBS, dependencies, schedule settings and baselines.

Durations are integer working minutes (as in the engine); dates are aware datetimes
stored in UTC. Computed dates and floats are written only by the re-scheduling
service, in one transaction with the change that caused them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pmo.core.models import TimeStampedModel
from pmo.core.permissions import ScopeChain
from pmo.core.validators import validate_timezone

from .choices import BoardStatus, ConstraintType, Direction, LagUnit, LinkType


def validate_week(value) -> None:
    """Seven lists (Monday first) of "HH:MM-HH:MM" working intervals."""
    from .calendars import parse_week

    parse_week(value)


def default_week() -> list[list[str]]:
    day = ["08:00-12:00", "13:00-17:00"]
    return [day, day, day, day, day, [], []]


class Calendar(TimeStampedModel):
    """A working-time calendar: a weekly pattern, a time zone and exceptions.

    ``portfolio`` empty means the calendar is shared by the whole organisation.
    """

    name = models.CharField(max_length=100)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendars",
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    week = models.JSONField(
        default=default_week,
        validators=[validate_week],
        help_text='Working hours Monday to Sunday, e.g. [["08:00-12:00", "13:00-17:00"], ...].',
    )
    country = models.CharField(
        max_length=2, blank=True, help_text="Public holidays of this country (ISO code)."
    )
    subdivision = models.CharField(max_length=10, blank=True, help_text="State or region.")
    hours_per_day = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="How many working hours make one day when durations are shown in days.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def scope_chain(self) -> ScopeChain:
        return ScopeChain(portfolio_id=self.portfolio_id)

    def clean(self) -> None:
        if self.country:
            import holidays

            if self.country.upper() not in holidays.list_supported_countries():
                raise ValidationError({"country": f"No holiday data for country {self.country}."})
            self.country = self.country.upper()


class CalendarException(models.Model):
    """Holidays and shutdowns (no work), or extra working days with their own hours."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    name = models.CharField(max_length=100)
    start = models.DateField()
    end = models.DateField()
    working = models.BooleanField(default=False)
    hours = models.JSONField(
        default=list, blank=True, help_text='Working intervals, e.g. ["09:00-13:00"].'
    )

    class Meta:
        ordering = ["calendar", "start"]
        constraints = [
            models.CheckConstraint(
                name="exception_end_after_start", condition=Q(end__gte=models.F("start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d %b %Y})"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The exception ends before it starts."})
        if self.working and not self.hours:
            raise ValidationError({"hours": "An extra working day needs its working hours."})
        if self.hours:
            from .calendars import parse_intervals

            try:
                parse_intervals(self.hours)
            except ValueError as error:
                raise ValidationError({"hours": str(error)}) from error


class ProjectSchedule(models.Model):
    """How a project is scheduled, and the figures of its last computation."""

    project = models.OneToOneField(
        "portfolios.Project", on_delete=models.CASCADE, related_name="schedule"
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=8, choices=Direction.choices, default="forward")
    start = models.DateTimeField(help_text="Project start (forward scheduling).")
    finish_target = models.DateTimeField(
        null=True, blank=True, help_text="Required finish (backward scheduling)."
    )
    status_date = models.DateTimeField(
        null=True, blank=True, help_text="Progress is reported up to this moment."
    )
    critical_float_minutes = models.PositiveIntegerField(
        default=0, help_text="Tasks with this much total float or less are critical."
    )
    version = models.PositiveIntegerField(default=0, help_text="Increments at each re-schedule.")
    scheduled_at = models.DateTimeField(null=True, blank=True)
    computed_start = models.DateTimeField(null=True, blank=True)
    computed_finish = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Schedule of {self.project}"

    def clean(self) -> None:
        if self.direction == Direction.BACKWARD and not self.finish_target:
            raise ValidationError({"finish_target": "Backward scheduling needs a finish date."})


class Task(TimeStampedModel):
    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    outline = models.CharField(max_length=60, blank=True, editable=False)
    sort_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    name = models.CharField(max_length=255)
    notes = models.TextField(blank=True)
    is_milestone = models.BooleanField(default=False)
    duration_minutes = models.PositiveIntegerField(default=480)
    work_minutes = models.PositiveIntegerField(default=0, help_text="Planned effort.")
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the project calendar.",
    )
    constraint_type = models.CharField(
        max_length=4, choices=ConstraintType.choices, default=ConstraintType.ASAP
    )
    constraint_date = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_finish = models.DateTimeField(null=True, blank=True)
    remaining_minutes = models.PositiveIntegerField(null=True, blank=True)
    board_status = models.CharField(
        max_length=16, choices=BoardStatus.choices, default=BoardStatus.TODO
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Written by the scheduler only.
    is_summary = models.BooleanField(default=False, editable=False)
    early_start = models.DateTimeField(null=True, blank=True, editable=False)
    early_finish = models.DateTimeField(null=True, blank=True, editable=False)
    late_start = models.DateTimeField(null=True, blank=True, editable=False)
    late_finish = models.DateTimeField(null=True, blank=True, editable=False)
    start = models.DateTimeField(null=True, blank=True, editable=False)
    finish = models.DateTimeField(null=True, blank=True, editable=False)
    total_float_minutes = models.IntegerField(null=True, blank=True, editable=False)
    free_float_minutes = models.IntegerField(null=True, blank=True, editable=False)
    is_critical = models.BooleanField(default=False, editable=False)
    schedule_digest = models.BigIntegerField(
        default=0, editable=False, help_text="Fingerprint of the computed values above."
    )

    class Meta:
        ordering = ["project", "sort_key"]
        indexes = [
            models.Index(fields=["project", "sort_key"]),
            # Dashboards and roadmaps look milestones up across many projects.
            models.Index(fields=["project", "is_milestone"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="task_percent_complete_range", condition=Q(percent_complete__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outline} {self.name}".strip()

    def scope_chain(self) -> ScopeChain:
        # A task is governed by its project: rights on the project are rights on its plan.
        project = self.project
        return ScopeChain(
            portfolio_id=project.portfolio_id, program_id=project.program_id, project_id=project.pk
        )

    def clean(self) -> None:
        from .choices import DATED_CONSTRAINTS

        errors = {}
        if self.constraint_type in DATED_CONSTRAINTS and not self.constraint_date:
            errors["constraint_date"] = (
                f"'{self.get_constraint_type_display()}' needs a constraint date."
            )
        if self.actual_finish and not self.actual_start:
            errors["actual_start"] = "A finished task needs its actual start."
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = "The actual finish is before the actual start."
        if self.is_milestone and self.duration_minutes:
            errors["duration_minutes"] = "A milestone has no duration."
        if self.parent_id and self.parent.project_id != self.project_id:
            errors["parent"] = "The parent task belongs to another project."
        if errors:
            raise ValidationError(errors)


class Dependency(models.Model):
    """A logical link. The predecessor may be in another project of the same program."""

    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=LinkType.choices, default=LinkType.FS)
    lag = models.IntegerField(
        default=0, help_text="Minutes (working or elapsed) or percent, by the lag unit."
    )
    lag_unit = models.CharField(
        max_length=3, choices=LagUnit.choices, default=LagUnit.WORKING_MINUTES
    )

    class Meta:
        ordering = ["successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(
                name="dependency_not_to_itself", condition=~Q(predecessor=models.F("successor"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type} {self.successor_id}"

    @property
    def lag_text(self) -> str:
        """The lag as planners write it: "+2d", "-4h", "+50%", "+2 elapsed days"."""
        from .durations import format_duration

        if not self.lag:
            return ""
        sign = "+" if self.lag > 0 else "-"
        if self.lag_unit == LagUnit.PERCENT:
            return f"{sign}{abs(self.lag)}%"
        if self.lag_unit == LagUnit.ELAPSED_MINUTES:
            return f"{sign}{abs(self.lag) / 1440:g} elapsed days"
        return f"{sign}{format_duration(abs(self.lag))}"

    @property
    def is_external(self) -> bool:
        return self.predecessor.project_id != self.successor.project_id

    def scope_chain(self) -> ScopeChain:
        return self.successor.scope_chain()


class Baseline(models.Model):
    """A saved copy of the plan (0 to 10, as MS Project keeps them) to measure variance."""

    project = models.ForeignKey(
        "portfolios.Project", on_delete=models.CASCADE, related_name="baselines"
    )
    number = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    name = models.CharField(max_length=100)
    captured_at = models.DateTimeField(auto_now_add=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_unique"),
            models.CheckConstraint(name="baseline_number_range", condition=Q(number__lte=10)),
        ]

    def __str__(self) -> str:
        return f"Baseline {self.number}: {self.name}"

    def scope_chain(self) -> ScopeChain:
        return self.project.scope_chain()


class BaselineTask(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_values")
    start = models.DateTimeField(null=True)
    finish = models.DateTimeField(null=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    work_minutes = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["baseline", "task"], name="baseline_task_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.baseline}: task {self.task_id}"
