import datetime as dt
from decimal import Decimal

import pytest

from pmo.risks.models import Risk
from pmo.schedules.models import Calendar, ProjectSchedule

UTC = dt.UTC


def make_risk(project, level="project", **fields) -> Risk:
    """A risk stored directly (service rules are tested in test_services)."""
    values = {
        "title": "Supplier late",
        "probability": 3,
        "impact": 4,
        "days_min": Decimal("2"),
        "days_likely": Decimal("5"),
        "days_max": Decimal("10"),
    }
    values.update(fields)
    values["days_max"] = max(values["days_max"], values["days_likely"])
    risk = Risk(
        level=level,
        portfolio=project.portfolio,
        program=project.program,
        project=project,
        **values,
    )
    risk.score = risk.probability * risk.impact
    if risk.residual_probability and risk.residual_impact:
        risk.residual_score = risk.residual_probability * risk.residual_impact
    risk.save()
    return risk


@pytest.fixture
def calendar(db):
    return Calendar.objects.create(name="Office", timezone="UTC")


@pytest.fixture
def plan(org, calendar):
    """Project A scheduled forward from Monday 2 March 2026 08:00 UTC."""
    ProjectSchedule.objects.create(
        project=org.a, calendar=calendar, start=dt.datetime(2026, 3, 2, 8, tzinfo=UTC)
    )
    return org
