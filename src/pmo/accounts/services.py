"""Granting and revoking roles."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core.choices import Action
from pmo.core.permissions import (
    ROLE_RANK,
    ROLE_SCOPES,
    PermissionDenied,
    can_create_portfolio,
    highest_rank_on,
    require,
)

from .choices import Role
from .models import Membership, User


def _scope_kind(scope) -> str:
    return getattr(scope, "scope_level", None) or "organisation"


@transaction.atomic
def do_grant_role(actor, *, user: User, role: str, scope=None) -> Membership:
    """Give ``user`` ``role`` on ``scope`` (a portfolio, program, project, or None).

    The actor must manage members there and may not hand out a role above their own.
    Granting a role the user already holds there returns the existing membership.
    """
    kind = _scope_kind(scope)
    if role not in ROLE_SCOPES[kind]:
        allowed = ", ".join(sorted(Role(r).label for r in ROLE_SCOPES[kind]))
        where = "organisation-wide" if scope is None else f"on a {kind}"
        raise ValidationError(
            {"role": f"{Role(role).label} cannot be held {where}; use one of: {allowed}."}
        )
    if scope is None:
        if not can_create_portfolio(actor):
            raise PermissionDenied("Only PMO admins grant organisation-wide roles.")
    else:
        require(actor, Action.MANAGE_MEMBERS, scope)
        if ROLE_RANK[role] > highest_rank_on(actor, scope):
            raise PermissionDenied(
                f"You may not grant {Role(role).label}: it is above your own role on {scope}."
            )
    lookup = {"portfolio": None, "program": None, "project": None}
    if scope is not None:
        lookup[kind] = scope
    membership, _ = Membership.objects.get_or_create(user=user, role=role, **lookup)
    return membership


@transaction.atomic
def do_revoke_membership(actor, membership: Membership) -> None:
    scope = membership.scope
    if scope is None:
        if not can_create_portfolio(actor):
            raise PermissionDenied("Only PMO admins revoke organisation-wide roles.")
    else:
        require(actor, Action.MANAGE_MEMBERS, scope)
    membership.delete()
