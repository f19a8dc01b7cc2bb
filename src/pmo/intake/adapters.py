"""The only place where intake models meet the engine: business cases become cash-flow
series and selection candidates, comparisons become AHP matrices, and answers come back
as plain figures the selectors and templates use.

Money is Decimal in the models and integer cents in the engine; a year of the business
case is spread over its twelve months in whole cents, the remainder going to the first
months, so every month and year adds up exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from pmo.core.text import counted
from pmo.engine import ahp, finance
from pmo.engine.selection import Candidate, SelectionProblem, blend_values

from .choices import SELECTABLE

CENT = Decimal("0.01")
# Value points: blended values run to 1 for the best proposal; a scale of 1,000 keeps
# portfolio totals readable without decimals.
VALUE_SCALE = 1000.0


def to_cents(amount: Decimal | int | None) -> int:
    return int((Decimal(amount or 0) * 100).to_integral_value())


def from_cents(cents: float) -> Decimal:
    return (Decimal(round(cents)) / 100).quantize(CENT)


def spread_year(cents: int, months: int = 12) -> list[int]:
    base, extra = divmod(cents, months)
    return [base + (1 if m < extra else 0) for m in range(months)]


def months_between(start: dt.date, later: dt.date) -> int:
    return (later.year - start.year) * 12 + later.month - start.month


def month_label(start: dt.date, offset: int) -> str:
    total = start.month - 1 + offset
    return f"{start.year + total // 12}-{total % 12 + 1:02d}"


def year_label(start: dt.date, year: int) -> str:
    if start.month == 1:
        return str(start.year + year)
    first = month_label(start, 12 * year)
    return f"year from {first}"


# Scoring


def normalised_weights(weights: Sequence[Decimal]) -> list[float]:
    total = float(sum(weights, Decimal(0)))
    if total <= 0:
        return [1.0 / len(weights)] * len(weights) if weights else []
    return [float(w) / total for w in weights]


@dataclass(frozen=True)
class ScoreStats:
    """Assessors' scores of one proposal on one criterion."""

    n: int
    mean: float | None
    low: int | None
    high: int | None
    std: float | None

    @property
    def spread(self) -> int | None:
        return None if self.n == 0 else self.high - self.low


def score_stats(scores: Sequence[int]) -> ScoreStats:
    if not scores:
        return ScoreStats(0, None, None, None, None)
    arr = np.asarray(scores, dtype=np.float64)
    return ScoreStats(len(scores), float(arr.mean()), min(scores), max(scores), float(arr.std()))


def weighted_score(stats: Sequence[ScoreStats], weights: Sequence[float], tops: Sequence[int]):
    """0-100: each criterion's mean score over its scale's top, weighted; unscored = 0."""
    total = 0.0
    for s, w, top in zip(stats, weights, tops, strict=True):
        if s.mean is not None and top > 0:
            total += w * s.mean / top
    return 100.0 * total


@dataclass(frozen=True)
class AhpOutcome:
    weights: list[float]
    consistency_ratio: float
    consistency_index: float
    lambda_max: float
    consistent: bool
    matrix: list[list[float]]


def ahp_outcome(n: int, judgments: dict[tuple[int, int], float]) -> AhpOutcome:
    """AHP weights of ``n`` criteria from judgments ``{(i, j): a_ij}``; raises the
    engine's ``InvalidComparisons`` naming the missing or bad pair.
    """
    matrix = ahp.pairwise_matrix(n, judgments)
    result = ahp.ahp_weights(matrix)
    return AhpOutcome(
        weights=[float(w) for w in result.weights],
        consistency_ratio=float(result.consistency_ratio),
        consistency_index=float(result.consistency_index),
        lambda_max=float(result.lambda_max),
        consistent=bool(result.consistent),
        matrix=matrix.tolist(),
    )


# Business case


@dataclass(frozen=True)
class Financials:
    npv: Decimal
    irr: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    roi: float | None
    capex: Decimal
    opex: Decimal
    benefit: Decimal

    @property
    def cost(self) -> Decimal:
        return self.capex + self.opex


def financials(rate: Decimal, cash_flows: Iterable) -> Financials:
    """NPV, IRR, payback and ROI of yearly net flows (benefit - capex - opex), year 0
    undiscounted; years with no row count as zero.
    """
    rows = list(cash_flows)
    capex = sum((r.capex for r in rows), Decimal(0))
    opex = sum((r.opex for r in rows), Decimal(0))
    benefit = sum((r.benefit for r in rows), Decimal(0))
    if not rows:
        return Financials(Decimal("0.00"), None, None, None, None, capex, opex, benefit)
    years = max(r.year for r in rows) + 1
    net = [0] * years
    for r in rows:
        net[r.year] += to_cents(r.benefit) - to_cents(r.capex) - to_cents(r.opex)
    summary = _evaluate(float(rate), tuple(net))
    return Financials(
        npv=from_cents(summary.npv),
        irr=summary.irr,
        payback_years=summary.payback_period,
        discounted_payback_years=summary.discounted_payback_period,
        roi=summary.roi,
        capex=capex.quantize(CENT),
        opex=opex.quantize(CENT),
        benefit=benefit.quantize(CENT),
    )


@functools.lru_cache(maxsize=4096)
def _evaluate(rate: float, net: tuple[int, ...]) -> finance.FinancialSummary:
    # IRR scans thousands of rates; pages show the same business cases again and again
    return finance.evaluate(rate, net)


def monthly_spend(cash_flows: Iterable) -> tuple[list[int], list[int]]:
    """Capex and opex in cents per month from the project's start."""
    rows = list(cash_flows)
    if not rows:
        return [], []
    years = max(r.year for r in rows) + 1
    capex = [0] * (12 * years)
    opex = [0] * (12 * years)
    for r in rows:
        at = 12 * r.year
        capex[at : at + 12] = spread_year(to_cents(r.capex))
        opex[at : at + 12] = spread_year(to_cents(r.opex))
    return capex, opex


def monthly_demand(demands: Iterable) -> dict[str, list[float]]:
    """Role name -> hours per month from the project's start."""
    out: dict[str, list[float]] = {}
    for d in demands:
        row = out.setdefault(d.role.name, [])
        end = d.from_month + d.months
        if len(row) < end:
            row.extend([0.0] * (end - len(row)))
        for m in range(d.from_month, end):
            row[m] += float(d.hours_per_month)
    return out


# Portfolio figures


@dataclass
class ProposalFigures:
    """Everything the pages and the optimiser need about one proposal, in plain values."""

    pk: int
    code: str
    title: str
    state: str
    risk_level: int
    mandatory: bool
    exclusive_group: str
    requires: list[str]
    blocked_by: list[str]
    earliest: int
    window: int
    duration: int
    score: float
    scored: int
    stats: list[ScoreStats]
    fin: Financials
    capex_m: list[int]
    opex_m: list[int]
    demand: dict[str, list[float]]
    value: float = 0.0

    @property
    def cost(self) -> Decimal:
        return self.fin.cost

    @property
    def selectable(self) -> bool:
        return self.state in SELECTABLE and not self.blocked_by


@dataclass
class PortfolioFigures:
    """A portfolio's intake as numbers: the scoring model, its proposals and its roles."""

    start: dt.date
    years: int
    rate: Decimal
    npv_weight: float
    criteria: list
    weights: list[float]
    tops: list[int]
    proposals: list[ProposalFigures]
    roles: list[str]
    capacity: list[float]
    by_code: dict[str, ProposalFigures] = field(default_factory=dict)

    @property
    def months(self) -> int:
        return 12 * self.years

    def month_labels(self) -> list[str]:
        return [month_label(self.start, m) for m in range(self.months)]

    def year_labels(self) -> list[str]:
        return [year_label(self.start, y) for y in range(self.years)]


def portfolio_figures(model, criteria, proposals, roles) -> PortfolioFigures:
    """Figures of ``proposals`` (with ``cash_flows``, ``demands__role``, ``requires``,
    ``depends_on_projects`` and ``assessments`` prefetched) under ``model``.
    """
    weights = normalised_weights([c.weight for c in criteria])
    tops = [max((lv.value for lv in c.levels.all()), default=5) for c in criteria]
    out: list[ProposalFigures] = []
    for p in proposals:
        by_criterion: dict[int, list[int]] = {}
        assessors: set[int] = set()
        for a in p.assessments.all():
            by_criterion.setdefault(a.criterion_id, []).append(a.score)
            assessors.add(a.assessor_id)
        stats = [score_stats(by_criterion.get(c.pk, [])) for c in criteria]
        flows = list(p.cash_flows.all())
        capex_m, opex_m = monthly_spend(flows)
        earliest = max(0, months_between(model.planning_start, p.earliest_start))
        latest = earliest + p.start_window_months
        blocked = []
        for proj in p.depends_on_projects.all():
            if proj.status == "cancelled":
                blocked.append(f"depends on project {proj.code}, which is cancelled")
            elif proj.status != "completed" and proj.planned_finish is not None:
                # it builds on that project's result: it starts the month after it ends
                after = months_between(model.planning_start, proj.planned_finish) + 1
                if after > latest:
                    blocked.append(
                        f"depends on project {proj.code}, which finishes "
                        f"{proj.planned_finish:%b %Y}, after its latest start"
                    )
                earliest = max(earliest, after)
        out.append(
            ProposalFigures(
                pk=p.pk,
                code=p.code,
                title=p.title,
                state=p.state,
                risk_level=p.risk_level,
                mandatory=p.mandatory,
                exclusive_group=p.exclusive_group,
                requires=[r.code for r in p.requires.all()],
                blocked_by=blocked,
                earliest=min(earliest, latest),
                window=max(0, latest - earliest),
                duration=p.duration_months,
                score=weighted_score(stats, weights, tops),
                scored=len(assessors),
                stats=stats,
                fin=financials(model.discount_rate, flows),
                capex_m=capex_m,
                opex_m=opex_m,
                demand=monthly_demand(p.demands.all()),
            )
        )
    figures = PortfolioFigures(
        start=model.planning_start.replace(day=1),
        years=model.horizon_years,
        rate=model.discount_rate,
        npv_weight=float(model.npv_weight),
        criteria=list(criteria),
        weights=weights,
        tops=tops,
        proposals=out,
        roles=[r.name for r in roles],
        capacity=[float(r.monthly_hours) for r in roles],
    )
    figures.by_code = {p.code: p for p in out}
    for p in out:
        # an approved prerequisite is a project already: satisfied; one that is not
        # screened cannot be chosen now, so neither can what needs it
        open_requires = []
        for code in p.requires:
            state = figures.by_code[code].state if code in figures.by_code else "unknown"
            if state == "approved":
                continue
            if state not in SELECTABLE:
                p.blocked_by.append(f"requires {code}, which is {state}")
            open_requires.append(code)
        p.requires = open_requires
    # what needs a blocked proposal is blocked too, however long the chain
    changed = True
    while changed:
        changed = False
        for p in out:
            if p.blocked_by:
                continue
            stuck = [
                r for r in p.requires if r in figures.by_code and figures.by_code[r].blocked_by
            ]
            if stuck:
                p.blocked_by.append(f"requires {stuck[0]}, which cannot be selected")
                changed = True
    set_values(figures, figures.npv_weight)
    return figures


def set_values(figures: PortfolioFigures, npv_weight: float) -> None:
    """Value points of every proposal: weighted score and NPV blended on one scale."""
    if not figures.proposals:
        return
    values = blend_values(
        [p.score for p in figures.proposals],
        [float(p.fin.npv) for p in figures.proposals],
        npv_weight,
    )
    for p, v in zip(figures.proposals, values, strict=True):
        p.value = float(v) * VALUE_SCALE


# Selection


@dataclass(frozen=True)
class Limits:
    """Budgets per year in cents (None: that kind is not limited) and the capacity switch."""

    total: list[int | None] | None = None
    capex: list[int | None] | None = None
    opex: list[int | None] | None = None
    use_capacity: bool = True
    allow_shift: bool = True


def _limit_row(values: list[int | None] | None, years: int, ceiling: int) -> list[int] | None:
    if values is None or all(v is None for v in values):
        return None
    padded = list(values) + [None] * (years - len(values))
    # an empty year is not limited: a ceiling above any possible spend says so
    return [ceiling if v is None else int(v) for v in padded[:years]]


def candidate_starts(p: ProposalFigures, allow_shift: bool) -> list[int]:
    last = p.earliest + (p.window if allow_shift else 0)
    return list(range(p.earliest, last + 1))


def selection_problem(
    figures: PortfolioFigures, candidates: Sequence[ProposalFigures], limits: Limits
) -> SelectionProblem:
    """The engine's problem over ``candidates``; ids are proposal codes so that every
    message names proposals as users know them.
    """
    codes = {p.code for p in candidates}
    ceiling = 1 + sum(sum(p.capex_m) + sum(p.opex_m) for p in candidates)
    monthly_keep = (1.0 + float(figures.rate)) ** (-1.0 / 12.0)
    cands = [
        Candidate(
            id=p.code,
            value=p.value,
            capex=p.capex_m,
            opex=p.opex_m,
            demand=(
                {r: d for r, d in p.demand.items() if r in figures.roles}
                if limits.use_capacity
                else {}
            ),
            starts=candidate_starts(p, limits.allow_shift),
            mandatory=p.mandatory,
            requires=[r for r in p.requires if r in codes],
        )
        for p in candidates
    ]
    groups: dict[str, list[str]] = {}
    for p in candidates:
        if p.exclusive_group:
            groups.setdefault(p.exclusive_group, []).append(p.code)
    return SelectionProblem(
        candidates=cands,
        budget_total=_limit_row(limits.total, figures.years, ceiling),
        budget_capex=_limit_row(limits.capex, figures.years, ceiling),
        budget_opex=_limit_row(limits.opex, figures.years, ceiling),
        months_per_period=12,
        period_labels=figures.year_labels(),
        roles=figures.roles if limits.use_capacity else (),
        capacity=(
            np.tile(np.asarray(figures.capacity)[:, None], (1, figures.months))
            if limits.use_capacity and figures.roles
            else None
        ),
        month_labels=figures.month_labels(),
        exclusive_groups=[g for g in groups.values() if len(g) > 1],
        # a later start is worth what its value is worth discounted by the delay
        delay_discount=1.0 - monthly_keep,
    )


@dataclass
class Evaluation:
    """A portfolio (codes -> start month) measured against the limits, on current data."""

    value: float
    cost: Decimal
    years: list[str]
    capex: list[Decimal]
    opex: list[Decimal]
    total: list[Decimal]
    budget_total: list[Decimal | None]
    budget_capex: list[Decimal | None]
    budget_opex: list[Decimal | None]
    months: list[str]
    roles: list[str]
    demand: list[list[float]]
    capacity: list[float]
    shortfall: list[list[float]]
    problems: list[str]

    @property
    def feasible(self) -> bool:
        return not self.problems

    @property
    def shortfall_hours(self) -> float:
        return float(sum(sum(row) for row in self.shortfall))


def _as_money(row: list[int | None] | None, years: int) -> list[Decimal | None]:
    if row is None:
        return [None] * years
    padded = list(row) + [None] * (years - len(row))
    return [None if v is None else from_cents(v) for v in padded[:years]]


def evaluate(figures: PortfolioFigures, picks: dict[str, int], limits: Limits) -> Evaluation:
    """Value, spend per year, demand per role and month and every rule the portfolio
    breaks, for proposals ``picks`` (code -> start month of the horizon).
    """
    years, months = figures.years, figures.months
    capex = np.zeros(years + 1, dtype=np.int64)
    opex = np.zeros(years + 1, dtype=np.int64)
    demand = np.zeros((len(figures.roles), months))
    role_at = {r: k for k, r in enumerate(figures.roles)}
    value = 0.0
    cost = Decimal(0)
    problems: list[str] = []
    monthly_keep = (1.0 + float(figures.rate)) ** (-1.0 / 12.0)
    for code, start in picks.items():
        p = figures.by_code[code]
        value += p.value * monthly_keep ** max(0, start - p.earliest)
        cost += p.cost
        for arr, spend in ((capex, p.capex_m), (opex, p.opex_m)):
            for m, cents in enumerate(spend):
                arr[min((start + m) // 12, years)] += cents
        for role, hours in p.demand.items():
            if role not in role_at:
                continue
            for m, h in enumerate(hours):
                if start + m < months:
                    demand[role_at[role], start + m] += h
        missing = [r for r in p.requires if r not in picks]
        if missing:
            problems.append(f"{code} requires {', '.join(missing)}, which is not in the scenario")
        if p.blocked_by:
            problems.append(f"{code} {'; '.join(p.blocked_by)}")
        if not p.selectable and not p.blocked_by:
            problems.append(f"{code} is {p.state}, no longer a candidate")
    groups: dict[str, list[str]] = {}
    for code in picks:
        g = figures.by_code[code].exclusive_group
        if g:
            groups.setdefault(g, []).append(code)
    for g, codes in groups.items():
        if len(codes) > 1:
            problems.append(f"{', '.join(codes)} are alternatives (group {g}): keep one")
    for p in figures.proposals:
        if p.mandatory and p.selectable and p.code not in picks:
            problems.append(f"{p.code} is mandatory but not in the scenario")
    labels = figures.year_labels()
    for kind, used in (
        ("total", capex + opex),
        ("capex", capex),
        ("opex", opex),
    ):
        row = getattr(limits, kind)
        if row is None:
            continue
        for y, limit in enumerate(row[:years]):
            if limit is not None and used[y] > limit:
                what = "budget" if kind == "total" else f"{kind} budget"
                problems.append(
                    f"{what} {labels[y]}: spends {from_cents(used[y]):,} of {from_cents(limit):,}"
                )
    cap = np.asarray(figures.capacity, dtype=np.float64)
    shortfall = np.maximum(demand - cap[:, None], 0.0) if len(cap) else demand
    if limits.use_capacity:
        mlabels = figures.month_labels()
        for k, role in enumerate(figures.roles):
            short = np.flatnonzero(shortfall[k] > 1e-6)
            if short.size:
                problems.append(
                    f"capacity {role}: short by {shortfall[k, short].sum():,.0f} h in "
                    f"{counted(int(short.size), 'month')}, worst {_worst(mlabels, shortfall[k])}"
                )
    return Evaluation(
        value=value,
        cost=cost.quantize(CENT),
        years=labels,
        capex=[from_cents(v) for v in capex[:years]],
        opex=[from_cents(v) for v in opex[:years]],
        total=[from_cents(a + b) for a, b in zip(capex[:years], opex[:years], strict=True)],
        budget_total=_as_money(limits.total, years),
        budget_capex=_as_money(limits.capex, years),
        budget_opex=_as_money(limits.opex, years),
        months=figures.month_labels(),
        roles=list(figures.roles),
        demand=demand.round(1).tolist(),
        capacity=list(figures.capacity),
        shortfall=shortfall.round(1).tolist(),
        problems=problems,
    )


def _worst(labels: list[str], row: np.ndarray) -> str:
    k = int(np.argmax(row))
    return f"{labels[k]} ({row[k]:,.0f} h)"


def finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else x
