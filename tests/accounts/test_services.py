import pytest
from django.core.exceptions import ValidationError

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership
from pmo.accounts.services import do_grant_role, do_revoke_membership
from pmo.core.permissions import PermissionDenied


def test_project_manager_adds_a_team_member(org):
    membership = do_grant_role(
        org.people.pm_a, user=org.people.outsider, role=Role.TEAM_MEMBER, scope=org.a
    )
    assert membership.project == org.a
    again = do_grant_role(
        org.people.pm_a, user=org.people.outsider, role=Role.TEAM_MEMBER, scope=org.a
    )
    assert again.pk == membership.pk


def test_nobody_grants_a_role_above_their_own(org):
    with pytest.raises(PermissionDenied, match="PMO admin: it is above your own role"):
        do_grant_role(org.people.pfm, user=org.people.outsider, role=Role.PMO_ADMIN, scope=org.p1)
    with pytest.raises(PermissionDenied, match="You may not manage the members of PRJ-A"):
        do_grant_role(
            org.people.member_a, user=org.people.outsider, role=Role.TEAM_MEMBER, scope=org.a
        )


def test_role_must_fit_the_scope(org):
    with pytest.raises(ValidationError) as caught:
        do_grant_role(org.people.admin, user=org.people.outsider, role=Role.PROJECT_MANAGER)
    assert caught.value.message_dict["role"] == [
        "Project manager cannot be held organisation-wide; use one of: Executive viewer, PMO admin."
    ]


def test_membership_check_constraint_refuses_scopeless_project_manager(org):
    membership = Membership(user=org.people.outsider, role=Role.PROJECT_MANAGER)
    with pytest.raises(ValidationError, match="Project manager needs a portfolio"):
        membership.full_clean()


def test_revoke_needs_manage_members(org):
    membership = Membership.objects.get(user=org.people.member_a)
    with pytest.raises(PermissionDenied):
        do_revoke_membership(org.people.member_a, membership)
    do_revoke_membership(org.people.pm_a, membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
