"""People and the roles they hold on portfolios, programs and projects."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pmo.core.models import TimeStampedModel
from pmo.core.validators import validate_timezone

from .choices import ORGANISATION_ROLES, Role


class User(AbstractUser):
    """A person who signs in. Custom from the first migration so fields can be added later."""

    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="Dates and times are shown in this zone; empty means UTC.",
    )
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(TimeStampedModel):
    """A role held by a user on exactly one portfolio, program or project.

    PMO admins and executive viewers may instead hold their role organisation-wide (no
    scope at all). Roles are inherited downward; see ``pmo.core.permissions``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    program = models.ForeignKey(
        "portfolios.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    project = models.ForeignKey(
        "portfolios.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_at_most_one_scope",
                condition=(
                    Q(portfolio__isnull=True, program__isnull=True)
                    | Q(portfolio__isnull=True, project__isnull=True)
                    | Q(program__isnull=True, project__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="membership_organisation_wide_roles",
                condition=(
                    Q(portfolio__isnull=False)
                    | Q(program__isnull=False)
                    | Q(project__isnull=False)
                    | Q(role__in=sorted(str(role) for role in ORGANISATION_ROLES))
                ),
            ),
        ]

    def clean(self) -> None:
        scopes = [s for s in (self.portfolio_id, self.program_id, self.project_id) if s]
        if len(scopes) > 1:
            raise ValidationError("A membership is on one portfolio, program or project only.")
        if not scopes and self.role not in ORGANISATION_ROLES:
            raise ValidationError(
                {"role": f"{Role(self.role).label} needs a portfolio, program or project."}
            )

    @property
    def scope(self):
        return self.project or self.program or self.portfolio

    def __str__(self) -> str:
        where = self.scope or "the whole organisation"
        return f"{self.user} – {self.get_role_display()} on {where}"
