"""Writes of intake. Each ``do_*`` checks permission, validates with messages that name
the row, field or proposal at fault, and saves atomically: a failed call changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import PermissionDenied, can, require
from pmo.engine.ahp import InvalidComparisons
from pmo.engine.selection import (
    InfeasibleSelection,
    InvalidSelectionInput,
    efficient_frontier,
    greedy_selection,
    marginal_values,
    solve,
)
from pmo.portfolios.choices import Phase, ProjectStatus
from pmo.portfolios.models import Portfolio, Project, StrategicObjective
from pmo.portfolios.services import do_create_project

from . import adapters, selectors
from .choices import DECISIONS, EDITABLE, TRANSITIONS, ProposalState, ScenarioMethod
from .models import (
    Assessment,
    CapacityRole,
    CashFlow,
    Criterion,
    PairwiseComparison,
    Proposal,
    ProposalEvent,
    ResourceDemand,
    ScaleLevel,
    Scenario,
    ScenarioBudget,
    ScenarioCommit,
    ScenarioItem,
    ScoringModel,
)

PROPOSAL_FIELDS = {
    "code",
    "title",
    "description",
    "sponsor",
    "risk_level",
    "earliest_start",
    "start_window_months",
    "duration_months",
    "mandatory",
    "exclusive_group",
}
MODEL_FIELDS = {"discount_rate", "npv_weight", "planning_start", "horizon_years"}
CRITERION_FIELDS = {"objective", "code", "name", "description", "weight", "position"}


class SelectionConflict(ValidationError):
    """No scenario satisfies the limits: ``conflicts`` says which constraints clash."""

    def __init__(self, error: InfeasibleSelection):
        self.conflicts = [
            {
                "constraints": list(c.constraints),
                "proposals": list(c.projects),
                "message": c.message,
            }
            for c in error.conflicts
        ]
        super().__init__({"limits": [f"No scenario fits: {c['message']}." for c in self.conflicts]})


def _assign(instance, fields: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown field(s) for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _first_of_month(day: dt.date | None) -> dt.date | None:
    return None if day is None else day.replace(day=1)


def _decimal(value, where: str) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError(f"{where}: {value!r} is not a number.") from None


# Scoring model


def _model_for_write(actor, portfolio: Portfolio) -> ScoringModel:
    require(actor, Action.CHANGE, portfolio)
    model = selectors.scoring_model(portfolio)
    if model.pk is None:
        model.full_clean()
        model.save()
    return model


@transaction.atomic
def do_save_scoring_model(actor, portfolio: Portfolio, **fields) -> ScoringModel:
    model = _model_for_write(actor, portfolio)
    _assign(model, fields, MODEL_FIELDS)
    model.planning_start = _first_of_month(model.planning_start)
    model.full_clean()
    model.save()
    return model


def _check_levels(levels: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    out, seen = [], set()
    for n, (value, definition) in enumerate(levels, start=1):
        if value in seen:
            raise ValidationError({"levels": f"Row {n}: score {value} is defined twice."})
        if not (definition or "").strip():
            raise ValidationError({"levels": f"Row {n}: score {value} needs a definition."})
        seen.add(value)
        out.append((int(value), definition.strip()))
    return out


@transaction.atomic
def do_save_criterion(
    actor,
    portfolio: Portfolio,
    criterion: Criterion | None = None,
    *,
    levels: Iterable[tuple[int, str]] | None = None,
    **fields,
) -> Criterion:
    """Create (``criterion`` None) or change a criterion and, if given, its scale."""
    model = _model_for_write(actor, portfolio)
    objective = fields.get("objective")
    if objective is not None and objective.portfolio_id != portfolio.pk:
        raise ValidationError({"objective": f"Objective {objective} belongs to another portfolio."})
    criterion = criterion or Criterion(model=model)
    if criterion.model_id != model.pk:
        raise ValidationError(f"Criterion {criterion} belongs to another portfolio.")
    _assign(criterion, fields, CRITERION_FIELDS)
    criterion.full_clean()
    criterion.save()
    if levels is not None:
        checked = _check_levels(levels)
        criterion.levels.all().delete()
        ScaleLevel.objects.bulk_create(
            ScaleLevel(criterion=criterion, value=v, definition=d) for v, d in checked
        )
    return criterion


@transaction.atomic
def do_delete_criterion(actor, criterion: Criterion) -> None:
    require(actor, Action.CHANGE, criterion.model.portfolio)
    criterion.delete()


@transaction.atomic
def do_set_comparisons(
    actor, portfolio: Portfolio, judgments: Iterable[tuple[str, str, Any]]
) -> adapters.AhpOutcome:
    """Pairwise comparisons of the portfolio's criteria by code; the AHP weights they give
    become the criteria's weights. An inconsistent matrix (CR > 0.1) is saved and flagged.
    """
    model = _model_for_write(actor, portfolio)
    criteria = selectors.criteria_of(model)
    index = {c.code: k for k, c in enumerate(criteria)}
    if len(criteria) < 2:
        raise ValidationError("Pairwise comparison needs at least two criteria.")
    pairs: dict[tuple[int, int], float] = {}
    for first, second, raw in judgments:
        for code in (first, second):
            if code not in index:
                raise ValidationError({"comparisons": f"Unknown criterion {code!r}."})
        value = _decimal(raw, f"{first} vs {second}")
        if not Decimal(1) / 9 - Decimal("0.0001") <= value <= 9:
            raise ValidationError(
                {"comparisons": f"{first} vs {second}: {value} is outside Saaty's 1/9 to 9."}
            )
        i, j = index[first], index[second]
        pairs[(i, j)] = float(value)
    missing = [
        f"{criteria[i].code} vs {criteria[j].code}"
        for i in range(len(criteria))
        for j in range(i + 1, len(criteria))
        if (i, j) not in pairs and (j, i) not in pairs
    ]
    if missing:
        raise ValidationError({"comparisons": f"Missing comparisons: {', '.join(missing)}."})
    try:
        outcome = adapters.ahp_outcome(len(criteria), pairs)
    except InvalidComparisons as error:
        raise ValidationError({"comparisons": str(error)}) from None
    model.comparisons.all().delete()
    PairwiseComparison.objects.bulk_create(
        PairwiseComparison(
            model=model,
            first=criteria[i],
            second=criteria[j],
            value=Decimal(str(round(v, 4))),
        )
        for (i, j), v in pairs.items()
    )
    for c, w in zip(criteria, outcome.weights, strict=True):
        c.weight = Decimal(str(round(w, 4)))
    Criterion.objects.bulk_update(criteria, ["weight"])
    return outcome


# Capacity roles


@transaction.atomic
def do_save_role(
    actor, portfolio: Portfolio, role: CapacityRole | None = None, **fields
) -> CapacityRole:
    require(actor, Action.CHANGE, portfolio)
    role = role or CapacityRole(portfolio=portfolio)
    _assign(role, fields, {"name", "monthly_hours"})
    role.full_clean()
    role.save()
    return role


# Proposals


def _check_cash_flows(rows: Iterable[Mapping]) -> list[CashFlow]:
    out, years = [], set()
    for n, row in enumerate(rows, start=1):
        year = row.get("year")
        if year is None or int(year) < 0 or int(year) > 30:
            raise ValidationError({"cash_flows": f"Row {n}: year must be 0 to 30, got {year!r}."})
        year = int(year)
        if year in years:
            raise ValidationError({"cash_flows": f"Row {n}: year {year} is given twice."})
        years.add(year)
        amounts = {}
        for name in ("capex", "opex", "benefit"):
            amount = _decimal(row.get(name), f"Row {n}, {name}")
            if amount < 0:
                raise ValidationError(
                    {"cash_flows": f"Row {n} (year {year}): {name} {amount} is negative."}
                )
            if amount != amount.quantize(adapters.CENT):
                raise ValidationError(
                    {"cash_flows": f"Row {n} (year {year}): {name} {amount} has more than cents."}
                )
            amounts[name] = amount
        out.append(CashFlow(year=year, **amounts))
    return out


def _check_demands(rows: Iterable[Mapping], portfolio: Portfolio) -> list[ResourceDemand]:
    roles = {r.name: r for r in CapacityRole.objects.filter(portfolio=portfolio)}
    out = []
    for n, row in enumerate(rows, start=1):
        role = row.get("role")
        if isinstance(role, CapacityRole):
            role = role.name
        if role not in roles:
            known = ", ".join(sorted(roles)) or "none defined yet"
            raise ValidationError(
                {"demands": f"Row {n}: role {role!r} is not a role of {portfolio} ({known})."}
            )
        from_month, months = int(row.get("from_month") or 0), int(row.get("months") or 0)
        hours = _decimal(row.get("hours_per_month"), f"Row {n}, hours per month")
        if from_month < 0 or months < 1:
            raise ValidationError(
                {"demands": f"Row {n} ({role}): needs a start month >= 0 and at least 1 month."}
            )
        if hours < 0:
            raise ValidationError({"demands": f"Row {n} ({role}): hours {hours} are negative."})
        out.append(
            ResourceDemand(
                role=roles[role], from_month=from_month, months=months, hours_per_month=hours
            )
        )
    return out


def _check_links(proposal: Proposal, objectives, requires, depends_on_projects) -> None:
    if objectives is not None:
        stray = [o for o in objectives if o.portfolio_id != proposal.portfolio_id]
        if stray:
            raise ValidationError(
                {"objectives": f"Not objectives of {proposal.portfolio}: {stray[0]}."}
            )
    if requires is not None:
        for other in requires:
            if other.pk == proposal.pk:
                raise ValidationError({"requires": f"{proposal.code} cannot require itself."})
            if other.portfolio_id != proposal.portfolio_id:
                raise ValidationError(
                    {"requires": f"{other.code} is in another portfolio ({other.portfolio})."}
                )
            if proposal.pk and _reaches(other, proposal.pk):
                raise ValidationError(
                    {"requires": f"{other.code} already requires {proposal.code}: a cycle."}
                )
    if depends_on_projects is not None:
        for project in depends_on_projects:
            if project.portfolio_id != proposal.portfolio_id:
                raise ValidationError(
                    {"depends_on_projects": f"{project.code} is in another portfolio."}
                )


def _reaches(start: Proposal, target_pk: int) -> bool:
    seen, stack = set(), [start.pk]
    while stack:
        pk = stack.pop()
        if pk == target_pk:
            return True
        if pk in seen:
            continue
        seen.add(pk)
        stack.extend(
            Proposal.requires.through.objects.filter(from_proposal_id=pk).values_list(
                "to_proposal_id", flat=True
            )
        )
    return False


def _save_proposal(
    proposal: Proposal,
    fields: Mapping,
    objectives,
    requires,
    depends_on_projects,
    cash_flows,
    demands,
) -> Proposal:
    _assign(proposal, fields, PROPOSAL_FIELDS)
    proposal.earliest_start = _first_of_month(proposal.earliest_start)
    flows = _check_cash_flows(cash_flows) if cash_flows is not None else None
    needs = _check_demands(demands, proposal.portfolio) if demands is not None else None
    proposal.full_clean()
    _check_links(proposal, objectives, requires, depends_on_projects)
    proposal.save()
    if objectives is not None:
        proposal.objectives.set(objectives)
    if requires is not None:
        proposal.requires.set(requires)
    if depends_on_projects is not None:
        proposal.depends_on_projects.set(depends_on_projects)
    if flows is not None:
        proposal.cash_flows.all().delete()
        for f in flows:
            f.proposal = proposal
        CashFlow.objects.bulk_create(flows)
    if needs is not None:
        proposal.demands.all().delete()
        for d in needs:
            d.proposal = proposal
        ResourceDemand.objects.bulk_create(needs)
    return proposal


@transaction.atomic
def do_create_proposal(
    actor,
    *,
    portfolio: Portfolio,
    objectives=None,
    requires=None,
    depends_on_projects=None,
    cash_flows=None,
    demands=None,
    **fields,
) -> Proposal:
    """A new draft. Anyone who may contribute to the portfolio may propose."""
    require(actor, Action.CONTRIBUTE, portfolio)
    proposal = Proposal(portfolio=portfolio, created_by=actor, state=ProposalState.DRAFT)
    return _save_proposal(
        proposal, fields, objectives, requires, depends_on_projects, cash_flows, demands
    )


def can_edit(actor, proposal: Proposal) -> bool:
    if proposal.state in (ProposalState.APPROVED, ProposalState.REJECTED):
        return False
    if can(actor, Action.CHANGE, proposal.portfolio):
        return True
    return (
        proposal.created_by_id == actor.pk
        and proposal.state in EDITABLE
        and can(actor, Action.CONTRIBUTE, proposal.portfolio)
    )


@transaction.atomic
def do_update_proposal(
    actor,
    proposal: Proposal,
    *,
    objectives=None,
    requires=None,
    depends_on_projects=None,
    cash_flows=None,
    demands=None,
    **fields,
) -> Proposal:
    """Change the business case. Decided proposals are frozen; authors may edit their own
    drafts, portfolio managers any open proposal.
    """
    # the state decides who may edit: read it under lock, not from a stale instance
    proposal.state = (
        Proposal.objects.select_for_update().values_list("state", flat=True).get(pk=proposal.pk)
    )
    if proposal.state in (ProposalState.APPROVED, ProposalState.REJECTED):
        raise ValidationError(
            f"{proposal.code} is {proposal.get_state_display().lower()}; it can no longer change."
        )
    if not can_edit(actor, proposal):
        raise PermissionDenied(f"You may not change proposal {proposal.code}.")
    return _save_proposal(
        proposal, fields, objectives, requires, depends_on_projects, cash_flows, demands
    )


@transaction.atomic
def do_comment(actor, proposal: Proposal, text: str) -> ProposalEvent:
    require(actor, Action.VIEW, proposal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a comment first."})
    return ProposalEvent.objects.create(proposal=proposal, author=actor, text=text)


def _project_dates(proposal: Proposal, start: dt.date) -> tuple[dt.date, dt.date]:
    months = start.month - 1 + proposal.duration_months
    year, month = start.year + months // 12, months % 12
    if month == 0:
        year, month = year - 1, 12
    last = calendar.monthrange(year, month)[1]
    return start, dt.date(year, month, last)


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    return dt.date(day.year + total // 12, total % 12 + 1, 1)


def _convert_to_project(actor, proposal: Proposal, start: dt.date) -> Project:
    if Project.objects.filter(code=proposal.code).exists():
        raise ValidationError(
            {"code": f"A project with code {proposal.code} exists already; rename the proposal."}
        )
    begin, finish = _project_dates(proposal, start)
    project = do_create_project(
        actor,
        portfolio=proposal.portfolio,
        code=proposal.code,
        name=proposal.title,
        description=proposal.description,
        sponsor=proposal.sponsor,
        status=ProjectStatus.ACTIVE,
        phase=Phase.INITIATION,
        planned_start=begin,
        planned_finish=finish,
        objectives=list(proposal.objectives.all()),
    )
    proposal.project = project
    return project


@transaction.atomic
def do_transition(
    actor, proposal: Proposal, to_state: str, comment: str = "", *, start: dt.date | None = None
) -> Proposal:
    """Move ``proposal`` through the workflow, recording who and why.

    Decisions (screen, approve, reject, defer) need the right to change the portfolio;
    rejecting and deferring need a reason. Approving creates the project, starting at
    ``start`` (default: the proposal's earliest start), and links it back.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if to_state not in TRANSITIONS.get(proposal.state, ()):
        allowed = ", ".join(TRANSITIONS.get(proposal.state, ())) or "none: it is decided"
        raise ValidationError(
            {
                "state": f"{proposal.code} is {proposal.state}; it cannot become {to_state} "
                f"(possible: {allowed})."
            }
        )
    if to_state in DECISIONS:
        if not can(actor, Action.CHANGE, proposal.portfolio):
            raise PermissionDenied(
                f"Only portfolio managers of {proposal.portfolio} decide on proposals."
            )
    elif not (proposal.created_by_id == actor.pk or can(actor, Action.CHANGE, proposal.portfolio)):
        raise PermissionDenied(
            f"Only the author or a portfolio manager may submit {proposal.code}."
        )
    comment = (comment or "").strip()
    if to_state in (ProposalState.REJECTED, ProposalState.DEFERRED) and not comment:
        raise ValidationError({"comment": "Say why: a rejection or deferral needs a reason."})
    has_case = proposal.cash_flows.filter(
        Q(capex__gt=0) | Q(opex__gt=0) | Q(benefit__gt=0)
    ).exists()
    if to_state == ProposalState.SUBMITTED and not has_case:
        raise ValidationError(
            {"cash_flows": f"{proposal.code} has no costs or benefits yet; add its business case."}
        )
    from_state = proposal.state
    proposal.state = to_state
    if to_state in DECISIONS:
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
    if to_state == ProposalState.APPROVED:
        _convert_to_project(actor, proposal, start or proposal.earliest_start)
    proposal.save()
    ProposalEvent.objects.create(
        proposal=proposal, author=actor, from_state=from_state, to_state=to_state, text=comment
    )
    return proposal


# Scoring


@transaction.atomic
def do_score(
    actor, proposal: Proposal, scores: Mapping[Criterion, tuple[int | None, str]]
) -> list[Assessment]:
    """Record ``actor``'s scores of ``proposal``: criterion -> (score or None to clear,
    note). Scores must be levels of the criterion's scale.
    """
    require(actor, Action.CONTRIBUTE, proposal.portfolio)
    if proposal.state not in (ProposalState.SUBMITTED, ProposalState.SCREENED):
        raise ValidationError(
            f"{proposal.code} is {proposal.state}; only submitted or screened proposals are scored."
        )
    saved = []
    for criterion, (score, note) in scores.items():
        if criterion.model.portfolio_id != proposal.portfolio_id:
            raise ValidationError(
                {"scores": f"{criterion.code} is not a criterion of {proposal.portfolio}."}
            )
        if score is None:
            Assessment.objects.filter(
                proposal=proposal, criterion=criterion, assessor=actor
            ).delete()
            continue
        allowed = sorted(lv.value for lv in criterion.levels.all()) or list(range(0, 6))
        if score not in allowed:
            raise ValidationError(
                {
                    f"score_{criterion.pk}": f"{criterion.code}: {score} is not on its scale "
                    f"({', '.join(map(str, allowed))})."
                }
            )
        assessment, _ = Assessment.objects.update_or_create(
            proposal=proposal,
            criterion=criterion,
            assessor=actor,
            defaults={"score": score, "note": (note or "").strip()[:300]},
        )
        saved.append(assessment)
    return saved


# Scenarios


def _budget_rows(budgets: Iterable[Mapping]) -> list[ScenarioBudget]:
    rows, years = [], set()
    for n, b in enumerate(budgets, start=1):
        year = int(b.get("year", n - 1))
        if year in years:
            raise ValidationError({"budgets": f"Row {n}: year {year} is given twice."})
        years.add(year)
        values = {}
        for kind in ("total", "capex", "opex"):
            raw = b.get(kind)
            if raw in (None, ""):
                values[kind] = None
                continue
            amount = _decimal(raw, f"Budget row {n}, {kind}")
            if amount < 0:
                raise ValidationError(
                    {"budgets": f"Row {n} (year {year}): {kind} budget {amount} is negative."}
                )
            values[kind] = amount.quantize(adapters.CENT)
        rows.append(ScenarioBudget(year=year, **values))
    return rows


def _check_budget_years(rows: list[ScenarioBudget], figures) -> None:
    for n, b in enumerate(rows, start=1):
        if b.year >= figures.years:
            raise ValidationError(
                {
                    "budgets": f"Row {n}: year {b.year} is beyond the {figures.years}-year "
                    f"horizon (years 0 to {figures.years - 1})."
                }
            )


def limits_from(budgets: list[ScenarioBudget], use_capacity: bool, allow_shift: bool):
    years = max((b.year for b in budgets), default=-1) + 1

    def row(kind):
        values = [None] * years
        for b in budgets:
            amount = getattr(b, kind)
            values[b.year] = None if amount is None else adapters.to_cents(amount)
        return values if any(v is not None for v in values) else None

    return adapters.Limits(
        total=row("total"),
        capex=row("capex"),
        opex=row("opex"),
        use_capacity=use_capacity,
        allow_shift=allow_shift,
    )


def _check_picks(figures, picks: Mapping[str, int | None], allow_shift: bool) -> dict[str, int]:
    out = {}
    for code, start in picks.items():
        p = figures.by_code.get(code)
        if p is None:
            raise ValidationError({"picks": f"{code} is not a proposal of this portfolio."})
        if not p.selectable:
            why = "; ".join(p.blocked_by) or f"it is {p.state}, not screened"
            raise ValidationError({"picks": f"{code} cannot be selected: {why}."})
        allowed = adapters.candidate_starts(p, allow_shift)
        start = allowed[0] if start is None else int(start)
        if start not in allowed:
            raise ValidationError(
                {
                    "picks": f"{code} may start in {figures.month_labels()[allowed[0]]}"
                    + (
                        f" to {adapters.month_label(figures.start, allowed[-1])}"
                        if len(allowed) > 1
                        else ""
                    )
                    + f", not {adapters.month_label(figures.start, start)}."
                }
            )
        out[code] = start
    return out


@transaction.atomic
def do_save_scenario(
    actor,
    portfolio: Portfolio,
    *,
    name: str,
    picks: Mapping[str, int | None],
    budgets: Iterable[Mapping] = (),
    npv_weight: Decimal | None = None,
    use_capacity: bool = True,
    allow_shift: bool = True,
    method: str = ScenarioMethod.HAND_PICKED,
    description: str = "",
    solver: dict | None = None,
    frontier: list | None = None,
) -> Scenario:
    """Save a portfolio choice with a snapshot of its value and cost, to tell later what
    changed. Picks are proposal codes to start months (None: earliest start).
    """
    require(actor, Action.CHANGE, portfolio)
    model = selectors.scoring_model(portfolio)
    weight = model.npv_weight if npv_weight is None else Decimal(str(npv_weight))
    figures = selectors.portfolio_figures(portfolio, float(weight))
    checked = _check_picks(figures, picks, allow_shift)
    rows = _budget_rows(budgets)
    _check_budget_years(rows, figures)
    evaluation = adapters.evaluate(figures, checked, limits_from(rows, use_capacity, allow_shift))
    scenario = Scenario(
        portfolio=portfolio,
        name=(name or "").strip(),
        description=description,
        method=method,
        created_by=actor,
        npv_weight=weight,
        use_capacity=use_capacity,
        allow_shift=allow_shift,
        solver=solver or {},
        frontier=frontier or [],
        saved_selection=checked,
        saved_value=round(evaluation.value, 4),
        saved_cost=evaluation.cost,
    )
    scenario.full_clean()
    scenario.save()
    for b in rows:
        b.scenario = scenario
    ScenarioBudget.objects.bulk_create(rows)
    ScenarioItem.objects.bulk_create(
        ScenarioItem(scenario=scenario, proposal_id=figures.by_code[c].pk, start_month=s)
        for c, s in checked.items()
    )
    return scenario


@transaction.atomic
def do_delete_scenario(actor, scenario: Scenario) -> None:
    """Delete an open scenario; a committed one is the record of a decision and stays."""
    require(actor, Action.CHANGE, scenario.portfolio)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != "open":
        raise ValidationError(f"Scenario {scenario} is committed; it is kept as a record.")
    scenario.delete()


@transaction.atomic
def do_update_scenario(actor, scenario: Scenario, picks: Mapping[str, int | None]) -> Scenario:
    """Replace the scenario's proposals (hand-picking) and take a new snapshot."""
    require(actor, Action.CHANGE, scenario.portfolio)
    if scenario.status != "open":
        raise ValidationError(f"Scenario {scenario} is committed; it can no longer change.")
    figures = selectors.portfolio_figures(scenario.portfolio, float(scenario.npv_weight))
    checked = _check_picks(figures, picks, scenario.allow_shift)
    evaluation = adapters.evaluate(figures, checked, selectors.limits_of(scenario))
    scenario.items.all().delete()
    ScenarioItem.objects.bulk_create(
        ScenarioItem(scenario=scenario, proposal_id=figures.by_code[c].pk, start_month=s)
        for c, s in checked.items()
    )
    scenario.method = ScenarioMethod.HAND_PICKED
    scenario.saved_selection = checked
    scenario.saved_value = round(evaluation.value, 4)
    scenario.saved_cost = evaluation.cost
    scenario.save()
    return scenario


def _solver_summary(figures, problem, selection, greedy_value: float | None) -> dict:
    return {
        "value": round(selection.value, 4),
        "bound": round(selection.bound, 4),
        "gap": selection.gap,
        "optimal": selection.optimal,
        "seconds": round(selection.seconds, 3),
        "source": selection.source,
        "greedy_value": None if greedy_value is None else round(greedy_value, 4),
        "candidates": len(problem.candidates),
        "binding": [
            {
                "label": c.label,
                "kind": c.kind,
                "used": c.used,
                "limit": c.limit,
                "shadow_price": c.shadow_price,
            }
            for c in selection.binding
        ],
        "projects": [
            {
                "code": o.id,
                "selected": o.selected,
                "start": o.start,
                "value": round(o.value, 4),
                "resource_price": round(o.resource_price, 4),
                "reduced_cost": round(o.reduced_cost, 4),
            }
            for o in selection.projects
        ],
    }


def frontier_factors(points: int) -> list[float]:
    """Budget multipliers from 0.1 to 2, one of them exactly 1: the scenario's own budget
    is a point of its frontier, so the chart never draws it between two samples.
    """
    n = max(2, points)
    factors = [0.1 + k * (2.0 - 0.1) / (n - 1) for k in range(n)]
    nearest = min(range(n), key=lambda k: abs(factors[k] - 1.0))
    factors[nearest] = 1.0
    return sorted({round(f, 6) for f in factors})


def optimise(
    actor,
    portfolio: Portfolio,
    *,
    budgets: Iterable[Mapping] = (),
    npv_weight: Decimal | None = None,
    use_capacity: bool = True,
    allow_shift: bool = True,
    time_limit: float = 10.0,
    frontier_points: int = 10,
    name: str = "",
    save: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> dict:
    """Choose the best screened proposals within the budgets and capacities.

    Solves exactly (certified gap), runs the greedy baseline and, when there is a budget,
    the efficient frontier with the greedy value at each level. Saves the result as an
    optimised scenario when ``save``. Raises ``SelectionConflict`` naming the clashing
    constraints when not even the mandatory proposals fit.
    """
    require(actor, Action.CHANGE, portfolio)
    say = progress or (lambda percent, message="": None)
    rows = _budget_rows(budgets)
    limits = limits_from(rows, use_capacity, allow_shift)
    model = selectors.scoring_model(portfolio)
    weight = model.npv_weight if npv_weight is None else Decimal(str(npv_weight))
    say(5, "Reading proposals and scores")
    figures = selectors.portfolio_figures(portfolio, float(weight))
    _check_budget_years(rows, figures)
    candidates = [p for p in figures.proposals if p.selectable]
    if not candidates:
        raise ValidationError("No screened proposals to choose from: screen some first.")
    problem = adapters.selection_problem(figures, candidates, limits)
    say(15, f"Optimising over {len(candidates)} proposals")
    try:
        selection = solve(problem, time_limit=time_limit)
        baseline = greedy_selection(problem)
    except InfeasibleSelection as error:
        raise SelectionConflict(error) from None
    except InvalidSelectionInput as error:
        raise ValidationError(str(error)) from None
    frontier = []
    if rows and any(v is not None for v in (limits.total, limits.capex, limits.opex)):
        say(45, "Tracing the efficient frontier")
        points = efficient_frontier(
            problem, frontier_factors(frontier_points), time_limit=max(2.0, time_limit)
        )
        # the sum of the limits actually set: open years carry a ceiling, not a budget
        base = sum(v for row in (limits.total, limits.capex, limits.opex) for v in row or () if v)
        frontier = [
            {
                "factor": round(pt.factor, 4),
                "budget": str(adapters.from_cents(base * pt.factor)),
                "value": pt.value,
                "greedy_value": pt.greedy_value,
                "gap": pt.gap,
                "selected": list(pt.selected),
            }
            for pt in points
        ]
    say(90, "Saving the scenario")
    solver = _solver_summary(figures, problem, selection, baseline.value)
    result = {"selection": dict(selection.starts), "solver": solver, "frontier": frontier}
    if save:
        scenario = do_save_scenario(
            actor,
            portfolio,
            name=name or f"Optimised {timezone.localtime():%d %b %Y %H:%M}",
            picks=dict(selection.starts),
            budgets=[
                {"year": b.year, "total": b.total, "capex": b.capex, "opex": b.opex} for b in rows
            ],
            npv_weight=weight,
            use_capacity=use_capacity,
            allow_shift=allow_shift,
            method=ScenarioMethod.OPTIMISED,
            solver=solver,
            frontier=frontier,
        )
        result["scenario_id"] = scenario.pk
    return result


def price_scenario(
    actor,
    scenario: Scenario,
    *,
    time_limit: float = 5.0,
    progress: Callable[[float, str], None] | None = None,
) -> dict:
    """What each screened proposal is worth to the best portfolio under the scenario's
    limits, by re-solving with it left out (selected ones) or forced in (the others).

    Exact where each re-solve closes its gap within ``time_limit``. Saved on the scenario
    as ``solver["marginal"]``: code -> value gained (positive) or lost by forcing it in
    (negative); None when it cannot be added at all.
    """
    require(actor, Action.CHANGE, scenario.portfolio)
    say = progress or (lambda percent, message="": None)
    figures = selectors.portfolio_figures(scenario.portfolio, float(scenario.npv_weight))
    candidates = [p for p in figures.proposals if p.selectable]
    if not candidates:
        raise ValidationError("No screened proposals to price.")
    problem = adapters.selection_problem(figures, candidates, selectors.limits_of(scenario))
    codes = {p.code for p in candidates}
    picks = {
        i.proposal.code: i.start_month
        for i in scenario.items.select_related("proposal")
        if i.proposal.code in codes
    }
    say(2, "Solving the portfolio on today's data")
    try:
        best = solve(problem, time_limit=time_limit, initial=picks)
    except InfeasibleSelection as error:
        raise SelectionConflict(error) from None
    worth: dict[str, float | None] = {}
    for k, candidate in enumerate(problem.candidates):
        say(5 + 93 * k / len(problem.candidates), f"Pricing {candidate.id}")
        value = marginal_values(problem, best, [candidate.id], time_limit=time_limit)
        worth[candidate.id] = adapters.finite(round(value[candidate.id], 4))
    with transaction.atomic():
        fresh = Scenario.objects.select_for_update().get(pk=scenario.pk)
        fresh.solver = {
            **fresh.solver,
            "marginal": worth,
            "marginal_optimum": round(best.value, 4),
            "marginal_gap": best.gap,
            "priced_at": timezone.now().isoformat(),
        }
        fresh.save(update_fields=["solver", "updated_at"])
    return {"scenario_id": scenario.pk, "priced": len(worth)}


@transaction.atomic
def do_commit_scenario(actor, scenario: Scenario, note: str = "") -> ScenarioCommit:
    """Approve every proposal of the scenario (each becomes a project starting in its
    scenario month) and keep an audit record. Refused while the scenario, measured on
    today's data, breaks a budget, capacity or rule.
    """
    require(actor, Action.CHANGE, scenario.portfolio)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != "open":
        raise ValidationError(f"Scenario {scenario} was committed already.")
    live = selectors.live_scenario(scenario)
    if not live.picks:
        raise ValidationError("The scenario holds no proposals; there is nothing to commit.")
    if live.evaluation.problems:
        raise ValidationError(
            {"scenario": [f"Cannot commit: {m}." for m in live.evaluation.problems]}
        )
    figures_start = selectors.scoring_model(scenario.portfolio).planning_start.replace(day=1)
    created = []
    proposals = {
        p.code: p
        for p in Proposal.objects.filter(code__in=live.picks, portfolio=scenario.portfolio)
    }
    for code, month in sorted(live.picks.items()):
        proposal = do_transition(
            actor,
            proposals[code],
            ProposalState.APPROVED,
            f"Approved by committing scenario “{scenario.name}”.",
            start=_add_months(figures_start, month),
        )
        created.append(
            {"proposal": code, "project": proposal.project.code, "project_id": proposal.project_id}
        )
    scenario.status = "committed"
    scenario.save(update_fields=["status", "updated_at"])
    return ScenarioCommit.objects.create(
        scenario=scenario,
        committed_by=actor,
        projects=created,
        value=round(live.evaluation.value, 4),
        cost=live.evaluation.cost,
        note=(note or "").strip(),
    )


def check_objectives(portfolio: Portfolio, codes: Iterable[str]) -> list[StrategicObjective]:
    found = {o.code: o for o in portfolio.objectives.filter(code__in=list(codes))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"objectives": f"Unknown objectives: {', '.join(missing)}."})
    return [found[c] for c in codes]
