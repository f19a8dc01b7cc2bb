"""The demo's risk step: registers everywhere, escalations, RAID items, estimates."""

import datetime as dt

from django.db.models import Count

from pmo.demo import build_demo
from pmo.portfolios.models import Project
from pmo.risks.models import (
    Escalation,
    RaidItem,
    Risk,
    SimulationRun,
    TaskCorrelation,
    TaskEstimate,
)
from pmo.schedules.models import Task


def test_demo_builds_registers_escalations_raid_and_estimates(db):
    build_demo(seed=3, projects=8, as_of=dt.date(2026, 3, 2), plan_size=(20, 30))
    per_project = dict(Risk.objects.values_list("project").annotate(n=Count("pk")).order_by())
    # The eight projects of the builder (later demo steps may add projects of their own).
    assert len(per_project) == 8
    assert Project.objects.filter(pk__in=per_project).count() == 8
    assert all(4 <= n <= 8 for n in per_project.values())
    levels = set(Risk.objects.values_list("level", flat=True))
    assert levels == {"project", "program", "portfolio"}
    # Every escalated risk has its audit trail, one record per step.
    for risk in Risk.objects.exclude(level="project"):
        steps = list(risk.escalations.order_by("pk").values_list("from_level", "to_level"))
        expected = [("project", "program")] + (
            [("program", "portfolio")] if risk.level == "portfolio" else []
        )
        assert steps == expected
    assert Escalation.objects.filter(risk__kind="opportunity").count() == 0
    kinds = set(RaidItem.objects.values_list("kind", flat=True))
    assert kinds == {"issue", "assumption", "dependency"}
    for issue in RaidItem.objects.filter(source_risk__isnull=False):
        assert issue.source_risk.status == "occurred"
        assert issue.source_risk.kind == "threat"
    estimated = set(TaskEstimate.objects.values_list("task__project", flat=True))
    ahead = sorted(
        set(
            Task.objects.filter(
                project__in=per_project, is_summary=False, is_milestone=False,
                actual_finish__isnull=True,
            ).values_list("project_id", flat=True)
        )
    )  # fmt: skip
    # Three projects with work still ahead get estimates (fewer if fewer have any).
    assert ahead and estimated == set(ahead[:3])
    assert TaskCorrelation.objects.exists()
    # Each estimated project opens on a finished Monte Carlo run of its current plan.
    runs = SimulationRun.objects.filter(project__in=estimated)
    assert sorted(runs.values_list("project", flat=True)) == sorted(estimated)
    for run in runs:
        assert run.status == "succeeded" and run.iterations == 2000
        assert run.results["percentiles"]["P80"] >= run.results["percentiles"]["P50"]
    assert not TaskEstimate.objects.filter(optimistic_minutes__gt=models_f()).exists()


def models_f():
    from django.db.models import F

    return F("most_likely_minutes")
