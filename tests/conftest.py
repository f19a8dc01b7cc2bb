"""Shared fixtures: a small organisation with people in every role.

Portfolio P1 (ETP): program G1 with projects A and B; project D directly in P1
Portfolio P2 (OPS): project C
"""

import datetime as dt
from types import SimpleNamespace

import pytest

# Django models are imported inside the fixtures, so that the engine's tests can run
# without Django (``-p no:django``).


def make_user(username: str, **extra):
    from pmo.accounts.models import User

    user = User(username=username, first_name=username.title(), last_name="Tester", **extra)
    user.set_password("secret-pass-1")
    user.save()
    return user


@pytest.fixture
def org(db):
    from pmo.accounts.choices import Role
    from pmo.accounts.models import Membership
    from pmo.portfolios.models import Portfolio, Program, Project, StrategicObjective

    p1 = Portfolio.objects.create(code="ETP", name="Enterprise Transformation")
    p2 = Portfolio.objects.create(code="OPS", name="Operations")
    g1 = Program.objects.create(portfolio=p1, code="DCX", name="Digital Customer Experience")
    a = Project.objects.create(
        portfolio=p1,
        program=g1,
        code="PRJ-A",
        name="Alpha app",
        planned_start=dt.date(2026, 1, 5),
        planned_finish=dt.date(2026, 6, 30),
    )
    b = Project.objects.create(portfolio=p1, program=g1, code="PRJ-B", name="Bravo billing")
    c = Project.objects.create(portfolio=p2, code="PRJ-C", name="Charlie cloud")
    d = Project.objects.create(portfolio=p1, code="PRJ-D", name="Delta data")
    so1 = StrategicObjective.objects.create(portfolio=p1, code="SO1", name="Grow revenue")
    so9 = StrategicObjective.objects.create(portfolio=p2, code="SO9", name="Run cheaper")

    people = SimpleNamespace(
        admin=make_user("admin"),
        pfm=make_user("pfm"),
        pgm=make_user("pgm"),
        pm_a=make_user("pm_a"),
        member_a=make_user("member_a"),
        executive=make_user("executive"),
        outsider=make_user("outsider"),
    )
    Membership.objects.bulk_create(
        [
            Membership(user=people.admin, role=Role.PMO_ADMIN),
            Membership(user=people.pfm, role=Role.PORTFOLIO_MANAGER, portfolio=p1),
            Membership(user=people.pgm, role=Role.PROGRAM_MANAGER, program=g1),
            Membership(user=people.pm_a, role=Role.PROJECT_MANAGER, project=a),
            Membership(user=people.member_a, role=Role.TEAM_MEMBER, project=a),
            Membership(user=people.executive, role=Role.EXECUTIVE_VIEWER, portfolio=p1),
        ]
    )
    return SimpleNamespace(p1=p1, p2=p2, g1=g1, a=a, b=b, c=c, d=d, so1=so1, so9=so9, people=people)


def fresh(user):
    """The same user without cached grants, as a new request would load them."""
    from pmo.accounts.models import User

    return User.objects.get(pk=user.pk)
