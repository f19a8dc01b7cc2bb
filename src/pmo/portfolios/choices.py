"""Status, phase, priority and health values for the portfolio hierarchy."""

from django.db import models


class GovernanceModel(models.TextChoices):
    """How strictly the PMO governs: it sets how hard stage gates and approvals bite."""

    SUPPORTIVE = "supportive", "Supportive"
    CONTROLLING = "controlling", "Controlling"
    DIRECTIVE = "directive", "Directive"


class ProgramStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Phase(models.TextChoices):
    """Lifecycle phases in order (PMBOK process groups as most PMOs name their gates)."""

    INITIATION = "initiation", "Initiation"
    PLANNING = "planning", "Planning"
    EXECUTION = "execution", "Execution"
    MONITORING = "monitoring", "Monitoring & control"
    CLOSING = "closing", "Closing"


class Priority(models.IntegerChoices):
    CRITICAL = 1, "1 – Critical"
    HIGH = 2, "2 – High"
    MEDIUM = 3, "3 – Medium"
    LOW = 4, "4 – Low"


class Health(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
