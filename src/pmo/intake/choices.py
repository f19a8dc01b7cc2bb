"""Workflow states, risk levels and scenario kinds of portfolio intake."""

from django.db import models


class ProposalState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCREENED = "screened", "Screened"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"


# Which state may follow which; a decision (anything out of submitted or screened) is
# taken by someone who may change the portfolio, and recorded with who and why.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProposalState.DRAFT: (ProposalState.SUBMITTED,),
    ProposalState.SUBMITTED: (
        ProposalState.SCREENED,
        ProposalState.REJECTED,
        ProposalState.DEFERRED,
        ProposalState.DRAFT,
    ),
    ProposalState.SCREENED: (
        ProposalState.APPROVED,
        ProposalState.REJECTED,
        ProposalState.DEFERRED,
    ),
    ProposalState.DEFERRED: (ProposalState.SUBMITTED, ProposalState.REJECTED),
    ProposalState.APPROVED: (),
    ProposalState.REJECTED: (),
}
DECISIONS = frozenset(
    {
        ProposalState.SCREENED,
        ProposalState.APPROVED,
        ProposalState.REJECTED,
        ProposalState.DEFERRED,
    }
)
# Only screened proposals compete in portfolio selection: they passed the first gate.
SELECTABLE = (ProposalState.SCREENED,)
EDITABLE = (ProposalState.DRAFT, ProposalState.SUBMITTED, ProposalState.DEFERRED)


class RiskLevel(models.IntegerChoices):
    VERY_LOW = 1, "1 – Very low"
    LOW = 2, "2 – Low"
    MEDIUM = 3, "3 – Medium"
    HIGH = 4, "4 – High"
    VERY_HIGH = 5, "5 – Very high"


class ScenarioMethod(models.TextChoices):
    OPTIMISED = "optimised", "Optimised"
    HAND_PICKED = "hand_picked", "Hand-picked"


class ScenarioStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMMITTED = "committed", "Committed"
