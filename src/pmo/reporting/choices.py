"""RAG ratings, report states and the dimensions a status report rates."""

from django.db import models


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    NONE = "none", "Not rated"


RAG_ORDER = {Rag.NONE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}


class Dimension(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    SCOPE = "scope", "Scope"
    RISK = "risk", "Risk"
    RESOURCES = "resources", "Resources"
    OVERALL = "overall", "Overall"


RATED = [d for d in Dimension if d != Dimension.OVERALL]


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    REVIEWED = "reviewed", "Reviewed"


class ReportAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    REFRESHED = "refreshed", "Figures refreshed"
    OVERRIDDEN = "overridden", "Rating overridden"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for rework"
    REVIEWED = "reviewed", "Reviewed"
