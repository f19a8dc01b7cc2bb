"""Dependency types, lag units, date constraints and task board columns."""

from django.db import models


class LinkType(models.TextChoices):
    FS = "FS", "Finish-to-start"
    SS = "SS", "Start-to-start"
    FF = "FF", "Finish-to-finish"
    SF = "SF", "Start-to-finish"


class LagUnit(models.TextChoices):
    WORKING_MINUTES = "wm", "Working time"
    ELAPSED_MINUTES = "em", "Elapsed time"
    PERCENT = "pct", "% of predecessor's duration"


class ConstraintType(models.TextChoices):
    ASAP = "ASAP", "As soon as possible"
    ALAP = "ALAP", "As late as possible"
    SNET = "SNET", "Start no earlier than"
    SNLT = "SNLT", "Start no later than"
    FNET = "FNET", "Finish no earlier than"
    FNLT = "FNLT", "Finish no later than"
    MSO = "MSO", "Must start on"
    MFO = "MFO", "Must finish on"


DATED_CONSTRAINTS = frozenset(
    {
        ConstraintType.SNET,
        ConstraintType.SNLT,
        ConstraintType.FNET,
        ConstraintType.FNLT,
        ConstraintType.MSO,
        ConstraintType.MFO,
    }
)


class Direction(models.TextChoices):
    FORWARD = "forward", "Forward from the start date"
    BACKWARD = "backward", "Backward from the finish date"


class BoardStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


MAX_BASELINES = 11
