"""Choice enums of risks and the RAID log."""

from django.db import models


class Level(models.TextChoices):
    """The register a risk or RAID item sits in; escalation moves it up."""

    PROJECT = "project", "Project"
    PROGRAM = "program", "Program"
    PORTFOLIO = "portfolio", "Portfolio"


class RiskKind(models.TextChoices):
    THREAT = "threat", "Threat"
    OPPORTUNITY = "opportunity", "Opportunity"


class RiskCategory(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    RESOURCE = "resource", "Resources"
    SCOPE = "scope", "Scope"
    QUALITY = "quality", "Quality"
    SUPPLIER = "supplier", "Supplier / commercial"
    REGULATORY = "regulatory", "Legal / regulatory"
    ORGANISATIONAL = "organisational", "Organisational"
    EXTERNAL = "external", "External"


class Strategy(models.TextChoices):
    AVOID = "avoid", "Avoid"
    MITIGATE = "mitigate", "Mitigate"
    TRANSFER = "transfer", "Transfer"
    ACCEPT = "accept", "Accept"
    EXPLOIT = "exploit", "Exploit"
    ENHANCE = "enhance", "Enhance"
    SHARE = "share", "Share"


THREAT_STRATEGIES = frozenset(
    {Strategy.AVOID, Strategy.MITIGATE, Strategy.TRANSFER, Strategy.ACCEPT}
)
OPPORTUNITY_STRATEGIES = frozenset(
    {Strategy.EXPLOIT, Strategy.ENHANCE, Strategy.SHARE, Strategy.ACCEPT}
)


class Proximity(models.TextChoices):
    """How soon the risk could occur."""

    IMMINENT = "imminent", "Imminent (< 1 month)"
    SHORT = "short", "Short term (1-3 months)"
    MEDIUM = "medium", "Medium term (3-6 months)"
    LONG = "long", "Long term (> 6 months)"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    OCCURRED = "occurred", "Occurred"
    CLOSED = "closed", "Closed"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class RaidKind(models.TextChoices):
    ISSUE = "issue", "Issue"
    ASSUMPTION = "assumption", "Assumption"
    DEPENDENCY = "dependency", "Dependency"


class RaidStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class DistributionChoice(models.TextChoices):
    TRIANGULAR = "triangular", "Triangular"
    PERT = "pert", "PERT-Beta"
    UNIFORM = "uniform", "Uniform"
    LOGNORMAL = "lognormal", "Lognormal"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
