"""Monte Carlo through the app: the plan, estimates and risks in, stored results out."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.jobs.models import Job
from pmo.risks import services
from pmo.risks.models import RiskMatrix, SimulationRun, TaskEstimate
from pmo.schedules import services as plan_services
from pmo.schedules.models import ProjectSchedule

from ..conftest import fresh
from .conftest import make_risk

DAY = 480


def make(org, name, days, **fields):
    task, _ = plan_services.do_create_task(
        org.people.pm_a, project=org.a, name=name, duration_minutes=days * DAY, **fields
    )
    return task


@pytest.fixture
def chain(plan, django_capture_on_commit_callbacks):
    plan.on_commit = django_capture_on_commit_callbacks
    """Design 2 d -> Build 3 d -> Go-live, from Monday 2 March 2026 08:00 UTC."""
    design = make(plan, "Design", 2, cost=Decimal("1000.00"))
    build = make(plan, "Build", 3, cost=Decimal("3000.00"))
    live = make(plan, "Go-live", 0, is_milestone=True)
    plan_services.do_link(plan.people.pm_a, predecessor=design, successor=build)
    plan_services.do_link(plan.people.pm_a, predecessor=build, successor=live)
    plan.design, plan.build, plan.live = design, build, live
    return plan


def run(org, **options):
    options.setdefault("iterations", 200)
    options.setdefault("seed", 1)
    # The job is enqueued when the transaction commits; the test backend runs it at once.
    with org.on_commit(execute=True):
        created = services.do_start_simulation(fresh(org.people.pm_a), org.a, **options)
    return SimulationRun.objects.get(pk=created.pk)


def test_certain_risk_delays_the_finish_and_adds_its_cost_exactly(chain):
    RiskMatrix.objects.create(portfolio=chain.p1, probability_percent=[10, 30, 50, 70, 100])
    risk = make_risk(
        chain.a, probability=5, days_min=Decimal("1"), days_likely=Decimal("1"),
        days_max=Decimal("1"), cost_min=Decimal("500"), cost_likely=Decimal("500"),
        cost_max=Decimal("500"),
    )  # fmt: skip
    risk.tasks.set([chain.build])
    result = run(chain)
    assert result.status == "succeeded"
    assert result.plan_version == ProjectSchedule.objects.get(project=chain.a).version
    assert Job.objects.get(pk=result.job_id).percent == 100
    out = result.results
    # Plan: Design Mon-Tue, Build Wed-Fri, finish Friday 6 March 17:00. The risk adds a
    # working day to Build: Monday 9 March 17:00 in every iteration.
    assert out["deterministic_finish"] == "2026-03-06T17:00:00+00:00"
    assert out["plan_finish"] == "2026-03-06T17:00:00+00:00"
    assert set(out["percentiles"].values()) == {"2026-03-09T17:00:00+00:00"}
    assert out["probability_deterministic"] == 0.0
    assert out["milestones"][0]["name"] == "Go-live"
    assert out["milestones"][0]["P80"] == "2026-03-09T17:00:00+00:00"
    # Build's cost scales with its duration (4/3) and the risk costs 500.00.
    assert out["cost"]["deterministic"] == "4000.00"
    assert out["cost"]["percentiles"]["P50"] == "5500.00"
    assert [(c["name"], c["index"]) for c in out["criticality"]] == [
        ("Design", 1.0), ("Build", 1.0), ("Go-live", 1.0),
    ]  # fmt: skip
    assert out["risks"] == [
        {"id": risk.pk, "reference": risk.reference, "title": risk.title, "occurred": 1.0}
    ]


def test_without_risk_events_the_fixed_plan_finishes_on_time(chain):
    risk = make_risk(chain.a, probability=5)
    risk.tasks.set([chain.build])
    out = run(chain, include_risks=False).results
    assert set(out["percentiles"].values()) == {"2026-03-06T17:00:00+00:00"}
    assert out["probability_deterministic"] == 1.0
    assert out["risk_events"] == 0


def test_estimates_spread_the_finish_and_the_widest_task_tops_the_tornado(chain):
    TaskEstimate.objects.create(
        task=chain.build, optimistic_minutes=2 * DAY, most_likely_minutes=3 * DAY,
        pessimistic_minutes=8 * DAY,
    )  # fmt: skip
    TaskEstimate.objects.create(
        task=chain.design, optimistic_minutes=2 * DAY - 60, most_likely_minutes=2 * DAY,
        pessimistic_minutes=2 * DAY + 60, distribution="uniform",
    )  # fmt: skip
    first = run(chain, iterations=2000, seed=5).results
    again = run(chain, iterations=2000, seed=5).results
    assert first["percentiles"] == again["percentiles"]
    p = first["percentiles"]
    assert p["P10"] < p["P50"] < p["P80"] < p["P90"]
    # Triangular 2/3/8 days: the mean (4.33 d) lies beyond the most likely, so the plan
    # is met in well under half of the iterations.
    assert first["probability_deterministic"] < 0.3
    assert first["tornado"][0]["id"] == chain.build.pk
    assert first["tornado"][0]["rho"] > 0.95
    assert first["estimated_tasks"] == 2
    # Build's cost scales with its uncertain duration: it drives the cost too.
    assert first["cost"]["tornado"][0]["id"] == chain.build.pk
    assert first["cost"]["tornado"][0]["rho"] > 0.95
    assert sum(first["histogram"]["counts"]) == 2000


def test_backward_plans_are_refused(chain):
    ProjectSchedule.objects.filter(project=chain.a).update(direction="backward")
    with pytest.raises(ValidationError, match="forward-scheduled plans only"):
        run(chain)


def test_started_task_replays_its_remaining_work_like_the_plan(chain):
    import datetime as dt

    utc = dt.UTC
    plan_services.do_update_schedule_settings(
        chain.people.pm_a, chain.a, status_date=dt.datetime(2026, 3, 3, 12, tzinfo=utc)
    )
    plan_services.do_update_task(
        chain.people.pm_a, chain.design,
        actual_start=dt.datetime(2026, 3, 2, 8, tzinfo=utc), percent_complete=25,
    )  # fmt: skip
    TaskEstimate.objects.create(
        task=chain.design, optimistic_minutes=2 * DAY, most_likely_minutes=2 * DAY,
        pessimistic_minutes=2 * DAY,
    )  # fmt: skip
    out = run(chain).results
    # Three quarters of Design (12 h) remain from Tuesday noon: Design ends Wednesday
    # 17:00 and Build the next Monday 17:00, as the plan itself says.
    assert out["plan_finish"] == "2026-03-09T17:00:00+00:00"
    assert out["deterministic_finish"] == out["plan_finish"]
    assert set(out["percentiles"].values()) == {out["plan_finish"]}


def test_correlated_tasks_widen_the_spread_and_contradictions_are_refused(chain):
    import datetime as dt

    for task in (chain.design, chain.build):
        TaskEstimate.objects.create(
            task=task, optimistic_minutes=DAY, most_likely_minutes=2 * DAY,
            pessimistic_minutes=6 * DAY,
        )  # fmt: skip

    def spread(results) -> float:
        p = {k: dt.datetime.fromisoformat(v) for k, v in results["percentiles"].items()}
        return (p["P90"] - p["P10"]).total_seconds()

    free = run(chain, iterations=3000, seed=11).results
    services.do_correlate(
        fresh(chain.people.pm_a), chain.a, first=chain.build, second=chain.design,
        coefficient=Decimal("0.9"),
    )  # fmt: skip
    tied = run(chain, iterations=3000, seed=11).results
    assert (free["correlations"], tied["correlations"]) == (0, 1)
    assert spread(tied) > 1.2 * spread(free)
    # The pair is stored once whichever way round it is given, and replaced.
    link = services.do_correlate(
        fresh(chain.people.pm_a), chain.a, first=chain.design, second=chain.build,
        coefficient=Decimal("0.5"),
    )  # fmt: skip
    assert (link.first, link.second, link.coefficient) == (
        chain.design,
        chain.build,
        Decimal("0.5"),
    )
    assert correlation_count() == 1
    live = chain.live
    services.do_correlate(
        fresh(chain.people.pm_a), chain.a, first=chain.design, second=live, coefficient=0.6
    )
    with pytest.raises(ValidationError) as err:
        services.do_correlate(
            fresh(chain.people.pm_a), chain.a, first=chain.build, second=live, coefficient=-0.9
        )
    assert err.value.message_dict["coefficient"] == [
        "These correlations contradict each other: Design, Build, Go-live. Loosen one of them."
    ]
    assert correlation_count() == 2
    with pytest.raises(ValidationError, match="cannot be correlated with itself"):
        services.do_correlate(
            fresh(chain.people.pm_a), chain.a, first=live, second=live, coefficient=0.5
        )


def correlation_count() -> int:
    from pmo.risks.models import TaskCorrelation

    return TaskCorrelation.objects.count()


def test_chance_of_finishing_by_each_day(chain):
    RiskMatrix.objects.create(portfolio=chain.p1, probability_percent=[10, 30, 50, 70, 90])
    risk = make_risk(
        chain.a, probability=5, days_min=Decimal("2"), days_likely=Decimal("2"),
        days_max=Decimal("2"),
    )  # fmt: skip
    risk.tasks.set([chain.build])
    out = run(chain, iterations=2000).results
    occurred = out["risks"][0]["occurred"]
    # Friday 6 March without the risk, Tuesday 10 March with it (two working days).
    assert out["by_day"]["dates"] == [
        "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10",
    ]  # fmt: skip
    on_time = round(1 - occurred, 4)
    assert out["by_day"]["probabilities"] == [on_time, on_time, on_time, on_time, 1.0]
