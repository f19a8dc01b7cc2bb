"""Reads of intake, filtered to what the user may see, and the live figures built on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
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


def intake_portfolios(user):
    """Portfolios whose demand queue the user may see: a role on the portfolio itself (or
    organisation-wide), not merely on one of its projects.
    """
    from pmo.portfolios.models import Portfolio

    seen = visibility(user)
    if seen.everything:
        return Portfolio.objects.all()
    return Portfolio.objects.filter(pk__in=seen.portfolios_covered)


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


def pipeline_kpis(figures) -> dict:
    """The pipeline's headline figures: what awaits a decision and what screening holds."""
    screened = [p for p in figures.proposals if p.state == ProposalState.SCREENED]
    return {
        "total": len(figures.proposals),
        "open": sum(1 for p in figures.proposals if p.state in ("submitted", "screened")),
        "screened_cost": sum((p.cost for p in screened), Decimal("0.00")),
        "screened_npv": sum((p.fin.npv for p in screened), Decimal("0.00")),
        "unscored": sum(1 for p in figures.proposals if p.state != "draft" and not p.scored),
    }


def ranking(figures, states=SELECTABLE) -> list:
    """Candidates by value, best first, with their rank."""
    items = [p for p in figures.proposals if p.state in states]
    return sorted(items, key=lambda p: (-p.value, p.code))


def bubble_points(figures, states=None) -> list[dict]:
    """Value vs risk, size = cost, for Chart.js."""
    top = max((float(p.cost) for p in figures.proposals), default=0.0) or 1.0
    return [
        {
            # a small fixed offset keeps proposals of one risk level from hiding each other
            "x": p.risk_level + ((k % 5) - 2) * 0.07,
            "risk": p.risk_level,
            "y": round(p.value, 1),
            "r": round(4 + 18 * (float(p.cost) / top) ** 0.5, 1),
            "code": p.code,
            "title": p.title,
            "cost": f"{p.cost:,.0f}",
            "state": p.state,
        }
        for k, p in enumerate(figures.proposals)
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
    shortfall_roles = []
    for k, role in enumerate(any_figures.roles):
        cells = []
        for live in lives:
            row = live.evaluation.shortfall[k]
            months = [live.evaluation.months[m] for m, h in enumerate(row) if h > 0]
            shown = months if len(months) <= 4 else [*months[:3], f"… {len(months)} months"]
            cells.append({"hours": sum(row), "months": shown})
        if any(c["hours"] for c in cells):
            shortfall_roles.append({"role": role, "cells": cells})
    chart = {
        "years": any_figures.year_labels(),
        "scenarios": [
            {
                "name": live.scenario.name,
                "spend": [float(v) for v in live.evaluation.total],
                "value": round(live.evaluation.value, 1),
                "shortfall": round(live.evaluation.shortfall_hours, 1),
                "color": PALETTE[k % len(PALETTE)],
            }
            for k, live in enumerate(lives)
        ],
    }
    return {
        "chart": chart,
        "lives": lives,
        "membership": membership,
        "years": any_figures.year_labels(),
        "shortfall_roles": shortfall_roles,
    }


def job_of(user, job_id):
    from pmo.jobs.selectors import jobs_of

    return jobs_of(user).filter(pk=job_id).first()


def ahp_of(model: ScoringModel, criteria: list) -> adapters.AhpOutcome | None:
    """The AHP result of the saved comparisons, when every pair is compared."""
    if model.pk is None or len(criteria) < 2:
        return None
    index = {c.pk: k for k, c in enumerate(criteria)}
    pairs = {
        (index[c.first_id], index[c.second_id]): float(c.value)
        for c in model.comparisons.all()
        if c.first_id in index and c.second_id in index
    }
    n = len(criteria)
    if len(pairs) != n * (n - 1) // 2:
        return None
    try:
        return adapters.ahp_outcome(n, pairs)
    except ValueError:
        return None


def candidate_spend(figures) -> list[tuple[str, Decimal]]:
    """What all screened proposals would spend per year at their earliest start: the
    figure a budget is usually set against.
    """
    picks = {p.code: p.earliest for p in figures.proposals if p.selectable}
    evaluation = adapters.evaluate(figures, picks, adapters.Limits(use_capacity=False))
    return list(zip(evaluation.years, evaluation.total, strict=True))


def my_scores(user, proposal: Proposal) -> dict[int, tuple[int, str]]:
    return {
        a.criterion_id: (a.score, a.note)
        for a in Assessment.objects.filter(proposal=proposal, assessor=user)
    }


def proposal_of_project(project) -> Proposal | None:
    return Proposal.objects.filter(project=project).select_related("portfolio", "sponsor").first()


def cash_chart(proposal: Proposal, me) -> dict:
    """Yearly capex, opex, benefit and cumulative net, for the business-case chart."""
    flows = list(proposal.cash_flows.all())
    cumulative, running = [], Decimal(0)
    for f in flows:
        running += f.net
        cumulative.append(float(running))
    return {
        "labels": [f"Year {f.year}" for f in flows],
        "capex": [-float(f.capex) for f in flows],
        "opex": [-float(f.opex) for f in flows],
        "benefit": [float(f.benefit) for f in flows],
        "cumulative": cumulative,
    }


def pick_rows(figures, picks: dict[str, int], allow_shift: bool) -> list[dict]:
    """The hand-pick table: every candidate, whether picked, and its allowed starts."""
    rows = []
    for p in sorted(figures.proposals, key=lambda p: (-p.value, p.code)):
        if not p.selectable:
            continue
        starts = adapters.candidate_starts(p, allow_shift)
        rows.append(
            {
                "p": p,
                "picked": p.code in picks,
                "start": picks.get(p.code, starts[0]),
                "starts": [(s, adapters.month_label(figures.start, s)) for s in starts],
            }
        )
    return rows


def evaluate_picks(portfolio, scenario, picks: dict[str, int], options: dict | None):
    """Live figures of a selection being hand-picked, before it is saved."""
    if scenario is not None:
        figures = portfolio_figures(portfolio, float(scenario.npv_weight))
        limits = limits_of(scenario)
    else:
        from .services import _budget_rows, limits_from

        figures = portfolio_figures(portfolio, float(options["npv_weight"]))
        limits = limits_from(
            _budget_rows(options["budgets"]), options["use_capacity"], options["allow_shift"]
        )
    known = {c: s for c, s in picks.items() if c in figures.by_code}
    return adapters.evaluate(figures, known, limits)


PALETTE = ["#1f4e79", "#e8a100", "#1e8e3e", "#c5221f", "#7b3fa0", "#00838f", "#6d4c41"]


def scenario_charts(live: LiveScenario) -> dict:
    """Chart.js data: spend vs budget per year, demand vs capacity per role, frontier."""
    ev = live.evaluation
    scenario = live.scenario

    def money(values):
        return [None if v is None else float(v) for v in values]

    budget = ev.budget_total
    if all(b is None for b in budget):
        budget = [
            None if (c is None and o is None) else float((c or 0) + (o or 0))
            for c, o in zip(ev.budget_capex, ev.budget_opex, strict=True)
        ]
    roles = [
        {
            "role": role,
            "demand": ev.demand[k],
            "capacity": ev.capacity[k],
            "short": round(sum(ev.shortfall[k]), 1),
            "color": PALETTE[k % len(PALETTE)],
        }
        for k, role in enumerate(ev.roles)
    ]
    frontier = [
        {
            "budget": float(pt["budget"]),
            "value": pt["value"],
            "greedy": pt["greedy_value"],
            "n": len(pt["selected"]),
        }
        for pt in scenario.frontier
        if pt.get("value") is not None
    ]
    chosen_budget = sum(float(b) for b in budget if b is not None) if budget else None
    return {
        "years": ev.years,
        "capex": money(ev.capex),
        "opex": money(ev.opex),
        "budget": money(budget),
        "months": ev.months,
        "roles": roles,
        "frontier": frontier,
        "chosen": {"budget": chosen_budget, "value": scenario.solver.get("value")},
    }


def scenario_explanation(live: LiveScenario) -> dict:
    """The optimiser's explanation in the units people read: binding limits with their
    shadow prices, what each project displaces, and the gain over the greedy ranking.
    """
    solver = live.scenario.solver or {}
    projects = {row["code"]: row for row in solver.get("projects", [])}
    marginal = solver.get("marginal", {})
    out_codes = [code for code in {**projects, **marginal} if code not in live.picks]
    titles = dict(
        Proposal.objects.filter(portfolio=live.scenario.portfolio, code__in=out_codes).values_list(
            "code", "title"
        )
    )
    blank = {"value": None, "resource_price": None, "reduced_cost": None}
    left_out = [
        {**blank, "code": code, **projects.get(code, {}), "title": titles.get(code, "")}
        for code in out_codes
    ]
    left_out.sort(key=lambda r: (-(r["reduced_cost"] or 0), r["code"]))
    binding = []
    for c in solver.get("binding", []):
        money = c["kind"] != "capacity"
        unit = (lambda v: f"{adapters.from_cents(v):,}") if money else (lambda v: f"{v:,.0f} h")
        per = "per 1,000" if money else "per hour"
        price = c["shadow_price"] * (100_000 if money else 1)
        binding.append(
            {
                "label": c["label"],
                "used_text": unit(c["used"]),
                "limit_text": unit(c["limit"]),
                "price_text": f"{price:,.2f} {per}" if c["shadow_price"] else "—",
            }
        )
    greedy = solver.get("greedy_value")
    gain = None
    if greedy and solver.get("value") is not None and greedy > 0:
        gain = solver["value"] / greedy - 1.0
    return {
        "solver_projects": projects,
        "left_out": left_out,
        "binding": binding,
        "gain_over_greedy": gain,
    }


def roadmap(live: LiveScenario) -> dict:
    """Bars of the chosen proposals over the horizon: when each runs, as percentages."""
    months = len(live.evaluation.months)
    rows = []
    for p in sorted(live.items, key=lambda p: (live.picks[p.code], p.code)):
        start = live.picks[p.code]
        end = min(months, start + p.duration)
        rows.append(
            {
                "p": p,
                "left": round(100 * start / months, 3),
                "width": round(100 * max(end - start, 0.3) / months, 3),
                "shifted": start - p.earliest,
                "runs_on": start + p.duration > months,
            }
        )
    years = [
        {"label": label, "left": round(100 * 12 * k / months, 3)}
        for k, label in enumerate(live.evaluation.years)
    ]
    return {"rows": rows, "years": years}


def awaiting_scores(user, figures) -> list:
    """Submitted and screened proposals the user has not scored on every criterion."""
    n = len(figures.criteria)
    if not n:
        return []
    pks = [p.pk for p in figures.proposals if p.state in ("submitted", "screened")]
    done = {
        pk
        for pk, count in Assessment.objects.filter(assessor=user, proposal_id__in=pks)
        .values_list("proposal_id")
        .annotate(n=Count("pk"))
        .order_by()
        if count >= n
    }
    return [p for p in figures.proposals if p.pk in pks and p.pk not in done]


def start_range(figures, me) -> tuple[str, str]:
    """First and last month the proposal may start, after its project dependencies."""
    return (
        adapters.month_label(figures.start, me.earliest),
        adapters.month_label(figures.start, me.earliest + me.window),
    )
