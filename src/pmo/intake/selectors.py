"""Reads of intake, filtered to what the user may see, and the live figures built on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from pmo.core.permissions import visibility
from pmo.portfolios.models import Portfolio

from . import adapters
from .choices import SELECTABLE, ProposalState
from .models import (
    Assessment,
    CapacityRole,
    Criterion,
    Proposal,
    ResourceDemand,
    Scenario,
    ScoringModel,
)


def visible_proposals(user) -> QuerySet[Proposal]:
    """Proposals of the portfolios the user holds a role on (or the whole organisation).

    Intake is portfolio business: a role on one project does not show the demand queue.
    """
    seen = visibility(user)
    queryset = Proposal.objects.select_related("portfolio", "sponsor", "project")
    if seen.everything:
        return queryset
    return queryset.filter(portfolio_id__in=seen.portfolios_covered)


def visible_scenarios(user) -> QuerySet[Scenario]:
    seen = visibility(user)
    queryset = Scenario.objects.select_related("portfolio", "created_by")
    if seen.everything:
        return queryset
    return queryset.filter(portfolio_id__in=seen.portfolios_covered)


def visible_criteria(user) -> QuerySet[Criterion]:
    seen = visibility(user)
    queryset = Criterion.objects.select_related("model", "objective").prefetch_related("levels")
    if seen.everything:
        return queryset
    return queryset.filter(model__portfolio_id__in=seen.portfolios_covered)


def visible_assessments(user) -> QuerySet[Assessment]:
    seen = visibility(user)
    queryset = Assessment.objects.select_related("proposal", "criterion", "assessor")
    if seen.everything:
        return queryset
    return queryset.filter(proposal__portfolio_id__in=seen.portfolios_covered)


def default_planning_start(today: dt.date | None = None) -> dt.date:
    """Next January: the budget year most intake rounds plan for."""
    today = today or timezone.localdate()
    return dt.date(today.year + 1, 1, 1)


def scoring_model(portfolio: Portfolio) -> ScoringModel:
    """The portfolio's scoring model, or an unsaved default when none was set up yet."""
    found = ScoringModel.objects.filter(portfolio=portfolio).first()
    if found is not None:
        return found
    return ScoringModel(portfolio=portfolio, planning_start=default_planning_start())


def criteria_of(model: ScoringModel) -> list[Criterion]:
    if model.pk is None:
        return []
    return list(
        model.criteria.select_related("objective")
        .prefetch_related("levels")
        .order_by("position", "code")
    )


def roles_of(portfolio: Portfolio) -> list[CapacityRole]:
    return list(CapacityRole.objects.filter(portfolio=portfolio))


def _proposals_for_figures(portfolio: Portfolio) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(portfolio=portfolio)
        .select_related("sponsor", "project")
        .prefetch_related(
            "cash_flows",
            Prefetch("demands", queryset=ResourceDemand.objects.select_related("role")),
            "requires",
            "depends_on_projects",
            "assessments",
            "objectives",
        )
    )


def portfolio_figures(portfolio: Portfolio, npv_weight: float | None = None):
    """Live figures of every proposal of ``portfolio`` (callers check VIEW first)."""
    model = scoring_model(portfolio)
    figures = adapters.portfolio_figures(
        model, criteria_of(model), list(_proposals_for_figures(portfolio)), roles_of(portfolio)
    )
    if npv_weight is not None:
        adapters.set_values(figures, npv_weight)
    return figures


def pipeline(figures) -> list[tuple[str, str, list]]:
    """The board: (state, label, proposals by value) for every workflow state."""
    columns = []
    for state in ProposalState:
        items = [p for p in figures.proposals if p.state == state]
        items.sort(key=lambda p: -p.value)
        columns.append((state.value, state.label, items))
    return columns


def ranking(figures, states=SELECTABLE) -> list:
    """Candidates by value, best first, with their rank."""
    items = [p for p in figures.proposals if p.state in states]
    return sorted(items, key=lambda p: (-p.value, p.code))


def bubble_points(figures, states=None) -> list[dict]:
    """Value vs risk, size = cost, for Chart.js."""
    top = max((float(p.cost) for p in figures.proposals), default=0.0) or 1.0
    return [
        {
            "x": p.risk_level,
            "y": round(p.value, 1),
            "r": round(4 + 18 * (float(p.cost) / top) ** 0.5, 1),
            "code": p.code,
            "title": p.title,
            "cost": f"{p.cost:,.0f}",
            "state": p.state,
        }
        for p in figures.proposals
        if states is None or p.state in states
    ]


def limits_of(scenario: Scenario) -> adapters.Limits:
    rows = list(scenario.budgets.all())
    years = max((r.year for r in rows), default=-1) + 1

    def row(kind):
        values = [None] * years
        for r in rows:
            amount = getattr(r, kind)
            values[r.year] = None if amount is None else adapters.to_cents(amount)
        return values if any(v is not None for v in values) else None

    return adapters.Limits(
        total=row("total"),
        capex=row("capex"),
        opex=row("opex"),
        use_capacity=scenario.use_capacity,
        allow_shift=scenario.allow_shift,
    )


@dataclass
class LiveScenario:
    """A saved scenario measured on today's data, and what changed since it was saved."""

    scenario: Scenario
    picks: dict[str, int]
    evaluation: adapters.Evaluation
    items: list
    gone: list[str]
    no_longer_candidates: list[str]
    value_change: float
    cost_change: Decimal

    @property
    def changed(self) -> bool:
        return bool(
            self.gone
            or self.no_longer_candidates
            or abs(self.value_change) >= 0.05
            or self.cost_change
        )


def live_scenario(scenario: Scenario, figures=None) -> LiveScenario:
    """Re-evaluate ``scenario`` on current data (business cases, scores, states)."""
    if figures is None:
        figures = portfolio_figures(scenario.portfolio, float(scenario.npv_weight))
    items = list(scenario.items.select_related("proposal"))
    picks = {i.proposal.code: i.start_month for i in items if i.proposal.code in figures.by_code}
    saved = scenario.saved_selection or {}
    gone = sorted(code for code in saved if code not in figures.by_code)
    committed = scenario.status == "committed"
    stale = [
        code
        for code in picks
        if not figures.by_code[code].selectable
        and not (committed and figures.by_code[code].state == ProposalState.APPROVED)
    ]
    limits = limits_of(scenario)
    evaluation = adapters.evaluate(figures, picks, limits)
    if committed:
        # approved proposals are this scenario's own outcome, not a problem of it
        evaluation.problems = [m for m in evaluation.problems if "approved, no longer" not in m]
    return LiveScenario(
        scenario=scenario,
        picks=picks,
        evaluation=evaluation,
        items=sorted((figures.by_code[c] for c in picks), key=lambda p: (-p.value, p.code)),
        gone=gone,
        no_longer_candidates=sorted(stale),
        value_change=evaluation.value - scenario.saved_value,
        cost_change=evaluation.cost - scenario.saved_cost,
    )


def compare(scenarios: list[Scenario]) -> dict:
    """Side by side: value, cost per year, capacity shortfall and membership."""
    if not scenarios:
        return {"columns": [], "rows": []}
    portfolio = scenarios[0].portfolio
    figures_by_weight: dict[Decimal, object] = {}
    lives = []
    for s in scenarios:
        if s.npv_weight not in figures_by_weight:
            figures_by_weight[s.npv_weight] = portfolio_figures(portfolio, float(s.npv_weight))
        lives.append(live_scenario(s, figures_by_weight[s.npv_weight]))
    codes = sorted({c for live in lives for c in live.picks})
    any_figures = next(iter(figures_by_weight.values()))
    membership = [
        {
            "code": code,
            "title": any_figures.by_code[code].title,
            "in": [code in live.picks for live in lives],
            "start": [
                adapters.month_label(any_figures.start, live.picks[code])
                if code in live.picks
                else None
                for live in lives
            ],
        }
        for code in codes
    ]
    return {"lives": lives, "membership": membership, "years": any_figures.year_labels()}


def job_of(user, job_id):
    from pmo.jobs.selectors import jobs_of

    return jobs_of(user).filter(pk=job_id).first()
