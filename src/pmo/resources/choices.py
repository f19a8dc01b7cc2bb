"""Kinds of resources, proficiency levels, contours, booking and timesheet states."""

from django.db import models


class ResourceKind(models.TextChoices):
    PERSON = "person", "Person"
    ROLE = "role", "Generic role"
    EQUIPMENT = "equipment", "Equipment"
    MATERIAL = "material", "Material"


# Kinds whose capacity is working time on a calendar (material is consumed, not booked).
TIMED_KINDS = frozenset({ResourceKind.PERSON, ResourceKind.ROLE, ResourceKind.EQUIPMENT})


class Proficiency(models.IntegerChoices):
    BEGINNER = 1, "Beginner"
    PRACTITIONER = 2, "Practitioner"
    ADVANCED = 3, "Advanced"
    EXPERT = 4, "Expert"


class CapacityReason(models.TextChoices):
    PART_TIME = "part_time", "Part-time"
    LEAVE = "leave", "Leave"
    SECONDMENT = "secondment", "Secondment"
    OTHER = "other", "Other"


class Contour(models.TextChoices):
    FLAT = "flat", "Flat"
    FRONT = "front", "Front loaded"
    BACK = "back", "Back loaded"
    BELL = "bell", "Bell"


class BookingKind(models.TextChoices):
    SOFT = "soft", "Soft (tentative)"
    HARD = "hard", "Hard (committed)"


class TimesheetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class LevelingStatus(models.TextChoices):
    QUEUED = "queued", "Computing"
    READY = "ready", "Preview ready"
    APPLIED = "applied", "Applied"
    UNDONE = "undone", "Undone"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


class LevelingMode(models.TextChoices):
    FINISH = "finish", "Resolve every over-allocation (finish may move)"
    SLACK = "slack", "Level within slack only (finish never moves)"


class Grouping(models.TextChoices):
    RESOURCE = "resource", "Resource"
    ROLE = "role", "Role"
    SKILL = "skill", "Skill"
    UNIT = "unit", "Org unit"


class Granularity(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"
