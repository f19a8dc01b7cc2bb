"""Who may do what: the rules every view and API call relies on."""

import pytest

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can, can_create_portfolio, require
from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_project_manager_changes_own_project_only(org):
    pm = org.people.pm_a
    assert can(pm, Action.CHANGE, org.a)
    assert not can(pm, Action.CHANGE, org.b)
    assert not can(pm, Action.VIEW, org.b)
    assert not can(pm, Action.DELETE, org.a)
    assert not can(pm, Action.CHANGE, org.g1)


def test_team_member_views_but_does_not_change(org):
    member = org.people.member_a
    assert can(member, Action.VIEW, org.a)
    assert can(member, Action.CONTRIBUTE, org.a)
    assert not can(member, Action.CHANGE, org.a)
    assert not can(member, Action.VIEW, org.b)
    assert not can(member, Action.VIEW, org.c)


def test_program_role_is_inherited_by_its_projects(org):
    pgm = org.people.pgm
    assert can(pgm, Action.CHANGE, org.a)
    assert can(pgm, Action.CHANGE, org.b)
    assert can(pgm, Action.DELETE, org.b)
    assert can(pgm, Action.ADD_CHILD, org.g1)
    # Not the project beside the program, nor the program itself (deleted one level up).
    assert not can(pgm, Action.VIEW, org.d)
    assert not can(pgm, Action.DELETE, org.g1)
    assert not can(pgm, Action.CHANGE, org.p1)


def test_portfolio_manager_reaches_everything_in_portfolio_only(org):
    pfm = org.people.pfm
    for obj in (org.p1, org.g1, org.a, org.b, org.d):
        assert can(pfm, Action.CHANGE, obj), obj
    assert can(pfm, Action.DELETE, org.g1)
    assert not can(pfm, Action.DELETE, org.p1)
    assert not can(pfm, Action.VIEW, org.p2)
    assert not can(pfm, Action.VIEW, org.c)


def test_executive_viewer_sees_but_never_changes(org):
    executive = org.people.executive
    for obj in (org.p1, org.g1, org.a, org.d):
        assert can(executive, Action.VIEW, obj)
        assert not can(executive, Action.CHANGE, obj)
        assert not can(executive, Action.CONTRIBUTE, obj)
    assert not can(executive, Action.VIEW, org.c)


def test_organisation_wide_pmo_admin_does_everything(org):
    admin = org.people.admin
    assert can_create_portfolio(admin)
    for obj in (org.p1, org.p2, org.g1, org.a, org.c):
        for action in Action.values:
            assert can(admin, action, obj)


def test_outsider_and_anonymous_are_denied_everything(org):
    from django.contrib.auth.models import AnonymousUser

    for user in (org.people.outsider, AnonymousUser(), None):
        for obj in (org.p1, org.g1, org.a):
            assert not can(user, Action.VIEW, obj)
    assert not can_create_portfolio(org.people.outsider)
    assert not can_create_portfolio(org.people.pfm)


def test_inactive_user_loses_every_right(org):
    pm = org.people.pm_a
    pm.is_active = False
    assert not can(pm, Action.VIEW, org.a)


def test_members_may_browse_the_ancestors_of_their_scope(org):
    member = org.people.member_a
    assert can(member, Action.VIEW, org.p1)
    assert can(member, Action.VIEW, org.g1)
    assert not can(member, Action.CHANGE, org.p1)
    assert not can(member, Action.VIEW, org.p2)


def test_require_names_the_action_and_object(org):
    with pytest.raises(PermissionDenied, match=r"You may not change PRJ-B Bravo billing\."):
        require(org.people.pm_a, Action.CHANGE, org.b)


def test_lists_hold_only_what_the_user_may_see(org):
    member = org.people.member_a
    assert codes(visible_projects(member)) == ["PRJ-A"]
    assert codes(visible_programs(member)) == ["DCX"]
    assert codes(visible_portfolios(member)) == ["ETP"]
    assert codes(visible_projects(org.people.pgm)) == ["PRJ-A", "PRJ-B"]
    assert codes(visible_projects(org.people.pfm)) == ["PRJ-A", "PRJ-B", "PRJ-D"]
    assert codes(visible_projects(org.people.admin)) == ["PRJ-A", "PRJ-B", "PRJ-C", "PRJ-D"]
    assert codes(visible_projects(org.people.outsider)) == []
    assert codes(visible_portfolios(org.people.outsider)) == []
