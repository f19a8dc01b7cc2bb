"""Intake fixtures on top of the shared ``org``: portfolio ETP's scoring model (10 % discount
rate, horizon Jan 2027 - Dec 2029), one criterion with a 1-5 scale, two capacity roles, and a
helper that takes a proposal through the services to the state a test needs.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest


@pytest.fixture
def intake(org):
    from pmo.intake import services

    pfm = org.people.pfm
    model = services.do_save_scoring_model(
        pfm,
        org.p1,
        discount_rate=Decimal("0.10"),
        npv_weight=Decimal("0"),
        planning_start=dt.date(2027, 1, 1),
        horizon_years=3,
    )
    value = services.do_save_criterion(
        pfm,
        org.p1,
        objective=org.so1,
        code="VAL",
        name="Strategic value",
        levels=[(1, "Little"), (2, "Some"), (3, "Clear"), (4, "Strong"), (5, "Core")],
    )
    dev = services.do_save_role(pfm, org.p1, name="Developer", monthly_hours=Decimal("160"))
    analyst = services.do_save_role(pfm, org.p1, name="Analyst", monthly_hours=Decimal("80"))

    def proposal(
        code,
        *,
        capex=(),
        opex=(),
        benefit=(),
        state="screened",
        score=None,
        start=dt.date(2027, 1, 1),
        window=0,
        duration=12,
        demands=(),
        actor=pfm,
        **fields,
    ):
        years = max(len(capex), len(opex), len(benefit), 1)

        def at(seq, y):
            return Decimal(str(seq[y])) if y < len(seq) else Decimal(0)

        flows = [
            {"year": y, "capex": at(capex, y), "opex": at(opex, y), "benefit": at(benefit, y)}
            for y in range(years)
        ]
        p = services.do_create_proposal(
            actor,
            portfolio=org.p1,
            code=code,
            title=fields.pop("title", f"Proposal {code}"),
            earliest_start=start,
            start_window_months=window,
            duration_months=duration,
            cash_flows=flows,
            demands=list(demands),
            **fields,
        )
        path = {
            "draft": [],
            "submitted": ["submitted"],
            "screened": ["submitted", "screened"],
        }[state]
        for to in path:
            services.do_transition(pfm, p, to, "")
            p.refresh_from_db()
        if score is not None:
            services.do_score(pfm, p, {value: (score, "")})
        return p

    return SimpleNamespace(
        model=model, value=value, dev=dev, analyst=analyst, proposal=proposal, org=org
    )
