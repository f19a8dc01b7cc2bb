"""The one place that decides who may do what. UI views, API views and services ask here.

A membership gives a role on a portfolio, a program or a project (or, for PMO admins and
executive viewers, on the whole organisation) and is inherited downward: a role on a
program applies to every project of that program. Anything not granted is denied.

Objects take part by exposing ``scope_chain()`` -> ``ScopeChain``.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from .choices import Action, Role

__all__ = [
    "ROLE_ACTIONS",
    "ROLE_RANK",
    "ROLE_SCOPES",
    "PermissionDenied",
    "ScopeChain",
    "Visibility",
    "can",
    "can_create_portfolio",
    "highest_rank_on",
    "memberships_of",
    "require",
    "visibility",
]

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.PMO_ADMIN: frozenset(Action.values),
    Role.PORTFOLIO_MANAGER: frozenset(Action.values),
    Role.PROGRAM_MANAGER: frozenset(Action.values),
    Role.PROJECT_MANAGER: frozenset(
        {Action.VIEW, Action.CONTRIBUTE, Action.CHANGE, Action.ADD_CHILD, Action.MANAGE_MEMBERS}
    ),
    Role.TEAM_MEMBER: frozenset({Action.VIEW, Action.CONTRIBUTE}),
    Role.EXECUTIVE_VIEWER: frozenset({Action.VIEW}),
}


ACTION_PHRASES = {
    Action.VIEW: "view",
    Action.CONTRIBUTE: "contribute to",
    Action.CHANGE: "change",
    Action.ADD_CHILD: "add items inside",
    Action.DELETE: "delete",
    Action.MANAGE_MEMBERS: "manage the members of",
}


class PermissionDenied(DjangoPermissionDenied):
    """Raised by ``require`` and by services when the acting user lacks a right.

    A Django ``PermissionDenied``, so both the web UI and the API answer 403 with it.
    """


@dataclass(frozen=True, slots=True)
class ScopeChain:
    """Where an object sits: its portfolio, and its program and project when it has them."""

    portfolio_id: int | None
    program_id: int | None = None
    project_id: int | None = None


@dataclass(frozen=True, slots=True)
class _Grant:
    role: str
    portfolio_id: int | None
    program_id: int | None
    project_id: int | None

    @property
    def is_organisation_wide(self) -> bool:
        return self.portfolio_id is None and self.program_id is None and self.project_id is None

    def covers(self, chain: ScopeChain) -> bool:
        """True when this grant's scope is the object's scope or one of its ancestors."""
        if self.is_organisation_wide:
            return True
        if self.project_id is not None:
            return self.project_id == chain.project_id
        if self.program_id is not None:
            return self.program_id == chain.program_id
        return self.portfolio_id == chain.portfolio_id

    def is_below(self, chain: ScopeChain) -> bool:
        """True when this grant's scope lies strictly inside the object's scope."""
        if self.is_organisation_wide or self.covers(chain):
            return False
        if chain.project_id is not None:
            return False
        # A grant inside the object's subtree needs the same portfolio (and program).
        if chain.program_id is not None:
            return self.program_id == chain.program_id or (
                self.project_id is not None and self._project_program == chain.program_id
            )
        return self._portfolio == chain.portfolio_id

    # Filled by memberships_of from the scope object's own ancestors.
    _portfolio: int | None = None
    _project_program: int | None = None


def memberships_of(user) -> tuple[_Grant, ...]:
    """The user's grants, loaded once per user object (one query)."""
    cached = getattr(user, "_pmo_grants", None)
    if cached is not None:
        return cached
    from pmo.accounts.models import Membership

    rows = Membership.objects.filter(user_id=user.pk).values_list(
        "role",
        "portfolio_id",
        "program_id",
        "project_id",
        "program__portfolio_id",
        "project__portfolio_id",
        "project__program_id",
    )
    grants = tuple(
        _Grant(
            role=role,
            portfolio_id=portfolio_id,
            program_id=program_id,
            project_id=project_id,
            _portfolio=portfolio_id or program_portfolio or project_portfolio,
            _project_program=project_program,
        )
        for (
            role,
            portfolio_id,
            program_id,
            project_id,
            program_portfolio,
            project_portfolio,
            project_program,
        ) in rows
    )
    user._pmo_grants = grants
    return grants


def _is_superuser(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def can(user, action: str, obj) -> bool:
    """May ``user`` take ``action`` on ``obj`` (anything with ``scope_chain()``)?

    Deletion is decided one level up: the role must be held on an ancestor of the object,
    so a program manager may delete projects of their program but not the program itself.
    Viewing is also granted on the ancestors of anything the user is a member of, so they
    can navigate to it; the lists below those ancestors stay filtered.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if _is_superuser(user):
        return True
    chain = obj.scope_chain()
    for grant in memberships_of(user):
        if action not in ROLE_ACTIONS.get(grant.role, ()):
            continue
        if action == Action.DELETE and _grant_is_on_object_itself(grant, chain, obj):
            continue
        if grant.covers(chain):
            return True
    if action == Action.VIEW:
        return any(grant.is_below(chain) for grant in memberships_of(user))
    return False


def _grant_is_on_object_itself(grant: _Grant, chain: ScopeChain, obj) -> bool:
    level = getattr(obj, "scope_level", None)
    if level == "project":
        return grant.project_id is not None and grant.project_id == chain.project_id
    if level == "program":
        return grant.program_id is not None and grant.program_id == chain.program_id
    if level == "portfolio":
        return (
            grant.portfolio_id is not None
            and grant.program_id is None
            and grant.project_id is None
            and grant.portfolio_id == chain.portfolio_id
        )
    return False


def can_create_portfolio(user) -> bool:
    """Only PMO admins of the whole organisation open new portfolios."""
    if _is_superuser(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(
        grant.role == Role.PMO_ADMIN and grant.is_organisation_wide
        for grant in memberships_of(user)
    )


def require(user, action: str, obj) -> None:
    """Raise ``PermissionDenied`` with a message naming the action and the object."""
    if not can(user, action, obj):
        raise PermissionDenied(f"You may not {ACTION_PHRASES[action]} {obj}.")


@dataclass(frozen=True, slots=True)
class Visibility:
    """What a user may list: the scope ids their grants reach, for queryset filters.

    ``everything`` is set for superusers and organisation-wide grants. ``*_covered`` are
    scopes a grant covers (so everything below them is visible too); ``*_browsable`` are
    ancestors of the user's scopes, visible for navigation only.
    """

    everything: bool
    portfolios_covered: frozenset[int]
    programs_covered: frozenset[int]
    projects_covered: frozenset[int]
    portfolios_browsable: frozenset[int]
    programs_browsable: frozenset[int]


def visibility(user) -> Visibility:
    empty: frozenset[int] = frozenset()
    if user is None or not user.is_authenticated or not user.is_active:
        return Visibility(False, empty, empty, empty, empty, empty)
    if _is_superuser(user):
        return Visibility(True, empty, empty, empty, empty, empty)
    grants = memberships_of(user)
    if any(grant.is_organisation_wide for grant in grants):
        return Visibility(True, empty, empty, empty, empty, empty)
    return Visibility(
        everything=False,
        portfolios_covered=frozenset(g.portfolio_id for g in grants if g.portfolio_id is not None),
        programs_covered=frozenset(g.program_id for g in grants if g.program_id is not None),
        projects_covered=frozenset(g.project_id for g in grants if g.project_id is not None),
        portfolios_browsable=frozenset(g._portfolio for g in grants if g._portfolio is not None),
        programs_browsable=frozenset(
            g._project_program for g in grants if g._project_program is not None
        ),
    )


# Which roles make sense at which level, and who may grant what: a manager hands out
# roles at or below their own, never above.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "organisation": frozenset({Role.PMO_ADMIN, Role.EXECUTIVE_VIEWER}),
    "portfolio": frozenset(
        {Role.PMO_ADMIN, Role.PORTFOLIO_MANAGER, Role.EXECUTIVE_VIEWER, Role.TEAM_MEMBER}
    ),
    "program": frozenset({Role.PROGRAM_MANAGER, Role.EXECUTIVE_VIEWER, Role.TEAM_MEMBER}),
    "project": frozenset({Role.PROJECT_MANAGER, Role.TEAM_MEMBER, Role.EXECUTIVE_VIEWER}),
}
ROLE_RANK: dict[str, int] = {
    Role.PMO_ADMIN: 5,
    Role.PORTFOLIO_MANAGER: 4,
    Role.PROGRAM_MANAGER: 3,
    Role.PROJECT_MANAGER: 2,
    Role.TEAM_MEMBER: 1,
    Role.EXECUTIVE_VIEWER: 1,
}


def highest_rank_on(user, obj) -> int:
    """The rank of the strongest role ``user`` holds on ``obj`` or an ancestor (0: none)."""
    if _is_superuser(user):
        return max(ROLE_RANK.values())
    chain = obj.scope_chain()
    return max(
        (ROLE_RANK[g.role] for g in memberships_of(user) if g.covers(chain)),
        default=0,
    )
