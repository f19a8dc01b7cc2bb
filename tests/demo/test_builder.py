import datetime as dt

from django.db import transaction

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership, User
from pmo.demo import build_demo
from pmo.portfolios.models import Portfolio, Program, Project

AS_OF = dt.date(2026, 11, 23)


def snapshot():
    return [
        (
            p.code,
            p.name,
            p.program.code if p.program else None,
            p.status,
            p.phase,
            p.health,
            p.planned_start,
            p.planned_finish,
            p.manager.username if p.manager else None,
        )
        for p in Project.objects.select_related("program", "manager").order_by("code")
    ]


def build_and_capture(**kwargs):
    from pmo.schedules.models import Task

    with transaction.atomic():
        build_demo(as_of=AS_OF, plan_size=(20, 40), apps=["pmo.schedules"], **kwargs)
        captured = snapshot() + list(
            Task.objects.order_by("project__code", "sort_key").values_list(
                "outline", "name", "start", "finish", "percent_complete"
            )
        )
        transaction.set_rollback(True)
    return captured


def test_standard_demo_is_a_believable_organisation(db):
    summary = build_demo(seed=7, as_of=AS_OF)
    assert (summary.portfolios, summary.programs, summary.projects) == (1, 3, 24)
    assert Portfolio.objects.get().objectives.count() == 5
    assert Program.objects.count() == 3
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert len(set(Project.objects.values_list("health", flat=True))) == 3
    assert len(set(Project.objects.values_list("phase", flat=True))) >= 4
    assert Project.objects.filter(program__isnull=True).exists()
    for project in Project.objects.all():
        assert project.planned_finish >= project.planned_start
        if project.status == "completed":
            assert project.planned_finish < AS_OF
        assert project.objectives.exists()
    assert User.objects.filter(username__startswith="pm.").count() == 8
    # Every project has a scheduled plan with a baseline.
    from pmo.schedules.models import Baseline, Task

    assert 30 * 24 <= summary.tasks <= 330 * 24
    assert Task.objects.filter(start__isnull=True).count() == 0
    assert Baseline.objects.count() == 24


def test_same_seed_gives_the_same_organisation(db):
    assert build_and_capture(seed=3) == build_and_capture(seed=3)
    assert build_and_capture(seed=3) != build_and_capture(seed=4)


def test_scale_builds_a_large_portfolio(db):
    summary = build_demo(
        seed=1, projects=60, as_of=AS_OF, plan_size=(20, 20), apps=["pmo.schedules"]
    )
    assert summary.projects == 60
    assert summary.programs == 8
    # Approved proposals of the intake demo become projects too, with their own codes.
    assert Project.objects.filter(code__startswith="PRJ-").count() == 60


def test_demo_plans_list_each_phases_tasks_in_the_order_they_start(db):
    # As a planner lays a plan out; random links used to leave tasks listed after
    # ones that start later ("2.7" starting after "2.8").
    from pmo.schedules.models import Task

    build_demo(seed=5, projects=6, as_of=AS_OF, plan_size=(150, 200), apps=["pmo.schedules"])
    rows = Task.objects.filter(parent__isnull=False, is_milestone=False).order_by("sort_key")
    starts: dict[int, list] = {}
    increments: dict[tuple[int, str], list[int]] = {}
    for parent, start, name in rows.values_list("parent_id", "start", "name"):
        starts.setdefault(parent, []).append(start)
        base, _, number = name.partition(" – increment ")
        increments.setdefault((parent, base), []).append(int(number or 1))
    assert len(starts) >= 5 * 6
    assert all(dates == sorted(dates) for dates in starts.values())
    # "Design – increment 3" never comes before "Design – increment 2".
    assert any(len(numbers) > 1 for numbers in increments.values())
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in increments.values())
